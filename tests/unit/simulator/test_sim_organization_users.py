"""Organization users: pagination headers, filters, bulk removal, per-user changes."""

import pytest


def _big_seed(count: int) -> dict:
    users = [{"id": 1, "email": "owner@example.com", "fullname": "Aaron Owner", "api_token": "tok-owner"}]
    users += [
        {"id": 1 + n, "email": f"user{n:04d}@example.com", "fullname": f"User {n:04d}", "api_token": f"tok-{n}"}
        for n in range(1, count)
    ]
    return {
        "users": users,
        "organizations": [
            {
                "id": 10,
                "name": "Big",
                "plan": "enterprise",
                "owner": 1,
                "users": [{"user_id": u["id"], "admin": u["id"] == 1} for u in users],
                "workspaces": [{"id": 5000, "name": "Main", "users": [{"user_id": 1, "role": "admin"}]}],
            }
        ],
    }


def test_pagination_headers_over_1050_users(make_api):
    api = make_api(_big_seed(1050))
    seen = []
    for page in range(1, 7):
        response = api.get("/organizations/10/users", query={"page": page, "per_page": 200})
        assert response.status_code == 200
        assert response.headers["X-Page"] == str(page)
        assert response.headers["X-Page-Size"] == "200"
        assert response.headers["X-Pages"] == "6"
        assert response.headers["X-Records"] == "1050"
        assert response.headers["X-Sort-Order"] == "asc"
        items = response.get_json()
        assert len(items) == (50 if page == 6 else 200)
        seen += [item["user_id"] for item in items]
    assert len(set(seen)) == 1050
    beyond = api.get("/organizations/10/users", query={"page": 7, "per_page": 200})
    assert beyond.get_json() == []


def test_default_page_size_is_50_and_per_page_is_capped_at_200(make_api):
    api = make_api(_big_seed(260))
    default = api.get("/organizations/10/users")
    assert default.headers["X-Page-Size"] == "50" and len(default.get_json()) == 50
    assert default.headers["X-Pages"] == "6"
    capped = api.get("/organizations/10/users", query={"per_page": 1000})
    assert capped.headers["X-Page-Size"] == "200" and len(capped.get_json()) == 200


def test_sorted_by_name_and_sort_dir(make_api):
    api = make_api(_big_seed(5))
    names = [u["name"] for u in api.get("/organizations/10/users").get_json()]
    assert names == sorted(names, key=str.lower)
    desc = api.get("/organizations/10/users", query={"sort_dir": "desc"})
    assert desc.headers["X-Sort-Order"] == "desc"
    assert [u["name"] for u in desc.get_json()] == list(reversed(names))


def test_org_user_item_shape(api):
    items = api.get("/organizations/10/users").get_json()
    bob = next(item for item in items if item["email"] == "bob@example.com")
    assert bob["id"] != bob["user_id"]  # organization user id, not the user id
    assert bob["joined"] is True and bob["inactive"] is False and bob["owner"] is False
    assert bob["workspaces"][0]["workspace_id"] == 100
    assert bob["workspaces"][0]["role"] == "user"
    alice = next(item for item in items if item["email"] == "alice@example.com")
    assert alice["groups"] == [{"group_id": 200, "name": "Engineering"}]
    owner = next(item for item in items if item["user_id"] == 1)
    assert owner["owner"] is True and owner["admin"] is True


def test_filters(api):
    def emails(**query):
        return sorted(u["email"] for u in api.get("/organizations/10/users", query=query).get_json())

    assert emails(filter="ALICE") == ["alice@example.com"]
    assert emails(only_admins="true") == ["alice@example.com", "owner@example.com"]
    assert emails(groups="200") == ["alice@example.com"]
    assert emails(workspaces="101") == ["owner@example.com"]
    assert emails(active_status="invited") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"active_status": "gone"}, "active_status parameter can contain only 'active', 'inactive' or 'invited'."),
        ({"only_admins": "maybe"}, "only_admins parameter can contain only 'true' or 'false'."),
        ({"page": "x"}, "Invalid value sent for 'page'."),
        ({"page": "0"}, "page parameter must contain values > 0."),
        ({"per_page": "-1"}, "per_page parameter must contain values > 0."),
        ({"sort_dir": "up"}, "sort_dir parameter can contain only 'asc' or 'desc'."),
        ({"groups": "a,b"}, "Invalid value sent for 'groups'."),
        ({"workspaces": "1;2"}, "Invalid value sent for 'workspaces'."),
    ],
)
def test_list_query_errors(api, query, message):
    response = api.get("/organizations/10/users", query=query)
    assert response.status_code == 400
    assert response.get_json() == message


