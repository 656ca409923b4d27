"""toggl_workspace_user against the simulator: adding organization members, settings, removal,
group-only members, exclusive lists, bulk request counts, paid-plan refusals, protection of the
owner and the token's user, and failures that name the culprit before any write."""

import copy

import pytest
from helpers import (
    api_get,
    cases_playbook,
    converge_cycle,
    converge_cycle_many,
    failure_of,
    result_of,
    run_logged,
    seed,
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


def calls(log):
    return [(entry["method"], entry["path"]) for entry in log]


def workspace_users(simulator, path=HQ):
    return {row["email"]: row for row in api_get(simulator, path.replace("/api/v9", "") + "/workspace_users")}


def test_add_a_pending_member_with_role_and_rate(simulator, run_playbook):
    playbook = ws_user_playbook(
        workspace="Acme Labs", user="DAN@example.com", role="teamlead", rate=25, rate_change_mode="start-today"
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", LABS + "/assignments", [{"user_id": 5, "operation": "add"}]),
        (
            "PUT",
            "/api/v9/workspaces/101/workspace_users/%s" % cycle["first"]["workspace_user"]["id"],
            {"role": "teamlead", "rate": 25.0, "rate_change_mode": "start-today"},
        ),
    ]
    # workspace name (/me/workspaces), its users, the organization's users (dan is not in Labs yet),
    # the plan (a rate), and one re-read for the new workspace user's id
    assert calls(cycle["first_log"])[:5] == [
        ("GET", "/api/v9/me/workspaces"),
        ("GET", LABS + "/workspace_users"),
        ("GET", "/api/v9/organizations/10/users"),
        ("GET", "/api/v9/organizations/10"),
        ("PUT", LABS + "/assignments"),
    ]
    assert calls(cycle["first_log"])[5] == ("GET", LABS + "/workspace_users")
    assert cycle["first"]["diff"]["after"] == {
        "email": "dan@example.com",
        "is_direct": True,
        "role": "teamlead",
        "rate": 25.0,
    }
    assert calls(cycle["second_log"]) == [("GET", "/api/v9/me/workspaces"), ("GET", LABS + "/workspace_users")]
    dan = workspace_users(simulator, LABS)["dan@example.com"]
    assert (dan["role"], dan["rate"], dan["is_direct"], dan["active"]) == ("teamlead", 25.0, True, False)


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
    assert calls(cycle["first_log"]) == [
        ("GET", HQ + "/workspace_users"),
        ("GET", "/api/v9/organizations/10/users"),
        ("GET", "/api/v9/me"),
        ("PUT", "/api/v9/workspaces/100/workspace_users/2003"),
    ]
    assert calls(cycle["second_log"]) == [("GET", HQ + "/workspace_users")]
    bob = workspace_users(simulator)["bob@example.com"]
    assert {k: bob[k] for k in compared} == compared


def test_absent_removes_the_direct_membership(simulator, run_playbook):
    cycle = converge_cycle(simulator, run_playbook, ws_user_playbook(user=3, state="absent"))
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PATCH", HQ + "/workspace_users", {"delete": [2003]})
    ]
    assert cycle["first"]["diff"]["before"] == {"email": "bob@example.com", "is_direct": True, "role": "user"}
    assert cycle["first"]["workspace_user"] is None
    assert "bob@example.com" not in workspace_users(simulator)
    assert calls(cycle["second_log"]) == [("GET", HQ + "/workspace_users")]


def test_a_group_only_member_becomes_direct_and_absent_leaves_group_access_with_a_warning(simulator, run_playbook):
    present = ws_user_playbook(workspace=101, user="carol@example.com")
    cycle = converge_cycle(simulator, run_playbook, present)
    assert [(e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (LABS + "/assignments", [{"user_id": 4, "operation": "add"}])
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
        ("PUT", HQ + "/assignments", [{"user_id": 7, "operation": "add"}]),
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


def members_seed(count):
    """The people seed with ``count`` joined organization members who are in no workspace."""
    data = copy.deepcopy(seed("people"))
    org = data["organizations"][0]
    for index in range(count):
        data["users"].append({"id": 500 + index, "email": "p%02d@example.com" % index, "fullname": "P %02d" % index})
        org["users"].append({"id": 3000 + index, "user_id": 500 + index})
    return data


def test_bulk_of_50_people_costs_one_read_per_collection(simulator, run_playbook):
    simulator.reset(members_seed(50))
    people = [{"user": "P%02d@example.com" % index} for index in range(50)]
    cycle = converge_cycle_many(simulator, run_playbook, ws_user_playbook(workspace=101, users=people))
    assert calls(cycle["first_log"]) == [
        ("GET", LABS + "/workspace_users"),
        ("GET", "/api/v9/organizations/10/users"),
        ("PUT", LABS + "/assignments"),
    ]
    assert len(cycle["first_log"][2]["body"]) == 50
    assert cycle["second"]["api_requests"] == {"GET": 1, "total": 1}
    assert [d["after"]["email"] for d in cycle["first"]["diff"]] == ["p%02d@example.com" % i for i in range(50)]

    # added with settings: the assignment answers "OK" without ids, so one re-read for all 50
    # (and the plan, for the rate), then one PUT per person
    simulator.reset(members_seed(50))
    with_settings = ws_user_playbook(workspace=101, users=people, rate=40, role="teamlead")
    run, log = run_logged(simulator, run_playbook, with_settings)
    assert run.rc == 0, run
    assert calls(log)[:5] == [
        ("GET", LABS + "/workspace_users"),
        ("GET", "/api/v9/organizations/10/users"),
        ("GET", "/api/v9/organizations/10"),
        ("PUT", LABS + "/assignments"),
        ("GET", LABS + "/workspace_users"),
    ]
    assert result_of(run)["api_requests"] == {"GET": 4, "PUT": 51, "total": 55}
    assert {entry["body"]["rate"] for entry in log[5:]} == {40.0} and len(log) == 55
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
