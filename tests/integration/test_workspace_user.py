"""toggl_workspace_user against the simulator: adding organization members, settings, removal,
group-only members, exclusive lists, bulk request counts, paid-plan refusals, protection of the
owner and the token's user, and failures that name the culprit before any write."""

import copy

import pytest
from helpers import (
    api_get,
    calls,
    cases_playbook,
    converge_cycle,
    converge_cycle_many,
    failure_of,
    on,
    people_with_second_admin,
    result_of,
    run_logged,
    seed,
    squashed,
    task_playbook,
    writes_in,
)

HQ = "/api/v9/organizations/10/workspaces/100"
LABS = "/api/v9/organizations/10/workspaces/101"


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("people"))


def ws_user_playbook(**args):
    return task_playbook("toggl_workspace_user", dict({"organization": 10, "workspace": 100}, **args))


ORG_USERS = "/api/v9/organizations/10/users"


def workspace_users(simulator, path=HQ):
    return {row["email"]: row for row in api_get(simulator, path.replace("/api/v9", "") + "/workspace_users")}


@pytest.mark.converge
def test_add_a_pending_member_with_role_and_rate(simulator, run_playbook):
    playbook = ws_user_playbook(
        workspace="Acme Labs", user="DAN@example.com", role="teamlead", rate=25, rate_change_mode="start-today"
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    # Swagger: the org-user PUT with `workspaces` (dan's direct HQ membership kept), then the settings
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", ORG_USERS + "/1005", {"workspaces": [{"workspace_id": 100}, {"workspace_id": 101}]}),
        (
            "PUT",
            "/api/v9/workspaces/101/workspace_users/%s" % cycle["first"]["workspace_user"]["id"],
            {"role": "teamlead", "rate": 25.0, "rate_change_mode": "start-today"},
        ),
    ]
    # workspace name (/me/workspaces), its users, the organization's users (dan is not in Labs yet),
    # the admin right (and the plan, for a rate), the members again right before the write and
    # after it (until it shows), and the workspace's users for the new workspace user's id
    assert squashed(cycle["first_log"]) == [
        ("GET", "/api/v9/me/workspaces"),
        ("GET", LABS + "/workspace_users"),
        ("GET", ORG_USERS),
        ("GET", "/api/v9/me/organizations"),
        ("GET", ORG_USERS),
        ("PUT", ORG_USERS + "/1005"),
        ("GET", ORG_USERS),
        ("GET", LABS + "/workspace_users"),
        ("PUT", "/api/v9/workspaces/101/workspace_users/%s" % cycle["first"]["workspace_user"]["id"]),
        ("GET", LABS + "/workspace_users"),  # the task's writes confirmed (engine: confirm)
    ]
    assert cycle["first"]["diff"]["after"] == {
        "email": "dan@example.com",
        "is_direct": True,
        "role": "teamlead",
        "rate": 25.0,
    }
    assert calls(cycle["second_log"]) == [("GET", "/api/v9/me/workspaces"), ("GET", LABS + "/workspace_users")]
    dan = workspace_users(simulator, LABS)["dan@example.com"]
    assert (dan["role"], dan["rate"], dan["is_direct"], dan["active"]) == ("teamlead", 25.0, True, False)


