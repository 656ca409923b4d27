"""toggl_group against the simulator: create, exact and additive membership, rename, delete,
the race on create, failures before any write, and what every state costs in requests.

Seed groups.json, organization Acme (10): owner 1, alice 2 (admin), bob 3, carol 4, dan 5
(pending invitation); workspaces Acme HQ (100) and Acme Labs (101); groups Engineering (200:
owner, alice, bob; HQ), Contractors (201: carol; project group 5000 on Website) and
"design team" (202).
"""

import threading
import time

import pytest
import requests
import yaml
from helpers import CHECK_AFTER, api_get, calls, converge_cycle, result_of, run_logged, seed, task_playbook, writes_in

API = "/api/v9"
GROUPS = API + "/organizations/10/groups"


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("groups"))


def group_playbook(**args):
    return task_playbook("toggl_group", args)


def tasks_playbook(tasks):
    """One play of several toggl_group tasks, each (name, args); failures do not stop the play."""
    play = {
        "name": "integration",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{"name": name, "trackops.toggl.toggl_group": args, "ignore_errors": True} for name, args in tasks],
    }
    return yaml.safe_dump([play], sort_keys=False)


def group_in_state(simulator, group_id):
    found = [g for g in api_get(simulator, "/organizations/10/groups") if g["group_id"] == group_id]
    return found[0] if found else None


def member_ids(group):
    return sorted(user["user_id"] for user in group["users"])


@pytest.mark.converge
def test_create_with_members_by_email_and_id_and_workspaces_by_name_and_id(simulator, run_playbook):
    playbook = group_playbook(
        organization="Acme",
        name="QA",
        users=["ALICE@Example.com", "3", "dan@example.com"],
        workspaces=["Acme Labs", "100"],
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    created = cycle["first"]["group"]
    assert cycle["check"]["group"]["group_id"] is None and created["group_id"] > 5000
    expected_after = {
        "name": "QA",
        "users": ["alice@example.com", "bob@example.com", "dan@example.com"],
        "workspaces": [100, 101],
    }
    assert cycle["first"]["diff"]["before"] == {}
    assert cycle["first"]["diff"]["after"] == expected_after
    assert [(u["user_id"], u["email"]) for u in created["users"]] == [
        (2, "alice@example.com"),
        (3, "bob@example.com"),
        (5, "dan@example.com"),
    ]
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("POST", GROUPS, {"name": "QA", "users": [2, 3, 5], "workspaces": [100, 101]})
    ]
    # organization and workspace names, the group list, the users list (one page): one read each
    assert sorted(calls(cycle["second_log"])) == sorted(
        [
            ("GET", API + "/me/organizations"),
            ("GET", GROUPS),
            ("GET", API + "/organizations/10/users"),
            ("GET", API + "/me/workspaces"),
        ]
    )
    assert cycle["second"]["api_requests"] == {"GET": 4, "total": 4}
    # membership reaches the workspaces: alice is in Acme Labs through the group only
    rows = api_get(simulator, "/workspaces/101/workspace_users?includeIndirect=true")
    alice = [row for row in rows if row["user_id"] == 2]
    assert len(alice) == 1 and alice[0]["is_direct"] is False and alice[0]["group_ids"] == [created["group_id"]]


