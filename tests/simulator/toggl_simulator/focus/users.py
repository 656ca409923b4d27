"""GET /focus/api/organizations/{id}/users: the organization's members, Focus-shaped.

Supports the filters the reference lists that the simulator's state can answer
(workspaces, user_account_ids, org_user_ids, groups, active_status, only_admins, filter,
sort_dir, page, per_page); the others are accepted and ignored.
"""

from flask import Blueprint, request

from .. import catalog
from ..api import access, payload
from ..clock import isoformat
from ..errors import ApiError
from ..state import Organization, OrganizationUser
from .common import INVALID_REQUEST, PREFIX, organization_for_member

blueprint = Blueprint("focus_users", __name__, url_prefix=PREFIX)


def member_view(org: Organization, membership: OrganizationUser) -> dict:
    state = access.state()
    user = state.users[membership.user_id]
    groups = sorted((g for g in state.groups_of(org.id) if user.id in g.user_ids), key=lambda g: g.name.lower())
    workspaces = []
    for workspace in state.workspaces_of(org.id):
        row = state.workspace_user(workspace.id, user.id)
        if row is None:
            continue
        workspaces.append({
            "id": workspace.id,
            "name": workspace.name,
            "workspace_user_id": row.id,
            "track_role_id": catalog.WORKSPACE_ROLE_IDS[row.role],
            "focus_role_id": None,
            "work_role_id": None,
            "toggl_products": ["track"],
            "groups": [{"id": g.id, "name": g.name, "emoji": g.emoji}
                       for g in groups if workspace.id in g.workspace_ids],
        })
    return {
        "id": membership.id,
        "user_account_id": user.id,
        "user_id": str(user.id),
        "organization_id": org.id,
        "email": user.email,
        "name": user.display_name,
        "active": membership.joined and not membership.inactive,
        "joined": membership.joined,
        "invite_sent": not membership.joined,
        "admin": membership.admin,
        "owner": user.id == org.owner_id,
        "2fa_enabled": False,
        "can_edit_personal_details": False,
        "account_locked_at": None,
        "created_at": isoformat(membership.created_at),
        "updated_at": isoformat(membership.created_at),
        "deleted_at": None,
        "groups": [{"id": g.id, "name": g.name, "emoji": g.emoji, "workspace_ids": list(g.workspace_ids)}
                   for g in groups],
        "workspaces": workspaces,
        "permissions": {},
        "rate": None,
        "tags": [],
        "working_hours": None,
    }


def _number(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, INVALID_REQUEST)
    return int(raw)


@blueprint.get("/organizations/<int:organization_id>/users")
def list_users(organization_id: int):
    org = organization_for_member(organization_id)
    state = access.state()
    members = state.members_of(org.id)
    for name, attribute in (("user_account_ids", "user_id"), ("org_user_ids", "id")):
        wanted = payload.int_list_query(name, INVALID_REQUEST)
        if wanted is not None:
            members = [m for m in members if getattr(m, attribute) in wanted]
    workspaces = payload.int_list_query("workspaces", INVALID_REQUEST)
    if workspaces is not None:
        members = [m for m in members if any(state.workspace_user(ws, m.user_id) for ws in workspaces)]
    groups = payload.int_list_query("groups", INVALID_REQUEST)
    if groups is not None:
        members = [m for m in members
                   if any(g.id in groups and m.user_id in g.user_ids for g in state.groups_of(org.id))]
    statuses = request.args.get("active_status")
    if statuses:
        wanted_statuses = {s.strip() for s in statuses.split(",")}
        members = [m for m in members if m.active_status in wanted_statuses]
    if payload.bool_query("only_admins"):
        members = [m for m in members if m.admin]
    text = (request.args.get("filter") or "").lower()
    if text:
        members = [
            m for m in members
            if text in state.users[m.user_id].display_name.lower() or text in state.users[m.user_id].email.lower()
        ]
    sort_dir = request.args.get("sort_dir") or "asc"
    if sort_dir not in ("asc", "desc"):
        raise ApiError(400, INVALID_REQUEST)
    members.sort(key=lambda m: (state.users[m.user_id].display_name.lower(), m.id), reverse=sort_dir == "desc")
    page, per_page = _number("page", 1), _number("per_page", catalog.ORG_USERS_DEFAULT_PER_PAGE)
    return access.ok([member_view(org, m) for m in members[(page - 1) * per_page: page * per_page]])
