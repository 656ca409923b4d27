#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_access
short_description: Who has access to what in a Toggl Track organization, as one declaration
version_added: 0.2.0
description:
  - Declares, for each person of one organization (by email), the organization role, the status (active,
    inactive, absent), each workspace with role and settings (billable rate, labor cost, working hours,
    rate permissions) and the groups. The whole declaration is checked, read and decided in one pass before
    the first write; check mode predicts every change, and the diff is per person, in emails and names.
  - Additive by default - only the people listed are touched. With O(exclusive=true) the list is
    authoritative - members it does not name are leavers, handled as O(leavers) says.
  - "Guards: the organization owner and the user the API token belongs to are never deactivated, removed or
    demoted, and never leavers; O(keep) leaves accounts alone (service accounts); O(max_leavers) refuses,
    before any write, a run that would deactivate or remove more people than that."
  - Access can expire - a person or one workspace entry may carry C(expires) (a date). From that date, by the
    API's clock, the next run treats the person as a leaver (O(leavers)) or the workspace entry as
    C(state=absent), with nobody editing the list. What expires within O(expires_warning_days) is listed in
    RV(expiring), with a warning in check mode.
  - "Reads, each once: C(GET /me/organizations) (the organization, its plan, the admin right, its member
    count; user-level quota of 30 requests per hour), the members - every page of the member list (200 per
    request) or one filtered lookup per person (C(filter=<email>)), whichever is fewer requests (an authoritative
    list needs every page) - the groups when a group is named, and C(GET /me/workspaces) only for a workspace
    none of the members read is in."
  - "Writes, the fewest the API allows: newcomers are invited with their workspaces, roles and groups, alike
    invitations in one request; someone who changes gets ONE C(PUT /organizations/{id}/users/{id}) carrying the
    admin flag, the status, the whole set of groups and the direct workspaces with their settings (a rate or
    labor cost with a change mode costs one C(PUT /workspaces/{id}/workspace_users/{id}) more); removals and
    withdrawn invitations go in one request. A newcomer who needs more than an invitation carries (admin,
    settings besides the role) costs one read until the API lists them, then one C(PUT)."
  - After its writes the module reads the people written again, repeatedly for up to about 6 seconds while
    the API does not show the change yet, so a rerun right after changes nothing.
  - The hourly quota is planned before the first write (see O(quota_wait)).
  - The roles C(trackops.toggl.onboarding) (joiners) and C(trackops.toggl.offboarding) (leavers) are one task of
    this module each.
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization, by numeric id or by name.
    type: str
    required: true
  people:
    description:
      - The people, each once (emails compare case-insensitively).
    type: list
    elements: dict
    required: true
    suboptions:
      email:
        description: The person's e-mail address; a newcomer is invited with it.
        type: str
        required: true
      state:
        description:
          - The person's status; default O(state).
          - V(active) - a member (invited when not one yet; a deactivated member is reactivated; a pending
            invitation stays pending until the person accepts).
          - V(inactive) - deactivated in the organization, so in every workspace, and out of every group; time
            entries stay and it can be undone. Someone who is not a member is not invited; a pending invitation
            is withdrawn (the API has no deactivated invitation).
          - V(absent) - removed from the organization (a pending invitation is withdrawn).
        type: str
        choices: [active, inactive, absent]
      admin:
        description: Whether the person is an organization admin; left alone when unset.
        type: bool
      workspaces:
        description:
          - The person's workspaces. With O(memberships=add) the ones listed are added or set and the others left
            alone; with O(memberships=exact) they are the person's whole set of direct workspaces.
          - A workspace the person reaches through a group is the group's, and stays while the group gives it.
          - A newcomer needs at least one; the invitation names them all, with their roles.
        type: list
        elements: dict
        suboptions:
          name:
            description:
              - The workspace, by name or numeric id, in O(organization), or the registered result of the task that
                manages it. In check mode, a workspace that task would create is predicted against as not there yet,
                so a play that creates a workspace and then gives people access to it completes in check mode.
            aliases: [workspace]
            type: raw
            required: true
          state:
            description: V(absent) takes the person out of this workspace (their direct membership).
            type: str
            choices: [present, absent]
            default: present
          expires:
            description: A date (C(2026-12-31)); from then on, by the API's clock, the entry counts as V(absent).
            type: raw
          role:
            description: The role in the workspace; a new member gets C(user) when unset.
            type: str
            choices: [admin, user, projectlead, teamlead]
          rate:
            description: Billable hourly rate. Paid plans only.
            type: float
          labor_cost:
            description: Hourly labor cost. Paid plans only.
            aliases: [labour_cost]
            type: float
          working_hours_in_minutes:
            description: Daily working hours, in minutes (0 to 1440). Paid plans only.
            type: int
          view_edit_billable_rates:
            description: Whether the person may see and edit billable rates.
            type: bool
          view_edit_labor_costs:
            description: Whether the person may see and edit labor costs.
            type: bool
          rate_change_mode:
            description:
              - How a change of the rate applies to existing time entries. Sent only with such a change, through
                the workspace user payload (one request more); never read back, so it alone changes nothing.
            type: str
            choices: [start-today, override-current, override-all]
          labor_cost_change_mode:
            description: As C(rate_change_mode), for the labor cost.
            type: str
            choices: [start-today, override-current, override-all]
      groups:
        description:
          - The person's groups, by name or id, or the registered result of the task that manages one (as for
            workspaces, in check mode). With O(memberships=add) they are added to the person's groups, with
            O(memberships=exact) they are the whole set (V([]) takes them out of every group). Unset, left alone.
        type: list
        elements: raw
      expires:
        description:
          - A date (C(2026-12-31)); from then on, by the API's clock, the person is a leaver, handled as O(leavers)
            says (with V(report), only listed).
        type: raw
      memberships:
        description: As the top-level O(memberships), for this person (for example V(exact) for a mover).
        type: str
        choices: [add, exact]
  state:
    description: The status of every person whose entry does not say (see O(people[].state)).
    type: str
    choices: [active, inactive, absent]
    default: active
  exclusive:
    description:
      - V(true) makes O(people) authoritative - every member it does not name (pending invitations included)
        is a leaver, except the organization owner, the token's user and O(keep). Reads every page of the member
        list. An empty O(people) is refused.
    type: bool
    default: false
  leavers:
    description:
      - What happens to leavers (unlisted members with O(exclusive=true), and people whose C(expires) has passed).
      - V(deactivate) - deactivated and out of every group (reversible; a pending invitation is withdrawn).
      - V(remove) - removed from the organization.
      - V(report) - nothing is written; they are listed in RV(leavers).
    type: str
    choices: [deactivate, remove, report]
    default: deactivate
  keep:
    description:
      - Emails or shell-style patterns (C(svc-*@example.com)), compared case-insensitively, of members never
        treated as leavers.
    type: list
    elements: str
    default: []
  max_leavers:
    description:
      - The most people one run may deactivate or remove (leavers and people listed as V(inactive) or
        V(absent)); a run that would do more fails before any write, naming them.
    type: int
    default: 10
  expires_warning_days:
    description: What expires within this many days is listed in RV(expiring) (with a warning in check mode).
    type: int
    default: 14
  memberships:
    description:
      - How a person's O(people[].workspaces) and O(people[].groups) apply. V(add) - the ones listed are added
        (and set); V(exact) - they are the person's whole set. Default V(exact) with O(exclusive=true), else V(add).
    type: str
    choices: [add, exact]
  skip_email:
    description: Invite without sending the invitation e-mail (the invitation is still pending).
    type: bool
    default: false
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
notes:
  - The 2026 API's member C(PUT) replaces the person's whole set of groups and direct workspaces, so what is sent
    comes from this task's read; a group or workspace another admin gives the same person between the read and
    the write (within the run) is lost. Other people are not affected.
seealso:
  - module: trackops.toggl.toggl_organization_user
  - module: trackops.toggl.toggl_workspace_user
  - module: trackops.toggl.toggl_group
  - plugin: trackops.toggl.offboarding_report
    plugin_type: filter
    description: The offboarding role's per-person report, from this module's result.
"""

EXAMPLES = r"""
- name: Joiners, movers and a contractor whose access ends by itself
  trackops.toggl.toggl_access:
    organization: Acme
    people:
      - email: dana@example.com
        workspaces:
          - name: Delivery
            role: user
            rate: 95
        groups: [Engineering]
      - email: lee@example.com
        memberships: exact          # a mover: these are now all of Lee's workspaces and groups
        workspaces: [{name: Labs}]
        groups: [Research]
      - email: contractor@partner.example
        expires: 2027-03-31
        workspaces: [{name: Delivery}]

- name: The whole organization as data; leavers deactivated, at most 5 per run
  trackops.toggl.toggl_access:
    organization: Acme
    exclusive: true
    keep: ["svc-*@acme.example"]
    max_leavers: 5
    people: "{{ acme_people }}"

- name: Drift audit - who would lose access, nothing written
  trackops.toggl.toggl_access:
    organization: Acme
    exclusive: true
    leavers: report
    people: "{{ acme_people }}"
  check_mode: true
  register: access_drift
"""

RETURN = r"""
people:
  description:
    - One entry per person of O(people) in order, then one per leaver, each as the person is after the run (in check
      mode, as predicted) - C(email), C(name), C(status) (C(joined), C(invited), C(inactive), C(absent)), C(admin),
      C(workspaces) (by name, each with C(role), C(rate), C(labor_cost), C(working_hours_in_minutes),
      C(view_edit_billable_rates), C(view_edit_labor_costs) and, when a group gives it, C(through_groups)),
      C(groups) (names) - and C(action) (C(invited), C(updated), C(deactivated), C(reactivated), C(removed),
      C(invitation withdrawn), C(unchanged), C(absent), C(reported)), and C(before), the person as they were.
  returned: success
  type: list
  elements: dict
  sample: [{"email": "dana@example.com", "name": "", "status": "invited", "admin": false, "action": "invited",
            "workspaces": {"Delivery": {"role": "user", "rate": 95.0}}, "groups": ["Engineering"]}]
leavers:
  description:
    - The people who lose access in this run (or, with O(leavers=report), would), with C(email), C(why) and
      C(action).
  returned: success
  type: list
  elements: dict
  sample: [{"email": "carol@example.com", "why": "not in the list", "action": "deactivated"}]
expiring:
  description:
    - Access that expires within O(expires_warning_days) - C(email), C(expires) and, for one workspace,
      C(workspace).
  returned: success
  type: list
  elements: dict
  sample: [{"email": "contractor@partner.example", "expires": "2027-03-31"}]
member_lookup:
  description:
    - How the members were read - C(all) (every page of the member list) or C(filtered) (one lookup per person).
  returned: success
  type: str
  sample: filtered
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 4, "PUT": 2, "total": 6}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.access import (
    PersonAccess,
    argument_spec,
    prepare,
)


def main():
    module = TogglModule(argument_spec=argument_spec())
    # The top-level options are the defaults of every person (state, memberships).
    entries = [
        dict(module.params, **{key: value for key, value in person.items() if value is not None})
        for person in module.params["people"]
    ]
    module.run_many(PersonAccess, entries, extra=prepare(module.params))


if __name__ == "__main__":
    main()
