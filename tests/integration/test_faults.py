"""Faults at every write of the onboarding and workspace policy roles, and the hourly quota
running out mid-role.

The onboarding phase is playbooks/onboard.yml (role trackops.toggl.onboarding) with newcomers in
the benchmark's shape: invited, in two workspaces with a role, a billable rate, in groups. Its
write positions are not written down here: a fault-free probe run (once per test process, when
the first test needs it; collecting the tests runs no playbook) lists them (method, path, and how
many earlier requests had the same method and path: the simulator fault rule's ``skip``), so the
matrix follows the role when it sends fewer or other requests.

One test per (scenario, fault kind) goes through every write position: for each it resets the
simulator, makes that one request fail once, and runs the playbook. What must happen follows
from the client's retry policy (documented under max_retries): a 429 is retried for every
method; a 5xx, a connection reset or a timeout only for GET/PUT/DELETE, since a POST or PATCH
may already have been applied. A run that recovers must reach the fault-free end state with
every write applied exactly once. A run that fails must fail cleanly, naming the request,
without resending it; a rerun then succeeds, and between them every write is applied exactly
once and the end state is the fault-free one. After a reset or a timeout the request may have
been applied although its answer was lost: those cases apply it behind the run's back before the
rerun, which must then not send it again.

End states are compared as a normalized view of the simulator's state (ids, timestamps and
tokens replaced by names and emails), which shows duplicates (lists, not sets) and losses. The
fault-free reference run and its converged rerun (no write, nothing changed) are asserted once
in test_reference_run_converges; any case whose end state equals the reference end state is
one run away from that same converged rerun, so the cases do not repeat it.

Lost answers ("lost" fault, issue 11 item 4): the simulator APPLIES the write and then closes
the connection without an answer, as a flaky network does after the server did its work. At
every write of the onboarding role and of the workspace_policy role the run must converge: it
succeeds with the fault-free end state (a PUT or DELETE may be resent, a DELETE's 404 counting
as success; a POST is not resent blindly, the object is looked up and adopted), or it fails
cleanly naming the request and a rerun reaches that end state. Either way no object exists
twice (the end state is compared as lists) and no POST is applied more often than in the
fault-free run.
"""

import copy
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import requests
from helpers import (
    POLICY_PLAYBOOK,
    api_get,
    changed_tasks,
    record_requests,
    run_logged,
    seed,
    simulator_options,
    writes_in,
)

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = "playbooks/onboard.yml"
SEED_NAME = "roles"
API_PREFIX = "/api/v9"
# Short, so that a "timeout" fault (the simulator holds the request for 60 s) costs 2 s; set
# through the environment fallback of the modules' request_timeout, as a user's CI would.
RUN_ENV = {"TOGGL_REQUEST_TIMEOUT": "2"}

# Newcomers as in the benchmark's onboarding phase (invited, two workspaces with a role, a
# billable rate, a group), as few as give every kind of write the role sends for them, and two
# of a kind where a bulk task can fail halfway (the second invitation, the second rate). The
# fault matrix multiplies the positions (each costs 5 cases and up to 4 more runs), so the
# scenario stays this small and the matrix stays whole.
PEOPLE = [
    {
        "email": "nina@example.com",
        "workspaces": [{"name": "Acme HQ", "role": "admin", "rate": 80}, {"name": "Acme Labs"}],
        "groups": ["Engineering"],
    },
    {
        "email": "omar@example.com",
        "workspaces": [{"name": "Acme HQ", "role": "user", "rate": 60}, {"name": "Acme Labs"}],
        "groups": ["Contractors"],
    },
]
EXTRA_VARS = {"toggl_organization": "Acme", "toggl_onboarding_people": PEOPLE}

# The workspace_policy role's data, one write of each kind it sends: workspace settings, a rate at
# workspace and at workspace-user level, a new reminder, a new alert.
POLICY_VARS = {
    "toggl_organization": "Acme",
    "toggl_workspace_policy_workspaces": [
        {
            "name": "Acme HQ",
            "settings": {"rounding": -1, "rounding_minutes": 15, "only_admins_may_create_projects": True},
            "rates": [
                {"level": "workspace", "amount": 95, "mode": "start-today"},
                {"level": "workspace_user", "user": "bob@example.com", "amount": 60, "mode": "override-all"},
            ],
            "reminders": [
                {"groups": ["Engineering"], "frequency": 1, "threshold": 6, "email_reminder_enabled": True},
            ],
            "alerts": [
                {
                    "project": "Website",
                    "source_kind": "project",
                    "threshold_type": "percentage",
                    "thresholds": [80, 100],
                    "receiver_roles": ["admin"],
                },
            ],
        },
    ],
}


FAULTS = {
    "500": {"status": 500},
    "502": {"status": 502},
    "429": {"status": 429, "retry_after": 1},
    "reset": {"status": "reset"},
    "timeout": {"status": "timeout"},
    "lost": {"status": "lost"},
}
# From the client's documented policy, not from its code: repeating these cannot create a
# second object, so they are retried after a 5xx, a reset or a timeout; a 429 is always retried.
REPEATABLE_METHODS = {"GET", "PUT", "DELETE"}

# Each scenario: the playbook, its variables, and the fault kinds injected at each of its writes
# (the refusals on the onboarding, whose matrix already existed; lost answers on both).
SCENARIOS = {
    "onboarding": {"playbook": PLAYBOOK, "vars": EXTRA_VARS, "faults": list(FAULTS)},
    "policy": {"playbook": POLICY_PLAYBOOK, "vars": POLICY_VARS, "faults": ["lost"]},
}


def recovers(method, fault):
    return fault == "429" or method in REPEATABLE_METHODS


# --- the normalized end state ------------------------------------------------------------------

# Assigned per run, or set by the seed of the quota test (api_quota), not by the role.
VOLATILE = {"id", "created_at", "at", "updated_at", "deleted_at", "start", "code", "api_quota"}
VOLATILE |= {"api_token", "password", "focus_api_key"}


def normalized_state(state):
    """Every collection as a sorted list of its records, ids replaced by what they name.

    Sorted lists, not sets: a duplicate shows as two equal records, a loss as a missing one.
    """
    users = {user["id"]: user["email"] for user in state["users"]}
    organizations = {org["id"]: org["name"] for org in state["organizations"]}
    workspaces = {ws["id"]: ws["name"] for ws in state["workspaces"]}
    groups = {group["id"]: group["name"] for group in state["groups"]}
    invitations = {invitation["id"]: invitation["email"] for invitation in state["invitations"]}
    workspace_users = {
        row["id"]: "%s in %s" % (users.get(row["user_id"]), workspaces.get(row["workspace_id"]))
        for row in state["workspace_users"]
    }
    by_reference = {
        "user_id": users,
        "user_ids": users,
        "owner_id": users,
        "recipient_id": users,
        "sender_id": users,
        "creator_id": users,
        "organization_id": organizations,
        "workspace_id": workspaces,
        "workspace_ids": workspaces,
        "default_workspace_id": workspaces,
        "group_ids": groups,
        "invitation_id": invitations,
    }

    def name_of(key, value, record):
        if key == "level_id" and record.get("level") == "workspace_user":
            return workspace_users.get(value, value)
        table = by_reference.get(key)
        if table is None:
            return value
        if isinstance(value, list):
            return sorted(str(table.get(item, item)) for item in value)
        return table.get(value, value)

    def normalize(value):
        if isinstance(value, dict):
            return {
                key: normalize(name_of(key, item, value))
                for key, item in value.items()
                if key not in VOLATILE and not key.startswith("_")
            }
        if isinstance(value, list):
            return [normalize(item) for item in value]
        return value

    view = {}
    for collection, records in state.items():
        if collection.startswith("_"):
            continue
        view[collection] = sorted((normalize(record) for record in records), key=json.dumps)
    return view


def state_difference(actual, expected):
    """What differs between two normalized states, collection by collection (for messages)."""
    lines = []
    for collection in sorted(set(actual) | set(expected)):
        have = Counter(json.dumps(item, sort_keys=True) for item in actual.get(collection, []))
        want = Counter(json.dumps(item, sort_keys=True) for item in expected.get(collection, []))
        lines += ["%s: extra %s" % (collection, item) for item in (have - want)]
        lines += ["%s: missing %s" % (collection, item) for item in (want - have)]
    return "\n".join(lines)


def assert_reference_state(simulator, reference):
    actual = normalized_state(simulator.state())
    assert actual == reference["state"], "end state differs from the fault-free run:\n" + state_difference(
        actual, reference["state"]
    )


# --- the fault-free probe run: write positions and the reference end state ------------------


def _load_with_simulator():
    spec = importlib.util.spec_from_file_location("faults_with_simulator", ROOT / "tests/simulator/with_simulator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_REFERENCE = {}


def probe_reference(scenario="onboarding"):
    """Run the scenario once, fault-free, on a simulator of its own (once per process)."""
    if scenario in _REFERENCE:
        return _REFERENCE[scenario]
    with tempfile.TemporaryDirectory(prefix="faults-probe-") as directory:
        seed_path = Path(directory, "seed.json")
        seed_path.write_text(json.dumps(seed(SEED_NAME)), encoding="utf-8")
        vars_path = Path(directory, "vars.json")
        vars_path.write_text(json.dumps(SCENARIOS[scenario]["vars"]), encoding="utf-8")
        playbook = SCENARIOS[scenario]["playbook"]
        if "\n" in playbook:
            playbook_path = Path(directory, "playbook.yml")
            playbook_path.write_text(playbook, encoding="utf-8")
        else:
            playbook_path = ROOT / playbook
        process = _load_with_simulator().Simulator(
            ["--seed", str(seed_path)],
            python=sys.executable,
            log_path=Path(directory, "simulator.log"),
            # No read lag: the quota test compares its own lag-free run with this log request
            # by request; the other tests compare writes only.
            **dict(simulator_options(), read_lag_ms=0),
        )
        process.start()
        try:
            env = {key: value for key, value in os.environ.items() if not key.startswith(("TOGGL_", "ANSIBLE_"))}
            env.update(
                RUN_ENV,
                TOGGL_API_URL=process.api_url,
                TOGGL_API_TOKEN="tok-owner",
                ANSIBLE_COLLECTIONS_PATH=os.environ["ANSIBLE_COLLECTIONS_PATH"],  # set by tests/conftest.py
                ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="False",
                ANSIBLE_LOCAL_TEMP=str(Path(directory, "ansible-local")),
                ANSIBLE_RETRY_FILES_ENABLED="0",
                ANSIBLE_NOCOLOR="1",
            )
            completed = subprocess.run(
                [
                    str(Path(sys.executable).parent / "ansible-playbook"),
                    "-i",
                    str(ROOT / "tests/integration/inventory.yml"),
                    str(playbook_path),
                    "-e",
                    "@" + str(vars_path),
                ],
                cwd=directory,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if completed.returncode != 0:
                raise RuntimeError(
                    "the fault-free %s probe failed:\n%s%s" % (scenario, completed.stdout, completed.stderr)
                )
            log = requests.get(process.url + "/_sim/requests", timeout=30).json()
            state = requests.get(process.url + "/_sim/state", timeout=30).json()
        finally:
            process.stop()
    record_requests(log, simulator_options()["profile"])
    _REFERENCE[scenario] = dict(log=log, state=normalized_state(state), positions=write_positions(log, scenario))
    return _REFERENCE[scenario]


def write_positions(log, scenario="onboarding"):
    """Each write of the log: its index, method, path and the fault rule's ``skip``."""
    positions = []
    seen = Counter()
    for index, entry in enumerate(log):
        key = (entry["method"], entry["path"])
        if entry["method"] != "GET":
            kind = [part for part in entry["path"].split("/") if part and not part.isdigit()][-1]
            positions.append(
                {
                    "index": index,
                    "method": entry["method"],
                    "path": entry["path"],
                    "skip": seen[key],
                    "write_index": len(positions),
                    "id": "%s-w%d-%s-%s" % (scenario, len(positions), entry["method"], kind),
                    "scenario": scenario,
                }
            )
        seen[key] += 1
    return positions


# One test per (scenario, fault kind): collecting the tests runs no playbook. Each test probes
# the fault-free run once (per process) and then injects its fault at every write position the
# probe found, one fresh simulator state per position; a failure names the position.
FAULT_CASES = [(scenario, fault) for scenario in SCENARIOS for fault in SCENARIOS[scenario]["faults"]]


@pytest.fixture
def reference():
    return probe_reference()


def applied_writes(log, methods=None):
    """The writes the API applied (answered below 400, or served with the answer lost), as
    comparable (method, path, body); only those of ``methods`` when given."""
    return Counter(
        (entry["method"], entry["path"], json.dumps(entry["body"], sort_keys=True))
        for entry in writes_in(log)
        if (entry["status"] == "lost" or (isinstance(entry["status"], int) and entry["status"] < 400))
        and (methods is None or entry["method"] in methods)
    )


def same_request(entry, position):
    return entry["method"] == position["method"] and entry["path"] == position["path"]


# --- tests -------------------------------------------------------------------------------------


@pytest.mark.converge
@pytest.mark.parametrize("scenario_name", list(SCENARIOS))
def test_reference_run_converges(sim, run_playbook, scenario_name):
    """The fault-free run reaches the probe's end state; its rerun writes and changes nothing."""
    scenario, reference = SCENARIOS[scenario_name], probe_reference(scenario_name)
    sim.reset(seed(SEED_NAME))
    run, log = run_logged(sim, run_playbook, scenario["playbook"], extra_vars=scenario["vars"], env=RUN_ENV)
    assert run.rc == 0, run
    assert [(e["method"], e["path"]) for e in writes_in(log)] == [
        (e["method"], e["path"]) for e in writes_in(reference["log"])
    ]
    assert applied_writes(log) == applied_writes(reference["log"])
    assert_reference_state(sim, reference)
    if scenario_name == "onboarding":
        assert any(position["id"].endswith("POST-invitations") for position in reference["positions"])

    rerun, rerun_log = run_logged(sim, run_playbook, scenario["playbook"], extra_vars=scenario["vars"], env=RUN_ENV)
    assert rerun.rc == 0, rerun
    assert writes_in(rerun_log) == [] and changed_tasks(rerun) == []
    assert_reference_state(sim, reference)


@pytest.mark.parametrize("scenario_name, fault", FAULT_CASES, ids=["%s-%s" % case for case in FAULT_CASES])
def test_fault_at_every_write(sim, run_playbook, scenario_name, fault):
    positions = probe_reference(scenario_name)["positions"]
    assert positions, "the fault-free %s run wrote nothing" % scenario_name
    for write_position in positions:
        try:
            assert_fault_at_write(sim, run_playbook, write_position, fault)
        except AssertionError as failure:
            raise AssertionError("%s at %s: %s" % (fault, write_position["id"], failure)) from None


def assert_fault_at_write(sim, run_playbook, write_position, fault):
    scenario = SCENARIOS[write_position["scenario"]]
    reference = probe_reference(write_position["scenario"])
    method, path = write_position["method"], write_position["path"]
    sim.reset(seed(SEED_NAME))
    rule = dict(FAULTS[fault], method=method, path="^%s$" % re.escape(path), skip=write_position["skip"], times=1)
    sim.faults([rule])

    run, log = run_logged(sim, run_playbook, scenario["playbook"], extra_vars=scenario["vars"], env=RUN_ENV)
    # Up to the fault, the run wrote what the fault-free run wrote, and the fault hit that write.
    # (Writes, not every request: with a read lag, the re-reads after a write vary in number.)
    writes, number = writes_in(log), write_position["write_index"]
    assert [(e["method"], e["path"], e["body"]) for e in writes[:number]] == [
        (e["method"], e["path"], e["body"]) for e in writes_in(reference["log"])[:number]
    ]
    faulted = writes[number]
    index = next(i for i, entry in enumerate(log) if entry is faulted)
    assert same_request(faulted, write_position) and faulted["body"] == writes_in(reference["log"])[number]["body"]
    if fault == "lost":  # served: the log shows "lost", or the status the answer would have had
        assert faulted["status"] == "lost" or (isinstance(faulted["status"], int) and faulted["status"] < 400)
    else:
        assert faulted["status"] == FAULTS[fault]["status"]
    sent = [entry for entry in log if same_request(entry, write_position) and entry["body"] == faulted["body"]]

    if fault == "lost":
        assert_lost_answer_converges(sim, run_playbook, scenario, reference, write_position, run, log)
        return

    if recovers(method, fault):
        assert run.rc == 0, "a %s on %s should be retried:\n%s" % (fault, method, run)
        assert sent[-2:] == log[index : index + 2] and len(sent) == 2, "retried at once, exactly once"
        assert log[index + 1]["status"] < 400
        assert applied_writes(log) == applied_writes(reference["log"]), "every write applied exactly once"
        assert_reference_state(sim, reference)
        return

    if run.rc == 0 and fault in ("reset", "timeout"):
        # A POST or PATCH whose answer never came: the module looked the object up (the
        # simulator's reset and timeout faults never apply the request, so it is not there) and
        # only then sent it again; every write ends applied exactly once.
        assert len(sent) == 2, "sent once more at most, after a look-up: %s" % sent
        resent = next(i for i in range(index + 1, len(log)) if log[i] is sent[1])
        assert any(entry["method"] == "GET" for entry in log[index + 1 : resent]), "resent without a look-up"
        assert applied_writes(log) == applied_writes(reference["log"]), "every write applied exactly once"
        assert_reference_state(sim, reference)
        return

    failure = clean_failure(run)
    assert "%s %s" % (method, path[len(API_PREFIX) :]) in failure, failure
    assert sent == [log[index]], "a %s after a %s must not be resent" % (method, fault)
    if fault == "timeout":
        assert "no answer within 2.0s" in failure, failure
    elif fault == "reset":
        assert "the connection was closed before an answer" in failure, failure
    else:
        assert "HTTP %s from" % fault in failure, failure

    applied = applied_writes(log)
    if fault in ("reset", "timeout"):
        # The answer was lost, not necessarily the request: here the API applied it (the
        # simulator's fault never does), and the rerun must see that instead of sending it again.
        replayed = requests.request(
            method, sim.url + path, json=log[index]["body"], auth=("tok-owner", "api_token"), timeout=10
        )
        assert replayed.status_code < 400, replayed.text
        applied += applied_writes([dict(log[index], status=replayed.status_code)])

    rerun, rerun_log = run_logged(sim, run_playbook, scenario["playbook"], extra_vars=scenario["vars"], env=RUN_ENV)
    assert rerun.rc == 0, "the rerun after a failed %s did not converge:\n%s" % (method, rerun)
    assert applied + applied_writes(rerun_log) == applied_writes(reference["log"]), (
        "between the failed run and its rerun, every write is applied exactly once"
    )
    assert_reference_state(sim, reference)


def assert_lost_answer_converges(sim, run_playbook, scenario, reference, position, run, log):
    """The write at ``position`` was applied and its answer lost: the run succeeds with the
    fault-free end state, or fails cleanly naming that request and a rerun reaches it; no POST
    is applied more often than in the fault-free run (a lost creation is adopted, not repeated)."""
    logs = [log]
    if run.rc != 0:
        failure = clean_failure(run)
        assert "%s %s" % (position["method"], position["path"][len(API_PREFIX) :]) in failure, failure
        rerun, rerun_log = run_logged(sim, run_playbook, scenario["playbook"], extra_vars=scenario["vars"], env=RUN_ENV)
        assert rerun.rc == 0, "the rerun after a lost answer to %s did not converge:\n%s" % (position["id"], rerun)
        logs.append(rerun_log)
    posted = sum((applied_writes(each, {"POST"}) for each in logs), Counter())
    assert posted == applied_writes(reference["log"], {"POST"}), "creations applied exactly once:\n%s" % (
        "\n".join("%s %s %s: %d" % (*key, count) for key, count in (posted - applied_writes(reference["log"])).items())
    )
    assert_reference_state(sim, reference)


def test_a_fault_that_persists_is_retried_max_retries_times(sim, run_playbook, reference):
    """Retries are bounded (TOGGL_MAX_RETRIES, the environment fallback of max_retries): a 429
    that lasts costs 1 + max_retries requests, then the task fails cleanly; a rerun converges."""
    position = reference["positions"][0]
    assert position["write_index"] == 0
    sim.reset(seed(SEED_NAME))
    pattern = "^%s$" % re.escape(position["path"])
    sim.faults([{"method": position["method"], "path": pattern, "status": 429, "retry_after": 0, "times": 3}])
    env = dict(RUN_ENV, TOGGL_MAX_RETRIES="2")
    run, log = run_logged(sim, run_playbook, PLAYBOOK, extra_vars=EXTRA_VARS, env=env)
    failure = clean_failure(run)
    assert "rate limited by the Toggl API after 2 retries" in failure, failure
    assert "%s %s" % (position["method"], position["path"][len(API_PREFIX) :]) in failure, failure
    assert [entry["status"] for entry in writes_in(log)] == [429, 429, 429], "1 + 2 retries, then stop"

    # The rule has fired its 3 times (a 4th request would have passed, so the run shows the bound).
    rerun, rerun_log = run_logged(sim, run_playbook, PLAYBOOK, extra_vars=EXTRA_VARS, env=env)
    assert rerun.rc == 0, rerun
    assert applied_writes(log) + applied_writes(rerun_log) == applied_writes(reference["log"])
    assert_reference_state(sim, reference)


def clean_failure(run):
    """The one failed task's message(s), checked to be ours and not a crash."""
    assert run.rc != 0, run
    failed = run.failed_tasks
    assert len(failed) == 1, [task["task"] for task in failed]
    result = failed[0]["result"]
    items = [item for item in result.get("results", []) if item.get("failed")] or [result]
    messages = []
    for item in items:
        assert "module_stderr" not in item and "module_stdout" not in item, item
        assert item.get("exception", "(traceback unavailable)") == "(traceback unavailable)", item["exception"]
        messages.append(item["msg"])
    text = "\n".join(messages)
    for marker in ("Traceback", "MODULE FAILURE", "Exception"):
        assert marker not in text and marker not in run.stdout, text
    return text


# --- quota -------------------------------------------------------------------------------------


def test_quota_exhausted_mid_role_is_one_clear_error_and_the_next_hour_converges(start_simulator, run_playbook):
    """The hourly quota would run out at the middle write of the onboarding: its one task, having
    read, plans all of its writes against the quota left (engine.plan_quota) and stops before its
    FIRST write, naming the reset time, so nothing is half done. Once the window has passed, a
    rerun converges. test_transport.py has the same for one module, test_quota.py the waits."""
    reference = probe_reference()
    position = reference["positions"][len(reference["positions"]) // 2]
    first_write = reference["positions"][0]
    counted = [entry for entry in reference["log"] if not entry["path"].startswith(API_PREFIX + "/me")]
    allowed = sum(1 for entry in reference["log"][: position["index"]] if entry in counted)
    # Acme's hourly quota holds a whole run and some (the rerun re-reads what the first run
    # wrote, so it may cost more than a clean run); spending the rest beforehand leaves `allowed`.
    quota = len(counted) + 10
    quota_seed = copy.deepcopy(seed(SEED_NAME))
    quota_seed["organizations"][0]["api_quota"] = quota
    limited = start_simulator(quota_seed, ["--quota", "--read-lag-ms", "0"])
    env = dict(RUN_ENV, TOGGL_API_URL=limited.api_url)
    for _spent in range(quota - allowed):
        api_get(limited, "/organizations/10")

    limited.clear_requests()
    run = run_playbook(PLAYBOOK, extra_vars=EXTRA_VARS, env=env)
    log = limited.requests()
    message = clean_failure(run)
    assert [(e["method"], e["path"]) for e in log] == [(e["method"], e["path"]) for e in reference["log"]][
        : first_write["index"]
    ], "the run stops right before its first write: the quota cannot carry them all"
    assert all(e["status"] < 400 for e in log), "no request met the quota"
    match = re.search(r"needs \d+ requests?, \d+ left, resets in (\d+) s; nothing was written", message)
    assert match, message
    assert int(match.group(1)) <= 3600
    assert not applied_writes(log)

    limited.advance_clock(int(match.group(1)) + 1)
    limited_first = log
    limited.clear_requests()
    rerun = run_playbook(PLAYBOOK, extra_vars=EXTRA_VARS, env=env)
    assert rerun.rc == 0, str(rerun)
    assert applied_writes(limited_first) + applied_writes(limited.requests()) == applied_writes(reference["log"])
    assert_reference_state(limited, reference)
