"""The transport seen from a playbook: quota headers and exhaustion, retries on faults, rate limit."""

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
    run = run_playbook(playbook, env=env)  # GET takes the last request; the PUT is refused
    msg = assert_clean_failure(run)
    assert msg.startswith("Toggl API quota exhausted, resets in ")
    assert " s (HTTP 402 from PUT /workspaces/100" in msg
    log = limited.requests()
    assert [(e["method"], e["status"]) for e in log] == [("GET", 200), ("PUT", 402)], "no retry storm"
    assert result_of(run)["api_requests"] == {"GET": 1, "PUT": 1, "total": 2}
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
    statuses = [e["status"] for e in limited.requests()]
    assert 429 in statuses, "the limit was reached, so the test shows a retry"
    assert statuses.count(200) == 8  # 4 reads + 4 updates, each eventually served
