#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_track_reminder
short_description: Manage Toggl Track tracking reminders of a workspace
version_added: 0.1.0
description:
  - Ensures a tracking reminder ("remind these users and groups when they tracked less than
    O(threshold) hours in a day or a week") exists with the given settings, or does not exist.
  - "A reminder has no name. It is identified by O(reminder_id), or else by its recipient set:
    O(users) plus O(groups), compared as sets (order and repetitions do not matter; an unset
    O(users) or O(groups) is the empty set)."
  - "Copies: two runs that create the same reminder at once leave two. When several reminders have the
    recipient set and are copies of each other (the same frequency, threshold and flags), the task keeps
    the lowest id, deletes the others and returns their ids in RV(removed_duplicates); the diff shows them
    under C(duplicates). Reminders with the recipient set that differ (say a daily and a weekly one) cannot
    be told apart: the task fails and asks for O(reminder_id)."
  - O(frequency), O(threshold), O(email_reminder_enabled) and O(slack_reminder_enabled) are updated in
    place with one C(PUT). With O(reminder_id), O(users) and O(groups) are updated too.
  - One C(GET /workspaces/{ws}/track_reminders) finds the reminder. A C(PUT) carries only the keys that
    differ (every key of the Swagger's C(reminders.Payload) is optional), so what another admin set in any
    other key is kept.
  - "Lost answers: a C(POST) whose answer was lost is followed by re-reads (with backoff) that adopt the
    reminder it created; a C(DELETE) answered C(403) or C(404) is a success once a re-read no longer lists
    the reminder."
  - Every write needs the token's user to be an admin of the workspace (organization admins are; read from
    the C(admin) flag of C(GET /workspaces/{ws})); without it the task fails before any write (in check mode
    too) with C(the token's user is not an admin of workspace ...).
  - O(email_reminder_enabled) and O(slack_reminder_enabled) are not on the reference pages; the official
    Swagger documents them on the reminder and on both payloads.
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization of O(workspace), by numeric id or by name.
      - Needed with a workspace name only when the token sees workspaces of that name in more than one
        organization; without it the name is looked up among all the token's workspaces (the same one
        C(GET /me/workspaces)), and a name in two organizations fails asking for it.
      - When users are emails or groups names and O(workspace) is an id, giving it (as an id) saves the one
        C(GET /workspaces/{id}) that would find it.
    type: str
  workspace:
    description:
      - The workspace, by numeric id or by name (see O(organization)).
    type: str
    required: true
  reminder_id:
    description:
      - Numeric id of an existing reminder. It is never created when not found (with O(state=absent), a
        missing reminder is simply absent).
      - Then O(users) and O(groups), when given, are the recipients to set.
    type: int
  users:
    description:
      - Users to remind, by email (case-insensitive) or user id. Emails cost one read of the workspace's users.
      - Without O(reminder_id), part of the recipient set that identifies the reminder.
    type: list
    elements: str
  groups:
    description:
      - Groups to remind, by name or id. Names cost one read of the organization's groups.
      - A name of digits only (V(2026)) is a name when the organization has a group of that name, else an
        id (that check also costs the read of the groups).
      - Without O(reminder_id), part of the recipient set that identifies the reminder.
    type: list
    elements: str
  frequency:
    description:
      - Remind after a day (V(1)) or a week (V(7)) with too little time tracked.
      - Required to create a reminder.
    type: int
    choices: [1, 7]
  threshold:
    description:
      - The number of hours under which the reminder is sent, greater than 0. The API returns it as a
        whole number of hours.
      - Required to create a reminder.
    type: int
  email_reminder_enabled:
    description:
      - Send the reminder by e-mail. Left unset, the API's default applies on create and the current
        value stays on update.
    type: bool
  slack_reminder_enabled:
    description:
      - Send the reminder through Slack. Left unset, the API's default applies on create and the current
        value stays on update.
    type: bool
  state:
    description:
      - V(present) creates or updates the reminder; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  reminders:
    description:
      - The list form, several reminders of O(workspace) in one task. Each entry takes O(reminder_id),
        O(users), O(groups), O(frequency), O(threshold), O(email_reminder_enabled), O(slack_reminder_enabled)
        and O(state); O(frequency), O(threshold), the two flags and O(state) at the top level are the
        defaults of every entry.
      - The reminders are read once for all entries, and every entry is validated and decided before the
        first write; two entries naming the same reminder fail.
      - The result is then RV(track_reminders), a list in the entries' order.
      - Mutually exclusive with O(reminder_id), O(users) and O(groups).
    type: list
    elements: dict
    suboptions:
      reminder_id:
        description: As O(reminder_id).
        type: int
      users:
        description: As O(users).
        type: list
        elements: str
      groups:
        description: As O(groups).
        type: list
        elements: str
      frequency:
        description: As O(frequency).
        type: int
        choices: [1, 7]
      threshold:
        description: As O(threshold).
        type: int
      email_reminder_enabled:
        description: As O(email_reminder_enabled).
        type: bool
      slack_reminder_enabled:
        description: As O(slack_reminder_enabled).
        type: bool
      state:
        description: As O(state) (default the top-level O(state)).
        type: str
        choices: [present, absent]
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
notes:
  - "Requests: a converged run sends one C(GET) of the reminders (plus C(GET /me/organizations) and
    C(GET /me/workspaces) when the workspace is a name, the workspace's users for emails, the groups for
    group names); a change adds C(GET /me/organizations) for the right (and C(GET /workspaces/{id}) for
    the organization when O(organization) is not given) and one C(POST), C(PUT) or C(DELETE) per reminder;
    each copy removed is one C(DELETE)."
  - The diff shows the recipients (as ids) and the settings the task sets; a deletion shows the whole reminder.
