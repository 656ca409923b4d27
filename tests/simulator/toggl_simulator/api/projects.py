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

from .. import profiles
from ..clock import isoformat
from ..errors import ApiError
from ..state import Project
from . import access, payload

blueprint = Blueprint("projects", __name__, url_prefix="/api/v9")

DEFAULT_PER_PAGE = 151
MAX_PER_PAGE = 200


def _fixed_fee_amount(project: Project) -> float | None:
    if isinstance(project.fixed_fee, bool):
        return None
    return project.fixed_fee


def project_view(project: Project) -> dict:
    workspace = access.state().workspaces[project.workspace_id]
    view = {
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
        # Swagger: models.Project fixed_fee is a number (the fixed fee amount, null when none);
        # pages: a boolean.
        "fixed_fee": _fixed_fee_amount(project) if profiles.is_swagger() else _fixed_fee_amount(project) is not None,
        "client_id": None,
        "cid": None,
        "currency": workspace.settings.get("default_currency"),
        "template": False,
    }
    if profiles.is_swagger():
        # Swagger: the other fields of models.Project (live clients such as toggl-python require
        # them), plus server_deleted_at, which the live API sends beyond the Swagger.
        created = isoformat(workspace.created_at)
        view.update(
            {
                "at": isoformat(workspace.at),
                "created_at": created,
                "server_deleted_at": None,
                "start_date": created[:10] if created else None,
                "end_date": None,
                "actual_hours": None,
                "actual_seconds": None,
                "estimated_seconds": (project.estimated_hours * 3600 if project.estimated_hours is not None else None),
                "auto_estimates": False,
                "can_track_time": True,
                "rate": None,
                "rate_last_updated": None,
                "recurring": False,
                "recurring_parameters": None,
                "template_id": None,
                "pinned": False,
                "permissions": [],
                "client_name": None,
                "external_reference": None,
            }
        )
    return view


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


@blueprint.get("/workspaces/<int:workspace_id>/projects/<int:project_id>")
def get_project(workspace_id: int, project_id: int):
    """Swagger: GET /workspaces/{workspace_id}/projects/{project_id}, one models.Project; an
    unknown project is its documented 400 "Invalid project_id"."""
    workspace = access.workspace_for_member(workspace_id)
    project = access.state().projects.get(project_id)
    if project is None or project.workspace_id != workspace.id:
        raise ApiError(400, "Invalid project_id")
    return access.ok(project_view(project))
