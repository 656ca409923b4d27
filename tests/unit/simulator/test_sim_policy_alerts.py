"""Alerts as toggl_alert relies on them: PUT replaces the alert, the documented 400 texts for
values outside the simulator's assumed enums, access rules."""

import pytest


def body(**overrides):
    payload = {
        "source_kind": "project",
        "project_id": 1000,
        "threshold_type": "percentage",
        "thresholds": [80, 100],
        "receiver_roles": ["admin"],
        "receiver_users": [3],
    }
    payload.update(overrides)
    return payload


def test_put_replaces_the_alert_so_a_left_out_list_is_emptied(api):
    alert = api.post("/workspaces/100/alerts", json=body(receiver_groups=[200])).get_json()
    assert alert["receiver_groups"] == [200] and alert["receivers"] == 3
    kept = api.put(f"/workspaces/100/alerts/{alert['id']}", json=body(thresholds=[50], receiver_groups=[200]))
    assert kept.get_json()["receiver_groups"] == [200] and kept.get_json()["thresholds"] == [50]
    dropped = api.put(f"/workspaces/100/alerts/{alert['id']}", json=body(thresholds=[50])).get_json()
    assert dropped["receiver_groups"] == []


def test_a_workspace_alert_has_no_project(api):
    alert = api.post(
        "/workspaces/100/alerts", json=body(source_kind="workspace", project_id=None, threshold_type="hours")
    ).get_json()
    assert alert["project_id"] is None and alert["project_name"] is None
    assert api.get("/workspaces/100/alerts").get_json() == [alert]


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"receiver_users": [5]}, "receiver type out of range"),
        ({"receiver_groups": [4242]}, "receiver type out of range"),
        ({"thresholds": [1001]}, "threshold out of range"),
        ({"project_id": 4242}, "project can't be blank"),
    ],
)
def test_documented_texts_for_receivers_and_thresholds_outside_the_model(api, overrides, message):
    response = api.post("/workspaces/100/alerts", json=body(**overrides))
    assert (response.status_code, response.get_json()) == (400, message)
    assert api.simulator.state.alerts == {}


def test_a_refused_put_changes_nothing(api):
    alert = api.post("/workspaces/100/alerts", json=body()).get_json()
    response = api.put(f"/workspaces/100/alerts/{alert['id']}", json=body(source_kind="galaxy"))
    assert (response.status_code, response.get_json()) == (400, "source kind out of range")
    assert api.get("/workspaces/100/alerts").get_json() == [alert]


def test_members_read_admins_write(api):
    alert = api.post("/workspaces/100/alerts", json=body()).get_json()
    assert api.get("/workspaces/100/alerts", token="tok-bob").status_code == 200
    for response in (
        api.post("/workspaces/100/alerts", json=body(), token="tok-bob"),
        api.put(f"/workspaces/100/alerts/{alert['id']}", json=body(), token="tok-bob"),
        api.delete(f"/workspaces/100/alerts/{alert['id']}", token="tok-bob"),
    ):
        assert response.status_code == 403
    unknown = api.get("/workspaces/424242/alerts")
    assert (unknown.status_code, unknown.get_json()) == (400, "invalid workspace ID")
    assert api.get("/workspaces/100/alerts").get_json() == [alert]


def test_alerts_are_per_workspace(api):
    alert = api.post("/workspaces/100/alerts", json=body()).get_json()
    other = api.delete(f"/workspaces/101/alerts/{alert['id']}")
    assert (other.status_code, other.get_json()) == (403, "Alert not found or not accessible")
