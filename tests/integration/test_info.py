"""toggl_organization_info and toggl_workspace_info against the simulator.

Each subset returns the simulator's data and sends exactly its documented requests. Several
tasks share one playbook run: tasks run in order, so the simulator's log is the tasks'
expected requests one after the other, and each task's api_requests says how many were its own.
"""

import dataclasses

import pytest
import yaml
from helpers import assert_clean_failure, result_of, run_logged, seed

ORG = "/api/v9/organizations/10"
WS = "/api/v9/workspaces/100"
ME_ORGS = ("/api/v9/me/organizations", {})
ME_WORKSPACES = ("/api/v9/me/workspaces", {})
USERS_PAGE_1 = (ORG + "/users", {"page": "1", "per_page": "200"})
RATES = WS + "/rates/workspace/100"
SUBSETS_OF_WORKSPACE = (
    "settings",
    "users",
    "groups",
    "reminders",
    "alerts",
    "rates",
    "time_entry_constraints",
    "statistics",
)


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("info"))


def playbook(tasks, ignore_errors=False):
    """One play with ``tasks``: a list of (name, module short name, args)."""
    entries = []
    for name, module, args in tasks:
        entry = {"name": name, "trackops.toggl." + module: args}
        if ignore_errors:
            entry["ignore_errors"] = True
        entries.append(entry)
    return yaml.safe_dump([{"hosts": "localhost", "gather_facts": False, "tasks": entries}], sort_keys=False)


def requests_of(log):
    """(path, query) of every request, all of them GETs."""
    assert {entry["method"] for entry in log} <= {"GET"}, log
    return [(entry["path"], entry["query"]) for entry in log]


def run_and_check_requests(simulator, run_playbook, cases, **kwargs):
    """Run ``cases`` (name, module, args, expected requests) in one playbook; check the log.

    Returns every task's result by name.
    """
    run, log = run_logged(
        simulator, run_playbook, playbook([(name, module, args) for name, module, args, _unused in cases]), **kwargs
    )
    assert run.rc == 0, run
    assert requests_of(log) == [request for _n, _m, _a, expected in cases for request in expected]
    results = {}
    for name, _module, _args, expected in cases:
        result = result_of(run, name)
        assert result["changed"] is False, name
        sent = {"GET": len(expected), "total": len(expected)} if expected else {"total": 0}
        assert result["api_requests"] == sent, name
        results[name] = result
    return results


def failure_message(run, name):
    """The clean failure of task ``name`` in a play that ignores errors (so later tasks run, rc 0)."""
    assert run.rc == 0, run
    return assert_clean_failure(dataclasses.replace(run, rc=2), name)


def by_email(users):
    return {user["email"]: user for user in users}


