#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_workspace_info
short_description: Read a Toggl Track workspace's settings, members, groups, reminders, alerts and rates
version_added: 0.1.0
description:
  - Reads a Toggl Track workspace for audits and access reviews, and changes nothing.
  - O(gather_subset) chooses what is read; each subset sends only its own requests, listed
    with it, so the task costs exactly the subsets you ask for.
  - The workspace itself costs nothing when given by id. A name costs one C(GET /me/workspaces),
    plus one C(GET /me/organizations) when O(organization) is a name too; both draw on the
    user-level quota of 30 requests per hour. Register RV(workspace.id) and pass the id to later tasks.
  - Every member carries a RV(workspace.users[].status) derived the same way as in
    M(trackops.toggl.toggl_organization_info).
author:
  - trackops.toggl contributors (@trackops)
options:
  workspace:
    description:
      - The workspace, by numeric id or by name. A value of digits only is taken as an id.
    type: str
    required: true
  organization:
    description:
      - The organization of the workspace, by numeric id or by name.
      - Needed with a workspace name only when the token sees workspaces of that name in more than one
        organization; without it the name is looked up among all the token's workspaces (the same one
        C(GET /me/workspaces)), and a name in two organizations fails asking for it.
      - With a workspace id it is optional and used only when it is an id, to save the
        C(GET /workspaces/{id}) that V(groups) needs to learn the organization otherwise;
        a name is then not looked up. When both are ids and the workspace is read, they must agree.
    type: str
  gather_subset:
    description:
      - What to read. V(all) reads every subset; a subset prefixed with V(!) is left out
        (V(!all) leaves out every one, so only the identity is returned). With exclusions only,
        every other subset is read. A subset named explicitly is read even if excluded.
      - An unknown subset, or an empty list, fails before any request.
      - V(settings) - the workspace object (name, currency, default hourly rate, rounding, admin-only
        options, plan flags, ...), without its deprecated C(api_token). One C(GET /workspaces/{id});
        none when O(workspace) is a name, because C(/me/workspaces) already returned it.
      - V(users) - every member, direct or through a group, with status, role and rates.
        One C(GET /workspaces/{id}/workspace_users?includeIndirect=true).
      - V(groups) - the organization groups assigned to the workspace, with their members.
        One C(GET /organizations/{organization_id}/workspaces/{id}/groups), plus the
        C(GET /workspaces/{id}) of V(settings) when the workspace is given by id, O(organization)
        is not an id and V(settings) is not gathered.
      - V(reminders) - the tracking reminders. One C(GET /workspaces/{id}/track_reminders).
      - V(alerts) - the alerts. One C(GET /workspaces/{id}/alerts).
      - V(rates) - the workspace-level rate history, billable and labor. Two
        C(GET /workspaces/{id}/rates/workspace/{id}) (C(type=billable_rates), C(type=labor_costs)).
        On a plan without rates (Free) the API refuses the first (HTTP 402) and RV(workspace.rates) is
        V(null), after that one request.
      - V(time_entry_constraints) - which fields a time entry must have.
        One C(GET /workspaces/{id}/time_entry_constraints).
      - V(statistics) - the admins, members count and groups count. One C(GET /workspaces/{id}/statistics).
      - The default, V(settings), costs one request by id, and nothing beyond the name lookups by name.
        V(all) costs 9 requests by id, and 8 plus the name lookups by name (one less on Free, see V(rates)).
    type: list
    elements: str
    default: [settings]
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.info_attributes
seealso:
  - module: trackops.toggl.toggl_organization_info
  - module: trackops.toggl.toggl_workspace
"""

EXAMPLES = r"""
- name: Settings of a workspace (one request)
  trackops.toggl.toggl_workspace_info:
    workspace: 100
  register: hq

- name: Members and their rates, the workspace given by names (2 /me requests + 1)
  trackops.toggl.toggl_workspace_info:
    organization: Acme
    workspace: Acme HQ
    gather_subset: [users]
  register: hq_members

- name: Admins of the workspace
  ansible.builtin.debug:
    msg: "{{ hq_members.workspace.users | selectattr('role', '==', 'admin') | map(attribute='email') | list }}"

- name: The whole policy for a drift report (organization id saves the workspace read for groups)
  trackops.toggl.toggl_workspace_info:
    organization: 10
    workspace: 100
    gather_subset: all
