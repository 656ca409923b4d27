"""/me, /me/organizations, /me/workspaces and /me/quota: the caller's own view.

These draw on the user-level quota (30 requests per hour on every plan), which is why the
collection resolves names through them sparingly.
"""

from flask import Blueprint, Response

from .. import profiles, quota
from ..clock import isoformat
from . import access, payload
from .organizations import organization_view
from .projects import project_view
from .workspaces import workspace_view

blueprint = Blueprint("me", __name__, url_prefix="/api/v9")


DEFAULT_IMAGE_URL = "https://assets.track.toggl.com/images/profile.png"


def toggl_accounts_id(user_id: int) -> str:
    """A stable id in the shape of the live API's (an opaque string)."""
    return f"uWGsHAeXZGhJvQ3X{user_id:06d}"[-22:]  # 22 characters, as the live ids


def visible_workspaces(user_id: int):
    state = access.state()
    return [
        ws for ws in sorted(state.workspaces.values(), key=lambda w: w.id) if access.can_reach_workspace(ws, user_id)
    ]


@blueprint.get("/me")
def get_me():
    user = access.caller()
    state = access.state()
    body = {
        "id": user.id,
        "email": user.email,
        "fullname": user.fullname,
        # The live /me returns the caller's own token (the Swagger lists it); so does this.
        "api_token": user.api_token,
        "timezone": user.timezone,
        "default_workspace_id": user.default_workspace_id,
        "beginning_of_week": 1,
        # Swagger profile: what live clients read (toggl-python needs a URL here and the
        # Toggl Accounts id, which the live /me carries though the Swagger omits it);
        # pages: an empty image_url and no accounts id.
        "image_url": "" if profiles.is_pages() else DEFAULT_IMAGE_URL,
        "country_id": None,
        "has_password": bool(user.password),
        "2fa_enabled": False,
        "openid_enabled": False,
        "openid_email": None,
        "oauth_providers": [],
        "authorization_updated_at": isoformat(user.created_at),
        "created_at": isoformat(user.created_at),
        "updated_at": isoformat(user.created_at),
        "at": isoformat(user.created_at),
        "intercom_hash": None,
        "options": {},
    }
    if profiles.is_swagger():
        body["toggl_accounts_id"] = toggl_accounts_id(user.id)
    if payload.bool_query("with_related_data"):
        workspaces = visible_workspaces(user.id)
        body["workspaces"] = [workspace_view(ws, user.id) for ws in workspaces]
        projects = [p for ws in workspaces for p in sorted(state.projects_of(ws.id), key=lambda p: p.id)]
        if profiles.is_swagger():
            # Swagger: UserWithRelated.projects are models.Project, the same as the project list's.
            body["projects"] = [project_view(p) for p in projects]
        else:
            body["projects"] = [
                {
                    "id": p.id,
                    "name": p.name,
                    "workspace_id": p.workspace_id,
                    "wid": p.workspace_id,
                    "active": p.active,
                    "billable": p.billable,
                    "is_private": p.is_private,
                    "color": p.color,
                }
                for p in projects
            ]
        body.update({"clients": [], "tags": [], "tasks": [], "time_entries": []})
    return access.ok(body)


@blueprint.get("/me/organizations")
def get_my_organizations():
    user = access.caller()
    return access.ok(
        [
            organization_view(org, user.id)
            for org in access.state().organizations_of(user.id)
            if access.is_org_member(org.id, user.id)
        ]
    )


@blueprint.get("/me/workspaces")
def get_my_workspaces():
    user = access.caller()
    state = access.state()
    items = []
    for ws in visible_workspaces(user.id):
        view = workspace_view(ws, user.id)
        view["active_project_count"] = sum(1 for p in state.projects_of(ws.id) if p.active)
        items.append(view)
    return access.ok(items)


@blueprint.get("/me/quota")
def get_my_quota():
    user = access.caller()
    state = access.state()
    tracker = access.simulator().quota
    items = []
    for org in state.organizations_of(user.id):
        status = tracker.status(user.id, org.id, quota.hourly_limit(state, org.id))
        items.append(
            {
                "organization_id": org.id,
                "remaining": status.remaining,
                "resets_in_secs": status.resets_in_secs,
                "total": status.total,
            }
        )
    return access.ok(items)


@blueprint.get("/me/logged")
def get_logged():
    """Swagger: "Used to check if authentication works": 200 with no documented body."""
    return Response(b"", status=200)


@blueprint.get("/workspaces")
def list_workspaces():
    """Not in the Swagger, but served by the live API (clients such as toggl-python list
    workspaces here): the workspaces the caller reaches, like GET /me/workspaces."""
    user = access.caller()
    return access.ok([workspace_view(ws, user.id) for ws in visible_workspaces(user.id)])
