"""resources/access.py without a server: the local checks of a toggl_access task, the choice of
how to read the members, how workspaces compare, the option declarations and their spec."""

import datetime

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglValidationError
from ansible_collections.trackops.toggl.plugins.module_utils.resources.access import (
    WORKSPACE_SETTINGS,
    argument_spec,
    check_task,
    kept,
    lookup_plan,
    parse_date,
    same_workspaces,
)


def task(people, **options):
    params = {
        "people": people,
        "exclusive": False,
        "max_leavers": 10,
        "expires_warning_days": 14,
        "state": "active",
        "memberships": None,
    }
    params.update(options)
    return params


def refusal(params):
    with pytest.raises(TogglValidationError) as caught:
        check_task(params)
    return str(caught.value)


@pytest.mark.parametrize(
    ("people", "options", "expected"),
    [
        ([{"email": "a@example.com", "workspaces": [{"name": "HQ", "rate": -5}]}], {}, "people[1].workspaces[1].rate"),
        (
            [{"email": "a@example.com", "workspaces": [{"name": "HQ", "working_hours_in_minutes": 2000}]}],
            {},
            "must be at most 1440",
        ),
        ([{"email": "a@example.com"}, {"email": " A@Example.com "}], {}, "entries 1 and 2 both name"),
        ([{"email": "a@example.com", "workspaces": [{"name": "HQ"}, {"name": "hq"}]}], {}, "list each workspace once"),
        ([{"email": "a@example.com", "workspaces": [{"name": " "}]}], {}, "people[1].workspaces[1].name"),
        ([{"email": "a@example.com", "groups": ["Eng", "eng"]}], {}, "lists eng more than once"),
        ([{"email": "not-an-email"}], {}, "people[1].email"),
        ([{"email": "42"}], {}, "must be an e-mail address"),
        ([{"email": "a@example.com", "expires": "soon"}], {}, "people[1].expires: must be a date"),
        ([{"email": "a@example.com", "state": "inactive", "groups": ["Eng"]}], {}, "takes no workspaces or groups"),
        ([], {"exclusive": True}, "would make every member a leaver"),
        ([{"email": "a@example.com"}], {"max_leavers": -1}, "max_leavers: must be 0 or more"),
        ([{"email": "a@example.com"}], {"expires_warning_days": -1}, "expires_warning_days"),
    ],
)
def test_bad_declarations_are_refused_naming_the_field(people, options, expected):
    assert expected in refusal(task(people, **options))


def test_a_top_level_state_is_every_entry_s_default():
    people = [{"email": "a@example.com", "workspaces": [{"name": "HQ"}]}]
    assert "state absent takes no workspaces" in refusal(task(people, state="absent"))


def test_a_good_declaration_passes():
    check_task(
        task(
            [
                {"email": "a@example.com", "workspaces": [{"name": "HQ", "rate": 0, "expires": "2027-01-31"}]},
                {"email": "b@example.com", "state": "inactive", "expires": datetime.date(2027, 1, 1)},
            ]
        )
    )


def test_dates_come_as_strings_or_yaml_dates():
    assert parse_date("x", "2026-12-31") == datetime.date(2026, 12, 31)
    assert parse_date("x", datetime.datetime(2026, 12, 31, 8, 0)) == datetime.date(2026, 12, 31)
    assert parse_date("x", None) is None


@pytest.mark.parametrize(
    ("members", "people", "exclusive", "expected"),
    [
        (5000, 2, False, "filtered"),  # 25 pages against 2 lookups
        (5000, 24, False, "filtered"),
        (5000, 25, False, "all"),  # a tie goes to the pages (later re-reads cost one each too)
        (150, 1, False, "all"),  # one page
        (None, 3, False, "all"),
        (5000, 2, True, "all"),  # an authoritative list needs everyone
    ],
)
def test_the_cheaper_way_to_read_the_members(members, people, exclusive, expected):
    assert lookup_plan(members, ["p%d@example.com" % n for n in range(people)], exclusive) == expected


def test_keep_takes_emails_and_patterns_case_insensitively():
    assert kept("SVC-build@Acme.example", ["svc-*@acme.example"])
    assert kept("ops@acme.example", ["OPS@acme.example"])
    assert not kept("dana@acme.example", ["svc-*@acme.example"])


def test_workspaces_compare_by_the_settings_given_and_ignore_group_reached_ones():
    current = {
        "HQ": {"role": "user", "rate": 50.0},
        "Labs": {"role": "user", "rate": None, "through_groups": ["Engineering"]},
    }
    assert same_workspaces(current, {"HQ": {"rate": 50.0}})
    assert same_workspaces(current, {"HQ": {}, "Labs": {}})
    assert not same_workspaces(current, {"HQ": {"rate": 60.0}})
    assert not same_workspaces(current, {"Labs": {}})  # HQ (direct) would go
    assert not same_workspaces(current, {"HQ": {}, "Empty": {}})


def test_each_setting_is_declared_once_and_gives_the_argument_spec():
    spec = argument_spec()
    workspace = spec["people"]["options"]["workspaces"]["options"]
    for option, setting in WORKSPACE_SETTINGS.items():
        assert workspace[option]["type"] == setting.kind
    assert workspace["labor_cost"]["aliases"] == ["labour_cost"]
    assert workspace["name"]["aliases"] == ["workspace"]
    assert workspace["rate_change_mode"]["choices"] == ["start-today", "override-current", "override-all"]
    # the member list key (models.OrgUserWorkspace) the comparison reads and the PUT writes
    assert WORKSPACE_SETTINGS["labor_cost"].key("labor_cost") == "cost"
    assert WORKSPACE_SETTINGS["working_hours_in_minutes"].key("working_hours_in_minutes") == "working_hours"
