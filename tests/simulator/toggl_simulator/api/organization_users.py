"""Organization users: the paginated member list, bulk removal and per-user changes.

The list is sorted by name and paginated through query page/per_page, with the paging
facts in X-Page, X-Page-Size, X-Pages, X-Records and X-Sort-Order. Pending invitations are
members with joined=false (active_status "invited").
"""

import math

from flask import Blueprint, request

from .. import catalog, profiles, rate_history
from ..errors import ApiError
from ..state import Organization, OrganizationUser
from . import access, payload
from .workspace_users import user_rate

blueprint = Blueprint("organization_users", __name__, url_prefix="/api/v9")

INVALID_JSON = "Invalid JSON input"
ACTIVE_STATUSES = ("active", "inactive", "invited")

# Swagger: github_com_toggl_toggl_api_internal_services_organization_user.Payload, decoded into
# a Go struct, so any other key is silently dropped.
SWAGGER_ORGANIZATION_USER_FIELDS = {
    "email": payload.STRING,
    "name": payload.STRING,
    "inactive": payload.BOOL,
    "organization_admin": payload.BOOL,
    "role_id": payload.INT,
    "groups": payload.INT_LIST,
    "workspaces": payload.OBJECT_LIST,
}
# pages: the older reference pages also name `admin`, `labour_cost` (with `rate_change_mode`)
# and `postedFields`; the pages profile accepts those besides the Swagger's fields.
PAGES_ORGANIZATION_USER_FIELDS = {
    **SWAGGER_ORGANIZATION_USER_FIELDS,
    "admin": payload.BOOL,
    "labour_cost": payload.NUMBER,
    "rate_change_mode": payload.STRING,
    "postedFields": payload.STRING_LIST,
}
# Swagger: models.OrgUserWorkspace, the items of `workspaces` (read-only fields such as
# workspace_name or groups are ignored).
ORG_USER_WORKSPACE_FIELDS = {
    "workspace_id": payload.INT,
    "role_id": payload.INT,
    "role": payload.STRING,
    "admin": payload.BOOL,
    "rate": payload.NUMBER,
    "cost": payload.NUMBER,
    "working_hours": payload.NUMBER,
    "inactive": payload.BOOL,
    "view_edit_billable_rates": payload.BOOL,
    "view_edit_labor_costs": payload.BOOL,
}


def organization_user_fields() -> dict[str, str]:
    return PAGES_ORGANIZATION_USER_FIELDS if profiles.is_pages() else SWAGGER_ORGANIZATION_USER_FIELDS


def _org_role_id(org: Organization, membership: OrganizationUser) -> int:
    if membership.user_id == org.owner_id:
        return catalog.ORGANIZATION_OWNER_ROLE_ID
    return catalog.ORGANIZATION_ADMIN_ROLE_ID if membership.admin else catalog.ORGANIZATION_MEMBER_ROLE_ID


