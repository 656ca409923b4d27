# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import json
import re
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import drift_summary, is_list, plural

DOCUMENTATION = r"""
name: drift_report
short_description: Turn the results of trackops.toggl tasks run in check and diff mode into drift rows
version_added: 0.1.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Reads the registered results of trackops.toggl module tasks that ran in check mode with diff
    (C(--check --diff), or the task keywords C(check_mode) and C(diff)) and lists every difference
    between the desired state and Toggl as a row with the object, the field, the expected
    (desired) value and the actual value.
  - A result whose C(changed) is false has no drift, whatever its diff shows; a changed result
    gives a row for each field whose C(before) and C(after) differ. A list compared as a set
    (such as a group's members) in another order is no difference.
  - An object the task would create gives a row with field V(state), expected V(present) and
    actual V(absent), then a row for each field it would be created with (actual V(null)). An
    object it would delete gives one V(state) row, expected V(absent), actual V(present).
  - A changed result without a diff (a task that ran without diff mode), or whose diff shows no
    difference, gives one row with field V(changed), expected V(false), actual V(true), so a change
    is never lost.
  - The registered result of a loop (with C(results)) is read item by item; skipped results are
    left out; a failed result fails the filter, because an object that could not be compared
    must not be reported as free of drift.
  - "Who changed it: given O(audit_log) (what M(trackops.toggl.toggl_organization_info) returns for
    its V(audit_log) subset), the report also lists, for each drifted object, the audit log entries
    about it (who, when, the action and the changes), in RV(_value.who_changed). An entry is about an
    object when its C(entity_type) is the object's kind and its C(entity_id) is the object's id (the
    C(id) in the object's name), or, for an object named without an id, its C(entity_name) is the
    object's name or e-mail (compared without case); a person (their whole access) by the e-mail of
    their organization and workspace memberships. Track reminders and alerts are matched by id;
    a rate by its type (billable or labor) and workspace, since the audit log names a rate period,
    not the person or project it is for. Objects of other kinds are listed with no entries."
positional: _input
options:
  _input:
    description:
      - Module results, as registered, in a list; or one registered result.
      - Results of bulk forms (whose C(diff) is a list, one entry per object) and of loops are read
        entry by entry.
    type: list
    elements: dict
    required: true
  audit_log:
    description:
      - The audit log to name the changes from - the V(audit_log) subset of
        M(trackops.toggl.toggl_organization_info) (a dict with C(from), C(to), C(available), C(entries)),
        or a list of entries.
      - Left out, the report has no RV(_value.who_changed).
    type: raw
  audit_log_requests:
    description:
      - How many requests reading the audit log cost (the C(api_requests.total) of the task that read it),
        shown in the report. Left out, the report says it was not counted.
    type: int
"""

EXAMPLES = r"""
- name: Compare a workspace's settings with the policy, writing nothing
  trackops.toggl.toggl_workspace:
    organization: 10
    name: Acme HQ
    rounding: 1
    rounding_minutes: 15
  check_mode: true
  diff: true
  register: hq_policy

- name: List the drift
  ansible.builtin.debug:
    msg: "{{ [hq_policy] | trackops.toggl.drift_report }}"
# {"summary": "Drift: 2 differences in 1 of 1 object compared.", "compared": 1, "drifted": 1, "differences": [
#   {"object": "workspace 'Acme HQ' (id 100)", "field": "rounding", "expected": 1, "actual": -1},
#   {"object": "workspace 'Acme HQ' (id 100)", "field": "rounding_minutes", "expected": 15, "actual": 0}]}

- name: Read the audit log (Premium and Enterprise; one request by organization id)
  trackops.toggl.toggl_organization_info:
    organization: 10
    gather_subset: [audit_log]
    audit_log_days: 30
  register: acme_log

- name: The drift, and who changed each drifted object
  ansible.builtin.debug:
    msg: "{{ role_results | trackops.toggl.drift_report(audit_log=acme_log.organization.audit_log,
             audit_log_requests=acme_log.api_requests.total) }}"

- name: Fail a CI job on drift
  ansible.builtin.assert:
    that: (role_results | trackops.toggl.drift_report).differences | length == 0
    fail_msg: "{{ (role_results | trackops.toggl.drift_report).differences }}"
"""