@pytest.mark.converge
def test_exact_lists_in_one_patch_keep_the_owner_with_a_warning(simulator, run_playbook):
    playbook = group_playbook(
        organization=10, name="Engineering", users=["carol@example.com", "BOB@example.com"], workspaces=[]
    )
    cycle = converge_cycle(simulator, run_playbook, playbook, allow_warnings=True)
    assert cycle["first"]["diff"]["before"] == {
        "name": "Engineering",
        "users": ["alice@example.com", "bob@example.com", "owner@example.com"],
        "workspaces": [100],
    }
    assert cycle["first"]["diff"]["after"] == {
        "name": "Engineering",
        "users": ["bob@example.com", "carol@example.com", "owner@example.com"],
        "workspaces": [],
    }
    warning = (
        "group 'Engineering': kept owner@example.com in the group: an exact users list never removes the "
        "organization owner or the token's own user"
    )
    assert cycle["first_run"].warnings == ["under test: " + warning]
    # the rerun and check mode after it warn alike
    assert cycle["rerun"].warnings == ["under test: " + warning, "under test" + CHECK_AFTER + ": " + warning]
    writes = writes_in(cycle["first_log"])
    assert [(e["method"], e["path"], e["body"]) for e in writes] == [
        (
            "PATCH",
            GROUPS + "/200",
            [
                {"op": "add", "path": "/users", "value": [4]},
                {"op": "remove", "path": "/users", "value": [2]},
                {"op": "remove", "path": "/workspaces", "value": [100]},
            ],
        )
    ]
    # alice is not the owner: GET /me tells whether she is the token's user; /me/organizations
    # tells the token's user is an admin (before the write)
    assert cycle["first"]["api_requests"] == {"GET": 4, "PATCH": 1, "total": 5}
    # only the owner is left to keep: known from the user list, no GET /me
    assert cycle["second"]["api_requests"] == {"GET": 2, "total": 2}
    group = group_in_state(simulator, 200)
    assert member_ids(group) == [1, 3, 4] and group["workspaces"] == []
    # out of the group is not out of the organization
    members = {u["user_id"]: u for u in api_get(simulator, "/organizations/10/users")}
    assert members[2]["inactive"] is False


