"""Date header, --read-lag-ms, and the "lost" and "interleave" fault kinds."""

import time
from email.utils import parsedate_to_datetime

import pytest


def _server_time(response):
    return parsedate_to_datetime(response.headers["Date"])


def test_every_api_answer_has_a_date_from_the_simulator_clock(api):
    before = _server_time(api.get("/me"))
    assert abs(before.timestamp() - time.time()) < 5
    assert api.post("/_sim/clock", token=None, json={"advance_seconds": 7200}).status_code == 200
    for response in (api.get("/me"), api.get("/workspaces/4242"), api.get("/me", token=None)):
        moved = _server_time(response)
        assert 7190 <= (moved - before).total_seconds() <= 7300, response.status_code
    api.post("/_sim/faults", token=None, json=[{"path": "/me$", "status": 502}])
    faulted = api.get("/me")
    assert faulted.status_code == 502 and (_server_time(faulted) - before).total_seconds() >= 7190


def _group_names(api, token="tok-owner"):
    response = api.get("/organizations/10/groups", token=token)
    assert response.status_code == 200
    return sorted(g["name"] for g in response.get_json())


def test_read_lag_hides_a_write_until_the_lag_has_passed(make_api):
    api = make_api(read_lag_ms=300)
    created = api.post("/organizations/10/groups", json={"name": "Ops"})
    assert created.status_code == 200 and created.get_json()["name"] == "Ops"  # the write's answer is the truth
    assert _group_names(api) == ["Engineering"]  # a read right after does not show it yet
    # A second write is checked against the truth: the name is taken although reads do not show it.
    again = api.post("/organizations/10/groups", json={"name": "Ops"})
    assert (again.status_code, again.get_json()) == (400, "Name has already been taken")
    time.sleep(0.35)
    assert _group_names(api) == ["Engineering", "Ops"]


def test_read_lag_also_delays_changes_and_deletions(make_api):
    api = make_api(read_lag_ms=10_000)
    assert (
        api.put("/organizations/10/groups/200", json={"name": "Eng", "users": [], "workspaces": []}).status_code == 200
    )
    assert _group_names(api) == ["Engineering"]
    api.post("/_sim/clock", token=None, json={"advance_seconds": 11})  # the simulator clock decides
    assert _group_names(api) == ["Eng"]
    assert api.delete("/organizations/10/groups/200").status_code == 200
    assert _group_names(api) == ["Eng"]
    assert api.delete("/organizations/10/groups/200").status_code == 404  # the truth: gone
    api.post("/_sim/clock", token=None, json={"advance_seconds": 11})
    assert _group_names(api) == []


def test_read_lag_sees_earlier_visible_writes_but_not_later_ones(make_api):
    api = make_api(read_lag_ms=10_000)
    api.post("/organizations/10/groups", json={"name": "First"})
    api.post("/_sim/clock", token=None, json={"advance_seconds": 6})
    api.post("/organizations/10/groups", json={"name": "Second"})
    api.post("/_sim/clock", token=None, json={"advance_seconds": 5})  # First visible, Second not
    assert _group_names(api) == ["Engineering", "First"]
    api.post("/_sim/clock", token=None, json={"advance_seconds": 6})
    assert _group_names(api) == ["Engineering", "First", "Second"]


def test_failed_writes_and_the_control_state_are_not_lagged(make_api):
    api = make_api(read_lag_ms=10_000)
    assert api.post("/organizations/10/groups", json={"name": ""}).status_code == 400
    assert api.simulator.read_lag.pending() == 0
    api.post("/organizations/10/groups", json={"name": "Ops"})
    assert "Ops" in [g["name"] for g in api.get("/_sim/state", token=None).get_json()["groups"]]
    assert api.post("/_sim/reset", token=None).status_code == 200
    assert api.simulator.read_lag.pending() == 0


def test_without_read_lag_reads_show_writes_at_once(api):
    api.post("/organizations/10/groups", json={"name": "Ops"})
    assert _group_names(api) == ["Engineering", "Ops"]


