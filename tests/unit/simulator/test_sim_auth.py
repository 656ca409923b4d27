"""Authentication and visibility."""

from simulator_helpers import basic


def test_no_authorization_header_is_401_with_empty_body(api):
    response = api.get("/me", token=None)
    assert response.status_code == 401
    assert response.data == b""


def test_unknown_token_is_403_json_string(api):
    response = api.get("/me", token="tok-nobody")
    assert response.status_code == 403
    assert response.content_type == "application/json"
    assert response.get_json() == "Incorrect username and/or password"


def test_email_and_password_authenticate(api):
    response = api.get("/me", token=None, headers=basic("owner@example.com", "secret"))
    assert response.status_code == 200
    assert response.get_json()["email"] == "owner@example.com"


def test_wrong_password_is_403(api):
    response = api.get("/me", token=None, headers=basic("owner@example.com", "wrong"))
    assert response.status_code == 403


def test_me_returns_profile_fields(api):
    me = api.get("/me").get_json()
    assert me["id"] == 1
    assert me["fullname"] == "Olive Owner"
    assert me["default_workspace_id"] == 100


def test_user_sees_only_own_organizations_and_workspaces(api):
    orgs = api.get("/me/organizations", token="tok-bob").get_json()
    assert [o["id"] for o in orgs] == [10]
    assert orgs[0]["pricing_plan_name"] == "Starter"
    assert orgs[0]["admin"] is False and orgs[0]["owner"] is False
    workspaces = api.get("/me/workspaces", token="tok-bob").get_json()
    assert [w["id"] for w in workspaces] == [100]
    assert workspaces[0]["organization_id"] == 10
    assert "only_admins_may_create_tags" in workspaces[0]


def test_organization_of_someone_else_is_404_not_part(api):
    response = api.get("/organizations/10", token="tok-out")
    assert response.status_code == 404
    assert response.get_json() == "User not part of organization"


def test_unknown_organization_is_404_invalid_id(api):
    response = api.get("/organizations/999999")
    assert response.status_code == 404
    assert response.get_json() == "Invalid organization ID"


def test_workspace_of_someone_else_is_403(api):
    response = api.get("/workspaces/100", token="tok-out")
    assert response.status_code == 403
    assert response.get_json() == "User does not have access to this resource."


def test_unknown_workspace_is_404(pages_api):
    assert pages_api.get("/workspaces/424242").status_code == 404


def test_unknown_workspace_is_403_in_the_swagger_profile(api):
    response = api.get("/workspaces/424242")
    assert (response.status_code, response.get_json()) == (403, "User does not have access to this resource.")


def test_non_admin_cannot_write(api):
    response = api.put("/organizations/10", token="tok-bob", json={"name": "Hijack"})
    assert response.status_code == 403


def test_unknown_route_answers_json_404(api):
    response = api.get("/no/such/thing")
    assert response.status_code == 404
    assert response.content_type == "application/json"
