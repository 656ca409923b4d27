#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: report_files
short_description: Write report files on the controller, each atomically and readable by their owner only
version_added: 0.2.0
description:
  - Writes each of O(files) into O(dest) (created if missing), as a temporary file renamed into place, with
    O(mode). It runs in the controller's Ansible process (an action plugin), so writing the reports of a large
    organization costs no module run per file.
  - The playbooks of this collection write their reports (drift report, access review) with it.
  - In check mode nothing is written; set C(check_mode=false) on the task for reports that are the run's result.
author:
  - trackops.toggl contributors (@trackops)
options:
  dest:
    description: The directory, on the controller.
    type: path
    required: true
  files:
    description: File names (plain names, no directories) and their text content.
    type: dict
    required: true
  mode:
    description: The files' permissions, in octal.
    type: raw
    default: "0600"
attributes:
  check_mode:
    support: full
    description: Writes nothing in check mode.
  diff_mode:
    support: none
    description: Reports are too large to show as a diff.
  platform:
    support: full
    platforms: posix
    description: Writes on the controller.
"""

EXAMPLES = r"""
- name: Write the reports
  trackops.toggl.report_files:
    dest: reports
    files:
      drift-report.json: "{{ report | to_nice_json }}"
      drift-report.md: "{{ markdown }}"
  check_mode: false
"""

RETURN = r"""
paths:
  description: The files written, in order of their names.
  returned: success, not in check mode
  type: list
  elements: str
  sample: ["/srv/reports/drift-report.json", "/srv/reports/drift-report.md"]
"""

from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dest=dict(type="path", required=True),
            files=dict(type="dict", required=True),
            mode=dict(type="raw", default="0600"),
        ),
        supports_check_mode=True,
    )
    module.fail_json(msg="report_files runs on the controller as an action plugin; this module is its documentation")


if __name__ == "__main__":
    main()
