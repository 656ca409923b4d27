"""trackops.toggl.onboarding_plan: people as data and the organization as read -> bulk task arguments."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.filter.onboarding_plan import FilterModule, onboarding_plan


def member(email, user_id, status="joined", groups=(), workspaces=()):
    return {
        "email": email,
        "user_id": user_id,
        "status": status,
        "groups": list(groups),
        "workspaces": [{"workspace_id": ws_id, "name": name} for ws_id, name in workspaces],
    }


def organization(**extra):
    org = {
        "id": 10,
        "users": [
            member("owner@example.com", 1, workspaces=[(100, "Acme HQ"), (101, "Acme Labs")]),
            member("Bob@Example.com", 3, groups=["Engineering"], workspaces=[(100, "Acme HQ")]),
            member("eve@example.com", 6, status="inactive", workspaces=[(100, "Acme HQ")]),
        ],
        "groups": [
            {"group_id": 300, "name": "Engineering", "users": [{"user_id": 3}]},
            {"group_id": 301, "name": "Contractors", "users": []},
        ],
    }
    org.update(extra)
    return org


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"onboarding_plan": onboarding_plan}


def test_one_entry_per_person_per_workspace_and_per_group_touched():
    people = [
        {
            "email": "dana@example.com",
            "admin": False,
            "workspaces": [{"name": "Acme HQ", "role": "admin", "rate": 95}, {"name": "101", "labor_cost": 40}],
            "groups": ["Engineering", "Contractors"],
        },
        {"email": "erin@example.com", "workspaces": [{"name": "Acme Labs"}], "groups": ["Contractors"]},
        {"email": "bob@example.com", "workspaces": [{"name": 101, "role": "projectlead"}], "groups": ["Engineering"]},
    ]
    plan = onboarding_plan(people, organization())
    assert plan["organization_id"] == 10
    assert plan["unresolved_workspaces"] == [] and plan["unknown_groups"] == [] and plan["paid_plan_refusals"] == []
    assert plan["newcomers"] == ["dana@example.com", "erin@example.com"]
    # Newcomers are invited into all their workspaces (with roles) and groups, so alike invitations
    # batch; bob, a member whose membership is as wanted, has no organization entry.
    assert plan["organization_users"] == [
        {
            "user": "dana@example.com",
            "inactive": False,
            "admin": False,
            "workspaces": [{"workspace": "100", "role": "admin"}, {"workspace": "101"}],
            "groups": ["300", "301"],
        },
        {"user": "erin@example.com", "inactive": False, "workspaces": [{"workspace": "101"}], "groups": ["301"]},
    ]
    # Newcomers appear in a workspace task only for what the invitation cannot carry (dana's rate and
    # labor cost; erin's membership is the invitation's); bob's new workspace needs its task.
    assert plan["workspaces"] == [
        {
            "workspace": "100",
            "name": "Acme HQ",
            "users": [{"user": "dana@example.com", "role": "admin", "rate": 95, "inactive": False}],
        },
        {
            "workspace": "101",
            "name": "Acme Labs",
            "users": [
                {"user": "dana@example.com", "labor_cost": 40, "inactive": False},
                {"user": "bob@example.com", "role": "projectlead", "inactive": False},
            ],
        },
    ]
    # Bob is in Engineering already (compared case-insensitively) and newcomers join through the
    # invitation: no group task.
    assert plan["groups"] == []


def test_a_converged_member_is_left_out_of_every_task():
    org = organization()
    org["users"][1]["workspaces"] = [
        {"workspace_id": 100, "name": "Acme HQ", "status": "joined", "role": "user", "rate": 95.0, "labor_cost": None}
    ]
    people = [{"email": "bob@example.com", "workspaces": [{"name": "Acme HQ", "role": "user", "rate": 95}]}]
    plan = onboarding_plan(people, org)
    assert (plan["organization_users"], plan["workspaces"], plan["groups"]) == ([], [], [])
    # A setting that differs, or one the list does not show, goes to the task.
    for entry in ({"rate": 96}, {"role": "admin"}, {"rate_change_mode": "start-today"}):
        people[0]["workspaces"][0].update(entry)
        plan = onboarding_plan(people, org)
        assert [row["user"] for ws in plan["workspaces"] for row in ws["users"]] == ["bob@example.com"]
        people[0]["workspaces"][0] = {"name": "Acme HQ", "role": "user", "rate": 95}
    # An admin flag that differs goes to the organization task; check mode compares everyone.
    people[0]["admin"] = True
    assert [u["user"] for u in onboarding_plan(people, org)["organization_users"]] == ["bob@example.com"]
    people[0].pop("admin")
    plan = onboarding_plan(people, org, check_mode=True)
    assert [u["user"] for u in plan["organization_users"]] == ["bob@example.com"]
    assert [row["user"] for ws in plan["workspaces"] for row in ws["users"]] == ["bob@example.com"]


def test_a_group_everyone_is_in_already_is_left_out():
    plan = onboarding_plan([{"email": "bob@example.com", "groups": ["Engineering", "300"]}], organization())
    assert plan["groups"] == []


def test_check_mode_leaves_newcomers_to_the_invitation():
    people = [
        {"email": "dana@example.com", "workspaces": [{"name": "Acme HQ"}], "groups": ["Contractors"]},
        {"email": "eve@example.com", "workspaces": [{"name": "Acme HQ", "rate": 60}], "groups": ["Contractors"]},
    ]
    plan = onboarding_plan(people, organization(), check_mode=True)
    assert [user["user"] for user in plan["organization_users"]] == ["dana@example.com", "eve@example.com"]
    # eve's rows show her organization-wide deactivation until the organization task ends it.
    assert plan["workspaces"] == [
        {"workspace": "100", "name": "Acme HQ", "users": [{"user": "eve@example.com", "rate": 60}]}
    ]
    assert plan["groups"] == [
        {"id": "301", "name": "Contractors", "users": ["eve@example.com"], "missing": ["eve@example.com"]}
    ]


def test_workspaces_no_member_is_in_are_listed_for_a_lookup_then_resolved():
    people = [
        {"email": "dana@example.com", "workspaces": [{"name": "Acme Empty", "role": "admin"}, {"name": "Acme HQ"}]}
    ]
    first = onboarding_plan(people, organization())
    assert first["unresolved_workspaces"] == ["Acme Empty"]
    second = onboarding_plan(people, organization(), workspace_ids={"Acme Empty": 102})
    assert second["unresolved_workspaces"] == []
    invited_into = second["organization_users"][0]["workspaces"]
    assert invited_into == [{"workspace": "102", "role": "admin"}, {"workspace": "100"}]
    # Roles only: the invitation carries them, so no workspace task.
    assert second["workspaces"] == []


def test_unknown_groups_are_listed_by_name_or_id():
    plan = onboarding_plan([{"email": "bob@example.com", "groups": ["Nope", "999", "Engineering"]}], organization())
    assert plan["unknown_groups"] == ["Nope", "999"]


def test_paid_settings_on_a_free_plan_are_refused_only_when_the_plan_is_known():
    people = [
        {"email": "dana@example.com", "workspaces": [{"name": "Acme HQ", "rate": 1, "working_hours_in_minutes": 60}]}
    ]
    assert onboarding_plan(people, organization())["paid_plan_refusals"] == []
    assert onboarding_plan(people, organization(details={"pricing_plan_name": "Starter"}))["paid_plan_refusals"] == []
    assert onboarding_plan(people, organization(details={"pricing_plan_name": "Free"}))["paid_plan_refusals"] == [
        "dana@example.com in Acme HQ: rate",
        "dana@example.com in Acme HQ: working_hours_in_minutes",
    ]


@pytest.mark.parametrize(
    "people, message",
    [
        ([{"email": "a@example.com"}, {"email": "A@EXAMPLE.COM"}], "A@EXAMPLE.COM is listed more than once"),
        ([{"email": "not-an-address"}], "entry 1 needs an e-mail address in email"),
        ([{"name": "Dana"}], "entry 1 has unknown key(s) name"),
        (["dana@example.com"], "entry 1 is not a dict with an email"),
        (
            [{"email": "a@example.com", "workspaces": [{"role": "user"}]}],
            "each workspace of a@example.com needs a name",
        ),
        ([{"email": "a@example.com", "workspaces": [{"name": "Acme HQ", "rates": 5}]}], "unknown key(s) rates"),
        (
            [{"email": "a@example.com", "workspaces": [{"name": "Acme HQ"}, {"name": 100}]}],
            "in workspace Acme HQ twice",
        ),
        ([{"email": "a@example.com", "groups": "Engineering"}], "groups of a@example.com must be a list"),
        ([{"email": "a@example.com", "groups": [" "]}], "groups of a@example.com has a blank entry"),
        ({"email": "a@example.com"}, "must be a list of people"),
    ],
)
def test_bad_input_fails_naming_it(people, message):
    with pytest.raises(AnsibleFilterError) as raised:
        onboarding_plan(people, organization())
    assert str(raised.value).startswith("toggl_onboarding_people: ")
    assert message in str(raised.value)


@pytest.mark.parametrize("org", [None, {"id": 10, "users": []}, {"users": [], "groups": []}])
def test_the_organization_must_come_from_the_info_module_with_users_and_groups(org):
    with pytest.raises(AnsibleFilterError, match="toggl_organization_info"):
        onboarding_plan([], org)
