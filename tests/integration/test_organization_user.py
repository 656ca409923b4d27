"""toggl_organization_user against the simulator: invite, pending invitations, resend, admin /
inactive / labour_cost, removal, bulk lists and their request counts, pagination, protection of
the owner and the token's user, and failures that name the culprit before any write."""

import copy

import pytest
import yaml
from helpers import (
    api_get,
    calls,
    cases_playbook,
    converge_cycle,
    converge_cycle_many,
    failure_of,
    on,
    people_with_second_admin,
    result_of,
    run_logged,
    seed,
    squashed,
    task_playbook,
    writes_in,
)

ORG = "/api/v9/organizations/10"


@pytest.fixture(autouse=True)
def fresh_state(simulator):
    simulator.reset(seed("people"))


def org_user_playbook(**args):
    return task_playbook("toggl_organization_user", dict({"organization": 10}, **args))


def play_of(tasks):
    """One play of toggl_organization_user tasks, each (name, args, task keywords such as check_mode)."""
    play = {
        "name": "integration",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            dict({"name": name, "trackops.toggl.toggl_organization_user": args}, **keywords)
            for name, args, keywords in tasks
        ],
    }
    return yaml.safe_dump([play], sort_keys=False)


def members(simulator, org_id=10, **query):
    """The organization's users as the API lists them (every page)."""
    params = "&".join("%s=%s" % item for item in dict(query, per_page=200).items())
    return {m["email"]: m for m in api_get(simulator, "/organizations/%s/users?%s" % (org_id, params))}


@pytest.mark.converge
def test_invite_by_email_into_workspace_and_group_then_pending_counts_as_present(simulator, run_playbook):
    playbook = org_user_playbook(
        user="Frank@Example.COM",
        workspaces=[{"workspace": "Acme HQ", "role": "projectlead"}, {"workspace": 101}],
        groups=["Contractors"],
        skip_email=True,
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    posts = writes_in(cycle["first_log"])
    assert calls(posts) == [("POST", ORG + "/invitations")]
    assert posts[0]["body"] == {
        "emails": ["frank@example.com"],
        "workspaces": [{"workspace_id": 100, "role": "projectlead"}, {"workspace_id": 101}],
        "groups": [301],
        "skip_email": True,
    }
    # workspace and group names: /me/workspaces and the group list, each read once, before the
    # write; the admin right from /me/organizations
    assert squashed(cycle["first_log"]) == [
        ("GET", ORG + "/users"),
        ("GET", "/api/v9/me/organizations"),
        ("GET", "/api/v9/me/workspaces"),
        ("GET", ORG + "/groups"),
        ("POST", ORG + "/invitations"),
        ("GET", ORG + "/users"),  # the invitation confirmed (engine: confirm)
    ]
    invited = cycle["first"]["organization_user"]
    assert invited["user_id"] == 7 and invited["invitation_id"] > 2208 and invited["status"] == "invited"
    assert cycle["first"]["diff"]["after"] == {
        "email": "frank@example.com",
        "status": "invited",
        "admin": False,
        "inactive": False,
    }
    # pending is present: the rerun reads the member list once and invites nobody again; the
    # group given by name costs one read of the groups, to compare the member's groups with it
    assert calls(cycle["second_log"]) == [("GET", ORG + "/users"), ("GET", ORG + "/groups")]
    assert cycle["second"]["diff"]["after"]["groups"] == [301]
    assert cycle["second"]["organization_user"]["status"] == "invited"
    pending = members(simulator, active_status="invited")
    assert sorted(pending) == ["dan@example.com", "frank@example.com"]
    assert [g["name"] for g in pending["frank@example.com"]["groups"]] == ["Contractors"]
    roles = {ws["workspace_id"]: ws["role"] for ws in pending["frank@example.com"]["workspaces"]}
    assert roles == {100: "projectlead", 101: "user"}

    simulator.accept_invitation("frank@example.com")
    run, log = run_logged(simulator, run_playbook, playbook, diff=True)
    assert result_of(run)["changed"] is False and writes_in(log) == []
    assert result_of(run)["organization_user"]["status"] == "joined"


def test_resend_invitation_re_sends_a_pending_one_only(simulator, run_playbook):
    resend = {"organization": 10, "user": "dan@example.com", "resend_invitation": True}
    playbook = play_of(
        [
            ("predict", resend, {"check_mode": True, "diff": True}),
            ("resend", resend, {"diff": True}),
            ("again", resend, {}),
            ("joined member", dict(resend, user="bob@example.com"), {}),
        ]
    )
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0 and run.failed_tasks == []
    predicted, first = result_of(run, "predict"), result_of(run, "resend")
    assert predicted["changed"] is True and first["changed"] is True
    assert predicted["diff"] == first["diff"]
    assert first["diff"]["before"]["status"] == "invited" and first["diff"]["after"]["invitation_resent"] is True
    assert result_of(run, "again")["changed"] is True, "every run re-sends while the invitation is pending"
    assert result_of(run, "joined member")["changed"] is False
    invitation_id = first["organization_user"]["invitation_id"]
    assert calls(writes_in(log)) == [("PUT", ORG + "/invitations/%s/resend" % invitation_id)] * 2
    sent = [i["sent_count"] for i in simulator.state()["invitations"] if i["id"] == invitation_id]
    assert sent == [3]


def test_either_spelling_of_labour_cost_and_workspace_name_converge_on_one_state(simulator, run_playbook):
    """Aliases: labor_cost (as toggl_workspace_user spells it) and a workspace entry's name (as
    the roles and toggl_workspace call it) are the same options; the other spelling's rerun is unchanged."""
    british = org_user_playbook(
        users=[
            {"user": "bob@example.com", "labour_cost": 31.0},
            {"user": "newbie@example.com", "workspaces": [{"workspace": "Acme Labs"}], "skip_email": True},
        ]
    )
    american = org_user_playbook(
        users=[
            {"user": "bob@example.com", "labor_cost": 31.0},
            {"user": "newbie@example.com", "workspaces": [{"name": "Acme Labs"}], "skip_email": True},
        ]
    )
    first, log = run_logged(simulator, run_playbook, american)
    assert result_of(first)["changed"] is True, first
    assert [(e["method"], e["body"]) for e in writes_in(log)][0] == (
        "POST",
        {"emails": ["newbie@example.com"], "workspaces": [{"workspace_id": 101}], "groups": [], "skip_email": True},
    )
    assert {ws["workspace_id"]: ws["cost"] for ws in members(simulator)["bob@example.com"]["workspaces"]} == {
        100: 31.0,
        101: 31.0,
    }
    for playbook in (american, british):
        rerun, rerun_log = run_logged(simulator, run_playbook, playbook)
        assert result_of(rerun)["changed"] is False and writes_in(rerun_log) == []


@pytest.mark.converge
def test_admin_labour_cost_and_deactivation_then_reactivation(simulator, run_playbook):
    playbook = org_user_playbook(
        user="BOB@example.com", admin=True, inactive=True, labour_cost=42.5, labour_cost_change_mode="override-all"
    )
    cycle = converge_cycle(simulator, run_playbook, playbook)
    # Swagger: organization_admin in the org-user PUT; the labour cost is the labor cost in each of
    # bob's workspaces (workspace_user.Payload, with its change mode), as the org-user payload has none
    cost = {"labor_cost": 42.5, "labor_cost_change_mode": "override-all"}
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", ORG + "/users/1003", {"organization_admin": True, "inactive": True}),
        ("PUT", "/api/v9/workspaces/100/workspace_users/2003", cost),
        ("PUT", "/api/v9/workspaces/101/workspace_users/2103", cost),
    ]
    assert cycle["first"]["diff"]["before"] == {
        "email": "bob@example.com",
        "status": "joined",
        "admin": False,
        "inactive": False,
        "labour_cost": None,
    }
    assert cycle["first"]["diff"]["after"] == {
        "email": "bob@example.com",
        "status": "inactive",
        "admin": True,
        "inactive": True,
        "labour_cost": 42.5,
    }
    # the admin right and the plan from /me/organizations; deactivation: one GET /me for the token's user
    assert calls(cycle["first_log"])[:4] == [
        ("GET", ORG + "/users"),
        ("GET", "/api/v9/me/organizations"),
        ("GET", "/api/v9/me"),
        ("PUT", ORG + "/users/1003"),
    ]
    assert calls(cycle["second_log"]) == [("GET", ORG + "/users")]
    bob = members(simulator)["bob@example.com"]
    assert bob["admin"] is True and bob["inactive"] is True
    assert {ws["workspace_id"]: ws["cost"] for ws in bob["workspaces"]} == {100: 42.5, 101: 42.5}

    reactivate = converge_cycle(simulator, run_playbook, org_user_playbook(user="bob@example.com", inactive=False))
    assert [e["body"] for e in writes_in(reactivate["first_log"])] == [{"inactive": False}]
    assert reactivate["first"]["organization_user"]["status"] == "joined"
    assert calls(reactivate["second_log"]) == [("GET", ORG + "/users")], "reactivating needs no /me"


