"""Runs a playbook of plain trackops.toggl module tasks in this process, as ansible-playbook would.

An ansible-playbook start costs about 2.5 s of CPU on the machines here (the controller, then
AnsiballZ and a fresh interpreter per task), while a module's own work against the simulator
takes a tenth of that. Most integration tests are single module calls whose subject is the
module's requests and result, not Ansible's machinery, so ``run_playbook`` (conftest.py) hands
such playbooks to ``run``, which calls each module's ``main()`` with the arguments Ansible would
send it (``_ansible_check_mode``, ``_ansible_diff``, the environment's ``TOGGL_*``) and records
what the json_results callback would record.

A playbook qualifies only when nothing in it needs Ansible to mean the same: plays on
localhost without facts, vars, roles or module defaults; tasks that are one trackops.toggl
module call with ``name``, ``ignore_errors`` or ``check_mode`` beside it, and no template in
their arguments; no extra vars and no verbosity. Everything else (roles, playbooks, loops,
registered results, output checks) goes through ansible-playbook. So does a run asked for with
``runner="ansible-playbook"`` (test_ansible_playbook.py: every module's converge cycle through
real ansible-playbook runs, in both API profiles), and every playbook when
TOGGL_TEST_RUNNER=ansible-playbook.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import threading
import traceback
from pathlib import Path

import yaml
from ansible.module_utils import _internal as ansible_internal
from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args

PREFIX = "trackops.toggl."
PLAY_KEYS = {"name", "hosts", "gather_facts", "tasks"}
TASK_KEYS = {"name", "ignore_errors", "check_mode"}
RUNNER_ENV = "TOGGL_TEST_RUNNER"
ANSIBLE_PLAYBOOK = "ansible-playbook"

# The callback's own helpers turn a result's warnings into texts the same way for both runners.
_CALLBACK_PATH = Path(__file__).resolve().parent / "callback_plugins" / "json_results.py"
_spec = importlib.util.spec_from_file_location("json_results_callback", _CALLBACK_PATH)
json_results = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(json_results)

# One in-process run at a time: module arguments, the environment and Ansible's warning list
# are process-wide (a test may run a playbook in a thread while it plays a second admin).
_RUN_LOCK = threading.Lock()


def forced_runner():
    return os.environ.get(RUNNER_ENV, "").strip()


def plays_to_run(text, extra_vars, verbosity, runner=None):
    """The parsed plays when ``text`` (playbook YAML) qualifies for an in-process run, else None
    (also when ``runner`` or $TOGGL_TEST_RUNNER is "ansible-playbook")."""
    if ANSIBLE_PLAYBOOK in (runner, forced_runner()) or extra_vars or verbosity:
        return None
    plays = yaml.safe_load(text)
    if not isinstance(plays, list) or not plays:
        return None
    for play in plays:
        if not isinstance(play, dict) or set(play) - PLAY_KEYS or play.get("hosts") != "localhost":
            return None
        if play.get("gather_facts", True) is not False:
            return None
        tasks = play.get("tasks")
        if not isinstance(tasks, list) or not tasks or not all(_plain_module_call(task) for task in tasks):
            return None
    return plays


def _plain_module_call(task):
    if not isinstance(task, dict):
        return False
    modules = [key for key in task if key.startswith(PREFIX)]
    if len(modules) != 1 or set(task) - TASK_KEYS - set(modules):
        return False
    args = task[modules[0]]
    return isinstance(args, dict) and "{{" not in json.dumps(args) and "{%" not in json.dumps(args)


def run(plays, check, diff, env, before_task, after_task):
    """Run ``plays`` (from plays_to_run); returns (rc, stdout, document) as the callback writes it.

    ``before_task`` and ``after_task`` are called around each module call: ansible-playbook
    takes longer from one task to the next than the suite's read lag, an in-process run waits
    it out there (conftest.py)."""
    document = {"plays": [], "tasks": [], "stats": {}}
    stats = {"ok": 0, "changed": 0, "failures": 0, "ignored": 0, "skipped": 0, "unreachable": 0, "rescued": 0}
    lines = []
    with _RUN_LOCK, _environment(env):
        for play in plays:
            play_name = play.get("name") or "localhost"
            document["plays"].append(play_name)
            lines.append("PLAY [%s]" % play_name)
            for task in play["tasks"]:
                module = next(key for key in task if key.startswith(PREFIX))
                name = task.get("name") or module
                task_check = task["check_mode"] if "check_mode" in task else check
                before_task()
                result = _call_module(module[len(PREFIX) :], task[module], task_check, diff)
                after_task()
                failed = bool(result.get("failed"))
                status = "failed" if failed else ("changed" if result.get("changed") else "ok")
                ignore = bool(task.get("ignore_errors")) and failed
                document["tasks"].append(
                    {
                        "play": play_name,
                        "task": name,
                        "action": module,
                        "host": "localhost",
                        "status": status,
                        "ignore_errors": ignore,
                        "handler": False,
                        "result": result,
                        "warnings": json_results._messages(result, "warnings"),
                        "deprecations": json_results._messages(result, "deprecations"),
                    }
                )
                lines.append("TASK [%s] %s: %s" % (name, status, json.dumps(result, sort_keys=True)))
                if failed and not ignore:
                    stats["failures"] += 1
                    document["stats"] = {"localhost": stats}
                    return 2, "\n".join(lines), document
                stats["ignored" if ignore else "ok"] += 1
                stats["changed"] += status == "changed"
    document["stats"] = {"localhost": stats}
    return 0, "\n".join(lines), document


class Outcome:
    """What a module's main() did: its recorded result, the exit code, or the exception it raised."""

    def __init__(self, result=None, exit_code=None, error=None):
        self.result = result
        self.exit_code = exit_code
        self.error = error


