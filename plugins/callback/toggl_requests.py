# Copyright: (c) 2026, trackops.toggl contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Figures of the Toggl API requests of a playbook's tasks (see DOCUMENTATION)."""

DOCUMENTATION = r"""
name: toggl_requests
type: aggregate
short_description: List the Toggl API requests of every trackops.toggl task at the end of the playbook
version_added: 0.1.0
description:
  - At the end of the playbook, prints a line for every task whose result reports C(api_requests), as every
    module of trackops.toggl does, grouped by play. The line names the requests the task sent, how many of
    them were writes (every method but C(GET)), the hourly Toggl API quota left after it (C(quota_remaining),
    when the API sent the header) and the seconds it waited for the quota (C(quota_waited), when it waited).
    A totals line follows.
  - A task with a loop counts the requests of all its items; the quota left is the last item's.
  - Failed tasks are listed too, since their requests count against the quota as well.
  - With O(json_path), the same figures are written to that file as a JSON object with C(tasks), a list with an
    entry per task (C(play), C(task), C(host), C(action), C(status), C(requests), C(writes), C(by_method),
    C(quota_remaining), C(quota_waited)), and C(totals) (C(tasks), C(requests), C(writes), C(quota_waited)).
  - The Toggl API allows a fixed number of requests per hour (for example 240 on Starter, and 30 for C(/me...)
    endpoints on every plan), so this is where to see which tasks spend them.
requirements:
  - Enabled in the C([defaults]) section of C(ansible.cfg) with the line
    C(callbacks_enabled = trackops.toggl.toggl_requests), or with the environment variable
    E(ANSIBLE_CALLBACKS_ENABLED=trackops.toggl.toggl_requests).
options:
  json_path:
    description:
      - File to write the figures to as JSON at the end of the playbook, replaced on every run. Its directory must
        exist.
      - Not set, no file is written; the figures are printed either way.
    type: path
    env:
      - name: TOGGL_REQUESTS_JSON
    ini:
      - section: callback_toggl_requests
        key: json_path
"""

import json
import os
import tempfile

from ansible.plugins.callback import CallbackBase


def request_figures(result):
    """``(by_method, quota_remaining, quota_waited)`` of one task result, or None when it is not
    a Toggl task's. A loop's items are summed (its quota left: the last item's that tells it)."""
    items = [result] if isinstance(result.get("api_requests"), dict) else []
    if not items:
        items = [item for item in result.get("results") or [] if isinstance(item, dict)]
        items = [item for item in items if isinstance(item.get("api_requests"), dict)]
    if not items:
        return None
    by_method = {}
    quota_remaining = None
    quota_waited = 0
    for item in items:
        for method, count in item["api_requests"].items():
            if method != "total" and isinstance(count, int):
                by_method[method] = by_method.get(method, 0) + count
        if item.get("quota_remaining") is not None:
            quota_remaining = item["quota_remaining"]
        quota_waited += item.get("quota_waited") or 0
    return by_method, quota_remaining, quota_waited


def task_entry(play, task, host, action, status, figures):
    by_method, quota_remaining, quota_waited = figures
    total = sum(by_method.values())
    return {
        "play": play,
        "task": task,
        "host": host,
        "action": action,
        "status": status,
        "requests": total,
        # As the modules count them (client.RequestCounter): every method but GET writes.
        "writes": total - by_method.get("GET", 0),
        "by_method": dict(sorted(by_method.items())),
        "quota_remaining": quota_remaining,
        "quota_waited": quota_waited,
    }


def totals(entries):
    return {
        "tasks": len(entries),
        "requests": sum(entry["requests"] for entry in entries),
        "writes": sum(entry["writes"] for entry in entries),
        "quota_waited": sum(entry["quota_waited"] for entry in entries),
    }


def report_lines(entries):
    """The printed report: a heading per play, a line per task, the totals."""
    lines = []
    play = None
    for entry in entries:
        if entry["play"] != play:
            play = entry["play"]
            lines.append("%s:" % (play or "(unnamed play)"))
        line = "  %s [%s]: %s, %s, quota left %s" % (
            entry["task"],
            entry["host"],
            counted(entry["requests"], "request"),
            counted(entry["writes"], "write"),
            "?" if entry["quota_remaining"] is None else entry["quota_remaining"],
        )
        if entry["quota_waited"]:
            line += ", waited %d s for the quota" % entry["quota_waited"]
        if entry["status"] == "failed":
            line += " (failed)"
        lines.append(line)
    summed = totals(entries)
    lines.append(
        "%s: %s, %s%s"
        % (
            counted(summed["tasks"], "Toggl task"),
            counted(summed["requests"], "request"),
            counted(summed["writes"], "write"),
            ", waited %d s for the quota" % summed["quota_waited"] if summed["quota_waited"] else "",
        )
    )
    return lines


def counted(number, noun):
    return "%d %s%s" % (number, noun, "" if number == 1 else "s")


def write_json(path, document):
    """Replace ``path`` at once, so a reader never sees half a file."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".toggl_requests.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "trackops.toggl.toggl_requests"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = []
        self.play_name = None

    def v2_playbook_on_play_start(self, play):
        self.play_name = play.get_name()

    def _record(self, result, status):
        figures = request_figures(result._result)
        if figures is None:
            return
        self.entries.append(
            task_entry(
                self.play_name, result._task.get_name(), result._host.get_name(), result._task.action, status, figures
            )
        )

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_playbook_on_stats(self, stats):
        if not self.entries:
            return
        self._display.banner("TOGGL API REQUESTS")
        for line in report_lines(self.entries):
            self._display.display(line)
        path = self.get_option("json_path")
        if not path:
            return
        try:
            write_json(path, {"tasks": self.entries, "totals": totals(self.entries)})
        except OSError as error:
            self._display.warning("toggl_requests: cannot write %s: %s" % (path, error))
