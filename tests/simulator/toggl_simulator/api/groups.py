"""Organization groups: list, create, replace, patch and delete.

Group members reach the group's workspaces, so every change here re-syncs workspace
memberships (State.sync_group_access) and shows in workspace user lists (is_direct,
group_ids).

PATCH accepts both documented body forms: the Swagger's top-level array of
{op, path, value} (which the collection sends) and the reference pages' {"items": [...]}.
"""

from flask import Blueprint, request

from .. import catalog
from ..clock import isoformat
from ..errors import ApiError
from ..state import Group, Organization
from . import access, payload

blueprint = Blueprint("groups", __name__, url_prefix="/api/v9")

INVALID_JSON = "Invalid JSON input"
GROUP_FIELDS = {"name": payload.STRING, "users": payload.INT_LIST, "workspaces": payload.INT_LIST}
PATCH_OPERATIONS = ("add", "remove", "replace")
PATCH_PATHS = ("/users", "/workspaces")


def group_view(group: Group) -> dict:
    state = access.state()
    users = []
    for user_id in group.user_ids:
        user = state.users[user_id]
        membership = state.membership(group.organization_id, user_id)
        users.append(
            {
                "user_id": user_id,
                "name": user.display_name,
                "avatar_url": "",
                "inactive": bool(membership and membership.inactive),
                "joined": bool(membership and membership.joined),
            }
        )
    return {
        "group_id": group.id,
        "name": group.name,
        "at": isoformat(group.at),
        "permissions": [],
        "users": users,
        "workspaces": list(group.workspace_ids),
    }


def _sorted_groups(groups: list[Group]) -> list[Group]:
    return sorted(groups, key=lambda g: (g.name.lower(), g.id))


def _validate_name(org: Organization, name, exclude_id: int | None = None) -> str:
    if name is None or not name.strip():
        raise ApiError(400, "Group name must be present")
    if len(name) > catalog.GROUP_NAME_MAX:
        raise ApiError(400, "Group name too long, maximum length is 200")
    wanted = name.strip().lower()
    if any(g.id != exclude_id and g.name.strip().lower() == wanted for g in access.state().groups_of(org.id)):
        raise ApiError(400, "Name has already been taken")
    return name


def _validate_users(org: Organization, user_ids: list[int]) -> None:
    for user_id in user_ids:
        if not access.state().membership(org.id, user_id):
            raise ApiError(400, f"User {user_id} not exists in the organization {org.id}")


def _validate_workspaces(org: Organization, workspace_ids: list[int]) -> None:
    for workspace_id in workspace_ids:
        workspace = access.state().workspaces.get(workspace_id)
        if workspace is None or workspace.organization_id != org.id:
            raise ApiError(400, f"Workspace {workspace_id} not exists in the organization {org.id}")


def _group_of(org: Organization, group_id: int) -> Group:
    group = access.state().groups.get(group_id)
    if group is None or group.organization_id != org.id:
        raise ApiError(404, "Invalid group ID.")
    return group


def _admin_organization(organization_id: int, message: str = "User does not have access to this resource"):
    org = access.organization_for_member(organization_id, outsider=ApiError(403, message))
    access.require_org_admin(org, message)
    return org


@blueprint.get("/organizations/<int:organization_id>/groups")
def list_groups(organization_id: int):
    org = access.organization_for_member(organization_id)
    groups = access.state().groups_of(org.id)
    name = request.args.get("name")
    if name:
        groups = [g for g in groups if name.lower() in g.name.lower()]
    workspace = request.args.get("workspace")
    if workspace:
        try:
            workspace_id = int(workspace)
        except ValueError as error:
            raise ApiError(400, f"Invalid number '{workspace}'") from error
        groups = [g for g in groups if workspace_id in g.workspace_ids]
    return access.ok([group_view(g) for g in _sorted_groups(groups)])


@blueprint.get("/organizations/<int:organization_id>/workspaces/<int:workspace_id>/groups")
def list_workspace_groups(organization_id: int, workspace_id: int):
    org = access.organization_for_member(organization_id)
    workspace = access.workspace_in_organization(org, workspace_id)
    groups = [g for g in access.state().groups_of(org.id) if workspace.id in g.workspace_ids]
    return access.ok([group_view(g) for g in _sorted_groups(groups)])


