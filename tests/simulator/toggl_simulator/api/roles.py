"""GET /organizations/{id}/roles: the organization and workspace roles a member can hold.

The role ids are the simulator's own (catalog.py); workspace users' role_id and
organization users' role_id refer to them.
"""

from flask import Blueprint

from .. import catalog
from . import access

blueprint = Blueprint("roles", __name__, url_prefix="/api/v9")


def role_view(role: catalog.Role) -> dict:
    return {
        "role_id": role.role_id,
        "code": role.code,
        "name": role.name,
        "description": role.description,
        "entity": role.entity,
        "type": role.type,
        "privilege_level": role.privilege_level,
        # Built-in roles are global (the endpoint lists "organization specific and global").
        "organization_id": None,
        "permissions": [],
    }


@blueprint.get("/organizations/<int:organization_id>/roles")
def list_roles(organization_id: int):
    access.organization_for_member(organization_id)
    return access.ok([role_view(role) for role in catalog.ROLES])
