# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record every task result of a playbook run as JSON, for the integration tests.

ansible-core 2.19 no longer ships the `json` stdout callback. This notification callback runs
beside the normal stdout callback (enable it with ANSIBLE_CALLBACKS_ENABLED=json_results and
ANSIBLE_CALLBACK_PLUGINS=tests/integration/callback_plugins) and rewrites the file named by
TOGGL_TEST_RESULTS_FILE after each result, so a run that dies half way still leaves what it did:

    {"plays": ["..."],
     "tasks": [{"play", "task", "action", "host", "status", "ignore_errors", "handler",
                "result", "warnings", "deprecations"}],
     "stats": {"localhost": {"ok": 1, "changed": 0, ...}}}

`status` is one of ok, changed, failed, skipped, unreachable; `result` is the full result
dict; `warnings` and `deprecations` are the message texts the task raised (loop items included).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: json_results
type: notification
short_description: Write every task result to a JSON file (integration tests)
description:
  - Writes the play, task name, action, host, status, full result and warnings of every task
    to the JSON file named by the E(TOGGL_TEST_RESULTS_FILE) environment variable.
requirements:
  - Enabled in the callbacks enabled list.
"""

RESULTS_FILE_ENV = "TOGGL_TEST_RESULTS_FILE"
# Set (to any value) by the benchmark: results keep only what it counts, so that rewriting the
# file after each task does not cost seconds when a task registered megabytes (an organization
# of 5,000 members), which a user's run would not spend.
BRIEF_ENV = "TOGGL_TEST_RESULTS_BRIEF"
BRIEF_KEYS = ("changed", "failed", "skipped", "msg", "api_requests")


def _jsonable(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return repr(value)


def _message(entry):
    """The text of a warning or deprecation, whatever shape ansible-core gave it."""
    if isinstance(entry, str):
        return entry
    if dataclasses.is_dataclass(entry) and not isinstance(entry, type):
        entry = dataclasses.asdict(entry)
    if isinstance(entry, dict):
        event = entry.get("event") if isinstance(entry.get("event"), dict) else entry
        text = event.get("msg") or event.get("message") or json.dumps(entry, default=_jsonable, sort_keys=True)
        if event.get("help_text"):
            text = f"{text} {event['help_text']}"
        return text
    return str(entry)


def _messages(result, key):
    found = [_message(entry) for entry in result.get(key) or []]
    for item in result.get("results") or []:
        if isinstance(item, dict):
            found.extend(_message(entry) for entry in item.get(key) or [] if _message(entry) not in found)
    return found


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "json_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get(RESULTS_FILE_ENV)
        self._brief = bool(os.environ.get(BRIEF_ENV))
        self._document = {"plays": [], "tasks": [], "stats": {}}
        self._play = None
        self._handler = False

    def _save(self):
        if not self._path:
            return
        directory = os.path.dirname(os.path.abspath(self._path))
        handle, tmp = tempfile.mkstemp(prefix=".json_results-", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(self._document, stream, default=_jsonable, indent=1, sort_keys=True)
        os.replace(tmp, self._path)

    def v2_playbook_on_play_start(self, play):
        self._play = play.get_name()
        self._document["plays"].append(self._play)
        self._save()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._handler = False

    def v2_playbook_on_handler_task_start(self, task):
        self._handler = True

    def _record(self, result, status, ignore_errors=False):
        data = dict(getattr(result, "result", None) or result._result)
        if status == "ok" and data.get("changed"):
            status = "changed"
        if self._brief:
            items = data.get("results")
            data = {key: data[key] for key in BRIEF_KEYS if key in data}
            if isinstance(items, list):
                data["results"] = [{"skipped": bool(item.get("skipped"))} for item in items if isinstance(item, dict)]
        task = result.task
        self._document["tasks"].append(
            {
                "play": self._play,
                "task": task.get_name(),
                "action": getattr(task, "resolved_action", None) or task.action,
                "host": result.host.get_name(),
                "status": status,
                "ignore_errors": bool(ignore_errors),
                "handler": self._handler,
                "result": data,
                "warnings": _messages(data, "warnings"),
                "deprecations": _messages(data, "deprecations"),
            }
        )
        self._save()

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed", ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._document["stats"] = {host: stats.summarize(host) for host in sorted(stats.processed)}
        self._save()
