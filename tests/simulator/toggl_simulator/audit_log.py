"""The organization audit log: one entry per object that a served write created, changed or
deleted, as GET /audit_logs/{organization_id}/{from}/{to} lists them (api/audit_logs.py).

Sources. The 2026 Swagger documents the endpoint, its query names (workspace_id, entity_type,
entity_id, action, user_id: so an entry names a workspace, an entity by type and id, an action
and the user who acted) and its answer, an array whose items it leaves untyped (`items: {}`).
Toggl's support article "Audit Log" (support.toggl.com) adds what the log is for: "when a
particular piece of data changed, which team member did the modification and check what the
exact changes were", both the old and the new values, kept 1 year. The shape of an entry is
therefore the simulator's own choice, named after the Swagger's query parameters:

    {"id", "organization_id", "workspace_id", "entity_type", "entity_id", "entity_name",
     "action": "create" | "update" | "delete", "user_id", "user_name", "user_email",
     "created_at": RFC 3339, "changes": [{"field", "old", "new"}]}

How entries are made: the request hooks (middleware.py) take a fingerprint of the state
before a write (any API request but GET/HEAD, Track or Focus) and, when it answered 2xx,
compare it with the state after it. Every object that appeared, disappeared or has other field
values gets one entry, by the caller (the token's user), at the simulator clock. A write that
changed nothing (the same values sent again) leaves no entry. So an entry exists exactly for
what the API's documented GETs would show as changed, whichever endpoint made the change, and
one request that touches several objects (an invitation: the membership and its workspace
users) leaves one entry for each.

Field names are the state's, which are the API's names for the object (a workspace's settings
flattened: `rounding`, `default_currency`, ...; its time entry constraints as
`time_entry_constraints.<name>`); timestamps the write itself moves (`at`, `updated_at`) are
not changes. A membership (organization_user, workspace_user, project_user) is named by the
member's e-mail, an invitation by its e-mail, a rate period as "<type> of <level> <level_id>".
"""

from datetime import datetime, timedelta

from .clock import isoformat
from .state import State, User

# State collection -> the entity_type an entry names (the API's singular object names).
ENTITY_TYPES = (
    ("organizations", "organization"),
    ("organization_users", "organization_user"),
    ("invitations", "invitation"),
    ("workspaces", "workspace"),
    ("workspace_users", "workspace_user"),
    ("groups", "group"),
    ("projects", "project"),
    ("tasks", "task"),
    ("project_users", "project_user"),
    ("project_groups", "project_group"),
    ("rates", "rate"),
    ("track_reminders", "track_reminder"),
    ("alerts", "alert"),
)
ACTIONS = ("create", "update", "delete")
# Moved by every write, or the key itself: not a change of the object.
NOT_CHANGES = frozenset({"id", "at", "updated_at"})
# Nested settings shown as fields of their own: (attribute, prefix of its keys).
FLATTENED = {"settings": "", "te_constraints": "time_entry_constraints."}
MEMBERSHIPS = frozenset({"organization_user", "workspace_user", "project_user"})
# Support article: "Audit Log data is stored for 1 year".
RETENTION = timedelta(days=365)


def _plain(value):
    if isinstance(value, datetime):
        return isoformat(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(item) for item in value]
    return value


def _fields(obj) -> dict:
    fields = {}
    for key, value in vars(obj).items():
        if key in NOT_CHANGES:
            continue
        if key in FLATTENED and isinstance(value, dict):
            for name, item in value.items():
                fields[FLATTENED[key] + name] = _plain(item)
        else:
            fields[key] = _plain(value)
    return fields


def fingerprint(state: State) -> dict:
    """Every audited object's field values, as plain data that later writes cannot change."""
    return {
        collection: {entity_id: _fields(obj) for entity_id, obj in getattr(state, collection).items()}
        for collection, _entity_type in ENTITY_TYPES
    }


def record(state: State, before: dict, user: User, now: datetime) -> list[dict]:
    """Appends to state.audit_logs an entry per object the write changed; returns them."""
    after = fingerprint(state)
    workspace_orgs = {}
    for snapshot in (before, after):
        for ws_id, fields in snapshot["workspaces"].items():
            workspace_orgs[ws_id] = fields.get("organization_id")
    entries = []
    for collection, entity_type in ENTITY_TYPES:
        old, new = before[collection], after[collection]
        for entity_id in sorted(set(old) | set(new)):
            was, now_is = old.get(entity_id), new.get(entity_id)
            if was == now_is:
                continue
            if was is None:
                action, changes = "create", [_change(key, None, value) for key, value in now_is.items()]
            elif now_is is None:
                action, changes = "delete", [_change(key, value, None) for key, value in was.items()]
            else:
                action = "update"
                keys = list(was) + [key for key in now_is if key not in was]
                changes = [
                    _change(key, was.get(key), now_is.get(key)) for key in keys if was.get(key) != now_is.get(key)
                ]
            fields = now_is if now_is is not None else was
            entry = _entry(state, entity_type, entity_id, fields, action, changes, user, now, workspace_orgs)
            entry["id"] = len(state.audit_logs) + len(entries) + 1
            entries.append(entry)
    state.audit_logs.extend(entries)
    return entries


def _change(field: str, old, new) -> dict:
    return {"field": field, "old": old, "new": new}


def _entry(state, entity_type, entity_id, fields, action, changes, user, now, workspace_orgs) -> dict:
    if entity_type == "workspace":
        workspace_id = entity_id
    else:
        workspace_id = fields.get("workspace_id")
    if entity_type == "organization":
        organization_id = entity_id
    elif "organization_id" in fields:
        organization_id = fields["organization_id"]
    else:
        organization_id = workspace_orgs.get(workspace_id)
    return {
        "id": None,  # numbered by record()
        "organization_id": organization_id,
        "workspace_id": workspace_id,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "entity_name": _entity_name(state, entity_type, fields),
        "action": action,
        "user_id": user.id,
        "user_name": user.fullname,
        "user_email": user.email,
        "created_at": isoformat(now),
        "changes": changes,
    }


def _entity_name(state: State, entity_type: str, fields: dict) -> str | None:
    if entity_type in MEMBERSHIPS:
        member = state.users.get(fields.get("user_id"))
        return member.email if member else None
    if entity_type == "invitation":
        return fields.get("email")
    if entity_type == "rate":
        return "%s of %s %s" % (fields.get("type"), fields.get("level"), fields.get("level_id"))
    return fields.get("name")


def entries_of(
    state: State, organization_id: int, start: datetime, end: datetime, now: datetime, filters: dict
) -> list[dict]:
    """The organization's entries from `start` to `end` (both included), newest first,
    within the retention, matching every given filter (name: value, the Swagger's query)."""
    oldest = now - RETENTION
    start_text, end_text, oldest_text = isoformat(max(start, oldest)), isoformat(end), isoformat(oldest)
    found = []
    for entry in state.audit_logs:
        if entry["organization_id"] != organization_id:
            continue
        if not (start_text <= entry["created_at"] <= end_text) or entry["created_at"] < oldest_text:
            continue
        if any(entry.get(name) != value for name, value in filters.items()):
            continue
        found.append(entry)
    return sorted(found, key=lambda entry: (entry["created_at"], entry["id"]), reverse=True)
