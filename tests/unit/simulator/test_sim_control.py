"""The /_sim control endpoints: request log, faults, reset, state, clock."""

import pytest
from simulator_helpers import BASE_SEED


def test_request_log_format(api):
    api.post("/organizations/10/groups", json={"name": "Logged"}, query={"verbose": "1"})
    api.get("/me", token=None)
    log = api.get("/_sim/requests", token=None).get_json()
    assert log == [
        {
            "method": "POST",
            "path": "/api/v9/organizations/10/groups",
            "query": {"verbose": "1"},
            "body": {"name": "Logged"},
            "status": 200,
            "token": "tok-owner",
        },
        {"method": "GET", "path": "/api/v9/me", "query": {}, "body": None, "status": 401, "token": None},
    ]
    assert api.delete("/_sim/requests", token=None).status_code == 204
    assert api.get("/_sim/requests", token=None).get_json() == []


def test_control_endpoints_are_not_logged_and_need_no_auth(api):
    assert api.get("/_sim/state", token=None).status_code == 200
    assert api.get("/_sim/requests", token=None).get_json() == []


def test_fault_500_then_served(api):
    rules = [{"method": "GET", "path": r"^/api/v9/organizations/10$", "status": 500, "times": 1}]
    assert api.post("/_sim/faults", token=None, json=rules).status_code == 200
    first = api.get("/organizations/10")
    assert first.status_code == 500 and first.content_type == "application/json"
    assert api.get("/organizations/10").status_code == 200
    statuses = [entry["status"] for entry in api.get("/_sim/requests", token=None).get_json()]
    assert statuses == [500, 200]


def test_fault_skip_and_times(api):
    api.post("/_sim/faults", token=None, json=[{"path": "/groups", "status": 502, "skip": 1, "times": 2}])
    statuses = [api.get("/organizations/10/groups").status_code for _attempt in range(4)]
    assert statuses == [200, 502, 502, 200]


def test_fault_method_filter_and_429_retry_after(api):
    api.post("/_sim/faults", token=None, json=[{"method": "post", "path": "/groups", "status": 429, "retry_after": 7}])
    assert api.get("/organizations/10/groups").status_code == 200
    limited = api.post("/organizations/10/groups", json={"name": "Later"})
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "7"
    assert api.post("/organizations/10/groups", json={"name": "Later"}).status_code == 200


def test_reset_fault_without_socket_raises_connection_error(api):
    api.post("/_sim/faults", token=None, json=[{"path": "/me$", "status": "reset"}])
    with pytest.raises(ConnectionResetError):
        api.get("/me")
    assert api.get("/_sim/requests", token=None).get_json()[0]["status"] == "reset"


@pytest.mark.parametrize(
    "rule",
    [
        {"status": 500},
        {"path": "(", "status": 500},
        {"path": "x", "status": "boom"},
        {"path": "x", "status": 500, "times": 0},
    ],
)
def test_bad_fault_rules_are_refused(api, rule):
    assert api.post("/_sim/faults", token=None, json=[rule]).status_code == 400
    assert api.get("/_sim/faults", token=None).get_json() == []


def test_reset_with_seed_and_with_empty_body(api):
    api.post("/organizations/10/groups", json={"name": "Temporary"})
    api.post("/_sim/faults", token=None, json=[{"path": "x", "status": 500}])
    small = {
        "users": [{"id": 7, "email": "solo@example.com", "fullname": "Solo", "api_token": "tok-solo"}],
        "organizations": [
            {
                "id": 70,
                "name": "Solo",
                "plan": "premium",
                "owner": 7,
                "workspaces": [{"id": 700, "name": "Solo WS", "users": [{"user_id": 7, "role": "admin"}]}],
            }
        ],
    }
    assert api.post("/_sim/reset", token=None, json=small).status_code == 200
    assert api.get("/_sim/requests", token=None).get_json() == []
    assert api.get("/_sim/faults", token=None).get_json() == []
    assert api.get("/me").status_code == 403
    assert api.get("/me/workspaces", token="tok-solo").get_json()[0]["id"] == 700
    created = api.post("/organizations/70/groups", token="tok-solo", json={"name": "G"}).get_json()
    assert created["group_id"] > 700

    assert api.post("/_sim/reset", token=None).status_code == 200  # demo state
    demo_orgs = api.get("/me/organizations").get_json()
    assert [o["name"] for o in demo_orgs] == ["Acme"]


