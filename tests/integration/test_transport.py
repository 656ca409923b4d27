"""The transport seen from a playbook: quota headers and exhaustion, retries on faults, rate limit,
403 once the token was accepted, lost answers, and an api_url without its /api/v9."""

import copy

import pytest
from helpers import assert_clean_failure, result_of, run_logged, seed, task_playbook, writes_in

WORKSPACE_BY_ID = task_playbook("toggl_workspace", {"id": 100, "reports_collapse": True})


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed())


def test_quota_remaining_is_returned_and_exhaustion_is_one_clear_error(start_simulator, run_playbook):
    quota_seed = copy.deepcopy(seed())
    quota_seed["organizations"][0]["api_quota"] = 3  # Acme: 3 requests an hour
    limited = start_simulator(quota_seed, ["--quota"])
    env = {"TOGGL_API_URL": limited.api_url}

    run = run_playbook(WORKSPACE_BY_ID, env=env)
    assert run.rc == 0
    assert result_of(run)["quota_remaining"] == 2
    run_playbook(WORKSPACE_BY_ID, env=env)

    limited.clear_requests()
    playbook = task_playbook("toggl_workspace", {"id": 100, "reports_collapse": False})
    run = run_playbook(playbook, env=env)  # GET takes the last request: the PUT is not sent
    msg = assert_clean_failure(run)
    assert msg.startswith("Toggl API quota too low to finish this task: needs 1 request, 0 left, resets in ")
    assert "; nothing was written" in msg
    log = limited.requests()
    # The workspace read and the admin check (/me/organizations, a user-level request outside the
    # organization's quota); the PUT the quota cannot carry is refused before it is sent
    # (engine.plan_quota; test_quota.py has the waits, test_quota_planning.py a 402 mid-run).
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/api/v9/workspaces/100", 200),
        ("GET", "/api/v9/me/organizations", 200),
    ]
    assert result_of(run)["api_requests"] == {"GET": 2, "total": 2}
    assert result_of(run)["quota_remaining"] == 0


def test_gets_are_retried_through_502_and_connection_reset(simulator, run_playbook):
    simulator.faults(
        [
            {"method": "GET", "path": "^/api/v9/workspaces/100$", "status": 502, "times": 1},
            {"method": "GET", "path": "^/api/v9/workspaces/100$", "status": "reset", "times": 1},
        ]
    )
    run, log = run_logged(simulator, run_playbook, WORKSPACE_BY_ID)
    assert run.rc == 0
    assert result_of(run)["api_requests"] == {"GET": 3, "total": 3}
    assert [e["status"] for e in log][-1] == 200


def test_post_is_not_retried_after_a_500_and_a_rerun_converges(simulator, run_playbook):
    simulator.faults([{"method": "POST", "path": "/workspaces$", "status": 500, "times": 1}])
    playbook = task_playbook("toggl_workspace", {"organization": 10, "name": "Retry Me"})
    run, log = run_logged(simulator, run_playbook, playbook)
    assert "HTTP 500 from POST /organizations/10/workspaces" in assert_clean_failure(run)
    assert [e["method"] for e in writes_in(log)] == ["POST"]

    run, log = run_logged(simulator, run_playbook, playbook)
    assert result_of(run)["changed"] is True
    run, log = run_logged(simulator, run_playbook, playbook)
    assert result_of(run)["changed"] is False and writes_in(log) == []


def test_rate_limited_requests_wait_and_succeed(start_simulator, run_playbook):
    limited = start_simulator(seed(), ["--rate-limit", "1"])
    playbook = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: under test
      trackops.toggl.toggl_workspace:
        id: 100
        reports_collapse: "{{ item }}"
      loop: [false, true, false, true]
"""
    run = run_playbook(playbook, env={"TOGGL_API_URL": limited.api_url})
    assert run.rc == 0, run.stdout
    log = limited.requests()
    statuses = [e["status"] for e in log]
    assert 429 in statuses, "the limit was reached, so the test shows a retry"
    # Each of the 4 runs: the workspace read, the admin check (/me/organizations), the update;
    # each eventually served.
    served = [(e["method"], e["path"]) for e in log if e["status"] == 200]
    assert served.count(("PUT", "/api/v9/workspaces/100")) == 4
    assert served.count(("GET", "/api/v9/workspaces/100")) == 4
    assert len(served) == 12, served


def test_a_403_once_the_token_was_accepted_is_a_permission_refusal(simulator, run_playbook):
    simulator.faults([{"method": "PUT", "path": "^/api/v9/workspaces/100$", "status": 403, "times": 1}])
    playbook = task_playbook("toggl_workspace", {"id": 100, "reports_collapse": False})
    run, log = run_logged(simulator, run_playbook, playbook)
    msg = assert_clean_failure(run)
    assert msg == "Toggl refused PUT /workspaces/100: the token's user may not do this (HTTP 403: Forbidden)"
    assert "authentication failed" not in msg
    assert [(e["method"], e["status"]) for e in writes_in(log)] == [("PUT", 403)], "a 403 is not retried"


def test_a_wrong_token_on_the_first_request_is_still_a_credential_error(simulator, run_playbook):
    run, log = run_logged(simulator, run_playbook, WORKSPACE_BY_ID, env={"TOGGL_API_TOKEN": "tok-nobody"})
    msg = assert_clean_failure(run)
    assert msg.startswith("authentication failed: check api_token (env TOGGL_API_TOKEN)"), msg
    # The refused read, then GET /me, which tells a bad token from a user without the rights.
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", "/api/v9/workspaces/100", 403),
        ("GET", "/api/v9/me", 403),
    ]


def test_an_api_url_without_api_v9_is_named(simulator, run_playbook):
    playbook = task_playbook("toggl_organization_info", {"organization": "Acme"})
    run = run_playbook(playbook, env={"TOGGL_API_URL": simulator.url})
    msg = assert_clean_failure(run)
    assert msg.startswith("/me/organizations not found: check api_url (%s), it should end in /api/v9" % simulator.url)
    assert result_of(run)["api_requests"] == {"GET": 1, "total": 1}


@pytest.mark.converge
def test_a_delete_applied_whose_answer_was_lost_succeeds(start_simulator, run_playbook):
    # No read lag here: within it the simulator may still find the deleted reminder and answer the
    # resent DELETE with 200, which the client takes as the success it is anyway; this test is
    # about the 404 the resent DELETE gets once the object is gone.
    lossy = start_simulator(seed(), ["--read-lag-ms", "0"])
    env = {"TOGGL_API_URL": lossy.api_url}
    reminder = {"organization": 10, "workspace": 100, "users": ["member@example.com"], "threshold": 8, "frequency": 1}
    run = run_playbook(task_playbook("toggl_track_reminder", reminder), env=env)
    assert result_of(run)["changed"] is True
    reminder_id = result_of(run)["track_reminder"]["reminder_id"]
    absent = task_playbook("toggl_track_reminder", dict(reminder, reminder_id=reminder_id, state="absent"))
    lossy.faults([{"method": "DELETE", "path": "/track_reminders/", "status": "lost", "times": 1}])

    run, log = run_logged(lossy, run_playbook, absent, env=env)
    assert run.rc == 0, result_of(run).get("msg")
    assert result_of(run)["changed"] is True and result_of(run)["track_reminder"] is None
    path = "/api/v9/workspaces/100/track_reminders/%s" % reminder_id
    assert [(e["method"], e["path"], e["status"]) for e in writes_in(log)] == [
        ("DELETE", path, "lost"),
        ("DELETE", path, 404),
    ]
    assert result_of(run)["api_requests"]["DELETE"] == 2

    run, log = run_logged(lossy, run_playbook, absent, env=env)
    assert result_of(run)["changed"] is False and writes_in(log) == []
