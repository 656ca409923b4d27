"""The workspace_policy role against the simulator: settings (with company-wide defaults), rates,
reminders and alerts of a workspace given by name and one given by id; check mode with --diff is
the drift audit (after convergence too: tests/integration/test_audit.py runs the role so); a rerun
writes nothing; a workspace given by name without an organization fails before any request."""

import pytest
import yaml
from helpers import api_get, changed_tasks, role_cycle, run_logged, seed, writes_in

ROLE = "trackops.toggl.workspace_policy : "
SETTINGS = (
    ROLE + "Apply the workspace settings (one task per workspace; a workspace given by name is created if missing)"
)
RATES = ROLE + "Apply the rates (one task per workspace with rates; one read per rate)"
REMINDERS = ROLE + "Apply the tracking reminders (one task per workspace with reminders)"
ALERTS = ROLE + "Apply the alerts (one task per workspace with alerts)"
RESULTS = ROLE + "Expose the results of the policy tasks"

POLICY = {
    "toggl_organization": "Acme",
    "toggl_workspace_policy_settings": {"only_admins_may_create_projects": True, "projects_private_by_default": True},
    "toggl_workspace_policy_workspaces": [
        {
            "name": "Acme HQ",
            "settings": {"rounding": -1, "rounding_minutes": 15, "projects_private_by_default": False},
            "rates": [
                {"level": "workspace", "amount": 95, "mode": "start-today"},
                {"level": "workspace_user", "user": "bob@example.com", "amount": 60, "mode": "override-all"},
                {"level": "workspace", "type": "labor", "amount": 30},
            ],
            "reminders": [
                {"groups": ["Engineering"], "frequency": 1, "threshold": 6, "email_reminder_enabled": True},
                {"users": ["bob@example.com"], "frequency": 1, "threshold": 8},  # as it is
            ],
            "alerts": [
                {
                    "project": "Website",
                    "source_kind": "project",
                    "threshold_type": "percentage",
                    "thresholds": [80, 100],
                    "receiver_roles": ["admin"],
                    "receiver_users": ["alice@example.com"],
                },
                {"project": "Mobile", "source_kind": "project", "threshold_type": "hours", "thresholds": [10, 20]},
            ],
        },
        {"id": 101, "settings": {"reports_collapse": False}},
    ],
}


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("roles"))


def playbook():
    """The role as the audit and policy playbooks run it."""
    play = {
        "name": "Workspace policy",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/trackops.toggl.toggl": {"api_token": "tok-owner"}},
        "roles": [{"role": "trackops.toggl.workspace_policy"}],
    }
    return yaml.safe_dump([play], sort_keys=False)


