"""Workspace users: who belongs to a workspace, with which role and rates.

A workspace user row exists for every member, direct or through a group (is_direct tells
which). A user's rate and labor cost are the workspace_user-level rates in the rate
history, so POST /workspaces/{id}/rates and PUT .../workspace_users/{id} see each other.
"""

from flask import Blueprint, request

from .. import catalog, profiles, rate_history
from ..clock import isoformat
from ..errors import ApiError
from ..state import Organization, Workspace, WorkspaceUser
from . import access, payload

blueprint = Blueprint("workspace_users", __name__, url_prefix="/api/v9")

INVALID_JSON = "JSON is not valid"

WORKSPACE_USER_FIELDS = {
    "admin": payload.BOOL,
    "inactive": payload.BOOL,
    "labor_cost": payload.NUMBER,
    "labor_cost_change_mode": payload.STRING,
    "postedFields": payload.STRING_LIST,
    "rate": payload.NUMBER,
    "rate_change_mode": payload.STRING,
    "role": payload.STRING,
    "role_id": payload.INT,
    "view_edit_billable_rates": payload.BOOL,
    "view_edit_labor_costs": payload.BOOL,
    "working_hours_in_minutes": payload.INT,
}

ASSIGNMENT_FIELDS = {
    "user_id": payload.INT,
    "group_id": payload.INT,
    "operation": payload.STRING,
    "joined": payload.BOOL,
}


# ----- views -------------------------------------------------------------------------------


def user_rate(row: WorkspaceUser, rate_type: str) -> float | None:
    return rate_history.current_amount(
        access.state(), access.now(), row.workspace_id, "workspace_user", row.id, rate_type
    )


def effective_inactive(row: WorkspaceUser) -> bool:
    membership = access.state().membership(access.state().workspaces[row.workspace_id].organization_id, row.user_id)
    return row.inactive or bool(membership and membership.inactive)


def has_joined(row: WorkspaceUser) -> bool:
    workspace = access.state().workspaces[row.workspace_id]
    membership = access.state().membership(workspace.organization_id, row.user_id)
    return bool(membership and membership.joined)


def workspace_user_view(row: WorkspaceUser) -> dict:
    state = access.state()
    user = state.users[row.user_id]
    workspace = state.workspaces[row.workspace_id]
    membership = state.membership(workspace.organization_id, row.user_id)
    invitation = state.invitations.get(membership.invitation_id) if membership and membership.invitation_id else None
    return {
        "id": row.id,
        "user_id": row.user_id,
        "uid": row.user_id,
        "wid": row.workspace_id,
        "workspace_id": row.workspace_id,
        "email": user.email,
        "name": user.display_name,
        "role": row.role,
        "role_id": catalog.WORKSPACE_ROLE_IDS[row.role],
        "admin": row.role == "admin",
        "workspace_admin": row.role == "admin",
        "organization_admin": bool(membership and membership.admin),
        "inactive": effective_inactive(row),
        "active": bool(membership and membership.joined),
        "is_direct": row.direct,
        "group_ids": state.group_ids_of_user_in_workspace(row.workspace_id, row.user_id),
        "rate": user_rate(row, rate_history.BILLABLE),
        "rate_last_updated": isoformat(
            rate_history.last_updated(state, row.workspace_id, "workspace_user", row.id, rate_history.BILLABLE)
        ),
        "labor_cost": user_rate(row, rate_history.LABOR),
        "labor_cost_last_updated": isoformat(
            rate_history.last_updated(state, row.workspace_id, "workspace_user", row.id, rate_history.LABOR)
        ),
        "working_hours_in_minutes": row.working_hours_in_minutes,
        "view_edit_billable_rates": row.view_edit_billable_rates,
        "view_edit_labor_costs": row.view_edit_labor_costs,
        "timezone": user.timezone,
        "at": isoformat(row.at),
        "avatar_file_name": None,
        "2fa_enabled": False,
        "invitation_code": invitation.code if invitation and invitation.status == "pending" else None,
        "invite_url": None,
    }


