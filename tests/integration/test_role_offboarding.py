"""The offboarding role through playbooks/offboard.yml against the simulator: deactivation (the
default) and removal in their ordered steps with the per-person report, and the refusals of the
organization owner and the token's own user before any write."""

import pytest
import yaml
from helpers import (
    api_get,
    by_method,
    changed_tasks,
    role_cycle,
    run_logged,
    seed,
    settle_reads,
    settle_runs,
    writes_in,
)

ROLE = "trackops.toggl.offboarding : "
OFFBOARD = ROLE + "Offboard the people"
FACTS = ROLE + "Expose the result and the report of the offboarding"
SUMMARY = ROLE + "Report per person what was done"


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("roles"))


def org_users(simulator):
    return {user["email"]: user for user in api_get(simulator, "/organizations/10/users")}


def workspace_emails(simulator, workspace):
    return sorted(row["email"] for row in api_get(simulator, "/workspaces/%d/workspace_users" % workspace))


def group_members(simulator):
    emails = {user["user_id"]: user["email"] for user in api_get(simulator, "/organizations/10/users")}
    return {
        group["name"]: sorted(emails.get(member["user_id"], member["user_id"]) for member in group["users"] or [])
        for group in api_get(simulator, "/organizations/10/groups")
    }


def facts(run):
    return run.task(FACTS)["result"]["ansible_facts"]


def summary(run):
    return [item["msg"] for item in run.task(SUMMARY)["result"]["results"]]


def person(email, status, member=True, **done):
    entry = {
        "email": email,
        "member": member,
        "status": status,
        "groups_removed": [],
        "workspaces_deactivated": [],
        "workspaces_removed": [],
        "organization_deactivated": False,
        "organization_removed": False,
    }
    entry.update(done)
    return entry


@pytest.mark.converge
def test_deactivate_with_a_report(simulator, run_playbook):
    extra = {
        "toggl_organization": "Acme",
        # carol: in Engineering (which gives her Acme Labs) and in Acme HQ; dan: a pending invitation;
        # eve: already deactivated; nobody: not a member.
        "toggl_offboarding_people": ["Carol@example.com", "dan@example.com", "eve@example.com", "nobody@example.com"],
    }
    cycle = role_cycle(simulator, run_playbook, "playbooks/offboard.yml", extra, late_check=False)

    assert changed_tasks(cycle["check"]) == [OFFBOARD]
    first = cycle["first"]
    assert changed_tasks(first) == [OFFBOARD]
    expected = [
        person(
            "carol@example.com",
            "joined",
            groups_removed=["Engineering"],
            workspaces_deactivated=["Acme HQ", "Acme Labs"],
            organization_deactivated=True,
        ),
        # a pending invitation cannot be deactivated (the API shows none): it is withdrawn
        person("dan@example.com", "invited", workspaces_removed=["Acme HQ"], organization_removed=True),
        person("eve@example.com", "inactive"),
        person("nobody@example.com", "absent", member=False),
    ]
    assert facts(cycle["check"])["toggl_offboarding_report"] == expected
    assert facts(first)["toggl_offboarding_report"] == expected
    assert summary(first) == [
        (
            "carol@example.com: taken out of group(s) Engineering; deactivated in the organization, so in "
            "workspace(s) Acme HQ, Acme Labs"
        ),
        "dan@example.com: removed from the organization, so from workspace(s) Acme HQ",
        "eve@example.com: nothing left to do",
        "nobody@example.com: not a member of the organization",
    ]
    # One task: the withdrawal in one PATCH, the deactivation and leaving the groups in one PUT.
    writes = [(e["method"], e["path"].replace("/api/v9", ""), e["body"]) for e in writes_in(cycle["first_log"])]
    assert writes == [
        ("PATCH", "/organizations/10/users", {"delete": [1005]}),
        ("PUT", "/organizations/10/users/1004", {"inactive": True, "groups": []}),
    ]
    users = ("GET", "/organizations/10/users")
    low, high = settle_reads()
    assert settle_runs(cycle["first_log"]) == [
        # the organization, its plan, the admin right and its member count; the members (one page);
        # /me (never deactivate the token's user), then the writes and one read (repeated while it
        # lags) that shows them
        (("GET", "/me/organizations"), 1),
        (users, 1),
        (("GET", "/me"), 1),
        (("PATCH", "/organizations/10/users"), 1),
        (("PUT", "/organizations/10/users/1004"), 1),
        (users, (low, high)),
    ]
    # Rerun: /me/organizations and the members; nothing reported as done.
    assert by_method(cycle["rerun_log"]) == {"GET": 2, "total": 2}
    assert facts(cycle["rerun"])["toggl_offboarding_report"] == [
        person("carol@example.com", "inactive"),
        person("dan@example.com", "absent", member=False),
        person("eve@example.com", "inactive"),
        person("nobody@example.com", "absent", member=False),
    ]

    members = org_users(simulator)
    assert members["carol@example.com"]["inactive"] is True and "dan@example.com" not in members
    assert group_members(simulator)["Engineering"] == ["bob@example.com"]
    hq = {row["email"]: row for row in api_get(simulator, "/workspaces/100/workspace_users")}
    assert hq["carol@example.com"]["inactive"] is True  # time entries kept: still there, deactivated
    assert [bool(result.get("changed")) for result in facts(first)["toggl_offboarding_results"]] == [True]


@pytest.mark.converge
def test_remove_from_the_organization_in_one_request(simulator, run_playbook):
    extra = {
        "toggl_organization": 10,
        "toggl_offboarding_mode": "remove",
        "toggl_offboarding_people": ["bob@example.com", "carol@example.com"],
    }
    cycle = role_cycle(simulator, run_playbook, "playbooks/offboard.yml", extra, late_check=False)

    assert changed_tasks(cycle["check"]) == [OFFBOARD]
    writes = [(e["method"], e["path"].replace("/api/v9", ""), e["body"]) for e in writes_in(cycle["first_log"])]
    # out of the organization, so out of its workspaces and groups: one request for both
    assert writes == [("PATCH", "/organizations/10/users", {"delete": [1003, 1004]})]
    assert by_method(cycle["rerun_log"]) == {"GET": 2, "total": 2}
    removed = {"organization_removed": True, "groups_removed": ["Engineering"]}
    assert facts(cycle["first"])["toggl_offboarding_report"] == [
        person("bob@example.com", "joined", workspaces_removed=["Acme HQ", "Acme Labs"], **removed),
        person("carol@example.com", "joined", workspaces_removed=["Acme HQ", "Acme Labs"], **removed),
    ]
    assert facts(cycle["rerun"])["toggl_offboarding_report"] == [
        person("bob@example.com", "absent", member=False),
        person("carol@example.com", "absent", member=False),
    ]
    members = org_users(simulator)
    assert "bob@example.com" not in members and "carol@example.com" not in members
    assert workspace_emails(simulator, 100) == [
        "alice@example.com",
        "dan@example.com",
        "eve@example.com",
        "owner@example.com",
    ]
    assert workspace_emails(simulator, 101) == ["owner@example.com"]
    assert group_members(simulator)["Engineering"] == []


def refusal_playbook(cases):
    tasks = []
    for name, token, people in cases:
        tasks.append(
            {
                "name": "Case " + name,
                "module_defaults": {"group/trackops.toggl.toggl": {"api_token": token}},
                "block": [
                    {
                        "name": "Offboard (%s)" % name,
                        "ansible.builtin.include_role": {"name": "trackops.toggl.offboarding"},
                        "vars": {"toggl_organization": 10, "toggl_offboarding_people": people},
                    }
                ],
                "rescue": [
                    {
                        "name": "Record the failure (%s)" % name,
                        "ansible.builtin.set_fact": {
                            "failures": "{{ failures | default({}) | combine({%r: ansible_failed_result.msg}) }}" % name
                        },
                    }
                ],
            }
        )
    tasks.append({"name": "Failures", "ansible.builtin.debug": {"var": "failures"}})
    return yaml.safe_dump([{"name": "refusals", "hosts": "localhost", "gather_facts": False, "tasks": tasks}])


def test_owner_and_token_user_are_refused_before_any_write(simulator, run_playbook):
    cases = [
        ("owner", "tok-owner", ["bob@example.com", "OWNER@example.com"]),
        # alice's own token: she is in the Support group, so the group step would write first.
        ("token user", "tok-alice", ["carol@example.com", "alice@example.com"]),
    ]
    run, log = run_logged(simulator, run_playbook, refusal_playbook(cases))
    assert run.rc == 0, run
    assert writes_in(log) == []
    failures = run.task("Failures")["result"]["failures"]
    assert failures == {
        "owner": "people: refusing to deactivate owner@example.com: owner@example.com is the organization owner, "
        "whom this collection never removes or deactivates; nothing was written",
        "token user": "people: refusing to deactivate alice@example.com: alice@example.com is the user the API token "
        "belongs to; use another admin's token; nothing was written",
    }
    assert run.task("Offboard (token user)")["status"] == "ok"
    # One GET /me per case: each task protects the token's user once, before its first write.
    assert [e["path"] for e in log if e["path"] == "/api/v9/me"] == ["/api/v9/me", "/api/v9/me"]
