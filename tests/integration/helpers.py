"""Shared steps of the integration tests: one-task playbooks and the converge cycle that
every module and state goes through (check mode, first run, rerun, check after)."""

import json
import os
import time

import yaml

SEEDS = os.path.join(os.path.dirname(__file__), "seeds")

# --- the simulator's profile and read lag, and the session's request record --------------------

# Long enough that a re-read right after a write sees the old state (the client must wait for
# it, as against the live API); short enough that the suite's settle loops cost little.
DEFAULT_READ_LAG_MS = 200


def sim_profile():
    """The simulator profile of this run: $TOGGL_SIM_PROFILE, "swagger" by default."""
    return os.environ.get("TOGGL_SIM_PROFILE", "").strip() or "swagger"


def sim_read_lag_ms():
    """The simulator read lag of this run: $TOGGL_SIM_READ_LAG_MS, DEFAULT_READ_LAG_MS by default."""
    configured = os.environ.get("TOGGL_SIM_READ_LAG_MS", "").strip()
    return int(configured) if configured else DEFAULT_READ_LAG_MS


def simulator_options():
    """Keyword arguments for with_simulator.Simulator: this run's profile and read lag (they
    become --profile / --read-lag-ms unless the simulator's own args name those options)."""
    return {"profile": sim_profile(), "read_lag_ms": sim_read_lag_ms()}


# Every API request of every simulator this process started, in the order they were logged
# (conftest.py writes it out at the end of the session and checks it against the Swagger).
RECORDED_REQUESTS = []


def record_requests(entries, profile):
    """Keep what the conformance check needs of each logged request (not the token)."""
    for entry in entries:
        RECORDED_REQUESTS.append(
            {
                "method": entry.get("method"),
                "path": entry.get("path"),
                "query": entry.get("query") or {},
                "body": entry.get("body"),
                "status": entry.get("status"),
                "profile": profile,
            }
        )


def seed(name="default"):
    with open(os.path.join(SEEDS, name + ".json")) as handle:
        return json.load(handle)


def people_with_second_admin(third_workspace=False):
    """The people seed plus a second organization admin (tok-admin2), a plain member (tok-member),
    a third group and, with ``third_workspace``, a third workspace ("Acme Ops", id 102)."""
    data = seed("people")
    org = data["organizations"][0]
    org["users"] += [{"id": 1090, "user_id": 90, "admin": True}, {"id": 1091, "user_id": 91}]
    if third_workspace:
        org["workspaces"].append(
            {"id": 102, "name": "Acme Ops", "users": [{"id": 2201, "user_id": 1, "role": "admin"}]}
        )
    org["groups"].append({"id": 302, "name": "Ops", "users": [], "workspaces": []})
    return data


def on(control, run_playbook):
    """run_playbook pointed at another simulator (a second one a test started)."""

    def run(playbook, **kwargs):
        env = dict(kwargs.pop("env", None) or {}, TOGGL_API_URL=control.api_url)
        return run_playbook(playbook, env=env, **kwargs)

    return run


def calls(log):
    """(method, path) of each request of a log."""
    return [(entry["method"], entry["path"]) for entry in log]


def squashed(log):
    """``calls`` with repeated reads folded into one: re-reads after a write, until it shows
    (engine.settle), depend on the simulator's read lag."""
    folded = []
    for call in calls(log):
        if not (folded and call == folded[-1] and call[0] == "GET"):
            folded.append(call)
    return folded


# The workspace_policy role on localhost, its data given as extra vars (fault and read-lag tests).
POLICY_PLAYBOOK = """
- name: Workspace policy
  hosts: localhost
  gather_facts: false
  roles:
    - role: trackops.toggl.workspace_policy
"""


def task_playbook(module, args, name="under test"):
    """A playbook with one task of ``module`` (short name) with ``args``."""
    play = {
        "name": "integration",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{"name": name, "trackops.toggl." + module: args}],
    }
    return yaml.safe_dump([play], sort_keys=False)


def writes_in(log):
    return [entry for entry in log if entry["method"] != "GET"]


def result_of(run, name="under test"):
    return run.task(name)["result"]


def run_logged(simulator, run_playbook, playbook, **kwargs):
    """Run a playbook and return (task result, the API requests it sent)."""
    simulator.clear_requests()
    run = run_playbook(playbook, **kwargs)
    return run, simulator.requests()


def converge_cycle(simulator, run_playbook, playbook, expect_changed=True, allow_warnings=False):
    """The runs every state must pass; returns their results and request logs.

    1. check mode + diff predicts ``changed`` and sends no write;
    2. the real run changes as predicted and shows the same diff;
    3. a rerun changes nothing and sends no write;
    4. check mode after convergence predicts no change (in the rerun's ansible-playbook run
       where the playbook allows, see ``_with_check_after``).
    """
    return _converge(simulator, run_playbook, playbook, expect_changed, allow_warnings, _single_diff)


def converge_cycle_many(simulator, run_playbook, playbook, expect_changed=True, allow_warnings=False):
    """converge_cycle for a bulk list form, whose ``diff`` is a list (one diff per entry)."""
    return _converge(simulator, run_playbook, playbook, expect_changed, allow_warnings, _diff_list)


