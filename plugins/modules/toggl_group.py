#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_group
short_description: Create, rename and delete Toggl Track groups and manage their members and workspaces
version_added: 0.1.0
description:
  - Ensures a group of a Toggl Track organization exists with the given members and workspaces, or does not exist.
  - A group is found by O(name), or by O(id) (then O(name) renames it), in the organization's group list
    (one C(GET /organizations/{id}/groups) either way; the API has no read of a single group).
  - Members of a group reach the group's workspaces; Toggl lists them there as indirect workspace users.
  - O(users) and O(workspaces) are exact lists by default, so members and workspaces not listed are removed;
    with O(append=true) they are only added. A list left unset is left alone; V([]) empties it.
  - An exact O(users) list never removes the organization owner or the token's own user from the group; they
    stay, and the task warns. Finding the token's user costs one C(GET /me), spent only when the list would
    remove somebody who is not the owner.
  - Removing someone from a group does not remove them from the organization or from the workspaces they
    belong to directly. Use M(trackops.toggl.toggl_organization_user) and M(trackops.toggl.toggl_workspace_user)
    to remove or deactivate people.
  - Membership changes go in one C(PATCH) that carries only the additions and removals, so members another
    administrator adds meanwhile are never removed by it.
  - A rename is a C(PUT), the only write the 2026 API has for a group's name, and it carries the whole member and
    workspace lists. So that it undoes nothing another administrator did since the task's read, the task reads the
    group again right before the C(PUT) and sends the lists as they are then, with only its own additions and
    removals applied; after the write it reads the group until it shows the new name (the API may show a write
    only seconds later) and adds back with one C(PATCH) any member or workspace the last read before the write
    showed that the task did not remove. Members added by someone else meanwhile stay (the task warns), also with
    an exact O(users) list; the next run decides on them. A rename costs two reads more than other changes.
  - Toggl refuses a second group of a name, so the name is a group's identity. When concurrent creates left two
    groups of the name anyway, the task keeps the one with the lowest id and deletes the others (reported in
    RV(group.removed_duplicates)), provided they hold no member or workspace the kept group would not have after
    the task; otherwise it fails naming them, before any write.
  - When the answer to a create is lost (the connection dropped after Toggl applied it), the task reads the group
    list until the group shows and takes it as created.
  - O(name) is always a name, also when it is all digits (a group named V(2026)); only O(id) is an id.
  - Every write needs the token's user to be an admin of the organization; without it the task fails before any
    write, also in check mode, with "the token's user is not an admin of organization NAME (ID) (needed to create,
    change or delete groups)". Checking costs one C(GET /me/organizations) (user-level quota), once per task that
    writes.
  - When O(users) is set, the organization's user list is read (one request per 200 users) to match emails
    and to show members by email in the result and the diff, also when O(users) holds only ids.
  - When another run creates the same group between this task's read and its create, Toggl answers
    C(Name has already been taken); the task then reads the group list again and updates that group instead.
  - O(emoji) lives only in the Toggl Focus API, which edits the same groups with its own key
    (O(focus_api_key), at O(focus_api_url)). Focus requests are sent only when O(emoji) is set (and, with a
    key, to delete). The current emoji is then one more read, the Focus teams list filtered to the group
    (C(GET /organizations/{id}/teams?group_ids=...)), so a converged group with an emoji costs 2 requests
    (3 with O(users), which reads the organization's user list).
  - Focus needs a C(workspace_id) for that read; the task takes the group's first workspace, else the first of
    O(workspaces), else the organization's first workspace from C(GET /me/workspaces) (one more request).
  - A new group with O(emoji) is created in one Focus C(POST) that carries the name, emoji, members and
    workspaces. An emoji change is one Focus C(PUT) that carries only the emoji (and a new name); no list goes with
    it, so another administrator's members stay. Membership changes of the same task are then one Track C(PATCH).
  - With a Focus key configured (O(focus_api_key)), a group is deleted through the Focus API, where its emoji
    lives, with one of the group's workspaces as the C(workspace_id) its C(DELETE) needs (a group in no workspace
    costs one C(GET /me/workspaces) for it). Without a key, through the Track API. Either way one request.
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization of the group, by numeric id or by name. A value of digits only is taken as an id.
      - A name costs one C(GET /me/organizations) (user-level quota of 30 requests per hour).
    type: str
    required: true
  name:
    description:
      - Name of the group, at most 200 characters, unique within the organization.
      - Identifies the group unless O(id) is given; then it is the name to rename it to.
      - Names are compared exactly. Toggl itself refuses a name that differs from another group's only in case;
        that fails with the names of the groups in the way.
    type: str
  id:
    description:
      - Numeric id (C(group_id)) of an existing group. It is never created when not found;
        with O(state=absent), a group that is already gone is left as it is.
    type: int
  users:
    description:
      - Members of the group, by email (compared case-insensitively) or numeric user id.
      - Each must be a user of the organization (pending invitations included); an unknown one fails the task,
        naming it, before anything is written.
    type: list
    elements: str
  workspaces:
    description:
      - Workspaces the group is assigned to, by name or numeric id, or the registered result of the task that
        manages one (in check mode, one that task would create is predicted against as not there yet).
      - Names are resolved with one C(GET /me/workspaces) (user-level quota); ids cost nothing.
    type: list
    elements: raw
  emoji:
    description:
      - The group's emoji, as the Toggl Focus API shows it. V("") means no emoji (it is taken off).
      - Needs O(focus_api_key); without one the task fails before any request, naming it.
      - Left unset, the emoji is left alone and no Focus request is sent.
      - Not used with O(state=absent).
    type: str
  append:
    description:
      - V(false) makes O(users) and O(workspaces) exact. V(true) only adds the listed ones and removes nothing.
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the group, V(absent) deletes it (a group that does not exist is left as it is).
      - Deleting a group also removes its project assignments and the workspace access it gave its members.
      - O(users) and O(workspaces) are not used with V(absent).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
