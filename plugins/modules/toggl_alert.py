#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_alert
short_description: Manage Toggl Track alerts of a workspace
version_added: 0.1.0
description:
  - Ensures an alert ("tell these roles and users when a project reaches these thresholds") exists
    with the given thresholds and receivers, or does not exist.
  - "An alert has no name. It is identified by O(alert_id), or else by the tuple (O(project),
    O(source_kind), O(threshold_type)); an unset O(project) means the alert has none."
  - "Copies: two runs that create the same alert at once leave two. When several alerts have the
    tuple and are copies of each other (the same thresholds and receivers), the task keeps the lowest
    id, deletes the others and returns their ids in RV(removed_duplicates); the diff shows them under
    C(duplicates). Alerts with the tuple that differ cannot be told apart: the task fails and asks for
    O(alert_id)."
  - O(thresholds), O(receiver_roles) and O(receiver_users) are updated with one C(PUT). The Swagger gives
    C(PUT) the body of C(POST) and does not say that a key left out is kept, so the body carries every key
    of it; the ones the task does not change are taken from a re-read of the alerts made right before the
    C(PUT), so what another admin set after the task's first read is not undone. Receiver groups (set in the
    web app) have no key in the Swagger's body; an alert that has some gets them back under the answer's key
    C(receiver_groups). The answer must still show every setting the task left alone, else the task fails
    naming what was lost. With O(alert_id), O(project), O(source_kind) and O(threshold_type) are updated too.
  - "Lost answers: a C(POST) whose answer was lost is followed by re-reads (with backoff) that adopt the
    alert it created; a C(DELETE) answered C(403 Alert not found or not accessible) or C(404) is a success
    once a re-read no longer lists the alert."
  - Every write needs the token's user to be an admin of the workspace (organization admins are; read from
    the C(admin) flag of C(GET /workspaces/{ws})); without it the task fails before any write (in check mode
    too) with C(the token's user is not an admin of workspace ...).
  - One C(GET /workspaces/{ws}/alerts) finds the alert.
  - "Neither the reference pages nor the Swagger list the values O(source_kind), O(threshold_type) and
    O(receiver_roles) accept, so the module does not guess: it passes them through and turns the API's
    documented refusals (C(source kind out of range), C(threshold type out of range),
    C(receiver role out of range), C(thresholds can't be blank), ...) into a failure that names the
    option. Check mode cannot know what the API will refuse."
  - Checked before any request - O(thresholds) is not empty, and O(receiver_roles) plus O(receiver_users)
    are not both empty. Checked before any write - a new alert has thresholds and at least one receiver.
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization of O(workspace), by numeric id or by name.
      - Needed with a workspace name only when the token sees workspaces of that name in more than one
        organization; without it the name is looked up among all the token's workspaces (the same one
        C(GET /me/workspaces)), and a name in two organizations fails asking for it.
      - When receiver users are emails and O(workspace) is an id,
        giving it (as an id) saves the one C(GET /workspaces/{id}) that would find it.
    type: str
  workspace:
    description:
      - The workspace, by numeric id or by name (see O(organization)).
    type: str
    required: true
  alert_id:
    description:
      - Numeric id of an existing alert. It is never created when not found (with O(state=absent), a
        missing alert is simply absent).
    type: int
  project:
    description:
      - The project the alert watches, by id or by name (one read of the workspace's projects named so).
      - A name of digits only (V(4711)) is a name when the workspace has a project of that name, else an id.
      - Without O(alert_id), part of the identity; unset means "no project".
    type: str
  source_kind:
    description:
      - What the alert watches, as the API names it (passed through; the API refuses unknown values with
        C(source kind out of range)).
      - Required without O(alert_id), as part of the identity.
    type: str
  threshold_type:
    description:
      - How O(thresholds) are measured, as the API names it (passed through; the API refuses unknown values
        with C(threshold type out of range)).
      - Required without O(alert_id), as part of the identity.
    type: str
  thresholds:
    description:
      - The thresholds, whole numbers, compared as a set. Required to create an alert; never empty.
    type: list
    elements: int
  receiver_roles:
    description:
      - Workspace roles to notify, as the API names them (passed through; the API refuses unknown
        values with C(receiver role out of range)). Compared as a set; V([]) removes them all.
    type: list
    elements: str
  receiver_users:
    description:
      - Users to notify, by email (case-insensitive; one read of the workspace's users) or user id.
        Compared as a set; V([]) removes them all.
    type: list
    elements: str
  state:
    description:
      - V(present) creates or updates the alert; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  alerts:
    description:
      - The list form, several alerts of O(workspace) in one task. Each entry takes O(alert_id), O(project),
        O(source_kind), O(threshold_type), O(thresholds), O(receiver_roles), O(receiver_users) and O(state);
        the same options at the top level (except O(alert_id)) are the defaults of every entry.
      - The alerts are read once for all entries, and every entry is validated and decided before the
        first write; two entries naming the same alert fail.
      - The result is then RV(alerts), a list in the entries' order.
      - Mutually exclusive with O(alert_id).
    type: list
    elements: dict
    suboptions:
      alert_id:
        description: As O(alert_id).
        type: int
      project:
        description: As O(project).
        type: str
      source_kind:
        description: As O(source_kind).
        type: str
      threshold_type:
        description: As O(threshold_type).
        type: str
      thresholds:
        description: As O(thresholds).
        type: list
        elements: int
      receiver_roles:
        description: As O(receiver_roles).
        type: list
        elements: str
      receiver_users:
        description: As O(receiver_users).
        type: list
        elements: str
      state:
        description: As O(state) (default the top-level O(state)).
        type: str
        choices: [present, absent]
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
notes:
  - "Requests: a converged run sends one C(GET) of the alerts (plus C(GET /me/organizations) and
    C(GET /me/workspaces) when the workspace is a name, the projects named for a project name, the
    workspace's users for emails); a change adds C(GET /me/organizations) for the right (and
    C(GET /workspaces/{id}) for the organization when O(organization) is not given), and one C(POST) or
    C(DELETE) per alert, or a re-read of the alerts and one C(PUT); each copy removed is one C(DELETE)."
  - The diff shows the identity and the settings the task sets (receiver users as ids); a deletion shows
    the whole alert.
seealso:
  - module: trackops.toggl.toggl_track_reminder
"""

EXAMPLES = r"""
- name: Tell admins and the project lead when Website reaches 80 % and 100 % of its estimate
  trackops.toggl.toggl_alert:
    organization: Acme
    workspace: Delivery
    project: Website
    source_kind: project
    threshold_type: percentage
    thresholds: [80, 100]
    receiver_roles: [admin]
    receiver_users: [lead@example.com]

- name: Remove it
  trackops.toggl.toggl_alert:
    organization: Acme
    workspace: Delivery
    project: Website
    source_kind: project
    threshold_type: percentage
    state: absent

- name: Alerts as data
  trackops.toggl.toggl_alert:
    workspace: 100
    source_kind: project
    threshold_type: percentage
    receiver_roles: [admin]
    alerts:
      - {project: 1000, thresholds: [80, 100]}
      - {project: 1001, thresholds: [90]}
"""

RETURN = r"""
alert:
  description:
    - The alert as the API describes it; null when it is absent.
    - In check mode, the predicted alert; a new one has C(id=null).
  returned: success, without O(alerts)
  type: dict
  contains:
    id:
      description: Alert id.
      type: int
      sample: 4711
    project_id:
      description: Id of the project, or null.
      type: int
      sample: 1000
    source_kind:
      description: What the alert watches.
      type: str
      sample: project
    threshold_type:
      description: How the thresholds are measured.
      type: str
      sample: percentage
    thresholds:
      description: The thresholds.
      type: list
      elements: int
      sample: [80, 100]
    receiver_roles:
      description: Roles notified.
      type: list
      elements: str
      sample: [admin]
    receiver_users:
      description: Ids of the users notified.
      type: list
      elements: int
      sample: [3]
  sample: {"id": 4711, "wid": 100, "project_id": 1000, "project_name": "Website", "source_kind": "project",
           "threshold_type": "percentage", "thresholds": [80, 100], "receiver_roles": ["admin"],
           "receiver_users": [3], "receiver_groups": []}
alerts:
  description: With O(alerts), the RV(alert) of each entry, in the entries' order.
  returned: success, with O(alerts)
  type: list
  elements: dict
  sample: [{"id": 4711, "project_id": 1000, "thresholds": [80, 100]}]
removed_duplicates:
  description:
    - The ids of the copies of the alerts the task deleted (in check mode, would delete), see the description.
  returned: success
  type: list
  elements: int
  sample: [4712]
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 1, "total": 1}
quota_remaining:
  description: Requests left in the current hourly quota window (header C(X-Toggl-Quota-Remaining)).
  returned: when the API sent the header
  type: int
  sample: 238
quota_waited:
  description: Seconds the module waited for the hourly API quota to reset, at most O(quota_wait); one warning per wait.
  returned: when the module waited
  type: int
  sample: 57
"""

from ansible_collections.trackops.toggl.plugins.module_utils.module import TogglModule
from ansible_collections.trackops.toggl.plugins.module_utils.resources.alert import Alert, reporting_removed_duplicates

ALERT_OPTIONS = dict(
    Alert.argument_spec(),
    alert_id=dict(type="int"),
    state=dict(type="str", choices=["present", "absent"]),
)


def main():
    spec = dict(organization=dict(type="str"), workspace=dict(type="str", required=True), **ALERT_OPTIONS)
    spec["state"] = dict(type="str", choices=["present", "absent"], default="present")
    spec["alerts"] = dict(type="list", elements="dict", options=ALERT_OPTIONS)
    module = TogglModule(argument_spec=spec, mutually_exclusive=[("alerts", "alert_id")])
    description = reporting_removed_duplicates(module, Alert)
    if module.params["alerts"] is None:
        module.run(description)
    else:
        module.run_many(description, module.entries("alerts", ALERT_OPTIONS))


if __name__ == "__main__":
    main()