def test_organization_subsets_return_their_data_at_their_documented_cost(simulator, run_playbook):
    info = "toggl_organization_info"
    every_subset_by_id = [
        (ORG, {}),
        USERS_PAGE_1,
        (ORG + "/groups", {}),
        (ORG + "/workspaces/statistics", {}),
        (ORG + "/roles", {}),
    ]
    cases = [
        ("default", info, {"organization": 10}, [(ORG, {})]),
        ("all by id", info, {"organization": "10", "gather_subset": ["all"]}, every_subset_by_id),
        # by name, details come with the name lookup: no GET /organizations/10
        (
            "all but users by name",
            info,
            {"organization": "Acme", "gather_subset": ["!users"]},
            [ME_ORGS] + every_subset_by_id[2:],
        ),
        ("identity only", info, {"organization": 10, "gather_subset": ["!all"]}, []),
    ]
    results = run_and_check_requests(simulator, run_playbook, cases)

    default = results["default"]
    assert default["gathered_subsets"] == ["details"]
    assert set(default["organization"]) == {"id", "name", "details"}
    details = default["organization"]["details"]
    assert (details["id"], details["name"], details["pricing_plan_name"]) == (10, "Acme", "Starter")
    assert details["user_count"] == 5  # joined members; dan's invitation is pending

    everything = results["all by id"]
    assert everything["gathered_subsets"] == ["details", "users", "groups", "workspace_statistics", "roles"]
    org = everything["organization"]
    assert (org["id"], org["name"], org["details"]) == (10, "Acme", details)
    people = by_email(org["users"])
    assert {email: person["status"] for email, person in people.items()} == {
        "alice@example.com": "joined",
        "bob@example.com": "joined",
        "carol@example.com": "inactive",
        "dan@example.com": "invited",
        "gus@example.com": "joined",
        "owner@example.com": "joined",
    }
    owner, alice, bob = people["owner@example.com"], people["alice@example.com"], people["bob@example.com"]
    assert [(p["owner"], p["admin"]) for p in (owner, alice, bob)] == [(True, True), (False, True), (False, False)]
    assert (bob["user_id"], bob["name"], bob["groups"]) == (3, "Bob Builder", [])
    assert alice["groups"] == ["Engineering"] and people["gus@example.com"]["groups"] == ["Engineering"]
    bob_hq, bob_labs = bob["workspaces"]
    assert (bob_hq["workspace_id"], bob_hq["name"], bob_hq["role"], bob_hq["status"]) == (
        100,
        "Acme HQ",
        "user",
        "joined",
    )
    assert (bob_hq["rate"], bob_hq["labor_cost"], bob_hq["working_hours"]) == (50, 30, 480)
    assert (bob_labs["workspace_id"], bob_labs["role"]) == (101, "projectlead")
    # gus reaches Acme HQ through the Engineering group only
    assert [(ws["workspace_id"], ws["groups"]) for ws in people["gus@example.com"]["workspaces"]] == [
        (100, ["Engineering"])
    ]
    assert [ws["status"] for ws in people["carol@example.com"]["workspaces"]] == ["inactive", "inactive"]
    assert [ws["status"] for ws in people["dan@example.com"]["workspaces"]] == ["invited"]

    groups = {group["name"]: group for group in org["groups"]}
    assert groups["Engineering"]["workspaces"] == [100]
    assert [(m["user_id"], m["status"]) for m in groups["Engineering"]["users"]] == [(2, "joined"), (6, "joined")]
    assert [(m["user_id"], m["status"]) for m in groups["Contractors"]["users"]] == [(4, "inactive")]

    statistics = org["workspace_statistics"]
    assert [(s["workspace_id"], s["members_count"], s["groups_count"]) for s in statistics] == [
        (100, 6, 1),
        (101, 3, 1),
    ]
    assert [admin["user_id"] for admin in statistics[0]["admins"]] == [1, 2]

    roles = {role["code"]: role["role_id"] for role in org["roles"]}
    assert roles["org_admin"] == 2 and roles["ws_admin"] == 10

    by_name = results["all but users by name"]
    assert by_name["gathered_subsets"] == ["details", "groups", "workspace_statistics", "roles"]
    assert by_name["organization"] == {key: value for key, value in org.items() if key != "users"}
    assert results["identity only"]["organization"] == {"id": 10}
    assert results["identity only"]["gathered_subsets"] == []


