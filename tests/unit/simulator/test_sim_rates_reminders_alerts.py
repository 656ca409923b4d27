"""Rates (with history), track reminders and alerts."""

import pytest


def _rate(api, **body):
    payload = {
        "level": "workspace",
        "level_id": 100,
        "type": "billable_rates",
        "amount": 100,
        "mode": "override-current",
    }
    payload.update(body)
    return api.post("/workspaces/100/rates", json=payload)


def test_workspace_rate_sets_default_hourly_rate(api):
    response = _rate(api, amount=120)
    assert response.status_code == 201
    assert api.get("/workspaces/100").get_json()["default_hourly_rate"] == 120
    history = api.get("/workspaces/100/rates/workspace/100").get_json()
    assert [(r["amount"], r["end"], r["deleted_at"]) for r in history] == [(120, None, None)]


def test_start_today_ends_the_current_rate(make_api):
    api = make_api(quota=False, rate_limit=0)  # fresh app: this test moves the clock
    _rate(api, amount=100, mode="override-current")
    api.post("/_sim/clock", token=None, json={"advance_seconds": 3 * 86400})
    _rate(api, amount=150, mode="start-today")
    history = api.get("/workspaces/100/rates/workspace/100").get_json()
    assert [r["amount"] for r in history] == [100, 150]
    assert history[0]["end"] == history[1]["start"] and history[1]["end"] is None
    assert api.get("/workspaces/100").get_json()["default_hourly_rate"] == 150


def test_override_all_deletes_history_and_explicit_start_schedules(api):
    _rate(api, amount=100)
    _rate(api, amount=110, mode="override-all")
    history = api.get("/workspaces/100/rates/workspace/100").get_json()
    assert history[0]["deleted_at"] is not None and history[-1]["amount"] == 110
    _rate(api, amount=200, mode=None, start="2999-01-01T00:00:00Z")
    assert api.get("/workspaces/100").get_json()["default_hourly_rate"] == 110  # not started yet
    latest = api.get("/workspaces/100/rates/workspace/100").get_json()[-1]
    assert latest["start"] == "2999-01-01T00:00:00Z"


def test_workspace_user_rate_shows_in_listing(api):
    bob = next(u for u in api.get("/organizations/10/workspaces/100/workspace_users").get_json() if u["user_id"] == 3)
    assert _rate(api, level="workspace_user", level_id=bob["id"], amount=55).status_code == 201
    assert _rate(api, level="workspace_user", level_id=bob["id"], type="labor_rates", amount=20).status_code == 201
    bob = next(u for u in api.get("/organizations/10/workspaces/100/workspace_users").get_json() if u["user_id"] == 3)
    assert bob["rate"] == 55 and bob["labor_cost"] == 20
    by_user = api.get("/workspaces/100/rates/user/3", query={"type": "labor_costs"}).get_json()
    assert [r["amount"] for r in by_user] == [20]


def test_project_and_task_levels(api):
    assert _rate(api, level="project", level_id=1000, amount=90).status_code == 201
    assert _rate(api, level="task", level_id=1100, amount=95).status_code == 201
    assert _rate(api, level="project_user", level_id=1200, amount=99).status_code == 201
    assert api.get("/workspaces/100/rates/project/1000").get_json()[0]["project_id"] == 1000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"level": "galaxy"}, "Invalid level: it should be workspace, workspace_user, project or project_user"),
        ({"level": "project", "level_id": 4242}, "Invalid entity ID"),
        ({"level": "workspace_user", "level_id": 4242}, "User not found in workspace"),
        ({"level": "task", "level_id": 4242}, "Task not found in workspace"),
        ({"type": "fees"}, "Invalid type: it should be billable_rates or labor_rates"),
        ({"amount": 0}, "Amount must be greater than 0"),
        ({"mode": None}, "Mode or start must be informed"),
        ({"mode": "whenever"}, "Invalid mode: it should be override-all, override-current or start-today"),
        ({"mode": None, "start": "next tuesday"}, "Invalid start: it should be a valid date time"),
    ],
)
def test_rate_errors(api, body, message):
    response = _rate(api, **body)
    assert response.status_code == 400
    assert response.get_json() == message
    assert api.simulator.state.rates == {}


