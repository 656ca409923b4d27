"""toggl_workspace against the simulator: create with settings, update, rename, plan gating, errors."""

import pytest
from helpers import api_get, assert_clean_failure, converge_cycle, result_of, run_logged, seed, task_playbook, writes_in

SETTINGS = {
    "default_currency": "EUR",
    "default_hourly_rate": 95.5,
    "rounding": -1,
    "rounding_minutes": 15,
    "only_admins_may_create_projects": True,
    "only_admins_may_create_tags": True,
    "only_admins_see_team_dashboard": True,
    "projects_billable_by_default": False,
    "projects_enforce_billable": True,
    "projects_private_by_default": False,
    "limit_public_project_data": True,
    "reports_collapse": False,
}
RATE_CHANGE_MODE = {"rate_change_mode": "override-all"}


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed())


def workspace_in_state(simulator, ws_id):
    """The workspace as GET /workspaces/{id} shows it to the owner."""
    return api_get(simulator, "/workspaces/%s" % ws_id)


@pytest.mark.converge
def test_create_workspace_with_every_setting(simulator, run_playbook):
    playbook = task_playbook(
        "toggl_workspace", dict(organization="Acme", name="Delivery", **SETTINGS, **RATE_CHANGE_MODE)
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    created = cycle["first"]["workspace"]
    assert cycle["check"]["workspace"]["id"] is None and created["id"] > 400
    assert "api_token" not in created
    assert cycle["first"]["diff"]["after"] == dict(name="Delivery", **SETTINGS)
    posts = writes_in(cycle["first_log"])
    assert [(e["method"], e["path"]) for e in posts] == [("POST", "/api/v9/organizations/10/workspaces")]
    assert posts[0]["body"] == dict(name="Delivery", **SETTINGS, **RATE_CHANGE_MODE)
    shown = workspace_in_state(simulator, created["id"])
    assert {key: shown[key] for key in SETTINGS} == SETTINGS
    # org by name + workspace by name: the two /me reads, nothing else
    assert [e["path"] for e in cycle["second_log"]] == ["/api/v9/me/organizations", "/api/v9/me/workspaces"]


@pytest.mark.converge
@pytest.mark.parametrize("setting, value", sorted(SETTINGS.items()))
def test_each_setting_updates_alone(simulator, run_playbook, setting, value):
    playbook = task_playbook("toggl_workspace", {"organization": 10, "name": "Acme HQ", setting: value})
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", "/api/v9/workspaces/100", {setting: value})
    ]
    assert cycle["first"]["diff"]["after"][setting] == value
    assert cycle["first"]["diff"]["before"][setting] != value
    assert workspace_in_state(simulator, 100)[setting] == value
    assert cycle["second"]["api_requests"] == {"GET": 1, "total": 1}


@pytest.mark.converge
def test_rate_change_mode_is_sent_with_a_rate_change_only(simulator, run_playbook):
    args = {"id": 100, "default_hourly_rate": 80, "rate_change_mode": "override-all"}
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_workspace", args))
    assert [e["body"] for e in writes_in(cycle["first_log"])] == [
        {"default_hourly_rate": 80.0, "rate_change_mode": "override-all"}
    ]
    assert "rate_change_mode" not in cycle["first"]["diff"]["after"]


@pytest.mark.converge
def test_rename_by_id(simulator, run_playbook):
    cycle = converge_cycle(
        simulator, run_playbook, task_playbook("toggl_workspace", {"id": 100, "name": "Head Office"})
    )
    assert cycle["first"]["diff"]["before"]["name"] == "Acme HQ"
    assert cycle["first"]["diff"]["after"]["name"] == "Head Office"
    assert [e["path"] for e in cycle["second_log"]] == ["/api/v9/workspaces/100"]


@pytest.mark.converge
def test_unset_settings_are_left_alone(simulator, run_playbook):
    converge_cycle(
        simulator,
        run_playbook,
        task_playbook("toggl_workspace", {"organization": 10, "name": "Acme HQ"}),
        expect_changed=False,
    )


