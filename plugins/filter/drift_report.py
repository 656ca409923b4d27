# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import json
from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import drift_summary, is_list

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


def entry_rows(entry, obj):
    """The differences one diff entry shows."""
    before, after = _side(entry, "before"), _side(entry, "after")
    if not before and after:
        rows = [_row(obj, STATE_FIELD, PRESENT, ABSENT)]
        rows.extend(_row(obj, key, value, None) for key, value in after.items() if value is not None)
        return rows
    if before and not after:
        return [_row(obj, STATE_FIELD, ABSENT, PRESENT)]
    keys = list(before) + [key for key in after if key not in before]
    return [
        _row(obj, key, after.get(key), before.get(key)) for key in keys if not same(before.get(key), after.get(key))
    ]


def drift_report(results):
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
    return {
        "summary": drift_summary(compared, len(drifted), len(differences)),
        "compared": compared,
        "drifted": len(drifted),
        "differences": differences,
    }


class FilterModule:
    def filters(self):
        return {"drift_report": drift_report}
