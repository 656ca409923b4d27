"""Alerts: notify roles or users when a project (or workspace) crosses thresholds.

The reference documents the 400 texts but not the accepted enum values, so the simulator
accepts the small set in catalog.py (source_kind project|workspace, threshold_type
percentage|hours, receiver_roles admin|projectlead|teamlead|user, thresholds 1..1000) and
answers the documented "... out of range" text for anything else. PUT replaces the alert
with the body, which is validated exactly as POST's.
"""

from flask import Blueprint

from .. import catalog
from ..errors import ApiError
from ..state import Alert, Workspace
from . import access, payload

blueprint = Blueprint("alerts", __name__, url_prefix="/api/v9")

INVALID_JSON = "Invalid JSON input"
ALERT_FIELDS = {
    "project_id": payload.INT,
    "receiver_roles": payload.STRING_LIST,
    "receiver_users": payload.INT_LIST,
    "receiver_groups": payload.INT_LIST,
    "source_kind": payload.STRING,
    "threshold_type": payload.STRING,
    "thresholds": payload.INT_LIST,
}


def alert_view(alert: Alert) -> dict:
    state = access.state()
    project = state.projects.get(alert.project_id) if alert.project_id else None
    receivers = [state.users[user_id] for user_id in alert.receiver_users if user_id in state.users]
    return {
        "id": alert.id,
        "wid": alert.workspace_id,
        "project_id": alert.project_id,
        "project_name": project.name if project else None,
        "project_color": project.color if project else None,
        "billable": project.billable if project else False,
        "isPrivate": project.is_private if project else False,
        "isFixedFee": bool(project.fixed_fee) if project else False,
        "estimatedHours": project.estimated_hours if project else None,
        "client_id": None,
        "client_name": None,
        "object_type": None,
        "source_kind": alert.source_kind,
        "threshold_type": alert.threshold_type,
        "thresholds": list(alert.thresholds),
        "threshold": alert.thresholds[0] if alert.thresholds else None,
        "receiver_roles": list(alert.receiver_roles),
        "receiver_users": list(alert.receiver_users),
        "receiver_users_name": [user.display_name for user in receivers],
        "receiver_groups": list(alert.receiver_groups),
        "receivers": len(alert.receiver_roles) + len(alert.receiver_users) + len(alert.receiver_groups),
        "errors": [],
    }


def _validate(workspace: Workspace, body: dict) -> dict:
    source_kind = body.get("source_kind")
    if not source_kind:
        raise ApiError(400, "source kind can't be blank")
    if source_kind not in catalog.ALERT_SOURCE_KINDS:
        raise ApiError(400, "source kind out of range")
    project_id = body.get("project_id")
    if source_kind in catalog.ALERT_SOURCE_KINDS_NEEDING_PROJECT:
        project = access.state().projects.get(project_id) if project_id else None
        if project is None or project.workspace_id != workspace.id:
            raise ApiError(400, "project can't be blank")
    elif project_id:
        raise ApiError(400, "project not supported for this source kind")
    threshold_type = body.get("threshold_type")
    if not threshold_type:
        raise ApiError(400, "threshold type can't be blank")
    if threshold_type not in catalog.ALERT_THRESHOLD_TYPES:
        raise ApiError(400, "threshold type out of range")
    thresholds = body.get("thresholds") or []
    if not thresholds:
        raise ApiError(400, "thresholds can't be blank")
    low, high = catalog.ALERT_THRESHOLD_RANGE
    if any(not low <= value <= high for value in thresholds):
        raise ApiError(400, "threshold out of range")
    roles = body.get("receiver_roles") or []
    users = body.get("receiver_users") or []
    groups = body.get("receiver_groups") or []
    if not roles and not users and not groups:
        raise ApiError(400, "receivers can't be blank")
    if any(role not in catalog.ALERT_RECEIVER_ROLES for role in roles):
        raise ApiError(400, "receiver role out of range")
    state = access.state()
    if any(not state.workspace_user(workspace.id, user_id) for user_id in users):
        raise ApiError(400, "receiver type out of range")
    if any(
        group_id not in state.groups or state.groups[group_id].organization_id != workspace.organization_id
        for group_id in groups
    ):
        raise ApiError(400, "receiver type out of range")
    return {
        "project_id": project_id or None,
        "source_kind": source_kind,
        "threshold_type": threshold_type,
        "thresholds": list(thresholds),
        "receiver_roles": list(dict.fromkeys(roles)),
        "receiver_users": list(dict.fromkeys(users)),
        "receiver_groups": list(dict.fromkeys(groups)),
    }


def _alerts_workspace(workspace_id: int, *, admin: bool) -> Workspace:
    if workspace_id not in access.state().workspaces:
        raise ApiError(400, "invalid workspace ID")
    if admin:
        return access.workspace_for_admin(workspace_id)
    return access.workspace_for_member(workspace_id)


def _alert_of(workspace: Workspace, alert_id: str) -> Alert:
    """The alert named in the URL (taken as text so a non-number gets the documented 400)."""
    if not alert_id.isdigit():
        raise ApiError(400, "invalid 'alert_id' passed in URL")
    alert = access.state().alerts.get(int(alert_id))
    if alert is None or alert.workspace_id != workspace.id:
        raise ApiError(403, "Alert not found or not accessible")
    return alert


@blueprint.get("/workspaces/<int:workspace_id>/alerts")
def list_alerts(workspace_id: int):
    workspace = _alerts_workspace(workspace_id, admin=False)
    return access.ok([alert_view(alert) for alert in access.state().alerts_of(workspace.id)])


@blueprint.post("/workspaces/<int:workspace_id>/alerts")
def create_alert(workspace_id: int):
    workspace = _alerts_workspace(workspace_id, admin=True)
    fields = _validate(workspace, payload.json_object(INVALID_JSON, ALERT_FIELDS))
    state = access.state()
    alert = Alert(id=state.ids.next(), workspace_id=workspace.id, created_at=access.now(), **fields)
    state.alerts[alert.id] = alert
    return access.ok(alert_view(alert))


@blueprint.put("/workspaces/<int:workspace_id>/alerts/<alert_id>")
def replace_alert(workspace_id: int, alert_id: str):
    workspace = _alerts_workspace(workspace_id, admin=True)
    alert = _alert_of(workspace, alert_id)
    fields = _validate(workspace, payload.json_object(INVALID_JSON, ALERT_FIELDS))
    for name, value in fields.items():
        setattr(alert, name, value)
    return access.ok(alert_view(alert))


@blueprint.delete("/workspaces/<int:workspace_id>/alerts/<alert_id>")
def delete_alert(workspace_id: int, alert_id: str):
    workspace = _alerts_workspace(workspace_id, admin=True)
    alert = _alert_of(workspace, alert_id)
    del access.state().alerts[alert.id]
    return access.ok("OK")
