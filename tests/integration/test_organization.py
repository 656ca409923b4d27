"""toggl_organization against the simulator: create, rename, idempotency, check mode, errors."""

import pytest
from helpers import assert_clean_failure, converge_cycle, result_of, run_logged, seed, task_playbook, writes_in


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed())


@pytest.mark.converge
def test_create_organization(simulator, run_playbook):
    playbook = task_playbook("toggl_organization", {"name": "Globex", "workspace_name": "Globex HQ"})
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert cycle["check"]["organization"]["id"] is None
    created = cycle["first"]["organization"]
    assert created["name"] == "Globex" and created["workspace_name"] == "Globex HQ" and created["id"] > 40
    assert cycle["first"]["diff"] == {
        "before": {},
        "after": {"name": "Globex"},
        "before_header": "organization 'Globex' (id %s)" % created["id"],
        "after_header": "organization 'Globex' (id %s)" % created["id"],
    }
    assert [(e["method"], e["path"]) for e in writes_in(cycle["first_log"])] == [("POST", "/api/v9/organizations")]
    assert cycle["first_log"][-1]["body"] == {"name": "Globex", "workspace_name": "Globex HQ"}
    # converged by name: one /me/organizations read
    assert [(e["method"], e["path"]) for e in cycle["second_log"]] == [("GET", "/api/v9/me/organizations")]
    assert cycle["second"]["api_requests"] == {"GET": 1, "total": 1}
    orgs = simulator.state()["organizations"]
    assert len([o for o in orgs if (o["name"] if isinstance(o, dict) else orgs[o]["name"]) == "Globex"]) == 1


@pytest.mark.converge
def test_rename_organization_by_id(simulator, run_playbook):
    playbook = task_playbook("toggl_organization", {"id": 10, "name": "Acme Inc."})
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert cycle["first"]["diff"]["before"] == {"name": "Acme"}
    assert cycle["first"]["diff"]["after"] == {"name": "Acme Inc."}
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", "/api/v9/organizations/10", {"name": "Acme Inc."})
    ]
    assert cycle["second"]["api_requests"] == {"GET": 1, "total": 1}


@pytest.mark.converge
def test_existing_organization_by_name_is_unchanged(simulator, run_playbook):
    converge_cycle(simulator, run_playbook, task_playbook("toggl_organization", {"name": "Acme"}), expect_changed=False)


def test_name_too_long_fails_before_any_request(simulator, run_playbook):
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_organization", {"name": "x" * 141}))
    msg = assert_clean_failure(run)
    assert msg == "name: is 141 characters long; Toggl allows at most 140"
    assert log == []
    assert result_of(run)["api_requests"] == {"total": 0}


def test_ambiguous_name_fails_with_count(simulator, run_playbook):
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_organization", {"name": "Twin"}))
    assert assert_clean_failure(run) == "expected 1 organization named 'Twin', found 2"
    assert writes_in(log) == []


def test_unknown_id_fails_naming_it(simulator, run_playbook):
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_organization", {"id": 999, "name": "X"}))
    assert assert_clean_failure(run).startswith("organization 999 not found (HTTP 404 from GET /organizations/999")
    assert writes_in(log) == []


def test_bad_token_is_an_authentication_failure(simulator, run_playbook):
    playbook = task_playbook("toggl_organization", {"name": "Acme", "api_token": "wrong"})
    run, log = run_logged(simulator, run_playbook, playbook)
    msg = assert_clean_failure(run)
    assert msg.startswith("authentication failed: check api_token (env TOGGL_API_TOKEN)")
    assert "wrong" not in run.stdout + run.stderr


def test_missing_credentials_name_the_options(simulator, run_playbook):
    run, log = run_logged(
        simulator, run_playbook, task_playbook("toggl_organization", {"name": "Acme"}), env={"TOGGL_API_TOKEN": ""}
    )
    assert "api_token (env TOGGL_API_TOKEN)" in assert_clean_failure(run)
    assert log == []


def test_username_and_password_work_too(simulator, run_playbook):
    playbook = task_playbook("toggl_organization", {"name": "Acme"})
    run, _log = run_logged(
        simulator,
        run_playbook,
        playbook,
        env={"TOGGL_API_TOKEN": "", "TOGGL_API_USERNAME": "owner@example.com", "TOGGL_API_PASSWORD": "owner-password"},
    )
    assert run.rc == 0 and result_of(run)["organization"]["id"] == 10


def test_a_member_may_not_rename_the_organization_and_is_told_so(simulator, run_playbook):
    for check in (True, False):
        run, log = run_logged(
            simulator,
            run_playbook,
            task_playbook("toggl_organization", {"id": 10, "name": "Acme Renamed"}),
            check=check,
            env={"TOGGL_API_TOKEN": "tok-member"},
        )
        assert assert_clean_failure(run) == (
            "the token's user is not an admin of organization Acme (10) (needed to change the organization)"
        )
        assert writes_in(log) == []


def test_rename_answered_ok_is_read_back(simulator, run_playbook):
    """Swagger: PUT /organizations/{id} answers "OK": the organization is read until it shows."""
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_organization", {"id": 10, "name": "Acme 2"}))
    result = result_of(run)
    assert result["changed"] is True and result["organization"]["name"] == "Acme 2"
    after_put = [(e["method"], e["path"]) for e in log][[e["method"] for e in log].index("PUT") + 1 :]
    assert after_put and set(after_put) == {("GET", "/api/v9/organizations/10")}