def simple_workspace_user_view(row: WorkspaceUser) -> dict:
    user = access.state().users[row.user_id]
    return {
        "id": user.id,
        "email": user.email,
        "fullname": user.fullname,
        "inactive": effective_inactive(row),
        "is_active": has_joined(row),
        "is_admin": row.role == "admin",
        "role": row.role,
    }


# ----- updating one workspace user ---------------------------------------------------------


def _validate_update(body: dict, row: WorkspaceUser, org: Organization) -> str | None:
    """All 400 and 402 checks of a workspace user update; returns the new role, if any."""
    uses_admin_flag = "admin" in body and body["admin"] is not None
    if payload.given(body, "role_id") and (uses_admin_flag or payload.given(body, "role")):
        raise ApiError(400, "Cannot use both admin flags and role_id.")
    new_role = None
    if payload.given(body, "role_id"):
        new_role = catalog.WORKSPACE_ROLE_BY_ID.get(body["role_id"])
        if new_role is None:
            raise ApiError(400, "Invalid role_id.")
    elif payload.given(body, "role"):
        if body["role"] not in catalog.WORKSPACE_ROLE_IDS:
            raise ApiError(400, "Invalid role.")
        new_role = body["role"]
    elif uses_admin_flag:
        new_role = "admin" if body["admin"] else ("user" if row.role == "admin" else row.role)

    hours = body.get("working_hours_in_minutes")
    if hours is not None and hours < 0:
        raise ApiError(400, "Working hours must be positive or null")
    for field in ("rate", "labor_cost"):
        if payload.given(body, field) and body[field] < 0:
            raise ApiError(400, f"{field} must not be negative")
    for field in ("rate_change_mode", "labor_cost_change_mode"):
        if payload.given(body, field) and body[field] not in catalog.RATE_CHANGE_MODES:
            raise ApiError(400, f"{field} must be one of: override-all, override-current, start-today")

    if not access.is_paid(org):
        paid_features = (
            ("rate", user_rate(row, rate_history.BILLABLE), catalog.BILLABLE_RATES_NEED_STARTER),
            ("labor_cost", user_rate(row, rate_history.LABOR), catalog.LABOR_COSTS_NEED_STARTER),
            ("working_hours_in_minutes", row.working_hours_in_minutes, catalog.WORKING_HOURS_NEED_STARTER),
        )
        for field, current, message in paid_features:
            if payload.given(body, field) and body[field] != current:
                raise ApiError(402, message)
    return new_role


def _explicit_nulls(body: dict) -> set[str]:
    """Fields the client asked to clear: null values listed in postedFields."""
    posted = body.get("postedFields") or []
    return {name for name in posted if name in body and body[name] is None}


def _apply_update(body: dict, row: WorkspaceUser, new_role: str | None) -> None:
    state, now, workspace = access.state(), access.now(), access.state().workspaces[row.workspace_id]
    if new_role is not None:
        row.role = new_role
    for field in ("inactive", "view_edit_billable_rates", "view_edit_labor_costs", "working_hours_in_minutes"):
        if payload.given(body, field):
            setattr(row, field, body[field])
    cleared = _explicit_nulls(body)
    if "working_hours_in_minutes" in cleared:
        row.working_hours_in_minutes = None
    for field, rate_type, mode_field in (
        ("rate", rate_history.BILLABLE, "rate_change_mode"),
        ("labor_cost", rate_history.LABOR, "labor_cost_change_mode"),
    ):
        if field in cleared:
            rate_history.clear_rate(state, now, workspace.id, "workspace_user", row.id, rate_type)
        elif payload.given(body, field) and body[field] != user_rate(row, rate_type):
            rate_history.record_workspace_user_rate(
                state,
                now,
                workspace,
                row,
                rate_type,
                body[field],
                body.get(mode_field) or workspace.settings["rate_change_mode"],
                access.caller().id,
            )
    row.at = now


