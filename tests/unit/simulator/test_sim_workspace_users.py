"""Workspace users: listings (direct and through groups), updates, removal, assignments."""

import pytest


def _ws_users(api, workspace_id=100, org_id=10, **query):
    return api.get(f"/organizations/{org_id}/workspaces/{workspace_id}/workspace_users", query=query).get_json()


def _row(api, user_id, workspace_id=100, org_id=10):
    return next(u for u in _ws_users(api, workspace_id, org_id) if u["user_id"] == user_id)


def test_listing_fields_and_group_membership(api):
    alice = _row(api, 2)
    assert alice["is_direct"] is True and alice["group_ids"] == [200]
    for field in (
        "id",
        "uid",
        "wid",
        "workspace_id",
        "email",
        "name",
        "role",
        "role_id",
        "admin",
        "workspace_admin",
        "organization_admin",
        "inactive",
        "active",
        "rate",
        "labor_cost",
        "working_hours_in_minutes",
        "view_edit_billable_rates",
        "view_edit_labor_costs",
    ):
        assert field in alice, field
    assert alice["id"] != alice["user_id"]


def test_group_only_member_is_listed_as_indirect(api):
    api.put("/organizations/10/groups/200", json={"name": "Engineering", "users": [2, 3], "workspaces": [101]})
    bob_in_labs = _row(api, 3, workspace_id=101)
    assert bob_in_labs["is_direct"] is False and bob_in_labs["group_ids"] == [200]
    direct_only = api.get("/workspaces/101/workspace_users").get_json()
    assert 3 not in [u["user_id"] for u in direct_only]
    with_indirect = api.get("/workspaces/101/workspace_users", query={"includeIndirect": "true"}).get_json()
    assert 3 in [u["user_id"] for u in with_indirect]
    # Taking the group away from the workspace removes the indirect membership.
    api.patch("/organizations/10/groups/200", json=[{"op": "remove", "path": "/workspaces", "value": [101]}])
    assert 3 not in [u["user_id"] for u in _ws_users(api, 101)]


def test_simple_user_list(api):
    users = api.get("/workspaces/100/users").get_json()
    bob = next(u for u in users if u["id"] == 3)
    assert bob == {
        "id": 3,
        "email": "bob@example.com",
        "fullname": "Bob Builder",
        "inactive": False,
        "is_active": True,
        "is_admin": False,
        "role": "user",
    }


def test_update_workspace_user(api):
    bob = _row(api, 3)
    response = api.put(
        f"/workspaces/100/workspace_users/{bob['id']}",
        json={
            "role": "teamlead",
            "rate": 80,
            "labor_cost": 40,
            "working_hours_in_minutes": 420,
            "view_edit_billable_rates": True,
        },
    )
    assert response.status_code == 200
    bob = _row(api, 3)
    assert bob["role"] == "teamlead" and bob["rate"] == 80 and bob["labor_cost"] == 40
    assert bob["working_hours_in_minutes"] == 420 and bob["view_edit_billable_rates"] is True
    rates = api.get(f"/workspaces/100/rates/workspace_user/{bob['id']}").get_json()
    assert [r["amount"] for r in rates] == [80]


def test_update_by_user_id_and_role_id(api):
    assert api.put("/workspaces/100/users/3", json={"role_id": 10}).status_code == 200
    assert _row(api, 3)["role"] == "admin"
    assert api.put("/workspaces/100/users/4242", json={"inactive": True}).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"working_hours_in_minutes": -5}, "Working hours must be positive or null"),
        ({"role_id": 999}, "Invalid role_id."),
        ({"admin": True, "role_id": 10}, "Cannot use both admin flags and role_id."),
        ({"role": "overlord"}, "Invalid role."),
        ({"rate": "lots"}, "JSON is not valid"),
    ],
)
def test_update_workspace_user_errors(api, body, message):
    bob = _row(api, 3)
    response = api.put(f"/workspaces/100/workspace_users/{bob['id']}", json=body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert _row(api, 3) == bob


def test_update_unknown_workspace_user(api):
    response = api.put("/workspaces/100/workspace_users/999999", json={"inactive": True})
    assert response.status_code == 400
    assert response.get_json() == "Workspace user not found/accessible by user"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"rate": 10}, "Billable rates are available for Starter and higher plans."),
        ({"labor_cost": 10}, "Labor costs are available for Starter and higher plans."),
        ({"working_hours_in_minutes": 480}, "Working hours are available for Starter and higher plans."),
    ],
)
def test_paid_fields_on_free_plan_are_402(api, body, message):
    carol = _row(api, 4, workspace_id=300, org_id=20)
    response = api.put(f"/workspaces/300/workspace_users/{carol['id']}", json={"inactive": True, **body})
    assert response.status_code == 402
    assert response.get_json() == message
    assert _row(api, 4, workspace_id=300, org_id=20)["inactive"] is False


