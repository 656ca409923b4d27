"""Workspaces: create, read, update, statistics and time entry constraints.

POST and PUT share one validation of workspace.Payload. It runs completely (400s first,
then the 402s for premium settings on a free organization) before anything is written, so
a refused request leaves the workspace exactly as it was.

Premium settings answer 402 on the free plan only when they would change the value; sending
back a value the workspace already has is accepted (see the README's assumptions).
"""

from flask import Blueprint

from .. import catalog, profiles, rate_history
from ..clock import isoformat
from ..errors import ApiError
from ..state import Organization, Workspace
from . import access, payload

blueprint = Blueprint("workspaces", __name__, url_prefix="/api/v9")

INVALID_JSON = "JSON is not valid"

WORKSPACE_PAYLOAD_FIELDS = {
    "admins": payload.INT_LIST,
    "default_currency": payload.STRING,
    "default_hourly_rate": payload.NUMBER,
    "initial_pricing_plan": payload.INT,
    "limit_public_project_data": payload.BOOL,
    "name": payload.STRING,
    "only_admins_may_create_projects": payload.BOOL,
    "only_admins_may_create_tags": payload.BOOL,
    "only_admins_see_team_dashboard": payload.BOOL,
    "projects_billable_by_default": payload.BOOL,
    "projects_enforce_billable": payload.BOOL,
    "projects_private_by_default": payload.BOOL,
    "rate_change_mode": payload.STRING,
    "reports_collapse": payload.BOOL,
    "rounding": payload.INT,
    "rounding_minutes": payload.INT,
}

# Payload fields stored as plain settings (default_hourly_rate goes to the rate history).
SETTING_FIELDS = [name for name in WORKSPACE_PAYLOAD_FIELDS if name in catalog.WORKSPACE_SETTING_DEFAULTS]

TIME_ENTRY_CONSTRAINT_FIELDS = dict.fromkeys(catalog.TIME_ENTRY_CONSTRAINT_DEFAULTS, payload.BOOL)


# ----- views -------------------------------------------------------------------------------


def default_hourly_rate(workspace: Workspace) -> float:
    amount = rate_history.current_amount(
        access.state(), access.now(), workspace.id, "workspace", workspace.id, rate_history.BILLABLE
    )
    return amount if amount is not None else 0


DEFAULT_LOGO_URL = "https://assets.toggl.com/images/workspace.jpg"


def workspace_view(workspace: Workspace, viewer_id: int) -> dict:
    state = access.state()
    org = state.organizations[workspace.organization_id]
    plan = catalog.PLANS[org.plan]
    row = state.workspace_user(workspace.id, viewer_id)
    org_admin = state.is_org_admin(org.id, viewer_id)
    settings = workspace.settings
    rate_updated = rate_history.last_updated(state, workspace.id, "workspace", workspace.id, rate_history.BILLABLE)
    view = {
        "id": workspace.id,
        "organization_id": workspace.organization_id,
        "name": workspace.name,
        "admin": org_admin or bool(row and row.role == "admin"),
        "role": row.role if row else ("admin" if org_admin else None),
        "api_token": None,
        "at": isoformat(workspace.at),
        "last_modified": isoformat(workspace.at),
        "business_ws": plan.handle in ("premium", "enterprise"),
        "premium": plan.paid,
        "csv_upload": None,
        "default_currency": settings["default_currency"],
        "default_hourly_rate": default_hourly_rate(workspace),
        "disable_approvals": settings["disable_approvals"],
        "disable_expenses": settings["disable_expenses"],
        "disable_timesheet_view": settings["disable_timesheet_view"],
        "hide_start_end_times": settings["hide_start_end_times"],
        "ical_enabled": settings["ical_enabled"],
        "ical_url": None,
        "limit_public_project_data": settings["limit_public_project_data"],
        "logo_url": None,
        "max_data_retention_days": None,
        "only_admins_may_create_projects": settings["only_admins_may_create_projects"],
        "only_admins_may_create_tags": settings["only_admins_may_create_tags"],
        "only_admins_see_team_dashboard": settings["only_admins_see_team_dashboard"],
        "permissions": [],
        "projects_billable_by_default": settings["projects_billable_by_default"],
        "projects_enforce_billable": settings["projects_enforce_billable"],
        "projects_private_by_default": settings["projects_private_by_default"],
        "rate_last_updated": isoformat(rate_updated),
        "reports_collapse": settings["reports_collapse"],
        "rounding": settings["rounding"],
        "rounding_minutes": settings["rounding_minutes"],
        "subscription": None,
        "suspended_at": None,
        "te_constraints": dict(workspace.te_constraints),
        "working_hours_in_minutes": workspace.working_hours_in_minutes,
    }
    if profiles.is_swagger():
        # Swagger: logo_url is a string (the live API's default logo when none was uploaded);
        # server_deleted_at is not in the Swagger but the live API sends it and live clients
        # (toggl-python) require it. pages: logo_url null, no server_deleted_at.
        view["logo_url"] = DEFAULT_LOGO_URL
        view["server_deleted_at"] = None
    return view


