"""toggl_rate against the simulator: the rate in effect decides, one POST per change, the
per-endpoint names, every level, the list form, plan gating and every refusal before a write.

Seed (seeds/policy.json): workspace 100 (organization 10, starter) has a default rate of 50;
bob (user 3, workspace user 112) has rate 40 and labor cost 20; project 1000 "Website" has
60 (2020), 70 (2021 until 2999) and 90 scheduled from 2999; projects "Twin" are two.
"""

from datetime import UTC, datetime, timedelta

import pytest
from helpers import (
    api_get,
    cases_playbook,
    converge_cycle,
    converge_cycle_many,
    failure_of,
    requests_of,
    result_of,
    run_logged,
    seed,
    settle_reads,
    settle_runs,
    task_playbook,
    writes_in,
)


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("policy"))


def periods(simulator, path, rate_type="billable_rates"):
    return api_get(simulator, "%s?type=%s" % (path, rate_type))


def today():
    return datetime.now(UTC).strftime("%Y-%m-%dT00:00:00Z")


def test_workspace_user_rate_by_email(simulator, run_playbook):
    args = dict(
        organization=10,
        workspace=100,
        level="workspace_user",
        user="BOB@example.com",
        amount=55,
        mode="start-today",
    )
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_rate", args))
    assert cycle["check"]["diff"]["before"] == {"amount": 40} and cycle["check"]["diff"]["after"] == {"amount": 55}
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (
            "POST",
            "/api/v9/workspaces/100/rates",
            {
                "level": "workspace_user",
                "level_id": 112,
                "type": "billable_rates",
                "amount": 55.0,
                "mode": "start-today",
            },
        )
    ]
    assert requests_of(cycle["second_log"]) == [
        ("GET", "/organizations/10/workspaces/100/workspace_users", None),
        ("GET", "/workspaces/100/rates/user/3", {"type": "billable_rates"}),
    ]
    old, new = periods(simulator, "/workspaces/100/rates/user/3")
    assert (old["id"], old["amount"], old["end"], old["deleted_at"]) == (810, 40, today(), None)
    assert (new["amount"], new["start"], new["end"]) == (55, today(), None)
    assert cycle["first"]["rate"]["id"] == new["id"] == cycle["second"]["rate"]["id"]
    bob = [u for u in api_get(simulator, "/organizations/10/workspaces/100/workspace_users") if u["user_id"] == 3]
    assert bob[0]["rate"] == 55


def test_a_workspace_name_without_organization_is_found_among_the_tokens_workspaces(simulator, run_playbook):
    args = dict(workspace="Acme HQ", level="workspace_user", user="bob@example.com", amount=57, mode="start-today")
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_rate", args))
    assert [e["body"]["amount"] for e in writes_in(cycle["first_log"])] == [57.0]
    # /me/workspaces finds the name; GET /workspaces/100 gives its organization (and the admin right).
    assert requests_of(cycle["second_log"])[:2] == [("GET", "/me/workspaces", None), ("GET", "/workspaces/100", None)]


def test_labor_cost_by_user_id_is_one_read_when_converged(simulator, run_playbook):
    args = dict(workspace=100, level="workspace_user", user="3", type="labor", amount=25, mode="override-all")
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_rate", args))
    # A change needs the workspace user id, so it reads the workspace (for its organization and
    # the token's admin right there) and its users; after the POST, the period is re-read until
    # it shows (engine.settle: 1 read, more while the read lag hides it).
    assert settle_runs(cycle["first_log"]) == [
        (("GET", "/workspaces/100/rates/user/3"), 1),
        (("GET", "/workspaces/100"), 1),
        (("GET", "/organizations/10/workspaces/100/workspace_users"), 1),
        (("POST", "/workspaces/100/rates"), 1),
        (("GET", "/workspaces/100/rates/user/3"), settle_reads()),
    ]
    assert [e for e in cycle["first_log"] if e["method"] == "POST"][0]["body"] == {
        "level": "workspace_user",
        "level_id": 112,
        "type": "labor_rates",
        "amount": 25.0,
        "mode": "override-all",
    }
    assert requests_of(cycle["second_log"]) == [("GET", "/workspaces/100/rates/user/3", {"type": "labor_costs"})]
    history = periods(simulator, "/workspaces/100/rates/user/3", "labor_costs")
    assert [(p["amount"], p["deleted_at"] is None) for p in history] == [(20, False), (25, True)]
    assert periods(simulator, "/workspaces/100/rates/user/3")[-1]["amount"] == 40, "billable untouched"


def test_rate_in_effect_already_right_sends_no_write(simulator, run_playbook):
    cases = {
        "project by name, in effect now": dict(
            workspace=100, level="project", project="Website", amount=70, mode="override-all"
        ),
        "project, at a scheduled start": dict(
            workspace=100, level="project", level_id=1000, amount=90, start="2999-01-01"
        ),
        "workspace by id": dict(workspace=100, level="workspace", amount=50),
        "workspace by name": dict(organization="Acme", workspace="Acme HQ", level="workspace", amount=50),
    }
    run, log = run_logged(simulator, run_playbook, cases_playbook("toggl_rate", cases), diff=True)
    assert run.rc == 0 and writes_in(log) == []
    results = {name: run.task(name)["result"] for name in cases}
    assert all(result["changed"] is False for result in results.values()), results
    assert results["project by name, in effect now"]["rate"]["id"] == 801
    assert results["project, at a scheduled start"]["rate"]["id"] == 802
    assert results["project by name, in effect now"]["api_requests"] == {"GET": 2, "total": 2}
    assert results["project, at a scheduled start"]["api_requests"] == {"GET": 1, "total": 1}
    assert results["workspace by id"]["api_requests"] == {"GET": 1, "total": 1}
    assert results["workspace by name"]["api_requests"] == {"GET": 3, "total": 3}


def test_rates_list_form(simulator, run_playbook):
    args = dict(
        organization=10,
        workspace=100,
        mode="start-today",
        rates=[
            {"level": "workspace", "amount": 65},
            {"level": "task", "task_id": 1100, "amount": 80},
            {"level": "project_user", "level_id": 1200, "type": "labor", "amount": 35},
            {"level": "workspace_user", "user": "alice@example.com", "amount": 45},
            {"level": "workspace_user", "level_id": 113, "amount": 46},
            {"level": "project", "project": "Website", "amount": 95, "start": "2999-01-01"},
        ],
    )
    cycle = converge_cycle_many(simulator, run_playbook, task_playbook("toggl_rate", args))
    assert [d["after"] for d in cycle["first"]["diff"]] == [{"amount": a} for a in (65, 80, 35, 45, 46, 95)]
    assert [d["before"] for d in cycle["first"]["diff"]] == [{"amount": 50}] + [{}] * 4 + [{"amount": 90}]
    posts = writes_in(cycle["first_log"])
    assert [(p["body"]["level"], p["body"]["level_id"], p["body"]["type"]) for p in posts] == [
        ("workspace", 100, "billable_rates"),
        ("task", 1100, "billable_rates"),
        ("project_user", 1200, "labor_rates"),
        ("workspace_user", 111, "billable_rates"),
        ("workspace_user", 113, "billable_rates"),
        ("project", 1000, "billable_rates"),
    ]
    assert [p["body"].get("mode") for p in posts] == ["start-today"] * 5 + [None]
    assert posts[-1]["body"]["start"] == "2999-01-01T00:00:00Z"
    # Converged: the workspace users and the projects once each (names first, resolved as one step
    # before deciding), then one history read per rate.
    assert requests_of(cycle["second_log"]) == [
        ("GET", "/organizations/10/workspaces/100/workspace_users", None),
        ("GET", "/workspaces/100/projects", {"active": "both", "page": "1", "per_page": "200", "name": "Website"}),
        ("GET", "/workspaces/100/rates/workspace/100", {"type": "billable_rates"}),
        ("GET", "/workspaces/100/rates/task/1100", {"type": "billable_rates"}),
        ("GET", "/workspaces/100/rates/project_user/1200", {"type": "labor_costs"}),
        ("GET", "/workspaces/100/rates/user/2", {"type": "billable_rates"}),
        ("GET", "/workspaces/100/rates/user/4", {"type": "billable_rates"}),
        ("GET", "/workspaces/100/rates/project/1000", {"type": "billable_rates"}),
    ]
    assert len(cycle["second"]["rates"]) == 6
    assert api_get(simulator, "/workspaces/100")["default_hourly_rate"] == 65
    # The scheduled project rate replaced the one scheduled at the same start, and nothing else.
    history = {p["id"]: p for p in periods(simulator, "/workspaces/100/rates/project/1000")}
    assert history[802]["deleted_at"] is not None
    assert (history[801]["amount"], history[801]["end"], history[801]["deleted_at"]) == (
        70,
        "2999-01-01T00:00:00Z",
        None,
    )
    scheduled = history[cycle["first"]["rates"][5]["id"]]
    assert (scheduled["amount"], scheduled["start"], scheduled["end"]) == (95, "2999-01-01T00:00:00Z", None)


def test_rates_on_a_free_plan_fail_with_the_api_message(simulator, run_playbook):
    cases = {
        "billable": dict(workspace=200, level="workspace", amount=10),
        "labor": dict(workspace=200, level="workspace", type="labor", amount=10),
    }
    run, log = run_logged(simulator, run_playbook, cases_playbook("toggl_rate", cases))
    for name in cases:
        assert failure_of(run, name).startswith(
            "needs a paid Toggl plan: Billable rates are available for Starter and higher plans. "
            "(HTTP 402 from GET /workspaces/200/rates/workspace/200)"
        )
    assert writes_in(log) == [] and [e["status"] for e in log] == [402, 402]


def test_bad_input_fails_before_any_request(simulator, run_playbook):
    base = dict(workspace=100, level="workspace")
    cases = {
        "zero": dict(base, amount=0),
        "negative": dict(base, amount=-3.5),
        "no amount": dict(base),
        "workspace level with a user": dict(base, user="bob@example.com", amount=5),
        "workspace user without target": dict(base, level="workspace_user", amount=5),
        "project user by project": dict(base, level="project_user", project="Website", amount=5),
        "two targets": dict(base, level="task", task_id=1, level_id=1, amount=5),
        "mode and start": dict(base, amount=5, mode="start-today", start="2026-01-01"),
        "bad start": dict(base, amount=5, start="next tuesday"),
        "bad level": dict(base, level="galaxy", amount=5),
        "bad list entry": dict(
            workspace=100, rates=[{"level": "workspace", "amount": 5}, {"level": "task", "amount": 5}]
        ),
        "list entry with mode and start": dict(
            workspace=100, rates=[{"level": "workspace", "amount": 5, "mode": "override-all", "start": "2026-01-01"}]
        ),
    }
    run, log = run_logged(simulator, run_playbook, cases_playbook("toggl_rate", cases))
    messages = {name: failure_of(run, name) for name in cases}
    assert log == [], "no case may send a request: %s" % log
    assert messages["zero"] == "amount: must be greater than 0, got 0.0"
    assert messages["negative"] == "amount: must be greater than 0, got -3.5"
    assert messages["no amount"] == "amount: is required"
    assert (
        messages["workspace level with a user"] == "user: level workspace takes no target (its target is the workspace)"
    )
    assert (
        messages["workspace user without target"] == "user/level_id: level workspace_user needs one of user, level_id"
    )
    assert messages["project user by project"] == "project: level project_user takes level_id"
    assert messages["two targets"] == "task_id/level_id: give only one of task_id, level_id"
    assert messages["mode and start"] == "parameters are mutually exclusive: mode|start"
    assert messages["bad start"].startswith("start: must be a date (2026-07-01) or an RFC 3339 date and time")
    assert messages["bad level"].startswith("value of level must be one of: workspace, workspace_user")
    assert messages["bad list entry"] == "task_id/level_id: level task needs one of task_id, level_id"
    assert messages["list entry with mode and start"] == "mode: give mode or start, not both"


def test_unknown_targets_fail_and_write_nothing(simulator, run_playbook):
    base = dict(organization=10, workspace=100)
    cases = {
        "unknown email": dict(base, level="workspace_user", user="nobody@example.com", amount=5),
        "member outside the workspace": dict(base, level="workspace_user", user="dave@example.com", amount=5),
        "user id outside the workspace": dict(base, level="workspace_user", user="5", amount=5),
        "unknown project": dict(base, level="project", project="Nope", amount=5),
        "ambiguous project": dict(base, level="project", project="Twin", amount=5),
        "unknown task": dict(base, level="task", task_id=4242, amount=5),
        "one rate twice": dict(
            base,
            rates=[
                {"level": "workspace_user", "user": "bob@example.com", "amount": 5},
                {"level": "workspace_user", "level_id": 112, "amount": 6},
            ],
        ),
        "unknown workspace": dict(workspace=4242, level="workspace", amount=5),
        "not a workspace admin": dict(base, level="task", task_id=1100, amount=5, api_token="tok-bob"),
        "good entry, then an unknown user": dict(
            base,
            rates=[
                {"level": "workspace", "amount": 99},
                {"level": "workspace_user", "user": "nobody@example.com", "amount": 5},
            ],
        ),
    }
    run, log = run_logged(simulator, run_playbook, cases_playbook("toggl_rate", cases))
    messages = {name: failure_of(run, name) for name in cases}
    assert writes_in(log) == []
    assert messages["unknown workspace"] == (
        "Toggl API error, HTTP 400 from GET /workspaces/4242/rates/workspace/4242: Invalid workspace ID"
    )
    # Refused before the write, from the workspace's admin flag (bob is a plain member).
    assert messages["not a workspace admin"] == (
        "the token's user is not an admin of workspace Acme HQ (100) (needed to set rates)"
    )
    assert messages["unknown email"] == "user 'nobody@example.com' not found in workspace 100"
    assert messages["member outside the workspace"] == "user 'dave@example.com' not found in workspace 100"
    assert messages["user id outside the workspace"] == (
        "Toggl API error, HTTP 400 from GET /workspaces/100/rates/user/5: User not found in workspace"
    )
    assert messages["unknown project"] == "project 'Nope' not found in workspace 100"
    assert messages["ambiguous project"] == "project: expected 1 project named 'Twin', found 2"
    assert messages["unknown task"] == (
        "Toggl API error, HTTP 400 from GET /workspaces/100/rates/task/4242: Task not found in workspace"
    )
    assert messages["one rate twice"] == (
        "rates: two entries set the billable rate of workspace user (user id 3) in workspace 100"
    )
    assert messages["good entry, then an unknown user"] == "user 'nobody@example.com' not found in workspace 100"
    assert api_get(simulator, "/workspaces/100")["default_hourly_rate"] == 50


# -- issue 11 item 5: the rate in effect is decided by the API's clock ------------------------


def test_a_server_clock_ahead_does_not_repost_the_rate(start_simulator, run_playbook):
    """The API's clock is moved to 01:00 of the controller's tomorrow: a start-today rate starts
    at the API's midnight, which lies in the controller's future. Decided by the controller's
    clock the rerun would find that rate not in effect yet and post it again on every run;
    decided by the API's (its Date header) it posts nothing."""
    ahead = start_simulator(seed("policy"))
    now = datetime.now(UTC)
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    ahead.advance_clock((tomorrow - now).total_seconds() + 3600)
    env = {"TOGGL_API_URL": ahead.api_url}
    args = dict(workspace=100, level="workspace_user", user="bob@example.com", amount=55, mode="start-today")
    playbook = task_playbook("toggl_rate", args)
    run, log = run_logged(ahead, run_playbook, playbook, env=env)
    assert run.rc == 0 and result_of(run)["changed"] is True, run.stdout
    assert [e["method"] for e in writes_in(log)] == ["POST"]
    started = [p["start"] for p in periods(ahead, "/workspaces/100/rates/workspace_user/112") if p["amount"] == 55]
    assert started == [tomorrow.strftime("%Y-%m-%dT%H:%M:%SZ")]  # in the controller's future

    rerun, rerun_log = run_logged(ahead, run_playbook, playbook, env=env)
    assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []
    assert result_of(rerun)["rate"]["amount"] == 55
