"""Workspaces: creation and update validation, premium settings, constraints, statistics."""

import pytest


def _workspace_names(api, org_id):
    return sorted(w.name for w in api.simulator.state.workspaces_of(org_id))


def test_create_workspace_applies_every_setting(api):
    body = {
        "name": "Acme Ops",
        "default_currency": "EUR",
        "default_hourly_rate": 75,
        "rounding": -1,
        "rounding_minutes": 15,
        "only_admins_may_create_projects": True,
        "only_admins_may_create_tags": True,
        "only_admins_see_team_dashboard": True,
        "projects_billable_by_default": False,
        "projects_enforce_billable": True,
        "projects_private_by_default": False,
        "limit_public_project_data": True,
        "reports_collapse": False,
    }
    response = api.post("/organizations/10/workspaces", json=body)
    assert response.status_code == 200
    created = response.get_json()
    fetched = api.get(f"/workspaces/{created['id']}").get_json()
    for field, value in body.items():
        assert created[field] == value, field
        assert fetched[field] == value, field
    assert fetched["organization_id"] == 10


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "workspace name must not be nil"),
        ({"name": "   "}, "workspace name must contain non-space characters"),
        ({"name": "w" * 141}, "workspace name must not be longer than 140"),
        ({"name": "Acme HQ"}, "another workspace with same name exists in organization"),
        ({"name": "acme hq "}, "another workspace with same name exists in organization"),
        ({"name": "New", "rounding": "up"}, "JSON is not valid"),
        ({"name": "New", "admins": [999]}, "User with id 999 does not exist."),
    ],
)
def test_create_workspace_documented_errors(api, body, message):
    response = api.post("/organizations/10/workspaces", json=body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert _workspace_names(api, 10) == ["Acme HQ", "Acme Labs"]


def test_workspace_limit_of_organization(seed, make_api):
    seed["organizations"][0]["max_workspaces"] = 2
    api = make_api(seed)
    response = api.post("/organizations/10/workspaces", json={"name": "Third"})
    assert response.status_code == 400
    assert response.get_json() == "Organization Acme can have a maximum of 2 workspaces"


PREMIUM_CASES = [
    ({"default_hourly_rate": 50}, "Must be a premium user to use default_hourly_rate"),
    ({"default_currency": "EUR"}, "Must be a premium user to use default_currency"),
    ({"rounding_minutes": 15}, "Must be a premium user to use rounding_minutes"),
    ({"projects_billable_by_default": False}, "Must be a premium user to use projects_billable_by_default"),
    ({"rounding": 0}, "Must be a premium user to use rounding"),
    (
        {"only_admins_may_create_tags": True},
        "restricting tag management to administrators requires a premium subscription",
    ),
]


@pytest.mark.parametrize(("settings", "message"), PREMIUM_CASES)
def test_premium_settings_on_free_plan_are_402_on_create(api, settings, message):
    response = api.post("/organizations/20/workspaces", json={"name": "Paid stuff", **settings})
    assert response.status_code == 402
    assert response.get_json() == message
    assert "X-Toggl-Quota-Remaining" not in response.headers
    assert _workspace_names(api, 20) == ["Free Space"]


@pytest.mark.parametrize(("settings", "message"), PREMIUM_CASES)
def test_premium_settings_on_free_plan_are_402_on_update(api, settings, message):
    before = api.get("/workspaces/300").get_json()
    response = api.put("/workspaces/300", json={"name": "Renamed", **settings})
    assert response.status_code == 402
    assert response.get_json() == message
    assert api.get("/workspaces/300").get_json() == before  # validated before any change


def test_free_plan_accepts_unchanged_premium_values_and_plain_settings(api):
    current = api.get("/workspaces/300").get_json()
    body = {
        "default_currency": current["default_currency"],
        "rounding": current["rounding"],
        "only_admins_may_create_tags": False,
        "only_admins_may_create_projects": True,
        "reports_collapse": False,
    }
    response = api.put("/workspaces/300", json=body)
    assert response.status_code == 200
    assert response.get_json()["only_admins_may_create_projects"] is True


def test_starter_plan_allows_premium_settings(api):
    response = api.put(
        "/workspaces/100",
        json={
            "default_currency": "GBP",
            "rounding_minutes": 30,
            "default_hourly_rate": 90,
            "only_admins_may_create_tags": True,
        },
    )
    assert response.status_code == 200
    workspace = api.get("/workspaces/100").get_json()
    assert workspace["default_currency"] == "GBP"
    assert workspace["default_hourly_rate"] == 90
    assert workspace["only_admins_may_create_tags"] is True


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": ""}, "workspace name must contain non-space characters"),
        ({"name": "n" * 141}, "workspace name must not be longer than 140"),
        ({"name": "Acme Labs"}, "another workspace with same name exists in organization"),
        ({"admins": [5]}, "User with id 5 does not exist."),
        ({"rounding": 7}, "rounding must be -1, 0 or 1"),
        (
            {"rate_change_mode": "sometimes"},
            "rate_change_mode must be one of: override-all, override-current, start-today",
        ),
    ],
)
def test_update_workspace_errors(api, body, message):
    response = api.put("/workspaces/100", json=body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert api.get("/workspaces/100").get_json()["name"] == "Acme HQ"


def test_rename_workspace_to_its_own_name_is_fine(api):
    assert api.put("/workspaces/100", json={"name": "Acme HQ"}).status_code == 200


def test_time_entry_constraints_round_trip(api):
    response = api.post(
        "/workspaces/100/time_entry_constraints", json={"time_entry_constraints_enabled": True, "project_present": True}
    )
    assert response.get_json() == {"wid": 100}
    constraints = api.get("/workspaces/100/time_entry_constraints").get_json()
    assert constraints["time_entry_constraints_enabled"] is True and constraints["project_present"] is True
    assert api.get("/workspaces/100").get_json()["te_constraints"]["project_present"] is True


def test_time_entry_constraints_need_admin(api):
    response = api.post("/workspaces/100/time_entry_constraints", token="tok-bob", json={"tag_present": True})
    assert response.status_code == 400
    assert response.get_json() == "Admin permissions required"


def test_workspace_statistics(api):
    stats = api.get("/workspaces/100/statistics").get_json()
    assert stats["members_count"] == 3
    assert stats["groups_count"] == 1
    assert sorted(a["user_id"] for a in stats["admins"]) == [1, 2]
