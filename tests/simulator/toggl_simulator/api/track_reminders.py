"""Track reminders: "remind these users/groups when they tracked less than N hours".

The reference gives the fields (frequency 1 or 7, threshold in hours, user_ids/group_ids,
email_reminder_enabled/slack_reminder_enabled) but no 400 texts; the texts here are the
simulator's own (README).
"""

from flask import Blueprint

from .. import catalog
from ..clock import isoformat
from ..errors import ApiError
from ..state import TrackReminder, Workspace
from . import access, payload

blueprint = Blueprint("track_reminders", __name__, url_prefix="/api/v9")

INVALID_JSON = "Invalid JSON input"
REMINDER_FIELDS = {
    "frequency": payload.INT,
    "threshold": payload.NUMBER,
    "user_ids": payload.INT_LIST,
    "group_ids": payload.INT_LIST,
    "email_reminder_enabled": payload.BOOL,
    "slack_reminder_enabled": payload.BOOL,
}


def reminder_view(reminder: TrackReminder) -> dict:
    threshold = reminder.threshold
    return {
        "reminder_id": reminder.id,
        "workspace_id": reminder.workspace_id,
        "frequency": reminder.frequency,
        "threshold": int(threshold) if float(threshold).is_integer() else threshold,
        "user_ids": list(reminder.user_ids),
        "group_ids": list(reminder.group_ids),
        "email_reminder_enabled": reminder.email_reminder_enabled,
        "slack_reminder_enabled": reminder.slack_reminder_enabled,
        "created_at": isoformat(reminder.created_at),
    }


def _validate(workspace: Workspace, fields: dict) -> None:
    """Checks a reminder's complete field set (after merging an update into the old one)."""
    if fields["frequency"] not in catalog.TRACK_REMINDER_FREQUENCIES:
        raise ApiError(400, "frequency must be 1 or 7")
    if fields["threshold"] is None or fields["threshold"] <= 0:
        raise ApiError(400, "threshold must be greater than 0")
    if not fields["user_ids"] and not fields["group_ids"]:
        raise ApiError(400, "user_ids or group_ids must be provided")
    state = access.state()
    for user_id in fields["user_ids"]:
        if not state.workspace_user(workspace.id, user_id):
            raise ApiError(400, f"User {user_id} is not a member of the workspace")
    for group_id in fields["group_ids"]:
        group = state.groups.get(group_id)
        if group is None or group.organization_id != workspace.organization_id:
            raise ApiError(400, f"Group {group_id} does not exist in the organization")


def _merged(body: dict, current: TrackReminder | None) -> dict:
    defaults = {
        "frequency": current.frequency if current else None,
        "threshold": current.threshold if current else None,
        "user_ids": list(current.user_ids) if current else [],
        "group_ids": list(current.group_ids) if current else [],
        "email_reminder_enabled": current.email_reminder_enabled if current else True,
        "slack_reminder_enabled": current.slack_reminder_enabled if current else False,
    }
    merged = {name: body[name] if payload.given(body, name) else value for name, value in defaults.items()}
    merged["user_ids"] = sorted(set(merged["user_ids"]))
    merged["group_ids"] = sorted(set(merged["group_ids"]))
    return merged


def _reminder_of(workspace: Workspace, reminder_id: int) -> TrackReminder:
    reminder = access.state().track_reminders.get(reminder_id)
    if reminder is None or reminder.workspace_id != workspace.id:
        raise ApiError(404, "Track reminder not found")
    return reminder


@blueprint.get("/workspaces/<int:workspace_id>/track_reminders")
def list_reminders(workspace_id: int):
    workspace = access.workspace_for_member(workspace_id)
    return access.ok([reminder_view(r) for r in access.state().reminders_of(workspace.id)])


@blueprint.post("/workspaces/<int:workspace_id>/track_reminders")
def create_reminder(workspace_id: int):
    workspace = access.workspace_for_admin(workspace_id)
    body = payload.json_object(INVALID_JSON, REMINDER_FIELDS)
    fields = _merged(body, None)
    _validate(workspace, fields)
    state = access.state()
    reminder = TrackReminder(id=state.ids.next(), workspace_id=workspace.id, created_at=access.now(), **fields)
    state.track_reminders[reminder.id] = reminder
    return access.ok(reminder_view(reminder))


@blueprint.put("/workspaces/<int:workspace_id>/track_reminders/<int:reminder_id>")
def update_reminder(workspace_id: int, reminder_id: int):
    workspace = access.workspace_for_admin(workspace_id)
    reminder = _reminder_of(workspace, reminder_id)
    body = payload.json_object(INVALID_JSON, REMINDER_FIELDS)
    fields = _merged(body, reminder)
    _validate(workspace, fields)
    for name, value in fields.items():
        setattr(reminder, name, value)
    return access.ok(reminder_view(reminder))


@blueprint.delete("/workspaces/<int:workspace_id>/track_reminders/<int:reminder_id>")
def delete_reminder(workspace_id: int, reminder_id: int):
    workspace = access.workspace_for_admin(workspace_id)
    reminder = _reminder_of(workspace, reminder_id)
    del access.state().track_reminders[reminder.id]
    return access.ok("OK")
