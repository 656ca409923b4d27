"""tests/simulator/conformance.py: request logs checked against the Track API Swagger."""

import json
import sys

from simulator_helpers import SIMULATOR_DIR

sys.path.insert(0, str(SIMULATOR_DIR))
import conformance  # noqa: E402


def _log(api):
    return api.get("/_sim/requests", token=None).get_json()


def test_concrete_paths_map_onto_swagger_templates(api):
    api.get("/workspaces/100/users")
    api.get("/workspaces/100/users")
    api.put("/workspaces/100/users/3", json={"role": "teamlead"})
    api.get("/organizations/10/users", query={"filter": "bob", "page": "1"})
    report = conformance.check(_log(api))
    assert report["requests"] == 4
    assert report["pairs"] == [
        {"method": "GET", "path": "/organizations/{organization_id}/users", "count": 1, "in_swagger": True},
        {"method": "GET", "path": "/workspaces/{workspace_id}/users", "count": 2, "in_swagger": True},
        {"method": "PUT", "path": "/workspaces/{workspace_id}/users/{user_id}", "count": 1, "in_swagger": True},
    ]
    assert report["not_in_swagger"] == [] and report["unknown_query_keys"] == []


def test_a_literal_segment_wins_over_a_parameter():
    swagger = conformance.load_swagger(conformance.DEFAULT_SWAGGER)
    assert (
        swagger.match("GET", "/organizations/10/users/detailed")[0] == "/organizations/{organization_id}/users/detailed"
    )
    assert (
        swagger.match("PUT", "/organizations/10/users/77")[0]
        == "/organizations/{organization_id}/users/{organization_user_id}"
    )
    assert swagger.match("GET", "/nowhere/1") == (None, None)
    template, operation = swagger.match("DELETE", "/me")
    assert template == "/me" and operation is None  # the path exists, the method does not


def test_pages_only_and_live_only_endpoints_are_not_in_swagger(pages_api):
    pages_api.put("/organizations/10/workspaces/101/assignments", json=[{"user_id": 3, "operation": "add"}])
    pages_api.get("/workspaces")
    pages_api.get("/me/logged")
    report = conformance.check(_log(pages_api))
    assert [(i["method"], i["path"]) for i in report["not_in_swagger"]] == [
        ("PUT", "/organizations/{id}/workspaces/{id}/assignments"),
        ("GET", "/workspaces"),
    ]
    assert report["not_in_swagger"][0]["examples"] == ["/api/v9/organizations/10/workspaces/101/assignments"]


def test_unknown_body_and_query_keys_are_reported(pages_api):
    bob = pages_api.simulator.state.membership(10, 3).id
    pages_api.put(f"/organizations/10/users/{bob}", json={"admin": True, "workspaces": [{"workspace_id": 100, "x": 1}]})
    pages_api.put(f"/organizations/10/users/{bob}", json={"organization_admin": True, "groups": []})
    pages_api.get("/organizations/10/users", query={"search": "bob"})
    pages_api.get("/workspaces/100/project_groups", query={"project_ids": "1000"})  # formData in the Swagger
    pages_api.patch("/organizations/10/groups/200", json=[{"op": "add", "path": "/users", "value": [3], "extra": 1}])
    report = conformance.check(_log(pages_api))
    put_path = "/organizations/{organization_id}/users/{organization_user_id}"
    assert report["unknown_body_keys"] == [
        {
            "method": "PATCH",
            "path": "/organizations/{organization_id}/groups/{group_id}",
            "key": "[].extra",
            "count": 1,
        },
        {"method": "PUT", "path": put_path, "key": "admin", "count": 1},
        {"method": "PUT", "path": put_path, "key": "workspaces[].x", "count": 1},
    ]
    assert report["unknown_query_keys"] == [
        {"method": "GET", "path": "/organizations/{organization_id}/users", "key": "search", "count": 1}
    ]


def test_focus_requests_are_listed_apart(api):
    api.get("/focus/api/users", token=None, headers={"Authorization": "Bearer toggl_sk_owner"})
    report = conformance.check(_log(api))
    assert report["pairs"] == [] and report["other_apis"] == [{"method": "GET", "path": "/focus/api/users", "count": 1}]


def test_cli_summary_and_strict(api, tmp_path, capsys):
    api.get("/workspaces")
    log_file = tmp_path / "requests.json"
    log_file.write_text(json.dumps(_log(api)))
    assert conformance.main(["--requests", str(log_file)]) == 0
    out = capsys.readouterr().out
    assert "1 distinct Track method+path pairs, 1 not in the Swagger" in out and "GET /workspaces" in out
    assert conformance.main(["--requests", str(log_file), "--strict", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["not_in_swagger"][0]["path"] == "/workspaces"


def test_path_values_are_checked_against_their_swagger_types(make_api):
    premium = make_api(
        {
            "users": [{"id": 1, "email": "o@example.com", "fullname": "O", "api_token": "tok-owner"}],
            "organizations": [
                {"id": 10, "name": "Acme", "plan": "premium", "owner": 1, "users": [{"user_id": 1, "admin": True}]}
            ],
        }
    )
    premium.get("/audit_logs/10/2026-01-01T00:00:00Z/2026-01-31T00:00:00Z", query={"export": "true"})
    premium.get("/audit_logs/10/yesterday/2026-01-31T00:00:00+01:00", query={"page_size": "10"})
    premium.get("/workspaces/x1/users")
    report = conformance.check(_log(premium))
    template = "/audit_logs/{organization_id}/{from}/{to}"
    assert {"method": "GET", "path": template, "count": 2, "in_swagger": True} in report["pairs"]
    assert report["unknown_query_keys"] == []
    assert report["bad_path_values"] == [
        {"method": "GET", "path": template, "parameter": "from", "value": "yesterday", "count": 1},
        {
            "method": "GET",
            "path": "/workspaces/{workspace_id}/users",
            "parameter": "workspace_id",
            "value": "x1",
            "count": 1,
        },
    ]
