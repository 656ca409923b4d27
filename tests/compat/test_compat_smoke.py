"""A smoke run on the oldest ansible-core that meta/runtime.yml's requires_ansible claims (`make compat`).

`make compat` runs this, with the unit tests, in .build/venv-2.18, which holds only what
tests/requirements-ansible-2.18.txt pins (that ansible-core, requests, pytest, pytest-ansible,
Flask for the simulator). The main suite runs on the release line test-requirements.txt names.

- The ansible-core running here is the one the requirements file pins, and that is
  requires_ansible's lower bound: the oldest release the collection claims to work with.
- playbooks/onboard.yml with playbooks/vars/onboarding.example.yml against the bundled simulator
  (its built-in demo state, as `make demo`): a real ansible-playbook run that changes something,
  then a rerun that changes nothing, then playbooks/audit.yml in check mode, which finds no drift.
  None of them shows a warning or a deprecation.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.release import __version__ as ansible_version

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
REQUIREMENTS = ROOT / "tests" / "requirements-ansible-2.18.txt"
VARS = ROOT / "playbooks" / "vars" / "onboarding.example.yml"
RECAP = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


def _pinned_ansible_core() -> str:
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"ansible-core==(\S+)", line.split("#", 1)[0].strip())
        if match:
            return match.group(1)
    raise AssertionError(f"{REQUIREMENTS} pins no ansible-core==X.Y.Z")


def _load_with_simulator():
    path = ROOT / "tests" / "simulator" / "with_simulator.py"
    spec = importlib.util.spec_from_file_location("toggl_with_simulator", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_runs_on_the_oldest_ansible_core_that_requires_ansible_claims():
    pinned = _pinned_ansible_core()
    assert ansible_version == pinned, (
        f"this runs on ansible-core {ansible_version}, not the {pinned} of {REQUIREMENTS.name}: run it with make compat"
    )
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text(encoding="utf-8"))
    assert runtime["requires_ansible"] == f">={pinned}", "requires_ansible's lower bound is the release tested here"


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    with_simulator = _load_with_simulator()
    log = tmp_path_factory.mktemp("simulator") / "simulator.log"
    # The built-in demo state (organization Acme, owner token tok-owner), no read lag: a smoke run.
    with with_simulator.Simulator([], python=sys.executable, log_path=log) as process:
        yield process


def _ansible_playbook(simulator, cwd: Path, *args: str) -> tuple[int, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TOGGL_", "ANSIBLE_"))}
    env.update(
        PATH=os.pathsep.join([str(BIN), env.get("PATH", "")]),
        ANSIBLE_COLLECTIONS_PATH=os.environ["ANSIBLE_COLLECTIONS_PATH"],  # the checkout (tests/conftest.py)
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="False",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCAL_TEMP=str(cwd / "ansible-local"),
        ANSIBLE_DEPRECATION_WARNINGS="1",
        TOGGL_API_URL=simulator.api_url,
        TOGGL_API_TOKEN="tok-owner",
    )
    command = [str(BIN / "ansible-playbook"), "-i", str(ROOT / "playbooks" / "inventory.yml"), "-e", f"@{VARS}"]
    completed = subprocess.run(
        command + list(args),
        cwd=cwd,
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
    (recap,) = RECAP.findall(output)
    _ok, changed, unreachable, failed = map(int, recap)
    assert (unreachable, failed) == (0, 0), output
    return changed, output


def test_onboarding_changes_then_converges_and_audits_clean(simulator, tmp_path):
    onboard = str(ROOT / "playbooks" / "onboard.yml")
    changed, output = _ansible_playbook(simulator, tmp_path, onboard)
    assert changed > 0, output
    assert "newcomers invited: dana@example.com" in output, output

    changed, output = _ansible_playbook(simulator, tmp_path, onboard)
    assert changed == 0, output

    changed, output = _ansible_playbook(simulator, tmp_path, "--check", str(ROOT / "playbooks" / "audit.yml"))
    assert changed == 0, output
    assert "No drift in " in output, output
    assert (tmp_path / "reports" / "drift-report.json").is_file()
