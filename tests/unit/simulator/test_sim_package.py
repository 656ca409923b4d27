"""The simulator as users install it (README: `pip install <collection>/tests/simulator`): the
package holds every module of the source tree and the demo seed, declares Flask, and its
`toggl-simulator` command serves the built-in demo state."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

SIMULATOR = Path(__file__).resolve().parents[2] / "simulator"
READY = re.compile(r"^toggl-simulator listening on (http://127\.0\.0\.1:\d+)$")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    # A copy, so that the build leaves no build/ or *.egg-info in the checkout.
    source = tmp_path_factory.mktemp("source") / "simulator"
    shutil.copytree(SIMULATOR, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
    target = tmp_path_factory.mktemp("site")
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps"]
        + ["--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return target


def test_the_package_holds_every_module_and_the_demo_seed(installed):
    source_files = {
        path.relative_to(SIMULATOR).as_posix()
        for path in (SIMULATOR / "toggl_simulator").rglob("*")
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts
    }
    installed_files = {
        path.relative_to(installed).as_posix()
        for path in (installed / "toggl_simulator").rglob("*")
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts
    }
    assert "toggl_simulator/demo_seed.json" in source_files
    assert sorted(source_files - installed_files) == []


def test_the_package_declares_flask(installed):
    (metadata,) = installed.glob("toggl_simulator-*.dist-info/METADATA")
    requires = [line for line in metadata.read_text().splitlines() if line.startswith("Requires-Dist:")]
    assert any(re.match(r"Requires-Dist: flask\b", line, re.IGNORECASE) for line in requires), requires


def test_the_command_serves_the_demo_state(installed, tmp_path):
    env = dict(os.environ, PYTHONPATH=str(installed))
    process = subprocess.Popen(
        [sys.executable, str(installed / "bin" / "toggl-simulator"), "--port", "0"],
        cwd=tmp_path,  # nothing of the checkout on the path but the installed package
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        match = READY.match(process.stdout.readline().rstrip("\n"))
        assert match, "no ready line"
        response = requests.get(match.group(1) + "/api/v9/me", auth=("tok-owner", "api_token"), timeout=5)
        assert response.status_code == 200 and "@" in response.json()["email"]
    finally:
        process.kill()
        process.wait()