@pytest.mark.converge
def test_every_setting_of_an_existing_member_in_one_put(simulator, run_playbook):
    settings = {
        "role": "projectlead",
        "inactive": True,
        "rate": 70.5,
        "rate_change_mode": "override-all",
        "labor_cost": 30,
        "labor_cost_change_mode": "start-today",
        "working_hours_in_minutes": 420,
        "view_edit_billable_rates": True,
        "view_edit_labor_costs": True,
    }
    cycle = converge_cycle(simulator, run_playbook, ws_user_playbook(user="Bob@Example.com", **settings))
    sent = dict(settings, labor_cost=30.0)
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", "/api/v9/workspaces/100/workspace_users/2003", sent)
    ]
    compared = {k: v for k, v in sent.items() if not k.endswith("_mode")}
    assert cycle["first"]["diff"]["after"] == dict(compared, email="bob@example.com", is_direct=True)
    assert cycle["first"]["diff"]["before"]["rate"] == 50.0 and cycle["first"]["diff"]["before"]["role"] == "user"
    # deactivation planned: the owner (member list) and the token's user (/me) are checked once
    assert squashed(cycle["first_log"]) == [
        ("GET", HQ + "/workspace_users"),
        ("GET", "/api/v9/me/organizations"),
        ("GET", "/api/v9/organizations/10/users"),
        ("GET", "/api/v9/me"),
        ("PUT", "/api/v9/workspaces/100/workspace_users/2003"),
        ("GET", HQ + "/workspace_users"),  # confirmed
    ]
    assert calls(cycle["second_log"]) == [("GET", HQ + "/workspace_users")]
    bob = workspace_users(simulator)["bob@example.com"]
    assert {k: bob[k] for k in compared} == compared


@pytest.mark.converge
def test_absent_removes_the_direct_membership(simulator, run_playbook):
    cycle = converge_cycle(simulator, run_playbook, ws_user_playbook(user=3, state="absent"))
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PATCH", HQ + "/workspace_users", {"delete": [2003]})
    ]
    assert cycle["first"]["diff"]["before"] == {"email": "bob@example.com", "is_direct": True, "role": "user"}
    assert cycle["first"]["workspace_user"] is None
    assert "bob@example.com" not in workspace_users(simulator)
    assert calls(cycle["second_log"]) == [("GET", HQ + "/workspace_users")]


@pytest.mark.converge
def test_a_group_only_member_becomes_direct_and_absent_leaves_group_access_with_a_warning(simulator, run_playbook):
    present = ws_user_playbook(workspace=101, user="carol@example.com")
    cycle = converge_cycle(simulator, run_playbook, present)
    # carol's direct HQ membership is kept; Labs, reached through group 300, becomes direct
    assert [(e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (ORG_USERS + "/1004", {"workspaces": [{"workspace_id": 100}, {"workspace_id": 101}]})
    ]
    assert cycle["first"]["diff"]["before"]["is_direct"] is False
    assert cycle["first"]["diff"]["after"]["is_direct"] is True
    carol = workspace_users(simulator, LABS)["carol@example.com"]
    assert carol["is_direct"] is True and carol["group_ids"] == [300]

    absent = ws_user_playbook(workspace=101, user="carol@example.com", state="absent")
    run, log = run_logged(simulator, run_playbook, absent, allow_warnings=True)
    assert result_of(run)["changed"] is True and calls(writes_in(log)) == [("PATCH", LABS + "/workspace_users")]
    assert any("stays in workspace 101 through group(s) [300]" in w for w in run.warnings)
    again, log = run_logged(simulator, run_playbook, absent, allow_warnings=True)
    assert result_of(again)["changed"] is False and writes_in(log) == []
    assert any("reaches it through group(s) [300]" in w for w in again.warnings)
    carol = workspace_users(simulator, LABS)["carol@example.com"]
    assert carol["is_direct"] is False and carol["group_ids"] == [300]


@pytest.mark.converge
def test_exclusive_list_removes_the_unlisted_but_keeps_the_owner_with_a_warning(simulator, run_playbook):
    playbook = ws_user_playbook(
        exclusive=True,
        role="user",
        users=[
            {"user": "alice@example.com", "role": "admin"},
            {"user": "frank@example.com"},
            {"user": "dan@example.com"},
        ],
    )
    # frank must be an organization member first; invite him into Labs (not HQ)
    run_playbook(
        task_playbook(
            "toggl_organization_user",
            {"organization": 10, "user": "frank@example.com", "workspaces": [{"workspace": 101}]},
        )
    )
    cycle = converge_cycle_many(simulator, run_playbook, playbook, allow_warnings=True)
    writes = [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])]
    assert writes == [
        ("PATCH", HQ + "/workspace_users", {"delete": [2003, 2004, 2006]}),
        ("PUT", ORG_USERS + "/2223", {"workspaces": [{"workspace_id": 100}, {"workspace_id": 101}]}),
    ]
    diffs = cycle["first"]["diff"]
    assert [(d["before"].get("email"), d["after"].get("email")) for d in diffs] == [
        ("alice@example.com", "alice@example.com"),
        (None, "frank@example.com"),
        ("dan@example.com", "dan@example.com"),
        ("bob@example.com", None),
        ("carol@example.com", None),
        ("eve@example.com", None),
        ("owner@example.com", "owner@example.com"),
    ]
    assert sorted(workspace_users(simulator)) == [
        "alice@example.com",
        "dan@example.com",
        "frank@example.com",
        "owner@example.com",
    ]
    # converged: one read of the workspace, one of the organization (who is the owner), no /me
    assert calls(cycle["second_log"]) == [("GET", HQ + "/workspace_users"), ("GET", "/api/v9/organizations/10/users")]
    rerun = run_playbook(playbook, allow_warnings=True)
    kept_owner = "exclusive: kept owner@example.com in workspace 100 although the list does not name them"
    assert rerun.warnings == ["under test: %s: they are the organization owner" % kept_owner]


def test_exclusive_keeps_the_tokens_user(simulator, run_playbook):
    playbook = ws_user_playbook(exclusive=True, users=[{"user": "owner@example.com"}, {"user": "bob@example.com"}])
    run, log = run_logged(simulator, run_playbook, playbook, allow_warnings=True, env={"TOGGL_API_TOKEN": "tok-alice"})
    assert run.rc == 0, run
    assert [(e["method"], e["body"]) for e in writes_in(log)] == [("PATCH", {"delete": [2004, 2005, 2006]})]
    assert [w for w in run.warnings if "alice@example.com" in w and "they are the token's user" in w]
    assert "alice@example.com" in workspace_users(simulator)


@pytest.mark.parametrize("check", [False, True], ids=["run", "check"])
def test_exclusive_with_an_empty_list_fails_before_any_request(simulator, run_playbook, check):
    """An empty variable given as the authoritative list would remove every direct member."""
    before = sorted(workspace_users(simulator))
    run, log = run_logged(simulator, run_playbook, ws_user_playbook(exclusive=True, users=[]), check=check)
    assert failure_of(run, "under test") == (
        "users: is empty with exclusive: true, which would remove every direct member of workspace 100;"
        " list the people to keep, or remove people with state: absent"
    )
    assert log == [] and sorted(workspace_users(simulator)) == before


def test_labour_cost_is_an_alias_of_labor_cost(simulator, run_playbook):
    """The spelling toggl_organization_user uses is accepted; the other spelling's rerun is unchanged."""
    first, log = run_logged(simulator, run_playbook, ws_user_playbook(user="bob@example.com", labour_cost=21.5))
    assert result_of(first)["changed"] is True, first
    assert [e["body"] for e in writes_in(log)] == [{"labor_cost": 21.5}]
    rerun, rerun_log = run_logged(simulator, run_playbook, ws_user_playbook(user="bob@example.com", labor_cost=21.5))
    assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []


def members_seed(count):
    """The people seed with ``count`` joined organization members who are in no workspace."""
    data = copy.deepcopy(seed("people"))
    org = data["organizations"][0]
    for index in range(count):
        data["users"].append({"id": 500 + index, "email": "p%02d@example.com" % index, "fullname": "P %02d" % index})
        org["users"].append({"id": 3000 + index, "user_id": 500 + index})
    return data


