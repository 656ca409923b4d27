"""GET /focus/api/organizations/{id}/users: the organization's members, Focus-shaped.

A top-level JSON array, like the simulator's other lists (the reference's `items` is its
renderer's way of showing an array), without paging facts: a client knows it has read the
last page when one comes back shorter than `per_page` (default 50, no maximum in the
reference, none enforced). Sorted by name, then organization user id; `sort_dir` reverses.

Filters the state can answer: workspaces, user_account_ids, org_user_ids, groups,
toggl_products ("track" is the only product modelled), active_status (active, inactive,
invited), roles (workspace role ids), only_admins, filter (name or email). tag_ids and
pinned_ids are accepted and ignored (there are no tags, and pinning only reorders).

`rate` and `working_hours` are null unless asked for with include_rates /
include_working_hours. The rate is the member's active billable rate of the first of their
workspaces (by id, within the `workspaces` filter) that has one: the workspace user's own
rate, or else the workspace's default rate. Working hours are that first workspace's, in
hours: the workspace user's own, or else the workspace's.
"""

from flask import Blueprint, request

from .. import catalog, rate_history
from ..api import access
from ..clock import isoformat
from ..state import Organization, OrganizationUser
from .common import (
    PREFIX,
    bool_query,
    int_list_query,
    organization_for_member,
    positive_int_query,
    sort_direction,
    str_list_query,
)

blueprint = Blueprint("focus_users", __name__, url_prefix=PREFIX)

BILLABLE = "billable_rates"


def _rate(workspace_ids: list[int], user_id: int) -> dict | None:
    state, now = access.state(), access.now()
    for ws_id in workspace_ids:
        row = state.workspace_user(ws_id, user_id)
        levels = (("workspace_user", row.id if row else None), ("workspace", ws_id))
        for level, level_id in levels:
            if level_id is None:
                continue
            active = rate_history.active_rate(state, now, ws_id, level, level_id, BILLABLE)
            if active is None:
                continue
            return {
                "workspace_id": ws_id,
                "hourly_rate": active.amount,
                "currency": state.workspaces[ws_id].settings.get("default_currency"),
                "start_at": isoformat(active.start),
                "end_at": isoformat(active.end) if active.end else None,
                "workspace_rate_id": active.id if level == "workspace" else None,
                "workspace_user_rate_id": active.id if level == "workspace_user" else None,
            }
    return None


def _working_hours(workspace_ids: list[int], user_id: int) -> float | None:
    state = access.state()
    for ws_id in workspace_ids:
        row = state.workspace_user(ws_id, user_id)
        minutes = row.working_hours_in_minutes if row else None
        if minutes is None:
            minutes = state.workspaces[ws_id].working_hours_in_minutes
        if minutes is not None:
            return minutes / 60
    return None


def _role_ids(org: Organization, user_id: int) -> set[int]:
    """The workspace role ids a member holds in the organization (the `roles` filter)."""
    state = access.state()
    rows = (state.workspace_user(ws.id, user_id) for ws in state.workspaces_of(org.id))
    return {catalog.WORKSPACE_ROLE_IDS[row.role] for row in rows if row is not None}


def member_view(
    org: Organization,
    membership: OrganizationUser,
    include_rates: bool = False,
    include_working_hours: bool = False,
    rate_workspaces: list[int] | None = None,
) -> dict:
    state = access.state()
    user = state.users[membership.user_id]
    groups = sorted((g for g in state.groups_of(org.id) if user.id in g.user_ids), key=lambda g: g.name.lower())
    workspaces = []
    for workspace in state.workspaces_of(org.id):
        row = state.workspace_user(workspace.id, user.id)
        if row is None:
            continue
        workspaces.append(
            {
                "id": workspace.id,
                "name": workspace.name,
                "workspace_user_id": row.id,
                "track_role_id": catalog.WORKSPACE_ROLE_IDS[row.role],
                "focus_role_id": None,
                "work_role_id": None,
                "toggl_products": ["track"],
                "groups": [
                    {"id": g.id, "name": g.name, "emoji": g.emoji} for g in groups if workspace.id in g.workspace_ids
                ],
            }
        )
    own_workspaces = sorted(w["id"] for w in workspaces if rate_workspaces is None or w["id"] in rate_workspaces)
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
        "groups": [
            {"id": g.id, "name": g.name, "emoji": g.emoji, "workspace_ids": list(g.workspace_ids)} for g in groups
        ],
        "workspaces": workspaces,
        "permissions": {},
        "rate": _rate(own_workspaces, user.id) if include_rates else None,
        "tags": [],
        "working_hours": _working_hours(own_workspaces, user.id) if include_working_hours else None,
    }


@blueprint.get("/organizations/<int:organization_id>/users")
def list_users(organization_id: int):
    org = organization_for_member(organization_id)
    state = access.state()
    members = state.members_of(org.id)
    for name, attribute in (("user_account_ids", "user_id"), ("org_user_ids", "id")):
        wanted = int_list_query(name)
        if wanted is not None:
            members = [m for m in members if getattr(m, attribute) in wanted]
    workspaces = int_list_query("workspaces")
    if workspaces is not None:
        members = [m for m in members if any(state.workspace_user(ws, m.user_id) for ws in workspaces)]
    groups = int_list_query("groups")
    if groups is not None:
        members = [
            m for m in members if any(g.id in groups and m.user_id in g.user_ids for g in state.groups_of(org.id))
        ]
    products = str_list_query("toggl_products")
    if products is not None and "track" not in products:
        members = []
    roles = int_list_query("roles")
    if roles is not None:
        members = [m for m in members if _role_ids(org, m.user_id) & set(roles)]
    statuses = str_list_query("active_status")
    if statuses:
        members = [m for m in members if m.active_status in statuses]
    if bool_query("only_admins"):
        members = [m for m in members if m.admin]
    text = (request.args.get("filter") or "").lower()
    if text:
        members = [
            m
            for m in members
            if text in state.users[m.user_id].display_name.lower() or text in state.users[m.user_id].email.lower()
        ]
    sort_dir = sort_direction()
    members.sort(key=lambda m: (state.users[m.user_id].display_name.lower(), m.id), reverse=sort_dir == "desc")
    page = positive_int_query("page", 1)
    per_page = positive_int_query("per_page", catalog.ORG_USERS_DEFAULT_PER_PAGE)
    options = {
        "include_rates": bool_query("include_rates"),
        "include_working_hours": bool_query("include_working_hours"),
        "rate_workspaces": workspaces,
    }
    return access.ok([member_view(org, m, **options) for m in members[(page - 1) * per_page : page * per_page]])
