"""GET /audit_logs/{organization_id}/{from}/{to}: the organization's audit log (read-only).

The entries are recorded by the request hooks for every write served (audit_log.py, which
also gives their shape and why it is the simulator's own: the Swagger leaves the items
untyped). What each source says, and what the simulator makes of it:

- Swagger (operation get-audit-logs): path `organization_id` (integer), `from` and `to`
  ("datetime in RFC3339 format"); query `export` ("If set to true, returns all audit logs
  without pagination"), `workspace_id`, `entity_type`, `entity_id`, `action`, `user_id`,
  `page_size`, `page_number`; 200 an array, 403 "User does not have access to the audit logs",
  500. No paging headers are documented, so none are sent: a client pages until a short page
  (or asks for `export`). No 400 is documented either; a `from`/`to` that is not an RFC 3339
  date-time, `from` after `to`, or a filter or page value that is not a number is refused
  with a 400 whose text is the simulator's own (as the other endpoints' invented texts, listed
  in the README), since "nothing is accepted silently that the real API would refuse".
- Plan gating: Toggl's support article "Audit Log" says the Audit Log "is available
  exclusively on Premium and Enterprise plans", to organization admins (and, in an
  organization with a single workspace, to its workspace admins). The Swagger documents no
  402 for this endpoint, only the 403, so Free and Starter organizations, non-admins,
  outsiders and unknown organizations all get that 403 with its documented text.
- Pagination defaults (the simulator's choice, none documented): `page_number` 1,
  `page_size` 50, no maximum; a page past the end is `[]`. The list is newest first (then by
  entry id, newest first), from `from` to `to`, both included, within the support article's
  retention of 1 year.
"""

import re

from flask import Blueprint, request

from .. import audit_log
from ..clock import parse_timestamp
from ..errors import ApiError
from . import access, payload

blueprint = Blueprint("audit_logs", __name__, url_prefix="/api/v9")

NO_ACCESS = "User does not have access to the audit logs"  # Swagger: the 403's description
# Support article: "available exclusively on Premium and Enterprise plans".
PLANS_WITH_AUDIT_LOG = ("premium", "enterprise")
DEFAULT_PAGE_SIZE = 50
# RFC 3339 date-time: a date, "T", a time, and "Z" or an offset.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
INT_FILTERS = ("workspace_id", "entity_id", "user_id")
TEXT_FILTERS = ("entity_type", "action")


def _moment(name: str, text: str):
    if not RFC3339.match(text or ""):
        raise ApiError(400, f"Invalid '{name}': expected an RFC3339 date-time, got '{text}'.")
    return parse_timestamp(text)


def _int_query(name: str, minimum: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError as error:
        raise ApiError(400, f"Invalid value sent for '{name}'.") from error
    if minimum is not None and value < minimum:
        raise ApiError(400, f"{name} parameter must contain values >= {minimum}.")
    return value


def _may_read(org) -> bool:
    user_id = access.caller().id
    if not access.is_org_member(org.id, user_id):
        return False
    if access.state().is_org_admin(org.id, user_id):
        return True
    # Support article: with a single workspace, "accessible to Workspace and Organization Admins".
    workspaces = access.state().workspaces_of(org.id)
    return len(workspaces) == 1 and access.state().is_workspace_admin(workspaces[0].id, user_id)


@blueprint.get("/audit_logs/<int:organization_id>/<start>/<end>")
def list_audit_logs(organization_id: int, start: str, end: str):
    org = access.state().organizations.get(organization_id)
    if org is None or not _may_read(org) or org.plan not in PLANS_WITH_AUDIT_LOG:
        raise ApiError(403, NO_ACCESS)
    since, until = _moment("from", start), _moment("to", end)
    if since > until:
        raise ApiError(400, "Invalid time range: 'from' is after 'to'.")
    filters = {}
    for name in INT_FILTERS:
        value = _int_query(name)
        if value is not None:
            filters[name] = value
    for name in TEXT_FILTERS:
        value = request.args.get(name)
        if value:
            filters[name] = value
    page_size = _int_query("page_size", minimum=1) or DEFAULT_PAGE_SIZE
    page_number = _int_query("page_number", minimum=1) or 1
    entries = audit_log.entries_of(access.state(), org.id, since, until, access.now(), filters)
    if not payload.bool_query("export"):
        entries = entries[(page_number - 1) * page_size : page_number * page_size]
    return access.ok(entries)