@pytest.mark.converge
def test_bulk_of_50_people_costs_one_read_per_collection(simulator, run_playbook):
    simulator.reset(members_seed(50))
    people = [{"user": "P%02d@example.com" % index} for index in range(50)]
    cycle = converge_cycle_many(simulator, run_playbook, ws_user_playbook(workspace=101, users=people))
    # Swagger: one org-user PUT per person (the API has no bulk form of it), from one re-read of
    # the members, checked by a read after them
    assert squashed(cycle["first_log"]) == [
        ("GET", LABS + "/workspace_users"),
        ("GET", ORG_USERS),
        ("GET", "/api/v9/me/organizations"),
        ("GET", ORG_USERS),
    ] + [("PUT", ORG_USERS + "/%d" % (3000 + index)) for index in range(50)] + [
        ("GET", ORG_USERS),
        ("GET", LABS + "/workspace_users"),
    ]
    assert {str(e["body"]) for e in writes_in(cycle["first_log"])} == {str({"workspaces": [{"workspace_id": 101}]})}
    assert cycle["second"]["api_requests"] == {"GET": 1, "total": 1}
    assert [d["after"]["email"] for d in cycle["first"]["diff"]] == ["p%02d@example.com" % i for i in range(50)]

    # added with settings: the membership PUT answers "OK" without ids, so one re-read of the
    # workspace's users for all 50, then one settings PUT per person
    simulator.reset(members_seed(50))
    with_settings = ws_user_playbook(workspace=101, users=people, rate=40, role="teamlead")
    run, log = run_logged(simulator, run_playbook, with_settings)
    assert run.rc == 0, run
    settings = [e for e in log if e["method"] == "PUT" and "/workspace_users/" in e["path"]]
    assert squashed(log)[-52:] == [("GET", LABS + "/workspace_users")] + [
        (e["method"], e["path"]) for e in settings
    ] + [("GET", LABS + "/workspace_users")]
    assert len(settings) == 50 and {entry["body"]["rate"] for entry in settings} == {40.0}
    assert result_of(run)["api_requests"]["PUT"] == 100
    rerun, rerun_log = run_logged(simulator, run_playbook, with_settings)
    assert result_of(rerun)["changed"] is False and calls(rerun_log) == [("GET", LABS + "/workspace_users")]
    rows = workspace_users(simulator, LABS)
    assert {(rows[p["user"].lower()]["role"], rows[p["user"].lower()]["rate"]) for p in people} == {("teamlead", 40.0)}


def test_failures_name_the_culprit_before_any_write(simulator, run_playbook):
    playbook = cases_playbook(
        "toggl_workspace_user",
        {
            "not in organization": {"organization": 10, "workspace": 100, "user": "stranger@example.com"},
            "one stranger in a list": {
                "organization": 10,
                "workspace": 101,
                "users": [{"user": "dan@example.com"}, {"user": "zed@x.io"}],
            },
            "paid field on free": {"organization": 20, "workspace": 200, "user": "gina@example.com", "rate": 30},
            "paid field on free after another write": {
                "organization": 20,
                "workspace": 200,
                "users": [{"user": "gina@example.com", "role": "projectlead"}, {"user": "1", "rate": 30}],
            },
            "unknown workspace": {"organization": 10, "workspace": "Nowhere", "user": "bob@example.com"},
            "remove owner": {"organization": 10, "workspace": 100, "user": "owner@example.com", "state": "absent"},
            "deactivate self": {"organization": 10, "workspace": 100, "user": 1, "inactive": True},
            "role and role_id": {
                "organization": 10,
                "workspace": 100,
                "user": "bob@example.com",
                "role": "user",
                "role_id": 13,
            },
            "exclusive without a list": {
                "organization": 10,
                "workspace": 100,
                "user": "bob@example.com",
                "exclusive": True,
            },
        },
    )
    run, log = run_logged(simulator, run_playbook, playbook)
    invite_hint = "invite them with trackops.toggl.toggl_organization_user first"
    assert failure_of(run, "not in organization") == (
        "user stranger@example.com is not a member of organization 10: " + invite_hint
    )
    assert (
        failure_of(run, "one stranger in a list") == "user zed@x.io is not a member of organization 10: " + invite_hint
    )
    # The task's first write is the rate itself: the API refuses it (402), nothing is written,
    # and no read of the plan was spent on finding that out.
    assert failure_of(run, "paid field on free") == (
        "needs a paid Toggl plan: Billable rates are available for Starter and higher plans."
        " (HTTP 402 from PUT /workspaces/200/workspace_users/2208)"
    )
    # A role change would be written first: the plan is read and the task refused before it.
    assert failure_of(run, "paid field on free after another write") == (
        "needs a paid Toggl plan: Billable rates are available for Starter and higher plans."
        " (rate: organization 'Freebie' is on the Free plan; nothing was written)"
    )
    assert failure_of(run, "unknown workspace") == "workspace 'Nowhere' not found in organization 10"
    assert failure_of(run, "remove owner").startswith(
        "user: refusing to remove owner@example.com from workspace 100: owner@example.com is the organization owner"
    )
    assert failure_of(run, "deactivate self").startswith("user: refusing to deactivate owner@example.com")
    assert "mutually exclusive: role|role_id" in failure_of(run, "role and role_id")
    assert "exclusive is True but all of the following are missing: users" in failure_of(
        run, "exclusive without a list"
    )
    assert [(e["method"], e["path"], e["status"]) for e in writes_in(log)] == [
        ("PUT", "/api/v9/workspaces/200/workspace_users/2208", 402)
    ]


