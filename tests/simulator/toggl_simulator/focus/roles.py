"""GET /focus/api/organizations/{id}/roles: the same role catalog Track serves."""

from flask import Blueprint

from .. import catalog
from ..api import access
from ..api.roles import role_view
from .common import PREFIX, organization_for_member

blueprint = Blueprint("focus_roles", __name__, url_prefix=PREFIX)


@blueprint.get("/organizations/<int:organization_id>/roles")
def list_roles(organization_id: int):
    organization_for_member(organization_id)
    return access.ok([role_view(role) for role in catalog.ROLES])
