"""R_min of the request benchmark (tests/benchmark/scenario.py) on tiny organizations."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmark"))

import scenario  # noqa: E402

MEMBERS = {
    "ann@example.com": {"workspaces": {"HQ": {"role": "user"}}, "groups": ["Eng"]},
    "ben@example.com": {"workspaces": {"HQ": {"role": "user", "rate": 50}}, "groups": []},
}


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
    # /me/organizations, one page of members, the groups; then what issue 11 requires of a run
    # that writes: the admin right of the organization users task and of HQ's workspace task,
    # the members after the invitations (one page of 6), HQ's users after its PUTs.
    assert minimum.reads == {
        "GET /me/organizations (organization by name)": 1,
        "GET organization users (per 200 members)": 1,
        "GET organization groups": 1,
        "GET /me/organizations (admin right, per task that writes)": 2,
        "GET organization users after the invitations (per 200 members)": 1,
        "GET workspace users after its PUTs (Swagger: a string answer)": 1,
    }
    assert minimum.writes == {
        "POST invitations (one per distinct invitation)": 2,
        "PUT workspace user (rate/role, no bulk form)": 3,
    }
    assert minimum.total == 12
    assert scenario.onboarding_minimum(people, MEMBERS, by_name=False).total == 11


def test_existing_members_cost_a_put_per_changed_setting_and_a_write_per_group_joined():
    people = [
        {"email": "ann@example.com", "workspaces": [{"name": "HQ", "role": "admin"}], "groups": ["Eng", "Ops"]},
        {"email": "ben@example.com", "workspaces": [{"name": "HQ", "role": "user", "rate": 50}]},
    ]
    minimum = scenario.onboarding_minimum(people, MEMBERS)
    assert minimum.writes == {
        "PUT workspace user (rate/role, no bulk form)": 1,
        "PUT group (members of existing groups)": 1,
    }


def test_a_converged_run_costs_its_reads_only_and_pages_follow_the_member_count():
    people = [{"email": "ben@example.com", "workspaces": [{"name": "HQ", "role": "user", "rate": 50}]}]
    assert scenario.onboarding_minimum(people, MEMBERS).write_total == 0
    assert scenario.onboarding_minimum(people, MEMBERS).total == 3
    many = {"m%d@example.com" % n: {"workspaces": {}, "groups": []} for n in range(401)}
    assert scenario.onboarding_minimum([], many).reads["GET organization users (per 200 members)"] == 3
    assert (scenario.pages(0), scenario.pages(200), scenario.pages(201)) == (1, 1, 2)


def test_offboarding_costs_one_put_per_person_active_or_still_in_a_group():
    members = dict(MEMBERS, **{"cy@example.com": {"workspaces": {}, "groups": ["Eng"], "inactive": True}})
    members["dee@example.com"] = {"workspaces": {}, "groups": [], "inactive": True}
    emails = ["ann@example.com", "cy@example.com", "dee@example.com", "nobody@example.com"]
    minimum = scenario.offboarding_minimum(emails, members)
    # ann: inactive + out of Eng; cy: out of Eng; dee: nothing left to do
    assert minimum.writes == {"PUT organization user (inactive + groups, no bulk form)": 2}
    # /me/organizations, members (the groups each is in come with them), /me for the token's own
    # user; then (issue 11) the deactivation task's admin right, the members right before the
    # groups PUTs and after the writes.
    assert sum(minimum.reads.values()) == 6
    rerun = scenario.offboarding_minimum(
        ["cy@example.com"], {"cy@example.com": dict(members["cy@example.com"], groups=[])}
    )
    assert (rerun.write_total, rerun.total) == (0, 2)


def test_the_scenario_is_deterministic_and_the_size_the_issue_names():
    seed = scenario.seed()
    organization = seed["organizations"][0]
    assert (len(organization["users"]), len(organization["workspaces"]), organization["plan"]) == (200, 5, "starter")
    assert seed == scenario.seed()
    people = scenario.onboarding_vars()["toggl_onboarding_people"]
    assert len(people) == 20
    assert all(len(p["workspaces"]) == 2 and len(p["groups"]) == 3 and p["workspaces"][0]["rate"] for p in people)
    assert len(scenario.offboarding_vars()["toggl_offboarding_people"]) == 10
    totals = [phase["minimum"].total for phase in scenario.phases()]
    assert totals == [38, 4, 4, 4, 19, 3]
