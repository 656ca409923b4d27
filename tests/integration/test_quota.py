"""The hourly quota seen from a playbook (simulator with --quota): writes that cannot finish are
refused before the first one, a run with quota_wait waits for the window and completes, the
toggl_requests callback lists every task's requests through a real ansible-playbook run, and an
api_url without /api/v9 fails naming api_url."""

import copy
import json
import re
import time

import pytest
from helpers import api_get, assert_clean_failure, result_of, run_logged, seed, task_playbook, writes_in

from ansible_collections.trackops.toggl.plugins.callback.toggl_requests import counted

# Three people invited to Acme HQ as organization admins: the invitation cannot make them admins,
# so the writes are one invitation, a re-read of the members, a PUT per person and the read that
# confirms them (OrganizationUser.writes_needed_many).
NEWCOMERS = ["quota-a@example.com", "quota-b@example.com", "quota-c@example.com"]
INVITE = task_playbook(
    "toggl_organization_user",
    {
        "organization": 10,
        "users": [{"user": email, "admin": True} for email in NEWCOMERS],
        "workspaces": [{"workspace": 100}],
        "skip_email": True,
    },
)
NEEDED = 6
QUOTA_WINDOW_SECONDS = 3600  # README facts: a sliding 60-minute window


def quota_seed(api_quota):
    data = copy.deepcopy(seed())
    data["organizations"][0]["api_quota"] = api_quota  # Acme: the hourly budget of this test
    return data


@pytest.fixture(scope="module")
def limited(start_simulator):
    return start_simulator(quota_seed(5), ["--quota"])


def test_writes_the_quota_cannot_carry_are_refused_with_nothing_written(limited, run_playbook):
    limited.reset(quota_seed(5))
    run, log = run_logged(limited, run_playbook, INVITE, env={"TOGGL_API_URL": limited.api_url})
    msg = assert_clean_failure(run)
    match = re.fullmatch(
        r"Toggl API quota too low to finish this task: needs (\d+) requests, (\d+) left, resets in (\d+) s; "
        r"nothing was written \(rerun after the reset, or set quota_wait, env TOGGL_QUOTA_WAIT, to wait for it\)",
        msg,
    )
    assert match, msg
    needed, left, resets_in = (int(group) for group in match.groups())
    assert needed == NEEDED and left < needed and 0 < resets_in <= QUOTA_WINDOW_SECONDS
    assert writes_in(log) == [], "the simulator saw no write"
    assert result_of(run)["api_requests"]["total"] == len(log)
    assert result_of(run)["quota_remaining"] == left
    assert "quota_waited" not in result_of(run)
    print("refusal: %s (requests %s)" % (msg, result_of(run)["api_requests"]))


def test_with_quota_wait_the_run_waits_for_the_window_and_completes(limited, run_playbook):
    """The window is filled with requests made "an hour ago" less a few seconds (the clock moved),
    so it frees them a few seconds into the run: the plan waits for that, then writes."""
    limited.reset(quota_seed(16))
    for _spent in range(14):
        api_get(limited, "/organizations/10")
    free_in = 5
    limited.advance_clock(QUOTA_WINDOW_SECONDS - free_in)
    limited.clear_requests()
    started = time.monotonic()
    run, log = run_logged(
        limited,
        run_playbook,
        INVITE,
        env={"TOGGL_API_URL": limited.api_url, "TOGGL_QUOTA_WAIT": "30"},
        allow_warnings=True,
    )
    elapsed = time.monotonic() - started
    assert run.rc == 0, run
    result = result_of(run)
    assert result["changed"] is True
    assert 1 <= result["quota_waited"] <= free_in and elapsed >= result["quota_waited"]
    warnings = run.task("under test")["warnings"]
    assert len(warnings) == 1 and warnings[0].startswith(
        "waited %d s for the Toggl API quota (before the first write: needs %d requests, "
        % (result["quota_waited"], NEEDED)
    ), warnings
    assert warnings[0].endswith("; %d s of quota_wait 30 s left" % (30 - result["quota_waited"]))
    assert result["api_requests"]["total"] == len(log)
    assert [e["method"] for e in writes_in(log)] == ["POST"] + ["PUT"] * len(NEWCOMERS)
    assert all(e["status"] < 400 for e in log), "no request met the quota"
    emails = {user["email"] for user in api_get(limited, "/organizations/10/users")}
    assert set(NEWCOMERS) <= emails
    print(
        "waited run: %s requests (%s), waited %s s, %.1f s in all"
        % (result["api_requests"]["total"], result["api_requests"], result["quota_waited"], elapsed)
    )


CALLBACK_PLAYBOOK = """
- name: Quota figures
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the organization
      trackops.toggl.toggl_organization_info:
        organization: 10
    - name: Make a group
      trackops.toggl.toggl_group:
        organization: 10
        name: Quota Watchers
"""


def test_the_callback_lists_each_tasks_requests_and_writes_them_as_json(limited, run_playbook, tmp_path):
    limited.reset(quota_seed(240))
    # ansible-playbook runs in tmp_path, so its ansible.cfg is this one: the line the README shows.
    (tmp_path / "ansible.cfg").write_text(
        "[defaults]\ncallbacks_enabled = json_results, trackops.toggl.toggl_requests\n", encoding="utf-8"
    )
    figures = tmp_path / "toggl-requests.json"
    env = {
        "TOGGL_API_URL": limited.api_url,
        "TOGGL_REQUESTS_JSON": str(figures),
        "ANSIBLE_CALLBACKS_ENABLED": None,  # the harness's own setting would win over ansible.cfg
    }
    run, log = run_logged(limited, run_playbook, CALLBACK_PLAYBOOK, env=env, runner="ansible-playbook")
    assert run.rc == 0, run
    written = json.loads(figures.read_text(encoding="utf-8"))
    tasks = written["tasks"]
    assert [task["task"] for task in tasks] == ["Read the organization", "Make a group"]
    for task in tasks:
        result = run.task(task["task"])["result"]
        assert task["requests"] == result["api_requests"]["total"]
        assert task["quota_remaining"] == result["quota_remaining"]
    assert tasks[0]["writes"] == 0 and tasks[1]["writes"] == 1
    assert written["totals"]["requests"] == len(log), "every request the simulator saw is in the figures"
    assert written["totals"]["writes"] == len(writes_in(log))
    report = run.stdout[run.stdout.index("TOGGL API REQUESTS") :].splitlines()
    lines = [line for line in report if line.startswith("  ") or line.endswith(":") or "Toggl tasks" in line]
    assert lines == [
        "Quota figures:",
        "  Read the organization [localhost]: %s, 0 writes, quota left %d"
        % (counted(tasks[0]["requests"], "request"), tasks[0]["quota_remaining"]),
        "  Make a group [localhost]: %d requests, 1 write, quota left %d"
        % (tasks[1]["requests"], tasks[1]["quota_remaining"]),
        "2 Toggl tasks: %d requests, 1 write" % len(log),
    ], report
    print("\n".join(["callback output:"] + lines))


def test_an_api_url_without_the_api_base_path_says_to_check_api_url(limited, run_playbook):
    limited.reset(quota_seed(240))
    run = run_playbook(
        task_playbook("toggl_organization_info", {"organization": 10}), env={"TOGGL_API_URL": limited.url}
    )
    msg = assert_clean_failure(run)
    assert "not found: check api_url (%s), it should end in /api/v9" % limited.url in msg, msg
    # the organization by id, then GET /me, which every token has, to tell a wrong URL from a missing object
    assert result_of(run)["api_requests"] == {"GET": 2, "total": 2}