def test_reset_with_bad_seed_keeps_state(api):
    response = api.post("/_sim/reset", token=None, json={"users": [{"id": "x"}], "organizations": []})
    assert response.status_code == 400
    assert "seed" in response.get_json()
    assert api.get("/organizations/10").status_code == 200


def test_state_dump(api):
    state = api.get("/_sim/state", token=None).get_json()
    assert {u["email"] for u in state["users"]} >= {"owner@example.com", "bob@example.com"}
    assert [g["name"] for g in state["groups"]] == ["Engineering"]
    assert "now" in state["_simulator"]


def test_clock_moves_forward_only(make_api):
    api = make_api(latency_ms=0, quota=False)  # settings given: a fresh app with its own clock
    before = api.get("/_sim/clock", token=None).get_json()["now"]
    moved = api.post("/_sim/clock", token=None, json={"advance_seconds": 86400}).get_json()
    assert moved["now"] > before and moved["offset_seconds"] == 86400
    assert api.post("/_sim/clock", token=None, json={"advance_seconds": -1}).status_code == 400


def test_seeded_extras(make_api):
    seed = {
        "users": [
            {"id": 1, "email": "o@example.com", "fullname": "O", "api_token": "tok-o"},
            {"id": 2, "email": "i@example.com", "fullname": "I", "api_token": "tok-i"},
            {"id": 3, "email": "d@example.com", "fullname": "D", "api_token": "tok-d"},
        ],
        "organizations": [
            {
                "id": 10,
                "name": "Extras",
                "plan": "premium",
                "owner": 1,
                "users": [
                    {"user_id": 1, "admin": True},
                    {"user_id": 2, "invited": True},
                    {"user_id": 3, "inactive": True},
                ],
                "groups": [{"id": 50, "name": "Crew", "users": [3], "workspaces": [100]}],
                "workspaces": [
                    {
                        "id": 100,
                        "name": "W",
                        "users": [
                            {
                                "user_id": 1,
                                "role": "admin",
                                "rate": 70,
                                "labor_cost": 30,
                                "working_hours_in_minutes": 300,
                            },
                            {"user_id": 2, "role": "user"},
                        ],
                        "reminders": [{"id": 60, "frequency": 7, "threshold": 10, "group_ids": [50]}],
                        "alerts": [
                            {
                                "id": 61,
                                "source_kind": "workspace",
                                "threshold_type": "hours",
                                "thresholds": [100],
                                "receiver_roles": ["admin"],
                            }
                        ],
                        "rates": [
                            {
                                "id": 62,
                                "level": "workspace",
                                "level_id": 100,
                                "type": "billable_rates",
                                "amount": 90,
                                "start": "2024-01-01T00:00:00Z",
                            }
                        ],
                    }
                ],
            }
        ],
    }
    api = make_api(seed)
    statuses = {
        u["email"]: (u["joined"], u["inactive"]) for u in api.get("/organizations/10/users", token="tok-o").get_json()
    }
    assert statuses == {"o@example.com": (True, False), "i@example.com": (False, False), "d@example.com": (True, True)}
    rows = {
        u["user_id"]: u for u in api.get("/organizations/10/workspaces/100/workspace_users", token="tok-o").get_json()
    }
    assert rows[1]["rate"] == 70 and rows[1]["labor_cost"] == 30 and rows[1]["working_hours_in_minutes"] == 300
    assert rows[3]["is_direct"] is False and rows[3]["group_ids"] == [50]
    assert api.get("/workspaces/100/track_reminders", token="tok-o").get_json()[0]["reminder_id"] == 60
    assert api.get("/workspaces/100/alerts", token="tok-o").get_json()[0]["id"] == 61
    assert api.get("/workspaces/100", token="tok-o").get_json()["default_hourly_rate"] == 90
    assert api.get("/me", token="tok-i").status_code == 200  # an existing account can log in


def test_base_seed_is_untouched_by_tests():
    assert BASE_SEED["organizations"][0]["groups"][0]["users"] == [2]