"""

RETURN = r"""
workspace:
  description:
    - The workspace, its identity and a key per gathered subset.
  returned: success
  type: dict
  contains:
    id:
      description: Workspace id.
      type: int
      sample: 100
    name:
      description: Workspace name.
      returned: >-
        when O(workspace) is a name or the workspace object was read
        (V(settings), or V(groups) without an organization id)
      type: str
      sample: Acme HQ
    organization_id:
      description: Id of the organization.
      returned: when O(organization) was given as an id or resolved, or the workspace object was read
      type: int
      sample: 10
    settings:
      description: The workspace as the API describes it, without C(api_token).
      returned: when V(settings) was gathered
      type: dict
      sample: {"id": 100, "name": "Acme HQ", "organization_id": 10, "default_currency": "USD", "rounding": 1,
               "only_admins_may_create_projects": false, "premium": true}
    users:
      description: Every member of the workspace, direct or through a group.
      returned: when V(users) was gathered
      type: list
      elements: dict
      contains:
        user_id:
          description: The person's user id.
          type: int
        workspace_user_id:
          description: Id of the workspace membership (what workspace user updates and rates address).
          type: int
        email:
          description: Email address.
          type: str
        name:
          description: Full name.
          type: str
        status:
          description:
            - V(joined) (an active member), V(invited) (the invitation is pending) or V(inactive)
              (deactivated in the workspace or in the organization).
          type: str
        role:
          description: Workspace role (V(admin), V(user), V(projectlead), V(teamlead)).
          type: str
        role_id:
          description: Workspace role id.
          type: int
        organization_admin:
          description: The person is an organization admin.
          type: bool
        direct:
          description: A direct member; V(false) when the membership comes through a group only.
          type: bool
        group_ids:
          description: Ids of the groups through which the person belongs to the workspace.
          type: list
          elements: int
        rate:
          description: The person's billable rate in the workspace, V(null) when none is set.
          type: float
        labor_cost:
          description: The person's labor cost in the workspace, V(null) when none is set.
          type: float
        working_hours_in_minutes:
          description: Working hours per day in minutes, V(null) when not set.
          type: int
        view_edit_billable_rates:
          description: Granular permission to see and edit billable rates.
          type: bool
        view_edit_labor_costs:
          description: Granular permission to see and edit labor costs.
          type: bool
      sample:
        - {user_id: 2, workspace_user_id: 7001, email: alice@example.com, name: Alice Admin, status: joined,
           role: admin, role_id: 10, organization_admin: true, direct: true, group_ids: [70], rate: 95.0,
           labor_cost: null, working_hours_in_minutes: null, view_edit_billable_rates: false,
           view_edit_labor_costs: false}
    groups:
      description:
        - The groups assigned to the workspace as the API lists them (C(group_id), C(name), C(workspaces), C(users)),
          each member with C(user_id), C(name), C(joined), C(inactive) and C(status) as above.
      returned: when V(groups) was gathered
      type: list
      elements: dict
      sample:
        - {"group_id": 70, "name": "Engineering", "workspaces": [100],
           "users": [{"user_id": 2, "name": "Alice Admin", "joined": true, "inactive": false, "status": "joined"}]}
    reminders:
      description:
        - The tracking reminders as the API lists them (C(reminder_id), C(frequency), C(threshold), C(user_ids),
          C(group_ids), ...).
      returned: when V(reminders) was gathered
      type: list
      elements: dict
      sample: [{"reminder_id": 900, "frequency": 7, "threshold": 30, "user_ids": [2], "group_ids": []}]
    alerts:
      description:
        - The alerts as the API lists them (C(id), C(project_id), C(source_kind), C(threshold_type), C(thresholds),
          receivers).
      returned: when V(alerts) was gathered
      type: list
      elements: dict
      sample:
        - {"id": 950, "project_id": 1000, "source_kind": "project", "threshold_type": "percentage",
           "thresholds": [80, 100], "receiver_roles": ["admin"], "receiver_users": []}
    rates:
      description:
        - The workspace-level rate periods by type, C(billable) and C(labor), as the API lists them (C(id), C(amount),
          C(start), C(end), C(deleted_at), ...); the periods with C(deleted_at) set were replaced.
        - V(null) on a plan without rates (Free).
      returned: when V(rates) was gathered
      type: dict
      sample:
        billable: [{"id": 5, "amount": 95.0, "start": "2026-01-01T00:00:00Z", "end": null, "deleted_at": null}]
        labor: []
    time_entry_constraints:
      description: Which fields a time entry must have, as the API describes them.
      returned: when V(time_entry_constraints) was gathered
      type: dict
      sample: {"time_entry_constraints_enabled": true, "description_present": true, "project_present": true,
               "tag_present": false, "task_present": false}
    statistics:
      description: The workspace's C(admins) (C(user_id), C(name)), C(members_count) and C(groups_count).
      returned: when V(statistics) was gathered
      type: dict
      sample: {"admins": [{"user_id": 1, "name": "Olive Owner"}], "members_count": 4, "groups_count": 1}
gathered_subsets:
  description: The subsets read, after V(all) and exclusions were applied.
  returned: success
  type: list
  elements: str
  sample: [settings, users]
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 2, "total": 2}
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

from ansible_collections.trackops.toggl.plugins.module_utils.info import WorkspaceInfo
from ansible_collections.trackops.toggl.plugins.module_utils.module import TogglModule


def main():
    module = TogglModule(
        argument_spec=dict(
            workspace=dict(type="str", required=True),
            organization=dict(type="str"),
            gather_subset=dict(type="list", elements="str", default=["settings"]),
        ),
    )
    module.run_info(WorkspaceInfo)


if __name__ == "__main__":
    main()