@pytest.mark.converge
def test_append_only_adds_and_an_unset_list_is_left_alone(simulator, run_playbook):
    playbook = group_playbook(
        organization=10, name="Engineering", users=["carol@example.com", "alice@example.com"], append=True
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert [(e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (GROUPS + "/200", [{"op": "add", "path": "/users", "value": [4]}])
    ]
    assert cycle["first"]["diff"]["after"] == {
        "name": "Engineering",
        "users": ["alice@example.com", "bob@example.com", "carol@example.com", "owner@example.com"],
        "workspaces": [100],
    }
    assert cycle["second"]["api_requests"] == {"GET": 2, "total": 2}
    group = group_in_state(simulator, 200)
    assert member_ids(group) == [1, 2, 3, 4] and group["workspaces"] == [100]


@pytest.mark.converge
def test_rename_by_id_with_membership_change_is_one_put(simulator, run_playbook):
    users = ["alice@example.com", "owner@example.com"]
    playbook = group_playbook(organization=10, id=200, name="Platform", users=users)
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", GROUPS + "/200", {"name": "Platform", "users": [1, 2], "workspaces": [100]})
    ]
    assert cycle["first"]["diff"]["before"]["name"] == "Engineering"
    assert cycle["first"]["diff"]["after"] == {"name": "Platform", "users": users, "workspaces": [100]}
    assert sorted(user["email"] for user in cycle["first"]["group"]["users"]) == users
    assert group_in_state(simulator, 200)["name"] == "Platform"


@pytest.mark.converge
def test_delete_by_name_then_absent_is_unchanged(simulator, run_playbook):
    playbook = group_playbook(organization=10, name="Contractors", state="absent")
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert calls(writes_in(cycle["first_log"])) == [("DELETE", GROUPS + "/201")]
    assert cycle["first"]["diff"]["before"] == {"name": "Contractors", "workspaces": []}
    assert cycle["first"]["group"] is None
    assert cycle["second"]["api_requests"] == {"GET": 1, "total": 1}
    assert group_in_state(simulator, 201) is None
    assert api_get(simulator, "/workspaces/100/project_groups?project_ids=1000") == []
    # by id, already gone: unchanged, one read
    run, log = run_logged(simulator, run_playbook, group_playbook(organization=10, id=201, state="absent"))
    assert result_of(run)["changed"] is False and writes_in(log) == []


def test_failures_name_the_culprit_before_any_write(simulator, run_playbook):
    playbook = tasks_playbook(
        [
            (
                "unknown email",
                {"organization": 10, "name": "Engineering", "users": ["bob@example.com", "nobody@x.org"]},
            ),
            ("unknown workspace", {"organization": 10, "name": "Engineering", "workspaces": ["Nowhere"]}),
            ("unknown group id", {"organization": 10, "id": 999, "users": []}),
            ("rename onto a taken name", {"organization": 10, "id": 200, "name": "Contractors"}),
            ("members with absent", {"organization": 10, "name": "Engineering", "users": [], "state": "absent"}),
        ]
    )
    run, log = run_logged(simulator, run_playbook, playbook)
    expected = {
        # The names are resolved first, so an unknown one fails before the groups are read.
        "unknown email": ("user 'nobody@x.org' not found in organization 10", 1),
        "unknown workspace": ("workspace 'Nowhere' not found in organization 10", 1),
        # users (even empty) are resolved against the member list before the group is looked up.
        "unknown group id": ("group 999 not found in organization 10", 2),
        "rename onto a taken name": ("name: group 'Contractors' (id 201) already has that name", 1),
        "members with absent": ("users: is not used with state=absent, which deletes the group;", 0),
    }
    for name, (message, reads) in expected.items():
        task = run.task(name)
        assert task["status"] == "failed", (name, task)
        result = task["result"]
        assert result["msg"].startswith(message), (name, result["msg"])
        assert "Traceback" not in result["msg"] and "module_stderr" not in result
        assert result["api_requests"] == ({"GET": reads, "total": reads} if reads else {"total": 0}), name
    assert writes_in(log) == []


def test_a_name_taken_in_other_case_fails_naming_the_group(simulator, run_playbook):
    """Toggl (as the simulator models it) refuses a name that differs only in case."""
    run, log = run_logged(simulator, run_playbook, group_playbook(organization=10, name="Design Team"))
    task = run.task("under test")
    assert task["status"] == "failed"
    assert task["result"]["msg"] == (
        "Toggl refused to create group 'Design Team' (Name has already been taken), and no group has exactly "
        "that name; the same name in other case or spacing: 'design team' (id 202)"
    )
    assert [(e["method"], e["path"], e["status"]) for e in writes_in(log)] == [("POST", GROUPS, 400)]
    assert task["result"]["api_requests"] == {"GET": 3, "POST": 1, "total": 4}


def test_group_created_meanwhile_by_another_run_is_adopted(simulator, run_playbook):
    """Another run creates the group between this task's read and its create.

    The simulator answers the task's first POST with 429 and Retry-After: 4; while the task
    waits to retry, the test creates "Release" as alice would from another run. The retried
    POST gets "Name has already been taken", and the task reads the groups again and makes
    the group match (exact lists) with one PATCH.
    """
    simulator.faults([{"method": "POST", "path": "/organizations/10/groups$", "status": 429, "retry_after": 4}])
    playbook = group_playbook(organization=10, name="Release", users=["alice@example.com"], workspaces=["100"])
    outcome = {}

    def run_task():
        try:
            outcome["run"] = run_playbook(playbook, diff=True)
        except BaseException as error:  # surfaced by the main thread
            outcome["error"] = error

    simulator.clear_requests()
    worker = threading.Thread(target=run_task)
    worker.start()
    deadline = time.monotonic() + 30
    while not any(e["method"] == "POST" and e["status"] == 429 for e in simulator.requests()):
        assert time.monotonic() < deadline, "the task never sent its first POST"
        time.sleep(0.05)
    other_run = requests.post(
        simulator.api_url + "/organizations/10/groups",
        json={"name": "Release", "users": [3], "workspaces": [101]},
        auth=("tok-alice", "api_token"),
        timeout=10,
    )
    assert other_run.status_code == 200, other_run.text
    worker.join(60)
    assert "error" not in outcome, outcome.get("error")
    result = result_of(outcome["run"])
    other_id = other_run.json()["group_id"]
    mine = [e for e in simulator.requests() if e["token"] == "tok-owner"]
    assert [(e["method"], e["path"], e["status"]) for e in mine] == [
        ("GET", API + "/organizations/10/users", 200),  # the names first, before deciding
        ("GET", GROUPS, 200),
        ("GET", API + "/me/organizations", 200),  # the admin right, before the first write
        ("POST", GROUPS, 429),
        ("POST", GROUPS, 400),
        ("GET", GROUPS, 200),
        ("GET", API + "/me", 200),  # bob is dropped: is he the token's user (who would be kept)?
        ("PATCH", GROUPS + "/%s" % other_id, 200),
    ]
    assert mine[-1]["body"] == [
        {"op": "add", "path": "/users", "value": [2]},
        {"op": "remove", "path": "/users", "value": [3]},
        {"op": "add", "path": "/workspaces", "value": [100]},
        {"op": "remove", "path": "/workspaces", "value": [101]},
    ]
    assert result["changed"] is True and result["group"]["group_id"] == other_id
    assert result["diff"]["before"] == {"name": "Release", "users": ["bob@example.com"], "workspaces": [101]}
    assert result["diff"]["after"] == {"name": "Release", "users": ["alice@example.com"], "workspaces": [100]}
    adopted = group_in_state(simulator, other_id)
    assert member_ids(adopted) == [2] and adopted["workspaces"] == [100]
    assert len([g for g in api_get(simulator, "/organizations/10/groups") if g["name"] == "Release"]) == 1


# -- issue 11: other admins, lost answers, duplicates, names of digits, partial rights -----------


def group_seed(**changes):
    """The groups seed with organization Acme's groups replaced or extended."""
    data = seed("groups")
    acme = data["organizations"][0]
    if "extra_groups" in changes:
        acme["groups"] = acme["groups"] + changes["extra_groups"]
    return data


def test_rename_keeps_a_member_another_admin_added_after_the_first_read(start_simulator, run_playbook):
    """A second administrator adds carol (4) between this task's read and its PUT (the
    simulator's interleave fault, as tok-admin2, just before the task's re-read of the group).
    The rename's whole-list PUT carries the lists as they are then: carol stays.

    Without read lag, so that the re-read shows the other admin's write at once; with a lag, a
    change made within the lag before the PUT is not visible to any read of the task (see
    resources/group.py)."""
    other = start_simulator(seed("groups"), ["--read-lag-ms", "0"])
    other.faults(
        [
            {
                "method": "GET",
                "path": "/organizations/10/groups$",
                "skip": 1,
                "status": "interleave",
                "request": {
                    "method": "PATCH",
                    "path": API + "/organizations/10/groups/200",
                    "body": [{"op": "add", "path": "/users", "value": [4]}],
                    "token": "tok-admin2",
                },
            }
        ]
    )
    playbook = group_playbook(
        organization=10, id=200, name="Platform", users=["owner@example.com", "alice@example.com", "bob@example.com"]
    )
    run, log = run_logged(other, run_playbook, playbook, env={"TOGGL_API_URL": other.api_url})
    assert run.rc == 0, run
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(log)] == [
        ("PUT", GROUPS + "/200", {"name": "Platform", "users": [1, 2, 3, 4], "workspaces": [100]})
    ]
    group = group_in_state(other, 200)
    assert group["name"] == "Platform" and member_ids(group) == [1, 2, 3, 4]
    # The rerun decides on carol: the exact list takes her out (a decision on a read that shows her).
    rerun, rerun_log = run_logged(other, run_playbook, playbook, env={"TOGGL_API_URL": other.api_url})
    assert [(e["method"], e["body"]) for e in writes_in(rerun_log)] == [
        ("PATCH", [{"op": "remove", "path": "/users", "value": [4]}])
    ]
    assert result_of(rerun)["changed"] is True


