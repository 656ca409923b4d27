"""The Toggl Focus API through the modules: toggl_group's emoji, and toggl_organization_info's
Focus subsets (roles, teams with ghosts, users with groups, workspaces and rates), paginated.

Seed: groups.json (organization Acme 10: owner 1, alice 2 admin, bob 3, carol 4, dan 5
pending; workspaces Acme HQ 100 and Acme Labs 101; Engineering 200 = owner, alice, bob on HQ),
with Focus keys for the owner (toggl_sk_owner) and bob (toggl_sk_bob, not an admin) and an
emoji on Engineering. The pagination test adds 250 groups and 450 members.
"""

import dataclasses
import json

import pytest
import yaml
from helpers import api_get, assert_clean_failure, by_method, converge_cycle, run_logged, seed, task_playbook, writes_in

FOCUS = "/focus/api/organizations/10"
OWNER_KEY = {"TOGGL_FOCUS_API_KEY": "toggl_sk_owner"}
ENGINEERING_EMOJI = "\U0001f6e0"  # hammer and wrench
PALETTE = "\U0001f3a8"
GEAR = "\u2699"


def focus_seed():
    data = seed("groups")
    keys = {1: "toggl_sk_owner", 3: "toggl_sk_bob"}
    for user in data["users"]:
        if user["id"] in keys:
            user["focus_api_key"] = keys[user["id"]]
    engineering = next(g for g in data["organizations"][0]["groups"] if g["id"] == 200)
    engineering["emoji"] = ENGINEERING_EMOJI
    return data


def focus_groups(simulator):
    """Every group of Acme as Focus shows it (owner's key; not under test)."""
    import requests

    response = requests.get(
        simulator.focus_api_url + "/organizations/10/teams",
        params={"workspace_id": 100, "per_page": 1000},
        headers={"Authorization": "Bearer toggl_sk_owner"},
        timeout=10,
    )
    response.raise_for_status()
    return {team["name"]: team for team in response.json()["data"]}


def calls(log):
    return [(entry["method"], entry["path"], entry["query"] or None) for entry in log]


@pytest.mark.converge
def test_emoji_change_is_a_focus_put_of_the_emoji_and_a_converged_rerun_costs_two_reads(simulator, run_playbook):
    simulator.reset(focus_seed())
    playbook = task_playbook(
        "toggl_group",
        {
            "organization": 10,
            "name": "Engineering",
            "emoji": GEAR,
            "workspaces": ["100", "101"],
            "focus_api_key": "toggl_sk_owner",
        },
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert cycle["first"]["diff"]["before"] == {"name": "Engineering", "workspaces": [100], "emoji": ENGINEERING_EMOJI}
    assert cycle["first"]["diff"]["after"] == {"name": "Engineering", "workspaces": [100, 101], "emoji": GEAR}
    # The emoji alone in the Focus PUT (no list read earlier goes with it), the workspace change
    # in one Track PATCH of the difference.
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", FOCUS + "/groups/200", {"emoji": GEAR}),
        ("PATCH", "/api/v9/organizations/10/groups/200", [{"op": "add", "path": "/workspaces", "value": [101]}]),
    ]
    # A converged rerun: the Track group list and the Focus teams list filtered to the group.
    assert calls(cycle["second_log"]) == [
        ("GET", "/api/v9/organizations/10/groups", None),
        ("GET", FOCUS + "/teams", {"workspace_id": "100", "group_ids": "200"}),
    ]
    assert cycle["second"]["api_requests"] == by_method(cycle["second_log"]) == {"GET": 2, "total": 2}
    assert cycle["second"]["group"]["emoji"] == GEAR
    engineering = focus_groups(simulator)["Engineering"]
    assert engineering["emoji"] == GEAR and [u["user_account_id"] for u in engineering["users"]] == [1, 2, 3]


