"""PUT /organizations/{o}/users/{id} with the Swagger's organization_user.Payload, in both profiles."""

import pytest


def _member(api, email, organization_id=10):
    return next(u for u in api.get(f"/organizations/{organization_id}/users").get_json() if u["email"] == email)


def _direct_workspaces(api, user_id, organization_id=10):
    state = api.get("/_sim/state").get_json()
    return sorted(
        row["workspace_id"]
        for row in state["workspace_users"]
        if row["user_id"] == user_id
        and row["direct"]
        and any(w["id"] == row["workspace_id"] and w["organization_id"] == organization_id for w in state["workspaces"])
    )


def test_organization_admin_sets_the_flag_in_both_profiles(any_api):
    bob = _member(any_api, "bob@example.com")
    response = any_api.put(f"/organizations/10/users/{bob['id']}", json={"organization_admin": True})
    assert response.status_code == 200
    assert response.get_json() == "OK"  # Swagger: schema type string
    assert _member(any_api, "bob@example.com")["admin"] is True


def test_swagger_drops_the_pages_admin_key(api):
    bob = _member(api, "bob@example.com")
    # Swagger: the payload struct has no `admin`, so the body carries no field at all.
    response = api.put(f"/organizations/10/users/{bob['id']}", json={"admin": True})
    assert response.status_code == 400
    assert response.get_json() == "At least one field is required."
    response = api.put(f"/organizations/10/users/{bob['id']}", json={"admin": True, "inactive": True})
    assert response.status_code == 200
    after = _member(api, "bob@example.com")
    assert after["admin"] is False and after["inactive"] is True


def test_pages_profile_still_takes_admin(pages_api):
    bob = _member(pages_api, "bob@example.com")
    assert pages_api.put(f"/organizations/10/users/{bob['id']}", json={"admin": True}).status_code == 200
    assert _member(pages_api, "bob@example.com")["admin"] is True


def test_workspaces_replace_the_direct_memberships(any_api):
    bob = _member(any_api, "bob@example.com")
    assert _direct_workspaces(any_api, 3) == [100]
    body = {"workspaces": [{"workspace_id": 101, "role_id": 11, "rate": 40}]}
    response = any_api.put(f"/organizations/10/users/{bob['id']}", json=body)
    assert response.status_code == 200, response.get_json()
    assert _direct_workspaces(any_api, 3) == [101]
    rows = any_api.get("/organizations/10/workspaces/101/workspace_users").get_json()
    row = next(r for r in rows if r["user_id"] == 3)
    assert row["role"] == "projectlead" and row["rate"] == 40
    assert all(r["user_id"] != 3 for r in any_api.get("/organizations/10/workspaces/100/workspace_users").get_json())
    listed = _member(any_api, "bob@example.com")
    assert [w["workspace_id"] for w in listed["workspaces"]] == [101]


def test_workspaces_keep_group_access_indirect(any_api):
    alice = _member(any_api, "alice@example.com")  # direct in 100 and in group 200 (workspace 100)
    response = any_api.put(f"/organizations/10/users/{alice['id']}", json={"workspaces": []})
    assert response.status_code == 200
    assert _direct_workspaces(any_api, 2) == []
    rows = any_api.get("/organizations/10/workspaces/100/workspace_users").get_json()
    row = next(r for r in rows if r["user_id"] == 2)
    assert row["is_direct"] is False and row["group_ids"] == [200]


def test_groups_replace_the_group_memberships(any_api):
    group = any_api.post("/organizations/10/groups", json={"name": "Ops", "users": [], "workspaces": []}).get_json()
    alice = _member(any_api, "alice@example.com")
    response = any_api.put(f"/organizations/10/users/{alice['id']}", json={"groups": [group["group_id"]]})
    assert response.status_code == 200
    groups = {g["name"]: g for g in any_api.get("/organizations/10/groups").get_json()}
    assert [u["user_id"] for u in groups["Ops"]["users"] or []] == [2]
    assert not groups["Engineering"]["users"]


def test_name_and_email(any_api):
    bob = _member(any_api, "bob@example.com")
    response = any_api.put(
        f"/organizations/10/users/{bob['id']}", json={"name": "Robert Builder", "email": "robert@example.com"}
    )
    assert response.status_code == 200
    after = _member(any_api, "robert@example.com")
    assert after["name"] == "Robert Builder"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"workspaces": [{"workspace_id": 300}]}, "Workspace '300' is not in Organization '10'."),
        ({"workspaces": [{"workspace_id": 100, "role_id": 1234}]}, "Invalid workspace role with ID: 1234."),
        ({"name": "  "}, "Field 'name' cannot be empty."),
        ({"email": "nobody"}, "Invalid e-mail: 'nobody'"),
        ({"email": "alice@example.com"}, "Email already exists."),
        ({"organization_admin": True, "role_id": 2}, "Cannot use both admin flags and role_id."),
    ],
)
def test_payload_errors(any_api, body, message):
    bob = _member(any_api, "bob@example.com")
    before = any_api.get("/_sim/state").get_json()
    response = any_api.put(f"/organizations/10/users/{bob['id']}", json=body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert any_api.get("/_sim/state").get_json() == before


def test_non_admin_is_refused(any_api):
    bob = _member(any_api, "bob@example.com")
    response = any_api.put(f"/organizations/10/users/{bob['id']}", token="tok-bob", json={"inactive": True})
    assert response.status_code == 403
    assert response.get_json() == "User is not authorized to update the organization user"


def test_assignments_only_in_the_pages_profile(api, make_api):
    body = [{"user_id": 3, "operation": "add"}]
    response = api.put("/organizations/10/workspaces/101/assignments", json=body)
    assert response.status_code == 404
    assert _direct_workspaces(api, 3) == [100]
    pages = make_api(profile="pages")
    assert pages.put("/organizations/10/workspaces/101/assignments", json=body).status_code == 200
    assert _direct_workspaces(pages, 3) == [100, 101]