@pytest.mark.converge
def test_policy_as_data_converges_and_check_mode_is_the_drift_audit(simulator, run_playbook):
    cycle = role_cycle(simulator, run_playbook, playbook(), POLICY, late_check=False)

    # The audit: check mode with --diff shows every difference and writes nothing.
    check = cycle["check"]
    assert changed_tasks(check) == [SETTINGS, RATES, REMINDERS, ALERTS]
    settings = check.task(SETTINGS)["result"]["results"]
    hq_diff, labs_diff = settings[0]["diff"], settings[1]["diff"]
    assert {
        key: (hq_diff["before"][key], hq_diff["after"][key])
        for key in hq_diff["after"]
        if hq_diff["before"][key] != hq_diff["after"][key]
    } == {
        "rounding": (1, -1),
        "rounding_minutes": (0, 15),
        "only_admins_may_create_projects": (False, True),
        "projects_private_by_default": (True, False),  # the workspace's own setting wins over the default
    }
    assert labs_diff["after"]["reports_collapse"] is False and labs_diff["after"]["projects_private_by_default"] is True
    results = check.task(RESULTS)["result"]["ansible_facts"]["toggl_workspace_policy_results"]
    # Task order, loops opened: 2 workspaces, then rates, reminders, alerts of each (Labs has
    # none: skipped).
    assert [
        sorted(set(result) & {"workspace", "rates", "track_reminders", "alerts", "skipped"}) for result in results
    ] == [
        ["workspace"],
        ["workspace"],
        ["rates"],
        ["skipped"],
        ["track_reminders"],
        ["skipped"],
        ["alerts"],
        ["skipped"],
    ]
    assert [result["changed"] for result in results] == [True, True, True, False, True, False, True, False]

    writes = [(e["method"], e["path"].replace("/api/v9", ""), e["body"]) for e in writes_in(cycle["first_log"])]
    assert writes[:2] == [
        (
            "PUT",
            "/workspaces/100",
            {
                "rounding": -1,
                "rounding_minutes": 15,
                "only_admins_may_create_projects": True,
                "projects_private_by_default": False,
            },
        ),
        ("PUT", "/workspaces/101", {"only_admins_may_create_projects": True, "reports_collapse": False}),
    ]
    assert [(method, path) for method, path, _body in writes[2:]] == [
        ("POST", "/workspaces/100/rates"),
        ("POST", "/workspaces/100/rates"),
        ("POST", "/workspaces/100/rates"),
        ("POST", "/workspaces/100/track_reminders"),
        ("POST", "/workspaces/100/alerts"),
        ("PUT", "/workspaces/100/alerts/700"),
    ]
    # Names once: the organization (one /me/organizations), Acme HQ (one /me/workspaces); ids
    # after. Before any write, the check-mode pass of the settings and the names of the rates,
    # reminders and alerts (validate_names); then each task reads what it compares, and what its
    # emails and names need.
    users = ("GET", "/organizations/10/workspaces/100/workspace_users", None)
    groups = ("GET", "/organizations/10/groups", None)

    def project(name):
        return ("GET", "/workspaces/100/projects", {"active": "both", "page": "1", "per_page": "200", "name": name})

    names = [users, groups, users, project("Website"), users, project("Mobile")]
    assert len(cycle["rerun_log"]) == 22
    assert [(e["method"], e["path"].replace("/api/v9", ""), e["query"] or None) for e in cycle["rerun_log"]] == [
        ("GET", "/me/organizations", None),
        ("GET", "/me/workspaces", None),
        ("GET", "/workspaces/101", None),
        *names,
        ("GET", "/workspaces/100", None),  # found by name before, by id now: not another /me request
        ("GET", "/workspaces/101", None),
        users,
        ("GET", "/workspaces/100/rates/workspace/100", {"type": "billable_rates"}),
        ("GET", "/workspaces/100/rates/user/3", {"type": "billable_rates"}),
        ("GET", "/workspaces/100/rates/workspace/100", {"type": "labor_costs"}),
        groups,
        users,
        ("GET", "/workspaces/100/track_reminders", None),
        project("Website"),
        users,
        project("Mobile"),
        ("GET", "/workspaces/100/alerts", None),
    ]

    hq = api_get(simulator, "/workspaces/100")
    assert (hq["rounding"], hq["rounding_minutes"], hq["only_admins_may_create_projects"]) == (-1, 15, True)
    assert hq["projects_private_by_default"] is False
    labs = api_get(simulator, "/workspaces/101")
    assert (labs["reports_collapse"], labs["projects_private_by_default"]) == (False, True)
    reminders = api_get(simulator, "/workspaces/100/track_reminders")
    assert sorted((r["group_ids"], r["user_ids"], r["threshold"]) for r in reminders) == [([], [3], 8), ([300], [], 6)]
    alerts = {a["project_id"]: a for a in api_get(simulator, "/workspaces/100/alerts")}
    assert alerts[1000]["thresholds"] == [80, 100] and alerts[1000]["receiver_users"] == [2]
    assert alerts[1001]["thresholds"] == [10, 20]
    rates = api_get(simulator, "/workspaces/100/rates/workspace/100?type=labor_costs")
    assert [rate["amount"] for rate in rates if rate["end"] is None] == [30]


def test_a_workspace_by_name_needs_the_organization(simulator, run_playbook):
    policy = {"toggl_workspace_policy_workspaces": [{"id": 101}, {"name": "Acme HQ"}]}
    run, log = run_logged(simulator, run_playbook, playbook(), extra_vars=policy)
    assert run.rc != 0
    failed = run.failed_tasks
    assert len(failed) == 1 and failed[0]["result"]["msg"] == (
        "toggl_organization: is required when a workspace is given by name (Acme HQ); "
        "give it, or give the workspaces' ids"
    )
    assert log == []


