#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_workspace
short_description: Create, rename and configure Toggl Track workspaces
version_added: 0.1.0
description:
  - Ensures a workspace exists in a Toggl Track organization with the given settings.
  - A workspace is found by O(id) (one request), or else by O(name) within O(organization)
    (one C(GET /me/workspaces), plus one C(GET /me/organizations) when O(organization) is a name).
  - When it does not exist, it is created with the given settings in the same request.
  - Only the settings you set are compared and sent; a setting left unset is left alone.
  - Settings marked "paid plans only" fail on a Free organization with the API's own message, and nothing is written.
  - The Toggl API cannot delete workspaces, so there is no O(ignore:state=absent).
  - Creating or changing a workspace needs the token's user to be an admin of its organization. Without that right
    the task fails before any write, also in check mode, with "the token's user is not an admin of organization
    NAME (ID) (needed to create or change workspaces)", rather than predicting to create a workspace it cannot see.
    Checking costs one C(GET /me/organizations) (user-level quota), only when the task would write.
  - O(name) is always a name, also when it is all digits (a workspace named V(1234)).
  - When the answer to a create is lost, or Toggl refuses it because another run made a workspace of the name
    meanwhile, the task reads C(GET /me/workspaces) until the workspace shows (the API may list it only seconds
    later) and takes it as created when it shows the wanted settings, else updates it.
  - Two workspaces of one name in the organization cannot be told apart by name, and the API deletes none, so the
    task fails with how many there are (use O(id)).
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization the workspace belongs to, by numeric id or by name.
      - A value of digits only is taken as an id.
      - Needed to create a workspace. Without it (and without O(id)) O(name) is looked up among all the
        token's workspaces, one C(GET /me/workspaces); a name in two organizations fails asking for it,
        and a name the token does not see fails before any write, as it cannot be created without it.
    type: str
  name:
    description:
      - Name of the workspace, at most 140 characters, unique within the organization.
      - Identifies the workspace unless O(id) is given; then it is the name to rename it to.
    type: str
  id:
    description:
      - Numeric id of an existing workspace. It is never created when not found.
    type: int
  default_currency:
    description:
      - Default currency of the workspace, a three-letter ISO 4217 code such as C(EUR). Paid plans only.
    type: str
  default_hourly_rate:
    description:
      - Default billable hourly rate of the workspace. Paid plans only.
    type: float
  rounding:
    description:
      - How durations are rounded in reports. V(0) to nearest, V(1) up, V(-1) down. Paid plans only.
    type: int
    choices: [-1, 0, 1]
  rounding_minutes:
    description:
      - Rounding step in minutes (V(0) for none). Paid plans only.
    type: int
  only_admins_may_create_projects:
    description: Only workspace admins may create projects.
    type: bool
  only_admins_may_create_tags:
    description:
      - Only workspace admins may create tags. Setting it to V(true) needs a paid plan.
    type: bool
  only_admins_see_team_dashboard:
    description: Only workspace admins see the team dashboard.
    type: bool
  projects_billable_by_default:
    description: New projects are billable by default. Paid plans only.
    type: bool
  projects_enforce_billable:
    description: Time tracked to a project must respect the project's billable setting.
    type: bool
  projects_private_by_default:
    description: New projects are private by default.
    type: bool
  limit_public_project_data:
    description: Public projects' data in reports is limited to admins.
    type: bool
  reports_collapse:
    description: Reports are collapsed by default.
    type: bool
  rate_change_mode:
    description:
      - How a change of O(default_hourly_rate) applies to existing time entries.
      - Sent only with a change of O(default_hourly_rate) (or on create); the API does not return it,
        so it is never compared and alone never causes a change.
    type: str
    choices: [start-today, override-current, override-all]
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
seealso:
  - module: trackops.toggl.toggl_organization
"""

EXAMPLES = r"""
- name: Ensure the delivery workspace exists with the company policy
  trackops.toggl.toggl_workspace:
    organization: Acme
    name: Delivery
    default_currency: EUR
    default_hourly_rate: 95
    rounding: 1
    rounding_minutes: 15
    only_admins_may_create_projects: true
    projects_private_by_default: true
  register: delivery

- name: Rename it, by id (no /me lookups)
  trackops.toggl.toggl_workspace:
    id: "{{ delivery.workspace.id }}"
    name: Client Delivery

- name: Drift audit of one setting (run with --check --diff)
  trackops.toggl.toggl_workspace:
    organization: 10
    name: Client Delivery
    only_admins_see_team_dashboard: true
"""

RETURN = r"""
workspace:
  description:
    - The workspace as the API describes it, without its deprecated C(api_token) field.
    - In check mode, the predicted workspace; a new one has C(id=null).
  returned: success
  type: dict
  contains:
    id:
      description: Workspace id.
      type: int
      sample: 100
    name:
      description: Workspace name.
      type: str
      sample: Delivery
    organization_id:
      description: Id of the organization.
      type: int
      sample: 10
  sample: {"id": 100, "name": "Delivery", "organization_id": 10, "default_currency": "EUR", "rounding": 1}
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 1, "PUT": 1, "total": 2}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.workspace import Workspace


def main():
    module = TogglModule(
        argument_spec=dict(
            Workspace.argument_spec(),
            organization=dict(type="str"),
            id=dict(type="int"),
        ),
        required_one_of=[("id", "name")],
    )
    module.run(Workspace)


if __name__ == "__main__":
    main()