def test_emoji_create_set_clear_and_failures_in_one_run(simulator, run_playbook):
    """One play: a new group with an emoji (one Focus POST) and the same task again (no write);
    an emoji set on a group without one and taken off another (one PUT each); without a key a
    clean failure naming focus_api_key and no request; a wrong key, and a key whose user is no
    admin, fail cleanly with Focus's 403."""
    simulator.reset(focus_seed())
    key = {"focus_api_key": "toggl_sk_owner"}
    design = dict(key, organization=10, name="Design", emoji=PALETTE, users=["bob@example.com"], workspaces=[101])
    engineering = {"organization": 10, "name": "Engineering", "emoji": GEAR}
    tasks = [
        ("create", design),
        ("create again", design),
        ("set", dict(key, organization=10, name="Contractors", emoji=GEAR)),
        ("no key", dict(engineering)),
        ("wrong key", dict(engineering, focus_api_key="toggl_sk_wrong")),
        ("not an admin", dict(engineering, focus_api_key="toggl_sk_bob")),
        ("not with absent", dict(engineering, state="absent", **key)),
        ("clear", dict(key, organization=10, name="Engineering", emoji="")),
    ]
    play = {
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{"name": name, "trackops.toggl.toggl_group": args, "ignore_errors": True} for name, args in tasks],
    }
    run, log = run_logged(simulator, run_playbook, yaml.safe_dump([play], sort_keys=False), diff=True)
    assert run.rc == 0, run

    def failure(name):
        return assert_clean_failure(dataclasses.replace(run, rc=2), name)

    def result(name):
        return run.task(name)["result"]

    created, again = result("create"), result("create again")
    assert created["changed"] is True and created["group"]["emoji"] == PALETTE and created["group"]["group_id"] > 5000
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"] == {
        "name": "Design",
        "users": ["bob@example.com"],
        "workspaces": [101],
        "emoji": PALETTE,
    }
    # groups, members, the admin right (/me/organizations), the Focus POST
    assert created["api_requests"] == {"GET": 3, "POST": 1, "total": 4}
    assert again["changed"] is False and again["diff"]["before"] == again["diff"]["after"] == created["diff"]["after"]
    assert again["api_requests"] == {"GET": 3, "total": 3}  # groups, members, the Focus read
    assert result("set")["diff"]["before"]["emoji"] is None and result("set")["diff"]["after"]["emoji"] == GEAR

    assert failure("no key") == (
        "emoji: is read and written through the Toggl Focus API: set focus_api_key (env TOGGL_FOCUS_API_KEY)"
    )
    assert result("no key")["api_requests"] == {"total": 0}
    assert failure("not with absent") == "emoji: is not used with state=absent, which deletes the group"
    assert result("not with absent")["api_requests"] == {"total": 0}
    # A wrong key fails at the Focus read (after the Track group list); bob may read, not write.
    # A 403 on the first Focus request is the key's; on a write after accepted reads, a permission refusal.
    for name, expected, requests_sent in (
        (
            "wrong key",
            (
                "authentication failed: check focus_api_key (env TOGGL_FOCUS_API_KEY), or give its user access to "
                "this (HTTP 403 from GET /organizations/10/teams: User does not have access)"
            ),
            {"GET": 2, "total": 2},
        ),
        (
            "not an admin",
            (
                "Toggl refused PUT /organizations/10/groups/200: the token's user may not do this "
                "(HTTP 403: User does not have access)"
            ),
            {"GET": 3, "PUT": 1, "total": 4},
        ),
    ):
        message = failure(name)
        assert message == expected
        assert result(name)["api_requests"] == requests_sent
        assert "toggl_sk_" not in json.dumps(result(name))  # the key is no_log

    cleared = result("clear")
    assert cleared["changed"] is True and cleared["group"]["emoji"] is None

    members = {u["user_id"]: u["id"] for u in api_get(simulator, "/organizations/10/users")}
    # An emoji change is a Focus PUT of the emoji alone: no member list goes with it.
    assert [(e["token"], e["method"], e["path"], e["body"], e["status"]) for e in writes_in(log)] == [
        (
            "toggl_sk_owner",
            "POST",
            FOCUS + "/groups",
            {"name": "Design", "emoji": PALETTE, "organization_users": [members[3]], "workspaces": [101]},
            201,
        ),
        ("toggl_sk_owner", "PUT", FOCUS + "/groups/201", {"emoji": GEAR}, 200),
        ("toggl_sk_bob", "PUT", FOCUS + "/groups/200", {"emoji": GEAR}, 403),
        ("toggl_sk_owner", "PUT", FOCUS + "/groups/200", {"emoji": ""}, 200),
    ]
    # The new group through Track (no emoji there) and through Focus (with it).
    track = next(g for g in api_get(simulator, "/organizations/10/groups") if g["name"] == "Design")
    assert "emoji" not in track and track["workspaces"] == [101] and [u["user_id"] for u in track["users"]] == [3]
    shown = focus_groups(simulator)
    assert (shown["Design"]["emoji"], shown["Contractors"]["emoji"], shown["Engineering"]["emoji"]) == (
        PALETTE,
        GEAR,
        None,
    )


