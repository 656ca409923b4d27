#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_organization
short_description: Create and rename Toggl Track organizations
version_added: 0.1.0
description:
  - Ensures a Toggl Track organization exists with the given name.
  - An organization is found by O(id), or else by O(name) among the organizations the token's user belongs to.
  - When it does not exist, it is created with its first workspace, and the token's user becomes its owner.
  - With O(id), a different O(name) renames the organization.
  - The Toggl API cannot delete organizations, so there is no O(ignore:state=absent).
  - The 2026 API answers a rename with a plain C(OK), so the task reads the organization back
    (C(GET /organizations/{id})) until it shows the new name (the API may show it only seconds later).
  - A rename needs the token's user to be an admin of the organization; without it the task fails before any
    write, also in check mode, with "the token's user is not an admin of organization NAME (ID) (needed to change
    the organization)". Checking costs one C(GET /me/organizations) (user-level quota). Creating needs no right.
  - O(name) is always a name, also when it is all digits. Organization names are not unique in Toggl (other
    owners may pick the same one), so two of one name among the token's organizations fail naming the count; use O(id).
  - When the answer to a create is lost, the task reads C(GET /me/organizations) until the organization shows.
author:
  - trackops.toggl contributors (@trackops)
options:
  name:
    description:
      - Name of the organization, at most 140 characters.
      - Identifies the organization unless O(id) is given; then it is the name to rename it to.
    type: str
  id:
    description:
      - Numeric id of an existing organization. It is never created when not found.
    type: int
  workspace_name:
    description:
      - Name of the first workspace, created with the organization. Defaults to O(name).
      - Used only when the organization is created; manage the workspace later with M(trackops.toggl.toggl_workspace).
    type: str
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
seealso:
  - module: trackops.toggl.toggl_workspace
"""

EXAMPLES = r"""
- name: Ensure the organization exists (created with a first workspace "Acme HQ")
  trackops.toggl.toggl_organization:
    name: Acme
    workspace_name: Acme HQ
  register: acme

- name: Rename it, by id (no /me lookup)
  trackops.toggl.toggl_organization:
    id: "{{ acme.organization.id }}"
    name: Acme Inc.

- name: Shared options once, for every module of the collection
  module_defaults:
    group/trackops.toggl.toggl:
      api_token: "{{ vault_toggl_api_token }}"
  block:
    - name: Ensure the organization exists
      trackops.toggl.toggl_organization:
        name: Acme
"""

RETURN = r"""
organization:
  description:
    - The organization as the API describes it (predicted in check mode, where a new one has C(id=null)).
    - After a create, also C(workspace_id) and C(workspace_name) of its first workspace.
  returned: success
  type: dict
  contains:
    id:
      description: Organization id.
      type: int
      sample: 10
    name:
      description: Organization name.
      type: str
      sample: Acme
  sample: {"id": 10, "name": "Acme", "pricing_plan_name": "Starter", "admin": true, "owner": true}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization import Organization


def main():
    module = TogglModule(
        argument_spec=dict(Organization.argument_spec(), id=dict(type="int")),
        required_one_of=[("id", "name")],
    )
    module.run(Organization)


if __name__ == "__main__":
    main()