def test_bad_data_anywhere_in_the_policy_fails_before_any_write(simulator, run_playbook):
    """Issue 12: settings used to be written before a later task failed on an unparseable start,
    an alert without thresholds, an unknown receiver or the same workspace twice. Every
    workspace is found and every task's data checked first - names too (validate_names) where the
    workspace exists, locally (validate_only) where it is to be created - and a workspace listed
    twice is refused before any request."""
    hq_change = {"name": "Acme HQ", "settings": {"rounding": 1}}
    hours = {"source_kind": "workspace", "threshold_type": "hours"}
    cases = {
        "unparseable start": [hq_change, {"id": 101, "rates": [{"level": "workspace", "amount": 5, "start": "soon"}]}],
        "bad rate of a new workspace": [
            hq_change,
            {"name": "Brand New", "rates": [{"level": "workspace", "amount": 5, "start": "soon"}]},
        ],
        "alert without thresholds": [hq_change, {"id": 101, "alerts": [dict(hours, thresholds=[])]}],
        "unknown receiver": [
            hq_change,
            {"id": 101, "alerts": [dict(hours, thresholds=[10], receiver_users=["nobody@example.com"])]},
        ],
        "unknown project in a rate": [
            hq_change,
            {"id": 101, "rates": [{"level": "project", "project": "No Such Project", "amount": 5}]},
        ],
        "unknown group in a reminder": [
            hq_change,
            {"id": 101, "reminders": [{"groups": ["No Such Group"], "frequency": 1, "threshold": 6}]},
        ],
        "workspace twice": [hq_change, {"name": "acme hq ", "settings": {"rounding": -1}}],
    }
    tasks = []
    for name, workspaces in cases.items():
        tasks.append(
            {
                "name": "Case " + name,
                "block": [
                    {
                        "name": "Policy (%s)" % name,
                        "ansible.builtin.include_role": {"name": "trackops.toggl.workspace_policy"},
                        "vars": {"toggl_organization": "Acme", "toggl_workspace_policy_workspaces": workspaces},
                    }
                ],
                "rescue": [
                    {
                        "name": "Record the failure (%s)" % name,
                        "ansible.builtin.set_fact": {
                            "failures": "{{ failures | default({}) | combine({%r: ansible_failed_result}) }}" % name
                        },
                    }
                ],
            }
        )
    tasks.append({"name": "Failures", "ansible.builtin.debug": {"var": "failures"}})
    play = {
        "name": "bad policies",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/trackops.toggl.toggl": {"api_token": "tok-owner"}},
        "tasks": tasks,
    }
    run, log = run_logged(simulator, run_playbook, yaml.safe_dump([play], sort_keys=False))
    assert run.rc == 0, run
    assert writes_in(log) == []
    failures = {name: message_of(result) for name, result in run.task("Failures")["result"]["failures"].items()}
    results = run.task("Failures")["result"]["failures"]
    # The local checks come before any request; the names after the reads that find them.
    for local in ("unparseable start", "bad rate of a new workspace", "alert without thresholds"):
        assert failed_item(results[local])["api_requests"] == {"total": 0}, local
    for named in ("unknown receiver", "unknown project in a rate", "unknown group in a reminder"):
        assert failed_item(results[named])["api_requests"]["total"] == 1, named  # the one list the name needs
    assert "start: must be a date" in failures["unparseable start"]
    assert "start: must be a date" in failures["bad rate of a new workspace"]
    assert "thresholds" in failures["alert without thresholds"]
    assert failures["unknown receiver"] == "receiver_users: user 'nobody@example.com' not found in workspace 101"
    assert failures["unknown project in a rate"] == "project 'No Such Project' not found in workspace 101"
    assert failures["unknown group in a reminder"] == "groups: group 'No Such Group' not found in organization 10"
    assert failures["workspace twice"].startswith("toggl_workspace_policy_workspaces: acme hq listed more than once")


def failed_item(result):
    """A failed task's result, or the failed item's of a failed loop."""
    failed = [item for item in result.get("results") or [] if item.get("failed")]
    return failed[0] if failed else result


def message_of(result):
    return failed_item(result)["msg"]