@pytest.mark.converge
def test_absent_removes_from_the_organization(simulator, run_playbook):
    cycle = converge_cycle(simulator, run_playbook, org_user_playbook(user=3, state="absent"))
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PATCH", ORG + "/users", {"delete": [1003]})
    ]
    assert cycle["first"]["organization_user"] is None
    assert cycle["first"]["diff"]["before"]["email"] == "bob@example.com" and cycle["first"]["diff"]["after"] == {}
    assert "bob@example.com" not in members(simulator)
    labs = api_get(simulator, "/organizations/10/workspaces/101/workspace_users")
    assert [u["email"] for u in labs] == ["carol@example.com", "owner@example.com"], "bob is gone from it"


@pytest.mark.converge
def test_bulk_onboarding_of_50_people_costs_two_requests_and_its_rerun_one(simulator, run_playbook):
    people = [{"user": "new%02d@example.com" % index} for index in range(50)]
    playbook = org_user_playbook(workspaces=[{"workspace": 100}], skip_email=True, users=people)
    cycle = converge_cycle_many(simulator, run_playbook, playbook)
    assert squashed(cycle["first_log"]) == [
        ("GET", ORG + "/users"),
        ("GET", "/api/v9/me/organizations"),
        ("POST", ORG + "/invitations"),
        ("GET", ORG + "/users"),  # confirmed: the rerun right after sees all 50
    ]
    assert len(cycle["first_log"][2]["body"]["emails"]) == 50
    assert cycle["first"]["api_requests"]["POST"] == 1
    assert cycle["second"]["api_requests"] == {"GET": 1, "total": 1}
    assert [user["status"] for user in cycle["first"]["organization_users"]] == ["invited"] * 50
    assert [d["after"]["email"] for d in cycle["first"]["diff"]] == [p["user"] for p in people]
    assert len(members(simulator, active_status="invited")) == 51
    assert len(api_get(simulator, "/organizations/10/workspaces/100/workspace_users")) == 56


@pytest.mark.converge
def test_bulk_mixes_states_and_options_with_one_read_and_batched_writes(simulator, run_playbook):
    playbook = org_user_playbook(
        workspaces=[{"workspace": 101}],
        users=[
            {"user": "frank@example.com", "admin": True},
            {"user": "zoe@example.com", "groups": ["300"]},
            {"user": "yann@example.com"},
            {"user": "carol@example.com", "state": "absent"},
            {"user": "6", "state": "absent"},
            {"user": "ALICE@example.com", "admin": True},
        ],
    )
    cycle = converge_cycle_many(simulator, run_playbook, playbook)
    writes = [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])]
    assert writes[0] == ("PATCH", ORG + "/users", {"delete": [1004, 1006]})
    assert [w[:2] for w in writes[1:]] == [
        ("POST", ORG + "/invitations"),
        ("POST", ORG + "/invitations"),
        ("PUT", ORG + "/users/%s" % members(simulator)["frank@example.com"]["id"]),
    ]
    assert writes[1][2]["emails"] == ["frank@example.com", "yann@example.com"] and writes[1][2]["groups"] == []
    assert writes[2][2]["emails"] == ["zoe@example.com"] and writes[2][2]["groups"] == [300]
    assert writes[3][2] == {"organization_admin": True}
    # one member read, the admin right, /me for the removals, a re-read (until it lists frank) for his admin flag
    assert squashed(cycle["first_log"]).count(("GET", ORG + "/users")) == 3  # and the confirmation
    assert calls(cycle["first_log"]).count(("GET", "/api/v9/me/organizations")) == 1
    assert cycle["first"]["api_requests"]["PUT"] == 1 and cycle["first"]["api_requests"]["POST"] == 2
    assert [d["after"].get("status") for d in cycle["first"]["diff"]] == [
        "invited",
        "invited",
        "invited",
        None,
        None,
        "joined",
    ]
    # the members, and the groups: "300" is digits only, a name if a group is named so, else an id
    assert calls(cycle["second_log"]) == [("GET", ORG + "/users"), ("GET", ORG + "/groups")]