def test_delete_workspace_user(api):
    bob = _row(api, 3)
    assert api.delete(f"/workspaces/100/workspace_users/{bob['id']}").status_code == 200
    assert 3 not in [u["user_id"] for u in _ws_users(api)]
    again = api.delete(f"/workspaces/100/workspace_users/{bob['id']}")
    assert again.status_code == 403 and again.get_json() == "Workspace user is not found or accessible"


def test_deleting_direct_membership_keeps_group_access(api):
    alice = _row(api, 2)
    api.delete(f"/workspaces/100/workspace_users/{alice['id']}")
    alice = _row(api, 2)
    assert alice["is_direct"] is False and alice["group_ids"] == [200]


def test_bulk_delete_workspace_users(api):
    bob = _row(api, 3)
    cases = [
        ({"delete": []}, "At least one workspace user ID must be supplied."),
        ({"delete": [bob["id"], bob["id"]]}, "Workspace user IDs must be unique"),
        ({"delete": [bob["id"], 999999]}, "Wrong workspace user IDs"),
        ({"delete": "all"}, "JSON is not valid"),
    ]
    for body, message in cases:
        response = api.patch("/organizations/10/workspaces/100/workspace_users", json=body)
        assert response.status_code == 400
        assert response.get_json() == message
    assert (
        api.patch("/organizations/10/workspaces/100/workspace_users", json={"delete": [bob["id"]]}).status_code == 200
    )
    assert 3 not in [u["user_id"] for u in _ws_users(api)]


def test_assignments_accept_object_and_list(pages_api):
    """pages profile: the older reference pages' behaviour."""
    api = pages_api
    single = api.put(
        "/organizations/10/workspaces/101/assignments", json={"user_id": 3, "operation": "add", "joined": True}
    )
    assert single.status_code == 200
    assert _row(api, 3, workspace_id=101)["is_direct"] is True
    listed = api.put(
        "/organizations/10/workspaces/100/assignments",
        json=[
            {"user_id": 3, "group_id": 200, "operation": "add"},
            {"user_id": 2, "group_id": 200, "operation": "remove"},
        ],
    )
    assert listed.status_code == 200
    users = api.get("/organizations/10/groups").get_json()[0]["users"]
    assert [u["user_id"] for u in users] == [3]
    api.put("/organizations/10/workspaces/101/assignments", json={"user_id": 3, "operation": "remove"})
    assert 3 not in [u["user_id"] for u in _ws_users(api, 101)]


def test_assignment_errors(pages_api):
    """pages profile: the older reference pages' behaviour."""
    api = pages_api
    cases = [
        (100, {"user_id": 3, "group_id": 999, "operation": "add"}, "Invalid group_id."),
        (300, {"user_id": 3, "operation": "add"}, "Invalid workspace ID."),
        (100, {"user_id": 3, "operation": "merge"}, "Invalid operation."),
        (100, {"user_id": 5, "operation": "add"}, "User does not exist in the organization."),
    ]
    for workspace_id, body, message in cases:
        response = api.put(f"/organizations/10/workspaces/{workspace_id}/assignments", json=body)
        assert response.status_code == 400
        assert response.get_json() == message
