"""The onboarding role through playbooks/onboard.yml against the simulator: twenty newcomers
(the request economy of the bulk forms), existing members (new workspaces and groups,
reactivation, a workspace nobody is in yet), and the refusals that come before any write."""

import re

import pytest
import yaml
from helpers import api_get, by_method, changed_tasks, requests_of, role_cycle, run_logged, seed, writes_in

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


def folded_reads(log):
    """requests_of(log) with each run of writes as ("WRITES", n) and each read repeated right
    after itself (a re-read waiting out the read lag) folded into one."""
    folded = []
    for method, path, query in requests_of(log):
        if method != "GET":
            if folded and folded[-1][0] == "WRITES":
                folded[-1] = ("WRITES", folded[-1][1] + 1, None)
            else:
                folded.append(("WRITES", 1, None))
        elif not folded or folded[-1][:2] != (method, path):
            folded.append((method, path, query))
    return folded


def results_fact(run):
    return run.task(RESULTS)["result"]["ansible_facts"]["toggl_onboarding_results"]


@pytest.mark.converge
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
    writes = by_method(writes_in(cycle["first_log"]))
    assert writes == {"POST": 5, "PUT": 20, "total": 25}
    # The reads: the organization (3), then per writing task its state, the admin check right
    # before its writes (/me/organizations: engine.require_admin) and one re-read after them,
    # repeated while the read lag still shows the state before the writes (folded here).
    assert [(m, p) for m, p, _q in folded_reads(cycle["first_log"])] == [
        ("GET", "/me/organizations"),
        ("GET", "/organizations/10/users"),
        ("GET", "/organizations/10/groups"),
        ("GET", "/organizations/10/users"),
        ("GET", "/me/organizations"),
        ("GET", "/organizations/10/groups"),
        ("WRITES", 5),
        ("GET", "/organizations/10/users"),
        ("GET", "/organizations/10/workspaces/100/workspace_users"),
        ("GET", "/me/organizations"),
        ("WRITES", 20),
        ("GET", "/organizations/10/workspaces/100/workspace_users"),
    ]
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


