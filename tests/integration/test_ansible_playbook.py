"""Every module's converge cycle through real ansible-playbook runs, in one playbook.

Most module tests run their playbooks in-process (in_process.py): what they check is the
module's requests and result. This test is where Ansible itself carries each module: the
arguments as Ansible templates and sends them, check mode and diff from the command line, the
result as the controller records it, warnings as the controller prints them (none allowed).
One play holds a task of each module; the cycle is the suite's usual one: check mode predicts
every change and writes nothing, the run makes them with the predicted diffs, the rerun and a
last check-mode run change nothing and write nothing. It runs in both API profiles.

Seed (seeds/policy.json): organization 10 "Acme" (starter), workspace 100 "Acme HQ" with
projects "Website" and "Mobile", groups "Engineering" and "Contractors", bob at rate 40.
"""

import pytest
import yaml
from helpers import run_logged, seed, writes_in

# (task name, module, arguments): each one changes something on a fresh policy seed.
WRITING_TASKS = [
    ("organization", "toggl_organization", {"id": 10, "name": "Acme Inc."}),
    ("workspace", "toggl_workspace", {"organization": 10, "name": "Ansible Lab"}),
    (
        "organization user",
        "toggl_organization_user",
        {"organization": 10, "user": "frank@example.com", "workspaces": [{"workspace": 100}], "skip_email": True},
    ),
    (
        "workspace user",
        "toggl_workspace_user",
        {"organization": 10, "workspace": "Acme Labs", "user": "carol@example.com", "role": "user"},
    ),
    ("group", "toggl_group", {"organization": 10, "name": "QA", "users": ["alice@example.com"]}),
    (
        "project group",
        "toggl_project_group",
        {"organization": 10, "workspace": 100, "project": "Mobile", "group": "Contractors"},
    ),
    (
        "rate",
        "toggl_rate",
        {"workspace": 100, "level": "workspace_user", "user": "bob@example.com", "amount": 55, "mode": "start-today"},
    ),
    (
        "track reminder",
        "toggl_track_reminder",
        {"workspace": 100, "users": ["carol@example.com"], "frequency": 7, "threshold": 30},
    ),
    (
        "alert",
        "toggl_alert",
        {
            "workspace": 100,
            "project": "Mobile",
            "source_kind": "project",
            "threshold_type": "percentage",
            "thresholds": [90],
            "receiver_roles": ["admin"],
        },
    ),
]
READING_TASKS = [
    ("organization info", "toggl_organization_info", {"organization": 10}),
    ("workspace info", "toggl_workspace_info", {"organization": 10, "workspace": "Acme HQ"}),
]


def playbook():
    tasks = [{"name": name, "trackops.toggl." + module: args} for name, module, args in WRITING_TASKS + READING_TASKS]
    return yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False)


def outcomes(run):
    return {task["task"]: task["result"] for task in run.tasks}


@pytest.mark.converge
def test_every_module_converges_through_ansible_playbook(simulator, run_playbook):
    simulator.reset(seed("policy"))
    writing = [name for name, _module, _args in WRITING_TASKS]
    every = writing + [name for name, _module, _args in READING_TASKS]
    real = {"runner": "ansible-playbook"}

    check, check_log = run_logged(simulator, run_playbook, playbook(), check=True, diff=True, **real)
    assert check.rc == 0, check
    assert check.command[0] != "(in process)" and [task["task"] for task in check.tasks] == every
    predicted = outcomes(check)
    assert writes_in(check_log) == []
    assert [name for name in every if predicted[name]["changed"]] == writing

    first, first_log = run_logged(simulator, run_playbook, playbook(), diff=True, **real)
    assert first.rc == 0, first
    made = outcomes(first)
    assert [name for name in every if made[name]["changed"]] == writing
    for name in writing:
        assert made[name]["diff"]["before"] == predicted[name]["diff"]["before"], name
        assert made[name]["diff"]["after"] == predicted[name]["diff"]["after"], name
        assert made[name]["diff"]["before"] != made[name]["diff"]["after"], name
    # Each writing task wrote, and each counted what it sent.
    assert len(writes_in(first_log)) >= len(writing)
    assert sum(result["api_requests"]["total"] for result in made.values()) == len(first_log)

    rerun, rerun_log = run_logged(simulator, run_playbook, playbook(), diff=True, **real)
    assert rerun.rc == 0, rerun
    assert [name for name, result in outcomes(rerun).items() if result["changed"]] == []
    assert writes_in(rerun_log) == []

    after, after_log = run_logged(simulator, run_playbook, playbook(), check=True, **real)
    assert after.rc == 0, after
    assert [name for name, result in outcomes(after).items() if result["changed"]] == []
    assert writes_in(after_log) == []
