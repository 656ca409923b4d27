"""GET /focus/api/organizations/{id}/teams: the organization's groups with their ghosts, paginated.

Unlike the other Focus lists this one wraps its items: {"data", "page", "rows", "total"}
("rows" is the number of items on this page, "total" the number that matched). `workspace_id`
is required and, as the reference says, is for the permission check: any workspace of the
organization opens the whole list. `per_page` defaults to 50 and is not capped (the reference
gives no maximum); a page past the end has empty `data`. Ghosts are placeholder members
without a Toggl account, given per group in the seed (`"ghosts": [{"id", "name"}]`).
"""

from flask import Blueprint, request

from ..api import access
from ..errors import ApiError
from .common import (
    INVALID_REQUEST,
    PREFIX,
    group_view,
    int_list_query,
    organization_for_member,
    positive_int_query,
    required_workspace_id,
    sort_direction,
)

blueprint = Blueprint("focus_teams", __name__, url_prefix=PREFIX)

DEFAULT_PER_PAGE = 50


@blueprint.get("/organizations/<int:organization_id>/teams")
def list_teams(organization_id: int):
    org = organization_for_member(organization_id, "User does not have permission to view groups")
    required_workspace_id(org)
    page, per_page = positive_int_query("page", 1), positive_int_query("per_page", DEFAULT_PER_PAGE)
    sort_dir = sort_direction()
    state = access.state()
    groups = state.groups_of(org.id)
    name_filter = (request.args.get("filter") or "").lower()
    if name_filter:
        groups = [g for g in groups if name_filter in g.name.lower()]
    member_id = request.args.get("organization_user_id")
    if member_id:
        if not member_id.isdigit():
            raise ApiError(400, INVALID_REQUEST)
        membership = state.organization_users.get(int(member_id))
        groups = [g for g in groups if membership and membership.user_id in g.user_ids]
    group_ids = int_list_query("group_ids")
    if group_ids is not None:
        groups = [g for g in groups if g.id in group_ids]
    groups.sort(key=lambda g: (g.name.lower(), g.id), reverse=sort_dir == "desc")
    data = []
    for group in groups[(page - 1) * per_page : page * per_page]:
        item = group_view(group)
        item["ghosts"] = [dict(ghost) for ghost in group.ghosts]
        data.append(item)
    return access.ok({"data": data, "page": page, "rows": len(data), "total": len(groups)})