RETURN = r"""
_value:
  description: The drift found.
  type: dict
  contains:
    summary:
      description: One line that says what was found, for the output of a playbook or a report.
      type: str
      sample: "Drift: 2 differences in 1 of 3 objects compared."
    compared:
      description: How many objects the results compared (one per diff entry, and one per changed result without diff).
      type: int
    drifted:
      description: How many of them differ from the desired state.
      type: int
    differences:
      description:
        - One row per difference, in the order of the results.
        - C(object) names the object as the module's diff header does (for example
          V(workspace 'Acme HQ' \(id 100\)) or V(workspace_user bob@example.com in workspace Acme HQ)).
        - C(field) is the option name; C(expected) is the desired value and C(actual) the current
          one, as JSON values (V(null) where there is none).
      type: list
      elements: dict
      sample:
        - {object: "workspace 'Acme HQ' (id 100)", field: rounding, expected: 1, actual: -1}
        - {object: "workspace_user new@example.com in workspace Acme HQ", field: state,
           expected: present, actual: absent}
    who_changed:
      description:
        - The audit log entries about each drifted object, when O(audit_log) was given.
      returned: when O(audit_log) was given
      type: dict
      contains:
        summary:
          description: One line - how many entries name how many drifted objects, and what the lookup cost.
          type: str
          sample: "Who changed it: 1 audit log entry about 1 of 1 drifted object, 2026-02-26T10:16:00Z to
            2026-03-28T10:16:00Z; reading the audit log cost 1 request."
        available:
          description: Whether Toggl served the audit log (false on plans without it, or for non-admins).
          type: bool
        message:
          description: Toggl's refusal, when it did not serve the audit log.
          type: str
        from:
          description: Start of the window read.
          type: str
        to:
          description: End of the window read.
          type: str
        entries_read:
          description: How many entries the window held.
          type: int
        requests:
          description: What reading the audit log cost (O(audit_log_requests)), or null when not given.
          type: int
        objects:
          description:
            - One item per drifted object, in the order of RV(_value.differences) - C(object) and its
              C(entries), newest first, each with C(when), C(who) (name and e-mail), C(user_id), C(action),
              C(entity) (type and id) and C(changes) (C(field), C(old), C(new)), as the audit log gives them.
          type: list
          elements: dict
          sample:
            - object: "workspace 'Acme HQ' (id 100)"
              entries:
                - {when: "2026-03-27T16:02:11Z", who: "Ada Second-Admin <admin2@example.com>", user_id: 90,
                   action: update, entity: "workspace 100", changes: [{field: rounding, old: -1, new: 0}]}
"""

PRESENT = "present"
ABSENT = "absent"
STATE_FIELD = "state"


def _module_results(results):
    """Every module result in ``results``: loops opened, skipped results left out."""
    if results is None:
        return
    if isinstance(results, Mapping):
        results = [results]
    if not is_list(results):
        raise AnsibleFilterError("drift_report expects a list of registered results, got %s" % type(results).__name__)
    for result in results:
        if not isinstance(result, Mapping):
            raise AnsibleFilterError("drift_report expects registered results (dicts), got %r" % (result,))
        if "diff" not in result and is_list(result.get("results")):
            yield from _module_results(result["results"])
            continue
        if result.get("skipped"):
            continue
        if result.get("failed"):
            raise AnsibleFilterError(
                "a result failed, so its objects could not be compared: %s" % result.get("msg", "(no message)")
            )
        yield result


def _diff_entries(result):
    diff = result.get("diff")
    if diff is None:
        return []
    entries = list(diff) if is_list(diff) else [diff]
    for entry in entries:
        if not isinstance(entry, Mapping):
            raise AnsibleFilterError("a result's diff is not a before/after mapping: %r" % (entry,))
    return entries


def _canonical(value):
    return json.dumps(value, sort_keys=True, default=str)


def same(actual, expected):
    """Equal, or the same elements in another order (lists the modules compare as sets)."""
    if actual == expected:
        return True
    if is_list(actual) and is_list(expected) and len(actual) == len(expected):
        return sorted(_canonical(item) for item in actual) == sorted(_canonical(item) for item in expected)
    return False


def _side(entry, key):
    value = entry.get(key)
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    # Text diffs (other modules): the whole content is the field.
    return {"content": value}


def _label(entry, result, position):
    label = entry.get("after_header") or entry.get("before_header")
    if label:
        return str(label)
    item = result.get("item")
    if isinstance(item, Mapping):
        return "item %s" % (item.get("name") or _canonical(item))
    if item is not None:
        return "item %s" % item
    return "result %d" % position


def _row(obj, field, expected, actual):
    return {"object": obj, "field": field, "expected": expected, "actual": actual}


def flattened(side):
    """Nested mappings as dotted fields, so that a row names one setting: a person's
    ``workspaces: {"Acme HQ": {"role": ...}}`` becomes ``workspaces.Acme HQ.role``."""
    flat = {}
    for key, value in (side or {}).items():
        if isinstance(value, Mapping) and value:
            for inner, inner_value in flattened(value).items():
                flat["%s.%s" % (key, inner)] = inner_value
        else:
            flat[key] = value
    return flat