def test_membership_change_does_not_undo_another_admins_addition(simulator, run_playbook):
    """The other admin adds carol just before this task's PATCH: a PATCH carries only this
    task's additions and removals, so carol stays."""
    simulator.faults(
        [
            {
                "method": "PATCH",
                "path": "/organizations/10/groups/200$",
                "status": "interleave",
                "request": {
                    "method": "PATCH",
                    "path": API + "/organizations/10/groups/200",
                    "body": [{"op": "add", "path": "/users", "value": [4]}],
                    "token": "tok-admin2",
                },
            }
        ]
    )
    run, log = run_logged(
        simulator, run_playbook, group_playbook(organization=10, name="Engineering", workspaces=[100, 101])
    )
    assert run.rc == 0, run
    assert [e["body"] for e in writes_in(log)] == [[{"op": "add", "path": "/workspaces", "value": [101]}]]
    assert member_ids(group_in_state(simulator, 200)) == [1, 2, 3, 4]


def test_a_create_whose_answer_was_lost_is_adopted(simulator, run_playbook):
    """The POST is applied, then the connection drops before its answer: the task reads the
    group list until the group shows, and reports it; the rerun changes nothing."""
    simulator.faults([{"method": "POST", "path": "/organizations/10/groups$", "status": "lost"}])
    playbook = group_playbook(organization=10, name="QA", users=["alice@example.com"])
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is True and result["group"]["name"] == "QA"
    assert [(e["method"], e["status"]) for e in writes_in(log)] == [("POST", "lost")]
    named = [g for g in api_get(simulator, "/organizations/10/groups") if g["name"] == "QA"]
    assert len(named) == 1 and member_ids(named[0]) == [2]
    rerun, rerun_log = run_logged(simulator, run_playbook, playbook)
    assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []


@pytest.mark.converge
def test_duplicates_of_a_name_keep_the_lowest_id(simulator, run_playbook):
    """Two groups named Engineering (a race of creates): the lowest id stays, the other goes."""
    simulator.reset(group_seed(extra_groups=[{"id": 210, "name": "Engineering", "users": [1, 2], "workspaces": []}]))
    playbook = group_playbook(organization=10, name="Engineering")
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert calls(writes_in(cycle["first_log"])) == [("DELETE", GROUPS + "/210")]
    assert cycle["first"]["group"]["group_id"] == 200
    assert cycle["first"]["group"]["removed_duplicates"] == [210]
    assert cycle["first"]["diff"]["before"]["duplicates"] == [210]
    assert cycle["first"]["diff"]["after"]["duplicates"] == []
    assert [g["group_id"] for g in api_get(simulator, "/organizations/10/groups") if g["name"] == "Engineering"] == [
        200
    ]


def test_duplicates_holding_more_are_not_deleted(simulator, run_playbook):
    simulator.reset(group_seed(extra_groups=[{"id": 210, "name": "Engineering", "users": [4], "workspaces": [101]}]))
    run, log = run_logged(simulator, run_playbook, group_playbook(organization=10, name="Engineering"))
    task = run.task("under test")
    assert task["status"] == "failed"
    assert task["result"]["msg"].startswith("found 2 groups named 'Engineering' in organization 10 (ids 200, 210)")
    assert writes_in(log) == []


@pytest.mark.converge
def test_a_group_named_with_digits_is_a_name(simulator, run_playbook):
    """ "2026" and "201" (also the id of Contractors) are names for a group's own name."""
    for name in ("2026", "201"):
        cycle = converge_cycle(
            simulator, run_playbook, group_playbook(organization=10, name=name, users=["bob@example.com"])
        )
        created = cycle["first"]["group"]
        assert created["name"] == name and created["group_id"] not in (201, 2026)
        assert [e["body"] for e in writes_in(cycle["first_log"])] == [{"name": name, "users": [3]}]
    assert group_in_state(simulator, 201)["name"] == "Contractors"


@pytest.mark.converge
def test_a_group_reference_of_digits_is_the_group_of_that_name(simulator, run_playbook):
    """A project group for group "2026" (a name; no group has id 2026) on project "4711" (a
    name; no project has id 4711), and for group "201" (no group is named so: the id)."""
    data = seed("groups")
    acme = data["organizations"][0]
    acme["groups"].append({"id": 230, "name": "2026", "users": [], "workspaces": [100]})
    acme["workspaces"][0]["projects"].append({"id": 1010, "name": "4711"})
    simulator.reset(data)
    playbook = task_playbook(
        "toggl_project_group", {"organization": 10, "workspace": 100, "project": "4711", "group": "2026"}
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert cycle["first"]["diff"]["after"] == {"workspace": 100, "project": 1010, "group": 230}
    by_id = task_playbook(
        "toggl_project_group", {"organization": 10, "workspace": 100, "project": "4711", "group": "201"}
    )
    cycle = converge_cycle(simulator, run_playbook, by_id)
    assert cycle["first"]["diff"]["after"] == {"workspace": 100, "project": 1010, "group": 201}


@pytest.mark.parametrize("check", [True, False])
def test_a_plain_member_fails_naming_the_right_before_any_write(simulator, run_playbook, check):
    run, log = run_logged(
        simulator,
        run_playbook,
        group_playbook(organization=10, name="QA"),
        check=check,
        env={"TOGGL_API_TOKEN": "tok-member"},
    )
    task = run.task("under test")
    assert task["status"] == "failed"
    assert task["result"]["msg"] == (
        "the token's user is not an admin of organization Acme (10) (needed to create, change or delete groups)"
    )
    assert writes_in(log) == []
