"""The onboarding role through playbooks/onboard.yml against the simulator: twenty newcomers
(the request economy of the bulk forms), existing members (new workspaces and groups,
reactivation, a workspace nobody is in yet), and the refusals that come before any write."""

import pytest
import yaml
from helpers import api_get, by_method, changed_tasks, role_cycle, run_logged, seed, writes_in

ROLE = "trackops.toggl.onboarding : "
INVITE = ROLE + "Invite the newcomers and set everyone's organization membership (one bulk task)"
WORKSPACES = ROLE + "Put the people into each workspace with their role and settings (one bulk task per workspace)"
GROUPS = ROLE + "Add the people to each group they are not in yet, keeping its other members"
RESULTS = ROLE + "Expose the results of the onboarding tasks"
GROUP_NAMES = ["Engineering", "Contractors", "Support"]


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("roles"))


def twenty_people():
    """20 newcomers, each in two workspaces with a billable rate in the first, in one of 3 groups."""
    people = []
    for number in range(1, 21):
        people.append(
            {
                "email": "person%02d@example.com" % number,
                "workspaces": [
                    {"name": "Acme HQ", "role": "admin" if number <= 2 else "user", "rate": 80},
                    {"name": "Acme Labs"},
                ],
                "groups": [GROUP_NAMES[(number - 1) % 3]],
            }
        )
    return people


def org_users(simulator, organization=10):
    return {user["email"]: user for user in api_get(simulator, "/organizations/%d/users" % organization)}


def workspace_users(simulator, workspace):
    rows = api_get(simulator, "/workspaces/%d/workspace_users" % workspace, token="tok-owner")
    return {row["email"]: row for row in rows}


def group_members(simulator):
    users = {user["user_id"]: user["email"] for user in api_get(simulator, "/organizations/10/users")}
    return {
        group["name"]: sorted(users[member["user_id"]] for member in group["users"] or [])
        for group in api_get(simulator, "/organizations/10/groups")
    }


def results_fact(run):
    return run.task(RESULTS)["result"]["ansible_facts"]["toggl_onboarding_results"]


def test_twenty_newcomers_cost_requests_per_workspace_and_group(simulator, run_playbook):
    people = twenty_people()
    extra = {"toggl_organization": "Acme", "toggl_onboarding_people": people}
    # Check mode after convergence, pending invitations included, is test_audit.py's (no drift).
    cycle = role_cycle(simulator, run_playbook, "playbooks/onboard.yml", extra, late_check=False)

    # Check mode: the invitations are predicted; newcomers cannot be looked up in workspaces and
    # groups before they are invited, so those tasks are left to the real run.
    assert changed_tasks(cycle["check"]) == [INVITE]
    predicted = cycle["check"].task(INVITE)["result"]
    assert [user["status"] for user in predicted["organization_users"]] == ["invited"] * 20

    first = cycle["first"]
    # The invitations carry both workspaces with roles and the group: no workspace task for Labs
    # (roles only) and no group task.
    assert changed_tasks(first) == [INVITE, WORKSPACES]
    # One invitation per alike (workspaces with roles, groups), not one per person.
    invitations = [entry for entry in cycle["first_log"] if entry["path"].endswith("/invitations")]
    assert sorted(len(entry["body"]["emails"]) for entry in invitations) == [1, 1, 6, 6, 6]
    assert all([ws["workspace_id"] for ws in entry["body"]["workspaces"]] == [100, 101] for entry in invitations)
    # Per person only what the API has no bulk form for: the rate; and no read of the plan, since
    # the rate PUT is the workspace task's first write (on Free the API would refuse it, unwritten).
    assert by_method(cycle["first_log"]) == {"GET": 5, "POST": 5, "PUT": 20, "total": 30}
    # Converged: the organization read shows everything as wanted, so no module task runs.
    assert [(entry["method"], entry["path"].replace("/api/v9", "")) for entry in cycle["rerun_log"]] == [
        ("GET", "/me/organizations"),
        ("GET", "/organizations/10/users"),
        ("GET", "/organizations/10/groups"),
    ]

    members = org_users(simulator)
    hq, labs = workspace_users(simulator, 100), workspace_users(simulator, 101)
    for person in people:
        email = person["email"]
        assert members[email]["joined"] is False and members[email]["inactive"] is False
        assert hq[email]["role"] == person["workspaces"][0]["role"] and hq[email]["rate"] == 80
        assert labs[email]["role"] == "user" and labs[email]["is_direct"] is True
    groups = group_members(simulator)
    for index, name in enumerate(GROUP_NAMES):
        added = ["person%02d@example.com" % n for n in range(index + 1, 21, 3)]
        assert set(added) <= set(groups[name])
    # Existing members stay (append).
    assert {"bob@example.com", "carol@example.com"} <= set(groups["Engineering"])
    assert "alice@example.com" in groups["Support"]

    # The fact: organization task, then one result per workspace with rates (no group task).
    results = results_fact(first)
    assert len(results) == 1 + 1
    assert len(results[0]["organization_users"]) == 20
    assert [result["item"]["name"] for result in results[1:]] == ["Acme HQ"]
    assert all(result["changed"] for result in results)