@pytest.mark.parametrize(
    "setting, value, api_message",
    [
        ("rounding", -1, "Must be a premium user to use rounding"),
        ("default_hourly_rate", 50, "Must be a premium user to use default_hourly_rate"),
        ("only_admins_may_create_tags", True, "restricting tag management to administrators requires a premium"),
    ],
)
def test_paid_setting_on_free_plan_fails_with_api_message_and_writes_nothing(
    simulator, run_playbook, setting, value, api_message
):
    before = workspace_in_state(simulator, 200)
    playbook = task_playbook(
        "toggl_workspace",
        {"organization": 20, "name": "Free Space", "projects_private_by_default": False, setting: value},
    )
    run, log = run_logged(simulator, run_playbook, playbook)
    msg = assert_clean_failure(run)
    assert msg.startswith("needs a paid Toggl plan: " + api_message)
    assert [entry["status"] for entry in writes_in(log)] == [402]
    assert workspace_in_state(simulator, 200) == before


def test_paid_setting_on_free_plan_create_writes_nothing(simulator, run_playbook):
    playbook = task_playbook("toggl_workspace", {"organization": 20, "name": "Second", "rounding": -1})
    run, log = run_logged(simulator, run_playbook, playbook)
    assert assert_clean_failure(run).startswith("needs a paid Toggl plan: Must be a premium user to use rounding")
    assert [entry["status"] for entry in writes_in(log)] == [402]
    names = [ws["name"] for ws in api_get(simulator, "/me/workspaces")]
    assert "Second" not in names


@pytest.mark.parametrize(
    "args, message",
    [
        ({"organization": 10, "name": "w" * 141}, "name: is 141 characters long; Toggl allows at most 140"),
        ({"organization": 10, "name": " "}, "name: must contain non-space characters"),
        ({"organization": 10, "name": "X", "default_currency": "euro"}, "default_currency: must be a three-letter"),
        ({"organization": 10, "name": "X", "rounding_minutes": -1}, "rounding_minutes: must be at least 0, got -1"),
    ],
)
def test_bad_input_fails_before_any_request(simulator, run_playbook, args, message):
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_workspace", args))
    assert assert_clean_failure(run).startswith(message)
    assert log == []


@pytest.mark.parametrize("check", [False, True], ids=["run", "check"])
def test_a_name_without_organization_is_found_or_fails_before_any_write(simulator, run_playbook, check):
    """Without organization a name is looked up among all the token's workspaces: found, it is
    managed; not found, it cannot be created, and the task says so before any write."""
    known = task_playbook("toggl_workspace", {"name": "Acme HQ"})
    run, log = run_logged(simulator, run_playbook, known, check=check)
    assert run.rc == 0 and result_of(run)["changed"] is False, run
    assert result_of(run)["workspace"]["id"] == 100 and writes_in(log) == []
    unknown = task_playbook("toggl_workspace", {"name": "No Org"})
    run, log = run_logged(simulator, run_playbook, unknown, check=check)
    assert assert_clean_failure(run) == (
        "organization: is required to create workspace 'No Org' (the token sees no workspace of that name)"
    )
    assert [(e["method"], e["path"]) for e in log] == [("GET", "/api/v9/me/workspaces")]


def test_bad_choice_is_rejected_by_the_argument_spec(simulator, run_playbook):
    run, log = run_logged(
        simulator, run_playbook, task_playbook("toggl_workspace", {"organization": 10, "name": "X", "rounding": 2})
    )
    assert "rounding" in assert_clean_failure(run)
    assert log == []


def test_duplicate_name_in_org_fails_with_api_message(simulator, run_playbook):
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_workspace", {"id": 100, "name": "Acme HQ"}))
    assert run.rc == 0  # its own name: nothing to do
    simulator.reset(seed())
    playbook = task_playbook("toggl_workspace", {"organization": 10, "name": "Second"})
    run_playbook(playbook)
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_workspace", {"id": 100, "name": "Second"}))
    assert "another workspace with same name exists in organization" in assert_clean_failure(run)