def statistics_view(workspace: Workspace) -> dict:
    state = access.state()
    rows = state.users_of_workspace(workspace.id)
    admins = [
        {"user_id": row.user_id, "name": state.users[row.user_id].display_name}
        for row in rows
        if row.role == "admin" and not row.inactive
    ]
    return {
        "admins": admins,
        "groups_count": sum(1 for g in state.groups_of(workspace.organization_id) if workspace.id in g.workspace_ids),
        "members_count": len(rows),
    }


# ----- validation --------------------------------------------------------------------------


def validate_new_workspace_name(name, organization_id: int | None, exclude_id: int | None = None) -> str:
    if name is None:
        raise ApiError(400, "workspace name must not be nil")
    if not name.strip():
        raise ApiError(400, "workspace name must contain non-space characters")
    if len(name) > catalog.WORKSPACE_NAME_MAX:
        raise ApiError(400, "workspace name must not be longer than 140")
    if organization_id is not None:
        wanted = name.strip().lower()
        for other in access.state().workspaces_of(organization_id):
            if other.id != exclude_id and other.name.strip().lower() == wanted:
                raise ApiError(400, "another workspace with same name exists in organization")
    return name


def _validate_settings(body: dict, org: Organization, current: dict, current_rate: float) -> None:
    """400s for bad values, then 402s for premium settings the free plan cannot change."""
    if payload.given(body, "rounding") and body["rounding"] not in (-1, 0, 1):
        raise ApiError(400, "rounding must be -1, 0 or 1")
    if payload.given(body, "rounding_minutes") and body["rounding_minutes"] < 0:
        raise ApiError(400, "rounding_minutes must not be negative")
    if payload.given(body, "default_hourly_rate") and body["default_hourly_rate"] < 0:
        raise ApiError(400, "default_hourly_rate must not be negative")
    currency = body.get("default_currency")
    if currency is not None and not (len(currency) == 3 and currency.isalpha()):
        raise ApiError(400, "default_currency must be a 3-letter currency code")
    mode = body.get("rate_change_mode")
    if mode is not None and mode not in catalog.RATE_CHANGE_MODES:
        raise ApiError(400, "rate_change_mode must be one of: override-all, override-current, start-today")

    if access.is_paid(org):
        return
    # Checked in the order the reference lists the 402 texts.
    premium_checks = [
        ("default_hourly_rate", current_rate),
        ("only_admins_may_create_tags", None),
        ("default_currency", current["default_currency"]),
        ("rounding_minutes", current["rounding_minutes"]),
        ("projects_billable_by_default", current["projects_billable_by_default"]),
        ("rounding", current["rounding"]),
    ]
    for field, current_value in premium_checks:
        if not payload.given(body, field):
            continue
        if field == "only_admins_may_create_tags":
            if body[field] and not current[field]:
                raise ApiError(402, catalog.TAG_RESTRICTION_NEEDS_PREMIUM)
        elif body[field] != current_value:
            raise ApiError(402, catalog.PREMIUM_WORKSPACE_FIELDS[field])


def _validate_admins(body: dict, org: Organization, workspace: Workspace | None) -> list[int]:
    state = access.state()
    admins = body.get("admins") or []
    for user_id in admins:
        if user_id not in state.users or not state.membership(org.id, user_id):
            raise ApiError(400, f"User with id {user_id} does not exist.")
        if workspace is not None and not state.workspace_user(workspace.id, user_id):
            raise ApiError(400, f"User {user_id} not exists in the workspace.")
    return admins


def _apply_payload(workspace: Workspace, body: dict, admins: list[int], creator_id: int) -> None:
    state, now = access.state(), access.now()
    for field in SETTING_FIELDS:
        if payload.given(body, field):
            workspace.settings[field] = body[field]
    if payload.given(body, "name"):
        workspace.name = body["name"]
    for user_id in admins:
        row = state.add_workspace_user(workspace.id, user_id, "admin", now)
        row.role = "admin"  # an existing member listed in admins is promoted
    if payload.given(body, "default_hourly_rate") and body["default_hourly_rate"] != default_hourly_rate(workspace):
        rate_history.record_rate(
            state,
            now,
            workspace_id=workspace.id,
            level="workspace",
            level_id=workspace.id,
            rate_type=rate_history.BILLABLE,
            amount=body["default_hourly_rate"],
            mode=body.get("rate_change_mode") or workspace.settings["rate_change_mode"],
            start=None,
            creator_id=creator_id,
        )
    workspace.at = now


