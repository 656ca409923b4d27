# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.plugin_utils.reports import is_list

DOCUMENTATION = r"""
name: access_review_rows
short_description: Turn an organization's members into access review rows, one per person and workspace
version_added: 0.1.0
author:
  - trackops.toggl contributors (@trackops)
description:
  - Reads the members that M(trackops.toggl.toggl_organization_info) returns with
    O(trackops.toggl.toggl_organization_info#module:gather_subset=users) and lists who has which
    access - one row per person and workspace, and one row without a workspace for a member who
    has none - for P(trackops.toggl.access_review_csv#filter) and
    P(trackops.toggl.access_review_html#filter).
  - The organization role is V(owner), V(admin) or V(member). The status, of the organization
    membership and of each workspace, is V(joined), V(invited) or V(inactive).
  - The rows are sorted by name, email and workspace, so two reviews of the same organization
    compare line by line.
positional: _input
options:
  _input:
    description: The members, RV(trackops.toggl.toggl_organization_info#module:organization.users).
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Read who has access (one request per 200 members, plus one for the groups)
  trackops.toggl.toggl_organization_info:
    organization: 10
    gather_subset: [users, groups]
  register: acme

- name: People with access to a workspace they have not joined yet
  ansible.builtin.debug:
    msg: >-
      {{ acme.organization.users | trackops.toggl.access_review_rows
         | selectattr('workspace_status', '==', 'invited') }}
"""

RETURN = r"""
_value:
  description: One row per person and workspace.
  type: list
  elements: dict
  contains:
    name:
      description: Full name.
      type: str
    email:
      description: Email address.
      type: str
    user_id:
      description: The person's user id.
      type: int
    organization_role:
      description: V(owner), V(admin) or V(member).
      type: str
    status:
      description: The organization membership, V(joined), V(invited) or V(inactive).
      type: str
    two_factor:
      description: Whether the person uses two-factor authentication, as the API reports it.
      type: bool
    groups:
      description: Names of the person's organization groups.
      type: list
      elements: str
    workspace:
      description: Workspace name; V(null) on the row of a member without workspaces.
      type: str
    workspace_id:
      description: Workspace id.
      type: int
    workspace_role:
      description: Role in the workspace (V(admin), V(user), V(projectlead), V(teamlead), ...).
      type: str
    workspace_status:
      description: The workspace membership, V(joined), V(invited) or V(inactive).
      type: str
    via_groups:
      description: Names of the person's groups that give access to the workspace.
      type: list
      elements: str
    rate:
      description: The person's billable rate in the workspace, V(null) when none is set.
      type: float
    labor_cost:
      description: The person's labor cost in the workspace, V(null) when none is set.
      type: float
    currency:
      description: The workspace's currency, when the member list carries it.
      type: str
  sample:
    - {name: Bob Builder, email: bob@example.com, user_id: 3, organization_role: member, status: joined,
       two_factor: false, groups: [], workspace: Acme HQ, workspace_id: 100, workspace_role: user,
       workspace_status: joined, via_groups: [], rate: 50.0, labor_cost: 30.0, currency: null}
"""


def organization_role(user):
    if user.get("owner"):
        return "owner"
    return "admin" if user.get("admin") else "member"


def _text_key(value):
    return (value or "").casefold()


def person_rows(user):
    person = {
        "name": user.get("name"),
        "email": user.get("email"),
        "user_id": user.get("user_id"),
        "organization_role": organization_role(user),
        "status": user.get("status"),
        "two_factor": user.get("two_factor_enabled"),
        "groups": list(user.get("groups") or []),
    }
    workspaces = sorted(
        user.get("workspaces") or [], key=lambda ws: (_text_key(ws.get("name")), ws.get("workspace_id"))
    )
    if not workspaces:
        workspaces = [{}]
    return [
        dict(
            person,
            workspace=ws.get("name"),
            workspace_id=ws.get("workspace_id"),
            workspace_role=ws.get("role"),
            workspace_status=ws.get("status"),
            via_groups=list(ws.get("groups") or []),
            rate=ws.get("rate"),
            labor_cost=ws.get("labor_cost"),
            currency=ws.get("default_currency"),
        )
        for ws in workspaces
    ]


def access_review_rows(users):
    if not is_list(users):
        raise AnsibleFilterError(
            "access_review_rows expects the users list of trackops.toggl.toggl_organization_info, got %s"
            % type(users).__name__
        )
    rows = []
    for user in users:
        if not isinstance(user, Mapping):
            raise AnsibleFilterError("access_review_rows expects members (dicts), got %r" % (user,))
        rows.extend(person_rows(user))
    rows.sort(key=lambda row: (_text_key(row["name"]), _text_key(row["email"])))
    return rows


class FilterModule:
    def filters(self):
        return {"access_review_rows": access_review_rows}
