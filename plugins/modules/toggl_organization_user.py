#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_organization_user
short_description: Invite people to a Toggl Track organization, set their admin flag, deactivate or remove them
version_added: 0.1.0
description:
  - Ensures a person is a user of a Toggl Track organization (O(state=present)) with the given organization
    settings, or is not (O(state=absent)).
  - People are found by email (compared case-insensitively) or numeric user id in the organization's user list,
    pending invitations included. The list is read once per task, page by page (one request per 200 users),
    whatever the number of people the task names.
  - Someone who is not a member is invited by email into O(workspaces) and O(groups). A pending invitation
    counts as present and is not sent again on the next run, unless O(resend_invitation=true).
  - Invitations alike (same workspaces, roles, groups and O(skip_email)) go in one request. The invitation
    answer carries no organization user id, so O(admin), O(inactive) or O(labour_cost) asked for on invite
    cost one more read of the user list for the whole task, then one request per person.
  - O(admin), O(inactive) and, for members, O(groups) are set with one request per person who differs
    (C(PUT /organizations/{id}/users/{id}), whose admin flag the 2026 API names C(organization_admin)).
    O(labour_cost) is set as the labor cost in each of the person's workspaces whose cost differs, one request
    each, as the 2026 API's organization user payload has no labour cost. Only the options you set are compared.
  - After its writes a task reads the user list again, repeatedly for up to about 6 seconds while the API does not
    show them yet (the live API shows a change only after a moment), so a rerun right after changes nothing.
  - An invitation whose answer was lost, or one refused because another run invited the person meanwhile, is looked
    up and adopted, so there is one invitation per person.
  - Every write needs the organization admin right. With a token whose user is not an admin the task fails before
    any write, in check mode too, with "the token's user is not an admin of organization NAME (ID) (needed to ...)".
  - O(state=absent) removes people from the organization (and so from its workspaces and groups), everyone
    the task removes in one request.
  - The organization owner and the user the API token belongs to are never removed or deactivated;
    asking for it fails before anything is written. Checking for the token's user costs one C(GET /me),
    sent only when a removal or deactivation is planned.
  - Bulk form O(users) reconciles many people in one task; every entry is checked and decided before the
    first write, so a bad entry fails the task with nothing written.
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization, by numeric id or by name. A value of digits only is taken as an id.
      - A name costs one C(GET /me/organizations) (user-level quota of 30 requests per hour).
    type: str
    required: true
  user:
    description:
      - The person, by email or by numeric user id. Emails are compared case-insensitively.
      - Only an email can be invited; a user id that is not in the organization fails with O(state=present).
      - Required unless O(users) is given.
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
        description: The person, by email or by numeric user id.
        type: str
        required: true
      state:
        description: As the top-level O(state).
        type: str
        choices: [present, absent]
      admin:
        description: As the top-level O(admin).
        type: bool
      inactive:
        description: As the top-level O(inactive).
        type: bool
      labour_cost:
        description: As the top-level O(labour_cost).
        aliases: [labor_cost]
        type: float
      labour_cost_change_mode:
        description: As the top-level O(labour_cost_change_mode).
        aliases: [labor_cost_change_mode]
        type: str
        choices: [start-today, override-current, override-all]
      workspaces:
        description: As the top-level O(workspaces).
        type: list
        elements: dict
        suboptions:
          workspace:
            description:
              - The workspace, by name or numeric id, or the registered result of the task that manages it (in check
                mode, one that task would create is predicted against as not there yet).
            aliases: [name]
            type: raw
            required: true
          role:
            description: The person's role in it.
            type: str
            choices: [admin, user, projectlead, teamlead]
      groups:
        description: As the top-level O(groups).
        type: list
        elements: str
      skip_email:
        description: As the top-level O(skip_email).
        type: bool
      resend_invitation:
        description: As the top-level O(resend_invitation).
        type: bool
  state:
    description:
      - V(present) makes the person a user of the organization (invited if needed); V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
  admin:
    description:
      - Whether the person is an organization admin. The owner is always one.
    type: bool
  inactive:
    description:
      - V(true) deactivates the person in the organization, V(false) reactivates them.
    type: bool
  labour_cost:
    description:
      - The person's labour cost, applied by Toggl to each of their workspaces. Paid plans only.
      - Toggl shows no organization-level value, so it is compared with the labor cost of each of the
        person's workspaces; for someone in no workspace there is nothing to compare and it is not sent.
    aliases: [labor_cost]
    type: float
  labour_cost_change_mode:
    description:
      - How a change of O(labour_cost) applies to existing time entries. Sent only with such a change;
        the API does not return it, so it alone never causes a change.
    aliases: [labor_cost_change_mode]
    type: str
    choices: [start-today, override-current, override-all]
  workspaces:
    description:
      - On invite only, the workspaces the person is invited into, with their role there.
        An invitation needs at least one. Ignored for people who are already users of the organization
        (use M(trackops.toggl.toggl_workspace_user) for them).
      - Names cost one C(GET /me/workspaces) (user-level quota), and only when someone is invited.
    type: list
    elements: dict
    suboptions:
      workspace:
        description:
          - The workspace, by name or numeric id, or the registered result of the task that manages it (in check
            mode, one that task would create is predicted against as not there yet).
        aliases: [name]
        type: raw
        required: true
      role:
        description: The person's role in the workspace; Toggl's default when unset is C(user).
        type: str
        choices: [admin, user, projectlead, teamlead]
  groups:
    description:
      - The groups the person is in, by name or numeric id.
      - On invite, the groups the invitation puts them in.
      - For someone already in the organization, the exact list of their groups, set in the same request as
        O(admin) and O(inactive) (V([]) takes them out of every group, as offboarding does). Unset, their
        groups are left alone. To add one person to a group and keep its other members, or to change many
        people's membership of one group in one request, use M(trackops.toggl.toggl_group).
      - A group of digits only is a name when a group has that name, otherwise an id (so a group named C(2026)
        is found by its name); either costs one read of the organization's groups, which the task reads
        anyway to compare names.
      - For someone already in the organization the API's write replaces their whole set of groups, so the
        person is read again right before it and the write carries the groups that read shows plus this task's
        change (a group another admin added meanwhile is kept), and a read after it checks that it shows.
    type: list
    elements: str
  skip_email:
    description:
      - On invite, do not send the invitation email (the person still has a pending invitation).
    type: bool
    default: false
  resend_invitation:
    description:
      - Send the invitation email again to a person whose invitation is pending. Every run re-sends it
        while the invitation is pending, and reports a change.
    type: bool
    default: false
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
seealso:
  - module: trackops.toggl.toggl_workspace_user
  - module: trackops.toggl.toggl_group
