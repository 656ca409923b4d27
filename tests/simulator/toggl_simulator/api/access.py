"""Request context and the access rules every route shares.

Membership model: a user belongs to an organization when their organization user is joined
and not deactivated; they reach a workspace when they have an active workspace user row
in it (direct or through a group) or are an admin of its organization. Writes to an
organization need an organization admin; writes to a workspace need a workspace admin or
an organization admin. Unknown ids answer 404, known ones the caller cannot reach 403,
except where the reference documents something else (GET /organizations/{id}).
"""

from datetime import datetime

from flask import current_app, g, jsonify

from .. import profiles
from ..catalog import PLANS
from ..errors import ApiError
from ..runtime import Simulator
from ..state import Organization, State, User, Workspace

NO_ACCESS = "User does not have access to this resource."


def simulator() -> Simulator:
    return current_app.extensions["toggl_simulator"]


def state() -> State:
    return simulator().state


def now() -> datetime:
    return simulator().clock.now()


def caller() -> User:
    return g.caller.user


def ok(data, status: int = 200):
    """A JSON answer; the API's plain "OK" answers are the JSON string "OK"."""
    response = jsonify(data)
    response.status_code = status
    return response


def is_org_member(organization_id: int, user_id: int) -> bool:
    membership = state().membership(organization_id, user_id)
    return bool(membership and membership.joined and not membership.inactive)


def organization_for_member(
    organization_id: int,
    *,
    unknown: ApiError | None = None,
    outsider: ApiError | None = None,
) -> Organization:
    org = state().organizations.get(organization_id)
    if org is None:
        raise unknown or ApiError(404, "Invalid organization ID")
    if not is_org_member(org.id, caller().id):
        raise outsider or ApiError(403, "Forbidden")
    return org


def organization_for_admin(organization_id: int, *, outsider_message: str = "Forbidden") -> Organization:
    org = organization_for_member(organization_id, outsider=ApiError(403, outsider_message))
    require_org_admin(org, outsider_message)
    return org


def require_org_admin(org: Organization, message: str = "Forbidden") -> None:
    if not state().is_org_admin(org.id, caller().id):
        raise ApiError(403, message)


def can_reach_workspace(workspace: Workspace, user_id: int) -> bool:
    if not is_org_member(workspace.organization_id, user_id):
        return False
    if state().is_org_admin(workspace.organization_id, user_id):
        return True
    row = state().workspace_user(workspace.id, user_id)
    return bool(row and not row.inactive)


def workspace_for_member(workspace_id: int, *, unknown_message: str = "Workspace not found") -> Workspace:
    workspace = state().workspaces.get(workspace_id)
    if workspace is None:
        if profiles.is_swagger():
            # Swagger: the /workspaces/{workspace_id}/... endpoints document 403 "User does not
            # have access to this resource." and no 404 for a workspace the caller cannot reach.
            raise ApiError(403, NO_ACCESS)
        raise ApiError(404, unknown_message)  # pages
    if not can_reach_workspace(workspace, caller().id):
        raise ApiError(403, NO_ACCESS)
    return workspace


def is_workspace_manager(workspace: Workspace, user_id: int) -> bool:
    return state().is_org_admin(workspace.organization_id, user_id) or state().is_workspace_admin(workspace.id, user_id)


def workspace_for_admin(workspace_id: int, *, unknown_message: str = "Workspace not found") -> Workspace:
    workspace = workspace_for_member(workspace_id, unknown_message=unknown_message)
    if not is_workspace_manager(workspace, caller().id):
        raise ApiError(403, NO_ACCESS)
    return workspace


def workspace_in_organization(
    org: Organization, workspace_id: int, message: str = "Resource can not be found", status: int = 404
) -> Workspace:
    workspace = state().workspaces.get(workspace_id)
    if workspace is None or workspace.organization_id != org.id:
        raise ApiError(status, message)
    return workspace


def is_paid(org: Organization) -> bool:
    return PLANS[org.plan].paid
