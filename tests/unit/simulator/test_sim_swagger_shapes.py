"""Answer shapes and status codes of the swagger profile (and the pages profile's for contrast)."""

import copy

from simulator_helpers import BASE_SEED


def _bob_row_id(api):
    return api.simulator.state.workspace_user(100, 3).id


def test_project_group_post_answers_a_string(api):
    created = api.post("/workspaces/100/project_groups", json={"project_id": 1000, "group_id": 200})
    assert (created.status_code, created.get_json()) == (200, "OK")
    listed = api.get("/workspaces/100/project_groups", query={"project_ids": "1000"}).get_json()
    assert [(link["pid"], link["group_id"]) for link in listed] == [(1000, 200)]


def test_workspace_user_puts_answer_a_string(api):
    by_row = api.put(f"/workspaces/100/workspace_users/{_bob_row_id(api)}", json={"role": "teamlead"})
    assert (by_row.status_code, by_row.get_json()) == (200, "OK")
    by_user = api.put("/workspaces/100/users/3", json={"role": "projectlead"})
    assert (by_user.status_code, by_user.get_json()) == (200, "OK")
    assert api.simulator.state.workspace_user(100, 3).role == "projectlead"


def test_workspace_user_put_answers_the_object_in_pages(pages_api):
    response = pages_api.put(f"/workspaces/100/workspace_users/{_bob_row_id(pages_api)}", json={"role": "teamlead"})
    assert response.status_code == 200 and response.get_json()["role"] == "teamlead"


def test_rate_post_answers_201_without_a_body(api):
    response = api.post(
        "/workspaces/100/rates",
        json={"level": "project", "level_id": 1000, "type": "billable_rates", "amount": 42, "mode": "override-all"},
    )
    assert response.status_code == 201
    assert response.data == b""
    periods = api.get("/workspaces/100/rates/project/1000").get_json()
    assert [p["amount"] for p in periods] == [42]


def test_fixed_fee_is_a_number(make_api):
    seed = copy.deepcopy(BASE_SEED)
    seed["organizations"][0]["workspaces"][0]["projects"].append({"id": 1001, "name": "Fixed", "fixed_fee": 1500})
    api = make_api(seed)
    projects = {p["name"]: p for p in api.get("/workspaces/100/projects").get_json()}
    assert projects["Fixed"]["fixed_fee"] == 1500
    assert projects["Website"]["fixed_fee"] is None
    pages = make_api(seed, profile="pages")
    projects = {p["name"]: p for p in pages.get("/workspaces/100/projects").get_json()}
    assert projects["Fixed"]["fixed_fee"] is True and projects["Website"]["fixed_fee"] is False


def test_me_has_the_fields_live_clients_read(api, make_api):
    me = api.get("/me").get_json()
    assert isinstance(me["toggl_accounts_id"], str) and me["toggl_accounts_id"]
    assert me["image_url"].startswith("https://")
    pages = make_api(profile="pages").get("/me").get_json()
    assert pages["image_url"] == "" and "toggl_accounts_id" not in pages


def test_me_logged_and_workspaces(any_api):
    logged = any_api.get("/me/logged")
    assert logged.status_code == 200
    assert any_api.get("/me/logged", token="tok-nobody").status_code == 403
    listed = any_api.get("/workspaces", token="tok-bob")
    assert listed.status_code == 200
    assert [w["id"] for w in listed.get_json()] == [
        w["id"] for w in any_api.get("/me/workspaces", token="tok-bob").get_json()
    ]


def test_non_admins_may_not_list_organization_users(api):
    refused = api.get("/organizations/10/users", token="tok-bob")
    assert (refused.status_code, refused.get_json()) == (403, "User is not authorized to list the organization users")
    detailed = api.get("/organizations/10/users/detailed", token="tok-bob")
    assert (detailed.status_code, detailed.get_json()) == (403, "Forbidden")
    assert api.get("/organizations/10/users", token="tok-alice").status_code == 200  # an admin


def test_pages_let_members_list_organization_users(pages_api):
    assert pages_api.get("/organizations/10/users", token="tok-bob").status_code == 200


def test_unknown_workspace_is_403_with_the_swagger_text(api):
    for method, path in (
        ("GET", "/workspaces/4242/projects"),
        ("GET", "/workspaces/4242/track_reminders"),
        ("POST", "/workspaces/4242/project_groups"),
    ):
        response = api.request(method, path, json={} if method == "POST" else None)
        assert (response.status_code, response.get_json()) == (403, "User does not have access to this resource."), path


def test_organization_user_filters_as_the_swagger_names_them(api):
    def emails(**query):
        response = api.get("/organizations/10/users", query=query)
        assert response.status_code == 200, response.get_json()
        return [u["email"] for u in response.get_json()]

    assert emails(filter="ALICE") == ["alice@example.com"]
    assert emails(filter="builder") == ["bob@example.com"]
    assert emails(only_admins="true") == ["alice@example.com", "owner@example.com"]
    assert emails(groups="200") == ["alice@example.com"]
    assert emails(workspaces="101") == ["owner@example.com"]
    assert emails(active_status="active", sort_dir="desc") == [
        "owner@example.com",
        "bob@example.com",
        "alice@example.com",
    ]
    bad = api.get("/organizations/10/users", query={"active_status": "gone"})
    assert bad.status_code == 400


def test_a_pending_email_is_not_invited_twice(any_api):
    body = {"emails": ["newbie@example.com"], "workspaces": [{"workspace_id": 100}]}
    first = any_api.post("/organizations/10/invitations", json=body)
    second = any_api.post("/organizations/10/invitations", json=body)
    assert first.status_code == second.status_code == 200
    assert first.get_json()["data"][0]["invitation_id"] == second.get_json()["data"][0]["invitation_id"]
    state = any_api.simulator.state
    assert [i.email for i in state.invitations.values()] == ["newbie@example.com"]
    assert len([m for m in state.members_of(10) if not m.joined]) == 1


def test_workspace_user_delete_refusal_has_the_swagger_text(api):
    row = _bob_row_id(api)
    response = api.delete(f"/workspaces/100/workspace_users/{row}", token="tok-bob")
    assert (response.status_code, response.get_json()) == (403, "Workspace user is not found or accessible")