"""

EXAMPLES = r"""
- name: Invite a new colleague into the delivery workspace and the Engineering group
  trackops.toggl.toggl_organization_user:
    organization: Acme
    user: dana@example.com
    workspaces:
      - workspace: Delivery
        role: user
    groups: [Engineering]

- name: Onboard several people at once (one read of the user list, one invitation request)
  trackops.toggl.toggl_organization_user:
    organization: 10
    workspaces:
      - workspace: 100
    users:
      - user: erin@example.com
      - user: frank@example.com
        admin: true
      - user: grace@example.com
        labour_cost: 35

- name: Offboard (deactivate) someone and take them out of every group, in one request
  trackops.toggl.toggl_organization_user:
    organization: 10
    user: mallory@example.com
    inactive: true
    groups: []

- name: Remove people from the organization
  trackops.toggl.toggl_organization_user:
    organization: 10
    state: absent
    users:
      - user: trent@example.com
      - user: 4242
"""

RETURN = r"""
organization_user:
  description:
    - The person as the organization's user list shows them, plus their C(status); null when absent.
    - Right after an invitation, the fields the invitation answer does not give (C(id), the organization
      user id) are null until the next read; C(user_id) and C(invitation_id) are known.
    - In check mode, the predicted object.
  returned: success, single form
  type: dict
  contains:
    id:
      description: Organization user id (null right after an invitation, see above).
      type: int
      sample: 5012
    user_id:
      description: The person's user id.
      type: int
      sample: 42
    email:
      description: Email address.
      type: str
      sample: dana@example.com
    status:
      description: C(joined), C(invited) (pending invitation) or C(inactive) (deactivated).
      type: str
      sample: invited
    admin:
      description: Whether the person is an organization admin.
      type: bool
      sample: false
    inactive:
      description: Whether the person is deactivated.
      type: bool
      sample: false
    invitation_id:
      description: The pending invitation, if any.
      type: int
      sample: 7001
    invitation_resent:
      description: Present and true when this task re-sent the invitation.
      type: bool
      sample: true
    workspaces:
      description: The person's workspaces (C(workspace_id), C(role), C(cost), ...), as the user list shows them.
      type: list
      elements: dict
  sample: {"id": 5012, "user_id": 42, "email": "dana@example.com", "status": "invited", "admin": false,
           "inactive": false, "joined": false, "owner": false, "invitation_id": 7001}
organization_users:
  description:
    - Bulk form, the people of O(users) in order, each as RV(organization_user) (null for one who is absent).
  returned: success, bulk form
  type: list
  elements: dict
  sample: [{"id": 5012, "user_id": 42, "email": "dana@example.com", "status": "joined"}]
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 1, "POST": 1, "total": 2}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import OrganizationUser

ROLES = ["admin", "user", "projectlead", "teamlead"]


def per_person_options():
    """The per-person options; in a bulk entry they have no defaults, so the top level's apply."""
    return dict(
        OrganizationUser.argument_spec(),
        workspaces=dict(
            type="list",
            elements="dict",
            options=dict(
                # "name" as the roles' people entries and toggl_workspace call a workspace.
                # raw: a name, an id, or the registered result of the task that manages it.
                workspace=dict(type="raw", required=True, aliases=["name"]),
                role=dict(type="str", choices=ROLES),
            ),
        ),
        groups=dict(type="list", elements="str"),
    )


ENTRY = dict(
    per_person_options(),
    user=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"]),
    skip_email=dict(type="bool"),
    resend_invitation=dict(type="bool"),
)


def main():
    module = TogglModule(
        argument_spec=dict(
            per_person_options(),
            organization=dict(type="str", required=True),
            user=dict(type="str"),
            users=dict(type="list", elements="dict", options=ENTRY),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            skip_email=dict(type="bool", default=False),
            resend_invitation=dict(type="bool", default=False),
        ),
        mutually_exclusive=[("user", "users")],
        required_one_of=[("user", "users")],
    )
    if module.params["users"] is None:
        module.run(OrganizationUser)
    else:
        module.run_many(OrganizationUser, module.entries("users", ENTRY), extra=OrganizationUser.check_entries)


if __name__ == "__main__":
    main()
