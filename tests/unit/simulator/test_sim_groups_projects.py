"""GET /workspaces/{ws}/projects: the list the collection resolves project names from."""

import copy

import pytest
from simulator_helpers import BASE_SEED


@pytest.fixture
def projects_api(make_api, request):
    seed = copy.deepcopy(BASE_SEED)
    seed["organizations"][0]["workspaces"][0]["projects"] += [
        {"id": 1001, "name": "Web"},
        {"id": 1002, "name": "Legacy web shop", "active": False},
        {"id": 1003, "name": "apps"},
    ]
    return make_api(seed, profile=getattr(request, "param", "swagger"))


def names(response):
    assert response.status_code == 200, response.get_json()
    return [project["name"] for project in response.get_json()]


def test_lists_active_and_archived_sorted_by_name(projects_api):
    response = projects_api.get("/workspaces/100/projects")
    assert names(response) == ["apps", "Legacy web shop", "Web", "Website"]
    website = response.get_json()[-1]
    assert {key: website[key] for key in ("id", "workspace_id", "wid", "name", "active", "status")} == {
        "id": 1000,
        "workspace_id": 100,
        "wid": 100,
        "name": "Website",
        "active": True,
        "status": "active",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"name": "web"}, ["Legacy web shop", "Web", "Website"]),
        ({"name": "WEB", "active": "true"}, ["Web", "Website"]),
        ({"active": "false"}, ["Legacy web shop"]),
        ({"active": "both", "name": "apps"}, ["apps"]),
        ({"project_ids": "1000,1003"}, ["apps", "Website"]),
        ({"per_page": "2"}, ["apps", "Legacy web shop"]),
        ({"per_page": "2", "page": "2"}, ["Web", "Website"]),
        ({"per_page": "2", "page": "3"}, []),
    ],
)
def test_filters_and_pages(projects_api, query, expected):
    assert names(projects_api.get("/workspaces/100/projects", query=query)) == expected


def test_per_page_is_capped_at_200(make_api):
    seed = copy.deepcopy(BASE_SEED)
    seed["organizations"][0]["workspaces"][1]["projects"] = [{"id": 5000 + n, "name": "P%03d" % n} for n in range(250)]
    api = make_api(seed)
    assert len(api.get("/workspaces/101/projects", query={"per_page": "500"}).get_json()) == 200
    assert len(api.get("/workspaces/101/projects").get_json()) == 151  # the Swagger's default


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"active": "maybe"}, "Invalid value sent for 'active'."),
        ({"page": "x"}, "Invalid value sent for 'page'."),
        ({"per_page": "0"}, "per_page parameter must contain values > 0."),
        ({"project_ids": "1,a"}, "Invalid value sent for 'project_ids'."),
    ],
)
def test_bad_queries(projects_api, query, message):
    response = projects_api.get("/workspaces/100/projects", query=query)
    assert (response.status_code, response.get_json()) == (400, message)


@pytest.mark.parametrize(
    ("projects_api", "unknown_status"), [("swagger", 403), ("pages", 404)], indirect=["projects_api"]
)
def test_access(projects_api, unknown_status):
    unknown = projects_api.get("/workspaces/999/projects")
    assert unknown.status_code == unknown_status
    outsider = projects_api.get("/workspaces/100/projects", token="tok-out")
    assert (outsider.status_code, outsider.get_json()) == (403, "User does not have access to this resource.")
    assert names(projects_api.get("/workspaces/100/projects", token="tok-bob", query={"name": "apps"})) == ["apps"]