def _single_diff(result, side):
    return result["diff"][side]


def _diff_list(result, side):
    return [entry[side] for entry in result["diff"]]


def _converge(simulator, run_playbook, playbook, expect_changed, allow_warnings, sides):
    options = {"allow_warnings": allow_warnings}
    check_run, check_log = run_logged(simulator, run_playbook, playbook, check=True, diff=True, **options)
    assert check_run.rc == 0, check_run.stdout + check_run.stderr
    predicted = result_of(check_run)
    assert writes_in(check_log) == [], "check mode sent writes: %s" % writes_in(check_log)
    assert predicted["changed"] is expect_changed

    first_run, first_log = run_logged(simulator, run_playbook, playbook, diff=True, **options)
    assert first_run.rc == 0, first_run.stdout + first_run.stderr
    first = result_of(first_run)
    assert first["changed"] is expect_changed
    assert sides(predicted, "after") == sides(first, "after"), "check mode predicted another result"
    assert sides(predicted, "before") == sides(first, "before")

    rerun, rerun_log, late_results, late_log = _rerun_with_check_after(simulator, run_playbook, playbook, options)
    assert rerun.rc == 0, rerun.stdout + rerun.stderr
    second = result_of(rerun)
    assert second["changed"] is False, "second run changed: %s" % second.get("diff")
    assert writes_in(rerun_log) == [], "second run wrote: %s" % writes_in(rerun_log)
    assert sides(second, "before") == sides(second, "after")

    assert late_results and all(result["changed"] is False for result in late_results), late_results
    assert writes_in(late_log) == [], "check mode after the rerun sent writes: %s" % writes_in(late_log)
    return {
        "check": predicted,
        "first_run": first_run,
        "rerun": rerun,
        "first": first,
        "first_log": first_log,
        "second": second,
        "second_log": rerun_log,
    }


CHECK_AFTER = " (check mode after the rerun)"


def _with_check_after(playbook):
    """The playbook followed, in the same run, by a check-mode copy of each of its tasks.

    Saves an ansible-playbook start per converge cycle. Only for playbooks given as YAML text
    whose tasks are all single trackops.toggl module calls (the rerun's own requests are then the
    first ones logged, as many as its tasks report in ``api_requests``); None otherwise."""
    if not isinstance(playbook, str) or "\n" not in playbook:
        return None
    plays = yaml.safe_load(playbook)
    for play in plays:
        tasks = play.get("tasks") or []
        if play.get("roles") or not tasks or not all(_is_single_module_call(task) for task in tasks):
            return None
        play["tasks"] = tasks + [dict(task, name=task["name"] + CHECK_AFTER, check_mode=True) for task in tasks]
    return yaml.safe_dump(plays, sort_keys=False)


def _is_single_module_call(task):
    modules = [key for key in task if key.startswith("trackops.toggl.")]
    return len(modules) == 1 and not ({"loop", "with_items", "block", "register"} & set(task))


def _rerun_with_check_after(simulator, run_playbook, playbook, options):
    """The rerun and, in the same ansible-playbook run where possible, check mode after it.

    Returns (rerun, its request log, the late check's task results, the late check's log)."""
    merged = _with_check_after(playbook)
    if merged is None:
        rerun, rerun_log = run_logged(simulator, run_playbook, playbook, diff=True, **options)
        late_check, late_log = run_logged(simulator, run_playbook, playbook, check=True, **options)
        return rerun, rerun_log, [task["result"] for task in late_check.tasks], late_log
    run, log = run_logged(simulator, run_playbook, merged, diff=True, **options)
    assert run.rc == 0, run.stdout + run.stderr
    rerun_tasks = [task for task in run.tasks if not task["task"].endswith(CHECK_AFTER)]
    late_results = [task["result"] for task in run.tasks if task["task"].endswith(CHECK_AFTER)]
    own = sum(task["result"]["api_requests"]["total"] for task in rerun_tasks)
    return run, log[:own], late_results, log[own:]


def assert_clean_failure(run, name="under test"):
    """The task failed with a message of ours, not a traceback; returns the message."""
    assert run.rc != 0
    task = run.task(name)
    assert task["status"] == "failed", task
    result = task["result"]
    msg = result["msg"]
    for marker in ("Traceback", "MODULE FAILURE", "Exception"):
        assert marker not in msg, msg
        assert marker not in run.stdout
    # A module that crashed leaves its raw output; ansible-core 2.19 puts a placeholder in `exception`.
    assert "module_stderr" not in result and "module_stdout" not in result, result
    assert result.get("exception", "(traceback unavailable)") == "(traceback unavailable)", result["exception"]
    return msg


# When the latest ansible-playbook run ended (time.monotonic()); see api_get.
_LAST_RUN_ENDED = [0.0]


def note_run_ended():
    """Called by the run_playbook fixture after each ansible-playbook run."""
    _LAST_RUN_ENDED[0] = time.monotonic()


def wait_out_read_lag():
    """Sleep until the latest run's writes show to reads (at most the read lag after it ended)."""
    wait = _LAST_RUN_ENDED[0] + sim_read_lag_ms() / 1000 - time.monotonic()
    if wait > 0:
        time.sleep(wait)


def api_get(simulator, path, token="tok-owner"):
    """Read the simulator's state the way the API shows it (these reads are not under test).

    A run's last write may be younger than the read lag when the run ends; the test's own read
    waits until that write shows, as an admin looking a moment later would see it (only the
    first read after a run waits, at most the lag)."""
    import requests

    wait_out_read_lag()
    response = requests.get(simulator.api_url + path, auth=(token, "api_token"), timeout=10)
    response.raise_for_status()
    return response.json()


def cases_playbook(module, cases):
    """One task of ``module`` per case ({task name: args}), errors ignored so that every case
    runs in one ansible-playbook run and is asserted on by name."""
    tasks = [{"name": name, "trackops.toggl." + module: args, "ignore_errors": True} for name, args in cases.items()]
    return yaml.safe_dump(
        [{"name": "cases", "hosts": "localhost", "gather_facts": False, "tasks": tasks}], sort_keys=False
    )


def failure_of(run, name):
    """The message of a task that failed cleanly (errors ignored), not with a traceback."""
    task = run.task(name)
    assert task["status"] == "failed", task
    result = task["result"]
    assert "Traceback" not in result["msg"] and "module_stderr" not in result, result
    return result["msg"]


def requests_of(log):
    """(method, path without /api/v9, query or None) of each logged request."""
    return [(entry["method"], entry["path"].replace("/api/v9", "", 1), entry["query"] or None) for entry in log]


def by_method(log):
    """Requests counted by HTTP method, plus ``total``, as the modules' ``api_requests``."""
    counts = {}
    for entry in log:
        counts[entry["method"]] = counts.get(entry["method"], 0) + 1
    counts["total"] = len(log)
    return counts


def changed_tasks(run):
    """Names of the tasks (loops as one) that reported a change."""
    return [task["task"] for task in run.tasks if task["status"] == "changed"]


def role_cycle(simulator, run_playbook, playbook, extra_vars=None, allow_warnings=False, late_check=True, env=None):
    """converge_cycle for a playbook of roles: check mode (+diff) writes nothing, the first run
    succeeds, a rerun changes nothing and writes nothing, check mode after it (unless
    ``late_check=False``, where the rerun already shows that nothing is left to plan) predicts no
    change. Returns each run with its request log; what changes is the test's to assert. ``env``
    goes to every run (e.g. TOGGL_API_URL of another simulator)."""
    runs = {}
    steps = [
        ("check", {"check": True, "diff": True}),
        ("first", {"diff": True}),
        ("rerun", {"diff": True}),
        ("late_check", {"check": True, "diff": True}),
    ]
    for step, options in steps if late_check else steps[:3]:
        run, log = run_logged(
            simulator, run_playbook, playbook, extra_vars=extra_vars, allow_warnings=allow_warnings, env=env, **options
        )
        assert run.rc == 0, "%s run failed:\n%s" % (step, run)
        if options.get("check") or step == "rerun":
            assert writes_in(log) == [], "%s run wrote: %s" % (step, writes_in(log))
        if step in ("rerun", "late_check"):
            assert changed_tasks(run) == [], "%s run changed %s" % (step, changed_tasks(run))
        runs[step], runs[step + "_log"] = run, log
    return runs


# --- the re-reads of engine.settle after a write, under the run's read lag -------------------------

# engine.SETTLE_DELAYS: the pauses between re-reads while a write does not show yet.
SETTLE_DELAYS = (0.2, 0.4, 0.8, 1.6, 3.2)


def settle_reads():
    """The (lowest, highest) number of reads of engine.settle after a write under this run's read
    lag: the first read, then one more per pause until the pauses (each begun after the write was
    answered) cover the lag: 1 read without lag, 1-2 with 200 ms, 1-5 with 1500 ms."""
    lag, waited, most = sim_read_lag_ms() / 1000.0, 0.0, 1
    for delay in SETTLE_DELAYS:
        if waited >= lag:
            break
        waited += delay
        most += 1
    return (1, most)


def settle_runs(log):
    """The log as [((method, path), count)] with consecutive identical GETs counted as one run;
    a run whose count lies within a (low, high) bound of ``settle_reads`` compares equal to it."""
    runs = []
    for entry in log:
        call = (entry["method"], entry["path"].replace("/api/v9", ""))
        if runs and call[0] == "GET" and runs[-1][0] == call:
            runs[-1][1] += 1
        else:
            runs.append([call, 1])
    return [(call, Within(count)) for call, count in runs]


class Within:
    """A read count that equals an exact number, or a (low, high) bound that contains it."""

    def __init__(self, count):
        self.count = count

    def __eq__(self, other):
        if isinstance(other, tuple):
            return other[0] <= self.count <= other[1]
        return self.count == other

    def __repr__(self):
        return repr(self.count)