seealso:
  - module: trackops.toggl.toggl_alert
"""

EXAMPLES = r"""
- name: Remind engineering daily when they tracked less than 6 hours
  trackops.toggl.toggl_track_reminder:
    organization: Acme
    workspace: Delivery
    groups: [Engineering]
    frequency: 1
    threshold: 6
    email_reminder_enabled: true

- name: A weekly reminder for two people, by id
  trackops.toggl.toggl_track_reminder:
    workspace: 100
    users: [3, 4]
    frequency: 7
    threshold: 30
  register: weekly

- name: Add a group to that reminder
  trackops.toggl.toggl_track_reminder:
    organization: 10
    workspace: 100
    reminder_id: "{{ weekly.track_reminder.reminder_id }}"
    users: [3, 4]
    groups: [Contractors]

- name: The workspace's reminders as data
  trackops.toggl.toggl_track_reminder:
    organization: 10
    workspace: 100
    frequency: 1
    reminders:
      - {groups: [Engineering], threshold: 6}
      - {users: [carol@example.com], threshold: 4, slack_reminder_enabled: true}
      - {users: [dan@example.com], state: absent}
"""

RETURN = r"""
track_reminder:
  description:
    - The reminder as the API describes it; null when it is absent.
    - In check mode, the predicted reminder; a new one has C(reminder_id=null).
  returned: success, without O(reminders)
  type: dict
  contains:
    reminder_id:
      description: Reminder id.
      type: int
      sample: 4711
    user_ids:
      description: Ids of the users it reminds.
      type: list
      elements: int
      sample: [3, 4]
    group_ids:
      description: Ids of the groups it reminds.
      type: list
      elements: int
      sample: [200]
    frequency:
      description: 1 (daily) or 7 (weekly).
      type: int
      sample: 1
    threshold:
      description: Hours.
      type: int
      sample: 6
  sample: {"reminder_id": 4711, "workspace_id": 100, "user_ids": [3, 4], "group_ids": [200], "frequency": 1,
           "threshold": 6, "email_reminder_enabled": true, "slack_reminder_enabled": false,
           "created_at": "2026-03-01T09:00:00Z"}
track_reminders:
  description: With O(reminders), the RV(track_reminder) of each entry, in the entries' order.
  returned: success, with O(reminders)
  type: list
  elements: dict
  sample: [{"reminder_id": 4711, "user_ids": [], "group_ids": [200], "frequency": 1, "threshold": 6}]
removed_duplicates:
  description:
    - The ids of the copies of the reminders the task deleted (in check mode, would delete), see the
      description.
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.alert import reporting_removed_duplicates
from ansible_collections.trackops.toggl.plugins.module_utils.resources.track_reminder import TrackReminder

REMINDER_OPTIONS = dict(
    TrackReminder.argument_spec(),
    reminder_id=dict(type="int"),
    state=dict(type="str", choices=["present", "absent"]),
)


def main():
    spec = dict(organization=dict(type="str"), workspace=dict(type="str", required=True), **REMINDER_OPTIONS)
    spec["state"] = dict(type="str", choices=["present", "absent"], default="present")
    spec["reminders"] = dict(type="list", elements="dict", options=REMINDER_OPTIONS)
    module = TogglModule(
        argument_spec=spec,
        mutually_exclusive=[("reminders", "reminder_id"), ("reminders", "users"), ("reminders", "groups")],
    )
    description = reporting_removed_duplicates(module, TrackReminder)
    if module.params["reminders"] is None:
        module.run(description)
    else:
        module.run_many(description, module.entries("reminders", REMINDER_OPTIONS))


if __name__ == "__main__":
    main()
