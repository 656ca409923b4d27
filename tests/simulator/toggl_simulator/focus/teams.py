"""GET /focus/api/organizations/{id}/teams: the organization's groups, paginated.

Unlike Track's lists this one wraps its items: {"data", "page", "rows", "total"}.
"""

from flask import Blueprint, request

from ..api import access, payload
from ..errors import ApiError
from .common import INVALID_REQUEST, PREFIX, group_view, organization_for_member, required_workspace_id

blueprint = Blueprint("focus_teams", __name__, url_prefix=PREFIX)


def _number(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ApiError(400, INVALID_REQUEST)
    return int(raw)


@blueprint.get("/organizations/<int:organization_id>/teams")
def list_teams(organization_id: int):
    org = organization_for_member(organization_id, "User does not have permission to view groups")
    required_workspace_id(org)
    page, per_page = _number("page", 1), _number("per_page", 50)
    sort_dir = request.args.get("sort_dir") or "asc"
    if sort_dir not in ("asc", "desc"):
        raise ApiError(400, INVALID_REQUEST)
    groups = access.state().groups_of(org.id)
    name_filter = (request.args.get("filter") or "").lower()
    if name_filter:
        groups = [g for g in groups if name_filter in g.name.lower()]
    member_id = request.args.get("organization_user_id")
    if member_id:
        if not member_id.isdigit():
            raise ApiError(400, INVALID_REQUEST)
        membership = access.state().organization_users.get(int(member_id))
        groups = [g for g in groups if membership and membership.user_id in g.user_ids]
    group_ids = payload.int_list_query("group_ids", INVALID_REQUEST)
    if group_ids is not None:
        groups = [g for g in groups if g.id in group_ids]
    groups.sort(key=lambda g: (g.name.lower(), g.id), reverse=sort_dir == "desc")
    page_items = groups[(page - 1) * per_page: page * per_page]
    data = []
    for group in page_items:
        item = group_view(group)
        item["ghosts"] = []
        data.append(item)
    return access.ok({"data": data, "page": page, "rows": len(data), "total": len(groups)})
