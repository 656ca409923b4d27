"""Project groups: which organization groups are assigned to a workspace's projects.

Projects themselves are not managed through the API here; they come from the seed.
"""

from flask import Blueprint, request

from .. import profiles
from ..errors import ApiError
from ..state import ProjectGroup
from . import access, payload

blueprint = Blueprint("project_groups", __name__, url_prefix="/api/v9")

INVALID_JSON = "Invalid JSON input"


def project_group_view(link: ProjectGroup) -> dict:
    return {"id": link.id, "pid": link.project_id, "wid": link.workspace_id, "group_id": link.group_id}


@blueprint.get("/workspaces/<int:workspace_id>/project_groups")
def list_project_groups(workspace_id: int):
    workspace = access.workspace_for_member(workspace_id)
    if not request.args.get("project_ids"):
        raise ApiError(400, "project_ids is required")
    project_ids = payload.int_list_query("project_ids", "Invalid project_ids")
    links = sorted(
        (
            link
            for link in access.state().project_groups.values()
            if link.workspace_id == workspace.id and link.project_id in project_ids
        ),
        key=lambda link: link.id,
    )
    return access.ok([project_group_view(link) for link in links])


@blueprint.post("/workspaces/<int:workspace_id>/project_groups")
def add_project_group(workspace_id: int):
    workspace = access.workspace_for_admin(workspace_id)
    body = payload.json_object(INVALID_JSON, {"group_id": payload.INT, "project_id": payload.INT})
    state = access.state()
    project = state.projects.get(body.get("project_id"))
    if project is None or project.workspace_id != workspace.id:
        raise ApiError(400, "Invalid project_id")
    group = state.groups.get(body.get("group_id"))
    if group is None or group.organization_id != workspace.organization_id:
        raise ApiError(400, "Invalid group_id")
    if any(link.project_id == project.id and link.group_id == group.id for link in state.project_groups.values()):
        raise ApiError(400, "Group is already assigned to the project")
    link = ProjectGroup(id=state.ids.next(), workspace_id=workspace.id, project_id=project.id, group_id=group.id)
    state.project_groups[link.id] = link
    if profiles.is_pages():
        return access.ok(project_group_view(link))  # pages: the new project group object
    return access.ok("OK")  # Swagger: 200 schema type string


@blueprint.delete("/workspaces/<int:workspace_id>/project_groups/<int:project_group_id>")
def remove_project_group(workspace_id: int, project_group_id: int):
    workspace = access.workspace_for_admin(workspace_id)
    link = access.state().project_groups.get(project_group_id)
    if link is None or link.workspace_id != workspace.id:
        raise ApiError(404, "Project group not found")
    del access.state().project_groups[link.id]
    return access.ok("OK")
