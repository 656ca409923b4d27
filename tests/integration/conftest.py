"""Integration harness: real `ansible-playbook` runs against a Toggl simulator.

Fixtures
--------
simulator (session)
    One `tests/simulator/serve.py` per test session (per xdist worker), started with
    `--port 0 --seed <simulator_seed>`, stopped with SIGTERM at the end. Attributes and methods:
    `.url`, `.api_url` (url + /api/v9), `.focus_api_url`, `.seed` (the seed dict or None),
    `.reset(seed=None)`, `.requests()`, `.clear_requests()`, `.writes()`, `.faults(rules)`, `.fault_rules()`,
    `.accept_invitation(email)`, `.advance_clock(seconds)`, `.state()`.
sim (function)
    The same simulator, reset to the session seed (state, request log and faults) before the test.
simulator_seed (session)
    Path of the seed file: tests/integration/seeds/default.json, or $TOGGL_SIM_SEED. Override
    the fixture in a conftest for another seed.
simulator_args (session)
    Extra serve.py options (e.g. ["--quota"]); [] by default.
start_simulator (module)
    `start_simulator(seed_dict_or_None, args)` starts one more simulator (stopped after the module).

Profile and read lag
--------------------
Every simulator the harness starts (the session one, start_simulator's, test_faults' probe) gets
`--profile $TOGGL_SIM_PROFILE` (default "swagger": the 2026 Swagger's API) and
`--read-lag-ms $TOGGL_SIM_READ_LAG_MS` (default 200: reads show an object as it was before a
write until 200 ms after it, as the live API's eventual consistency does), unless the test's own
args name that option (explicit args win). `make integration-pages` sets TOGGL_SIM_PROFILE=pages
and runs the tests marked `@pytest.mark.converge`. `sim_profile()` / `sim_read_lag_ms()` read them.

Request log of the whole session
--------------------------------
Before a simulator's log is cleared (reset, clear_requests) or the simulator stops, its
GET /_sim/requests is appended to this process's record; at the end of the session each process
writes its record to tests/output/requests/<worker>.json and the controlling process merges them
into tests/output/requests.json and checks them against the Swagger (test_conformance.py's
`session_report`: a violation fails the session; the counts are printed and written to
tests/output/conformance.json). In the pages profile the names end in -pages.

Accounts in the seeds (seeds/*.json): tok-owner (owner, admin of every organization it owns),
tok-admin2 (admin2@example.com, a second administrator of organization 10 "Acme", in no
workspace; member of Acme in default, groups, policy, roles), tok-member (member@example.com, a
plain member of Acme, in no workspace except in default.json, where it is user 2 in Acme HQ).
run_playbook (function)
    `run_playbook(playbook, extra_vars=None, check=False, diff=False, env=None, verbosity=0,
    allow_warnings=False, timeout=600, runner=None)` runs the venv's ansible-playbook with
    tests/integration/inventory.yml and returns a `PlaybookRun` (.rc, .stdout, .stderr,
    .tasks, .task(name), .warnings, .stats, .failed_tasks). `playbook` is a path (absolute,
    relative to the repository root, or to tests/integration/playbooks) or a YAML string. The
    environment carries TOGGL_API_URL / TOGGL_FOCUS_API_URL of the simulator, TOGGL_API_TOKEN
    (tok-owner), and no other TOGGL_* variable of the calling shell; `env` adds to it, and a
    value of None removes a variable. Project rule: a run that shows any warning or
    deprecation fails the test, unless `allow_warnings=True` (then see `.warnings`). A playbook
    of plain module tasks runs in this process instead (in_process.py says which and why),
    unless `runner="ansible-playbook"`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import in_process
import pytest
import yaml
from helpers import (
    RECORDED_REQUESTS,
    note_run_ended,
    record_requests,
    sim_profile,
    simulator_options,
    wait_out_read_lag,
)

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SEED = HERE / "seeds" / "default.json"
INVENTORY = HERE / "inventory.yml"
PLAYBOOKS = HERE / "playbooks"
CALLBACK_PLUGINS = HERE / "callback_plugins"
DEFAULT_TOKEN = "tok-owner"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
OUTPUT = ROOT / "tests" / "output"


def new_simulator(args, log_path):
    """A `with_simulator.Simulator` with this run's profile and read lag (explicit args win)."""
    return with_simulator.Simulator(list(args), python=sys.executable, log_path=log_path, **simulator_options())


def _output_names() -> tuple[Path, Path, Path]:
    """(parts directory, merged log, conformance report) of this run's profile."""
    suffix = "" if sim_profile() == "swagger" else "-" + sim_profile()
    return OUTPUT / f"requests{suffix}", OUTPUT / f"requests{suffix}.json", OUTPUT / f"conformance{suffix}.json"


def _worker_name(config) -> str:
    workerinput = getattr(config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "main"


def pytest_configure(config):
    parts, _log, _report = _output_names()
    if getattr(config, "workerinput", None) is None and parts.is_dir():
        for stale in parts.glob("*.json"):
            stale.unlink()


def pytest_sessionfinish(session, exitstatus):
    if session.config.option.collectonly:
        return
    parts, log, report = _output_names()
    parts.mkdir(parents=True, exist_ok=True)
    name = _worker_name(session.config)
    (parts / f"{name}.json").write_text(json.dumps(RECORDED_REQUESTS), encoding="utf-8")
    if name != "main":
        return  # the controlling process merges and checks, after every worker has finished
    merged = []
    for part in sorted(parts.glob("*.json")):
        merged += json.loads(part.read_text(encoding="utf-8"))
    log.write_text(json.dumps(merged), encoding="utf-8")
    if not merged:
        return  # no simulator ran (e.g. only unit tests were selected)
    from test_conformance import CONFORMANCE, session_report

    if CONFORMANCE.is_file():
        summary, problems = session_report(merged, report)
    else:  # until the simulator's checker lands
        summary, problems = [f"{len(merged)} requests recorded in {log}; {CONFORMANCE} is missing: not checked"], []
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_sep("=", "request conformance against the Swagger")
        for line in summary + problems:
            reporter.write_line(line)
    if problems and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _load_with_simulator():
    path = ROOT / "tests" / "simulator" / "with_simulator.py"
    spec = importlib.util.spec_from_file_location("toggl_with_simulator", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


with_simulator = _load_with_simulator()


# --- simulator ---------------------------------------------------------------------------------


class SimulatorControl:
    """A running simulator and its control endpoints (/_sim/...)."""

    def __init__(self, process, seed: dict | None) -> None:
        self._process = process
        self.url: str = process.url
        self.api_url: str = process.api_url
        self.focus_api_url: str = process.focus_api_url
        self.seed = seed
        self.profile = _option(process.args, "--profile") or "swagger"
        self.read_lag_ms = int(_option(process.args, "--read-lag-ms") or 0)

    def record(self) -> None:
        """Append the simulator's request log to the session's record (before it is cleared)."""
        record_requests(self.requests(), self.profile)

    def stop(self) -> None:
        try:
            self.record()
        finally:
            self._process.stop()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise AssertionError(f"simulator control call {method} {path} failed: {error.code} {detail}") from None
        if not payload.strip():
            return None
        try:
            return json.loads(payload)
        except ValueError:
            return payload.decode("utf-8", "replace")

    def reset(self, seed: dict | str | os.PathLike | None = None) -> None:
        """Replace all state; clears the request log and the faults.

        None: back to the session's seed (or the built-in demo state when started without one);
        a dict: that seed; a path: the seed in that JSON file.
        """
        if seed is None:
            seed = self.seed
        elif not isinstance(seed, dict):
            seed = json.loads(Path(seed).read_text(encoding="utf-8"))
        self.record()
        self._call("POST", "/_sim/reset", seed)

    def requests(self) -> list[dict]:
        """Every API request since the last clear, oldest first."""
        return self._call("GET", "/_sim/requests") or []

    def clear_requests(self) -> None:
        self.record()
        self._call("DELETE", "/_sim/requests")

    def writes(self) -> list[dict]:
        """The logged requests whose method is not GET."""
        return [entry for entry in self.requests() if entry.get("method", "").upper() != "GET"]

    def faults(self, rules: list[dict]) -> None:
        self._call("POST", "/_sim/faults", list(rules))

    def fault_rules(self) -> list[dict]:
        """The fault rules as the simulator holds them (GET /_sim/faults), with what each did:
        an interleave rule's `interleaved` list holds the {"status", "body"} of its request."""
        return self._call("GET", "/_sim/faults") or []

    def accept_invitation(self, email: str) -> None:
        self._call("POST", "/_sim/invitations/accept", {"email": email})

    def advance_clock(self, seconds: float) -> None:
        self._call("POST", "/_sim/clock", {"advance_seconds": seconds})

    def state(self) -> dict:
        return self._call("GET", "/_sim/state")


def _option(args, name):
    """The value of option `name` in a serve.py argument list (`--name value` or `--name=value`)."""
    args = list(args)
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


@pytest.fixture(scope="session")
def simulator_seed() -> Path | None:
    """The seed file the session's simulator starts from (None: the built-in demo state)."""
    configured = os.environ.get("TOGGL_SIM_SEED")
    return Path(configured).resolve() if configured else SEED


@pytest.fixture(scope="session")
def simulator_args() -> list[str]:
    """Extra serve.py options for the session's simulator."""
    return []


@pytest.fixture(scope="session")
def simulator(simulator_seed, simulator_args, tmp_path_factory):
    seed = None
    args = list(simulator_args)
    if simulator_seed is not None:
        seed = json.loads(Path(simulator_seed).read_text(encoding="utf-8"))
        args = ["--seed", str(simulator_seed), *args]
    log_path = tmp_path_factory.mktemp("simulator") / "simulator.log"
    process = new_simulator(args, log_path)
    process.start()
    control = SimulatorControl(process, seed)
    try:
        yield control
    finally:
        control.stop()


@pytest.fixture(scope="module")
def start_simulator(tmp_path_factory):
    """Start another simulator with its own options (e.g. --quota), stopped after the module.

    `start_simulator(seed_dict_or_None, args)` returns a SimulatorControl; point a run at it
    with `run_playbook(..., env={"TOGGL_API_URL": control.api_url})`. It has this run's profile
    and read lag unless `args` names --profile / --read-lag-ms.
    """
    started = []

    def start(seed: dict | None = None, args: list[str] | tuple = ()) -> SimulatorControl:
        directory = tmp_path_factory.mktemp("extra-simulator")
        options = list(args)
        if seed is not None:
            seed_path = directory / "seed.json"
            seed_path.write_text(json.dumps(seed), encoding="utf-8")
            options = ["--seed", str(seed_path), *options]
        process = new_simulator(options, directory / "simulator.log")
        process.start()
        control = SimulatorControl(process, seed)
        started.append(control)
        return control

    yield start
    for control in started:
        control.stop()


@pytest.fixture
def sim(simulator):
    """The session's simulator, reset to its seed before this test."""
    simulator.reset()
    return simulator


# --- ansible-playbook --------------------------------------------------------------------------

_WARNING_LINE = re.compile(r"^\s*\[(WARNING|DEPRECATION WARNING)\]:\s*(.*)$")
_DEPRECATION_HINT = "Deprecation warnings can be disabled"


def _squash(text: str) -> str:
    return " ".join(str(text).split())


@dataclass
class PlaybookRun:
    command: list[str]
    rc: int
    stdout: str
    stderr: str
    document: dict = field(default_factory=dict)

    @property
    def tasks(self) -> list[dict]:
        return self.document.get("tasks", [])

    @property
    def stats(self) -> dict:
        return self.document.get("stats", {})

    @property
    def failed_tasks(self) -> list[dict]:
        failed = ("failed", "unreachable")
        return [task for task in self.tasks if task["status"] in failed and not task["ignore_errors"]]

    def task(self, name: str) -> dict:
        """The one task result named `name` (a dict with play, task, action, host, status, result, ...)."""
        found = [task for task in self.tasks if task["task"] == name]
        if len(found) != 1:
            names = [task["task"] for task in self.tasks]
            raise AssertionError(f"expected 1 task result named {name!r}, found {len(found)}; tasks: {names}\n{self}")
        return found[0]

    @property
    def warnings(self) -> list[str]:
        """Every warning and deprecation: from task results, and any other the run printed."""
        found, known = [], []
        for task in self.tasks:
            for message in task.get("warnings", []) + task.get("deprecations", []):
                found.append(f"{task['task']}: {message}")
                known.append(_squash(message))
        for line in (self.stdout + "\n" + self.stderr).splitlines():
            match = _WARNING_LINE.match(line)
            if not match:
                continue
            text = _squash(match.group(2))
            if text.startswith(_DEPRECATION_HINT) or any(k in text or text in k for k in known if k and text):
                continue  # printed again by the stdout callback, or the hint that comes with deprecations
            found.append(f"{match.group(1)}: {match.group(2)}")
        return found

    def __str__(self) -> str:
        return (
            f"$ {shlex.join(self.command)}\nrc={self.rc}\n"
            f"--- stdout ---\n{self.stdout[-12000:]}\n--- stderr ---\n{self.stderr[-6000:]}"
        )


def _resolve_playbook(playbook: str | os.PathLike, tmp_path: Path, counter: list[int]) -> Path:
    if isinstance(playbook, os.PathLike) or "\n" not in str(playbook):
        path = Path(playbook)
        for candidate in (path, ROOT / path, PLAYBOOKS / path):
            if candidate.is_file():
                return candidate.resolve()
        if isinstance(playbook, os.PathLike) or str(playbook).endswith((".yml", ".yaml")):
            raise FileNotFoundError(f"playbook not found: {playbook}")
    text = str(playbook)
    yaml.safe_load(text)  # a clear error here beats ansible-playbook's
    counter[0] += 1
    path = tmp_path / f"playbook-{counter[0]}.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def run_playbook(simulator, tmp_path):
    counter = [0]

    def run(
        playbook,
        extra_vars: dict | None = None,
        check: bool = False,
        diff: bool = False,
        env: dict | None = None,
        verbosity: int = 0,
        allow_warnings: bool = False,
        timeout: float = 600,
        runner: str | None = None,
    ) -> PlaybookRun:
        path = _resolve_playbook(playbook, tmp_path, counter)
        counter[0] += 1
        results_file = tmp_path / f"results-{counter[0]}.json"
        command = [str(ANSIBLE_PLAYBOOK), "-i", str(INVENTORY), str(path)]
        if extra_vars:
            vars_file = tmp_path / f"extra-vars-{counter[0]}.json"
            vars_file.write_text(json.dumps(extra_vars), encoding="utf-8")
            command += ["-e", f"@{vars_file}"]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)

        run_env = {key: value for key, value in os.environ.items() if not key.startswith("TOGGL_")}
        run_env.update(
            TOGGL_API_URL=simulator.api_url,
            TOGGL_FOCUS_API_URL=simulator.focus_api_url,
            TOGGL_API_TOKEN=DEFAULT_TOKEN,
            TOGGL_TEST_RESULTS_FILE=str(results_file),
            ANSIBLE_COLLECTIONS_PATH=os.environ["ANSIBLE_COLLECTIONS_PATH"],  # set by tests/conftest.py
            ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="False",
            ANSIBLE_CALLBACK_PLUGINS=str(CALLBACK_PLUGINS),
            ANSIBLE_CALLBACKS_ENABLED="json_results",
            ANSIBLE_STDOUT_CALLBACK="default",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
            ANSIBLE_DEPRECATION_WARNINGS="1",
            ANSIBLE_SYSTEM_WARNINGS="1",
            PYTHONUNBUFFERED="1",
        )
        run_env.pop("ANSIBLE_CONFIG", None)
        for key, value in (env or {}).items():
            if value is None:
                run_env.pop(key, None)
            else:
                run_env[key] = str(value)

        plays = in_process.plays_to_run(path.read_text(encoding="utf-8"), extra_vars, verbosity, runner)
        if plays is not None:
            # Each task starts once the writes before it show, as it would after ansible-playbook's
            # own start-up, which takes longer than the suite's read lag.
            rc, stdout, document = in_process.run(plays, check, diff, run_env, wait_out_read_lag, note_run_ended)
            result = PlaybookRun(["(in process)", *command], rc, stdout, "", document)
        else:
            completed = subprocess.run(
                command,
                cwd=tmp_path,
                env=run_env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            document = json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else {}
            result = PlaybookRun(command, completed.returncode, completed.stdout, completed.stderr, document)
        note_run_ended()
        if not allow_warnings and result.warnings:
            raise AssertionError(
                "the playbook run showed warnings (project rule: none; pass allow_warnings=True to "
                "assert on them):\n  " + "\n  ".join(result.warnings) + f"\n{result}"
            )
        return result

    return run
