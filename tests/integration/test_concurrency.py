"""Concurrency: ten forks ensuring the same group and the same workspace user at once end
with exactly one of each.

Ten inventory hosts (all local) run the same two tasks with forks=10 against a simulator
with 100 ms latency, so their read-then-create windows overlap. The simulator serializes
requests under one lock and, like Toggl, refuses a second group of the same name ("Name has
already been taken"); toggl_group then adopts the group the other run made. Adding someone
to a workspace twice leaves one membership.
"""

import yaml
from helpers import seed, writes_in

HOSTS = 10
GROUP = "Race Team"
PERSON_ID = 5  # dave@example.com: in organization 10, not in workspace 100
API = "/api/v9/organizations/10"


def race_playbook():
    add_hosts = {
        "name": "ten racers",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            {
                "name": "add racer",
                "ansible.builtin.add_host": {
                    "name": "racer{{ item }}",
                    "groups": "racers",
                    "ansible_connection": "local",
                    "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                },
                "loop": list(range(HOSTS)),
            }
        ],
    }
    race = {
        "name": "race",
        "hosts": "racers",
        "gather_facts": False,
        "tasks": [
            {
                "name": "same group",
                "trackops.toggl.toggl_group": {
                    "organization": "10",
                    "name": GROUP,
                    "users": ["alice@example.com", "bob@example.com"],
                    "workspaces": ["100"],
                    "append": True,
                },
            },
            {
                "name": "same workspace user",
                "trackops.toggl.toggl_workspace_user": {
                    "organization": "10",
                    "workspace": "100",
                    "user": "dave@example.com",
                },
            },
        ],
    }
    return yaml.safe_dump([add_hosts, race], sort_keys=False)


def groups_named(state, name):
    return [group for group in state["groups"] if group["name"] == name and group["organization_id"] == 10]


def direct_rows(state):
    return [
        row
        for row in state["workspace_users"]
        if row["workspace_id"] == 100 and row["user_id"] == PERSON_ID and row.get("direct", True)
    ]


def test_ten_forks_make_one_group_and_one_membership(start_simulator, run_playbook):
    slow = start_simulator(seed("policy"), ["--latency-ms", "100"])
    env = {"TOGGL_API_URL": slow.api_url, "ANSIBLE_FORKS": str(HOSTS)}

    run = run_playbook(race_playbook(), env=env)
    assert run.rc == 0, run
    racers = [task for task in run.tasks if task["host"].startswith("racer")]
    assert len(racers) == 2 * HOSTS, [task["host"] for task in run.tasks]
    assert all(task["status"] in ("ok", "changed") for task in racers), run.failed_tasks

    state = slow.state()
    groups = groups_named(state, GROUP)
    assert len(groups) == 1, groups
    assert sorted(groups[0]["user_ids"]) == [2, 3] and groups[0]["workspace_ids"] == [100]
    assert len(direct_rows(state)) == 1, direct_rows(state)

    log = slow.requests()
    creates = [entry for entry in log if entry["method"] == "POST" and entry["path"].endswith("/groups")]
    assert [entry["status"] for entry in creates].count(200) == 1, creates
    # The race really happened: other runs tried to create the group too, were refused, and adopted it.
    assert len(creates) >= 2 and all(entry["status"] == 400 for entry in creates if entry["status"] != 200), creates
    # Swagger: an existing member joins a workspace through PUT /organizations/{id}/users/{org
    # user id} with ``workspaces`` (the whole set of their direct memberships); several runs sent
    # it, each with workspace 100 among the memberships, and every one was accepted.
    dave = next(u for u in state["organization_users"] if (u["organization_id"], u["user_id"]) == (10, PERSON_ID))
    joins = [entry for entry in log if (entry["method"], entry["path"]) == ("PUT", API + "/users/%d" % dave["id"])]
    assert len(joins) >= 2 and all(entry["status"] == 200 for entry in joins), joins
    assert all(100 in [ws["workspace_id"] for ws in entry["body"]["workspaces"]] for entry in joins), joins
    assert not [entry for entry in log if entry["path"].endswith("/assignments")]  # pages only
    group_tasks = [task for task in racers if task["task"] == "same group"]
    assert sum(task["status"] == "changed" for task in group_tasks) >= 1
    assert {task["result"]["group"]["group_id"] for task in group_tasks} == {groups[0]["id"]}, (
        "runs report other groups"
    )

    # A rerun (all ten again) converges: nothing to change, nothing written.
    slow.clear_requests()
    rerun = run_playbook(race_playbook(), env=env)
    assert rerun.rc == 0, rerun
    assert all(task["status"] == "ok" for task in rerun.tasks if task["host"].startswith("racer")), rerun
    assert writes_in(slow.requests()) == []