def test_deletion_goes_through_focus_with_a_key_and_through_track_without(simulator, run_playbook):
    """With a Focus key the group is deleted through Focus, whose DELETE takes one of the group's
    workspaces as workspace_id; without one, through Track. One request each after the list."""
    simulator.reset(focus_seed())
    play = {
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            {
                "name": "with a key",
                "trackops.toggl.toggl_group": {
                    "organization": 10,
                    "name": "Engineering",
                    "state": "absent",
                    "focus_api_key": "toggl_sk_owner",
                },
            },
            {"name": "without", "trackops.toggl.toggl_group": {"organization": 10, "id": 201, "state": "absent"}},
        ],
    }
    run, log = run_logged(simulator, run_playbook, yaml.safe_dump([play], sort_keys=False))
    assert run.rc == 0, run
    assert [run.task(name)["result"]["changed"] for name in ("with a key", "without")] == [True, True]
    assert [(e["token"], e["method"], e["path"], e["query"] or None, e["status"]) for e in writes_in(log)] == [
        ("toggl_sk_owner", "DELETE", FOCUS + "/groups/200", {"workspace_id": "100"}, 200),
        ("tok-owner", "DELETE", "/api/v9/organizations/10/groups/201", None, 200),
    ]
    # the group list and the admin right (/me/organizations), then the DELETE
    assert run.task("with a key")["result"]["api_requests"] == {"GET": 2, "DELETE": 1, "total": 3}
    left = {group["name"] for group in api_get(simulator, "/organizations/10/groups")}
    assert left.isdisjoint({"Engineering", "Contractors"})


def pagination_seed(groups=250, members=450):
    """Acme with ``members`` extra members (on Acme HQ, each with a rate) and ``groups`` extra groups,
    some with ghosts."""
    data = focus_seed()
    org = data["organizations"][0]
    hq = next(ws for ws in org["workspaces"] if ws["id"] == 100)
    for number in range(members):
        user_id = 10000 + number
        data["users"].append({"id": user_id, "email": "p%04d@example.com" % number, "fullname": "Person %04d" % number})
        org["users"].append({"user_id": user_id})
        hq["users"].append({"user_id": user_id, "role": "user", "rate": 40 + number % 10})
    for number in range(groups):
        entry = {"id": 60000 + number, "name": "Team %03d" % number, "users": [10000 + number], "workspaces": [100]}
        if number % 50 == 0:
            entry["ghosts"] = [{"id": 90000 + number, "name": "Placeholder %d" % number}]
            entry["emoji"] = PALETTE
        org["groups"].append(entry)
    return data


