"""Rates: create a rate period at some level and list a level's rate history.

The history itself lives in rate_history.py. The two reference pages name things
differently, and each endpoint accepts exactly its own page's words, so a client that mixes
them up is caught here:

- POST's type is "billable_rates" or "labor_rates"; GET's query type is "billable_rates" or
  "labor_costs" (also the Swagger's RateType, and what both answer in ``type``).
- POST's level is workspace, workspace_user, project, project_user or task. GET's page lists
  workspace, project, task or user, and its error text names workspace_user and project_user;
  GET accepts all six ("user" takes a user id, "workspace_user" a workspace user id).
"""

from flask import Blueprint, Response, request

from .. import catalog, profiles, rate_history
from ..clock import isoformat, parse_timestamp
from ..errors import ApiError
from ..state import Rate, Workspace
from . import access, payload

blueprint = Blueprint("rates", __name__, url_prefix="/api/v9")

PAYLOAD_MISSING = "Request payload must be informed"
CANNOT_ACCESS = "User cannot access billable rate(s)."
INVALID_LEVEL = "Invalid level: it should be workspace, workspace_user, project or project_user"
LEVELS = ("workspace", "workspace_user", "project", "project_user", "task")
WRITE_TYPES = {"billable_rates": rate_history.BILLABLE, "labor_rates": rate_history.LABOR}
READ_TYPES = {"billable_rates": rate_history.BILLABLE, "labor_costs": rate_history.LABOR}

RATE_FIELDS = {
    "amount": payload.NUMBER,
    "level": payload.STRING,
    "level_id": payload.INT,
    "mode": payload.STRING,
    "start": payload.STRING,
    "type": payload.STRING,
}


def rate_view(rate: Rate) -> dict:
    state = access.state()
    project_id = None
    if rate.level == "project":
        project_id = rate.level_id
    elif rate.level == "project_user":
        project_id = state.project_users[rate.level_id].project_id
    elif rate.level == "task":
        project_id = state.tasks[rate.level_id].project_id
    return {
        "id": rate.id,
        "amount": rate.amount,
        "type": rate.type,
        "rate_change_mode": rate.rate_change_mode,
        "start": isoformat(rate.start),
        "end": isoformat(rate.end),
        "created_at": isoformat(rate.created_at),
        "updated_at": isoformat(rate.updated_at),
        "deleted_at": isoformat(rate.deleted_at),
        "creator_id": rate.creator_id,
        "workspace_id": rate.workspace_id,
        "workspace_user_id": rate.level_id if rate.level == "workspace_user" else None,
        "project_id": project_id,
        "project_user_id": rate.level_id if rate.level == "project_user" else None,
        "planned_task_id": rate.level_id if rate.level == "task" else None,
    }


def _check_level_entity(workspace: Workspace, level: str, level_id) -> None:
    """The entity a rate is for must exist in the workspace (the GET page's texts)."""
    state = access.state()
    if not isinstance(level_id, int):
        raise ApiError(400, "Invalid entity ID")
    if level == "workspace":
        found = level_id == workspace.id
    elif level == "workspace_user":
        row = state.workspace_users.get(level_id)
        if row is None or row.workspace_id != workspace.id:
            raise ApiError(400, "User not found in workspace")
        return
    elif level == "project":
        project = state.projects.get(level_id)
        found = project is not None and project.workspace_id == workspace.id
    elif level == "project_user":
        link = state.project_users.get(level_id)
        found = link is not None and link.workspace_id == workspace.id
    else:
        task = state.tasks.get(level_id)
        if task is None or task.workspace_id != workspace.id:
            raise ApiError(400, "Task not found in workspace")
        return
    if not found:
        raise ApiError(400, "Invalid entity ID")


def _rates_workspace(workspace_id: int, *, admin: bool) -> Workspace:
    workspace = access.state().workspaces.get(workspace_id)
    if workspace is None:
        raise ApiError(400, "Invalid workspace ID")
    if not access.can_reach_workspace(workspace, access.caller().id):
        raise ApiError(403, CANNOT_ACCESS)
    if admin and not access.is_workspace_manager(workspace, access.caller().id):
        raise ApiError(403, CANNOT_ACCESS)
    return workspace


def _require_paid_plan(workspace: Workspace) -> None:
    if not access.is_paid(access.state().organizations[workspace.organization_id]):
        raise ApiError(402, catalog.BILLABLE_RATES_NEED_STARTER)


@blueprint.post("/workspaces/<int:workspace_id>/rates")
def create_rate(workspace_id: int):
    workspace = _rates_workspace(workspace_id, admin=True)
    body = payload.json_object(PAYLOAD_MISSING, RATE_FIELDS)
    if not body:
        raise ApiError(400, PAYLOAD_MISSING)
    _require_paid_plan(workspace)

    level = body.get("level")
    if level not in LEVELS:
        raise ApiError(400, INVALID_LEVEL)
    _check_level_entity(workspace, level, body.get("level_id"))
    rate_type = WRITE_TYPES.get(body.get("type"))
    if rate_type is None:
        raise ApiError(400, "Invalid type: it should be billable_rates or labor_rates")
    amount = body.get("amount")
    if amount is None or amount <= 0:
        raise ApiError(400, "Amount must be greater than 0")
    mode, start_text = body.get("mode"), body.get("start")
    if mode is None and start_text is None:
        raise ApiError(400, "Mode or start must be informed")
    if mode is not None and mode not in catalog.RATE_CHANGE_MODES:
        raise ApiError(400, "Invalid mode: it should be override-all, override-current or start-today")
    start = None
    if start_text is not None:
        try:
            start = parse_timestamp(start_text)
        except ValueError as error:
            raise ApiError(400, "Invalid start: it should be a valid date time") from error

    rate = rate_history.record_rate(
        access.state(),
        access.now(),
        workspace_id=workspace.id,
        level=level,
        level_id=body["level_id"],
        rate_type=rate_type,
        amount=amount,
        mode=mode,
        start=start,
        creator_id=access.caller().id,
    )
    workspace.at = access.now()
    if profiles.is_pages():
        return access.ok(rate_view(rate), status=201)  # pages: the new rate object
    # Swagger: 201 "Successfully created." with no body schema: an empty body.
    return Response(b"", status=201)


@blueprint.get("/workspaces/<int:workspace_id>/rates/<level>/<int:level_id>")
def list_rates(workspace_id: int, level: str, level_id: int):
    workspace = _rates_workspace(workspace_id, admin=False)
    if level == "user":
        # "user" names a user id; the history is kept on that user's workspace user row.
        row = access.state().workspace_user(workspace.id, level_id)
        if row is None:
            raise ApiError(400, "User not found in workspace")
        level, level_id = "workspace_user", row.id
    if level not in LEVELS:
        raise ApiError(400, INVALID_LEVEL)
    _require_paid_plan(workspace)
    _check_level_entity(workspace, level, level_id)
    rate_type = READ_TYPES.get(request.args.get("type") or "billable_rates")
    if rate_type is None:
        raise ApiError(400, "Invalid type: it should be billable_rates or labor_costs")
    periods = rate_history.rates_for(access.state(), workspace.id, level, level_id, rate_type)
    return access.ok([rate_view(rate) for rate in periods])
