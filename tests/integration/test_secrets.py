"""Secrets: every module run with -vvvv, successes and failures, never shows a credential.

One playbook with one task per module (errors ignored) runs once per way of authenticating:
the API token and the Focus key as task options, then e-mail and password from the
environment. The secrets are long and distinctive; they must not appear in stdout, stderr,
any task result (diffs included), or the file ANSIBLE_LOG_PATH names - neither as text nor
as the Basic authorization header that carries them.
"""

import base64
import copy
import json
import re

import pytest
import yaml
from helpers import seed

TOKEN = "tok-SECRET-4f9d2c7e81b3a6059e1d"
PASSWORD = "pw-SECRET-b7e2a91c3d5f60842aa1"
FOCUS_KEY = "toggl_sk_SECRET-0c8e5d3b2a7f9146e2b8"
WRONG_TOKEN = "tok-WRONGSECRET-93a1e5c7d2b04f68"
WRONG_FOCUS_KEY = "toggl_sk_WRONGSECRET-5d7e1a9c3b"
EMAIL = "owner@example.com"
SECRETS = (TOKEN, PASSWORD, FOCUS_KEY, WRONG_TOKEN, WRONG_FOCUS_KEY)


def forms_of(secret):
    """The secret as text and inside the Basic header values that could carry it."""
    forms = {secret}
    for pair in ("%s:api_token" % secret, "%s:%s" % (EMAIL, secret)):
        forms.add(base64.b64encode(pair.encode()).decode())
    return forms


def secret_seed():
    data = copy.deepcopy(seed("default"))
    owner = next(user for user in data["users"] if user["email"] == EMAIL)
    owner.update(api_token=TOKEN, password=PASSWORD, focus_api_key=FOCUS_KEY)
    return data


def tasks(credentials):
    """(name, module, args): successes, a refused write and failures of each kind, per module."""
    org = {"organization": "10"}
    ws = {"organization": "10", "workspace": "100"}
    return [
        ("organization", "toggl_organization", {"id": 10, "name": "Acme"}),
        (
            "organization info with Focus",
            "toggl_organization_info",
            dict(org, gather_subset=["users", "groups", "focus_roles"]),
        ),
        ("workspace created", "toggl_workspace", dict(org, name="Secret Space")),
        ("workspace info", "toggl_workspace_info", dict(ws, gather_subset=["settings", "users"])),
        ("group created", "toggl_group", dict(org, name="Secret Team", users=["member@example.com"])),
        ("project group", "toggl_project_group", dict(ws, project="Website", group="Secret Team")),
        (
            "person invited",
            "toggl_organization_user",
            dict(org, user="new.secret@example.com", workspaces=[{"workspace": "100"}]),
        ),
        ("workspace user role", "toggl_workspace_user", dict(ws, user="member@example.com", role="admin")),
        ("rate", "toggl_rate", dict(ws, level="workspace", amount=55.0)),
        ("reminder", "toggl_track_reminder", dict(ws, users=["member@example.com"], threshold=8, frequency=1)),
        (
            "alert refused by the API",
            "toggl_alert",
            dict(
                ws,
                project="Website",
                source_kind="no-such-kind",
                threshold_type="percentage",
                thresholds=[80],
                receiver_roles=["admin"],
            ),
        ),
        ("wrong token", "toggl_workspace_info", {"workspace": "100", "api_token": "{{ wrong_token }}"}),
        (
            "wrong Focus key",
            "toggl_organization_info",
            dict(org, gather_subset=["focus_roles"], focus_api_key="{{ wrong_focus_key }}"),
        ),
        ("missing option", "toggl_group", {"name": "No Organization"}),
        (
            "free plan refuses rates",
            "toggl_workspace_user",
            dict(ws, workspace="200", organization="20", user="1", rate=10.0),
        ),
    ], credentials