def _update_row(workspace: Workspace, row: WorkspaceUser):
    org = access.state().organizations[workspace.organization_id]
    body = payload.json_object(INVALID_JSON, WORKSPACE_USER_FIELDS)
    new_role = _validate_update(body, row, org)
    _apply_update(body, row, new_role)
    if profiles.is_pages():
        return access.ok(workspace_user_view(row))  # pages: the changed workspace user
    return access.ok("OK")  # Swagger: 200 schema type string (both PUT .../workspace_users/{id} and .../users/{id})


# ----- routes ------------------------------------------------------------------------------


def _workspace_of_organization(organization_id: int, workspace_id: int, *, admin: bool = False) -> Workspace:
    org = access.organization_for_member(organization_id)
    workspace = access.workspace_in_organization(org, workspace_id)
    if not access.can_reach_workspace(workspace, access.caller().id):
        raise ApiError(403, "Forbidden")
    if admin and not access.is_workspace_manager(workspace, access.caller().id):
        raise ApiError(403, "Forbidden")
    return workspace


def _paginate(items: list) -> list:
    if request.args.get("page") is None and request.args.get("per_page") is None:
        return items
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", catalog.ORG_USERS_DEFAULT_PER_PAGE))
    except ValueError as error:
        raise ApiError(400, "Invalid value sent for 'page' or 'per_page'.") from error
    if page < 1 or per_page < 1:
        raise ApiError(400, "page and per_page must contain values > 0.")
    per_page = min(per_page, catalog.ORG_USERS_MAX_PER_PAGE)
    return items[(page - 1) * per_page : page * per_page]


@blueprint.get("/organizations/<int:organization_id>/workspaces/<int:workspace_id>/workspace_users")
def list_organization_workspace_users(organization_id: int, workspace_id: int):
    workspace = _workspace_of_organization(organization_id, workspace_id)
    views = [workspace_user_view(row) for row in access.state().users_of_workspace(workspace.id)]
    active = payload.bool_query("active")
    if active is not None:
        views = [v for v in views if (v["active"] and not v["inactive"]) == active]
    custom_rates = payload.bool_query("custom_rates")
    if custom_rates is not None:
        views = [v for v in views if (v["rate"] is not None) == custom_rates]
    name = (request.args.get("name") or "").lower()
    if name:
        views = [v for v in views if name in v["name"].lower()]
    search = (request.args.get("search") or "").lower()
    if search:
        views = [v for v in views if search in v["name"].lower() or search in v["email"].lower()]
    views.sort(key=lambda v: (v["name"].lower(), v["id"]))
    return access.ok(_paginate(views))


@blueprint.patch("/organizations/<int:organization_id>/workspaces/<int:workspace_id>/workspace_users")
def bulk_delete_workspace_users(organization_id: int, workspace_id: int):
    workspace = _workspace_of_organization(organization_id, workspace_id, admin=True)
    body = payload.json_object(INVALID_JSON, {"delete": payload.INT_LIST})
    ids = body.get("delete") or []
    if not ids:
        raise ApiError(400, "At least one workspace user ID must be supplied.")
    if len(set(ids)) != len(ids):
        raise ApiError(400, "Workspace user IDs must be unique")
    state = access.state()
    rows = [state.workspace_users.get(row_id) for row_id in ids]
    if any(row is None or row.workspace_id != workspace.id for row in rows):
        raise ApiError(400, "Wrong workspace user IDs")
    for row in rows:
        state.remove_workspace_user(row)
    workspace.at = access.now()
    return access.ok("OK")


@blueprint.get("/workspaces/<int:workspace_id>/workspace_users")
def list_workspace_users(workspace_id: int):
    if workspace_id not in access.state().workspaces:
        raise ApiError(400, "Workspace not found")
    workspace = access.workspace_for_member(workspace_id)
    include_indirect = payload.bool_query("includeIndirect")
    rows = [row for row in access.state().users_of_workspace(workspace.id) if row.direct or include_indirect]
    return access.ok([workspace_user_view(row) for row in rows])


@blueprint.get("/workspaces/<int:workspace_id>/users")
def list_workspace_users_simple(workspace_id: int):
    workspace = access.workspace_for_member(workspace_id)
    return access.ok([simple_workspace_user_view(row) for row in access.state().users_of_workspace(workspace.id)])