def test_unknown_organization_name(simulator, run_playbook):
    run, log = run_logged(
        simulator, run_playbook, task_playbook("toggl_workspace", {"organization": "Nope", "name": "X"})
    )
    assert assert_clean_failure(run) == "organization 'Nope' not found among the token's organizations"
    assert writes_in(log) == []


def test_workspace_of_another_organization_is_not_visible(simulator, run_playbook):
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_workspace", {"id": 400, "name": "Mine"}))
    msg = assert_clean_failure(run)
    assert "HTTP 403" in msg or "HTTP 404" in msg
    assert writes_in(log) == []


def test_module_defaults_group_sets_shared_options(simulator, run_playbook):
    playbook = """
- hosts: localhost
  gather_facts: false
  module_defaults:
    group/trackops.toggl.toggl:
      api_token: tok-owner
  tasks:
    - name: under test
      trackops.toggl.toggl_workspace:
        id: 100
        reports_collapse: false
"""
    run, _log = run_logged(simulator, run_playbook, playbook, env={"TOGGL_API_TOKEN": "wrong"})
    assert run.rc == 0 and result_of(run)["changed"] is True


# -- issue 11: partial rights, names of digits, lost answers -------------------------------------

MEMBER = {"TOGGL_API_TOKEN": "tok-member"}  # Mel, a plain member of Acme and user of Acme HQ
NOT_ADMIN = "the token's user is not an admin of organization Acme (10) (needed to create or change workspaces)"


@pytest.mark.parametrize("check", [True, False])
def test_a_workspace_the_member_cannot_see_is_no_predicted_create(simulator, run_playbook, check):
    """'Secret' exists, but Mel is not in it: without the admin right the task fails naming the
    right, in check mode too (no false "would create"), and writes nothing."""
    run_playbook(task_playbook("toggl_workspace", {"organization": 10, "name": "Secret"}))
    run, log = run_logged(
        simulator,
        run_playbook,
        task_playbook("toggl_workspace", {"organization": "Acme", "name": "Secret"}),
        check=check,
        env=MEMBER,
    )
    assert assert_clean_failure(run) == NOT_ADMIN
    assert writes_in(log) == []


def test_a_member_may_not_change_a_workspace_and_is_told_so(simulator, run_playbook):
    run, log = run_logged(
        simulator,
        run_playbook,
        task_playbook("toggl_workspace", {"id": 100, "name": "Acme HQ", "rounding_minutes": 30}),
        env=MEMBER,
    )
    assert assert_clean_failure(run) == NOT_ADMIN
    assert writes_in(log) == []
    # what needs no write needs no right
    run, log = run_logged(
        simulator, run_playbook, task_playbook("toggl_workspace", {"id": 100, "name": "Acme HQ"}), env=MEMBER
    )
    assert result_of(run)["changed"] is False and writes_in(log) == []


@pytest.mark.converge
def test_a_workspace_named_with_digits_is_a_name(simulator, run_playbook):
    """Workspace Acme HQ's id is 100: as a workspace's name, "100" is a name."""
    # Every setting given: check mode predicts only what is given (a create with a name alone predicts
    # the settings as null, which the real create answers with values).
    playbook = task_playbook("toggl_workspace", dict(SETTINGS, organization=10, name="100"))
    cycle = converge_cycle(simulator, run_playbook, playbook)
    created = cycle["first"]["workspace"]
    assert created["name"] == "100" and created["id"] != 100
    assert workspace_in_state(simulator, 100)["name"] == "Acme HQ"


def test_a_create_whose_answer_was_lost_is_adopted(simulator, run_playbook):
    simulator.faults([{"method": "POST", "path": "/organizations/10/workspaces$", "status": "lost"}])
    playbook = task_playbook("toggl_workspace", {"organization": 10, "name": "Lab", "reports_collapse": False})
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0, run
    assert result_of(run)["changed"] is True and result_of(run)["workspace"]["name"] == "Lab"
    assert [(e["method"], e["status"]) for e in writes_in(log)] == [("POST", "lost")]
    names = [ws["name"] for ws in api_get(simulator, "/me/workspaces")]
    assert names.count("Lab") == 1
    rerun, rerun_log = run_logged(simulator, run_playbook, playbook)
    assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []
