"""Group membership as the workspace user lists show it (is_direct, group_ids), and what
PUT, PATCH and DELETE of a group do to it."""


def rows(api, workspace_id):
    response = api.get(f"/workspaces/{workspace_id}/workspace_users", query={"includeIndirect": "true"})
    assert response.status_code == 200, response.get_json()
    return {row["user_id"]: row for row in response.get_json()}


def direct_rows(api, workspace_id):
    return {row["user_id"] for row in api.get(f"/workspaces/{workspace_id}/workspace_users").get_json()}


def test_patching_a_workspace_into_a_group_gives_its_members_indirect_access(api):
    assert 2 not in rows(api, 101)
    response = api.patch("/organizations/10/groups/200", json=[{"op": "add", "path": "/workspaces", "value": [101]}])
    assert response.status_code == 200
    alice = rows(api, 101)[2]
    assert alice["is_direct"] is False and alice["group_ids"] == [200]
    assert 2 not in direct_rows(api, 101), "indirect rows only with includeIndirect"
    organization_user = [u for u in api.get("/organizations/10/users").get_json() if u["user_id"] == 2][0]
    assert {w["workspace_id"]: w["groups"] for w in organization_user["workspaces"]}[101] == [
        {"group_id": 200, "name": "Engineering"}
    ]

    api.patch("/organizations/10/groups/200", json=[{"op": "remove", "path": "/workspaces", "value": [101]}])
    assert 2 not in rows(api, 101), "access through the group is gone"


def test_a_direct_member_stays_direct_when_the_group_leaves(api):
    api.patch("/organizations/10/groups/200", json=[{"op": "add", "path": "/users", "value": [3]}])
    bob = rows(api, 100)[3]
    assert bob["is_direct"] is True and bob["group_ids"] == [200]
    api.patch("/organizations/10/groups/200", json=[{"op": "remove", "path": "/users", "value": [3]}])
    bob = rows(api, 100)[3]
    assert bob["is_direct"] is True and bob["group_ids"] == []


def test_put_keeps_lists_left_out_and_empties_given_empty_ones(api):
    group = api.put("/organizations/10/groups/200", json={"name": "Platform"}).get_json()
    assert [u["user_id"] for u in group["users"]] == [2] and group["workspaces"] == [100]
    group = api.put("/organizations/10/groups/200", json={"name": "Platform", "users": [], "workspaces": []}).get_json()
    assert group["users"] == [] and group["workspaces"] == []


def test_create_then_delete_a_group_grants_then_revokes_access_and_drops_its_project_groups(api):
    group = api.post("/organizations/10/groups", json={"name": "Labs", "users": [3], "workspaces": [101]}).get_json()
    assert rows(api, 101)[3]["group_ids"] == [group["group_id"]]
    link = api.post("/workspaces/100/project_groups", json={"project_id": 1000, "group_id": group["group_id"]})
    assert link.status_code == 200
    assert api.delete(f"/organizations/10/groups/{group['group_id']}").status_code == 200
    assert 3 not in rows(api, 101)
    assert api.get("/workspaces/100/project_groups", query={"project_ids": "1000"}).get_json() == []


def test_patch_with_an_unknown_member_changes_nothing(api):
    response = api.patch(
        "/organizations/10/groups/200",
        json=[{"op": "add", "path": "/workspaces", "value": [101]}, {"op": "add", "path": "/users", "value": [5]}],
    )
    assert (response.status_code, response.get_json()) == (400, "User 5 not exists in the organization 10")
    assert 2 not in rows(api, 101)
