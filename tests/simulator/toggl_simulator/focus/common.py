"""Access rules and shared views for the Focus routes.

Focus errors are JSON strings like Track's; the texts are the reference pages' short
descriptions ("Invalid request", "User does not have access", "Group not found", and
"Server error" for a 500, see middleware.py). List filters of type []integer are taken
repeated or comma-separated.
"""

from flask import request

from ..api import access
from ..clock import isoformat
from ..errors import ApiError
from ..state import Group, Organization

PREFIX = "/focus/api"
INVALID_REQUEST = "Invalid request"


def organization_for_member(
    organization_id: int, message: str = "User does not have access to the organization"
) -> Organization:
    org = access.state().organizations.get(organization_id)
    if org is None or not access.is_org_member(org.id, access.caller().id):
        raise ApiError(403, message)
    return org


def organization_for_admin(organization_id: int) -> Organization:
    org = organization_for_member(organization_id, "User does not have access")
    if not access.state().is_org_admin(org.id, access.caller().id):
        raise ApiError(403, "User does not have access")
    return org


def required_workspace_id(org: Organization) -> int:
    """The workspace_id query parameter these endpoints need for their permission check."""
    raw = request.args.get("workspace_id")
    if raw is None or not raw.isdigit():
        raise ApiError(400, INVALID_REQUEST)
    workspace = access.state().workspaces.get(int(raw))
    if workspace is None or workspace.organization_id != org.id:
        raise ApiError(400, INVALID_REQUEST)
    return workspace.id


def int_list_query(name: str) -> list[int] | None:
    """A []integer query parameter, repeated (``a=1&a=2``) or comma-separated (``a=1,2``)."""
    if not request.args.getlist(name):
        return None
    values = [part.strip() for raw in request.args.getlist(name) for part in raw.split(",") if part.strip()]
    if not all(value.isdigit() for value in values):
        raise ApiError(400, INVALID_REQUEST)
    return [int(value) for value in values]


def str_list_query(name: str) -> list[str] | None:
    raw = request.args.getlist(name)
    if not raw:
        return None
    return [part.strip() for value in raw for part in value.split(",") if part.strip()]


def positive_int_query(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, INVALID_REQUEST)
    return int(raw)


def bool_query(name: str) -> bool:
    raw = (request.args.get(name) or "").lower()
    if raw in ("", "false", "0"):
        return False
    if raw in ("true", "1"):
        return True
    raise ApiError(400, INVALID_REQUEST)


def sort_direction() -> str:
    sort_dir = request.args.get("sort_dir") or "asc"
    if sort_dir not in ("asc", "desc"):
        raise ApiError(400, INVALID_REQUEST)
    return sort_dir


def group_view(group: Group) -> dict:
    state = access.state()
    users = []
    for user_id in group.user_ids:
        membership = state.membership(group.organization_id, user_id)
        users.append(
            {
                "organization_user_id": membership.id if membership else None,
                "user_account_id": user_id,
                "display_name": state.users[user_id].display_name,
                "user_group_id": None,
                "track_role_id": None,
                "focus_role_id": None,
                "work_role_id": None,
                "created_at": isoformat(group.at),
                "updated_at": isoformat(group.at),
                "deleted_at": None,
            }
        )
    workspaces = [
        {
            "workspace_id": ws_id,
            "name": state.workspaces[ws_id].name,
            "workspace_group_id": None,
            "created_at": isoformat(group.at),
            "updated_at": isoformat(group.at),
            "deleted_at": None,
        }
        for ws_id in group.workspace_ids
    ]
    return {
        "id": group.id,
        "name": group.name,
        "emoji": group.emoji,
        "organization_id": group.organization_id,
        "created_at": isoformat(group.at),
        "updated_at": isoformat(group.at),
        "deleted_at": None,
        "users": users,
        "workspaces": workspaces,
    }
