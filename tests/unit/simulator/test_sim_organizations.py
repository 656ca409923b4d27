"""Organizations: create, read, rename, roles, workspace statistics."""

import pytest


def test_create_organization_makes_free_org_with_one_workspace(api):
    response = api.post("/organizations", json={"name": "Newco", "workspace_name": "Newco Main"})
    assert response.status_code == 200
    created = response.get_json()
    assert created["name"] == "Newco" and created["workspace_name"] == "Newco Main"
    assert created["id"] > 1200 and created["workspace_id"] > 1200  # larger than every seeded id

    org = api.get(f"/organizations/{created['id']}").get_json()
    assert org["owner"] is True and org["admin"] is True
    assert org["pricing_plan_name"] == "Free"
    workspace = api.get(f"/workspaces/{created['workspace_id']}").get_json()
    assert workspace["organization_id"] == created["id"]
    assert workspace["role"] == "admin"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"workspace_name": "W"}, "Field 'name' cannot be empty."),
        ({"name": "   ", "workspace_name": "W"}, "Field 'name' cannot be empty."),
        ({"name": "x" * 141, "workspace_name": "W"}, "organization name too long, maximum length is 140"),
        ({"name": "Ok"}, "workspace name must be provided"),
        ({"name": "Ok", "workspace_name": "  "}, "workspace name must contain non-space characters"),
        ({"name": "Ok", "workspace_name": "w" * 141}, "workspace name must not be longer than 140"),
        ({"name": 5, "workspace_name": "W"}, "Invalid JSON input"),
    ],
)
def test_create_organization_documented_errors(api, body, message):
    before = len(api.simulator.state.organizations)
    response = api.post("/organizations", json=body)
    assert response.status_code == 400
    assert response.content_type == "application/json"
    assert response.get_json() == message
    assert len(api.simulator.state.organizations) == before


def test_create_organization_rejects_non_json(api):
    response = api.post("/organizations", data="{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json() == "Invalid JSON input"


def test_name_of_exactly_140_characters_is_accepted(api):
    response = api.post("/organizations", json={"name": "x" * 140, "workspace_name": "w" * 140})
    assert response.status_code == 200


def test_rename_organization(api):
    response = api.put("/organizations/10", json={"name": "Acme Corp"})
    assert response.status_code == 200
    assert api.get("/organizations/10").get_json()["name"] == "Acme Corp"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "At least one field is required"),
        ({"name": ""}, "field 'name' cannot be empty"),
        ({"name": "y" * 141}, "organization name too long, maximum length is 140"),
    ],
)
def test_update_organization_documented_errors(api, body, message):
    response = api.put("/organizations/10", json=body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert api.get("/organizations/10").get_json()["name"] == "Acme"


def test_organization_fields(api):
    org = api.get("/organizations/10").get_json()
    for field in (
        "id",
        "name",
        "admin",
        "owner",
        "pricing_plan_id",
        "pricing_plan_name",
        "user_count",
        "max_workspaces",
        "is_multi_workspace_enabled",
        "trial_info",
        "created_at",
        "at",
    ):
        assert field in org
    assert org["user_count"] == 3


def test_roles_list_workspace_roles(api):
    roles = api.get("/organizations/10/roles").get_json()
    names = {(r["entity"], r["code"]) for r in roles}
    assert ("workspace", "ws_admin") in names and ("organization", "org_owner") in names
    assert all("role_id" in r and "permissions" in r for r in roles)


def test_workspace_statistics_keyed_by_workspace_id(api):
    stats = api.get("/organizations/10/workspaces/statistics").get_json()
    assert set(stats) == {"100", "101"}
    assert stats["100"]["members_count"] == 3
    assert stats["100"]["groups_count"] == 1
    assert {"user_id": 1, "name": "Olive Owner"} in stats["100"]["admins"]
