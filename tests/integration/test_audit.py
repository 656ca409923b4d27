"""playbooks/audit.yml against the simulator: the drift report, its cost, and that it writes
nothing to Toggl.

The audit runs the workspace_policy and onboarding roles in check mode with diff and turns their
results into rows (object, field, expected, actual), written as JSON and Markdown. The report is
the result: the run succeeds with or without drift, unless toggl_audit_fail_on_drift asks it to
fail on drift (after writing the report).
"""

import json
import os
import stat

import large_organization as big
from helpers import cases_playbook, run_logged, seed, writes_in

PLAYBOOK = "playbooks/audit.yml"
SUMMARY_TASK = "Show the result of the audit"
GATE_TASK = "Fail on drift, as asked (toggl_audit_fail_on_drift)"
API = "/api/v9"

# The info seed with a policy and memberships that differ from it in every kind of object.
DRIFTING = {
    "toggl_organization": "Acme",
    "toggl_workspace_policy_settings": {"only_admins_may_create_projects": True},
    "toggl_workspace_policy_workspaces": [
        {
            "name": "Acme HQ",
            "settings": {"default_currency": "EUR", "rounding": 1, "rounding_minutes": 15},
            "rates": [
                {"level": "workspace", "type": "labor", "amount": 40},
                {"level": "workspace_user", "user": "bob@example.com", "amount": 55},
            ],
            "reminders": [{"users": ["bob@example.com"], "groups": ["Engineering"], "frequency": 1, "threshold": 30}],
        },
        {"name": "Acme Labs"},
        {"name": "Acme New"},
    ],
    "toggl_onboarding_people": [
        {
            "email": "bob@example.com",
            "workspaces": [{"name": "Acme HQ", "role": "admin"}, {"name": "Acme Labs", "role": "projectlead"}],
        },
        {"email": "newbie@example.com", "workspaces": [{"name": "Acme HQ", "role": "user"}]},
    ],
}
HQ, LABS, NEW = "workspace 'Acme HQ' (id 100)", "workspace 'Acme Labs' (id 101)", "workspace 'Acme New'"
NEWBIE, BOB = "person newbie@example.com", "person bob@example.com"
DRIFT_ROWS = [
    (HQ, "rounding", 1, -1),
    (HQ, "rounding_minutes", 15, 0),
    (HQ, "only_admins_may_create_projects", True, False),
    (LABS, "only_admins_may_create_projects", True, False),
    (NEW, "state", "present", "absent"),
    (NEW, "name", "Acme New", None),
    (NEW, "only_admins_may_create_projects", True, None),
    ("billable rate of workspace user (user id 3) in workspace 100", "amount", 55.0, 50),
    ("track reminder 500", "frequency", 1, 7),
    (BOB, "workspaces.Acme HQ.role", "admin", "user"),
    (NEWBIE, "state", "present", "absent"),
    (NEWBIE, "email", "newbie@example.com", None),
    (NEWBIE, "status", "invited", None),
    (NEWBIE, "admin", False, None),
    (NEWBIE, "workspaces.Acme HQ.role", "user", None),
]

# The same seed described as it is, through ids and names, every kind of object included.
MATCHING = {
    "toggl_organization": 10,
    "toggl_workspace_policy_workspaces": [
        {
            "id": 100,
            "settings": {"default_currency": "EUR", "rounding": -1},
            "rates": [
                {"level": "workspace", "type": "labor", "amount": 40},
                {"level": "workspace_user", "user": "bob@example.com", "amount": 50},
            ],
            "reminders": [{"users": ["bob@example.com"], "groups": ["Engineering"], "frequency": 7, "threshold": 30}],
            "alerts": [
                {
                    "project": "Website",
                    "source_kind": "project",
                    "threshold_type": "percentage",
                    "thresholds": [80, 100],
                    "receiver_roles": ["admin"],
                    "receiver_users": ["bob@example.com"],
                }
            ],
        },
        {"name": "Acme Labs"},
    ],
    "toggl_onboarding_people": [
        {
            "email": "bob@example.com",
            "workspaces": [
                {"name": "Acme HQ", "role": "user", "rate": 50, "labor_cost": 30},
                {"name": "Acme Labs", "role": "projectlead"},
            ],
        },
        {"email": "alice@example.com", "admin": True, "groups": ["Engineering"], "workspaces": [{"name": "Acme HQ"}]},
        {"email": "dan@example.com", "workspaces": [{"name": "Acme HQ"}]},
    ],
}


