#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_organization_info
short_description: Read a Toggl Track organization's members, groups, workspaces and roles, also through Toggl Focus
version_added: 0.1.0
description:
  - Reads a Toggl Track organization for audits and access reviews, and changes nothing.
  - O(gather_subset) chooses what is read; each subset sends only its own requests, listed
    with it, so the task costs exactly the subsets you ask for.
  - The organization itself costs nothing when given by id. A name costs one
    C(GET /me/organizations), which draws on the user-level quota of 30 requests per hour;
    register RV(organization.id) and pass the id to later tasks.
  - Every member carries a RV(organization.users[].status) derived the same way as in
    M(trackops.toggl.toggl_organization_user) and M(trackops.toggl.toggl_workspace_info).
  - The V(audit_log) subset reads Toggl's audit log (who changed what, when), which Toggl keeps
    on the Premium and Enterprise plans only, for organization admins. It is read only when named,
    never through V(all). On another plan, or for a token whose user is no organization admin, it
    returns RV(organization.audit_log.available=false) with a warning instead of failing.
  - The V(focus_roles), V(focus_teams) and V(focus_users) subsets read the Toggl Focus API
    (O(focus_api_url)) with its own key, O(focus_api_key). They are read only when named, never
    through V(all), so V(all) keeps needing the Track credentials alone. Naming one without a
    Focus key fails before any request, naming O(focus_api_key).
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization, by numeric id or by name. A value of digits only is taken as an id.
    type: str
    required: true
  gather_subset:
    description:
      - What to read. V(all) reads every subset; a subset prefixed with V(!) is left out
        (V(!all) leaves out every one, so only the identity is returned). With exclusions only,
        every other subset is read. A subset named explicitly is read even if excluded.
      - An unknown subset, or an empty list, fails before any request.
      - V(details) - the organization (plan, user count, workspace limit, the caller's own
        C(admin) and C(owner)). One C(GET /organizations/{id}); none when O(organization)
        is a name, because C(/me/organizations) already returned it.
      - V(users) - every member, pending invitations included, with status, organization role,
        groups and workspaces. C(GET /organizations/{id}/users) paginated at 200 per page,
        so one request per 200 members (at least one).
      - V(groups) - the groups with their members and workspace ids. One C(GET /organizations/{id}/groups).
      - V(workspace_statistics) - per workspace the admins, members count and groups count.
        One C(GET /organizations/{id}/workspaces/statistics).
      - V(roles) - the organization and workspace roles a member can hold. One C(GET /organizations/{id}/roles).
      - V(focus_roles) - the roles as Focus lists them. One C(GET /organizations/{id}/roles) to the Focus API.
      - V(focus_teams) - the groups as Focus lists them, with their C(emoji), members, workspaces and
        C(ghosts) (placeholder members without a Toggl account). C(GET /organizations/{id}/teams) to the
        Focus API, 200 per page, until the C(total) it reports, so one request per 200 groups (at least one).
        Focus needs a C(workspace_id) for its permission check, which is O(focus_workspace), else the organization's
        first workspace, taken from V(workspace_statistics) when that is gathered, else from
        C(GET /me/workspaces) (one more request, on the user-level quota).
      - V(focus_users) - every member as Focus lists them, with their groups (and emoji), workspaces
        (with Track role ids and products), C(rate) and C(working_hours). C(GET /organizations/{id}/users)
        to the Focus API with C(include_rates) and C(include_working_hours), 200 per page. Focus reports
        no page count, so a page shorter than 200 is the last, which costs one request per 200 members, plus one
        (empty) when the count is an exact multiple of 200.
      - V(audit_log) - the organization's audit log entries from O(audit_log_from) to O(audit_log_to)
        (default the last O(audit_log_days) days), narrowed by O(audit_log_filters), newest first.
        One C(GET /audit_logs/{organization_id}/{from}/{to}) with C(export=true) (the 2026 Swagger - every
        entry of the window, without pagination), so one request however many entries. Read only when
        named. Where Toggl refuses it (HTTP 403 "User does not have access to the audit logs" - the plan
        has no audit log, or the token's user is no organization admin) the task warns and returns
        RV(organization.audit_log.available=false); when that refusal is the task's first answer, one
        C(GET /me) (user-level quota) tells it from a bad token, so 2 requests.
      - V(token_user) - the user the API token belongs to (C(id), C(email), C(fullname)), for the evidence of a
        review. One C(GET /me) (user-level quota of 30 per hour). Read only when named, never through V(all).
      - The default, V(details), costs one request whichever way the organization is given.
        V(all) costs 4 requests plus one per 200 members, whichever way the organization is given
        (by name, the name lookup replaces the details request). V(audit_log) and Focus subsets add their own.
    type: list
    elements: str
    default: [details]
  focus_workspace:
    description:
      - The workspace, by name or numeric id, that V(focus_teams) passes to Focus as C(workspace_id)
        (Focus documents it as required for its permission check). An id costs nothing; a name costs one
        C(GET /me/workspaces).
      - Default - the organization's first workspace (lowest id) that the token's user sees.
    type: str
  audit_log_days:
    description:
      - With V(audit_log), how many days back the window starts when O(audit_log_from) is not given,
        counted from O(audit_log_to) (default the end of the current minute on the API's clock). From 1
        to 365 (Toggl keeps the audit log 1 year).
    type: int
    default: 30
  audit_log_from:
    description:
      - With V(audit_log), the start of the window, an RFC 3339 date-time (V(2026-03-01T00:00:00Z)) or a
        date (its midnight UTC). Default - O(audit_log_days) before O(audit_log_to).
    type: str
  audit_log_to:
    description:
      - With V(audit_log), the end of the window (included), an RFC 3339 date-time or a date. Default - the
        end of the current minute on the API's clock (the C(Date) of the task's latest answer, else the
        controller's clock).
    type: str
  audit_log_filters:
    description:
      - With V(audit_log), the audit log's own filters (the 2026 Swagger's query parameters) - C(workspace_id),
        C(entity_type), C(entity_id), C(action) and C(user_id) (the user who made the change). Toggl applies
        them; they cost nothing more. An unknown key, or an id that is not a number, fails before any request.
    type: dict
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.info_attributes
seealso:
  - module: trackops.toggl.toggl_workspace_info
  - module: trackops.toggl.toggl_organization
"""

EXAMPLES = r"""
- name: Who has access to what (users and groups; 1 + 1 per 200 members + 1 requests)
  trackops.toggl.toggl_organization_info:
    organization: 10
    gather_subset: [users, groups]
  register: acme

- name: Members who never accepted their invitation
  ansible.builtin.debug:
    msg: "{{ acme.organization.users | selectattr('status', '==', 'invited') | map(attribute='email') | list }}"

- name: Everything, the organization given by name (one more request, on the /me quota)
  trackops.toggl.toggl_organization_info:
    organization: Acme
    gather_subset: all

- name: Everything but the member list, which is the costly part of a large organization
  trackops.toggl.toggl_organization_info:
    organization: 10
    gather_subset: ["!users"]

- name: Groups with emoji and ghosts, and members with rates, through Toggl Focus (1 + 1 + 1 requests per 200)
  trackops.toggl.toggl_organization_info:
    organization: 10
    focus_api_key: "{{ vault_toggl_focus_api_key }}"
    gather_subset: [focus_roles, focus_teams, focus_users]
    focus_workspace: 100
  register: acme_focus

- name: Who changed what in the last 7 days (Premium and Enterprise; one request)
  trackops.toggl.toggl_organization_info:
    organization: 10
    gather_subset: [audit_log]
    audit_log_days: 7
  register: acme_log

- name: Changes of workspace 100's settings by user 90 in March
  trackops.toggl.toggl_organization_info:
    organization: 10
    gather_subset: [audit_log]
    audit_log_from: "2026-03-01"
    audit_log_to: "2026-03-31T23:59:59Z"
    audit_log_filters: {entity_type: workspace, entity_id: 100, user_id: 90}

- name: Resolve the name to an id only (one request, nothing else read)
  trackops.toggl.toggl_organization_info:
    organization: Acme
    gather_subset: ["!all"]
  register: acme_id
"""

RETURN = r"""
organization:
  description:
    - The organization, its identity and a key per gathered subset.
  returned: success
  type: dict
  contains:
    id:
      description: Organization id.
      type: int
      sample: 10
    name:
      description: Organization name.
      returned: when O(organization) is a name or V(details) was gathered
      type: str
      sample: Acme
    details:
      description:
        - The organization as the API describes it (C(pricing_plan_name), C(user_count), C(max_workspaces), ...).
      returned: when V(details) was gathered
      type: dict
      sample: {"id": 10, "name": "Acme", "pricing_plan_name": "Starter", "user_count": 4, "admin": true, "owner": true}
    users:
      description: Every member of the organization, pending invitations included, sorted by name.
      returned: when V(users) was gathered
      type: list
      elements: dict
      contains:
        user_id:
          description: The person's user id.
          type: int
        organization_user_id:
          description: Id of the membership (what organization user updates address).
          type: int
        email:
          description: Email address.
          type: str
        name:
          description: Full name.
          type: str
        status:
          description:
            - V(joined) (an active member), V(invited) (the invitation is pending) or V(inactive) (deactivated).
          type: str
        admin:
          description: Organization admin.
          type: bool
        owner:
          description: Owner of the organization.
          type: bool
        role_id:
          description: Organization role id (see the V(roles) subset).
          type: int
        two_factor_enabled:
          description: Whether the person uses two-factor authentication, as the API reports it.
          type: bool
        groups:
          description: Names of the organization groups the person belongs to.
          type: list
          elements: str
        workspaces:
          description:
            - The workspaces the person belongs to, directly or through a group, with role and rates.
            - Each has C(workspace_id), C(name), C(workspace_user_id), C(role), C(role_id), C(status)
              (as above, for that workspace), C(rate), C(labor_cost), C(working_hours),
              C(view_edit_billable_rates), C(view_edit_labor_costs) and C(groups) (names of the
              person's groups that give access to it).
          type: list
          elements: dict
      sample:
        - user_id: 2
          organization_user_id: 5001
          email: alice@example.com
          name: Alice Admin
          status: joined
          admin: true
          owner: false
          role_id: 2
          two_factor_enabled: false
          groups: [Engineering]
          workspaces:
            - {workspace_id: 100, name: Acme HQ, workspace_user_id: 7001, role: admin, role_id: 10, status: joined,
               rate: 95.0, labor_cost: null, working_hours: null, view_edit_billable_rates: false,
               view_edit_labor_costs: false, groups: [Engineering]}
    groups:
      description:
        - The organization's groups as the API lists them (C(group_id), C(name), C(workspaces) ids, C(users)),
          each member with C(user_id), C(name), C(joined), C(inactive) and C(status) as above.
      returned: when V(groups) was gathered
      type: list
      elements: dict
      sample:
        - {"group_id": 70, "name": "Engineering", "workspaces": [100],
           "users": [{"user_id": 2, "name": "Alice Admin", "joined": true, "inactive": false, "status": "joined"}]}
    workspace_statistics:
      description:
        - Per workspace the caller can see, sorted by C(workspace_id) - C(admins) (C(user_id), C(name)),
          C(members_count) and C(groups_count).
      returned: when V(workspace_statistics) was gathered
      type: list
      elements: dict
      sample:
        - {"workspace_id": 100, "admins": [{"user_id": 1, "name": "Olive Owner"}], "members_count": 4,
           "groups_count": 1}
    roles:
      description: The roles the API lists for the organization (C(role_id), C(name), C(entity), C(type), ...).
      returned: when V(roles) was gathered
      type: list
      elements: dict
      sample:
        - {"role_id": 2, "code": "org_admin", "name": "Organization admin", "entity": "organization", "type": "admin"}
    token_user:
      description: The user the API token belongs to.
      returned: when V(token_user) was gathered
      type: dict
      sample: {"id": 1, "email": "owner@example.com", "fullname": "Olive Owner"}
    audit_log:
      description:
        - The audit log window read, and its entries.
      returned: when V(audit_log) was gathered
      type: dict
      contains:
        from:
          description: Start of the window, RFC 3339 UTC.
          type: str
          sample: "2026-02-26T10:16:00Z"
        to:
          description: End of the window (included), RFC 3339 UTC.
          type: str
          sample: "2026-03-28T10:16:00Z"
        filters:
          description: The O(audit_log_filters) sent, as the query names.
          type: dict
          sample: {}
        available:
          description:
            - Whether Toggl served the audit log. V(false) when it answered 403 (a plan without the audit
              log, or a token whose user is no organization admin); RV(organization.audit_log.entries) is then empty.
          type: bool
          sample: true
        message:
          description: The API's refusal, when RV(organization.audit_log.available) is false.
          returned: when Toggl refused the audit log
          type: str
          sample: User does not have access to the audit logs
        entries:
          description:
            - The entries as the API sends them, newest first. The 2026 Swagger leaves their fields
              undescribed (an array of untyped items); its filters name C(workspace_id), C(entity_type),
              C(entity_id), C(action) and C(user_id). The collection's simulator sends, and the
              P(trackops.toggl.drift_report#filter) filter reads, C(id), C(organization_id),
              C(workspace_id), C(entity_type) (V(workspace), V(workspace_user), V(organization_user),
              V(group), V(track_reminder), V(alert), V(rate), ...), C(entity_id), C(entity_name), C(action)
              (V(create), V(update), V(delete)), C(user_id), C(user_name) and C(user_email) (who),
              C(created_at) (when, RFC 3339) and C(changes) (what, a list of C(field), C(old), C(new)).
          type: list
          elements: dict
          sample:
            - {"id": 7, "organization_id": 10, "workspace_id": 100, "entity_type": "workspace", "entity_id": 100,
               "entity_name": "Acme HQ", "action": "update", "user_id": 90, "user_name": "Ada Second-Admin",
               "user_email": "admin2@example.com", "created_at": "2026-03-27T16:02:11Z",
               "changes": [{"field": "rounding", "old": -1, "new": 0}]}
    focus_roles:
      description: The roles as the Focus API lists them (C(role_id), C(code), C(name), C(entity), C(type),
        C(privilege_level), C(permissions), ...).
      returned: when V(focus_roles) was gathered
      type: list
      elements: dict
      sample:
        - {"role_id": 2, "code": "org_admin", "name": "Organization admin", "entity": "organization",
           "type": "admin", "privilege_level": 90, "permissions": []}
    focus_teams:
      description:
        - Every group as the Focus teams list shows it, all pages, sorted by name - C(id), C(name), C(emoji),
          C(ghosts) (C(id), C(name)), C(users) (C(user_account_id), C(organization_user_id), C(display_name),
          role ids) and C(workspaces) (C(workspace_id), C(name)).
      returned: when V(focus_teams) was gathered
      type: list
      elements: dict
      sample:
        - {"id": 70, "name": "Engineering", "emoji": "🛠", "organization_id": 10,
           "ghosts": [{"id": 9001, "name": "New hire (TBD)"}],
           "users": [{"user_account_id": 2, "organization_user_id": 5001, "display_name": "Alice Admin"}],
           "workspaces": [{"workspace_id": 100, "name": "Acme HQ"}]}
    focus_users:
      description:
        - Every member as the Focus users list shows it, all pages, sorted by name - C(id) (the organization
          user id), C(user_account_id), C(email), C(name), C(active), C(joined), C(admin), C(owner),
          C(groups) (C(id), C(name), C(emoji), C(workspace_ids)), C(workspaces) (C(id), C(name),
          C(track_role_id), C(toggl_products), C(groups)), C(rate) (C(hourly_rate), C(currency),
          C(workspace_id), ...) and C(working_hours).
      returned: when V(focus_users) was gathered
      type: list
      elements: dict
      sample:
        - {"id": 5001, "user_account_id": 2, "email": "alice@example.com", "name": "Alice Admin", "active": true,
           "admin": true, "owner": false, "groups": [{"id": 70, "name": "Engineering", "emoji": "🛠",
           "workspace_ids": [100]}], "workspaces": [{"id": 100, "name": "Acme HQ", "track_role_id": 10,
           "toggl_products": ["track"]}], "rate": {"hourly_rate": 95.0, "currency": "USD", "workspace_id": 100},
           "working_hours": 8.0}
server_time:
  description:
    - The API's clock when the task ended (the C(Date) header of its last answer), RFC 3339 UTC; the local clock
      when no request was sent.
  returned: success
  type: str
  sample: "2026-12-04T09:30:00Z"
gathered_subsets:
  description: The subsets read, after V(all) and exclusions were applied.
  returned: success
  type: list
  elements: str
  sample: [details, users]
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

from ansible_collections.trackops.toggl.plugins.module_utils.info import OrganizationInfo
from ansible_collections.trackops.toggl.plugins.module_utils.module import TogglModule


def main():
    module = TogglModule(
        argument_spec=dict(
            organization=dict(type="str", required=True),
            gather_subset=dict(type="list", elements="str", default=["details"]),
            focus_workspace=dict(type="str"),
            audit_log_days=dict(type="int", default=30),
            audit_log_from=dict(type="str"),
            audit_log_to=dict(type="str"),
            audit_log_filters=dict(type="dict"),
        ),
    )
    module.run_info(OrganizationInfo)


if __name__ == "__main__":
    main()
