#!/usr/bin/python
# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: toggl_rate
short_description: Set Toggl Track billable rates and labor costs
version_added: 0.1.0
description:
  - Ensures the billable rate or labor cost in effect for a workspace, workspace user, project,
    project user or task has the given O(amount).
  - "A rate has no name and no delete in the Toggl API: it is a history of periods. This module
    reads the history of the target (one C(GET /workspaces/{ws}/rates/{level}/{id})) and takes as
    the rate in effect the period whose C(deleted_at) is null and which covers the moment that
    matters: now, or O(start) when given. A period scheduled to start later is not in effect yet."
  - "Now is the API's clock, not the controller's: the C(Date) header of the answer that listed the
    periods (whole seconds, so a period that started within that second counts as started). A controller
    whose clock is hours off still converges."
  - When that period already has the desired amount, nothing is sent. Otherwise one
    C(POST /workspaces/{ws}/rates) adds a period, closing the earlier ones as O(mode) or O(start) says.
    The Swagger answers it with C(201) and no body, so the history is read again (with backoff, as the API
    may list the period seconds later) until the new period is in effect; the result is that period. A
    C(POST) whose answer was lost is followed by the same re-read, which adopts the period it created.
  - A write needs the token's user to be an admin of the workspace (organization admins are; read from
    the C(admin) flag of C(GET /workspaces/{ws})); without it the task fails before any write (in check mode
    too) with C(the token's user is not an admin of workspace ...).
  - A target without any period in effect gets its first one the same way.
  - Rates need a paid plan. On a Free plan the task fails with the API's message
    C(Billable rates are available for Starter and higher plans.) and writes nothing.
  - The reference pages name the same things differently on the two endpoints (the read calls a
    workspace user C(user) and the labor type C(labor_costs), the write C(workspace_user) and
    C(labor_rates)); the module sends each endpoint its own page's word.
  - The Toggl API cannot delete rates, so there is no O(ignore:state=absent).
author:
  - trackops.toggl contributors (@trackops)
options:
  organization:
    description:
      - The organization of O(workspace), by numeric id or by name.
      - Needed with a workspace name only when the token sees workspaces of that name in more than one
        organization; without it the name is looked up among all the token's workspaces (the same one
        C(GET /me/workspaces)), and a name in two organizations fails asking for it.
      - When O(user) is an email and O(workspace) an id,
        giving it (as an id) saves the one C(GET /workspaces/{id}) that would find it.
    type: str
  workspace:
    description:
      - The workspace, by numeric id or by name (see O(organization)).
    type: str
    required: true
  level:
    description:
      - What the rate is for.
      - V(workspace) is the workspace's default rate (its target is O(workspace) itself).
      - V(workspace_user) takes O(user) or O(level_id) (the workspace user id).
      - V(project) takes O(project) or O(level_id) (the project id).
      - V(project_user) takes O(level_id) (the project user id).
      - V(task) takes O(task_id) or O(level_id) (the task id).
      - Required unless O(rates) is given; then it is the default of each entry.
    type: str
    choices: [workspace, workspace_user, project, project_user, task]
  user:
    description:
      - For O(level=workspace_user), the user, by email (case-insensitive) or user id.
      - An email costs one read of the workspace's users. A user id costs nothing when the rate is
        already right; a change reads the workspace's users once, for the workspace user id the
        write needs.
    type: str
  project:
    description:
      - For O(level=project), the project, by id or by name (one read of the workspace's projects named so).
      - A name of digits only (V(4711)) is a name when the workspace has a project of that name, else an id;
        that check costs the same read. O(level_id) is always an id.
    type: str
  task_id:
    description:
      - For O(level=task), the task id.
    type: int
  level_id:
    description:
      - The target's numeric id at O(level), as the API's C(level_id) takes it (for V(workspace_user),
        the workspace user id, which costs one read of the workspace's users to find the user id the read needs).
    type: int
  type:
    description:
      - V(billable) for the billable rate, V(labor) for the labor cost.
    type: str
    choices: [billable, labor]
    default: billable
  amount:
    description:
      - The desired amount, greater than 0.
      - Required unless O(rates) is given.
    type: float
  mode:
    description:
      - How a new amount applies to time already tracked, when it must be written.
      - V(override-all) replaces the whole history; V(override-current) replaces the period in effect
        (from its start); V(start-today) starts a new period today and ends the old one there.
      - Without O(mode) and O(start), V(override-current) (the API's default rate change mode) is sent.
      - Mutually exclusive with O(start).
      - It decides how a change is written, not whether there is one, so it alone never causes a change.
    type: str
    choices: [override-all, override-current, start-today]
  start:
    description:
      - Start the new amount at this moment instead of using a O(mode), e.g. V(2026-07-01) (midnight UTC)
        or V(2026-07-01T00:00:00Z). The period in effect then ends there; later periods are replaced.
      - The task compares the amount in effect at this moment, so a scheduled change converges too.
      - Mutually exclusive with O(mode).
    type: str
  rates:
    description:
      - The list form, several rates of O(workspace) in one task. Each entry takes O(level), O(user),
        O(project), O(task_id), O(level_id), O(type), O(amount), O(mode) and O(start); the same options
        at the top level are the defaults of every entry (an entry's O(start) or O(mode) replaces the
        other one's default).
      - Every entry is validated and read before the first write, so a bad entry fails with nothing written.
        The workspace's users are read once for all entries; each entry's rate history is one read
        (the API has no list of every rate).
      - The result is then RV(rates), a list in the entries' order.
    type: list
    elements: dict
    suboptions:
      level:
        description: As O(level).
        type: str
        choices: [workspace, workspace_user, project, project_user, task]
      user:
        description: As O(user).
        type: str
      project:
        description: As O(project).
        type: str
      task_id:
        description: As O(task_id).
        type: int
      level_id:
        description: As O(level_id).
        type: int
      type:
        description: As O(type) (default the top-level O(type)).
        type: str
        choices: [billable, labor]
      amount:
        description: As O(amount).
        type: float
      mode:
        description: As O(mode).
        type: str
        choices: [override-all, override-current, start-today]
      start:
        description: As O(start).
        type: str
extends_documentation_fragment:
  - trackops.toggl.toggl
  - trackops.toggl.toggl.attributes
notes:
  - "Requests: a converged run sends one C(GET) of the rate history per rate (plus C(GET /me/organizations) and
    C(GET /me/workspaces) when the workspace is a name, the workspace's users for an email, the projects named
    for a project name); a change adds C(GET /me/organizations) for the right (and C(GET /workspaces/{id})
    for the organization when O(organization) is not given), one C(POST) per rate and, when the C(POST)
    answers no body (the Swagger's 201), one or more re-reads of the history."
seealso:
  - module: trackops.toggl.toggl_workspace
"""

EXAMPLES = r"""
- name: Workspace default billable rate of 95, for time tracked from today on
  trackops.toggl.toggl_rate:
    workspace: 100
    level: workspace
    amount: 95
    mode: start-today

- name: Bob's labor cost, corrected for all his time
  trackops.toggl.toggl_rate:
    organization: Acme
    workspace: Delivery
    level: workspace_user
    user: bob@example.com
    type: labor
    amount: 42.5
    mode: override-all

- name: A project rate that changes on the first of July
  trackops.toggl.toggl_rate:
    workspace: 100
    level: project
    project: Website
    amount: 120
    start: "2026-07-01"

- name: Several rates in one task
  trackops.toggl.toggl_rate:
    organization: 10
    workspace: 100
    mode: start-today
    rates:
      - {level: workspace_user, user: alice@example.com, amount: 110}
      - {level: workspace_user, user: bob@example.com, amount: 90}
      - {level: workspace_user, user: bob@example.com, type: labor, amount: 40}
      - {level: task, task_id: 1100, amount: 130}
"""

RETURN = r"""
rate:
  description:
    - The period in effect after the task, as C(GET /workspaces/{ws}/rates/...) lists it.
    - After a write, the period the API answered with (or, when it answers without a body, the prediction).
    - In check mode, the predicted new period, with C(id=null) and the values the server decides null.
  returned: success, without O(rates)
  type: dict
  contains:
    id:
      description: Rate period id.
      type: int
      sample: 4711
    amount:
      description: The amount.
      type: float
      sample: 95.0
    type:
      description: C(billable_rates) or C(labor_costs).
      type: str
      sample: billable_rates
    start:
      description: When the period starts (RFC 3339, UTC).
      type: str
      sample: "2026-07-01T00:00:00Z"
    end:
      description: When it ends, or null.
      type: str
      sample: null
  sample: {"id": 4711, "amount": 95.0, "type": "billable_rates", "start": "2026-07-01T00:00:00Z", "end": null,
           "deleted_at": null, "rate_change_mode": "", "workspace_id": 100, "workspace_user_id": null,
           "project_id": null, "project_user_id": null, "planned_task_id": null}
rates:
  description: With O(rates), the RV(rate) of each entry, in the entries' order.
  returned: success, with O(rates)
  type: list
  elements: dict
  sample: [{"id": 4711, "amount": 110.0, "type": "billable_rates"}]
api_requests:
  description: The requests this task sent to the Toggl APIs, by HTTP method, retries included, and their C(total).
  returned: always
  type: dict
  sample: {"GET": 1, "total": 1}
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
from ansible_collections.trackops.toggl.plugins.module_utils.resources.rate import LEVELS, MODES, Rate, rate_entries

RATE_OPTIONS = dict(
    level=dict(type="str", choices=list(LEVELS)),
    user=dict(type="str"),
    project=dict(type="str"),
    task_id=dict(type="int"),
    level_id=dict(type="int"),
    type=dict(type="str", choices=["billable", "labor"]),
    amount=dict(type="float"),
    mode=dict(type="str", choices=list(MODES)),
    start=dict(type="str"),
)


def main():
    spec = dict(organization=dict(type="str"), workspace=dict(type="str", required=True), **RATE_OPTIONS)
    spec["type"] = dict(type="str", choices=["billable", "labor"], default="billable")
    spec["rates"] = dict(type="list", elements="dict", options=RATE_OPTIONS)
    module = TogglModule(argument_spec=spec, mutually_exclusive=[("mode", "start")])
    if module.params["rates"] is None:
        module.run(Rate)
    else:
        entries = module.entries("rates", RATE_OPTIONS)
        module.run_many(Rate, rate_entries(module.params["rates"], entries))


if __name__ == "__main__":
    main()
