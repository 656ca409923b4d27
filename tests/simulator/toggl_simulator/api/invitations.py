"""Invitations: inviting people into an organization's workspaces and groups.

An invited person becomes a pending organization member (joined=false, active_status
"invited") with workspace rows in the requested workspaces and membership of the requested
groups; an unknown e-mail first gets a pending account that cannot log in. The person
accepts through the control endpoint POST /_sim/invitations/accept.
"""

import re
import secrets

from flask import Blueprint

from .. import catalog
from ..errors import ApiError
from ..state import Invitation, Organization, OrganizationUser, User
from . import access, payload

blueprint = Blueprint("invitations", __name__, url_prefix="/api/v9")

INVALID_JSON = "Invalid JSON input"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

INVITATION_FIELDS = {
    "emails": payload.STRING_LIST,
    "workspaces": payload.OBJECT_LIST,
    "groups": payload.INT_LIST,
    "skip_email": payload.BOOL,
    "project_invite": payload.OBJECT,
}
INVITATION_WORKSPACE_FIELDS = {
    "workspace_id": payload.INT,
    "admin": payload.BOOL,
    "role": payload.STRING,
    "role_id": payload.INT,
    "integration_data": payload.OBJECT,
}


def _workspace_role(entry: dict) -> str:
    """The role an invitation grants in one workspace (admin flag, role or role_id)."""
    uses_admin_flag = entry.get("admin") is not None
    if payload.given(entry, "role_id"):
        if uses_admin_flag:
            raise ApiError(400, "Cannot use both admin flags and role_id.")
        role = catalog.WORKSPACE_ROLE_BY_ID.get(entry["role_id"])
        if role is None:
            raise ApiError(400, "Invalid role_id.")
        return role
    if payload.given(entry, "role"):
        if entry["role"] not in catalog.WORKSPACE_ROLE_IDS:
            raise ApiError(400, "Invalid role.")
        return entry["role"]
    return "admin" if entry.get("admin") else "user"


def _validate(org: Organization, body: dict) -> tuple[list[str], list[tuple[int, str]], list[int]]:
    state = access.state()
    emails = body.get("emails") or []
    if not emails:
        raise ApiError(400, "at least one email is required")
    workspace_entries = body.get("workspaces") or []
    if not workspace_entries:
        raise ApiError(400, "at least one workspace is required")
    for email in emails:
        if not email.strip():
            raise ApiError(400, "Missing e-mail")
        if not EMAIL_PATTERN.match(email.strip()):
            raise ApiError(400, f"Invalid e-mail: '{email}'")
    workspaces = []
    for entry in workspace_entries:
        payload.check_types(entry, INVITATION_WORKSPACE_FIELDS, INVALID_JSON)
        workspace = state.workspaces.get(entry.get("workspace_id"))
        if workspace is None or workspace.organization_id != org.id:
            raise ApiError(400, "invalid workspace ID")
        workspaces.append((workspace.id, _workspace_role(entry)))
    group_ids = body.get("groups") or []
    for group_id in group_ids:
        group = state.groups.get(group_id)
        if group is None or group.organization_id != org.id:
            raise ApiError(400, f"Group '{group_id}' is not in Organization '{org.id}'.")

    unique_emails = list(dict.fromkeys(email.strip() for email in emails))
    newcomers = 0
    for email in unique_emails:
        user = state.user_by_email(email)
        membership = state.membership(org.id, user.id) if user else None
        if membership and membership.inactive:
            raise ApiError(400, f"User with e-mail '{email}' is already an inactive member of the organization")
        if membership is None:
            newcomers += 1
    if not access.is_paid(org):
        active = sum(1 for m in state.members_of(org.id) if not m.inactive)
        if active + newcomers > catalog.FREE_PLAN_ACTIVE_USER_LIMIT:
            raise ApiError(400, "Active user limit is 5. Upgrade to add more active users")
    return unique_emails, workspaces, group_ids


def _account_for(email: str) -> User:
    """The existing account for an e-mail, or a new pending one."""
    state = access.state()
    user = state.user_by_email(email)
    if user is None:
        user = User(
            id=state.ids.next(), email=email, fullname="", api_token=None, created_at=access.now(), pending=True
        )
        state.users[user.id] = user
    return user


