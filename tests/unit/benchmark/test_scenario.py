"""R_min of the request benchmark (tests/benchmark/scenario.py) on tiny organizations."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmark"))

import scenario  # noqa: E402

MEMBERS = {
    "ann@example.com": {"workspaces": {"HQ": {"role": "user"}}, "groups": ["Eng"]},
    "ben@example.com": {"workspaces": {"HQ": {"role": "user", "rate": 50}}, "groups": []},
}
READS_ORG = "GET /me/organizations (id, member count, plan, admin right)"
READS_MEMBERS = "GET organization users (per 200 members, or a lookup per person)"


def test_newcomers_alike_share_one_invitation_and_each_rate_costs_a_put():
    people = [
        {
            "email": "new%d@example.com" % n,
            "workspaces": [{"name": "HQ", "role": "user", "rate": 70}],
            "groups": ["Eng"],
        }
        for n in range(3)
    ]
    people.append({"email": "odd@example.com", "workspaces": [{"name": "Labs", "role": "admin"}], "groups": []})
    minimum = scenario.onboarding_minimum(people, MEMBERS)
    # /me/organizations, one page of members (4 people > 1 page), the groups, /me/workspaces for
    # Labs (no member is in it); a read until the newcomers with a rate are listed; one after.
    assert minimum.reads == {
        READS_ORG: 1,
        READS_MEMBERS: 1,
        "GET organization groups": 1,
        "GET /me/workspaces (a workspace none of the members read is in)": 1,
        "GET organization users until the newcomers are listed": 1,
        "GET organization users after the writes": 1,
    }
    assert minimum.writes == {
        "POST invitations (one per distinct invitation)": 2,
        "PUT organization user of a newcomer (rate, admin)": 3,
    }
    assert minimum.total == 11


def test_an_existing_member_costs_one_put_whatever_changes_and_groups_alone_a_patch_per_group():
    people = [
        {"email": "ann@example.com", "workspaces": [{"name": "HQ", "role": "admin"}], "groups": ["Eng", "Ops"]},
        {"email": "ben@example.com", "groups": ["Ops"]},
    ]
    minimum = scenario.onboarding_minimum(people, MEMBERS)
    assert minimum.writes == {
        "PUT organization user (admin, status, workspaces with settings, groups)": 1,
        "PATCH group (members added or removed, everyone at once)": 1,
    }


def test_a_converged_run_costs_its_reads_only_and_few_people_are_looked_up_by_filter():
    people = [{"email": "ben@example.com", "workspaces": [{"name": "HQ", "role": "user", "rate": 50}]}]
    assert scenario.onboarding_minimum(people, MEMBERS).write_total == 0
    assert scenario.onboarding_minimum(people, MEMBERS).total == 2
    many = {"m%d@example.com" % n: {"workspaces": {}, "groups": []} for n in range(401)}
    assert scenario.onboarding_minimum([], many).reads[READS_MEMBERS] == 1
    assert scenario.access_minimum([], many, everyone=True).reads[READS_MEMBERS] == 3
    two = [{"email": "m1@example.com"}, {"email": "m2@example.com"}]
    assert scenario.member_reads(len(two), len(many)) == 2
    assert (scenario.pages(0), scenario.pages(200), scenario.pages(201)) == (1, 1, 2)


def test_offboarding_costs_one_put_per_person_active_or_still_in_a_group():
    members = dict(MEMBERS, **{"cy@example.com": {"workspaces": {}, "groups": ["Eng"], "inactive": True}})
    members["dee@example.com"] = {"workspaces": {}, "groups": [], "inactive": True}
    members["pending@example.com"] = {"workspaces": {}, "groups": [], "invited": True}
    emails = ["ann@example.com", "cy@example.com", "dee@example.com", "pending@example.com", "nobody@example.com"]
    minimum = scenario.offboarding_minimum(emails, members)
    # ann: inactive + out of Eng; cy: out of Eng; dee: nothing left; pending: withdrawn
    assert minimum.writes == {
        "PUT organization user (admin, status, workspaces with settings, groups)": 2,
        "PATCH organization users (every removal at once)": 1,
    }
    # /me/organizations, the members (one page), /me for the token's own user, one read after.
    assert sum(minimum.reads.values()) == 4
    rerun = scenario.offboarding_minimum(
        ["cy@example.com"], {"cy@example.com": dict(members["cy@example.com"], groups=[])}
    )
    assert (rerun.write_total, rerun.total) == (0, 2)


def test_an_authoritative_list_makes_the_unlisted_leavers_but_never_the_owner():
    members = dict(MEMBERS, **{"owner@example.com": {"workspaces": {}, "groups": [], "owner": True}})
    minimum = scenario.access_minimum([{"email": "ann@example.com"}], members, everyone=True)
    assert minimum.writes == {"PUT organization user (admin, status, workspaces with settings, groups)": 1}
    assert minimum.reads["GET /me (never deactivate the token's user)"] == 1


def test_the_scenario_is_deterministic_and_the_size_the_issue_names():
    seed = scenario.seed()
    organization = seed["organizations"][0]
    assert (len(organization["users"]), len(organization["workspaces"]), organization["plan"]) == (200, 5, "starter")
    assert seed == scenario.seed()
    assert len(scenario.seed(scenario.LARGE_MEMBERS)["organizations"][0]["users"]) == 5000
    people = scenario.onboarding_vars()["toggl_onboarding_people"]
    assert len(people) == 20
    assert all(len(p["workspaces"]) == 2 and len(p["groups"]) == 3 and p["workspaces"][0]["rate"] for p in people)
    assert len(scenario.offboarding_vars()["toggl_offboarding_people"]) == 10
    jml = scenario.jml_people()
    assert sum(1 for p in jml if p.get("memberships") == "exact") == 5
    assert sum(1 for p in jml if p["email"].startswith("jml")) == 5
    totals = [phase["minimum"].total for phase in scenario.phases()]
    assert totals == [31, 4, 4, 5, 16, 3, 18, 4, 9, 4, 28]
