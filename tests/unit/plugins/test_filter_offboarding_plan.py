"""trackops.toggl.offboarding_plan: who to take out of which group, deactivate or remove, and the report."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.trackops.toggl.plugins.filter.offboarding_plan import FilterModule, offboarding_plan


def member(email, user_id, status="joined", owner=False, workspaces=(), groups=()):
    return {
        "email": email,
        "user_id": user_id,
        "status": status,
        "owner": owner,
        "groups": list(groups),
        "workspaces": [
            {"workspace_id": ws_id, "name": name, "groups": list(groups)} for ws_id, name, groups in workspaces
        ],
    }


ORGANIZATION = {
    "id": 10,
    "users": [
        member("owner@example.com", 1, owner=True, workspaces=[(100, "Acme HQ", [])], groups=["Engineering"]),
        member(
            "bob@example.com",
            3,
            workspaces=[(100, "Acme HQ", []), (101, "Acme Labs", ["Engineering"])],
            groups=["Engineering"],
        ),
        member("carol@example.com", 4, workspaces=[(101, "Acme Labs", ["Engineering"])], groups=["Engineering"]),
        member("dan@example.com", 5, status="invited", workspaces=[(100, "Acme HQ", [])]),
        member("eve@example.com", 6, status="inactive", workspaces=[(100, "Acme HQ", [])], groups=["Contractors"]),
    ],
    "groups": [
        {"group_id": 300, "name": "Engineering", "users": [{"user_id": 3}, {"user_id": 4}, {"user_id": 1}]},
        {"group_id": 301, "name": "Contractors", "users": [{"user_id": 6}]},
        {"group_id": 302, "name": "Support", "users": [{"user_id": 1}]},
    ],
}


def report(email, status, member=True, **done):
    entry = dict(
        email=email,
        member=member,
        status=status,
        groups_removed=[],
        workspaces_deactivated=[],
        workspaces_removed=[],
        organization_deactivated=False,
        organization_removed=False,
    )
    entry.update(done)
    return entry


def test_the_filter_is_registered_under_its_name():
    assert FilterModule().filters() == {"offboarding_plan": offboarding_plan}


def test_deactivate_deactivates_and_takes_people_out_of_their_groups_in_one_step():
    # the member list alone: deactivate needs no read of the groups
    organization = {key: value for key, value in ORGANIZATION.items() if key != "groups"}
    plan = offboarding_plan(["Bob@example.com", "eve@example.com", "nobody@example.com"], organization)
    assert plan["organization_id"] == 10 and plan["owners"] == []
    assert plan["groups"] == [] and plan["workspaces"] == [] and plan["remove"] == []
    # one request per person carries both; eve is inactive already but still in a group
    assert plan["deactivate"] == [
        {"user": "Bob@example.com", "inactive": True, "groups": []},
        {"user": "eve@example.com", "inactive": True, "groups": []},
    ]
    # nothing is written before the organization step, which refuses the token's user itself
    assert plan["preflight"] == []
    assert plan["report"] == [
        report(
            "Bob@example.com",
            "joined",
            groups_removed=["Engineering"],
            workspaces_deactivated=["Acme HQ", "Acme Labs"],
            organization_deactivated=True,
        ),
        report("eve@example.com", "inactive", groups_removed=["Contractors"]),
        report("nobody@example.com", "absent", member=False),
    ]


def test_without_group_steps_the_organization_step_checks_for_itself():
    plan = offboarding_plan(["dan@example.com"], ORGANIZATION)
    assert plan["groups"] == [] and plan["preflight"] == []
    assert plan["deactivate"] == [{"user": "dan@example.com", "inactive": True}]


def test_remove_takes_people_out_of_every_workspace_then_the_organization():
    plan = offboarding_plan(["bob@example.com", "carol@example.com"], ORGANIZATION, mode="remove")
    assert plan["groups"] == [
        {"id": "300", "name": "Engineering", "users": ["1"], "removed": ["bob@example.com", "carol@example.com"]}
    ]
    assert plan["workspaces"] == [
        {"workspace": "100", "name": "Acme HQ", "users": [{"user": "bob@example.com"}]},
        {
            "workspace": "101",
            "name": "Acme Labs",
            "users": [{"user": "bob@example.com"}, {"user": "carol@example.com"}],
        },
    ]
    assert plan["remove"] == [{"user": "bob@example.com"}, {"user": "carol@example.com"}]
    assert plan["deactivate"] == []
    assert plan["preflight"] == [
        {"user": "bob@example.com", "state": "absent"},
        {"user": "carol@example.com", "state": "absent"},
    ]
    assert plan["report"][1] == report(
        "carol@example.com",
        "joined",
        groups_removed=["Engineering"],
        workspaces_removed=["Acme Labs"],
        organization_removed=True,
    )


def test_remove_in_check_mode_leaves_access_through_groups_to_the_group_step():
    plan = offboarding_plan(["bob@example.com", "carol@example.com"], ORGANIZATION, mode="remove", check_mode=True)
    assert plan["workspaces"] == [{"workspace": "100", "name": "Acme HQ", "users": [{"user": "bob@example.com"}]}]


def test_the_owner_is_named():
    plan = offboarding_plan(["Owner@Example.com", "bob@example.com"], ORGANIZATION)
    assert plan["owners"] == ["Owner@Example.com"]


def test_a_rerun_plans_nothing():
    organization = dict(ORGANIZATION, users=[member("bob@example.com", 3, status="inactive")], groups=[])
    plan = offboarding_plan(["bob@example.com", "gone@example.com"], organization)
    assert [plan[step] for step in ("preflight", "groups", "deactivate", "workspaces", "remove")] == [[]] * 5
    plan = offboarding_plan(["gone@example.com"], organization, mode="remove")
    assert [plan[step] for step in ("preflight", "groups", "deactivate", "workspaces", "remove")] == [[]] * 5


@pytest.mark.parametrize(
    "people, message",
    [
        (["a@example.com", "A@example.com"], "toggl_offboarding_people: A@example.com is listed more than once"),
        (["not an address"], "toggl_offboarding_people: entry 1 must be an e-mail address"),
        ([{"email": "a@example.com"}], "toggl_offboarding_people: entry 1 must be an e-mail address"),
        ("a@example.com", "toggl_offboarding_people: must be a list of e-mail addresses"),
    ],
)
def test_bad_input_fails_naming_it(people, message):
    with pytest.raises(AnsibleFilterError, match="^" + message.replace(".", r"\.")):
        offboarding_plan(people, ORGANIZATION)


def test_bad_mode_and_organization():
    with pytest.raises(AnsibleFilterError, match="toggl_offboarding_mode: must be deactivate or remove, got 'delete'"):
        offboarding_plan([], ORGANIZATION, mode="delete")
    with pytest.raises(AnsibleFilterError, match=r"mode=remove needs .* \[users, groups\] \(missing: groups\)"):
        offboarding_plan([], {"id": 10, "users": []}, mode="remove")
    with pytest.raises(AnsibleFilterError, match=r"mode=deactivate needs .* \[users\] \(missing: users\)"):
        offboarding_plan([], {"id": 10, "groups": []})