def playbook(credentials):
    entries, defaults = tasks(credentials)
    play = {
        "name": "secrets",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/trackops.toggl.toggl": defaults},
        "tasks": [
            {"name": name, "trackops.toggl." + module: args, "ignore_errors": True} for name, module, args in entries
        ],
    }
    return yaml.safe_dump([play], sort_keys=False)


# Secrets reach the play as variables (as from a vault), never as literals in the playbook,
# whose source lines Ansible quotes in error messages.
EXTRA_VARS = {
    "toggl_token": TOKEN,
    "toggl_focus_key": FOCUS_KEY,
    "wrong_token": WRONG_TOKEN,
    "wrong_focus_key": WRONG_FOCUS_KEY,
}
AUTH_MODES = {
    # Token and Focus key as options (module_defaults from variables), the environment's token removed.
    "token": ({"api_token": "{{ toggl_token }}", "focus_api_key": "{{ toggl_focus_key }}"}, {"TOGGL_API_TOKEN": None}),
    # E-mail and password from the environment, the Focus key too.
    "password": (
        {},
        {
            "TOGGL_API_TOKEN": None,
            "TOGGL_API_USERNAME": EMAIL,
            "TOGGL_API_PASSWORD": PASSWORD,
            "TOGGL_FOCUS_API_KEY": FOCUS_KEY,
        },
    ),
}


@pytest.mark.parametrize("mode", sorted(AUTH_MODES))
def test_no_secret_in_any_output(mode, simulator, run_playbook, tmp_path):
    credentials, env = AUTH_MODES[mode]
    simulator.reset(secret_seed())
    log_path = tmp_path / "ansible.log"
    try:
        simulator.clear_requests()
        # Pipelining (a common production setting) keeps the 15 tasks quick; -vvvv still prints
        # every invocation and result.
        options = dict(env, ANSIBLE_LOG_PATH=log_path, ANSIBLE_PIPELINING="1")
        run = run_playbook(playbook(credentials), EXTRA_VARS, diff=True, verbosity=4, env=options)
        requests = simulator.requests()
    finally:
        simulator.reset()

    # The run did what the playbook says: every module ran, the expected ones failed, and the
    # simulator saw the secrets (so they were really in play).
    names = [task["task"] for task in run.tasks]
    assert len(names) == len(tasks(credentials)[0]), names
    failed = sorted(task["task"] for task in run.tasks if task["status"] == "failed")
    assert failed == sorted(
        ["alert refused by the API", "wrong token", "wrong Focus key", "missing option", "free plan refuses rates"]
    ), {task["task"]: task["result"].get("msg") for task in run.tasks if task["status"] == "failed"}
    assert {task["action"] for task in run.tasks} == {"trackops.toggl." + entry[1] for entry in tasks({})[0]}
    assert any(entry["method"] == "POST" and entry["status"] == 400 for entry in requests), "no refused write"
    assert any("/focus/" in entry["path"] and entry["status"] == 200 for entry in requests), "no Focus call"
    presented = {entry["token"] for entry in requests}
    assert (TOKEN if mode == "token" else EMAIL) in presented and WRONG_TOKEN in presented

    log_text = log_path.read_text(encoding="utf-8")
    assert "TASK [group created]" in log_text and '"invocation"' in log_text  # -vvvv results really logged
    assert "<127.0.0.1>" in run.stdout or "ESTABLISH LOCAL CONNECTION" in run.stdout
    outputs = {
        "stdout": run.stdout,
        "stderr": run.stderr,
        "task results": json.dumps(run.document),
        "diffs": json.dumps([task["result"].get("diff") for task in run.tasks]),
        "log file": log_text,
    }
    for where, text in outputs.items():
        for secret in SECRETS:
            for form in forms_of(secret):
                assert form not in text, "%s shows %s" % (where, secret)
        # Masked where Ansible would have shown them, not merely absent.
    assert re.search(r"VALUE_SPECIFIED_IN_NO_LOG_PARAMETER|\*{8}", outputs["task results"] + run.stdout)