@pytest.mark.converge
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
    # The workspace nobody is in costs its one /me/workspaces lookup; the organization id none;
    # each of the 3 writing tasks checks the admin right before its writes (/me/organizations).
    me = [e["path"] for e in first_log if e["path"].startswith("/api/v9/me")]
    assert me == ["/api/v9/me/workspaces"] + ["/api/v9/me/organizations"] * 3
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
    # Swagger: organization_admin (organization_user.Payload), and an existing member into a
    # workspace with the organization user PUT's workspaces (his whole direct set: none before).
    assert puts == [
        ("/organizations/10/users/1007", {"organization_admin": True}),
        ("/organizations/10/users/1006", {"inactive": False}),
        ("/organizations/10/users/1007", {"workspaces": [{"workspace_id": 100}]}),
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


# --- a second administrator writing between the role's read and its write (issue 11, item 3) ---

ADMIN2 = "tok-admin2"  # admin2@example.com, a second administrator of Acme (seeds/roles.json)
# Existing member carol (user 4, organization user 1004): directly in Acme HQ, in Engineering
# (which gives Acme Labs); the role puts her into Support and into Acme Empty (102).
CAROL = [
    {"email": "carol@example.com", "workspaces": [{"name": "Acme HQ"}, {"name": "Acme Empty"}], "groups": ["Support"]}
]
CAROL_VARS = {"toggl_organization": "Acme", "toggl_onboarding_people": CAROL}
# The role's write of carol's groups / of her Acme Labs membership, in either form the API has:
# the group's own PUT (whole member list), carol's organization user PUT (whole group or
# workspace list: Swagger's organization_user.Payload), or the pages' assignments.
CAROL_USER = "/api/v9/organizations/10/users/1004"
EMPTY_WRITE = re.compile(r"^/api/v9/(organizations/10/workspaces/102/assignments|workspaces/102/\w+(/\d+)?)$")


def group_write(write):
    """The role's write of Support's members or of carol's groups."""
    if write["path"] == CAROL_USER:
        return isinstance(write["body"], dict) and "groups" in write["body"]
    return write["path"] == "/api/v9/organizations/10/groups/302"


def workspace_write(write):
    """The role's write of carol's Acme Empty membership."""
    if write["path"] == CAROL_USER:
        return isinstance(write["body"], dict) and "workspaces" in write["body"]
    return bool(EMPTY_WRITE.match(write["path"]))


_PROBES = {}


def carol_probe(simulator, run_playbook):
    """The requests of a clean run of CAROL_VARS (once per module): where the interleave goes."""
    if "log" not in _PROBES:
        simulator.reset(seed("roles"))
        run, log = run_logged(simulator, run_playbook, "playbooks/onboard.yml", extra_vars=CAROL_VARS)
        assert run.rc == 0, run
        _PROBES["log"] = log
        simulator.reset(seed("roles"))
    return _PROBES["log"]


def interleave_before(simulator, run_playbook, target, request, at_first_read=False):
    """Run CAROL_VARS with `request` (sent as tok-admin2) served just before the role's first
    write that `target` picks (or, with `at_first_read`, before the role's first read, when it
    plans from the organization as it is: the write comes seconds later, from a plan that does
    not show the other admin's change); the run succeeds, or fails cleanly and a rerun
    succeeds; then a last rerun writes nothing. Returns the runs' logs."""
    log = carol_probe(simulator, run_playbook)
    writes = writes_in(log)
    hits = [write for write in writes if target(write)]
    assert hits, "no %s in the role's writes: %s" % (target.__name__, [(w["method"], w["path"]) for w in writes])
    hit = log[0] if at_first_read else hits[0]
    earlier = log[: next(i for i, entry in enumerate(log) if entry is hit)]
    skip = sum(1 for entry in earlier if (entry["method"], entry["path"]) == (hit["method"], hit["path"]))
    rule = {
        "method": hit["method"],
        "path": "^%s$" % re.escape(hit["path"]),
        "status": "interleave",
        "request": dict(request, token=ADMIN2),
        "times": 1,
        "skip": skip,
    }
    simulator.reset(seed("roles"))
    simulator.faults([rule])
    run, log = run_logged(simulator, run_playbook, "playbooks/onboard.yml", extra_vars=CAROL_VARS)
    logs = [log]
    # The other administrator's request was served (it is not in the log: the rule records it).
    served = [result for rule in simulator.fault_rules() for result in rule.get("interleaved", [])]
    assert len(served) == 1 and served[0]["status"] < 400, served
    if run.rc != 0:
        # Failing is allowed only cleanly, naming what another writer changed; a rerun converges.
        message = " ".join(str(task["result"].get("msg")) for task in run.failed_tasks)
        assert "Traceback" not in message and "MODULE FAILURE" not in message, run
        rerun, rerun_log = run_logged(simulator, run_playbook, "playbooks/onboard.yml", extra_vars=CAROL_VARS)
        assert rerun.rc == 0, rerun
        logs.append(rerun_log)
    last, last_log = run_logged(simulator, run_playbook, "playbooks/onboard.yml", extra_vars=CAROL_VARS)
    assert last.rc == 0 and writes_in(last_log) == [] and changed_tasks(last) == [], last
    return logs


def direct_workspaces(simulator, user_id):
    state = simulator.state()
    return sorted(
        row["workspace_id"] for row in state["workspace_users"] if row["user_id"] == user_id and row["direct"]
    )


def group_users(simulator):
    return {group["name"]: sorted(group["user_ids"]) for group in simulator.state()["groups"]}


def test_a_member_another_admin_adds_to_the_group_survives(simulator, run_playbook):
    """tok-admin2 puts Mel (user 91) into Support between the role's read of it and its write
    adding carol: Support ends with Alice (2), carol (4) and Mel."""
    request = {
        "method": "PUT",
        "path": "/api/v9/organizations/10/groups/302",
        "body": {"name": "Support", "users": [2, 91], "workspaces": []},
    }
    interleave_before(simulator, run_playbook, group_write, request)
    assert group_users(simulator)["Support"] == [2, 4, 91]
    assert group_users(simulator)["Engineering"] == [3, 4]


def test_a_group_another_admin_gives_the_same_person_survives(simulator, run_playbook):
    """tok-admin2 puts carol into Contractors between the role's read of her groups and its
    write putting her into Support: she ends in Engineering, Contractors and Support."""
    request = {
        "method": "PUT",
        "path": "/api/v9/organizations/10/groups/301",
        "body": {"name": "Contractors", "users": [4], "workspaces": []},
    }
    interleave_before(simulator, run_playbook, group_write, request)
    groups = group_users(simulator)
    assert (groups["Engineering"], groups["Contractors"], groups["Support"]) == ([3, 4], [4], [2, 4])


def test_a_workspace_another_admin_gives_the_same_person_survives(simulator, run_playbook):
    """tok-admin2 puts carol directly into Acme Labs (101) after the role read the organization
    and before it puts her into Acme Empty (102): she ends directly in all three.

    The Swagger's only way to put an existing member into a workspace is her organization user
    PUT with `workspaces`, her whole direct set, so the module re-reads that set right before
    the PUT and checks it after. A change that lands between that re-read and the PUT (or that
    the read lag still hides from the re-read) cannot be seen by any client and is lost: the
    Swagger has no form that adds one workspace. The test places the other admin's write where
    the role reads, seconds before its write."""
    request = {
        "method": "PUT",
        "path": "/api/v9/organizations/10/users/1004",
        "body": {"workspaces": [{"workspace_id": 100, "role": "user"}, {"workspace_id": 101, "role": "user"}]},
    }
    interleave_before(simulator, run_playbook, workspace_write, request, at_first_read=True)
    assert direct_workspaces(simulator, 4) == [100, 101, 102]