def test_detailed_list_refuses_foreign_workspace(api):
    response = api.get("/organizations/10/users/detailed", query={"workspaces": "300"})
    assert response.status_code == 400
    assert response.get_json() == "user cannot access specified workspace id."
    assert api.get("/organizations/10/users/detailed").headers["X-Records"] == "3"


def _org_user_id(api, email):
    items = api.get("/organizations/10/users").get_json()
    return next(item["id"] for item in items if item["email"] == email)


def test_bulk_delete_removes_member_everywhere(api):
    alice = _org_user_id(api, "alice@example.com")
    response = api.patch("/organizations/10/users", json={"delete": [alice]})
    assert response.status_code == 200
    emails = [u["email"] for u in api.get("/organizations/10/users").get_json()]
    assert "alice@example.com" not in emails
    assert api.get("/organizations/10/groups").get_json()[0]["users"] == []
    ws_users = api.get("/organizations/10/workspaces/100/workspace_users").get_json()
    assert all(u["user_id"] != 2 for u in ws_users)


def test_bulk_delete_errors(api):
    owner = _org_user_id(api, "owner@example.com")
    bob = _org_user_id(api, "bob@example.com")
    cases = [
        ({"delete": []}, "At least one organization user ID must be supplied."),
        ({"delete": [bob, bob]}, "Organization user IDs must be unique."),
        (
            {"delete": [bob, 999999]},
            "The following organization user IDs do not belong to this organization: '999999'.",
        ),
        ({"delete": [bob, owner]}, f"Cannot remove the organization owner user with organization user ID='{owner}'."),
    ]
    for body, message in cases:
        response = api.patch("/organizations/10/users", json=body)
        assert response.status_code == 400
        assert response.get_json() == message
    assert api.get("/organizations/10/users").headers["X-Records"] == "3"  # bob still there


def test_update_organization_user(pages_api):
    """pages profile: the older reference pages' behaviour."""
    api = pages_api
    bob = _org_user_id(api, "bob@example.com")
    response = api.put(f"/organizations/10/users/{bob}", json={"admin": True, "inactive": True})
    assert response.status_code == 200
    item = next(u for u in api.get("/organizations/10/users").get_json() if u["id"] == bob)
    assert item["admin"] is True and item["inactive"] is True
    assert [u["email"] for u in api.get("/organizations/10/users", query={"active_status": "inactive"}).get_json()] == [
        "bob@example.com"
    ]


def test_update_organization_user_errors(pages_api):
    """pages profile: the older reference pages' behaviour."""
    api = pages_api
    owner = _org_user_id(api, "owner@example.com")
    bob = _org_user_id(api, "bob@example.com")
    assert api.put("/organizations/10/users/999999", json={"admin": True}).get_json() == "Invalid organization user ID."
    assert api.put("/organizations/10/users/999999", json={"admin": True}).status_code == 404
    cases = [
        (bob, {}, "At least one field is required."),
        (bob, {"admin": True, "role_id": 2}, "Cannot use both admin flags and role_id."),
        (bob, {"role_id": 4242}, "Invalid role ID: 4242."),
        (bob, {"role_id": 10}, "Invalid organization role."),
        (owner, {"admin": False}, "Cannot remove admin privileges from owner."),
        (owner, {"inactive": True}, "Cannot deactivate owner."),
        (bob, {"groups": [999]}, "Group '999' is not in Organization '10'."),
    ]
    for member, body, message in cases:
        response = api.put(f"/organizations/10/users/{member}", json=body)
        assert response.status_code == 400, body
        assert response.get_json() == message


def test_labour_cost_is_paid_feature(pages_api):
    """pages profile: the older reference pages' behaviour."""
    api = pages_api
    free_items = api.get("/organizations/20/users").get_json()
    carol = next(u["id"] for u in free_items if u["email"] == "carol@example.com")
    response = api.put(f"/organizations/20/users/{carol}", json={"labour_cost": 30})
    assert response.status_code == 402
    bob = _org_user_id(api, "bob@example.com")
    assert api.put(f"/organizations/10/users/{bob}", json={"labour_cost": 30}).status_code == 200
    ws_user = next(
        u for u in api.get("/organizations/10/workspaces/100/workspace_users").get_json() if u["user_id"] == 3
    )
    assert ws_user["labor_cost"] == 30
