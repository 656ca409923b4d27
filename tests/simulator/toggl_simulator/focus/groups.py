"""Focus organization groups: create, update, delete, and the caller's own groups.

Members are given as organization user ids (Track's group API takes user ids); both APIs
edit the same groups, so the usual name rules ("Name has already been taken", at most 200
characters) apply here too, answered with Focus's "Invalid request". `emoji` exists only
here: Track neither shows nor changes it. PUT changes only the fields it is given (a list
left out is kept, `[]` empties it, `"emoji": ""` takes the emoji off). POST answers 201 with
the group as PUT shows it; DELETE needs `workspace_id`, a workspace of the organization, and
answers "OK".
"""

from flask import Blueprint

from .. import catalog
from ..api import access, payload
from ..errors import ApiError
from ..state import Group, Organization
from .common import (
    INVALID_REQUEST,
    PREFIX,
    group_view,
    organization_for_admin,
    organization_for_member,
    required_workspace_id,
)

blueprint = Blueprint("focus_groups", __name__, url_prefix=PREFIX)

GROUP_FIELDS = {
    "name": payload.STRING,
    "emoji": payload.STRING,
    "organization_users": payload.INT_LIST,
    "workspaces": payload.INT_LIST,
}


def _validated(org: Organization, body: dict, group: Group | None) -> dict:
    """The group's new fields, or 400 "Invalid request" for anything unusable."""
    state = access.state()
    name = body.get("name") if "name" in body else (group.name if group else None)
    if name is None or not name.strip() or len(name) > catalog.GROUP_NAME_MAX:
        raise ApiError(400, INVALID_REQUEST)
    if any(
        g.name.strip().lower() == name.strip().lower() and (group is None or g.id != group.id)
        for g in state.groups_of(org.id)
    ):
        raise ApiError(400, INVALID_REQUEST)
    user_ids = None
    if body.get("organization_users") is not None:
        user_ids = []
        for member_id in body["organization_users"]:
            membership = state.organization_users.get(member_id)
            if membership is None or membership.organization_id != org.id:
                raise ApiError(400, INVALID_REQUEST)
            user_ids.append(membership.user_id)
    workspace_ids = body.get("workspaces")
    for ws_id in workspace_ids or []:
        workspace = state.workspaces.get(ws_id)
        if workspace is None or workspace.organization_id != org.id:
            raise ApiError(400, INVALID_REQUEST)
    return {"name": name, "emoji": body.get("emoji"), "user_ids": user_ids, "workspace_ids": workspace_ids}


def _group_of(org: Organization, group_id: int) -> Group:
    group = access.state().groups.get(group_id)
    if group is None or group.organization_id != org.id:
        raise ApiError(404, "Group not found")
    return group


@blueprint.post("/organizations/<int:organization_id>/groups")
def create_group(organization_id: int):
    org = organization_for_admin(organization_id)
    fields = _validated(org, payload.json_object(INVALID_REQUEST, GROUP_FIELDS), None)
    state, now = access.state(), access.now()
    group = Group(
        id=state.ids.next(),
        organization_id=org.id,
        name=fields["name"],
        user_ids=sorted(set(fields["user_ids"] or [])),
        workspace_ids=sorted(set(fields["workspace_ids"] or [])),
        at=now,
        emoji=fields["emoji"] or None,
    )
    state.groups[group.id] = group
    state.sync_group_access(org.id, now)
    return access.ok(group_view(group), status=201)


@blueprint.put("/organizations/<int:organization_id>/groups/<int:group_id>")
def update_group(organization_id: int, group_id: int):
    org = organization_for_admin(organization_id)
    group = _group_of(org, group_id)
    fields = _validated(org, payload.json_object(INVALID_REQUEST, GROUP_FIELDS), group)
    now = access.now()
    group.name = fields["name"]
    if fields["emoji"] is not None:
        group.emoji = fields["emoji"] or None  # "" takes the emoji off
    if fields["user_ids"] is not None:
        group.user_ids = sorted(set(fields["user_ids"]))
    if fields["workspace_ids"] is not None:
        group.workspace_ids = sorted(set(fields["workspace_ids"]))
    group.at = now
    access.state().sync_group_access(org.id, now)
    return access.ok(group_view(group))


@blueprint.delete("/organizations/<int:organization_id>/groups/<int:group_id>")
def delete_group(organization_id: int, group_id: int):
    org = organization_for_admin(organization_id)
    required_workspace_id(org)
    group = _group_of(org, group_id)
    access.state().delete_group(group, access.now())
    return access.ok("OK")


@blueprint.get("/organizations/<int:organization_id>/groups/me")
def my_groups(organization_id: int):
    org = organization_for_member(organization_id)
    user_id = access.caller().id
    groups = sorted(
        (g for g in access.state().groups_of(org.id) if user_id in g.user_ids), key=lambda g: (g.name.lower(), g.id)
    )
    return access.ok([{"id": g.id, "name": g.name, "emoji": g.emoji} for g in groups])