def entry_rows(entry, obj):
    """The differences one diff entry shows, one row per field (nested ones dotted)."""
    before, after = _side(entry, "before"), _side(entry, "after")
    before, after = (flattened(before) if before else before), (flattened(after) if after else after)
    if not before and after:
        rows = [_row(obj, STATE_FIELD, PRESENT, ABSENT)]
        # What it would be created with: empty values (no groups yet) say nothing.
        rows.extend(_row(obj, key, value, None) for key, value in after.items() if value not in (None, [], {}))
        return rows
    if before and not after:
        return [_row(obj, STATE_FIELD, ABSENT, PRESENT)]
    keys = list(before) + [key for key in after if key not in before]
    return [
        _row(obj, key, after.get(key), before.get(key)) for key in keys if not same(before.get(key), after.get(key))
    ]


# -- who changed it: drifted objects matched with audit log entries -------------------------

_QUOTED = r"""(?P<q>['"])(?P<name>.*)(?P=q)"""
# The object names the modules' diff headers use (resource.label in each description).
LABELS = [
    # "workspace 'Acme HQ' (id 100)", "group 'Ops' (id 5)", "organization 'Acme' (id 10)"
    re.compile(r"^(?P<kind>[a-z_]+) %s \(id (?P<id>\d+)\)$" % _QUOTED),
    # "workspace 'Acme New'" (not created yet)
    re.compile(r"^(?P<kind>[a-z_]+) %s$" % _QUOTED),
    # "workspace_user bob@example.com in workspace 100 (id 1010)", "... in workspace Acme HQ"
    re.compile(r"^(?P<kind>workspace_user) (?P<name>\S+) in workspace (?P<workspace>.+?)(?: \(id (?P<id>\d+)\))?$"),
    # "organization_user bob@example.com (id 5001)", "organization_user new@example.com"
    re.compile(r"^(?P<kind>organization_user) (?P<name>\S+)(?: \(id (?P<id>\d+)\))?$"),
    # "person bob@example.com" (a member's whole access: membership and workspaces)
    re.compile(r"^(?P<kind>person) (?P<name>\S+)$"),
    # "track reminder 500", "alert 550", "group 70"
    re.compile(r"^(?P<kind>track reminder|alert|group|workspace|organization) (?P<id>\d+)$"),
    # "billable rate of workspace 100", "labor rate of workspace user (user id 3) in workspace 100"
    re.compile(r"^(?P<rate>billable|labor) rate of .*?workspace (?P<workspace>\S+)$"),
]
KIND_ENTITY_TYPES = {"track reminder": "track_reminder"}
# A person's access is their organization membership and workspace memberships.
PERSON_ENTITY_TYPES = ("organization_user", "workspace_user")


def object_key(label):
    """What identifies a drifted object in the audit log: {entity_type, id, name, workspace, rate}."""
    for pattern in LABELS:
        match = pattern.match(label or "")
        if match:
            found = match.groupdict()
            if found.get("rate"):
                return {"entity_type": "rate", "rate": found["rate"], "workspace": found["workspace"]}
            kind = found.get("kind")
            return {
                "entity_type": KIND_ENTITY_TYPES.get(kind, kind),
                "id": int(found["id"]) if found.get("id") else None,
                "name": found.get("name"),
                "workspace": found.get("workspace"),
            }
    return None


def _text(value):
    return "" if value is None else str(value).strip().lower()


def _workspace_id(reference, workspace_names):
    text = str(reference or "").strip()
    if text.isdigit():
        return int(text)
    return workspace_names.get(text.lower())


def entry_is_about(entry, key, workspace_names):
    if not isinstance(entry, Mapping) or key is None:
        return False
    entity_type = _text(entry.get("entity_type"))
    if key["entity_type"] == "rate":
        workspace = _workspace_id(key["workspace"], workspace_names)
        about_type = key["rate"] in _text(entry.get("entity_name")) or any(
            isinstance(change, Mapping) and key["rate"] in _text(change.get("new") or change.get("old"))
            for change in entry.get("changes") or []
            if isinstance(change, Mapping) and change.get("field") == "type"
        )
        return entity_type == "rate" and about_type and (workspace is None or entry.get("workspace_id") == workspace)
    if key["entity_type"] == "person":
        return entity_type in PERSON_ENTITY_TYPES and _text(entry.get("entity_name")) == _text(key["name"])
    if entity_type != key["entity_type"]:
        return False
    if key.get("id") is not None:
        return str(entry.get("entity_id")) == str(key["id"])
    if not key.get("name") or _text(entry.get("entity_name")) != _text(key["name"]):
        return False
    workspace = _workspace_id(key.get("workspace"), workspace_names) if key.get("workspace") else None
    return workspace is None or entry.get("workspace_id") == workspace