@blueprint.post("/organizations/<int:organization_id>/groups")
def create_group(organization_id: int):
    org = _admin_organization(organization_id)
    body = payload.json_object(INVALID_JSON, GROUP_FIELDS)
    name = _validate_name(org, body.get("name"))
    users = sorted(set(body.get("users") or []))
    workspaces = sorted(set(body.get("workspaces") or []))
    _validate_users(org, users)
    _validate_workspaces(org, workspaces)

    state, now = access.state(), access.now()
    group = Group(
        id=state.ids.next(), organization_id=org.id, name=name, user_ids=users, workspace_ids=workspaces, at=now
    )
    state.groups[group.id] = group
    state.sync_group_access(org.id, now)
    return access.ok(group_view(group))


@blueprint.put("/organizations/<int:organization_id>/groups/<int:group_id>")
def replace_group(organization_id: int, group_id: int):
    """Renames a group; users/workspaces, when given, replace the lists ([] empties them).

    A list left out is kept as it is.
    """
    org = _admin_organization(organization_id, "Forbidden")
    group = _group_of(org, group_id)
    body = payload.json_object(INVALID_JSON, GROUP_FIELDS)
    name = _validate_name(org, body.get("name"), exclude_id=group.id)
    users = sorted(set(body["users"])) if body.get("users") is not None else None
    workspaces = sorted(set(body["workspaces"])) if body.get("workspaces") is not None else None
    _validate_users(org, users or [])
    _validate_workspaces(org, workspaces or [])

    now = access.now()
    group.name = name
    if users is not None:
        group.user_ids = users
    if workspaces is not None:
        group.workspace_ids = workspaces
    group.at = now
    access.state().sync_group_access(org.id, now)
    return access.ok(group_view(group))


def _patch_operations() -> list[dict]:
    body = payload.json_body(INVALID_JSON)
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        body = body["items"]
    if not isinstance(body, list):
        raise ApiError(400, INVALID_JSON)
    if len(body) > catalog.GROUP_PATCH_MAX_OPERATIONS:
        raise ApiError(400, "Too many patches")
    for operation in body:
        if not isinstance(operation, dict):
            raise ApiError(400, INVALID_JSON)
        payload.check_types(
            operation, {"op": payload.STRING, "path": payload.STRING, "value": payload.INT_LIST}, INVALID_JSON
        )
        if operation.get("op") not in PATCH_OPERATIONS:
            raise ApiError(400, "Empty or invalid patch operation")
        if operation.get("path") not in PATCH_PATHS:
            raise ApiError(400, "Empty or invalid patch path")
        values = operation.get("value")
        if values is None or (not values and operation["op"] != "replace"):
            raise ApiError(400, "Empty or invalid patch value")
        if len(values) > catalog.GROUP_PATCH_MAX_VALUES:
            raise ApiError(400, "Too many values per patch")
    return body


@blueprint.patch("/organizations/<int:organization_id>/groups/<int:group_id>")
def patch_group(organization_id: int, group_id: int):
    org = _admin_organization(organization_id, "User does not have permission to manage user groups.")
    group = _group_of(org, group_id)
    operations = _patch_operations()
    for operation in operations:
        if operation["path"] == "/users":
            _validate_users(org, operation["value"])
        elif operation["op"] != "remove":
            _validate_workspaces(org, operation["value"])

    for operation in operations:
        attribute = "user_ids" if operation["path"] == "/users" else "workspace_ids"
        current = set(getattr(group, attribute))
        values = set(operation["value"])
        if operation["op"] == "add":
            current |= values
        elif operation["op"] == "remove":
            current -= values
        else:
            current = values
        setattr(group, attribute, sorted(current))
    now = access.now()
    group.at = now
    access.state().sync_group_access(org.id, now)
    return access.ok(
        {
            "success": [{"op": o["op"], "path": o["path"], "value": o["value"]} for o in operations],
            "failure": [],
        }
    )


@blueprint.delete("/organizations/<int:organization_id>/groups/<int:group_id>")
def delete_group(organization_id: int, group_id: int):
    org = _admin_organization(organization_id)
    group = _group_of(org, group_id)
    access.state().delete_group(group, access.now())
    return access.ok("OK")