seealso:
  - module: trackops.toggl.toggl_project_group
  - module: trackops.toggl.toggl_organization
"""

EXAMPLES = r"""
- name: The engineering group has exactly these members and workspaces
  trackops.toggl.toggl_group:
    organization: Acme
    name: Engineering
    users:
      - alice@example.com
      - Bob@Example.com
    workspaces:
      - Acme HQ
      - 101
  register: engineering

- name: Add a contractor, keep everyone else
  trackops.toggl.toggl_group:
    organization: Acme
    name: Engineering
    users: [erin@example.com]
    append: true

- name: Rename it, by id
  trackops.toggl.toggl_group:
    organization: 10
    id: "{{ engineering.group.group_id }}"
    name: Platform Engineering

- name: Empty the group's workspaces, leave its members alone
  trackops.toggl.toggl_group:
    organization: 10
    name: Platform Engineering
    workspaces: []

- name: The design group has this emoji (read and written through Toggl Focus)
  trackops.toggl.toggl_group:
    organization: 10
    name: Design
    emoji: "\U0001F3A8"
    focus_api_key: "{{ vault_toggl_focus_api_key }}"

- name: Delete the group
  trackops.toggl.toggl_group:
    organization: 10
    name: Platform Engineering
    state: absent
"""

RETURN = r"""
group:
  description:
    - The group as the API describes it; when O(users) is set, each member also carries its C(email).
    - In check mode, the predicted group; a new one has C(group_id=null). After a deletion, C(null).
  returned: success
  type: dict
  contains:
    group_id:
      description: Group id.
      type: int
      sample: 200
    name:
      description: Group name.
      type: str
      sample: Engineering
    users:
      description: Members, each with C(user_id), C(name), C(inactive), C(joined) and, when O(users) is set, C(email).
      type: list
      elements: dict
      sample: [{"user_id": 2, "name": "Alice Admin", "email": "alice@example.com", "inactive": false, "joined": true}]
    workspaces:
      description: Ids of the workspaces the group is assigned to.
      type: list
      elements: int
      sample: [100, 101]
    emoji:
      description: The group's emoji as Focus shows it (V(null) when it has none).
      returned: when O(emoji) is set
      type: str
      sample: "\U0001F3A8"
    removed_duplicates:
      description: Ids of the other groups of the same name the task deleted (in check mode, would delete).
      returned: when there were duplicates
      type: list
      elements: int
      sample: [210]
  sample: {"group_id": 200, "name": "Engineering", "users": [{"user_id": 2, "email": "alice@example.com"}],
           "workspaces": [100]}
diff:
  description:
    - With C(--diff), the group before and after as C(name), C(workspaces) (ids) and, when O(users) is set,
      C(users) as emails (a member without a known email shows as its id); when O(emoji) is set, also C(emoji)
      (V(null) for none); when duplicates of the name exist, also C(duplicates) (their ids before, V([]) after).
  returned: when diff mode is on
  type: dict
  sample: {"before": {"name": "Engineering", "users": ["alice@example.com"], "workspaces": [100]},
           "after": {"name": "Engineering", "users": ["alice@example.com", "bob@example.com"], "workspaces": [100]}}
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 2, "PATCH": 1, "total": 3}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.group import Group


def main():
    module = TogglModule(
        argument_spec=dict(
            Group.argument_spec(),
            organization=dict(type="str", required=True),
            id=dict(type="int"),
            append=dict(type="bool", default=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_one_of=[("id", "name")],
    )
    module.run(Group)


if __name__ == "__main__":
    main()
