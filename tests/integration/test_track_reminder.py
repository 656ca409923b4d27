"""toggl_track_reminder against the simulator: identity by recipient set or id, updates in
place, deletion, the list form and every refusal.

Seed (seeds/policy.json), workspace 100: reminder 600 for users 2 and 3 (daily, 8 h), reminders
601 and 602 both for group 501 "Contractors" (so that recipient set is ambiguous); group 500
is "Engineering"; carol (user 4) is in the workspace, dave (user 5) only in the organization.
"""

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
    task_playbook,
    writes_in,
)


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("policy"))


def reminders(simulator):
    return {r["reminder_id"]: r for r in api_get(simulator, "/workspaces/100/track_reminders")}


def test_create_by_recipients_given_as_email_and_group_name(simulator, run_playbook):
    args = dict(
        organization=10,
        workspace=100,
        users=["Carol@example.com"],
        groups=["Engineering"],
        frequency=7,
        threshold=30,
        email_reminder_enabled=False,
        slack_reminder_enabled=True,
    )
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_track_reminder", args))
    expected = {
        "users": [4],
        "groups": [500],
        "frequency": 7,
        "threshold": 30,
        "email_reminder_enabled": False,
        "slack_reminder_enabled": True,
    }
    assert cycle["first"]["diff"]["before"] == {} and cycle["first"]["diff"]["after"] == expected
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (
            "POST",
            "/api/v9/workspaces/100/track_reminders",
            {
                "user_ids": [4],
                "group_ids": [500],
                "frequency": 7,
                "threshold": 30,
                "email_reminder_enabled": False,
                "slack_reminder_enabled": True,
            },
        )
    ]
    assert cycle["check"]["track_reminder"]["reminder_id"] is None
    created = reminders(simulator)[cycle["first"]["track_reminder"]["reminder_id"]]
    assert (created["user_ids"], created["group_ids"], created["slack_reminder_enabled"]) == ([4], [500], True)
    assert requests_of(cycle["second_log"]) == [
        ("GET", "/organizations/10/workspaces/100/workspace_users", None),  # names first, before deciding
        ("GET", "/organizations/10/groups", None),
        ("GET", "/workspaces/100/track_reminders", None),
    ]


def test_update_in_place_found_by_recipient_ids_in_any_order(simulator, run_playbook):
    args = dict(workspace=100, users=[3, 2], threshold=6, slack_reminder_enabled=True)
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_track_reminder", args))
    assert cycle["first"]["diff"]["before"] == {
        "users": [2, 3],
        "groups": [],
        "threshold": 8,
        "slack_reminder_enabled": False,
    }
    assert cycle["first"]["diff"]["after"]["threshold"] == 6
    # The Swagger's reminders.Payload lets every key be omitted: the PUT carries only the two
    # changed keys, so a recipient or flag another admin changed meanwhile is not reset.
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (
            "PUT",
            "/api/v9/workspaces/100/track_reminders/600",
            {"threshold": 6, "slack_reminder_enabled": True},
        )
    ]
    assert requests_of(cycle["second_log"]) == [("GET", "/workspaces/100/track_reminders", None)]
    updated = reminders(simulator)[600]
    assert (updated["threshold"], updated["slack_reminder_enabled"]) == (6, True)
    assert (updated["user_ids"], updated["frequency"], updated["email_reminder_enabled"]) == ([2, 3], 1, True)
    assert len(reminders(simulator)) == 3


def test_reminders_list_form(simulator, run_playbook):
    args = dict(
        organization=10,
        workspace=100,
        frequency=1,
        reminders=[
            {"users": ["bob@example.com", "2"], "threshold": 5},
            {"groups": ["Engineering"], "threshold": 4, "email_reminder_enabled": False},
            {"reminder_id": 602, "state": "absent"},
        ],
    )
    cycle = converge_cycle_many(simulator, run_playbook, task_playbook("toggl_track_reminder", args))
    assert [(e["method"], e["path"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", "/api/v9/workspaces/100/track_reminders/600"),
        ("POST", "/api/v9/workspaces/100/track_reminders"),
        ("DELETE", "/api/v9/workspaces/100/track_reminders/602"),
    ]
    assert [d["after"].get("threshold") for d in cycle["first"]["diff"]] == [5, 4, None]
    # A deletion shows the whole reminder before, nothing after.
    assert cycle["first"]["diff"][2]["before"] == {
        "users": [],
        "groups": [501],
        "frequency": 1,
        "threshold": 6,
        "email_reminder_enabled": True,
        "slack_reminder_enabled": False,
    }
    assert cycle["first"]["diff"][2]["after"] == {} and cycle["first"]["track_reminders"][2] is None
    # Three entries, converged: the reminders, the workspace users and the groups, once each.
    assert requests_of(cycle["second_log"]) == [
        ("GET", "/organizations/10/workspaces/100/workspace_users", None),  # names first, before deciding
        ("GET", "/organizations/10/groups", None),
        ("GET", "/workspaces/100/track_reminders", None),
    ]
    state = reminders(simulator)
    assert 602 not in state and state[600]["threshold"] == 5
    new = cycle["first"]["track_reminders"][1]
    assert state[new["reminder_id"]]["group_ids"] == [500] and state[new["reminder_id"]]["frequency"] == 1


def test_refusals(simulator, run_playbook):
    base = dict(organization=10, workspace=100)
    cases = {
        "ambiguous recipients": dict(base, groups=["Contractors"], threshold=2),
        "frequency 3": dict(base, users=["2"], frequency=3),
        "threshold 0": dict(base, users=["2"], threshold=0),
        "no recipients": dict(base, threshold=2),
        "emptied recipients": dict(base, reminder_id=600, users=[], groups=[]),
        "unknown reminder id": dict(base, reminder_id=4242, threshold=2),
        "unknown email": dict(base, users=["nobody@example.com"], frequency=1, threshold=2),
        "member outside the workspace": dict(base, users=["dave@example.com"], frequency=1, threshold=2),
        "unknown group": dict(base, groups=["Nope"], frequency=1, threshold=2),
        "new without threshold": dict(base, users=["4"], frequency=1),
        "one reminder twice": dict(base, reminders=[{"users": ["2", "3"]}, {"reminder_id": 600, "threshold": 1}]),
        "list with a bad entry": dict(
            base, frequency=1, reminders=[{"users": ["4"], "threshold": 2}, {"users": ["4"], "threshold": 0}]
        ),
        "user id outside the workspace": dict(base, users=["5"], frequency=1, threshold=2),
        "not a workspace admin": dict(base, users=["3"], frequency=7, threshold=2, api_token="tok-bob"),
        "unknown workspace": dict(workspace=4242, users=["3"], threshold=2),
    }
    before = reminders(simulator)
    run, log = run_logged(simulator, run_playbook, cases_playbook("toggl_track_reminder", cases))
    messages = {name: failure_of(run, name) for name in cases}
    assert messages["ambiguous recipients"] == (
        "expected 1 track reminder for users [] and groups [501], found 2 that differ (reminder_id 601, 602): "
        "give reminder_id"
    )
    assert messages["frequency 3"] == "value of frequency must be one of: 1, 7, got: 3"
    assert messages["threshold 0"] == "threshold: must be greater than 0 hours, got 0"
    assert messages["no recipients"].startswith("users/groups: a reminder without reminder_id is identified by")
    assert messages["emptied recipients"] == "users/groups: a track reminder needs at least one user or group"
    assert messages["unknown reminder id"] == "track reminder 4242 not found in workspace 100"
    assert messages["unknown email"] == "users: user 'nobody@example.com' not found in workspace 100"
    assert messages["member outside the workspace"] == "users: user 'dave@example.com' not found in workspace 100"
    assert messages["unknown group"] == "groups: group 'Nope' not found in organization 10"
    assert messages["new without threshold"] == (
        "threshold: is required to create a track reminder for users [4] and groups []"
    )
    assert messages["one reminder twice"] == "reminders: two entries name the same track reminder 600"
    assert messages["list with a bad entry"] == "threshold: must be greater than 0 hours, got 0"
    # Only the API knows who is in the workspace when a user is given by id.
    assert messages["user id outside the workspace"] == (
        "Toggl API error, HTTP 400 from POST /workspaces/100/track_reminders: User 5 is not a member of the workspace"
    )
    # Refused before the write, from the workspace's admin flag (bob is a plain member).
    assert messages["not a workspace admin"] == (
        "the token's user is not an admin of workspace Acme HQ (100) "
        "(needed to create, change or delete track reminders)"
    )
    # The Swagger documents 403 (not 404) for a workspace the token cannot reach, existing or not.
    assert messages["unknown workspace"] == (
        "Toggl refused GET /workspaces/4242/track_reminders: the token's user may not do this "
        "(HTTP 403: User does not have access to this resource.)"
    )
    assert [(e["method"], e["status"]) for e in writes_in(log)] == [("POST", 400)]
    assert reminders(simulator) == before


# -- issue 11: copies left by concurrent creates, lost answers --------------------------------


def with_copy_of_600():
    """The policy seed plus reminder 603, a copy of 600 (as two runs creating it at once leave)."""
    state = seed("policy")
    reminders_of_hq = state["organizations"][0]["workspaces"][0]["reminders"]
    reminders_of_hq.append(dict(reminders_of_hq[0], id=603))
    return state


@pytest.mark.converge
def test_a_copy_is_deleted_and_the_lowest_id_kept(simulator, run_playbook):
    simulator.reset(with_copy_of_600())
    args = dict(workspace=100, users=[2, 3], frequency=1, threshold=8)
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_track_reminder", args))
    assert cycle["check"]["removed_duplicates"] == [603]
    assert cycle["first"]["removed_duplicates"] == [603] and cycle["second"]["removed_duplicates"] == []
    assert cycle["first"]["track_reminder"]["reminder_id"] == 600
    assert cycle["first"]["diff"]["before"]["duplicates"] == [603]
    assert cycle["first"]["diff"]["after"]["duplicates"] == []
    assert [(e["method"], e["path"]) for e in writes_in(cycle["first_log"])] == [
        ("DELETE", "/api/v9/workspaces/100/track_reminders/603")
    ]
    assert sorted(reminders(simulator)) == [600, 601, 602]


def test_a_create_whose_answer_was_lost_leaves_one_reminder(simulator, run_playbook):
    """The POST is applied, then the connection drops: the task re-reads and adopts the reminder
    it made instead of posting again; the rerun writes nothing."""
    simulator.faults([{"method": "POST", "path": "/workspaces/100/track_reminders$", "status": "lost"}])
    playbook = task_playbook("toggl_track_reminder", dict(workspace=100, users=[4], frequency=1, threshold=2))
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0, run.stdout
    assert [(e["method"], e["status"]) for e in writes_in(log)] == [("POST", "lost")]
    made = [r for r in reminders(simulator).values() if r["user_ids"] == [4]]
    assert len(made) == 1 and result_of(run)["track_reminder"]["reminder_id"] == made[0]["reminder_id"]
    assert result_of(run)["changed"] is True
    rerun, rerun_log = run_logged(simulator, run_playbook, playbook)
    assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []
