"""Access rules and shared views for the Focus routes.

Focus errors are JSON strings like Track's; the texts are the reference pages' short
descriptions ("Invalid request", "User does not have access", "Group not found").
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


def group_view(group: Group) -> dict:
    state = access.state()
    users = []
    for user_id in group.user_ids:
        membership = state.membership(group.organization_id, user_id)
        users.append({
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
        })
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