def test_lost_answer_serves_the_write_then_drops_the_connection(api):
    api.post(
        "/_sim/faults", token=None, json=[{"method": "POST", "path": "/organizations/10/groups$", "status": "lost"}]
    )
    with pytest.raises(ConnectionResetError):
        api.post("/organizations/10/groups", json={"name": "Ops"})
    assert _group_names(api) == ["Engineering", "Ops"]  # it was applied
    log = api.get("/_sim/requests", token=None).get_json()
    assert [(e["method"], e["status"]) for e in log[:1]] == [("POST", "lost")]
    retry = api.post("/organizations/10/groups", json={"name": "Ops"})
    assert (retry.status_code, retry.get_json()) == (400, "Name has already been taken")


def test_lost_honours_skip_and_times(api):
    rule = {"method": "DELETE", "path": "/track_reminders/", "status": "lost", "skip": 1, "times": 1}
    api.post("/_sim/faults", token=None, json=[rule])
    ids = []
    for _attempt in range(3):
        created = api.post(
            "/workspaces/100/track_reminders", json={"threshold": 8, "frequency": 1, "user_ids": [1], "group_ids": []}
        )
        assert created.status_code == 200, created.get_json()
        ids.append(created.get_json()["reminder_id"])
    assert api.delete(f"/workspaces/100/track_reminders/{ids[0]}").status_code == 200  # skipped
    with pytest.raises(ConnectionResetError):
        api.delete(f"/workspaces/100/track_reminders/{ids[1]}")
    assert api.delete(f"/workspaces/100/track_reminders/{ids[2]}").status_code == 200  # times used up
    assert api.get("/workspaces/100/track_reminders").get_json() == []
    assert api.get("/_sim/faults", token=None).get_json()[0]["fired"] == 1


def test_interleave_serves_another_admins_request_first(api):
    other = {
        "method": "PUT",
        "path": "/api/v9/organizations/10/groups/200",
        "body": {"name": "Engineering", "users": [2, 3], "workspaces": [100]},
        "token": "tok-alice",
    }
    rule = {"method": "PUT", "path": "/organizations/10/groups/200$", "status": "interleave", "request": other}
    assert api.post("/_sim/faults", token=None, json=[rule]).status_code == 200
    # This client read the group ([2]) before; its rename still carries the list it read.
    response = api.put("/organizations/10/groups/200", json={"name": "Eng", "users": [2], "workspaces": [100]})
    assert response.status_code == 200
    group = api.get("/organizations/10/groups").get_json()[0]
    assert group["name"] == "Eng" and [u["user_id"] for u in group["users"]] == [2]  # bob (3) lost: the point
    described = api.get("/_sim/faults", token=None).get_json()[0]
    assert described["fired"] == 1 and described["interleaved"][0]["status"] == 200
    log = api.get("/_sim/requests", token=None).get_json()
    assert [(e["method"], e["token"]) for e in log] == [("PUT", "tok-owner"), ("GET", "tok-owner")]


def test_interleave_of_a_patch_keeps_both_changes(api):
    other = {
        "method": "PATCH",
        "path": "/api/v9/organizations/10/groups/200",
        "body": [{"op": "add", "path": "/users", "value": [3]}],
        "token": "tok-alice",
    }
    rule = {"method": "PATCH", "path": "/groups/200$", "status": "interleave", "request": other, "times": 1}
    api.post("/_sim/faults", token=None, json=[rule])
    response = api.patch("/organizations/10/groups/200", json=[{"op": "add", "path": "/users", "value": [1]}])
    assert response.status_code == 200
    group = api.get("/organizations/10/groups").get_json()[0]
    assert sorted(u["user_id"] for u in group["users"]) == [1, 2, 3]


@pytest.mark.parametrize(
    "request_part",
    [
        None,
        {"method": "PUT"},
        {"method": "FETCH", "path": "/api/v9/x", "token": "t"},
        {"method": "PUT", "path": "/organizations/10", "token": "t"},
        {"method": "PUT", "path": "/api/v9/x"},
    ],
)
def test_bad_interleave_rules_are_refused(api, request_part):
    rule = {"path": "x", "status": "interleave"}
    if request_part is not None:
        rule["request"] = request_part
    response = api.post("/_sim/faults", token=None, json=[rule])
    assert response.status_code == 400
    assert api.get("/_sim/faults", token=None).get_json() == []