def test_rate_payload_must_be_informed(api):
    response = api.post("/workspaces/100/rates", data="", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.get_json() == "Request payload must be informed"


def test_rates_on_free_plan_are_402(api):
    response = api.post(
        "/workspaces/300/rates",
        json={"level": "workspace", "level_id": 300, "type": "billable_rates", "amount": 5, "mode": "start-today"},
    )
    assert response.status_code == 402
    assert response.get_json() == "Billable rates are available for Starter and higher plans."
    assert api.get("/workspaces/300/rates/workspace/300").status_code == 402


def test_list_rates_errors(api):
    assert (
        api.get("/workspaces/100/rates/galaxy/1").get_json()
        == "Invalid level: it should be workspace, workspace_user, project or project_user"
    )
    assert api.get("/workspaces/100/rates/user/4242").get_json() == "User not found in workspace"
    assert api.get("/workspaces/424242/rates/workspace/1").get_json() == "Invalid workspace ID"


def test_track_reminders_crud(api):
    created = api.post(
        "/workspaces/100/track_reminders",
        json={"frequency": 7, "threshold": 20, "user_ids": [3], "group_ids": [200], "slack_reminder_enabled": True},
    )
    assert created.status_code == 200
    reminder = created.get_json()
    assert reminder["frequency"] == 7 and reminder["threshold"] == 20
    assert reminder["email_reminder_enabled"] is True and reminder["slack_reminder_enabled"] is True
    listed = api.get("/workspaces/100/track_reminders").get_json()
    assert listed == [reminder]
    updated = api.put(f"/workspaces/100/track_reminders/{reminder['reminder_id']}", json={"frequency": 1})
    assert updated.get_json()["frequency"] == 1 and updated.get_json()["user_ids"] == [3]
    assert api.delete(f"/workspaces/100/track_reminders/{reminder['reminder_id']}").status_code == 200
    assert api.get("/workspaces/100/track_reminders").get_json() == []
    assert api.delete(f"/workspaces/100/track_reminders/{reminder['reminder_id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"frequency": 3, "threshold": 8, "user_ids": [3]}, "frequency must be 1 or 7"),
        ({"frequency": 1, "threshold": 0, "user_ids": [3]}, "threshold must be greater than 0"),
        ({"frequency": 1, "threshold": 8}, "user_ids or group_ids must be provided"),
        ({"frequency": 1, "threshold": 8, "user_ids": [5]}, "User 5 is not a member of the workspace"),
        ({"frequency": 1, "threshold": 8, "group_ids": [999]}, "Group 999 does not exist in the organization"),
    ],
)
def test_track_reminder_errors(api, body, message):
    response = api.post("/workspaces/100/track_reminders", json=body)
    assert response.status_code == 400
    assert response.get_json() == message


def _alert(**overrides):
    body = {
        "source_kind": "project",
        "project_id": 1000,
        "threshold_type": "percentage",
        "thresholds": [80, 100],
        "receiver_roles": ["admin"],
        "receiver_users": [3],
    }
    body.update(overrides)
    return body


def test_alerts_crud(api):
    created = api.post("/workspaces/100/alerts", json=_alert())
    assert created.status_code == 200
    alert = created.get_json()
    assert alert["project_name"] == "Website" and alert["thresholds"] == [80, 100]
    assert alert["receiver_users_name"] == ["Bob Builder"]
    assert api.get("/workspaces/100/alerts").get_json() == [alert]
    replaced = api.put(f"/workspaces/100/alerts/{alert['id']}", json=_alert(thresholds=[50]))
    assert replaced.get_json()["thresholds"] == [50]
    assert api.delete(f"/workspaces/100/alerts/{alert['id']}").status_code == 200
    gone = api.delete(f"/workspaces/100/alerts/{alert['id']}")
    assert gone.status_code == 403 and gone.get_json() == "Alert not found or not accessible"
    assert api.delete("/workspaces/100/alerts/abc").get_json() == "invalid 'alert_id' passed in URL"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"source_kind": None}, "source kind can't be blank"),
        ({"source_kind": "client"}, "source kind out of range"),
        ({"project_id": None}, "project can't be blank"),
        ({"source_kind": "workspace"}, "project not supported for this source kind"),
        ({"threshold_type": ""}, "threshold type can't be blank"),
        ({"threshold_type": "money"}, "threshold type out of range"),
        ({"thresholds": []}, "thresholds can't be blank"),
        ({"thresholds": [0]}, "threshold out of range"),
        ({"receiver_roles": [], "receiver_users": []}, "receivers can't be blank"),
        ({"receiver_roles": ["king"]}, "receiver role out of range"),
    ],
)
def test_alert_errors(api, overrides, message):
    response = api.post("/workspaces/100/alerts", json=_alert(**overrides))
    assert response.status_code == 400
    assert response.get_json() == message
    assert api.get("/workspaces/100/alerts").get_json() == []