def rows_of(document):
    return [(row["object"], row["field"], row["expected"], row["actual"]) for row in document["differences"]]


def read_report(directory):
    json_path, markdown_path = directory / "drift-report.json", directory / "drift-report.md"
    for path in (json_path, markdown_path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
    return json.loads(json_path.read_text(encoding="utf-8")), markdown_path.read_text(encoding="utf-8")


def markdown_rows(markdown):
    return [line for line in markdown.splitlines() if line.startswith("| ")][2:]


def test_drift_is_reported_row_by_row_and_the_gate_fails_after_writing_it(simulator, run_playbook, tmp_path):
    simulator.reset(seed("info"))
    reports = tmp_path / "reports"
    state_before = simulator.state()
    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars=dict(DRIFTING, toggl_report_dir=str(reports), toggl_audit_fail_on_drift=True),
        check=True,
    )
    # Only reads, and Toggl is as it was.
    assert log and writes_in(log) == []
    state_after = simulator.state()
    for state in (state_before, state_after):
        state.pop("_simulator")  # its clock
    assert state_after == state_before

    document, markdown = read_report(reports)
    assert rows_of(document) == DRIFT_ROWS
    summary = "Drift: 15 differences in 7 of 8 objects compared."
    assert {
        key: document[key] for key in ("organization", "check_mode", "drift", "summary", "compared", "drifted")
    } == {
        "organization": "Acme",
        "check_mode": True,
        "drift": True,
        "summary": summary,
        "compared": 8,
        "drifted": 7,
    }
    assert list(document) == [
        "organization",
        "generated_at",
        "check_mode",
        "drift",
        "summary",
        "compared",
        "drifted",
        "differences",
    ]
    assert markdown.startswith(
        "# Toggl drift report: Acme\n\n**%s** Generated %s" % (summary, document["generated_at"])
    )
    assert markdown_rows(markdown)[0] == "| workspace 'Acme HQ' (id 100) | rounding | 1 | -1 |"
    assert markdown_rows(markdown)[-1] == "| person newbie@example.com | workspaces.Acme HQ.role | user | null |"
    assert len(markdown_rows(markdown)) == 15

    assert run.task(SUMMARY_TASK)["result"]["msg"] == [
        summary,
        str(reports / "drift-report.json"),
        str(reports / "drift-report.md"),
    ]
    # The gate: the run fails on drift when asked, with the summary, after the report exists.
    assert run.rc == 2
    gate = run.task(GATE_TASK)
    assert gate["status"] == "failed"
    assert gate["result"]["msg"] == "%s See %s/drift-report.md" % (summary, reports)


def test_without_drift_the_report_says_so_and_the_gate_passes(simulator, run_playbook, tmp_path):
    simulator.reset(seed("info"))
    reports = tmp_path / "reports"
    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars=dict(MATCHING, toggl_report_dir=str(reports), toggl_audit_fail_on_drift=True),
        check=True,
        diff=True,
    )
    assert run.rc == 0, run
    assert writes_in(log) == []
    assert run.task(GATE_TASK)["status"] == "skipped"
    document, markdown = read_report(reports)
    assert (document["organization"], document["drift"], document["differences"]) == (10, False, [])
    assert document["summary"] == "No drift in 9 objects compared." == run.task(SUMMARY_TASK)["result"]["msg"][0]
    assert markdown.startswith("# Toggl drift report: organization 10\n\n**No drift in 9 objects compared.**")
    assert markdown_rows(markdown) == ["| no drift | | | |"]
    # No drift is changed=0 in the recap (docs/awx.md): writing the report is no change.
    assert [task["task"] for task in run.tasks if task["status"] == "changed"] == []
    stats = run.task("Hand the result to AWX as job artifacts")["result"]["ansible_stats"]["data"]["toggl_audit"]
    assert (stats["drift"], stats["differences"], stats["summary"]) == (False, 0, "No drift in 9 objects compared.")
    assert stats["reports"] == [str(reports / "drift-report.json"), str(reports / "drift-report.md")]


def test_without_check_mode_it_stops_before_any_request(simulator, run_playbook, tmp_path):
    simulator.reset(seed("info"))
    reports = tmp_path / "reports"
    run, log = run_logged(simulator, run_playbook, PLAYBOOK, extra_vars=dict(DRIFTING, toggl_report_dir=str(reports)))
    assert run.rc == 2
    failed = run.task("Check that the audit runs in check mode")
    assert failed["status"] == "failed"
    assert failed["result"]["msg"].startswith("Run the audit with --check:")
    assert log == []
    assert not reports.exists()


