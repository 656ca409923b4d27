"""toggl_alert against the simulator: identity by (project, source_kind, threshold_type) or id,
full-body PUT, deletion, the list form, the API's documented refusals and the local ones.

Seed (seeds/policy.json), workspace 100: alert 700 on project 1000 "Website" (project,
percentage, [80, 100], role admin, receiver group 500); alerts 701 and 702 both on project
1001 "Mobile" (project, hours), so that tuple is ambiguous.
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


def alerts(simulator):
    return {alert["id"]: alert for alert in api_get(simulator, "/workspaces/100/alerts")}


def test_create_by_project_name_with_receivers_by_email(simulator, run_playbook):
    args = dict(
        organization=10,
        workspace=100,
        project="Mobile",
        source_kind="project",
        threshold_type="percentage",
        thresholds=[90, 50],
        receiver_roles=["admin"],
        receiver_users=["carol@EXAMPLE.com"],
    )
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_alert", args))
    assert cycle["first"]["diff"]["after"] == {
        "project": 1001,
        "source_kind": "project",
        "threshold_type": "percentage",
        "thresholds": [50, 90],
        "receiver_roles": ["admin"],
        "receiver_users": [4],
    }
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (
            "POST",
            "/api/v9/workspaces/100/alerts",
            {
                "project_id": 1001,
                "source_kind": "project",
                "threshold_type": "percentage",
                "thresholds": [90, 50],
                "receiver_roles": ["admin"],
                "receiver_users": [4],
            },
        )
    ]
    created = alerts(simulator)[cycle["first"]["alert"]["id"]]
    assert (created["project_name"], created["receiver_users_name"]) == ("Mobile", ["Carol Coder"])
    assert requests_of(cycle["second_log"]) == [
        ("GET", "/workspaces/100/projects", {"active": "both", "page": "1", "per_page": "200", "name": "Mobile"}),
        ("GET", "/organizations/10/workspaces/100/workspace_users", None),
        ("GET", "/workspaces/100/alerts", None),  # after the names, resolved as one step before deciding
    ]


def test_update_sends_the_whole_alert_and_keeps_receiver_groups(simulator, run_playbook):
    args = dict(
        workspace=100,
        project=1000,
        source_kind="project",
        threshold_type="percentage",
        thresholds=[100, 50],
        receiver_users=[3],
    )
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_alert", args))
    assert cycle["first"]["diff"]["before"] == {
        "project": 1000,
        "source_kind": "project",
        "threshold_type": "percentage",
        "thresholds": [80, 100],
        "receiver_users": [],
    }
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        (
            "PUT",
            "/api/v9/workspaces/100/alerts/700",
            {
                "project_id": 1000,
                "source_kind": "project",
                "threshold_type": "percentage",
                "thresholds": [100, 50],
                "receiver_roles": ["admin"],
                "receiver_users": [3],
                "receiver_groups": [500],
            },
        )
    ]
    # project=1000 reaches the module as the string "1000": a name of digits, so one filtered
    # read tells whether a project is named so before it is taken as an id (toggl_alert docs).
    assert requests_of(cycle["second_log"]) == [
        ("GET", "/workspaces/100/projects", {"active": "both", "page": "1", "per_page": "200", "name": "1000"}),
        ("GET", "/workspaces/100/alerts", None),
    ]
    shown = alerts(simulator)[700]
    assert (shown["thresholds"], shown["receiver_users"], shown["receiver_groups"]) == ([100, 50], [3], [500])


def test_alerts_list_form(simulator, run_playbook):
    args = dict(
        workspace=100,
        source_kind="project",
        threshold_type="percentage",
        receiver_roles=["admin"],
        alerts=[
            {"project": "1000", "thresholds": [100, 80]},
            {"project": "1001", "thresholds": [75]},
            {"alert_id": 702, "state": "absent"},
            {"source_kind": "workspace", "threshold_type": "hours", "thresholds": [500]},
        ],
    )
    cycle = converge_cycle_many(simulator, run_playbook, task_playbook("toggl_alert", args))
    assert [d["before"] == d["after"] for d in cycle["first"]["diff"]] == [True, False, False, False]
    assert [(e["method"], e["path"], (e["body"] or {}).get("project_id")) for e in writes_in(cycle["first_log"])] == [
        ("POST", "/api/v9/workspaces/100/alerts", 1001),
        ("DELETE", "/api/v9/workspaces/100/alerts/702", None),
        ("POST", "/api/v9/workspaces/100/alerts", None),
    ]
    # One filtered read per project given as digits (each may be a name), then the alerts.
    assert requests_of(cycle["second_log"]) == [
        ("GET", "/workspaces/100/projects", {"active": "both", "page": "1", "per_page": "200", "name": name})
        for name in ("1000", "1001")
    ] + [("GET", "/workspaces/100/alerts", None)]
    # A deletion shows the whole alert before, nothing after.
    assert cycle["first"]["diff"][2]["before"] == {
        "project": 1001,
        "source_kind": "project",
        "threshold_type": "hours",
        "thresholds": [20],
        "receiver_roles": ["admin"],
        "receiver_users": [],
    }
    assert cycle["first"]["diff"][2]["after"] == {} and cycle["first"]["alerts"][2] is None
    state = alerts(simulator)
    assert 702 not in state and len(state) == 4
    workspace_alert = state[cycle["first"]["alerts"][3]["id"]]
    assert (workspace_alert["source_kind"], workspace_alert["project_id"]) == ("workspace", None)


def test_the_apis_documented_refusals_name_the_option(simulator, run_playbook):
    new = dict(workspace=100, project=1000, threshold_type="hours", thresholds=[5], receiver_roles=["admin"])
    cases = {
        "source kind": dict(new, source_kind="galaxy"),
        "threshold type": dict(new, source_kind="project", threshold_type="money"),
        "receiver role": dict(workspace=100, alert_id=700, receiver_roles=["king"]),
        "threshold": dict(new, source_kind="project", thresholds=[5000]),
        "project needed": dict(new, project=None, source_kind="project"),
        "project not supported": dict(new, source_kind="workspace"),
        "receiver user": dict(new, source_kind="project", receiver_users=["5"]),
        "not a workspace admin": dict(new, source_kind="project", api_token="tok-bob"),
    }
    before = alerts(simulator)
    run, log = run_logged(simulator, run_playbook, cases_playbook("toggl_alert", cases))
    messages = {name: failure_of(run, name) for name in cases}
    post = "(HTTP 400 from POST /workspaces/100/alerts: %s)"
    assert messages["source kind"] == "source_kind: Toggl does not accept 'galaxy' " + post % "source kind out of range"
    assert messages["threshold type"] == (
        "threshold_type: Toggl does not accept 'money' " + post % "threshold type out of range"
    )
    assert messages["receiver role"] == (
        "receiver_roles: Toggl does not accept one of ['king'] "
        "(HTTP 400 from PUT /workspaces/100/alerts/700: receiver role out of range)"
    )
    assert messages["threshold"] == "thresholds: Toggl does not accept one of [5000] " + post % "threshold out of range"
    assert messages["project needed"] == (
        "project: source_kind 'project' needs a project of this workspace " + post % "project can't be blank"
    )
    assert messages["project not supported"] == (
        "project: source_kind 'workspace' takes no project " + post % "project not supported for this source kind"
    )
    assert messages["receiver user"] == (
        "receiver_users: Toggl refused a receiver of [5] " + post % "receiver type out of range"
    )
    # Refused before the write, from the workspace's admin flag (bob is a plain member).
    assert messages["not a workspace admin"] == (
        "the token's user is not an admin of workspace Acme HQ (100) (needed to create, change or delete alerts)"
    )
    assert [entry["status"] for entry in writes_in(log)] == [400] * (len(cases) - 1)
    assert alerts(simulator) == before


def test_local_refusals_write_nothing(simulator, run_playbook):
    base = dict(organization=10, workspace=100)
    new = dict(base, project="Website", source_kind="project", threshold_type="hours")
    before_any_request = {
        "empty thresholds": dict(new, thresholds=[]),
        "no receivers": dict(new, receiver_roles=[], receiver_users=[]),
        "no source kind": dict(base, threshold_type="hours"),
        "no threshold type": dict(base, source_kind="project"),
        "list entry without threshold type": dict(base, alerts=[{"source_kind": "project"}]),
    }
    after_reads = {
        "ambiguous": dict(base, project="Mobile", source_kind="project", threshold_type="hours", thresholds=[1]),
        "new without thresholds": dict(new, receiver_roles=["admin"]),
        "new without receivers": dict(new, thresholds=[10]),
        "unknown alert id": dict(base, alert_id=4242, thresholds=[1]),
        "unknown project": dict(new, project="Nope"),
        "unknown receiver email": dict(base, alert_id=700, receiver_users=["nobody@example.com"]),
        "unknown workspace": dict(workspace=4242, alert_id=700, state="absent"),
        "one alert twice": dict(
            base,
            alerts=[
                {"project": "Website", "source_kind": "project", "threshold_type": "percentage"},
                {"alert_id": 700, "thresholds": [1]},
            ],
        ),
        "removing the last receiver": dict(base, alert_id=701, receiver_roles=[]),
    }
    run, log = run_logged(simulator, run_playbook, cases_playbook("toggl_alert", {**before_any_request, **after_reads}))
    assert writes_in(log) == []
    messages = {name: failure_of(run, name) for name in {**before_any_request, **after_reads}}
    for name in before_any_request:
        assert run.task(name)["result"]["api_requests"] == {"total": 0}, name
    assert messages["empty thresholds"] == "thresholds: give at least one threshold"
    assert messages["no receivers"] == "receiver_roles/receiver_users: give at least one receiver"
    assert messages["no source kind"].startswith("source_kind: is required: an alert without alert_id is identified")
    assert messages["no threshold type"].startswith("threshold_type: is required")
    assert messages["list entry without threshold type"].startswith("threshold_type: is required")
    assert messages["ambiguous"] == (
        "expected 1 alert for project 1001, source_kind 'project', threshold_type 'hours', found 2 that differ "
        "(alert_id 701, 702): give alert_id"
    )
    assert messages["new without thresholds"] == "thresholds: is required to create an alert"
    assert messages["new without receivers"] == (
        "receiver_roles/receiver_users: an alert needs at least one receiver to be created"
    )
    assert messages["unknown alert id"] == "alert 4242 not found in workspace 100"
    assert messages["unknown project"] == "project 'Nope' not found in workspace 100"
    assert messages["unknown receiver email"] == "receiver_users: user 'nobody@example.com' not found in workspace 100"
    assert messages["unknown workspace"] == (
        "Toggl API error, HTTP 400 from GET /workspaces/4242/alerts: invalid workspace ID"
    )
    assert messages["one alert twice"] == "alerts: two entries name the same alert 700"
    assert (
        messages["removing the last receiver"] == "receiver_roles/receiver_users: an alert needs at least one receiver"
    )


# -- issue 11: copies left by concurrent creates, lost answers --------------------------------

WEBSITE_ALERT = dict(
    workspace=100,
    project="Website",
    source_kind="project",
    threshold_type="percentage",
    thresholds=[80, 100],
    receiver_roles=["admin"],
)


@pytest.mark.converge
def test_a_copy_is_deleted_and_the_lowest_id_kept(simulator, run_playbook):
    """Alert 703 is a copy of 700 (as two runs creating it at once leave): 703 goes."""
    state = seed("policy")
    alerts_of_hq = state["organizations"][0]["workspaces"][0]["alerts"]
    alerts_of_hq.append(dict(alerts_of_hq[0], id=703))
    simulator.reset(state)
    cycle = converge_cycle(simulator, run_playbook, task_playbook("toggl_alert", WEBSITE_ALERT))
    assert cycle["check"]["removed_duplicates"] == [703]
    assert cycle["first"]["removed_duplicates"] == [703] and cycle["second"]["removed_duplicates"] == []
    assert cycle["first"]["alert"]["id"] == 700
    assert cycle["first"]["diff"]["before"]["duplicates"] == [703]
    assert cycle["first"]["diff"]["after"]["duplicates"] == []
    assert [(e["method"], e["path"]) for e in writes_in(cycle["first_log"])] == [
        ("DELETE", "/api/v9/workspaces/100/alerts/703")
    ]
    assert sorted(alerts(simulator)) == [700, 701, 702]


def test_a_create_whose_answer_was_lost_leaves_one_alert(simulator, run_playbook):
    simulator.faults([{"method": "POST", "path": "/workspaces/100/alerts$", "status": "lost"}])
    playbook = task_playbook("toggl_alert", dict(WEBSITE_ALERT, threshold_type="hours", thresholds=[40]))
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0, run.stdout
    assert [(e["method"], e["status"]) for e in writes_in(log)] == [("POST", "lost")]
    made = [a for a in alerts(simulator).values() if a["project_id"] == 1000 and a["threshold_type"] == "hours"]
    assert len(made) == 1 and result_of(run)["alert"]["id"] == made[0]["id"]
    assert result_of(run)["changed"] is True
    rerun, rerun_log = run_logged(simulator, run_playbook, playbook)
    assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []


def test_a_delete_whose_answer_was_lost_is_a_success(simulator, run_playbook):
    """The DELETE is applied and its answer lost; the resent DELETE finds nothing: success, not
    "authentication failed" (issue 11), once a re-read no longer lists the alert."""
    simulator.faults([{"method": "DELETE", "path": "/workspaces/100/alerts/700$", "status": "lost"}])
    playbook = task_playbook("toggl_alert", dict(workspace=100, alert_id=700, state="absent"))
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0, run.stdout
    assert result_of(run)["changed"] is True and result_of(run)["alert"] is None
    writes = writes_in(log)
    assert (writes[0]["method"], writes[0]["status"]) == ("DELETE", "lost")
    assert all(entry["method"] == "DELETE" for entry in writes)
    assert 700 not in alerts(simulator)
    rerun, rerun_log = run_logged(simulator, run_playbook, playbook)
    assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []
