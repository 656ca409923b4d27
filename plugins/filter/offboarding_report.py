# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

DOCUMENTATION = r"""
name: offboarding_report
short_description: Word a toggl_access result as the offboarding role's per-person report
version_added: 0.2.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Reads the registered result of a M(trackops.toggl.toggl_access) task (its
    RV(trackops.toggl.toggl_access#module:people)) and returns one entry per person saying what was (in check
    mode, would be) done - the report of the C(trackops.toggl.offboarding) role. It only shapes data; the
    module decided everything.
positional: _input
options:
  _input:
    description: The registered result of a M(trackops.toggl.toggl_access) task.
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Deactivate Carol
  trackops.toggl.toggl_access:
    organization: Acme
    people: [{email: carol@example.com, state: inactive}]
  register: offboarded

- name: Say what was done
  ansible.builtin.debug:
    msg: "{{ offboarded | trackops.toggl.offboarding_report }}"
"""

RETURN = r"""
_value:
  description: One entry per person, in the task's order.
  type: list
  elements: dict
  contains:
    email:
      description: The person's e-mail address.
      type: str
    member:
      description: Whether the person was in the organization before the run (false - nothing was done).
      type: bool
    status:
      description: The status before the run - C(joined), C(invited), C(inactive) or C(absent).
      type: str
    groups_removed:
      description: The groups the person was taken out of.
      type: list
      elements: str
    workspaces_deactivated:
      description: The workspaces the person is deactivated in, through the organization.
      type: list
      elements: str
    workspaces_removed:
      description: The workspaces the person was removed from, with the organization.
      type: list
      elements: str
    organization_deactivated:
      description: Whether the person was deactivated in the organization.
      type: bool
    organization_removed:
      description: Whether the person (or their pending invitation) was removed from the organization.
      type: bool
"""


def offboarding_report(result):
    if not isinstance(result, Mapping) or "people" not in result:
        raise AnsibleFilterError("offboarding_report: expects the registered result of a toggl_access task")
    report = []
    for person in result["people"]:
        before = person.get("before") or {}
        action = person.get("action")
        deactivated = action == "deactivated"
        removed = action in ("removed", "invitation withdrawn")
        lost_groups = sorted(set(before.get("groups") or []) - set(person.get("groups") or []))
        report.append(
            {
                "email": person.get("email"),
                "member": bool(before),
                "status": before.get("status") or "absent",
                "groups_removed": sorted(before.get("groups") or []) if removed else lost_groups,
                "workspaces_deactivated": sorted(before.get("workspaces") or {}) if deactivated else [],
                "workspaces_removed": sorted(before.get("workspaces") or {}) if removed else [],
                "organization_deactivated": deactivated,
                "organization_removed": removed,
            }
        )
    return report


class FilterModule:
    def filters(self):
        return {"offboarding_report": offboarding_report}