@blueprint.put("/workspaces/<int:workspace_id>/workspace_users/<int:workspace_user_id>")
def update_workspace_user(workspace_id: int, workspace_user_id: int):
    if workspace_id not in access.state().workspaces:
        raise ApiError(400, "Workspace not found/accessible")
    workspace = access.workspace_for_admin(workspace_id)
    row = access.state().workspace_users.get(workspace_user_id)
    if row is None or row.workspace_id != workspace.id:
        raise ApiError(400, "Workspace user not found/accessible by user")
    return _update_row(workspace, row)


@blueprint.put("/workspaces/<int:workspace_id>/users/<int:user_id>")
def update_workspace_user_by_user_id(workspace_id: int, user_id: int):
    workspace = access.workspace_for_admin(workspace_id)
    row = access.state().workspace_user(workspace.id, user_id)
    if row is None:
        raise ApiError(404, "Not Found")
    return _update_row(workspace, row)


@blueprint.delete("/workspaces/<int:workspace_id>/workspace_users/<int:workspace_user_id>")
def delete_workspace_user(workspace_id: int, workspace_user_id: int):
    if profiles.is_swagger():
        # Swagger: this endpoint's one documented 403 text, also for a caller who may not manage it.
        try:
            workspace = access.workspace_for_admin(workspace_id)
        except ApiError as error:
            if error.status == 403:
                raise ApiError(403, "Workspace user is not found or accessible") from None
            raise
    else:
        workspace = access.workspace_for_admin(workspace_id)
    row = access.state().workspace_users.get(workspace_user_id)
    if row is None or row.workspace_id != workspace.id:
        raise ApiError(403, "Workspace user is not found or accessible")
    access.state().remove_workspace_user(row)
    workspace.at = access.now()
    return access.ok("OK")


@blueprint.put("/organizations/<int:organization_id>/workspaces/<int:workspace_id>/assignments")
def change_assignments(organization_id: int, workspace_id: int):
    """Adds or removes users to/from the workspace, or to/from one of its groups.

    The body is one assignment or a list of them (the pages show one object, the seeds a
    list); all are validated before any is applied.
    """
    org = access.organization_for_member(organization_id)
    access.require_org_admin(org)
    workspace = access.workspace_in_organization(org, workspace_id, "Invalid workspace ID.", status=400)
    body = payload.json_body("Invalid JSON input")
    assignments = body if isinstance(body, list) else [body]
    state = access.state()
    for item in assignments:
        if not isinstance(item, dict):
            raise ApiError(400, "Invalid JSON input")
        payload.check_types(item, ASSIGNMENT_FIELDS, "Invalid JSON input")
        if item.get("operation") not in ("add", "remove"):
            raise ApiError(400, "Invalid operation.")
        if not payload.given(item, "user_id"):
            raise ApiError(400, "Invalid user_id.")
        if not state.membership(org.id, item["user_id"]):
            raise ApiError(400, "User does not exist in the organization.")
        if payload.given(item, "group_id"):
            group = state.groups.get(item["group_id"])
            if group is None or group.organization_id != org.id or workspace.id not in group.workspace_ids:
                raise ApiError(400, "Invalid group_id.")

    now = access.now()
    for item in assignments:
        user_id = item["user_id"]
        if payload.given(item, "group_id"):
            group = state.groups[item["group_id"]]
            if item["operation"] == "add" and user_id not in group.user_ids:
                group.user_ids.append(user_id)
                group.user_ids.sort()
            elif item["operation"] == "remove" and user_id in group.user_ids:
                group.user_ids.remove(user_id)
            group.at = now
        elif item["operation"] == "add":
            state.add_workspace_user(workspace.id, user_id, "user", now)
        else:
            row = state.workspace_user(workspace.id, user_id)
            if row:
                state.remove_workspace_user(row)
    state.sync_group_access(org.id, now)
    workspace.at = now
    return access.ok("OK")