class _MemberViews:
    """Builds OrgUser items; group lookups are computed once per request, not per member."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.state = access.state()
        self.workspaces = self.state.workspaces_of(org.id)
        self.groups_by_user: dict[int, list] = {}
        for group in sorted(self.state.groups_of(org.id), key=lambda g: g.name.lower()):
            for user_id in group.user_ids:
                self.groups_by_user.setdefault(user_id, []).append(group)

    def view(self, membership: OrganizationUser) -> dict:
        user = self.state.users[membership.user_id]
        groups = self.groups_by_user.get(user.id, [])
        workspaces = []
        for workspace in self.workspaces:
            row = self.state.workspace_user(workspace.id, user.id)
            if row is None:
                continue
            workspaces.append(
                {
                    "workspace_id": workspace.id,
                    "workspace_name": workspace.name,
                    "workspace_user_id": row.id,
                    "admin": row.role == "admin",
                    "role": row.role,
                    "role_id": catalog.WORKSPACE_ROLE_IDS[row.role],
                    "active": membership.joined,
                    "inactive": row.inactive or membership.inactive,
                    "rate": user_rate(row, rate_history.BILLABLE),
                    "cost": user_rate(row, rate_history.LABOR),
                    "working_hours": row.working_hours_in_minutes,
                    "view_edit_billable_rates": row.view_edit_billable_rates,
                    "view_edit_labor_costs": row.view_edit_labor_costs,
                    "default_currency": workspace.settings["default_currency"],
                    "groups": [{"group_id": g.id, "name": g.name} for g in groups if workspace.id in g.workspace_ids],
                }
            )
        return {
            "id": membership.id,
            "user_id": user.id,
            "organization_id": self.org.id,
            "email": user.email,
            "name": user.display_name,
            "avatar_url": "",
            "2fa_enabled": False,
            "can_edit_email": False,
            "admin": membership.admin,
            "owner": user.id == self.org.owner_id,
            "inactive": membership.inactive,
            "joined": membership.joined,
            "invitation_id": membership.invitation_id,
            "role_id": _org_role_id(self.org, membership),
            "workspace_count": len(workspaces),
            "groups": [{"group_id": g.id, "name": g.name} for g in groups],
            "workspaces": workspaces,
        }


def _list_query(detailed: bool, org: Organization) -> dict:
    """Parses and checks the list's query parameters (the Swagger's 400 texts)."""
    args = request.args
    statuses = None
    if args.get("active_status"):
        statuses = {s.strip() for s in args["active_status"].split(",") if s.strip()}
        if not statuses <= set(ACTIVE_STATUSES):
            raise ApiError(400, "active_status parameter can contain only 'active', 'inactive' or 'invited'.")
    only_admins = args.get("only_admins")
    if only_admins not in (None, "", "true", "false"):
        raise ApiError(400, "only_admins parameter can contain only 'true' or 'false'.")
    page = _positive_int("page", 1)
    per_page = min(_positive_int("per_page", catalog.ORG_USERS_DEFAULT_PER_PAGE), catalog.ORG_USERS_MAX_PER_PAGE)
    sort_dir = args.get("sort_dir") or "asc"
    if sort_dir not in ("asc", "desc"):
        raise ApiError(400, "sort_dir parameter can contain only 'asc' or 'desc'.")
    groups = payload.int_list_query("groups", "Invalid value sent for 'groups'.")
    workspaces = payload.int_list_query("workspaces", "Invalid value sent for 'workspaces'.")
    if detailed and workspaces:
        for ws_id in workspaces:
            workspace = access.state().workspaces.get(ws_id)
            if workspace is None or workspace.organization_id != org.id:
                raise ApiError(400, "user cannot access specified workspace id.")
    return {
        "statuses": statuses,
        "only_admins": only_admins == "true",
        "page": page,
        "per_page": per_page,
        "sort_dir": sort_dir,
        "groups": groups,
        "workspaces": workspaces,
        "filter": (args.get("filter") or "").lower(),
    }


def _positive_int(name: str, default: int) -> int:
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


def _list_members(organization_id: int, detailed: bool):
    # Swagger: 403 "User is not authorized to list the organization users" (/users) and 403
    # "Forbidden" (/users/detailed) for a caller who is not an admin of the organization;
    # pages: any member may list them.
    refusal = ApiError(403, "Forbidden" if detailed else "User is not authorized to list the organization users")
    org = access.organization_for_member(organization_id, outsider=refusal)
    if profiles.is_swagger():
        access.require_org_admin(org, refusal.message)
    query = _list_query(detailed, org)
    state = access.state()
    views = _MemberViews(org)

    members = []
    for membership in state.members_of(org.id):
        user = state.users[membership.user_id]
        if query["statuses"] and membership.active_status not in query["statuses"]:
            continue
        if query["only_admins"] and not membership.admin:
            continue
        if (
            query["filter"]
            and query["filter"] not in user.display_name.lower()
            and query["filter"] not in user.email.lower()
        ):
            continue
        if query["groups"] is not None and not any(
            g.id in query["groups"] for g in views.groups_by_user.get(user.id, [])
        ):
            continue
        if query["workspaces"] is not None and not any(
            state.workspace_user(ws_id, user.id) for ws_id in query["workspaces"]
        ):
            continue
        members.append(membership)

    members.sort(key=lambda m: (state.users[m.user_id].display_name.lower(), m.id), reverse=query["sort_dir"] == "desc")
    page, per_page = query["page"], query["per_page"]
    page_items = members[(page - 1) * per_page : page * per_page]
    response = access.ok([views.view(m) for m in page_items])
    response.headers["X-Page"] = str(page)
    response.headers["X-Page-Size"] = str(per_page)
    response.headers["X-Pages"] = str(math.ceil(len(members) / per_page))
    response.headers["X-Records"] = str(len(members))
    response.headers["X-Sort-Order"] = query["sort_dir"]
    return response


@blueprint.get("/organizations/<int:organization_id>/users")
def list_organization_users(organization_id: int):
    return _list_members(organization_id, detailed=False)


@blueprint.get("/organizations/<int:organization_id>/users/detailed")
def list_organization_users_detailed(organization_id: int):
    return _list_members(organization_id, detailed=True)


@blueprint.patch("/organizations/<int:organization_id>/users")
def bulk_remove_organization_users(organization_id: int):
    org = access.organization_for_admin(
        organization_id,
        outsider_message="User is not authorized to delete the organization user",
    )
    body = payload.json_object(INVALID_JSON, {"delete": payload.INT_LIST})
    ids = body.get("delete") or []
    if not ids:
        raise ApiError(400, "At least one organization user ID must be supplied.")
    if len(set(ids)) != len(ids):
        raise ApiError(400, "Organization user IDs must be unique.")
    state = access.state()
    strangers = [
        str(member_id)
        for member_id in ids
        if member_id not in state.organization_users or state.organization_users[member_id].organization_id != org.id
    ]
    if strangers:
        raise ApiError(
            400,
            f"The following organization user IDs do not belong to this organization: '{','.join(strangers)}'.",
        )
    for member_id in ids:
        if state.organization_users[member_id].user_id == org.owner_id:
            raise ApiError(400, f"Cannot remove the organization owner user with organization user ID='{member_id}'.")
    for member_id in ids:
        state.remove_membership(state.organization_users[member_id])
    state.sync_group_access(org.id, access.now())
    return access.ok("OK")


def _validate_member_update(body: dict, org: Organization, membership: OrganizationUser) -> bool | None:
    """All checks of PUT .../users/{id}; returns the new admin flag, if it changes."""
    fields = organization_user_fields()
    if not any(payload.given(body, name) for name in fields if name != "postedFields"):
        raise ApiError(400, "At least one field is required.")
    admin_flags = [
        body[name] for name in ("admin", "organization_admin") if name in fields and payload.given(body, name)
    ]
    if admin_flags and payload.given(body, "role_id"):
        raise ApiError(400, "Cannot use both admin flags and role_id.")
    new_admin = admin_flags[-1] if admin_flags else None
    if payload.given(body, "role_id"):
        role = catalog.ROLES_BY_ID.get(body["role_id"])
        if role is None:
            raise ApiError(400, f"Invalid role ID: {body['role_id']}.")
        if role.entity != "organization" or role.role_id == catalog.ORGANIZATION_OWNER_ROLE_ID:
            raise ApiError(400, "Invalid organization role.")
        new_admin = role.role_id == catalog.ORGANIZATION_ADMIN_ROLE_ID
    is_owner = membership.user_id == org.owner_id
    if is_owner and new_admin is False:
        raise ApiError(400, "Cannot remove admin privileges from owner.")
    if is_owner and body.get("inactive") is True:
        raise ApiError(400, "Cannot deactivate owner.")
    state = access.state()
    if "name" in body and body["name"] is not None and not body["name"].strip():
        raise ApiError(400, "Field 'name' cannot be empty.")
    if payload.given(body, "email"):
        email = body["email"].strip()
        if not email:
            raise ApiError(400, "Missing e-mail.")
        if "@" not in email or email.startswith("@") or email.endswith("@"):
            raise ApiError(400, f"Invalid e-mail: '{email}'")
        other = state.user_by_email(email)
        if other is not None and other.id != membership.user_id:
            raise ApiError(400, "Email already exists.")
    for group_id in body.get("groups") or []:
        group = state.groups.get(group_id)
        if group is None or group.organization_id != org.id:
            raise ApiError(400, f"Group '{group_id}' is not in Organization '{org.id}'.")
    _validate_workspaces(body, org)
    if "labour_cost" in fields and payload.given(body, "labour_cost"):
        if body["labour_cost"] < 0:
            raise ApiError(400, "labour_cost must not be negative")
        if not access.is_paid(org):
            raise ApiError(402, catalog.LABOR_COSTS_NEED_STARTER)
    mode = body.get("rate_change_mode") if "rate_change_mode" in fields else None
    if mode is not None and mode not in catalog.RATE_CHANGE_MODES:
        raise ApiError(400, "rate_change_mode must be one of: override-all, override-current, start-today")
    return new_admin


def _workspace_role(item: dict) -> str | None:
    """The role an OrgUserWorkspace item asks for (role_id wins over the deprecated role/admin)."""
    if payload.given(item, "role_id"):
        return catalog.WORKSPACE_ROLE_BY_ID[item["role_id"]]
    if payload.given(item, "role"):
        return item["role"]
    if payload.given(item, "admin"):
        return "admin" if item["admin"] else "user"
    return None


def _validate_workspaces(body: dict, org: Organization) -> None:
    """Swagger: `workspaces` items are models.OrgUserWorkspace; the 400 texts are the Swagger's."""
    items = body.get("workspaces")
    if items is None:
        return
    state = access.state()
    seen = set()
    for item in items:
        payload.check_types(item, ORG_USER_WORKSPACE_FIELDS, INVALID_JSON)
        ws_id = item.get("workspace_id")
        workspace = state.workspaces.get(ws_id) if ws_id is not None else None
        if workspace is None or workspace.organization_id != org.id:
            raise ApiError(400, f"Workspace '{ws_id}' is not in Organization '{org.id}'.")
        if ws_id in seen:
            raise ApiError(400, INVALID_JSON)
        seen.add(ws_id)
        if payload.given(item, "role_id") and item["role_id"] not in catalog.WORKSPACE_ROLE_BY_ID:
            raise ApiError(400, f"Invalid workspace role with ID: {item['role_id']}.")
        if payload.given(item, "role") and item["role"] not in catalog.WORKSPACE_ROLE_IDS:
            raise ApiError(400, f"Invalid workspace role with ID: {item['role']}.")
        for field in ("rate", "cost", "working_hours"):
            if payload.given(item, field) and item[field] < 0:
                raise ApiError(400, f"{field} must not be negative")
        if not access.is_paid(org):
            for field, message in (
                ("rate", catalog.BILLABLE_RATES_NEED_STARTER),
                ("cost", catalog.LABOR_COSTS_NEED_STARTER),
                ("working_hours", catalog.WORKING_HOURS_NEED_STARTER),
            ):
                if payload.given(item, field):
                    raise ApiError(402, message)