def test_a_1000_member_audit_costs_twenty_four_reads(simulator, run_playbook, tmp_path):
    simulator.reset(big.large_organization_seed(1000))
    # The owner and every tenth member: the reads are one per collection whatever the list's
    # length (all 973 active members cost the same 24 requests, and three times the run time):
    # 19 reads of collections (4 of workspace_policy, 15 of onboarding: 1 + 5 pages + 1 + 5 pages
    # + 3 workspaces), one groups read for the invitation's digit group ids, and one
    # /me/organizations admin check per task that would write (Acme HQ's settings, the
    # invitation, workspaces 100 and 101).
    people = big.onboarding_people(1000, user_ids=[1, *range(10, 1001, 10)])
    by_email = {person["email"]: person for person in people}
    by_email["person0020@example.com"]["workspaces"][0]["rate"] = 50  # 46 in Toggl
    by_email["person0030@example.com"]["workspaces"][1]["role"] = "user"  # projectlead in Toggl
    people.append({"email": "newcomer@example.com", "workspaces": [{"name": "Acme HQ"}], "groups": ["Engineering"]})
    reports = tmp_path / "reports"
    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars={
            "toggl_organization": big.ORGANIZATION,
            "toggl_workspace_policy_workspaces": [
                {"name": "Acme HQ", "settings": {"rounding": 1, "rounding_minutes": 15}},
                {"name": "Acme Labs", "settings": {"only_admins_may_create_projects": False}},
                {"name": "Acme Research"},
            ],
            "toggl_onboarding_people": people,
            "toggl_report_dir": str(reports),
        },
        check=True,
    )
    assert run.rc == 0, run
    org = API + "/organizations/10"
    members = [("GET", org + "/users", {"page": str(page), "per_page": "200"}) for page in range(1, 6)]
    assert [(entry["method"], entry["path"], entry["query"]) for entry in log] == [
        # workspace_policy: the organization name once, each workspace name once; the one task
        # that would write (Acme HQ's rounding) checks the admin right first: one
        # /me/organizations of its own (each loop item is a module run of its own)
        ("GET", API + "/me/organizations", {}),
        ("GET", API + "/me/workspaces", {}),
        ("GET", API + "/me/organizations", {}),
        ("GET", API + "/me/workspaces", {}),
        ("GET", API + "/me/workspaces", {}),
        # onboarding: one toggl_access task in check mode - the organization (its member count,
        # plan and the admin right), every member page (101 people outnumber the 5 pages), the
        # groups; the workspace names come with the members
        ("GET", API + "/me/organizations", {}),
        *members,
        ("GET", org + "/groups", {}),
    ]
    document, _markdown = read_report(reports)
    newcomer = "person newcomer@example.com"
    assert rows_of(document) == [
        ("workspace 'Acme HQ' (id 100)", "rounding_minutes", 15, 0),
        ("person person0020@example.com", "workspaces.Acme HQ.rate", 50.0, 46),
        ("person person0030@example.com", "workspaces.Acme Labs.role", "user", "projectlead"),
        (newcomer, "state", "present", "absent"),
        (newcomer, "email", "newcomer@example.com", None),
        (newcomer, "status", "invited", None),
        (newcomer, "admin", False, None),
        (newcomer, "workspaces.Acme HQ.role", "user", None),
        (newcomer, "groups", ["Engineering"], None),
    ]
    # Every object was compared: the 3 workspaces' settings and each person's whole access.
    compared = 3 + len(people)
    assert (document["compared"], document["drifted"]) == (compared, 4)
    assert run.task(SUMMARY_TASK)["result"]["msg"][0] == "Drift: 9 differences in 4 of %d objects compared." % compared


# --- who changed it: the audit log, opt-in (toggl_audit_who_changed) ----------------------------

WHO_CHANGED_TASK = "Read the audit log, who changed the drifted objects (toggl_audit_who_changed)"


def audit_log_seed(plan):
    """The info seed on ``plan`` with a second organization admin (tok-admin2, user 90)."""
    data = seed("info")
    org = data["organizations"][0]
    org["plan"] = plan
    org["users"].append({"user_id": 90, "admin": True})
    return data


