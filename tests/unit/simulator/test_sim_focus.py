"""The Focus API: its own Bearer keys, and groups shared with Track."""

BEARER = {"Authorization": "Bearer toggl_sk_owner"}


def test_focus_needs_its_own_key(api):
    assert api.get("/focus/api/organizations/10/roles", token=None).status_code == 401
    assert api.get("/focus/api/organizations/10/roles").status_code == 401  # a Track token (Basic)
    wrong = api.get("/focus/api/organizations/10/roles", token=None, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert api.get("/focus/api/organizations/10/roles", token=None, headers=BEARER).status_code == 200


def test_focus_users_and_groups(api):
    users = api.get("/focus/api/organizations/10/users", token=None, headers=BEARER).get_json()
    bob = next(u for u in users if u["email"] == "bob@example.com")
    assert bob["user_account_id"] == 3 and bob["user_id"] == "3"

    created = api.post("/focus/api/organizations/10/groups", token=None, headers=BEARER,
                       json={"name": "Focus Crew", "emoji": "x", "organization_users": [bob["id"]],
                             "workspaces": [101]})
    assert created.status_code == 201
    group = created.get_json()
    assert group["users"][0]["user_account_id"] == 3
    # The same group through Track, and its workspace access.
    track = next(g for g in api.get("/organizations/10/groups").get_json() if g["name"] == "Focus Crew")
    assert track["workspaces"] == [101]
    assert api.get("/workspaces/101", token="tok-bob").status_code == 200

    teams = api.get("/focus/api/organizations/10/teams", token=None, headers=BEARER,
                    query={"workspace_id": 100}).get_json()
    assert teams["total"] == 2 and [t["name"] for t in teams["data"]] == ["Engineering", "Focus Crew"]
    assert api.get("/focus/api/organizations/10/teams", token=None, headers=BEARER).status_code == 400

    updated = api.put(f"/focus/api/organizations/10/groups/{group['id']}", token=None, headers=BEARER,
                      json={"name": "Focus Team"})
    assert updated.get_json()["name"] == "Focus Team"
    duplicate = api.put(f"/focus/api/organizations/10/groups/{group['id']}", token=None, headers=BEARER,
                        json={"name": "Engineering"})
    assert duplicate.status_code == 400

    mine = api.get("/focus/api/organizations/10/groups/me", token=None, headers=BEARER).get_json()
    assert mine == []
    deleted = api.delete(f"/focus/api/organizations/10/groups/{group['id']}", token=None, headers=BEARER,
                         query={"workspace_id": 100})
    assert deleted.status_code == 200
    missing = api.delete(f"/focus/api/organizations/10/groups/{group['id']}", token=None, headers=BEARER,
                         query={"workspace_id": 100})
    assert missing.status_code == 404
