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
    # The invitation names the first workspace only (with its role), so alike invitations batch.
    assert plan["organization_users"] == [
        {
            "user": "dana@example.com",
            "inactive": False,
            "admin": False,
            "workspaces": [{"workspace": "100", "role": "admin"}],
        },
        {"user": "erin@example.com", "inactive": False, "workspaces": [{"workspace": "101"}]},
        {"user": "bob@example.com", "inactive": False, "workspaces": [{"workspace": "101", "role": "projectlead"}]},
    ]
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
                {"user": "erin@example.com", "inactive": False},
                {"user": "bob@example.com", "role": "projectlead", "inactive": False},
            ],
        },
    ]
    # Bob is in Engineering already (compared case-insensitively): only the newcomers are missing.
    assert plan["groups"] == [
        {
            "id": "300",
            "name": "Engineering",
            "users": ["dana@example.com", "bob@example.com"],
            "missing": ["dana@example.com"],
        },
        {
            "id": "301",
            "name": "Contractors",
            "users": ["dana@example.com", "erin@example.com"],
            "missing": ["dana@example.com", "erin@example.com"],
        },
    ]


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
    assert second["organization_users"][0]["workspaces"] == [{"workspace": "102", "role": "admin"}]
    assert [(ws["workspace"], ws["name"]) for ws in second["workspaces"]] == [("102", "Acme Empty"), ("100", "Acme HQ")]


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