def second_admin_sets_rounding(simulator, rounding):
    """Another administrator changes Acme HQ's rounding through the API (as in Toggl's UI)."""
    import requests

    answer = requests.put(
        simulator.api_url + "/workspaces/100", auth=("tok-admin2", "api_token"), json={"rounding": rounding}, timeout=10
    )
    assert answer.status_code == 200, answer.text


def audit_log_reads(log):
    return [entry for entry in log if entry["path"].startswith(API + "/audit_logs/")]


def test_who_changed_names_the_second_admins_entry_for_one_request(simulator, run_playbook, tmp_path):
    simulator.reset(audit_log_seed("premium"))
    second_admin_sets_rounding(simulator, 0)  # the policy says -1, as the seed had it
    reports = tmp_path / "reports"
    policy = {
        "toggl_organization": 10,
        "toggl_workspace_policy_workspaces": [{"id": 100, "settings": {"rounding": -1}}],
    }
    run, log = run_logged(
        simulator,
        run_playbook,
        PLAYBOOK,
        extra_vars=dict(policy, toggl_report_dir=str(reports), toggl_audit_who_changed=True),
        check=True,
    )
    assert run.rc == 0, run
    assert writes_in(log) == []
    # The opt-in cost: one request, every entry of the last 30 days at once.
    [read] = audit_log_reads(log)
    assert (read["method"], read["query"], read["status"]) == ("GET", {"export": "true"}, 200)
    organization, start, end = read["path"][len(API + "/audit_logs/") :].split("/")
    assert organization == "10" and start < end
    assert run.task(WHO_CHANGED_TASK)["result"]["api_requests"] == {"GET": 1, "total": 1}

    document, markdown = read_report(reports)
    assert rows_of(document) == [(HQ, "rounding", -1, 0)]
    who = document["who_changed"]
    assert (who["available"], who["requests"], who["entries_read"]) == (True, 1, 1)
    assert who["summary"] == (
        "Who changed it: 1 audit log entry about 1 of 1 drifted object, %s to %s; reading the audit log cost "
        "1 request." % (start, end)
    )
    [about_hq] = who["objects"]
    [entry] = about_hq["entries"]
    assert about_hq["object"] == HQ
    assert {key: entry[key] for key in ("who", "user_id", "action", "entity", "changes")} == {
        "who": "Ada Second-Admin <admin2@example.com>",
        "user_id": 90,
        "action": "update",
        "entity": "workspace 100",
        "changes": [{"field": "rounding", "old": -1, "new": 0}],
    }
    assert start <= entry["when"] <= end
    assert "## Who changed it" in markdown
    assert (
        "| workspace 'Acme HQ' (id 100) | %s | Ada Second-Admin &lt;admin2@example.com&gt; | update | "
        % (entry["when"])
        in markdown
    )
    assert run.task(SUMMARY_TASK)["result"]["msg"][:2] == [document["summary"], who["summary"]]


def test_on_a_plan_without_the_audit_log_the_subset_says_so_for_two_requests(simulator, run_playbook):
    # The report's side of a refusal is the filter's (unit tests); here the module's: a warning,
    # available false, and its cost by id (the refused read, then GET /me to tell it from a bad
    # token) and by name (the name lookup, then the refused read).
    simulator.reset(audit_log_seed("starter"))
    by = {"by id": 10, "by name": "Acme"}
    playbook = cases_playbook(
        "toggl_organization_info",
        {name: {"organization": org, "gather_subset": ["audit_log"]} for name, org in by.items()},
    )
    run, log = run_logged(simulator, run_playbook, playbook, allow_warnings=True)
    assert run.rc == 0, run
    audit_log = API + "/audit_logs/10/"
    shown = [(audit_log if e["path"].startswith(audit_log) else e["path"], e["status"]) for e in log]
    assert shown == [
        (audit_log, 403),
        (API + "/me", 200),
        (API + "/me/organizations", 200),
        (audit_log, 403),
    ]
    for name in by:
        result = run.task(name)["result"]
        assert result["api_requests"] == {"GET": 2, "total": 2}
        assert result["organization"]["audit_log"] == {
            "from": result["organization"]["audit_log"]["from"],
            "to": result["organization"]["audit_log"]["to"],
            "filters": {},
            "available": False,
            "message": "User does not have access to the audit logs",
            "entries": [],
        }
    assert len([warning for warning in run.warnings if "Premium and Enterprise" in warning]) == 2
