"""Workspace projects: the list (GET /workspaces/{ws}/projects), read-only.

Projects come from the seed; the collection only needs to find them (by name, for project
groups, rates and alerts). The Swagger documents the query parameters without saying how
they behave, so these are the simulator's assumptions (listed in the README):

- `name` keeps projects whose name contains it, case-insensitively (as the organization
  groups list documents for its own `name`);
- `active`: true, false or both; left out, both (every project is returned);
- `project_ids`: comma-separated ids;
- `page` (default 1) and `per_page` (default 151, at most 200, as the Swagger says). No
  paging headers: the Swagger documents none, so a client pages until a short page.

The list is sorted by name (case-insensitive), then id.
"""

from flask import Blueprint, request

from ..errors import ApiError
from ..state import Project
from . import access, payload

blueprint = Blueprint("projects", __name__, url_prefix="/api/v9")

DEFAULT_PER_PAGE = 151
MAX_PER_PAGE = 200


def project_view(project: Project) -> dict:
    workspace = access.state().workspaces[project.workspace_id]
    return {
        "id": project.id,
        "workspace_id": project.workspace_id,
        "wid": project.workspace_id,
        "name": project.name,
        "active": project.active,
        "status": "active" if project.active else "archived",
        "billable": project.billable,
        "is_private": project.is_private,
        "color": project.color,
        "estimated_hours": project.estimated_hours,
        "fixed_fee": project.fixed_fee,
        "client_id": None,
        "cid": None,
        "currency": workspace.settings.get("default_currency"),
        "template": False,
    }


def _page_number(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise ApiError(400, f"Invalid value sent for '{name}'.") from error
    if value <= 0:
        raise ApiError(400, f"{name} parameter must contain values > 0.")
    return value


def _active_filter():
    raw = (request.args.get("active") or "both").lower()
    if raw == "both":
        return None
    if raw in ("true", "false"):
        return raw == "true"
    raise ApiError(400, "Invalid value sent for 'active'.")


@blueprint.get("/workspaces/<int:workspace_id>/projects")
def list_projects(workspace_id: int):
    workspace = access.workspace_for_member(workspace_id)
    active = _active_filter()
    name = (request.args.get("name") or "").lower()
    project_ids = payload.int_list_query("project_ids", "Invalid value sent for 'project_ids'.")
    page = _page_number("page", 1)
    per_page = min(_page_number("per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)

    projects = [
        project
        for project in access.state().projects_of(workspace.id)
        if (active is None or project.active == active)
        and name in project.name.lower()
        and (project_ids is None or project.id in project_ids)
    ]
    projects.sort(key=lambda project: (project.name.lower(), project.id))
    return access.ok([project_view(project) for project in projects[(page - 1) * per_page : page * per_page]])
