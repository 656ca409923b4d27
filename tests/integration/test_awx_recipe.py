"""The AWX recipe of docs/awx.md, played the way AWX runs a job, without AWX.

AWX hands each job to ansible-runner inside the execution environment (EE): a fresh private data
directory with the job's environment (env/envvars: what the credential type's injectors render
for the attached credential), its extra variables (env/extravars), the ansible-playbook options of
its job type and Show Changes (env/cmdline: --check, --diff), the inventory, and project/, the
project checkout, which is the job's working directory. The collection is the one installed in
the EE image, under /usr/share/ansible/collections, owned by root and read-only for the job.

- The EE's layout: the collection tarball `ansible-galaxy collection build` makes, installed with
  `ansible-galaxy collection install` under <tmp>/usr/share/ansible/collections, write bits off
  (these tests run as root, which ignores them, so the tree is also compared file by file after
  the jobs: nothing was written into it). The project holds playbooks/audit.yml and
  playbooks/onboard.yml copied from that installed collection; the desired state is the job
  templates' extra variables.
- `ansible-runner run` with an environment of its own (PATH, HOME, LANG, the EE's collections
  path): the token and URL reach the modules only through env/envvars.
- The audit job (Check, Show Changes) reports drift by its changed tasks, by the job artifacts
  (`toggl_audit` from set_stats, which ansible-runner reports as the playbook_on_stats event's
  artifact_data, where AWX takes a job's artifacts from) and, with toggl_audit_fail_on_drift, by
  failing; it writes nothing to Toggl and its reports land in the job's project directory.
- The apply job (Run, Show Changes) on the onboarding playbook makes the changes; the next audit
  reports no drift.
- playbooks/awx_credential_type.yml hands the shipped definition to awx.awx.credential_type
  unchanged (the injector templates are AWX's to render, not Ansible's) and keeps the token out
  of its output. awx.awx is not installed here: stand-in modules with the same options record
  what they receive.
"""

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml
from helpers import seed, wait_out_read_lag, writes_in
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CREDENTIAL_TYPE_FILE = ROOT / "playbooks" / "files" / "toggl_credential_type.yml"
DEMO = "playbooks/demo.yml"
TOKEN = "tok-awx-automation"  # the only user of seeds/awx.json: the default test token would fail
# Where an EE image has its collections (ansible-core's default collections path).
EE_COLLECTIONS = Path("usr/share/ansible/collections")
# The playbooks the job templates of docs/awx.md run, copied from the installed collection into the project.
PROJECT_PLAYBOOKS = ("audit.yml", "onboard.yml")
# The localhost inventory of docs/awx.md, step 3.
INVENTORY = {
    "all": {
        "hosts": {
            "localhost": {
                "ansible_connection": "local",
                "ansible_python_interpreter": "{{ ansible_playbook_python }}",
            }
        }
    }
}
# The job templates' extra variables: the desired state, the same for the audit and the apply job.
DESIRED_STATE = {
    "toggl_organization": "Acme",
    "toggl_onboarding_people": [
        {"email": "dana@example.com", "workspaces": [{"name": "Acme HQ", "role": "user"}]},
        {"email": "erin@example.com", "admin": True, "workspaces": [{"name": "Acme HQ", "role": "admin"}]},
    ],
}

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


def _run(args, env=None):
    completed = subprocess.run(
        [str(arg) for arg in args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.returncode == 0, f"{args} failed:\n{completed.stdout}\n{completed.stderr}"


def _tree(path: Path) -> dict:
    """Every file and directory under path: its mode, and a file's SHA-256.

    Without Python's bytecode caches: root writes them beside the plugins despite the write bits;
    the EE's unprivileged job user cannot, and Python goes on without them."""
    tree = {}
    for entry in sorted(path.rglob("*")):
        if "__pycache__" in entry.parts:
            continue
        digest = hashlib.sha256(entry.read_bytes()).hexdigest() if entry.is_file() else None
        tree[str(entry.relative_to(path))] = (stat.S_IMODE(entry.stat().st_mode), digest)
    return tree


def _set_write_bits(path: Path, writable: bool) -> None:
    for entry in [path, *path.rglob("*")]:
        mode = entry.stat().st_mode
        entry.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@dataclass
class ExecutionEnvironment:
    root: Path  # stands for the image's /
    collections: Path  # <root>/usr/share/ansible/collections
    collection: Path  # .../ansible_collections/trackops/toggl


@pytest.fixture(scope="module")
def execution_environment(tmp_path_factory):
    """The collection as an EE image holds it: the built tarball, installed, read-only."""
    root = tmp_path_factory.mktemp("ee")
    _run([BIN / "ansible-galaxy", "collection", "build", "--output-path", root / "dist", ROOT])
    (tarball,) = (root / "dist").glob("trackops-toggl-*.tar.gz")
    collections = root / EE_COLLECTIONS
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections))
    _run([BIN / "ansible-galaxy", "collection", "install", "--offline", "-p", collections, tarball], env=env)
    collection = collections / "ansible_collections" / "trackops" / "toggl"
    assert json.loads((collection / "MANIFEST.json").read_text())["collection_info"]["name"] == "toggl"
    _set_write_bits(collections, writable=False)
    yield ExecutionEnvironment(root, collections, collection)
    _set_write_bits(collections, writable=True)


@dataclass
class Job:
    """What came back from one ansible-runner run: status, rc, the job events, the job output."""

    private_data_dir: Path
    status: str
    rc: int
    events: list
    stdout: str

    @property
    def project(self) -> Path:
        return self.private_data_dir / "project"

    @property
    def stats(self) -> dict:
        (stats,) = [event["event_data"] for event in self.events if event["event"] == "playbook_on_stats"]
        return stats

    @property
    def artifacts(self) -> dict:
        """The job's artifacts in AWX: the set_stats data the stats event carries."""
        return self.stats["artifact_data"]

    @property
    def changed(self) -> int:
        return sum(self.stats["changed"].values())

    def task_paths(self) -> set:
        return {
            event["event_data"]["task_path"].rsplit(":", 1)[0]
            for event in self.events
            if event["event"].startswith("runner_on_") and event["event_data"].get("task_path")
        }


def awx_job(ee, base, name, playbook, credential_env, job_type="run", extra_vars=None):
    """Run `playbook` of the project the way AWX runs a job template with Show Changes on."""
    private_data_dir = base / name
    for directory in ("env", "inventory", "project/playbooks"):
        (private_data_dir / directory).mkdir(parents=True)
    # AWX writes these files for the job; ansible-runner reads them (JSON is YAML).
    (private_data_dir / "env" / "envvars").write_text(json.dumps(credential_env), encoding="utf-8")
    extra = {**DESIRED_STATE, **(extra_vars or {})}
    (private_data_dir / "env" / "extravars").write_text(json.dumps(extra), encoding="utf-8")
    cmdline = ["--check"] if job_type == "check" else []
    (private_data_dir / "env" / "cmdline").write_text(" ".join([*cmdline, "--diff"]), encoding="utf-8")
    (private_data_dir / "inventory" / "hosts").write_text(yaml.safe_dump(INVENTORY), encoding="utf-8")
    for playbook_file in PROJECT_PLAYBOOKS:
        shutil.copy(ee.collection / "playbooks" / playbook_file, private_data_dir / "project" / "playbooks")
    home = base / "home"
    home.mkdir(exist_ok=True)
    env = {
        "PATH": os.pathsep.join([str(BIN), "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        # ansible-core's default collections path, with the EE's root under the temporary directory.
        "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join([str(home / ".ansible" / "collections"), str(ee.collections)]),
        "ANSIBLE_NOCOLOR": "1",
    }
    completed = subprocess.run(
        [str(BIN / "ansible-runner"), "run", str(private_data_dir), "--playbook", playbook, "--ident", name],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    artifacts = private_data_dir / "artifacts" / name
    assert (artifacts / "status").is_file(), completed.stdout + completed.stderr
    events = [json.loads(path.read_text(encoding="utf-8")) for path in (artifacts / "job_events").glob("*.json")]
    return Job(
        private_data_dir=private_data_dir,
        status=(artifacts / "status").read_text(encoding="utf-8").strip(),
        rc=int((artifacts / "rc").read_text(encoding="utf-8")),
        events=sorted(events, key=lambda event: event["counter"]),
        stdout=(artifacts / "stdout").read_text(encoding="utf-8"),
    )


def _check_report(job, drift, reports=None):
    """The audit's reports are in the job's project directory (or `reports`), readable by their owner only."""
    reports = reports or job.project / "reports"
    assert job.artifacts["toggl_audit"]["reports"] == [
        str(reports / "drift-report.json"),
        str(reports / "drift-report.md"),
    ]
    document = json.loads((reports / "drift-report.json").read_text(encoding="utf-8"))
    assert document["drift"] is drift
    assert document["summary"] == job.artifacts["toggl_audit"]["summary"]
    assert stat.S_IMODE((reports / "drift-report.json").stat().st_mode) == 0o600


def test_audit_and_apply_jobs_as_awx_runs_them(simulator, credential_type, execution_environment, tmp_path):
    ee = execution_environment
    before = _tree(ee.collections)
    simulator.reset(seed("awx"))
    # A credential of the shipped type, rendered as AWX renders its injectors for the job.
    credential_env = job_environment(credential_type, {"api_token": TOKEN, "api_url": simulator.api_url})
    assert credential_env == {"TOGGL_API_TOKEN": TOKEN, "TOGGL_API_URL": simulator.api_url}

    # 1. The audit job before anything was applied: the two newcomers are drift. The job succeeds
    # (toggl_audit_fail_on_drift is false by default) and says so in its recap and its artifacts.
    audit = awx_job(ee, tmp_path, "audit-1", "playbooks/audit.yml", credential_env, job_type="check")
    assert (audit.status, audit.rc) == ("successful", 0), audit.stdout
    assert audit.changed > 0
    toggl_audit = audit.artifacts["toggl_audit"]
    assert toggl_audit["drift"] is True
    assert toggl_audit["organization"] == "Acme"
    assert toggl_audit["differences"] > 0 and toggl_audit["drifted"] == 2, toggl_audit
    assert toggl_audit["summary"].startswith("Drift: "), toggl_audit
    assert set(audit.artifacts) == {"toggl_audit"}
    _check_report(audit, drift=True)
    assert "dana@example.com" in audit.stdout and "--- before" in audit.stdout, "Show Changes prints the diff"
    assert writes_in(simulator.requests()) == [], "the audit wrote to Toggl"
    jobs = [audit]

    # 2. The apply job: invites them into Acme HQ, with the token the credential injected.
    simulator.clear_requests()
    apply = awx_job(ee, tmp_path, "apply", "playbooks/onboard.yml", credential_env)
    assert (apply.status, apply.rc) == ("successful", 0), apply.stdout
    assert apply.changed > 0
    assert apply.artifacts == {}, "the onboarding playbook hands back no artifacts"
    assert writes_in(simulator.requests()) != []
    assert {entry["token"] for entry in simulator.requests()} == {TOKEN}, "a request did not use the injected token"
    jobs.append(apply)

    # 3. The audit after it, failing on drift: there is none.
    wait_out_read_lag()
    simulator.clear_requests()
    audit = awx_job(
        ee, tmp_path, "audit-2", "playbooks/audit.yml", credential_env, "check", {"toggl_audit_fail_on_drift": True}
    )
    assert (audit.status, audit.rc) == ("successful", 0), audit.stdout
    assert audit.changed == 0
    assert audit.artifacts["toggl_audit"]["drift"] is False
    assert audit.artifacts["toggl_audit"]["summary"].startswith("No drift in "), audit.artifacts
    _check_report(audit, drift=False)
    assert writes_in(simulator.requests()) == []
    jobs.append(audit)

    # 4. Someone takes Erin's admin role in Acme HQ away in Toggl: the audit fails on the drift,
    # after handing back its artifacts and writing its reports, here to a directory of their own
    # (toggl_report_dir: a volume mounted into the EE).
    users = requests.get(f"{simulator.api_url}/workspaces/100/workspace_users", auth=(TOKEN, "api_token"), timeout=10)
    users.raise_for_status()
    (erin,) = [user for user in users.json() if user.get("email") == "erin@example.com"]
    response = requests.put(
        f"{simulator.api_url}/workspaces/100/workspace_users/{erin['id']}",
        json={"admin": False, "role": "user"},
        auth=(TOKEN, "api_token"),
        timeout=10,
    )
    response.raise_for_status()
    simulator.clear_requests()
    volume = tmp_path / "volume"
    extra_vars = {"toggl_audit_fail_on_drift": True, "toggl_report_dir": str(volume)}
    audit = awx_job(ee, tmp_path, "audit-3", "playbooks/audit.yml", credential_env, "check", extra_vars)
    assert (audit.status, audit.rc) == ("failed", 2), audit.stdout
    assert audit.artifacts["toggl_audit"]["drift"] is True
    assert audit.artifacts["toggl_audit"]["drifted"] == 1, audit.artifacts
    _check_report(audit, drift=True, reports=volume)
    assert not (audit.project / "reports").exists()
    jobs.append(audit)
    assert writes_in(simulator.requests()) == []

    # Every job ran the installed collection's roles, wrote nothing into it, and kept the token
    # out of its output.
    for job in jobs:
        roles = {path for path in job.task_paths() if "/roles/" in path}
        assert roles and all(path.startswith(str(ee.collection / "roles")) for path in roles), roles
        assert TOKEN not in job.stdout
        assert "[WARNING]" not in job.stdout and "[DEPRECATION WARNING]" not in job.stdout, job.stdout
    assert _tree(ee.collections) == before, "a job wrote into the collection of the execution environment"


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