def test_workspace_subsets_return_their_data_at_their_documented_cost(simulator, run_playbook):
    info = "toggl_workspace_info"
    users = (WS + "/workspace_users", {"includeIndirect": "true"})
    groups = (ORG + "/workspaces/100/groups", {})
    after_groups = [
        (WS + "/track_reminders", {}),
        (WS + "/alerts", {}),
        (RATES, {"type": "billable_rates"}),
        (RATES, {"type": "labor_costs"}),
        (WS + "/time_entry_constraints", {}),
        (WS + "/statistics", {}),
    ]
    cases = [
        ("default", info, {"workspace": 100}, [(WS, {})]),
        # groups takes the organization id from the settings read: no extra request
        ("all by id", info, {"workspace": 100, "gather_subset": ["all"]}, [(WS, {}), users, groups] + after_groups),
        ("groups by workspace id", info, {"workspace": 100, "gather_subset": ["groups"]}, [(WS, {}), groups]),
        (
            "groups with organization id",
            info,
            {"workspace": 100, "organization": 10, "gather_subset": ["groups"]},
            [groups],
        ),
        (
            "free plan rates",
            info,
            {"workspace": 200, "gather_subset": ["rates"]},
            [("/api/v9/workspaces/200/rates/workspace/200", {"type": "billable_rates"})],
        ),
        # by name, settings come with the name lookup: no GET /workspaces/100
        (
            "all by names",
            info,
            {"organization": "Acme", "workspace": "Acme HQ", "gather_subset": ["all"]},
            [ME_ORGS, ME_WORKSPACES, users, groups] + after_groups,
        ),
    ]
    results = run_and_check_requests(simulator, run_playbook, cases)

    default = results["default"]
    assert default["gathered_subsets"] == ["settings"]
    assert set(default["workspace"]) == {"id", "name", "organization_id", "settings"}
    settings = default["workspace"]["settings"]
    assert (settings["id"], settings["name"], settings["organization_id"]) == (100, "Acme HQ", 10)
    assert (settings["default_currency"], settings["rounding"], settings["default_hourly_rate"]) == ("EUR", -1, 90)
    assert "api_token" not in settings

    everything = results["all by id"]
    assert everything["gathered_subsets"] == list(SUBSETS_OF_WORKSPACE)
    workspace = everything["workspace"]
    assert (workspace["id"], workspace["name"], workspace["organization_id"], workspace["settings"]) == (
        100,
        "Acme HQ",
        10,
        settings,
    )
    members = by_email(workspace["users"])
    assert {email: user["status"] for email, user in members.items()} == {
        "alice@example.com": "joined",
        "bob@example.com": "joined",
        "carol@example.com": "inactive",
        "dan@example.com": "invited",
        "gus@example.com": "joined",
        "owner@example.com": "joined",
    }
    bob, gus = members["bob@example.com"], members["gus@example.com"]
    assert (bob["user_id"], bob["role"], bob["rate"], bob["labor_cost"], bob["working_hours_in_minutes"]) == (
        3,
        "user",
        50,
        30,
        480,
    )
    assert (bob["direct"], gus["direct"], gus["group_ids"]) == (True, False, [70])
    assert (
        members["alice@example.com"]["role"] == "admin" and members["alice@example.com"]["organization_admin"] is True
    )
    assert [(g["group_id"], g["name"]) for g in workspace["groups"]] == [(70, "Engineering")]
    assert [(m["user_id"], m["status"]) for m in workspace["groups"][0]["users"]] == [(2, "joined"), (6, "joined")]
    reminders = workspace["reminders"]
    assert [(r["reminder_id"], r["frequency"], r["threshold"], r["user_ids"], r["group_ids"]) for r in reminders] == [
        (500, 7, 30, [3], [70])
    ]
    alerts = workspace["alerts"]
    assert [(a["id"], a["project_id"], a["thresholds"], a["receiver_roles"], a["receiver_users"]) for a in alerts] == [
        (550, 1000, [80, 100], ["admin"], [3])
    ]
    rates = workspace["rates"]
    assert [(r["amount"], r["deleted_at"]) for r in rates["billable"]] == [(90, None)]
    assert [(r["id"], r["amount"]) for r in rates["labor"]] == [(600, 40)]
    constraints = workspace["time_entry_constraints"]
    assert (constraints["time_entry_constraints_enabled"], constraints["project_present"]) == (True, True)
    assert constraints["tag_present"] is False
    assert (workspace["statistics"]["members_count"], workspace["statistics"]["groups_count"]) == (6, 1)

    assert results["groups by workspace id"]["workspace"] == {
        "id": 100,
        "name": "Acme HQ",  # the workspace read that told the organization also names it
        "organization_id": 10,
        "groups": workspace["groups"],
    }
    assert results["groups with organization id"]["workspace"] == {
        "id": 100,
        "organization_id": 10,
        "groups": workspace["groups"],
    }
    assert results["free plan rates"]["workspace"]["rates"] is None
    assert results["all by names"]["workspace"] == workspace, (
        "by name, settings come from /me/workspaces in the same shape"
    )


def test_a_large_organization_is_read_page_by_page(simulator, run_playbook):
    members = 1001
    users = [{"id": 1, "email": "owner@example.com", "fullname": "Olive Owner", "api_token": "tok-owner"}]
    users += [
        {"id": 10000 + n, "email": "person%04d@example.com" % n, "fullname": "Person %04d" % n}
        for n in range(1, members)
    ]
    big = {
        "users": users,
        "organizations": [
            {
                "id": 10,
                "name": "Acme",
                "plan": "enterprise",
                "owner": 1,
                # every tenth person has a pending invitation, every seventh is deactivated
                "users": [{"user_id": 1, "admin": True}]
                + [
                    {"user_id": 10000 + n, "invited": n % 10 == 0, "inactive": n % 7 == 0 and n % 10 != 0}
                    for n in range(1, members)
                ],
                "workspaces": [{"id": 100, "name": "Acme HQ", "users": [{"user_id": 1, "role": "admin"}]}],
            }
        ],
    }
    simulator.reset(big)
    cases = [
        (
            "everyone",
            "toggl_organization_info",
            {"organization": 10, "gather_subset": ["users"]},
            [(ORG + "/users", {"page": str(page), "per_page": "200"}) for page in range(1, 7)],
        )
    ]
    found = run_and_check_requests(simulator, run_playbook, cases)["everyone"]["organization"]["users"]
    assert len(found) == members
    assert len({user["user_id"] for user in found}) == members
    statuses = [user["status"] for user in found]
    invited = (members - 1) // 10
    inactive = sum(1 for n in range(1, members) if n % 7 == 0 and n % 10 != 0)
    assert (statuses.count("invited"), statuses.count("inactive")) == (invited, inactive)
    assert statuses.count("joined") == members - invited - inactive