def test_focus_subsets_read_every_page(simulator, run_playbook):
    data = pagination_seed()
    simulator.reset(data)
    expected_members = len(data["organizations"][0]["users"])  # 7 + 450
    expected_groups = len(data["organizations"][0]["groups"])  # 3 + 250
    playbook = task_playbook(
        "toggl_organization_info",
        {"organization": 10, "gather_subset": ["workspace_statistics", "focus_roles", "focus_teams", "focus_users"]},
    )
    run, log = run_logged(simulator, run_playbook, playbook, env=OWNER_KEY)
    assert run.rc == 0, run
    facts = run.task("under test")["result"]
    org = facts["organization"]
    focus_pages = [(path, query) for method, path, query in calls(log) if path.startswith("/focus")]
    teams_pages = [query for path, query in focus_pages if path == FOCUS + "/teams"]
    users_pages = [query for path, query in focus_pages if path == FOCUS + "/users"]
    # teams: 253 at 200 per page, the total ends it after 2 pages; the workspace comes from the statistics
    assert teams_pages == [{"workspace_id": "100", "page": str(page), "per_page": "200"} for page in (1, 2)]
    # users: 457 at 200 per page, the third (short) page is the last
    assert users_pages == [
        {"include_rates": "true", "include_working_hours": "true", "page": str(page), "per_page": "200"}
        for page in (1, 2, 3)
    ]
    assert [path for path, _query in focus_pages if path not in (FOCUS + "/teams", FOCUS + "/users")] == [
        FOCUS + "/roles"
    ]
    assert facts["api_requests"] == {"GET": 1 + 1 + 2 + 3, "total": 7}

    teams = org["focus_teams"]
    assert len(teams) == expected_groups == 253
    assert len({team["id"] for team in teams}) == expected_groups
    team_000 = next(team for team in teams if team["name"] == "Team 000")
    assert team_000["ghosts"] == [{"id": 90000, "name": "Placeholder 0"}] and team_000["emoji"] == PALETTE
    assert [u["user_account_id"] for u in team_000["users"]] == [10000]
    assert next(team for team in teams if team["name"] == "Engineering")["emoji"] == ENGINEERING_EMOJI

    users = org["focus_users"]
    assert len(users) == expected_members == 457
    assert len({user["id"] for user in users}) == expected_members
    person = next(user for user in users if user["email"] == "p0000@example.com")
    assert [(g["name"], g["emoji"]) for g in person["groups"]] == [("Team 000", PALETTE)]
    assert [(w["id"], w["track_role_id"]) for w in person["workspaces"]] == [(100, 13)]
    assert (person["rate"]["hourly_rate"], person["rate"]["workspace_id"]) == (40, 100)
    assert {role["code"] for role in org["focus_roles"]} >= {"org_admin", "ws_user"}
    assert facts["gathered_subsets"] == ["workspace_statistics", "focus_roles", "focus_teams", "focus_users"]
    assert org["workspace_statistics"][0]["workspace_id"] == 100


def test_emoji_change_sends_no_member_list_so_another_admins_member_stays(simulator, run_playbook):
    """A second administrator adds carol (4) just before the task's Focus PUT (interleave fault,
    tok-admin2): the PUT carries only the emoji (pages: no field of it is required, a list left
    out is kept), so carol stays."""
    simulator.reset(focus_seed())
    simulator.faults(
        [
            {
                "method": "PUT",
                "path": FOCUS + "/groups/200$",
                "status": "interleave",
                "request": {
                    "method": "PATCH",
                    "path": "/api/v9/organizations/10/groups/200",
                    "body": [{"op": "add", "path": "/users", "value": [4]}],
                    "token": "tok-admin2",
                },
            }
        ]
    )
    playbook = task_playbook("toggl_group", {"organization": 10, "name": "Engineering", "emoji": GEAR})
    run, log = run_logged(simulator, run_playbook, playbook, env=OWNER_KEY)
    assert run.rc == 0, run
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(log)] == [
        ("PUT", FOCUS + "/groups/200", {"emoji": GEAR})
    ]
    engineering = next(g for g in api_get(simulator, "/organizations/10/groups") if g["group_id"] == 200)
    assert sorted(user["user_id"] for user in engineering["users"]) == [1, 2, 3, 4]
    assert focus_groups(simulator)["Engineering"]["emoji"] == GEAR
