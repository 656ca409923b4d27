"""/organizations: create, read and rename organizations.

POST creates the organization on the free plan together with its first workspace; the
caller becomes its owner and an admin of both.
"""

from flask import Blueprint

from .. import catalog
from ..clock import isoformat
from ..errors import ApiError
from ..state import Organization, OrganizationUser
from . import access, payload
from .workspaces import create_workspace, validate_new_workspace_name

blueprint = Blueprint("organizations", __name__, url_prefix="/api/v9")

INVALID_JSON = "Invalid JSON input"


def organization_view(org: Organization, viewer_id: int) -> dict:
    """The MeOrganization shape, as /organizations/{id} and /me/organizations return it."""
    state = access.state()
    plan = catalog.PLANS[org.plan]
    membership = state.membership(org.id, viewer_id)
    return {
        "id": org.id,
        "name": org.name,
        "admin": bool(membership and membership.admin),
        "owner": org.owner_id == viewer_id,
        "at": isoformat(org.at),
        "created_at": isoformat(org.created_at),
        "is_multi_workspace_enabled": org.max_workspaces > 1,
        "is_unified": False,
        "max_data_retention_days": None,
        "max_workspaces": org.max_workspaces,
        "permissions": [],
        "pricing_plan_enterprise": plan.enterprise,
        "pricing_plan_id": plan.pricing_plan_id,
        "pricing_plan_name": plan.display_name,
        "subscription": {
            "billing_period_months": 1 if plan.paid else 0,
            "created_at": isoformat(org.created_at) if plan.paid else None,
            "enterprise": plan.enterprise,
            "plan": plan.handle,
            "plan_name": plan.display_name,
            "seats": None,
            "state": "active" if plan.paid else "free",
            "trial": None,
        },
        "suspended_at": None,
        "trial_info": {
            "can_have_trial": not plan.paid,
            "last_pricing_plan_id": None,
            "next_payment_date": None,
            "trial": False,
            "trial_available": not plan.paid,
            "trial_end_date": None,
            "trial_plan_id": None,
        },
        "user_count": sum(1 for m in state.members_of(org.id) if m.joined),
    }


def _validate_organization_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "Field 'name' cannot be empty.")
    if len(name) > catalog.ORGANIZATION_NAME_MAX:
        raise ApiError(400, "organization name too long, maximum length is 140")
    return name


@blueprint.post("/organizations")
def create_organization():
    body = payload.json_object(INVALID_JSON, {"name": payload.STRING, "workspace_name": payload.STRING})
    name = _validate_organization_name(body.get("name"))
    workspace_name = body.get("workspace_name")
    if workspace_name is None:
        raise ApiError(400, "workspace name must be provided")
    validate_new_workspace_name(workspace_name, organization_id=None)

    state, now, user = access.state(), access.now(), access.caller()
    org = Organization(
        id=state.ids.next(),
        name=name,
        plan="free",
        owner_id=user.id,
        created_at=now,
        at=now,
        max_workspaces=catalog.DEFAULT_MAX_WORKSPACES,
    )
    state.organizations[org.id] = org
    state.add_membership(
        OrganizationUser(
            id=state.ids.next(),
            organization_id=org.id,
            user_id=user.id,
            admin=True,
            created_at=now,
        )
    )
    workspace = create_workspace(org, workspace_name, creator_id=user.id, body={})
    if user.default_workspace_id is None:
        user.default_workspace_id = workspace.id
    return access.ok(
        {
            "id": org.id,
            "name": org.name,
            "permissions": [],
            "workspace_id": workspace.id,
            "workspace_name": workspace.name,
        }
    )


@blueprint.get("/organizations/<int:organization_id>")
def get_organization(organization_id: int):
    org = access.organization_for_member(
        organization_id,
        unknown=ApiError(404, "Invalid organization ID"),
        outsider=ApiError(404, "User not part of organization"),
    )
    return access.ok(organization_view(org, access.caller().id))


@blueprint.put("/organizations/<int:organization_id>")
def update_organization(organization_id: int):
    org = access.organization_for_member(
        organization_id,
        outsider=ApiError(403, "User is not authorized to update the organization"),
    )
    access.require_org_admin(org, "User is not authorized to update the organization")
    body = payload.json_object(INVALID_JSON, {"name": payload.STRING})
    if "name" not in body:
        raise ApiError(400, "At least one field is required")
    name = body["name"]
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, "field 'name' cannot be empty")
    if len(name) > catalog.ORGANIZATION_NAME_MAX:
        raise ApiError(400, "organization name too long, maximum length is 140")
    org.name = name
    org.at = access.now()
    return access.ok("OK")