def test_existing_members_reactivation_and_a_workspace_nobody_is_in(simulator, run_playbook):
    people = [
        # joined, in no workspace: into HQ with settings, made organization admin, into Support
        {
            "email": "Frank@Example.com",
            "admin": True,
            "workspaces": [{"name": "Acme HQ", "role": "projectlead", "working_hours_in_minutes": 420}],
            "groups": ["Support"],
        },
        # deactivated: reactivated, with a new rate
        {"email": "eve@example.com", "workspaces": [{"name": "Acme HQ", "rate": 65}]},
        # in Engineering already: one more group (by id), her HQ row (by id) gets a labor cost
        {
            "email": "carol@example.com",
            "workspaces": [{"name": 100, "labor_cost": 30}],
            "groups": ["Engineering", "302"],
        },
        # a newcomer into the workspace no member is in, so looked up by name
        {"email": "zoe@example.com", "workspaces": [{"name": "Acme Empty", "role": "admin"}]},
    ]
    extra = {"toggl_organization": "10", "toggl_onboarding_people": people}
    cycle = role_cycle(simulator, run_playbook, "playbooks/onboard.yml", extra, late_check=False)

    check = cycle["check"]
    assert changed_tasks(check) == [INVITE, WORKSPACES, GROUPS]
    diffs = {entry["after_header"]: entry for entry in check.task(INVITE)["result"]["diff"]}
    frank = diffs["organization_user frank@example.com (id 1007)"]
    assert (frank["before"]["admin"], frank["after"]["admin"]) == (False, True)
    eve = diffs["organization_user eve@example.com (id 1006)"]
    assert (eve["before"]["status"], eve["after"]["status"]) == ("inactive", "joined")
    assert diffs["organization_user zoe@example.com"]["after"]["status"] == "invited"
    # Only members in the check run's workspace and group tasks; zoe waits for her invitation.
    check_workspaces = check.task(WORKSPACES)["result"]["results"]
    assert [(r["item"]["name"], [u["user"] for u in r["item"]["users"]]) for r in check_workspaces] == [
        ("Acme HQ", ["Frank@Example.com", "eve@example.com", "carol@example.com"]),
    ]
    check_groups = check.task(GROUPS)["result"]["results"]
    assert [(r["item"]["name"], r["item"]["users"]) for r in check_groups] == [
        ("Support", ["Frank@Example.com", "carol@example.com"]),
    ]

    first_log = cycle["first_log"]
    # The workspace nobody is in costs its one /me/workspaces lookup; the organization id none.
    assert [e["path"] for e in first_log if e["path"].startswith("/api/v9/me")] == ["/api/v9/me/workspaces"]
    invitation = [e["body"] for e in first_log if e["path"].endswith("/invitations")]
    assert invitation == [
        {
            "emails": ["zoe@example.com"],
            "workspaces": [{"workspace_id": 102, "role": "admin"}],
            "groups": [],
            "skip_email": False,
        }
    ]
    frank_in_hq = workspace_users(simulator, 100)["frank@example.com"]["id"]
    puts = [(e["path"].replace("/api/v9", ""), e["body"]) for e in first_log if e["method"] == "PUT"]
    assert puts == [
        ("/organizations/10/users/1007", {"admin": True}),
        ("/organizations/10/users/1006", {"inactive": False}),
        ("/organizations/10/workspaces/100/assignments", [{"user_id": 7, "operation": "add"}]),
        ("/workspaces/100/workspace_users/%d" % frank_in_hq, {"role": "projectlead", "working_hours_in_minutes": 420}),
        ("/workspaces/100/workspace_users/2006", {"rate": 65.0}),
        ("/workspaces/100/workspace_users/2004", {"labor_cost": 30.0}),
    ]
    assert [e["path"] for e in first_log if e["method"] == "PATCH"] == ["/api/v9/organizations/10/groups/302"]

    members = org_users(simulator)
    assert members["frank@example.com"]["admin"] is True
    assert members["eve@example.com"]["inactive"] is False
    assert members["zoe@example.com"]["joined"] is False
    hq, empty = workspace_users(simulator, 100), workspace_users(simulator, 102)
    assert hq["eve@example.com"]["inactive"] is False and hq["eve@example.com"]["rate"] == 65
    assert hq["carol@example.com"]["labor_cost"] == 30
    assert hq["frank@example.com"]["role"] == "projectlead"
    assert hq["frank@example.com"]["working_hours_in_minutes"] == 420
    assert empty["zoe@example.com"]["role"] == "admin"
    assert group_members(simulator)["Support"] == ["alice@example.com", "carol@example.com", "frank@example.com"]


