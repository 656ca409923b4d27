"""The Focus API: its own Bearer keys, the documented status codes and texts, groups shared with
Track (emoji only on Focus), teams with ghosts, users with their filters and pages."""

import copy

import pytest
from simulator_helpers import BASE_SEED

OWNER = {"Authorization": "Bearer toggl_sk_owner"}
BOB = {"Authorization": "Bearer toggl_sk_bob"}
ORG = "/focus/api/organizations/10"


def focus_seed(members=0, groups=0):
    seed = copy.deepcopy(BASE_SEED)
    seed["users"][2]["focus_api_key"] = "toggl_sk_bob"
    org = seed["organizations"][0]
    org["groups"][0].update(emoji="E", ghosts=[{"id": 900, "name": "Placeholder"}])
    for number in range(members):
        seed["users"].append(
            {"id": 1000 + number, "email": "m%03d@example.com" % number, "fullname": "Member %03d" % number}
        )
        org["users"].append({"user_id": 1000 + number})
    for number in range(groups):
        org["groups"].append({"id": 5000 + number, "name": "Team %03d" % number, "users": [], "workspaces": []})
    return seed


@pytest.fixture
def focus(make_api):
    return make_api(focus_seed())


def get(api, path, headers=None, **query):
    return api.get(ORG + path, token=None, headers=OWNER if headers is None else headers, query=query or None)


def test_focus_takes_only_its_own_keys(focus):
    missing = focus.get(ORG + "/roles", token=None)
    assert missing.status_code == 401
    for headers in ({}, {"Authorization": "Bearer nope"}):  # a Track token (Basic), an unknown key
        refused = focus.get(ORG + "/roles", headers=headers) if not headers else get(focus, "/roles", headers)
        assert (refused.status_code, refused.get_json()) == (403, "User does not have access")
    assert get(focus, "/roles").status_code == 200


def test_documented_403_texts_for_outsiders_and_members(make_api):
    seed = focus_seed()
    seed["users"][4]["focus_api_key"] = "toggl_sk_out"
    api = make_api(seed)
    outsider = {"Authorization": "Bearer toggl_sk_out"}
    assert get(api, "/roles", outsider).get_json() == "User does not have access to the organization"
    assert get(api, "/groups/me", outsider).get_json() == "User does not have access to the organization"
    assert get(api, "/users", outsider).get_json() == "User does not have access to the organization"
    teams = get(api, "/teams", outsider, workspace_id=100)
    assert (teams.status_code, teams.get_json()) == (403, "User does not have permission to view groups")
    # bob is a member, not an admin: he reads, he does not write
    assert get(api, "/teams", BOB, workspace_id=100).status_code == 200
    refused = api.post(ORG + "/groups", token=None, headers=BOB, json={"name": "Bob's"})
    assert (refused.status_code, refused.get_json()) == (403, "User does not have access")


def test_a_group_is_one_object_for_both_apis_and_emoji_is_focus_only(focus):
    bob = next(u for u in get(focus, "/users").get_json() if u["email"] == "bob@example.com")
    assert (bob["user_account_id"], bob["user_id"]) == (3, "3")
    created = focus.post(
        ORG + "/groups",
        token=None,
        headers=OWNER,
        json={"name": "Crew", "emoji": "C", "organization_users": [bob["id"]], "workspaces": [101]},
    )
    assert created.status_code == 201
    group = created.get_json()
    assert (group["name"], group["emoji"], group["organization_id"]) == ("Crew", "C", 10)
    assert [(u["user_account_id"], u["organization_user_id"]) for u in group["users"]] == [(3, bob["id"])]
    assert [w["workspace_id"] for w in group["workspaces"]] == [101]

    track = next(g for g in focus.get("/organizations/10/groups").get_json() if g["name"] == "Crew")
    assert track["group_id"] == group["id"] and "emoji" not in track
    assert track["workspaces"] == [101] and [u["user_id"] for u in track["users"]] == [3]
    assert focus.get("/workspaces/101", token="tok-bob").status_code == 200  # access through the group

    # A Track rename keeps the emoji; a Focus PUT changes only what it is given.
    renamed = focus.put(f"/organizations/10/groups/{group['id']}", json={"name": "Crew 2"})
    assert renamed.status_code == 200
    mine = focus.get(ORG + "/groups/me", token=None, headers=BOB).get_json()
    assert mine == [{"id": group["id"], "name": "Crew 2", "emoji": "C"}]
    emoji_only = focus.put(f"{ORG}/groups/{group['id']}", token=None, headers=OWNER, json={"emoji": "D"})
    assert emoji_only.status_code == 200
    assert (emoji_only.get_json()["name"], emoji_only.get_json()["emoji"]) == ("Crew 2", "D")
    assert [u["user_account_id"] for u in emoji_only.get_json()["users"]] == [3]
    cleared = focus.put(f"{ORG}/groups/{group['id']}", token=None, headers=OWNER, json={"emoji": ""})
    assert cleared.get_json()["emoji"] is None


