"""validate_names: the local checks, then every name the task gives resolved, and nothing else.

It is how a sequence of tasks (the workspace_policy role) fails on an unknown name before any of
them writes. Asserted per module that has it: the requests are exactly the reads the names need
(none for ids), the object's own state is not read, nothing is written, and an unknown name
fails naming its option.

Seed (seeds/policy.json): organization 10 "Acme", workspace 100 "Acme HQ" (projects 1000
"Website", 1001 "Mobile", two named "Twin"), groups 500 "Engineering" and 501 "Contractors",
members alice (2), bob (3), carol (4).
"""

import pytest
from helpers import failure_of, requests_of, result_of, run_logged, seed, task_playbook

USERS = ("GET", "/organizations/10/workspaces/100/workspace_users", None)
GROUPS = ("GET", "/organizations/10/groups", None)


def project(name):
    return ("GET", "/workspaces/100/projects", {"active": "both", "page": "1", "per_page": "200", "name": name})


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("policy"))


ALERT = dict(source_kind="project", threshold_type="hours", thresholds=[10], receiver_roles=["admin"])

KNOWN = {
    "alert": (
        "toggl_alert",
        dict(alerts=[dict(ALERT, project="Mobile", receiver_users=["carol@example.com", 3])]),
        [project("Mobile"), USERS],
    ),
    "reminder": (
        "toggl_track_reminder",
        dict(reminders=[{"users": ["bob@example.com"], "groups": ["Engineering", 501], "threshold": 4}]),
        [USERS, GROUPS],
    ),
    "rate": (
        "toggl_rate",
        dict(
            rates=[
                {"level": "project", "project": "Website", "amount": 120},
                {"level": "workspace_user", "user": "alice@example.com", "amount": 80},
                {"level": "workspace_user", "user": 3, "amount": 70},
                {"level": "workspace", "amount": 95},
            ]
        ),
        [project("Website"), USERS],
    ),
    "project group": (
        "toggl_project_group",
        dict(project="Website", group="Contractors"),
        [GROUPS, project("Website")],
    ),
    "ids only": ("toggl_track_reminder", dict(reminders=[{"users": [2, 3], "threshold": 4}]), []),
}


@pytest.mark.parametrize("case", sorted(KNOWN))
def test_known_names_cost_their_reads_and_nothing_else(simulator, run_playbook, case):
    module, args, reads = KNOWN[case]
    playbook = task_playbook(module, dict(args, organization=10, workspace=100, validate_names=True))
    run, log = run_logged(simulator, run_playbook, playbook)
    result = result_of(run)
    assert result["changed"] is False and not result.get("failed"), result
    assert requests_of(log) == reads  # no read of the alerts, reminders, rates or links themselves
    assert result["api_requests"]["total"] == len(reads)


UNKNOWN = {
    "receiver": (
        "toggl_alert",
        dict(alerts=[dict(ALERT, project="Mobile", receiver_users=["nobody@example.com"])]),
        "receiver_users: user 'nobody@example.com' not found in workspace 100",
    ),
    "alert project": (
        "toggl_alert",
        dict(alerts=[dict(ALERT, project="Nope")]),
        "project 'Nope' not found in workspace 100",
    ),
    "ambiguous project": (
        "toggl_rate",
        dict(rates=[{"level": "project", "project": "Twin", "amount": 5}]),
        "project: expected 1 project named 'Twin', found 2",
    ),
    "reminder group": (
        "toggl_track_reminder",
        dict(reminders=[{"groups": ["Nobody"], "threshold": 4}]),
        "groups: group 'Nobody' not found in organization 10",
    ),
    "reminder user": (
        "toggl_track_reminder",
        dict(reminders=[{"users": ["nobody@example.com"], "threshold": 4}]),
        "users: user 'nobody@example.com' not found in workspace 100",
    ),
    "rate user": (
        "toggl_rate",
        dict(rates=[{"level": "workspace_user", "user": "nobody@example.com", "amount": 5}]),
        "user 'nobody@example.com' not found in workspace 100",
    ),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN))
def test_an_unknown_name_fails_naming_it_with_nothing_written(simulator, run_playbook, case):
    module, args, message = UNKNOWN[case]
    playbook = task_playbook(module, dict(args, organization=10, workspace=100, validate_names=True))
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc != 0
    assert failure_of(run, "under test").startswith(message), failure_of(run, "under test")
    assert all(method == "GET" for method, _path, _query in requests_of(log))


def test_bad_input_fails_before_any_request_as_with_validate_only(simulator, run_playbook):
    args = dict(organization=10, workspace=100, validate_names=True, rates=[{"level": "workspace", "amount": -1}])
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_rate", args))
    assert failure_of(run, "under test").startswith("amount: must be greater than 0")
    assert log == []


def test_toggl_access_resolves_its_workspaces_and_groups_only(simulator, run_playbook):
    people = [{"email": "carol@example.com", "workspaces": [{"name": "Acme HQ"}], "groups": ["Nobody"]}]
    args = dict(organization=10, people=people, validate_names=True)
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_access", args))
    assert "group 'Nobody' not found" in failure_of(run, "under test")
    assert all(method == "GET" for method, _path, _query in requests_of(log))

    people[0]["groups"] = ["Engineering"]
    run, log = run_logged(simulator, run_playbook, task_playbook("toggl_access", args))
    result = result_of(run)
    assert result["changed"] is False and "people" not in result, result
    assert all(method == "GET" for method, _path, _query in requests_of(log))


# Every other module: its names resolved, nothing else (seed: Acme HQ is workspace 100; carol is
# a member of Acme but not of Acme Labs, 101).
OTHERS = {
    "group users and workspaces": (
        "toggl_group",
        dict(organization=10, name="Engineering", users=["carol@example.com"], workspaces=["Acme HQ"]),
        None,
    ),
    "group unknown user": (
        "toggl_group",
        dict(organization=10, name="Engineering", users=["nobody@example.com"]),
        "nobody@example.com",
    ),
    "invitation's unknown workspace": (
        "toggl_organization_user",
        dict(organization=10, user="new@example.com", workspaces=[{"workspace": "Nowhere"}]),
        "workspace 'Nowhere' not found",
    ),
    "member's unknown group": (
        "toggl_organization_user",
        dict(organization=10, user="carol@example.com", groups=["Nobody"]),
        "group 'Nobody' not found",
    ),
    "workspace user outside the organization": (
        "toggl_workspace_user",
        dict(organization=10, workspace=101, user="stranger@example.com"),
        "user stranger@example.com is not a member of organization 10",
    ),
    "workspace user in the organization": (
        "toggl_workspace_user",
        dict(organization=10, workspace=101, user="carol@example.com", role="admin"),
        None,
    ),
    "workspace by its organization's name": ("toggl_workspace", dict(organization="Acme", name="Acme HQ"), None),
    "info of an unknown workspace": ("toggl_workspace_info", dict(workspace="Nowhere"), "workspace 'Nowhere'"),
}


@pytest.mark.parametrize("case", sorted(OTHERS))
def test_every_module_takes_validate_names(simulator, run_playbook, case):
    module, args, failure = OTHERS[case]
    run, log = run_logged(simulator, run_playbook, task_playbook(module, dict(args, validate_names=True)))
    assert all(method == "GET" for method, _path, _query in requests_of(log))
    if failure is not None:
        assert failure in failure_of(run, "under test")
        return
    result = result_of(run)
    assert result["changed"] is False and not result.get("failed"), result
    assert result["api_requests"]["total"] == len(log)
    # Nothing of the object itself is in the result: it was not read.
    assert not {"group", "user", "workspace", "users"} & set(result), result