def call_module(name, args):
    """Call module ``name``'s main() with ``args`` (as Ansible's module arguments)."""
    recorded = []
    original_record = basic.AnsibleModule._record_module_result
    original_log = basic.AnsibleModule._log_invocation
    basic.AnsibleModule._record_module_result = lambda self, result: recorded.append(result)
    basic.AnsibleModule._log_invocation = lambda self: None  # no syslog entry per run
    # This process has loaded Ansible's controller side, where warn() prints instead of adding
    # the warning to the result; a module on a target adds it to the result.
    was_controller, ansible_internal.is_controller = ansible_internal.is_controller, False
    ansible_warnings._global_warnings.clear()
    ansible_warnings._global_deprecations.clear()
    try:
        with patch_module_args(args):
            importlib.import_module("ansible_collections.trackops.toggl.plugins.modules." + name).main()
    except SystemExit as done:
        return Outcome(recorded[-1] if recorded else None, done.code)
    except Exception as error:  # noqa: BLE001 - handed to the caller, which reports it
        return Outcome(error=error)
    finally:
        basic.AnsibleModule._record_module_result = original_record
        basic.AnsibleModule._log_invocation = original_log
        ansible_internal.is_controller = was_controller
    return Outcome(recorded[-1] if recorded else None, None)


def _call_module(name, args, check, diff):
    """The module's result as Ansible would record it (a crash becomes a MODULE FAILURE)."""
    outcome = call_module(name, dict(args, _ansible_check_mode=bool(check), _ansible_diff=bool(diff)))
    if outcome.error is not None:
        error = outcome.error
        trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        return {"failed": True, "changed": False, "msg": "MODULE FAILURE", "module_stderr": trace}
    if outcome.result is None:
        return {"failed": True, "changed": False, "msg": "MODULE FAILURE: no result (exit %r)" % outcome.exit_code}
    # As the controller receives it: JSON, warnings in the shape the callback reads.
    result = json.loads(json.dumps(outcome.result, default=json_results._jsonable))
    result.setdefault("changed", False)
    return result


# The suite's own settings (profile, read lag, runner), which no module reads and the test's
# other threads may read during a run.
SUITE_SETTINGS = ("TOGGL_SIM_", RUNNER_ENV)


def _modules_variable(key):
    return key.startswith("TOGGL_") and not key.startswith(SUITE_SETTINGS)


@contextlib.contextmanager
def _environment(env):
    """os.environ with exactly the TOGGL_* variables the ansible-playbook run would get."""
    saved = {key: value for key, value in os.environ.items() if _modules_variable(key)}
    for key in saved:
        del os.environ[key]
    os.environ.update({key: value for key, value in env.items() if _modules_variable(key)})
    try:
        yield
    finally:
        for key in [key for key in os.environ if _modules_variable(key)]:
            del os.environ[key]
        os.environ.update(saved)