def _who(entry):
    name, email = entry.get("user_name"), entry.get("user_email")
    if name and email:
        return "%s <%s>" % (name, email)
    return name or email or ("user %s" % entry.get("user_id") if entry.get("user_id") is not None else "unknown")


def entry_view(entry):
    return {
        "when": entry.get("created_at") or entry.get("timestamp") or entry.get("at"),
        "who": _who(entry),
        "user_id": entry.get("user_id"),
        "action": entry.get("action"),
        "entity": "%s %s" % (entry.get("entity_type"), entry.get("entity_id")),
        "changes": entry.get("changes") or [],
    }


def _audit_log_parts(audit_log):
    if is_list(audit_log):
        return {"from": None, "to": None, "available": True, "message": None}, list(audit_log)
    if not isinstance(audit_log, Mapping):
        raise AnsibleFilterError(
            "drift_report: audit_log must be the audit_log subset of toggl_organization_info or a list of entries"
        )
    entries = audit_log.get("entries") or []
    if not is_list(entries):
        raise AnsibleFilterError("drift_report: audit_log.entries must be a list")
    window = {
        "from": audit_log.get("from"),
        "to": audit_log.get("to"),
        "available": bool(audit_log.get("available", True)),
        "message": audit_log.get("message"),
    }
    return window, list(entries)


def _entries_text(count):
    return "%d audit log %s" % (count, "entry" if count == 1 else "entries")


def who_changed(drifted_objects, audit_log, requests=None):
    """For each drifted object (labels, in report order), the audit log entries about it."""
    window, entries = _audit_log_parts(audit_log)
    workspace_names = {}
    for label in drifted_objects:
        key = object_key(label)
        if key and key["entity_type"] == "workspace" and key.get("id") is not None and key.get("name"):
            workspace_names[key["name"].lower()] = key["id"]
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("entity_type") == "workspace" and entry.get("entity_name"):
            workspace_names.setdefault(str(entry["entity_name"]).lower(), entry.get("entity_id"))
    objects = []
    for label in drifted_objects:
        key = object_key(label)
        about = [entry_view(entry) for entry in entries if entry_is_about(entry, key, workspace_names)]
        objects.append({"object": label, "entries": about})
    named = sum(1 for item in objects if item["entries"])
    cost = "not counted" if requests is None else plural(requests, "request")
    if not window["available"]:
        summary = "Who changed it: Toggl did not serve the audit log (%s); reading it cost %s." % (
            window["message"] or "refused",
            cost,
        )
    else:
        span = " %s to %s" % (window["from"], window["to"]) if window["from"] or window["to"] else ""
        summary = "Who changed it: %s about %d of %s,%s; reading the audit log cost %s." % (
            _entries_text(sum(len(item["entries"]) for item in objects)),
            named,
            plural(len(objects), "drifted object"),
            span,
            cost,
        )
    return dict(
        window,
        summary=summary,
        entries_read=len(entries),
        requests=requests,
        objects=objects,
    )


def drift_report(results, audit_log=None, audit_log_requests=None):
    differences = []
    compared = 0
    drifted = set()
    for position, result in enumerate(_module_results(results), start=1):
        entries = _diff_entries(result)
        if not entries:
            if result.get("changed"):
                obj = _label({}, result, position)
                compared += 1
                drifted.add(obj)
                differences.append(_row(obj, "changed", False, True))
            continue
        found = []
        for entry in entries:
            compared += 1
            if result.get("changed"):
                obj = _label(entry, result, position)
                rows = entry_rows(entry, obj)
                if rows:
                    drifted.add(obj)
                    found.extend(rows)
        if result.get("changed") and not found:
            # The module would change something its diff does not show: still drift.
            obj = _label(entries[0], result, position)
            drifted.add(obj)
            found.append(_row(obj, "changed", False, True))
        differences.extend(found)
    report = {
        "summary": drift_summary(compared, len(drifted), len(differences)),
        "compared": compared,
        "drifted": len(drifted),
        "differences": differences,
    }
    if audit_log is not None:
        # Drifted objects in the order their rows come.
        ordered = []
        for row in differences:
            if row["object"] not in ordered:
                ordered.append(row["object"])
        report["who_changed"] = who_changed(ordered, audit_log, audit_log_requests)
    return report


class FilterModule:
    def filters(self):
        return {"drift_report": drift_report}