def refusal_playbook(cases):
    """One block per case: the role included, its failure recorded; then every failure shown."""
    tasks = []
    for name, organization, people in cases:
        tasks.append(
            {
                "name": "Case " + name,
                "block": [
                    {
                        "name": "Onboard (%s)" % name,
                        "ansible.builtin.include_role": {"name": "trackops.toggl.onboarding"},
                        "vars": {"toggl_organization": organization, "toggl_onboarding_people": people},
                    }
                ],
                "rescue": [
                    {
                        "name": "Record the failure (%s)" % name,
                        "ansible.builtin.set_fact": {
                            "failures": "{{ failures | default({}) | combine({%r: ansible_failed_result}) }}" % name
                        },
                    }
                ],
            }
        )
    tasks.append({"name": "Failures", "ansible.builtin.debug": {"var": "failures"}})
    return yaml.safe_dump([{"name": "refusals", "hosts": "localhost", "gather_facts": False, "tasks": tasks}])


def failure_message(result):
    """The message of a failed task, or of the failed item of a failed loop."""
    failed_items = [item for item in result.get("results") or [] if item.get("failed")]
    return failed_items[0]["msg"] if failed_items else result["msg"]


def test_refusals_come_before_any_write(simulator, run_playbook):
    hq = {"name": "Acme HQ"}
    cases = [
        ("unknown group", "Acme", [{"email": "x@example.com", "workspaces": [hq], "groups": ["Nope", "Support"]}]),
        ("free plan", "Freebie", [{"email": "gina@example.com", "workspaces": [{"name": "Free Space", "rate": 10}]}]),
        ("unknown workspace", "Acme", [{"email": "x@example.com", "workspaces": [{"name": "Nowhere"}]}]),
    ]
    run, log = run_logged(simulator, run_playbook, refusal_playbook(cases))
    assert run.rc == 0, run
    assert writes_in(log) == []
    failures = {name: failure_message(result) for name, result in run.task("Failures")["result"]["failures"].items()}
    assert failures["unknown group"].startswith(
        "toggl_onboarding_people: group(s) Nope not found in organization Acme; create them with "
        "trackops.toggl.toggl_group first. Nothing was written."
    )
    assert failures["free plan"] == (
        "needs a paid Toggl plan: organization Freebie is on the Free plan, which has no rates, labor costs or "
        "working hours (gina@example.com in Free Space: rate). Nothing was written."
    )
    assert failures["unknown workspace"] == "workspace 'Nowhere' not found in organization 10"
