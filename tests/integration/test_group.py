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
from helpers import CHECK_AFTER, api_get, converge_cycle, result_of, run_logged, seed, task_playbook, writes_in

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


def calls(log):
    return [(entry["method"], entry["path"]) for entry in log]


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
    # alice is not the owner: GET /me tells whether she is the token's user
    assert cycle["first"]["api_requests"] == {"GET": 3, "PATCH": 1, "total": 4}
    # only the owner is left to keep: known from the user list, no GET /me
    assert cycle["second"]["api_requests"] == {"GET": 2, "total": 2}
    group = group_in_state(simulator, 200)
    assert member_ids(group) == [1, 3, 4] and group["workspaces"] == []
    # out of the group is not out of the organization
    members = {u["user_id"]: u for u in api_get(simulator, "/organizations/10/users")}
    assert members[2]["inactive"] is False


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
        "unknown email": ("user 'nobody@x.org' not found in organization 10", 2),
        "unknown workspace": ("workspace 'Nowhere' not found in organization 10", 2),
        "unknown group id": ("group 999 not found in organization 10", 1),
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
    assert task["result"]["api_requests"] == {"GET": 2, "POST": 1, "total": 3}


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
        ("GET", GROUPS, 200),
        ("GET", API + "/organizations/10/users", 200),
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