def create_workspace(org: Organization, name: str, creator_id: int, body: dict) -> Workspace:
    """Adds a workspace (already validated) with the creator as its admin."""
    state, now = access.state(), access.now()
    workspace = Workspace(
        id=state.ids.next(),
        organization_id=org.id,
        name=name,
        settings=dict(catalog.WORKSPACE_SETTING_DEFAULTS),
        te_constraints=dict(catalog.TIME_ENTRY_CONSTRAINT_DEFAULTS),
        created_at=now,
        at=now,
    )
    state.workspaces[workspace.id] = workspace
    state.add_workspace_user(workspace.id, creator_id, "admin", now)
    _apply_payload(workspace, {k: v for k, v in body.items() if k != "name"}, body.get("admins") or [], creator_id)
    state.sync_group_access(org.id, now)
    return workspace


# ----- routes ------------------------------------------------------------------------------


@blueprint.post("/organizations/<int:organization_id>/workspaces")
def create_workspace_in_organization(organization_id: int):
    org = access.organization_for_member(
        organization_id,
        unknown=ApiError(404, "Organization not found/accessible"),
        outsider=ApiError(404, "Organization not found/accessible"),
    )
    access.require_org_admin(org)
    body = payload.json_object(INVALID_JSON, WORKSPACE_PAYLOAD_FIELDS)
    name = validate_new_workspace_name(body.get("name"), org.id)
    if len(access.state().workspaces_of(org.id)) >= org.max_workspaces:
        if org.max_workspaces <= 1:
            raise ApiError(400, "Multiple workspaces are not enabled in this organization.")
        raise ApiError(400, f"Organization {org.name} can have a maximum of {org.max_workspaces} workspaces")
    _validate_admins(body, org, None)
    _validate_settings(body, org, catalog.WORKSPACE_SETTING_DEFAULTS, 0)
    workspace = create_workspace(org, name, access.caller().id, body)
    return access.ok(workspace_view(workspace, access.caller().id))


@blueprint.get("/workspaces/<int:workspace_id>")
def get_workspace(workspace_id: int):
    workspace = access.workspace_for_member(workspace_id)
    return access.ok(workspace_view(workspace, access.caller().id))


@blueprint.put("/workspaces/<int:workspace_id>")
def update_workspace(workspace_id: int):
    workspace = access.workspace_for_admin(workspace_id)
    org = access.state().organizations[workspace.organization_id]
    body = payload.json_object(INVALID_JSON, WORKSPACE_PAYLOAD_FIELDS)
    if "name" in body:
        validate_new_workspace_name(body["name"], org.id, exclude_id=workspace.id)
    admins = _validate_admins(body, org, workspace)
    _validate_settings(body, org, workspace.settings, default_hourly_rate(workspace))
    _apply_payload(workspace, body, admins, access.caller().id)
    return access.ok(workspace_view(workspace, access.caller().id))


@blueprint.get("/workspaces/<int:workspace_id>/statistics")
def get_workspace_statistics(workspace_id: int):
    return access.ok(statistics_view(access.workspace_for_member(workspace_id)))


@blueprint.get("/organizations/<int:organization_id>/workspaces/statistics")
def get_organization_workspace_statistics(organization_id: int):
    org = access.organization_for_member(organization_id)
    user_id = access.caller().id
    return access.ok(
        {
            str(ws.id): statistics_view(ws)
            for ws in access.state().workspaces_of(org.id)
            if access.can_reach_workspace(ws, user_id)
        }
    )


@blueprint.get("/workspaces/<int:workspace_id>/time_entry_constraints")
def get_time_entry_constraints(workspace_id: int):
    workspace = access.state().workspaces.get(workspace_id)
    if workspace is None:
        raise ApiError(400, "Workspace not found")
    workspace = access.workspace_for_member(workspace_id)
    return access.ok(dict(workspace.te_constraints))


@blueprint.post("/workspaces/<int:workspace_id>/time_entry_constraints")
def set_time_entry_constraints(workspace_id: int):
    if workspace_id not in access.state().workspaces:
        raise ApiError(400, "Workspace not found")
    workspace = access.workspace_for_member(workspace_id)
    if not access.is_workspace_manager(workspace, access.caller().id):
        raise ApiError(400, "Admin permissions required")
    body = payload.json_object(INVALID_JSON, TIME_ENTRY_CONSTRAINT_FIELDS)
    for field in TIME_ENTRY_CONSTRAINT_FIELDS:
        if payload.given(body, field):
            workspace.te_constraints[field] = body[field]
    workspace.at = access.now()
    return access.ok({"wid": workspace.id})
