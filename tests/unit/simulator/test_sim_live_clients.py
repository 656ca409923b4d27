"""The answers a client written for the live API needs, checked with `requests` over HTTP.

These are the calls toggl-python 0.3.2 (PyPI) makes for CurrentUser.logged/me and
Workspace.list/get/get_projects/get_project/update, and the fields and types its pydantic
models require; toggl-python itself is not a dependency (see tests/simulator/README.md)."""

import copy
import json
import re
import sys
from datetime import datetime

import pytest
import requests
from simulator_helpers import BASE_SEED, SIMULATOR_DIR

sys.path.insert(0, str(SIMULATOR_DIR))
from with_simulator import Simulator  # noqa: E402

TOKEN = "0123456789abcdef0123456789abcdef"  # live API tokens have 32 characters


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    seed = copy.deepcopy(BASE_SEED)
    seed["users"][0]["api_token"] = TOKEN
    seed["users"][0]["default_workspace_id"] = 100
    seed_file = tmp_path_factory.mktemp("seed") / "seed.json"
    seed_file.write_text(json.dumps(seed))
    log = tmp_path_factory.mktemp("log") / "simulator.log"
    with Simulator(["--seed", str(seed_file)], log_path=log) as simulator:  # the default: swagger profile
        session = requests.Session()
        session.auth = (TOKEN, "api_token")
        session.headers["Content-Type"] = "application/json"
        yield simulator.api_url, session


def _datetime(value):
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _get(live, path, **params):
    url, session = live
    response = session.get(f"{url}{path}", params=params or None, timeout=10)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def _check_workspace(workspace):
    assert isinstance(workspace["logo_url"], str) and workspace["logo_url"]
    assert "server_deleted_at" in workspace and workspace["server_deleted_at"] is None
    for field in ("admin", "business_ws", "hide_start_end_times", "ical_enabled", "premium", "reports_collapse"):
        assert isinstance(workspace[field], bool), field
    assert isinstance(workspace["rounding"], int) and -1 <= workspace["rounding"] <= 1
    assert isinstance(workspace["role"], str) and isinstance(workspace["organization_id"], int)
    _datetime(workspace["at"])


def _check_project(project):
    for field in ("at", "created_at", "start_date"):
        _datetime(project[field])
    for field in ("can_track_time", "recurring", "active", "is_private"):
        assert isinstance(project[field], bool), field
    for field in (
        "actual_hours",
        "actual_seconds",
        "auto_estimates",
        "client_id",
        "currency",
        "estimated_hours",
        "estimated_seconds",
        "fixed_fee",
        "rate",
        "rate_last_updated",
        "recurring_parameters",
        "server_deleted_at",
        "template",
        "template_id",
    ):
        assert field in project, field
    assert project["fixed_fee"] is None or isinstance(project["fixed_fee"], int | float)


def test_me_logged(live):
    url, session = live
    assert session.get(f"{url}/me/logged", timeout=10).status_code == 200


def test_me(live):
    me = _get(live, "/me", with_related_data="false")
    assert re.fullmatch(r".{22}", me["toggl_accounts_id"])
    assert me["image_url"].startswith("https://")
    assert len(me["api_token"]) == 32 and isinstance(me["default_workspace_id"], int)
    assert 0 <= me["beginning_of_week"] <= 6 and isinstance(me["openid_enabled"], bool)
    for field in ("at", "created_at", "updated_at", "authorization_updated_at"):
        _datetime(me[field])


def test_me_with_related_data(live):
    me = _get(live, "/me", with_related_data="true")
    assert me["workspaces"] and me["projects"]
    for workspace in me["workspaces"]:
        _check_workspace(workspace)
    for project in me["projects"]:
        _check_project(project)


def test_workspaces_list_and_get(live):
    listed = _get(live, "/workspaces")
    assert [w["id"] for w in listed] == [100, 101, 300]
    for workspace in listed:
        _check_workspace(workspace)
    _check_workspace(_get(live, "/workspaces/100"))


def test_projects_list_and_get(live):
    projects = _get(live, "/workspaces/100/projects")
    assert [p["id"] for p in projects] == [1000]
    _check_project(projects[0])
    _check_project(_get(live, "/workspaces/100/projects/1000"))


def test_workspace_update_answers_the_workspace(live):
    url, session = live
    response = session.put(f"{url}/workspaces/101", json={"name": "Renamed by a live client"}, timeout=10)
    assert response.status_code == 200, response.text
    _check_workspace(response.json())
    assert response.json()["name"] == "Renamed by a live client"