def _replace_workspaces(items: list[dict], org: Organization, membership: OrganizationUser) -> None:
    """`workspaces` REPLACES the user's direct memberships in the organization's workspaces:
    listed ones are added (or changed), unlisted direct ones removed (a user still reached
    through a group stays, indirect)."""
    state, now = access.state(), access.now()
    wanted = {item["workspace_id"]: item for item in items}
    for workspace in state.workspaces_of(org.id):
        row = state.workspace_user(workspace.id, membership.user_id)
        item = wanted.get(workspace.id)
        if item is None:
            if row is not None and row.direct:
                state.remove_workspace_user(row)
                workspace.at = now
            continue
        role = _workspace_role(item)
        if row is None or not row.direct:
            row = state.add_workspace_user(workspace.id, membership.user_id, role or "user", now)
        if role is not None:
            row.role = role
        for field in ("inactive", "view_edit_billable_rates", "view_edit_labor_costs"):
            if payload.given(item, field):
                setattr(row, field, item[field])
        if payload.given(item, "working_hours"):
            row.working_hours_in_minutes = int(item["working_hours"])
        for field, rate_type in (("rate", rate_history.BILLABLE), ("cost", rate_history.LABOR)):
            if payload.given(item, field) and item[field] != user_rate(row, rate_type):
                rate_history.record_workspace_user_rate(
                    state,
                    now,
                    workspace,
                    row,
                    rate_type,
                    item[field],
                    workspace.settings["rate_change_mode"],
                    access.caller().id,
                )
        row.at = now
        workspace.at = now