def test_bad_options_fail_cleanly_before_any_request(simulator, run_playbook):
    cases = [
        ("unknown org subset", "toggl_organization_info", {"organization": 10, "gather_subset": ["users", "usres"]}),
        ("unknown workspace subset", "toggl_workspace_info", {"workspace": 100, "gather_subset": ["roles"]}),
    ]
    run, log = run_logged(simulator, run_playbook, playbook(cases, ignore_errors=True))
    assert log == []
    messages = {name: failure_message(run, name) for name, _module, _args in cases}
    assert messages == {
        "unknown org subset": "gather_subset: unknown subset 'usres'; choose from all, details, users, groups, "
        "workspace_statistics, roles (prefix one with ! to exclude it); named only, not part of all: "
        "focus_roles, focus_teams, focus_users",
        "unknown workspace subset": "gather_subset: unknown subset 'roles'; choose from all, settings, users, groups, "
        "reminders, alerts, rates, time_entry_constraints, statistics (prefix one with ! to exclude it)",
    }
    for name, _module, _args in cases:
        assert result_of(run, name)["api_requests"] == {"total": 0}


def test_unknown_references_fail_with_their_names(simulator, run_playbook):
    cases = [
        ("unknown organization", "toggl_organization_info", {"organization": "Nope", "gather_subset": ["users"]}),
        ("unknown workspace", "toggl_workspace_info", {"organization": 10, "workspace": "Nope"}),
        ("workspace of another organization", "toggl_workspace_info", {"organization": 20, "workspace": 100}),
    ]
    run, log = run_logged(simulator, run_playbook, playbook(cases, ignore_errors=True))
    assert requests_of(log) == [ME_ORGS, ME_WORKSPACES, (WS, {})]
    assert failure_message(run, "unknown organization") == (
        "organization 'Nope' not found among the token's organizations"
    )
    assert failure_message(run, "unknown workspace") == "workspace 'Nope' not found in organization 10"
    assert failure_message(run, "workspace of another organization") == (
        "workspace 100 is in organization 10, not in organization 20"
    )
    assert result_of(run, "workspace of another organization")["api_requests"] == {"GET": 1, "total": 1}


def test_check_mode_reads_the_same(simulator, run_playbook):
    cases = [
        ("organization", "toggl_organization_info", {"organization": 10, "gather_subset": ["users"]}, [USERS_PAGE_1]),
        (
            "workspace",
            "toggl_workspace_info",
            {"organization": 10, "workspace": 100, "gather_subset": ["users", "groups"]},
            [(WS + "/workspace_users", {"includeIndirect": "true"}), (ORG + "/workspaces/100/groups", {})],
        ),
    ]
    results = run_and_check_requests(simulator, run_playbook, cases, check=True, diff=True)
    for name, _module, _args, _requests in cases:
        assert "diff" not in results[name]
    people = by_email(results["organization"]["organization"]["users"])
    assert (people["dan@example.com"]["status"], people["carol@example.com"]["status"]) == ("invited", "inactive")
    members = by_email(results["workspace"]["workspace"]["users"])
    assert (members["dan@example.com"]["status"], members["gus@example.com"]["direct"]) == ("invited", False)
    assert [group["name"] for group in results["workspace"]["workspace"]["groups"]] == ["Engineering"]


def test_a_plain_member_is_told_which_right_a_subset_needs(simulator, run_playbook):
    """Bob is a plain member of Acme. Swagger: GET /organizations/{id}/users answers 403 to
    non-admins; the task names the right instead of 'authentication failed'. What a member may
    read (the organization's details) still works."""
    run, log = run_logged(
        simulator,
        run_playbook,
        playbook(
            [
                ("users", "toggl_organization_info", {"organization": 10, "gather_subset": ["users"]}),
                ("details", "toggl_organization_info", {"organization": 10, "gather_subset": ["details"]}),
            ],
            ignore_errors=True,
        ),
        env={"TOGGL_API_TOKEN": "tok-bob"},
    )
    assert failure_message(run, "users") == (
        "the token's user is not an admin of organization Acme (10) (needed to list the members of organization 10)"
    )
    details = result_of(run, "details")
    assert details["organization"]["details"]["name"] == "Acme"
    assert {entry["method"] for entry in log} == {"GET"}