def test_group_writes_answer_400_and_404_with_the_documented_texts(focus):
    def post(body):
        return focus.post(ORG + "/groups", token=None, headers=OWNER, json=body)

    for body in (
        {"name": "engineering"},
        {"name": ""},
        {"name": "x" * 201},
        {"name": "A", "workspaces": [300]},
        {"name": "A", "organization_users": [999999]},
        {"name": 5},
    ):
        answer = post(body)
        assert (answer.status_code, answer.get_json()) == (400, "Invalid request"), body
    missing = focus.put(ORG + "/groups/999", token=None, headers=OWNER, json={"name": "X"})
    assert (missing.status_code, missing.get_json()) == (404, "Group not found")

    no_workspace = focus.delete(ORG + "/groups/200", token=None, headers=OWNER)
    assert (no_workspace.status_code, no_workspace.get_json()) == (400, "Invalid request")
    other_org = focus.delete(ORG + "/groups/200", token=None, headers=OWNER, query={"workspace_id": 300})
    assert other_org.status_code == 400
    deleted = focus.delete(ORG + "/groups/200", token=None, headers=OWNER, query={"workspace_id": 100})
    assert (deleted.status_code, deleted.get_json()) == (200, "OK")
    assert focus.get("/organizations/10/groups").get_json() == []
    gone = focus.delete(ORG + "/groups/200", token=None, headers=OWNER, query={"workspace_id": 100})
    assert (gone.status_code, gone.get_json()) == (404, "Group not found")


def test_a_server_error_on_focus_says_server_error(focus):
    focus.post("/_sim/faults", token=None, json=[{"path": "/focus/api/.*/roles", "status": 500}])
    failed = get(focus, "/roles")
    assert (failed.status_code, failed.get_json()) == (500, "Server error")
    focus.post("/_sim/faults", token=None, json=[{"path": "/api/v9/me$", "status": 500}])
    assert focus.get("/me").get_json() == "Internal Server Error"  # Track keeps its own text


def test_teams_pages_filters_and_ghosts(make_api):
    api = make_api(focus_seed(groups=7))
    assert get(api, "/teams").status_code == 400  # workspace_id is required
    first = get(api, "/teams", workspace_id=100, per_page=3).get_json()
    assert (first["page"], first["rows"], first["total"]) == (1, 3, 8)
    pages = [get(api, "/teams", workspace_id=100, per_page=3, page=page).get_json() for page in (1, 2, 3, 4)]
    names = [team["name"] for page in pages for team in page["data"]]
    assert names == ["Engineering"] + ["Team %03d" % n for n in range(7)]
    assert [page["rows"] for page in pages] == [3, 3, 2, 0]
    engineering = pages[0]["data"][0]
    assert engineering["ghosts"] == [{"id": 900, "name": "Placeholder"}] and engineering["emoji"] == "E"
    assert pages[0]["data"][1]["ghosts"] == []

    def names_of(**query):
        return [team["name"] for team in get(api, "/teams", workspace_id=100, **query).get_json()["data"]]

    assert names_of(filter="team 00", sort_dir="desc", per_page=2) == ["Team 006", "Team 005"]
    assert names_of(group_ids="5001,5003") == ["Team 001", "Team 003"]
    assert [t["id"] for t in get(api, "/teams?group_ids=5001&group_ids=5002&workspace_id=100").get_json()["data"]] == [
        5001,
        5002,
    ]
    alice = next(u["id"] for u in get(api, "/users").get_json() if u["user_account_id"] == 2)
    assert names_of(organization_user_id=alice) == ["Engineering"]
    for bad in ({"per_page": 0}, {"page": "x"}, {"sort_dir": "up"}, {"group_ids": "a"}):
        assert get(api, "/teams", workspace_id=100, **bad).status_code == 400, bad


def test_users_pages_filters_rates_and_roles(make_api):
    seed = focus_seed(members=5)
    hq = seed["organizations"][0]["workspaces"][0]
    hq["users"][2]["rate"] = 55  # bob's own rate in Acme HQ
    hq["users"][2]["working_hours_in_minutes"] = 420
    api = make_api(seed)
    everyone = get(api, "/users").get_json()
    assert isinstance(everyone, list) and len(everyone) == 8
    pages = [get(api, "/users", per_page=3, page=page).get_json() for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [3, 3, 2]
    assert [u["id"] for page in pages for u in page] == [u["id"] for u in everyone]

    bob = next(u for u in everyone if u["user_account_id"] == 3)
    assert (bob["rate"], bob["working_hours"]) == (None, None)  # only when asked for
    assert [(w["id"], w["track_role_id"], w["toggl_products"]) for w in bob["workspaces"]] == [(100, 13, ["track"])]
    alice = next(u for u in everyone if u["user_account_id"] == 2)
    assert alice["groups"] == [{"id": 200, "name": "Engineering", "emoji": "E", "workspace_ids": [100]}]
    assert alice["workspaces"][0]["groups"] == [{"id": 200, "name": "Engineering", "emoji": "E"}]

    detailed = get(api, "/users", user_account_ids=3, include_rates="true", include_working_hours="true").get_json()
    assert len(detailed) == 1
    assert {k: detailed[0]["rate"][k] for k in ("hourly_rate", "currency", "workspace_id")} == {
        "hourly_rate": 55,
        "currency": "USD",
        "workspace_id": 100,
    }
    assert detailed[0]["rate"]["workspace_user_rate_id"] is not None and detailed[0]["working_hours"] == 7

    def emails(**query):
        return [u["email"] for u in get(api, "/users", **query).get_json()]

    assert emails(only_admins="true") == ["alice@example.com", "owner@example.com"]
    assert emails(groups=200) == ["alice@example.com"]
    assert emails(workspaces=101) == ["owner@example.com"]
    assert emails(roles=13) == ["bob@example.com"]
    assert emails(filter="BOB") == ["bob@example.com"]
    assert emails(org_user_ids=alice["id"]) == ["alice@example.com"]
    assert emails(active_status="active", sort_dir="desc", per_page=2) == ["owner@example.com", "m004@example.com"]
    assert emails(toggl_products="focus") == []
    assert get(api, "/users", per_page=-1).status_code == 400
