#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_project_group
short_description: Give a Toggl Track group access to a project, or take it away
version_added: 0.1.0
description:
  - Ensures an organization group is assigned to a project of a workspace (O(state=present)), or is not
    (O(state=absent)).
  - The assignment is found with one C(GET /workspaces/{id}/project_groups) for the project; adding it is one
    C(POST), removing it one C(DELETE).
  - Ids cost nothing. A project name costs one C(GET /workspaces/{id}/projects) filtered by that name,
    a group name one C(GET /organizations/{id}/groups), a workspace name one C(GET /me/workspaces) and an
    organization name one C(GET /me/organizations) (the C(/me) reads draw on the user-level quota of 30 requests
    per hour).
  - A project, group or workspace that does not exist fails the task with its name; none is ever created here.
  - The 2026 API answers the C(POST) with a plain string, not the assignment, so the task then reads the
    assignment back for its id (the API may list it only seconds later, so it reads again, about 6 s at most). When
    the answer to the C(POST) is lost, the same read finds the assignment and the task takes it as made.
  - O(project) and O(group) of digits only (a project named V(4711), a group named V(2026)) name the project or
    group of that name when one exists, else the one with that id; finding out costs the project name read
    (and, with O(organization), the group list). O(workspace) of digits only is an id.
  - A group and a project make an assignment's identity. When concurrent runs left two assignments of one pair,
    the task keeps the one with the lowest id and deletes the others (RV(project_group.removed_duplicates)).
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization of the workspace and the group, by numeric id or by name.
      - Optional. Without it a workspace name is looked up among all the token's workspaces (a name in two
        organizations fails asking for it), and a group name among the groups of the workspace's organization
        (one C(GET /workspaces/{id}) to learn it); a group of digits only is then taken as an id.
    type: str
  workspace:
    description:
      - The workspace of the project, by numeric id or by name (see O(organization)).
    type: str
    required: true
  project:
    description:
      - The project, by numeric id or by exact name (active and archived projects are searched).
      - A name shared by several projects of the workspace fails with how many there are; use the id.
    type: str
    required: true
  group:
    description:
      - The organization group, by numeric id or by exact name (then O(organization) is required).
    type: str
    required: true
  state:
    description:
      - V(present) assigns the group to the project, V(absent) removes the assignment.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
seealso:
  - module: trackops.toggl.toggl_group
"""

EXAMPLES = r"""
- name: Engineering works on the website project
  trackops.toggl.toggl_project_group:
    organization: Acme
    workspace: Acme HQ
    project: Website
    group: Engineering

- name: The same by ids (two reads when nothing changes, as digits may also be a project name)
  trackops.toggl.toggl_project_group:
    workspace: 100
    project: 1000
    group: 200

- name: Contractors no longer see the project
  trackops.toggl.toggl_project_group:
    organization: 10
    workspace: 100
    project: Website
    group: Contractors
    state: absent
"""

RETURN = r"""
project_group:
  description:
    - The assignment as the API describes it. In check mode a new one has C(id=null); after a removal, C(null).
  returned: success
  type: dict
  contains:
    id:
      description: Id of the assignment (the project group).
      type: int
      sample: 5000
    pid:
      description: Project id.
      type: int
      sample: 1000
    wid:
      description: Workspace id.
      type: int
      sample: 100
    group_id:
      description: Group id.
      type: int
      sample: 200
    removed_duplicates:
      description: Ids of other assignments of the same group and project the task deleted.
      returned: when there were duplicates
      type: list
      elements: int
      sample: [5001]
  sample: {"id": 5000, "pid": 1000, "wid": 100, "group_id": 200}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.project_group import ProjectGroup


def main():
    module = TogglModule(
        argument_spec=dict(
            organization=dict(type="str"),
            workspace=dict(type="str", required=True),
            project=dict(type="str", required=True),
            group=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    module.run(ProjectGroup)


if __name__ == "__main__":
    main()
