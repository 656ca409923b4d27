"""Groups: create/replace/patch/delete with the documented errors; project groups."""

import pytest


def _group_names(api):
    return [g["name"] for g in api.get("/organizations/10/groups").get_json()]


def test_create_group_and_list_sorted_by_name(api):
    response = api.post("/organizations/10/groups", json={"name": "Design", "users": [3], "workspaces": [101]})
    assert response.status_code == 200
    group = response.get_json()
    assert group["name"] == "Design" and group["workspaces"] == [101]
    assert group["users"] == [
        {"user_id": 3, "name": "Bob Builder", "avatar_url": "", "inactive": False, "joined": True}
    ]
    assert _group_names(api) == ["Design", "Engineering"]
    filtered = api.get("/organizations/10/groups", query={"workspace": "101"}).get_json()
    assert [g["group_id"] for g in filtered] == [group["group_id"]]
    assert [g["name"] for g in api.get("/organizations/10/groups", query={"name": "eng"}).get_json()] == ["Engineering"]
    in_workspace = api.get("/organizations/10/workspaces/101/groups").get_json()
    assert [g["name"] for g in in_workspace] == ["Design"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"users": [2]}, "Group name must be present"),
        ({"name": "  "}, "Group name must be present"),
        ({"name": "g" * 201}, "Group name too long, maximum length is 200"),
        ({"name": "Engineering"}, "Name has already been taken"),
        ({"name": "engineering"}, "Name has already been taken"),
        ({"name": "New", "users": [5]}, "User 5 not exists in the organization 10"),
        ({"name": "New", "workspaces": [300]}, "Workspace 300 not exists in the organization 10"),
        ({"name": "New", "users": "2"}, "Invalid JSON input"),
    ],
)
def test_create_group_errors(api, body, message):
    response = api.post("/organizations/10/groups", json=body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert _group_names(api) == ["Engineering"]


def test_group_name_of_200_characters_is_accepted(api):
    assert api.post("/organizations/10/groups", json={"name": "g" * 200}).status_code == 200


def test_replace_group(api):
    response = api.put("/organizations/10/groups/200", json={"name": "Platform", "users": [3]})
    assert response.status_code == 200
    group = response.get_json()
    assert group["name"] == "Platform" and [u["user_id"] for u in group["users"]] == [3]
    assert group["workspaces"] == [100]  # left out: kept


def test_replace_group_errors(api):
    api.post("/organizations/10/groups", json={"name": "Design"})
    assert api.put("/organizations/10/groups/200", json={"name": "Design"}).get_json() == "Name has already been taken"
    missing = api.put("/organizations/10/groups/999", json={"name": "X"})
    assert missing.status_code == 404 and missing.get_json() == "Invalid group ID."


@pytest.mark.parametrize("wrap", [False, True], ids=["swagger-array", "pages-items"])
def test_patch_group_accepts_both_body_forms(api, wrap):
    operations = [
        {"op": "add", "path": "/users", "value": [3]},
        {"op": "remove", "path": "/users", "value": [2]},
        {"op": "add", "path": "/workspaces", "value": [101]},
    ]
    response = api.patch("/organizations/10/groups/200", json={"items": operations} if wrap else operations)
    assert response.status_code == 200
    assert response.get_json() == {"success": operations, "failure": []}
    group = api.get("/organizations/10/groups").get_json()[0]
    assert [u["user_id"] for u in group["users"]] == [3]
    assert group["workspaces"] == [100, 101]


def test_patch_replace(api):
    api.patch("/organizations/10/groups/200", json=[{"op": "replace", "path": "/users", "value": [1, 3]}])
    assert [u["user_id"] for u in api.get("/organizations/10/groups").get_json()[0]["users"]] == [1, 3]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([{"op": "move", "path": "/users", "value": [3]}], "Empty or invalid patch operation"),
        ([{"op": "add", "path": "/name", "value": [3]}], "Empty or invalid patch path"),
        ([{"op": "add", "path": "/users", "value": []}], "Empty or invalid patch value"),
        ([{"op": "add", "path": "/users", "value": list(range(101))}], "Too many values per patch"),
        ([{"op": "add", "path": "/users", "value": [3]}] * 101, "Too many patches"),
        (
            [{"op": "add", "path": "/users", "value": [3]}, {"op": "add", "path": "/users", "value": [5]}],
            "User 5 not exists in the organization 10",
        ),
        ([{"op": "add", "path": "/workspaces", "value": [300]}], "Workspace 300 not exists in the organization 10"),
        ({"op": "add"}, "Invalid JSON input"),
    ],
)
def test_patch_group_errors_change_nothing(api, body, message):
    response = api.patch("/organizations/10/groups/200", json=body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert [u["user_id"] for u in api.get("/organizations/10/groups").get_json()[0]["users"]] == [2]


def test_delete_group(api):
    assert api.delete("/organizations/10/groups/200").status_code == 200
    assert _group_names(api) == []
    again = api.delete("/organizations/10/groups/200")
    assert again.status_code == 404 and again.get_json() == "Invalid group ID."


def test_group_management_needs_admin(api):
    response = api.post("/organizations/10/groups", token="tok-bob", json={"name": "Mine"})
    assert response.status_code == 403


def test_project_groups(pages_api):
    """pages profile: POST answers the new project group (Swagger: a string)."""
    api = pages_api
    missing = api.get("/workspaces/100/project_groups")
    assert missing.status_code == 400
    created = api.post("/workspaces/100/project_groups", json={"project_id": 1000, "group_id": 200})
    assert created.status_code == 200
    link = created.get_json()
    assert link["pid"] == 1000 and link["group_id"] == 200 and link["wid"] == 100
    listed = api.get("/workspaces/100/project_groups", query={"project_ids": "1000,1001"}).get_json()
    assert listed == [link]
    duplicate = api.post("/workspaces/100/project_groups", json={"project_id": 1000, "group_id": 200})
    assert duplicate.status_code == 400
    assert api.post("/workspaces/100/project_groups", json={"project_id": 4242, "group_id": 200}).status_code == 400
    assert api.delete(f"/workspaces/100/project_groups/{link['id']}").status_code == 200
    assert api.get("/workspaces/100/project_groups", query={"project_ids": "1000"}).get_json() == []