@blueprint.put("/organizations/<int:organization_id>/users/<int:organization_user_id>")
def update_organization_user(organization_id: int, organization_user_id: int):
    org = access.organization_for_admin(
        organization_id,
        outsider_message="User is not authorized to update the organization user",
    )
    state, now = access.state(), access.now()
    membership = state.organization_users.get(organization_user_id)
    if membership is None or membership.organization_id != org.id:
        raise ApiError(404, "Invalid organization user ID.")
    fields = organization_user_fields()
    body = payload.json_object(INVALID_JSON, fields)
    # Swagger: the payload is a Go struct; keys it does not name are dropped unseen.
    body = {name: value for name, value in body.items() if name in fields}
    new_admin = _validate_member_update(body, org, membership)

    user = state.users[membership.user_id]
    if payload.given(body, "name"):
        user.fullname = body["name"].strip()
    if payload.given(body, "email"):
        user.email = body["email"].strip()
    if new_admin is not None:
        membership.admin = new_admin
    if payload.given(body, "inactive"):
        membership.inactive = body["inactive"]
    if payload.given(body, "labour_cost"):
        # pages: the organization-wide labour cost becomes the member's labor cost in every
        # workspace of the organization.
        membership.labour_cost = body["labour_cost"]
        for workspace in state.workspaces_of(org.id):
            row = state.workspace_user(workspace.id, membership.user_id)
            if row and user_rate(row, rate_history.LABOR) != body["labour_cost"]:
                rate_history.record_workspace_user_rate(
                    state,
                    now,
                    workspace,
                    row,
                    rate_history.LABOR,
                    body["labour_cost"],
                    body.get("rate_change_mode") or workspace.settings["rate_change_mode"],
                    access.caller().id,
                )
    if body.get("workspaces") is not None:
        _replace_workspaces(body["workspaces"], org, membership)
    if body.get("groups") is not None:
        # `groups` REPLACES the user's whole set of group memberships in the organization.
        wanted = set(body["groups"])
        for group in state.groups_of(org.id):
            if group.id in wanted and membership.user_id not in group.user_ids:
                group.user_ids = sorted([*group.user_ids, membership.user_id])
                group.at = now
            elif group.id not in wanted and membership.user_id in group.user_ids:
                group.user_ids.remove(membership.user_id)
                group.at = now
    state.sync_group_access(org.id, now)
    org.at = now
    # Swagger: 200 answers a string ("produces text/plain", schema type string).
    return access.ok("OK")