def big_organization_seed(size):
    """Organization Acme with ``size`` joined members besides its owner (several pages of 200)."""
    data = copy.deepcopy(seed("people"))
    org = data["organizations"][0]
    for index in range(size):
        user_id = 10000 + index
        data["users"].append({"id": user_id, "email": "m%04d@example.com" % index, "fullname": "Member %04d" % index})
        org["users"].append({"user_id": user_id})
    return data


def test_an_organization_of_1050_people_is_read_in_six_pages(simulator, run_playbook):
    simulator.reset(big_organization_seed(1044))  # 6 seeded members + 1044 = 1050
    playbook = org_user_playbook(users=[{"user": "M1043@Example.com", "admin": True}, {"user": "m0000@example.com"}])
    run, log = run_logged(simulator, run_playbook, playbook, diff=True)
    assert run.rc == 0, run
    reads = [entry for entry in log if entry["method"] == "GET" and entry["path"] == ORG + "/users"]
    # read, then confirmed after the write (every page again, repeated while the read lags)
    pages = [entry["query"]["page"] for entry in reads]
    assert len(pages) >= 12 and pages == ["1", "2", "3", "4", "5", "6"] * (len(pages) // 6)
    assert {entry["query"]["per_page"] for entry in reads} == {"200"}
    result = result_of(run)
    assert [user["user_id"] for user in result["organization_users"]] == [11043, 10000]
    assert [(e["method"], e["body"]) for e in writes_in(log)] == [("PUT", {"organization_admin": True})]
    assert result["diff"][0]["after"]["email"] == "m1043@example.com"


def test_owner_and_token_user_are_never_removed_or_deactivated(simulator, run_playbook):
    playbook = cases_playbook(
        "toggl_organization_user",
        {
            "remove owner": {"organization": 10, "user": "owner@example.com", "state": "absent"},
            "bulk with owner": {
                "organization": 10,
                "users": [{"user": "bob@example.com"}, {"user": "1"}],
                "state": "absent",
            },
            "deactivate self": {"organization": 10, "user": "alice@example.com", "inactive": True},
            "remove self": {"organization": "Acme", "user": "Alice@example.com", "state": "absent"},
            "demote owner": {"organization": 10, "user": "owner@example.com", "admin": False},
        },
    )
    run, log = run_logged(simulator, run_playbook, playbook, env={"TOGGL_API_TOKEN": "tok-alice"})
    owner_refusal = "user: refusing to remove owner@example.com from the organization: owner@example.com is the "
    assert failure_of(run, "remove owner").startswith(owner_refusal + "organization owner")
    assert failure_of(run, "bulk with owner").startswith(owner_refusal)
    assert failure_of(run, "deactivate self") == (
        "user: refusing to deactivate alice@example.com: alice@example.com is the user the API token belongs to;"
        " use another admin's token; nothing was written"
    )
    assert "is the user the API token belongs to" in failure_of(run, "remove self")
    assert failure_of(run, "demote owner") == (
        "admin: owner@example.com is the organization owner, who is always an organization admin"
    )
    assert writes_in(log) == []
    assert len(members(simulator)) == 6


def test_failures_name_the_culprit_before_any_write(simulator, run_playbook):
    invite = {"organization": 10, "user": "new@example.com", "workspaces": [{"workspace": 100}]}
    playbook = cases_playbook(
        "toggl_organization_user",
        {
            "unknown workspace": dict(invite, workspaces=[{"workspace": "Nowhere"}]),
            "unknown group": dict(invite, groups=["Engineering", "Ghosts"]),
            "near miss": dict(invite, workspaces=[{"workspace": "acme hq"}], groups=["Enginering"]),
            "unknown id": {"organization": 10, "user": "4242"},
            "no workspace": {"organization": 10, "user": "new@example.com"},
            "bad email": {"organization": 10, "user": "new at example.com"},
            "twice": {"organization": 10, "users": [{"user": "a@b.io"}, {"user": "A@B.io"}]},
            "by email and by id": {
                "organization": 10,
                "users": [{"user": "bob@example.com", "admin": True}, {"user": "3", "admin": False}],
            },
            "labour cost on free": {"organization": 20, "user": "gina@example.com", "labour_cost": 10},
            "unknown organization": dict(invite, organization="Nope"),
            "bad entry in a list": {
                "organization": 10,
                "workspaces": [{"workspace": 100}],
                "users": [{"user": "x@y.io"}, {"user": "?"}],
            },
        },
    )
    run, log = run_logged(simulator, run_playbook, playbook)
    expected = {
        "unknown workspace": "workspace 'Nowhere' not found in organization 10",
        "unknown group": "group 'Ghosts' not found in organization 10",
        "near miss": "workspace 'acme hq' not found in organization 10; did you mean 'Acme HQ'?",
        "unknown id": "user 4242 is not in organization 10: give an e-mail address to invite them",
        "no workspace": "workspaces: is required to invite new@example.com",
        "bad email": "user: 'new at example.com' is neither a user id nor an e-mail address",
        "twice": "users: A@B.io is listed more than once",
        "by email and by id": "users: entries 1 and 2 both name organization_user bob@example.com (id ",
        "labour cost on free": "needs a paid Toggl plan: Labor costs are available for Starter and higher plans."
        " (labour_cost: organization 'Freebie' is on the Free plan; nothing was written)",
        "unknown organization": "organization 'Nope' not found among the token's organizations",
        "bad entry in a list": "user: '?' is neither a user id nor an e-mail address",
    }
    for name, message in expected.items():
        assert failure_of(run, name).startswith(message), (name, failure_of(run, name))
    assert result_of(run, "bad email")["api_requests"] == {"total": 0}
    assert result_of(run, "bad entry in a list")["api_requests"] == {"total": 0}
    assert writes_in(log) == []


@pytest.mark.converge
def test_groups_of_a_member_are_set_exactly_in_the_same_request_as_inactive(simulator, run_playbook):
    # carol is in Engineering: deactivated and moved to Contractors (by name and id) in one PUT per person
    playbook = org_user_playbook(user="carol@example.com", inactive=True, groups=["Contractors"])
    cycle = converge_cycle(simulator, run_playbook, playbook)
    assert cycle["first"]["diff"]["before"]["groups"] == [300]
    assert cycle["first"]["diff"]["after"]["groups"] == [301]
    assert [(e["method"], e["path"], e["body"]) for e in writes_in(cycle["first_log"])] == [
        ("PUT", ORG + "/users/1004", {"inactive": True, "groups": [301]})
    ]
    # the name costs one read of the groups; converged, neither /me nor a write
    assert calls(cycle["second_log"]) == [("GET", ORG + "/users"), ("GET", ORG + "/groups")]
    groups = {group["name"]: group["users"] or [] for group in api_get(simulator, "/organizations/10/groups")}
    assert [member["user_id"] for member in groups["Contractors"]] == [4] and groups["Engineering"] == []
    # [] takes her out of every group, ids cost no read of the groups
    cycle = converge_cycle(simulator, run_playbook, org_user_playbook(user="carol@example.com", groups=[]))
    assert [(e["method"], e["body"]) for e in writes_in(cycle["first_log"])] == [("PUT", {"groups": []})]
    assert calls(cycle["second_log"]) == [("GET", ORG + "/users")]


# -- issue 11: read lag, both profiles, lost answers, second writers, partial rights ---------------


@pytest.mark.parametrize(
    "options", [["--profile", "swagger", "--read-lag-ms", "1500"], ["--profile", "pages"]], ids=["lag1500", "pages"]
)
@pytest.mark.converge
def test_invite_change_and_remove_converge(start_simulator, run_playbook, options):
    control = start_simulator(seed("people"), options)
    run = on(control, run_playbook)
    invite = org_user_playbook(user="frank@example.com", workspaces=[{"workspace": 100}], skip_email=True, admin=True)
    invited = converge_cycle(control, run, invite)
    assert invited["first"]["diff"]["after"]["email"] == "frank@example.com"
    assert invited["first"]["diff"]["after"]["admin"] is True
    changed = converge_cycle(
        control, run, org_user_playbook(user="bob@example.com", groups=["Contractors"], labour_cost=12.5)
    )
    assert changed["first"]["diff"]["before"]["groups"] == [] and changed["first"]["diff"]["after"]["groups"] == [301]
    removed = converge_cycle(control, run, org_user_playbook(user="frank@example.com", state="absent"))
    assert removed["first"]["diff"]["before"]["email"] == "frank@example.com"
    people = members(control)
    assert "frank@example.com" not in people
    assert [g["group_id"] for g in people["bob@example.com"]["groups"]] == [301]
    assert {ws["cost"] for ws in people["bob@example.com"]["workspaces"]} == {12.5}


def test_an_invitation_whose_answer_was_lost_is_adopted_not_sent_twice(simulator, run_playbook):
    simulator.faults([{"method": "POST", "path": "/organizations/10/invitations$", "status": "lost"}])
    playbook = org_user_playbook(user="frank@example.com", workspaces=[{"workspace": 100}], skip_email=True)
    run, log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0, run
    assert calls(writes_in(log)) == [("POST", ORG + "/invitations")]
    assert result_of(run)["organization_user"]["status"] == "invited"
    assert [i["email"] for i in simulator.state()["invitations"]].count("frank@example.com") == 1
    again, log = run_logged(simulator, run_playbook, playbook)
    assert result_of(again)["changed"] is False and writes_in(log) == []


def test_two_runs_inviting_one_newcomer_leave_one_invitation(simulator, run_playbook):
    simulator.reset(people_with_second_admin())
    # another run (as admin2) invites frank between this task's read and its invitation
    simulator.faults(
        [
            {
                "method": "POST",
                "path": "/organizations/10/invitations$",
                "status": "interleave",
                "request": {
                    "method": "POST",
                    "path": "/api/v9/organizations/10/invitations",
                    "body": {
                        "emails": ["frank@example.com"],
                        "workspaces": [{"workspace_id": 100}],
                        "skip_email": True,
                    },
                    "token": "tok-admin2",
                },
            }
        ]
    )
    playbook = org_user_playbook(user="frank@example.com", workspaces=[{"workspace": 100}], skip_email=True)
    run, _log = run_logged(simulator, run_playbook, playbook)
    assert run.rc == 0, run
    assert [i["email"] for i in simulator.state()["invitations"]].count("frank@example.com") == 1
    again, log = run_logged(simulator, run_playbook, playbook)
    assert result_of(again)["changed"] is False and writes_in(log) == []


def test_a_second_admin_writing_between_read_and_write_loses_nothing(start_simulator, run_playbook):
    # Without read lag (see test_workspace_user's test of this name for why).
    control = start_simulator(people_with_second_admin(), ["--read-lag-ms", "0"])
    # before this task's re-read admin2 puts carol into Ops (302); right before its PUT admin2
    # makes carol an organization admin and puts her into Acme Labs
    control.faults(
        [
            {
                "method": "GET",
                "path": "/organizations/10/users$",
                "status": "interleave",
                "skip": 1,
                "request": {
                    "method": "PUT",
                    "path": "/api/v9/organizations/10/users/1004",
                    "body": {"groups": [300, 302]},
                    "token": "tok-admin2",
                },
            },
            {
                "method": "PUT",
                "path": "/organizations/10/users/1004$",
                "status": "interleave",
                "request": {
                    "method": "PUT",
                    "path": "/api/v9/organizations/10/users/1004",
                    "body": {"organization_admin": True, "workspaces": [{"workspace_id": 100}, {"workspace_id": 101}]},
                    "token": "tok-admin2",
                },
            },
        ]
    )
    playbook = org_user_playbook(user="carol@example.com", groups=["Contractors"])  # out of Engineering (300)
    run, log = run_logged(control, on(control, run_playbook), playbook)
    assert run.rc == 0, run
    assert [e["body"] for e in writes_in(log)] == [{"groups": [301, 302]}]
    carol = members(control)["carol@example.com"]
    assert sorted(g["group_id"] for g in carol["groups"]) == [301, 302]
    assert carol["admin"] is True and sorted(ws["workspace_id"] for ws in carol["workspaces"]) == [100, 101]


@pytest.mark.parametrize("check", [True, False])
def test_a_plain_members_token_fails_naming_the_right_before_any_write(simulator, run_playbook, check):
    simulator.reset(people_with_second_admin())
    playbook = org_user_playbook(user="frank@example.com", workspaces=[{"workspace": 100}])
    run, log = run_logged(simulator, run_playbook, playbook, check=check, env={"TOGGL_API_TOKEN": "tok-member"})
    assert failure_of(run, "under test").startswith(
        "the token's user is not an admin of organization Acme (10) (needed to list the members of organization 10)"
    )
    assert writes_in(log) == []
