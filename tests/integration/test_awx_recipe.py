"""The AWX recipe of docs/awx.md, played without AWX.

- A job that has a "Toggl Track API" credential attached gets the environment the credential
  type's injectors render; playbooks/demo.yml then runs with that environment alone as the
  "apply" job (Run), and as the "audit" job (Check with Show Changes) it reports nothing after
  convergence and reports drift, with its diff and without writing, after a change made in Toggl.
- playbooks/awx_credential_type.yml hands the shipped definition to awx.awx.credential_type
  unchanged (the injector templates are AWX's to render, not Ansible's) and keeps the token out
  of its output. awx.awx is not installed here: stand-in modules with the same options record
  what they receive.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import requests
import yaml
from helpers import seed, writes_in
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parents[2]
CREDENTIAL_TYPE_FILE = ROOT / "playbooks" / "files" / "toggl_credential_type.yml"
DEMO = "playbooks/demo.yml"
TOKEN = "tok-awx-automation"  # the only user of seeds/awx.json: the default test token would fail
WORKSPACES_TASK = "Ensure the workspaces exist with their policy"

STAND_IN_MODULE = """
import json
import os

from ansible.module_utils.basic import AnsibleModule

# The options of the awx.awx module this stands in for (awx.awx 24).
SPECS = {
    "credential_type": dict(
        name=dict(required=True),
        description=dict(),
        kind=dict(choices=["ssh", "vault", "net", "scm", "cloud", "insights"]),
        inputs=dict(type="dict"),
        injectors=dict(type="dict"),
        state=dict(choices=["present", "absent"], default="present"),
    ),
    "credential": dict(
        name=dict(required=True),
        new_name=dict(),
        copy_from=dict(),
        description=dict(),
        organization=dict(),
        credential_type=dict(),
        inputs=dict(type="dict", no_log=True),
        update_secrets=dict(type="bool", default=True, no_log=False),
        user=dict(),
        team=dict(),
        state=dict(choices=["present", "absent", "exists"], default="present"),
    ),
}
NAME = os.path.splitext(os.path.basename(__file__))[0]


def main():
    module = AnsibleModule(argument_spec=SPECS[NAME])
    with open(os.environ["AWX_STAND_IN_LOG"], "a") as log:
        log.write(json.dumps({"module": NAME, "params": module.params}) + "\\n")
    module.exit_json(changed=True)


if __name__ == "__main__":
    main()
"""


@pytest.fixture(scope="module")
def credential_type():
    with CREDENTIAL_TYPE_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def job_environment(credential_type, credential_inputs):
    """The variables AWX puts into a job's environment for a credential with these inputs."""
    sandbox = ImmutableSandboxedEnvironment()
    return {
        name: sandbox.from_string(template).render(**credential_inputs)
        for name, template in credential_type["injectors"]["env"].items()
    }


def workspace_results(run):
    return {item["item"]["name"]: item for item in run.task(WORKSPACES_TASK)["result"]["results"]}


def test_jobs_run_with_the_injected_credential_alone(simulator, run_playbook, credential_type):
    simulator.reset(seed("awx"))
    env = job_environment(credential_type, {"api_token": TOKEN, "api_url": simulator.api_url})
    assert env == {"TOGGL_API_TOKEN": TOKEN, "TOGGL_API_URL": simulator.api_url}

    # The apply job (Run, Show Changes): creates the two workspaces of the demo policy.
    simulator.clear_requests()
    apply = run_playbook(DEMO, diff=True, env=env)
    assert apply.rc == 0, apply
    created = workspace_results(apply)
    assert [name for name, item in created.items() if item["changed"]] == ["Acme Delivery", "Acme Research"]
    sent = simulator.requests()
    assert {entry["token"] for entry in sent} == {TOKEN}, "a request did not use the injected token"

    # The audit job (Check, Show Changes) after convergence: nothing to report, nothing written.
    simulator.clear_requests()
    audit = run_playbook(DEMO, check=True, diff=True, env=env)
    assert audit.rc == 0, audit
    assert [task["task"] for task in audit.tasks if task["result"].get("changed")] == []
    assert writes_in(simulator.requests()) == []

    # Someone changes the policy in Toggl; the next audit reports it with its diff, and writes nothing.
    delivery_id = created["Acme Delivery"]["workspace"]["id"]
    response = requests.put(
        f"{simulator.api_url}/workspaces/{delivery_id}",
        json={"only_admins_may_create_projects": False},
        auth=(TOKEN, "api_token"),
        timeout=10,
    )
    response.raise_for_status()
    simulator.clear_requests()
    audit = run_playbook(DEMO, check=True, diff=True, env=env)
    assert audit.rc == 0, audit
    drift = workspace_results(audit)
    assert [name for name, item in drift.items() if item["changed"]] == ["Acme Delivery"]
    diff = drift["Acme Delivery"]["diff"]
    assert diff["before"]["only_admins_may_create_projects"] is False
    assert diff["after"]["only_admins_may_create_projects"] is True
    assert "only_admins_may_create_projects" in audit.stdout, "Show Changes prints the diff in the job output"
    assert writes_in(simulator.requests()) == []


def test_extra_vars_take_precedence_over_the_environment(simulator, run_playbook):
    # module_defaults in playbooks/demo.yml: -e toggl_api_token / toggl_api_url beat the environment.
    simulator.reset(seed("awx"))
    env = {"TOGGL_API_TOKEN": "tok-not-a-user", "TOGGL_API_URL": "http://127.0.0.1:9/api/v9"}
    simulator.clear_requests()
    run = run_playbook(DEMO, extra_vars={"toggl_api_token": TOKEN, "toggl_api_url": simulator.api_url}, env=env)
    assert run.rc == 0, run
    assert {entry["token"] for entry in simulator.requests()} == {TOKEN}


@pytest.fixture(scope="module")
def awx_stand_in(tmp_path_factory):
    """A collections directory with awx.awx.credential_type and awx.awx.credential stand-ins."""
    collections = tmp_path_factory.mktemp("awx-collections")
    collection = collections / "ansible_collections" / "awx" / "awx"
    (collection / "plugins" / "modules").mkdir(parents=True)
    (collection / "meta").mkdir()
    (collection / "meta" / "runtime.yml").write_text('requires_ansible: ">=2.16.0"\n', encoding="utf-8")
    for name in ("credential_type", "credential"):
        (collection / "plugins" / "modules" / f"{name}.py").write_text(textwrap.dedent(STAND_IN_MODULE))
    return collections


def run_registration(playbook, awx_stand_in, tmp_path, *extra_args):
    log = tmp_path / "awx-calls.jsonl"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TOGGL_", "ANSIBLE_"))}
    env.update(
        ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([str(awx_stand_in), os.environ["ANSIBLE_COLLECTIONS_PATH"]]),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="False",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
        AWX_STAND_IN_LOG=str(log),
    )
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(ROOT / "playbooks" / "inventory.yml")]
    completed = subprocess.run(
        command + [playbook, *extra_args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "[WARNING]" not in output and "[DEPRECATION WARNING]" not in output, output
    calls = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    return calls, output


def test_registration_playbook_passes_the_definition_unchanged(awx_stand_in, tmp_path, credential_type):
    secret = "0123456789abcdef-secret"
    calls, output = run_registration(
        str(ROOT / "playbooks" / "awx_credential_type.yml"),
        awx_stand_in,
        tmp_path,
        "-e",
        json.dumps({"toggl_api_token": secret, "toggl_credential_organization": "Default"}),
    )
    assert [call["module"] for call in calls] == ["credential_type", "credential"]
    registered = calls[0]["params"]
    assert {key: registered[key] for key in credential_type} == credential_type
    assert registered["injectors"]["env"]["TOGGL_API_TOKEN"] == "{{ api_token }}", "Ansible rendered AWX's template"
    assert registered["state"] == "present"
    credential = calls[1]["params"]
    assert credential["name"] == "Toggl Track"
    assert credential["organization"] == "Default"
    assert credential["credential_type"] == credential_type["name"]
    assert credential["inputs"] == {"api_token": secret, "api_url": "https://api.track.toggl.com/api/v9"}
    assert secret not in output


def test_registration_playbook_runs_from_the_installed_collection(awx_stand_in, tmp_path, credential_type):
    # By its collection name, as docs/awx.md shows; without a token it registers only the type.
    calls, output = run_registration("trackops.toggl.awx_credential_type", awx_stand_in, tmp_path)
    assert [call["module"] for call in calls] == ["credential_type"]
    assert calls[0]["params"]["inputs"] == credential_type["inputs"]
    assert "skipping: [localhost]" in output