# -- issue 11: the 2026 Swagger, read lag, both profiles, second writers, partial rights ------------


@pytest.mark.converge
def test_adding_with_settings_converges_with_a_read_lag_of_1500_ms(start_simulator, run_playbook):
    lagging = start_simulator(seed("people"), ["--read-lag-ms", "1500"])
    playbook = ws_user_playbook(workspace=101, user="dan@example.com", role="teamlead", rate=25)
    cycle = converge_cycle(lagging, on(lagging, run_playbook), playbook)
    assert [(e["method"], e["path"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", ORG_USERS + "/1005"),
        ("PUT", "/api/v9/workspaces/101/workspace_users/%s" % cycle["first"]["workspace_user"]["id"]),
    ]
    # the first run waited until its writes showed, so the rerun right after reads them
    assert calls(cycle["second_log"]) == [("GET", LABS + "/workspace_users")]
    dan = workspace_users(lagging, LABS)["dan@example.com"]
    assert (dan["role"], dan["rate"], dan["is_direct"]) == ("teamlead", 25.0, True)


@pytest.mark.converge
@pytest.mark.parametrize("profile", ["swagger", "pages"])
def test_add_change_and_remove_converge_in_both_profiles(start_simulator, run_playbook, profile):
    control = start_simulator(seed("people"), ["--profile", profile])
    run = on(control, run_playbook)
    added = converge_cycle(control, run, ws_user_playbook(workspace=101, user="dan@example.com"))
    assert added["first"]["diff"]["before"] == {} and added["first"]["diff"]["after"]["email"] == "dan@example.com"
    changed = converge_cycle(control, run, ws_user_playbook(workspace=101, user="dan@example.com", role="projectlead"))
    assert (
        changed["first"]["diff"]["before"]["role"] == "user"
        and changed["first"]["diff"]["after"]["role"] == "projectlead"
    )
    removed = converge_cycle(control, run, ws_user_playbook(workspace=101, user="dan@example.com", state="absent"))
    assert removed["first"]["diff"]["before"]["email"] == "dan@example.com"
    assert "dan@example.com" not in workspace_users(control, LABS)
    assert "dan@example.com" in workspace_users(control, HQ), "his direct HQ membership was kept throughout"


def test_the_pages_assignments_are_only_the_fallback_when_the_org_user_put_answers_404(start_simulator, run_playbook):
    control = start_simulator(seed("people"), ["--profile", "pages"])
    control.faults([{"method": "PUT", "path": "/organizations/10/users/1005$", "status": 404, "times": 1}])
    run, log = run_logged(control, on(control, run_playbook), ws_user_playbook(workspace=101, user="dan@example.com"))
    assert run.rc == 0, run
    assert [(e["method"], e["path"], e["status"]) for e in writes_in(log)] == [
        ("PUT", ORG_USERS + "/1005", 404),
        ("PUT", LABS + "/assignments", 200),
    ]
    assert workspace_users(control, LABS)["dan@example.com"]["is_direct"] is True


def adding_cost(start_simulator, run_playbook, count, profile, fallback):
    control = start_simulator(members_seed(count), ["--profile", profile, "--read-lag-ms", "0"])
    if fallback:
        control.faults([{"method": "PUT", "path": "/organizations/10/users/\\d+$", "status": 404, "times": 1}])
    people = [{"user": "p%02d@example.com" % index} for index in range(count)]
    run, log = run_logged(control, on(control, run_playbook), ws_user_playbook(workspace=101, users=people))
    assert run.rc == 0, run
    assert len(workspace_users(control, LABS)) == 3 + count  # owner, bob, carol (through a group)
    refused = [e for e in log if e["status"] == 404]
    return len(log) - len(refused), len(writes_in(log)) - len(refused)


def test_cost_of_adding_existing_members(start_simulator, run_playbook):
    """The figures quoted at WorkspaceUser.assign: (requests, writes) for N = 1, 5, 20."""
    swagger = {n: adding_cost(start_simulator, run_playbook, n, "swagger", False) for n in (1, 5, 20)}
    pages = {n: adding_cost(start_simulator, run_playbook, n, "pages", True) for n in (1, 5, 20)}
    print("org-user PUT:", swagger, "assignments:", pages)
    # reads: the workspace's users, the members, the admin right, the members again before the
    # writes and after them, the workspace's users to confirm; then one PUT per person
    assert swagger == {1: (7, 1), 5: (11, 5), 20: (26, 20)}
    # the same reads (the re-read before the writes was spent on the refused Swagger attempt),
    # one assignments PUT for everyone
    assert pages == {1: (6, 1), 5: (6, 1), 20: (6, 1)}


def test_a_second_admin_writing_between_read_and_write_loses_nothing(start_simulator, run_playbook):
    # Without read lag: a write made less than the lag before this task's re-read cannot show in
    # it, on the live API either; that window (lag + one request) is what a whole-list write leaves.
    simulator = start_simulator(people_with_second_admin(third_workspace=True), ["--read-lag-ms", "0"])
    run_playbook = on(simulator, run_playbook)
    # before this task's re-read: admin2 puts dan into Ops (102); right before its PUT: admin2
    # makes dan an organization admin and puts him into Contractors (301)
    simulator.faults(
        [
            {
                "method": "GET",
                "path": "/organizations/10/users$",
                "status": "interleave",
                "skip": 1,
                "request": {
                    "method": "PUT",
                    "path": "/api/v9/organizations/10/users/1005",
                    "body": {"workspaces": [{"workspace_id": 100}, {"workspace_id": 102}]},
                    "token": "tok-admin2",
                },
            },
            {
                "method": "PUT",
                "path": "/organizations/10/users/1005$",
                "status": "interleave",
                "request": {
                    "method": "PUT",
                    "path": "/api/v9/organizations/10/users/1005",
                    "body": {"organization_admin": True, "groups": [301]},
                    "token": "tok-admin2",
                },
            },
        ]
    )
    run, log = run_logged(simulator, run_playbook, ws_user_playbook(workspace=101, user="dan@example.com"))
    assert run.rc == 0, run
    assert [e["body"] for e in writes_in(log)] == [
        {"workspaces": [{"workspace_id": 100}, {"workspace_id": 101}, {"workspace_id": 102}]}
    ]
    simulator.faults([])
    dan = {m["email"]: m for m in api_get(simulator, "/organizations/10/users")}["dan@example.com"]
    assert sorted(ws["workspace_id"] for ws in dan["workspaces"]) == [100, 101, 102]
    assert dan["admin"] is True and [g["group_id"] for g in dan["groups"]] == [301]


@pytest.mark.parametrize("check", [True, False])
def test_a_plain_members_token_fails_naming_the_right_before_any_write(simulator, run_playbook, check):
    simulator.reset(people_with_second_admin(third_workspace=True))
    playbook = ws_user_playbook(workspace=101, user="dan@example.com", role="projectlead")
    run, log = run_logged(simulator, run_playbook, playbook, check=check, env={"TOGGL_API_TOKEN": "tok-member"})
    assert failure_of(run, "under test").startswith("the token's user is not an admin of organization Acme (10)")
    assert writes_in(log) == []