@blueprint.post("/organizations/<int:organization_id>/invitations")
def invite(organization_id: int):
    org = access.organization_for_member(organization_id, unknown=ApiError(400, "Invalid organization id"))
    access.require_org_admin(org)
    body = payload.json_object(INVALID_JSON, INVITATION_FIELDS)
    emails, workspaces, group_ids = _validate(org, body)

    state, now, sender = access.state(), access.now(), access.caller()
    data, invitations, messages = [], [], []
    for email in emails:
        user = _account_for(email)
        membership = state.membership(org.id, user.id)
        already_joined = bool(membership and membership.joined)
        invitation = None
        pending = None
        if membership is not None and not already_joined and membership.invitation_id is not None:
            pending = state.invitations.get(membership.invitation_id)
            if pending is not None and pending.status != "pending":
                pending = None
        if pending is not None:
            # One invitation per person: a second invitation of an e-mail whose invitation is
            # still pending creates (and sends) no other; the answer shows the pending one.
            # (Neither the Swagger nor the pages document a text for this case.)
            invitation = pending
        elif not already_joined:
            invitation = Invitation(
                id=state.ids.next(),
                organization_id=org.id,
                email=user.email,
                recipient_id=user.id,
                sender_id=sender.id,
                code=secrets.token_hex(16),
                workspaces=[{"workspace_id": ws_id, "role": role} for ws_id, role in workspaces],
                group_ids=list(group_ids),
                skip_email=bool(body.get("skip_email")),
                created_at=now,
            )
            state.invitations[invitation.id] = invitation
            if membership is None:
                membership = state.add_membership(
                    OrganizationUser(
                        id=state.ids.next(),
                        organization_id=org.id,
                        user_id=user.id,
                        joined=False,
                        created_at=now,
                    )
                )
            membership.invitation_id = invitation.id
        else:
            messages.append(f"User with e-mail '{user.email}' is already a member of the organization")

        workspace_info = []
        for ws_id, role in workspaces:
            row = state.workspace_user(ws_id, user.id)
            if row is None or not row.direct:
                row = state.add_workspace_user(ws_id, user.id, role, now)
                row.role = role
            workspace_info.append({"user_id": user.id, "workspace_id": ws_id, "workspace_user_id": row.id})
        for group_id in group_ids:
            group = state.groups[group_id]
            if user.id not in group.user_ids:
                group.user_ids = sorted([*group.user_ids, user.id])
                group.at = now

        if invitation is not None:
            data.append(
                {
                    "email": user.email,
                    "invitation_id": invitation.id,
                    "invite_url": f"https://track.toggl.com/invitation/{invitation.code}",
                    "organization_id": org.id,
                    "recipient_id": user.id,
                    "sender_id": sender.id,
                    "workspaces": workspace_info,
                }
            )
            invitations.append(
                {
                    "code": invitation.code,
                    "email": user.email,
                    "organization_id": org.id,
                    "organization_name": org.name,
                    "sender_email": sender.email,
                    "sender_name": sender.display_name,
                }
            )
    state.sync_group_access(org.id, now)
    return access.ok({"data": data, "invitations": invitations, "messages": messages})


@blueprint.put("/organizations/<int:organization_id>/invitations/<int:invitation_id>/resend")
def resend(organization_id: int, invitation_id: int):
    org = access.organization_for_member(organization_id)
    access.require_org_admin(org)
    invitation = access.state().invitations.get(invitation_id)
    if invitation is None:
        raise ApiError(404, "Invitation code not found")
    if invitation.organization_id != org.id:
        raise ApiError(400, "Organization ID and invitation organization ID mismatch")
    if invitation.status != "pending":
        raise ApiError(404, "Invitation code not found")
    invitation.sent_count += 1
    return access.ok("OK")


def accept_invitations(email: str, organization_id: int | None = None) -> dict | None:
    """The invited person accepts (used by POST /_sim/invitations/accept).

    Returns None when the e-mail has no pending invitation. A pending account gets a token
    (tok-<user id>) so that it can log in from now on.
    """
    state = access.state()
    user = state.user_by_email(email)
    if user is None:
        return None
    accepted = []
    for invitation in sorted(state.invitations.values(), key=lambda i: i.id):
        if invitation.recipient_id != user.id or invitation.status != "pending":
            continue
        if organization_id is not None and invitation.organization_id != organization_id:
            continue
        invitation.status = "accepted"
        membership = state.membership(invitation.organization_id, user.id)
        if membership:
            membership.joined = True
            membership.invitation_id = None
        accepted.append(invitation.organization_id)
    if not accepted:
        return None
    if user.pending:
        user.pending = False
        user.api_token = user.api_token or f"tok-{user.id}"
        user.fullname = user.fullname or email.split("@", 1)[0]
    if user.default_workspace_id is None:
        rows = [row.workspace_id for row in state.workspace_users.values() if row.user_id == user.id]
        user.default_workspace_id = min(rows, default=None)
    return {
        "email": user.email,
        "user_id": user.id,
        "api_token": user.api_token,
        "organizations": sorted(set(accepted)),
    }
