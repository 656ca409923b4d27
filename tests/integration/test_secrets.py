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


# -- secrets with whitespace around them (a YAML block scalar, a file read with lookup) -----------

BROKEN_FOCUS_KEY = "toggl_sk_BROKENSECRET\n-4e1a"  # a newline inside: no header can carry it
PADDED = {
    "padded_token": "  %s\n" % TOKEN,
    "padded_wrong_token": "%s\n" % WRONG_TOKEN,
    "padded_focus_key": "%s\n" % FOCUS_KEY,
    "padded_wrong_focus_key": "%s\n" % WRONG_FOCUS_KEY,
    "padded_password": "%s\n" % PASSWORD,
    "broken_focus_key": BROKEN_FOCUS_KEY,
}


def every_form(secret):
    """The secret as given and stripped, escaped as a repr of text and of bytes and in JSON, and
    base64 in the Basic headers that could carry it."""
    found = set()
    for text in dict.fromkeys((secret, secret.strip())):
        found.update({text, repr(text)[1:-1], repr(text.encode())[2:-1], json.dumps(text)[1:-1]})
        for pair in ("%s:api_token" % text, "%s:%s" % (EMAIL, text)):
            found.add(base64.b64encode(pair.encode()).decode())
    return found


def padded_playbook():
    """Secrets as task options from variables that keep their whitespace."""
    org = {"organization": "10"}
    info = dict(org, gather_subset=["focus_roles"])
    entries = [
        ("token with whitespace", "toggl_workspace_info", {"workspace": "100", "api_token": "{{ padded_token }}"}),
        (
            "wrong token with a newline",
            "toggl_workspace_info",
            {"workspace": "100", "api_token": "{{ padded_wrong_token }}"},
        ),
        (
            "Focus key from a block scalar",
            "toggl_organization_info",
            dict(info, focus_api_key="{{ padded_focus_key }}"),
        ),
        (
            "wrong Focus key from a block scalar",
            "toggl_organization_info",
            dict(info, focus_api_key="{{ padded_wrong_focus_key }}"),
        ),
        (
            "Focus key with a newline inside",
            "toggl_organization_info",
            dict(info, focus_api_key="{{ broken_focus_key }}"),
        ),
    ]
    tasks = [
        {
            "name": "the variables keep their whitespace",
            "ansible.builtin.assert": {
                "that": [
                    "padded_focus_key | length == %d" % len(PADDED["padded_focus_key"]),
                    "padded_token is match(' ')",
                ],
                "quiet": True,
            },
        }
    ]
    tasks += [
        {
            "name": name,
            "trackops.toggl." + module: dict(args, api_token=args.get("api_token", "{{ padded_token }}")),
            "ignore_errors": True,
        }
        for name, module, args in entries
    ]
    return yaml.safe_dump([{"name": "padded secrets", "hosts": "localhost", "gather_facts": False, "tasks": tasks}])


# From the controller's environment exactly as set (env_fallback), newline and all. Not through a
# task's `environment:` keyword: ansible-playbook -vvv prints that in its EXEC line (Ansible's
# own output, before the module runs; the doc fragment says so).
ENVIRONMENT_PLAYBOOK = yaml.safe_dump(
    [
        {
            "name": "secrets from the environment",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "password and Focus key from the environment",
                    "trackops.toggl.toggl_organization_info": {
                        "organization": "10",
                        "gather_subset": ["users", "focus_roles"],
                    },
                }
            ],
        }
    ]
)


def test_secrets_with_whitespace_work_and_their_failures_show_none(simulator, run_playbook, tmp_path):
    simulator.reset(secret_seed())
    log_path = tmp_path / "ansible.log"
    try:
        simulator.clear_requests()
        env = {"TOGGL_API_TOKEN": None, "ANSIBLE_LOG_PATH": log_path, "ANSIBLE_PIPELINING": "1"}
        run = run_playbook(padded_playbook(), PADDED, diff=True, verbosity=4, env=env)
        from_env = dict(
            env,
            TOGGL_API_USERNAME=EMAIL + "\n",
            TOGGL_API_PASSWORD=PADDED["padded_password"],
            TOGGL_FOCUS_API_KEY=PADDED["padded_focus_key"],
        )
        env_run = run_playbook(ENVIRONMENT_PLAYBOOK, diff=True, verbosity=4, env=from_env)
        requests = simulator.requests()
    finally:
        simulator.reset()

    assert env_run.rc == 0 and env_run.tasks[0]["status"] == "ok", env_run.tasks[0]["result"].get("msg")
    status = {task["task"]: task["status"] for task in run.tasks}
    messages = {task["task"]: task["result"].get("msg") for task in run.tasks}
    assert status == {
        "the variables keep their whitespace": "ok",
        "token with whitespace": "ok",
        "wrong token with a newline": "failed",
        "Focus key from a block scalar": "ok",
        "wrong Focus key from a block scalar": "failed",
        "Focus key with a newline inside": "failed",
    }, messages
    assert messages["wrong token with a newline"].startswith("authentication failed: check api_token")
    assert messages["wrong Focus key from a block scalar"].startswith("authentication failed: check focus_api_key")
    broken = messages["Focus key with a newline inside"]
    assert broken.startswith("GET /organizations/10/roles failed: cannot send the credentials ("), broken
    assert broken.endswith("check focus_api_key (env TOGGL_FOCUS_API_KEY)"), broken
    # The API saw the keys without their whitespace.
    presented = {entry["token"] for entry in requests}
    assert {TOKEN, WRONG_TOKEN, FOCUS_KEY, WRONG_FOCUS_KEY, EMAIL} <= presented, presented

    outputs = {
        "stdout": run.stdout + env_run.stdout,
        "stderr": run.stderr + env_run.stderr,
        "task results": json.dumps([run.document, env_run.document]),
        "log file": log_path.read_text(encoding="utf-8"),
    }
    assert '"invocation"' in outputs["log file"]  # -vvvv results really logged
    for where, text in outputs.items():
        for secret in list(PADDED.values()) + [BROKEN_FOCUS_KEY]:
            for form in every_form(secret):
                assert form not in text, "%s shows %r" % (where, form)
        assert "SECRET" not in text, where
