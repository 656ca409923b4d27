#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_workspace_user
short_description: Add organization members to a Toggl Track workspace, set their role and rates, or remove them
version_added: 0.1.0
description:
  - Ensures a member of a Toggl Track organization is a direct member of one of its workspaces (O(state=present))
    with the given role and settings, or is not (O(state=absent)).
  - People are found by email (compared case-insensitively) or numeric user id in the workspace's user list,
    read once per task whatever the number of people the task names.
  - Toggl also lists people who reach the workspace only through a group (C(is_direct=false)). This module manages
    the direct membership; a group-only member named with O(state=present) becomes a direct member, and one named
    with O(state=absent) is left in place with a warning (their access comes from the group, see
    M(trackops.toggl.toggl_group)).
  - Only users of the organization (pending invitations included) can be added; anyone else fails the task,
    naming them, before anything is written. Invite them with M(trackops.toggl.toggl_organization_user).
    Looking them up costs one read of the organization's user list (one request per 200 users), and only when
    someone is to be added.
  - People are added the 2026 API's way, one C(PUT /organizations/{id}/users/{id}) with C(workspaces) per person.
    That write replaces the person's direct workspace memberships, so the organization's user list is read again
    right before (once for the task) and each write carries the person's direct memberships that read shows
    plus this workspace, nothing else of them; a read after the writes checks that none was lost (one lost is
    written again once). The older C(PUT .../workspaces/{id}/assignments) (one request for everyone) is used only
    when the API answers that the first way does not exist (404/405). The answer carries no workspace user ids,
    so settings for newly added people cost one more read of the workspace's users for the whole task, then one
    request per person.
  - After its writes a task reads the workspace's users again, repeatedly for up to about 6 seconds while the API
    does not show them yet (the live API shows a change only after a moment), so a rerun right after changes
    nothing.
  - Every write needs the organization admin right. With a token whose user is not an admin the task fails before
    any write, in check mode too, with "the token's user is not an admin of organization NAME (ID) (needed to ...)".
  - Settings of existing members are set with one request per person who differs. Only the options you set are
    compared.
  - O(state=absent) (and O(exclusive)) remove people from the workspace in one request.
  - The organization owner and the user the API token belongs to are never removed or deactivated. A direct
    request fails before anything is written; an O(exclusive) list keeps them with a warning. Recognising them
    costs one read of the organization's user list and one C(GET /me), sent only when a removal or deactivation
    is planned.
  - Rates, labor costs and working hours need a paid plan. On a Free organization they fail with nothing written.
    When the task's first write is such a setting, the API refuses it (HTTP 402) and no read is spent on the plan;
    when another write would come first (an addition, a role change), the plan is read before any write with one
    C(GET /organizations/{id}), unless the task read it already (it reads C(/me/organizations) for the admin right
    whenever it writes, and takes the plan from there).
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization of the workspace, by numeric id or by name. A value of digits only is taken as an id.
      - A name costs one C(GET /me/organizations) (user-level quota of 30 requests per hour).
    type: str
    required: true
  workspace:
    description:
      - The workspace, by name or numeric id. A name costs one C(GET /me/workspaces) (user-level quota).
      - Or the registered result of the task that manages it. In check mode, one that task would create is
        predicted against as a workspace without members yet.
    type: raw
    required: true
  user:
    description:
      - The person, by email or numeric user id. Required unless O(users) is given.
    type: str
  users:
    description:
      - Bulk form, instead of O(user). Each entry names one person in C(user) and may set any per-person option;
        an option set at the top level is the default for every entry.
      - A person may appear only once, however the entries name them. The same email twice fails before any
        request, and one person given once by email and once by user id fails once the member list is read,
        before any write (in check mode too).
    type: list
    elements: dict
    suboptions:
      user:
        description: The person, by email or numeric user id.
        type: str
        required: true
      state:
        description: As the top-level O(state).
        type: str
        choices: [present, absent]
      role:
        description: As the top-level O(role).
        type: str
        choices: [admin, user, projectlead, teamlead]
      role_id:
        description: As the top-level O(role_id).
        type: int
      inactive:
        description: As the top-level O(inactive).
        type: bool
      rate:
        description: As the top-level O(rate).
        type: float
      rate_change_mode:
        description: As the top-level O(rate_change_mode).
        type: str
        choices: [start-today, override-current, override-all]
      labor_cost:
        description: As the top-level O(labor_cost).
        aliases: [labour_cost]
        type: float
      labor_cost_change_mode:
        description: As the top-level O(labor_cost_change_mode).
        aliases: [labour_cost_change_mode]
        type: str
        choices: [start-today, override-current, override-all]
      working_hours_in_minutes:
        description: As the top-level O(working_hours_in_minutes).
        type: int
      view_edit_billable_rates:
        description: As the top-level O(view_edit_billable_rates).
        type: bool
      view_edit_labor_costs:
        description: As the top-level O(view_edit_labor_costs).
        type: bool
  exclusive:
    description:
      - With O(users), remove every direct member of the workspace the list does not name, except the
        organization owner and the token's user (kept, with a warning). Group-only members are not touched.
      - An empty O(users) with O(exclusive=true) fails before any request (it would remove every direct member;
        an empty variable is the likelier cause). Remove people with O(state=absent) instead.
    type: bool
    default: false
  state:
    description:
      - V(present) makes the person a direct member of the workspace; V(absent) removes their direct membership.
    type: str
    choices: [present, absent]
    default: present
  role:
    description:
      - The person's role in the workspace. Mutually exclusive with O(role_id).
      - People are added with the role C(user); another role costs one more request for them.
    type: str
    choices: [admin, user, projectlead, teamlead]
  role_id:
    description:
      - The role by its numeric id (see the organization's roles). Mutually exclusive with O(role).
    type: int
  inactive:
    description:
      - V(true) deactivates the person in this workspace, V(false) reactivates them.
    type: bool
  rate:
    description:
      - The person's billable hourly rate in this workspace. Paid plans only.
    type: float
  rate_change_mode:
    description:
      - How a change of O(rate) applies to existing time entries. Sent only with such a change;
        the API does not return it, so it alone never causes a change.
    type: str
    choices: [start-today, override-current, override-all]
  labor_cost:
    description:
      - The person's hourly labor cost in this workspace. Paid plans only.
    aliases: [labour_cost]
    type: float
  labor_cost_change_mode:
    description:
      - How a change of O(labor_cost) applies to existing time entries. Sent only with such a change.
    aliases: [labour_cost_change_mode]
    type: str
    choices: [start-today, override-current, override-all]
  working_hours_in_minutes:
    description:
      - The person's daily working hours, in minutes. Paid plans only.
    type: int
  view_edit_billable_rates:
    description:
      - Whether the person may see and edit billable rates (for roles with conditional rate permissions).
    type: bool
  view_edit_labor_costs:
    description:
      - Whether the person may see and edit labor costs (for roles with conditional rate permissions).
    type: bool
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
seealso:
  - module: trackops.toggl.toggl_organization_user
  - module: trackops.toggl.toggl_group
"""

EXAMPLES = r"""
- name: Make an organization member a project lead with a billable rate in Delivery
  trackops.toggl.toggl_workspace_user:
    organization: Acme
    workspace: Delivery
    user: dana@example.com
    role: projectlead
    rate: 95
    rate_change_mode: start-today

- name: Exactly these people are direct members of workspace 100 (the owner and the token's user are kept)
  trackops.toggl.toggl_workspace_user:
    organization: 10
    workspace: 100
    exclusive: true
    role: user
    users:
      - user: dana@example.com
        role: admin
      - user: erin@example.com
      - user: frank@example.com
        working_hours_in_minutes: 360

- name: Remove someone from a workspace
  trackops.toggl.toggl_workspace_user:
    organization: 10
    workspace: 100
    user: mallory@example.com
    state: absent
"""

RETURN = r"""
workspace_user:
  description:
    - The workspace user as the workspace's user list shows it; null when absent.
    - Right after an assignment without settings, C(id) (the workspace user id) is null until the next read.
    - In check mode, the predicted object.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Workspace user id.
      type: int
      sample: 3001
    user_id:
      description: The person's user id.
      type: int
      sample: 42
    email:
      description: Email address.
      type: str
      sample: dana@example.com
    role:
      description: Role in the workspace.
      type: str
      sample: projectlead
    is_direct:
      description: Whether the person is a direct member (false when only through a group).
      type: bool
      sample: true
    group_ids:
      description: Groups through which the person also reaches the workspace.
      type: list
      elements: int
      sample: [7]
    rate:
      description: Billable hourly rate.
      type: float
      sample: 95.0
  sample: {"id": 3001, "user_id": 42, "email": "dana@example.com", "role": "projectlead", "is_direct": true,
           "group_ids": [], "inactive": false, "rate": 95.0, "labor_cost": null}
workspace_users:
  description:
    - Bulk form, the people of O(users) in order, then those O(exclusive) removed (null) or kept (the owner,
      the token's user), each as RV(workspace_user).
  returned: success, bulk form
  type: list
  elements: dict
  sample: [{"id": 3001, "user_id": 42, "email": "dana@example.com", "role": "admin", "is_direct": true}]
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 2, "PUT": 1, "total": 3}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.workspace_user import WorkspaceUser

ENTRY = dict(
    WorkspaceUser.argument_spec(),
    user=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"]),
)


def main():
    module = TogglModule(
        argument_spec=dict(
            WorkspaceUser.argument_spec(),
            organization=dict(type="str", required=True),
            workspace=dict(type="raw", required=True),
            user=dict(type="str"),
            users=dict(type="list", elements="dict", options=ENTRY),
            exclusive=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        mutually_exclusive=[("user", "users"), ("role", "role_id")],
        required_one_of=[("user", "users")],
        required_if=[("exclusive", True, ("users",))],
    )
    if module.params["users"] is None:
        module.run(WorkspaceUser)
    else:
        module.run_many(WorkspaceUser, module.entries("users", ENTRY), extra=WorkspaceUser.bulk_extras(module.params))


if __name__ == "__main__":
    main()
