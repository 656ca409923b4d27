"""The toggl_requests callback: the figures of each Toggl task, the printed report, the JSON file."""

import json

import pytest
from ansible.plugins.loader import callback_loader

from ansible_collections.trackops.toggl.plugins.callback.toggl_requests import (
    report_lines,
    request_figures,
    task_entry,
)


class Named:
    def __init__(self, name, action=None):
        self.name, self.action = name, action

    def get_name(self):
        return self.name


class Result:
    """What the callback reads of a TaskResult."""

    def __init__(self, task, result, action="trackops.toggl.toggl_group", host="localhost"):
        self._task = Named(task, action)
        self._host = Named(host)
        self._result = result


class Display:
    def __init__(self):
        self.lines, self.warnings = [], []

    def banner(self, text):
        self.lines.append("== %s" % text)

    def display(self, text):
        self.lines.append(text)

    def warning(self, text):
        self.warnings.append(text)


def test_a_toggl_result_gives_its_requests_by_method_and_the_quota_left():
    result = {"api_requests": {"GET": 3, "PATCH": 1, "total": 4}, "quota_remaining": 236, "quota_waited": 12}
    assert request_figures(result) == ({"GET": 3, "PATCH": 1}, 236, 12)
    assert request_figures({"changed": False, "msg": "not a Toggl task"}) is None


def test_a_loop_sums_its_items_and_keeps_the_last_quota_told():
    result = {
        "results": [
            {"api_requests": {"GET": 2, "total": 2}, "quota_remaining": 238},
            {"api_requests": {"GET": 1, "PUT": 2, "total": 3}, "quota_remaining": 235, "quota_waited": 5},
            {"api_requests": {"total": 0}},
            {"skipped": True},
        ]
    }
    assert request_figures(result) == ({"GET": 3, "PUT": 2}, 235, 5)


def test_the_report_lists_each_task_under_its_play_with_totals():
    entries = [
        task_entry(
            "Onboard",
            "Invite",
            "localhost",
            "trackops.toggl.toggl_organization_user",
            "changed",
            ({"GET": 2, "POST": 1}, 228, 0),
        ),
        task_entry(
            "Onboard", "Groups", "localhost", "trackops.toggl.toggl_group", "failed", ({"GET": 1, "PATCH": 1}, None, 57)
        ),
    ]
    assert entries[0]["requests"] == 3 and entries[0]["writes"] == 1
    assert report_lines(entries) == [
        "Onboard:",
        "  Invite [localhost]: 3 requests, 1 write, quota left 228",
        "  Groups [localhost]: 2 requests, 1 write, quota left ?, waited 57 s for the quota (failed)",
        "2 Toggl tasks: 5 requests, 2 writes, waited 57 s for the quota",
    ]


@pytest.fixture
def callback():
    plugin = callback_loader.get("trackops.toggl.toggl_requests")
    assert plugin is not None, "the collection's callback is found by its name"
    plugin._display = Display()
    return plugin


def test_the_callback_prints_and_writes_the_json_file(callback, tmp_path):
    path = tmp_path / "requests.json"
    callback.set_options(direct={"json_path": str(path)})
    callback.v2_playbook_on_play_start(Named("Policy"))
    callback.v2_runner_on_ok(Result("Settings", {"changed": True, "api_requests": {"GET": 2, "PUT": 1, "total": 3}}))
    callback.v2_runner_on_ok(Result("Debug", {"changed": False, "msg": "hello"}, action="ansible.builtin.debug"))
    callback.v2_runner_on_failed(Result("Alert", {"failed": True, "api_requests": {"GET": 1, "total": 1}}))
    callback.v2_playbook_on_stats(None)
    assert callback._display.lines == [
        "== TOGGL API REQUESTS",
        "Policy:",
        "  Settings [localhost]: 3 requests, 1 write, quota left ?",
        "  Alert [localhost]: 1 request, 0 writes, quota left ? (failed)",
        "2 Toggl tasks: 4 requests, 1 write",
    ]
    written = json.loads(path.read_text())
    assert written["totals"] == {"tasks": 2, "requests": 4, "writes": 1, "quota_waited": 0}
    assert [(task["task"], task["status"], task["by_method"]) for task in written["tasks"]] == [
        ("Settings", "changed", {"GET": 2, "PUT": 1}),
        ("Alert", "failed", {"GET": 1}),
    ]


def test_without_json_path_nothing_is_written_and_without_toggl_tasks_nothing_printed(callback, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TOGGL_REQUESTS_JSON", raising=False)
    callback.set_options()
    callback.v2_runner_on_ok(Result("Debug", {"changed": False}, action="ansible.builtin.debug"))
    callback.v2_playbook_on_stats(None)
    assert callback._display.lines == []
    callback.v2_runner_on_ok(Result("Group", {"changed": False, "api_requests": {"GET": 1, "total": 1}}))
    callback.v2_playbook_on_stats(None)
    assert callback._display.lines[-1] == "1 Toggl task: 1 request, 0 writes"
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_json_path_is_a_warning_not_a_failure(callback, tmp_path):
    callback.set_options(direct={"json_path": str(tmp_path / "missing" / "requests.json")})
    callback.v2_runner_on_ok(Result("Group", {"changed": False, "api_requests": {"GET": 1, "total": 1}}))
    callback.v2_playbook_on_stats(None)
    assert callback._display.warnings and "cannot write" in callback._display.warnings[0]
