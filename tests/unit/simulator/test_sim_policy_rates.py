"""Rates as toggl_rate relies on them: each endpoint's own words, and the history per mode.

The history rules (README, "Rates"): override-all deletes every earlier period and starts where
the first began; override-current deletes the period in effect and takes its start;
start-today and an explicit start end the period in effect there and delete later ones.
"""

import copy
from datetime import UTC, datetime, timedelta

import pytest
from simulator_helpers import BASE_SEED


def seeded(periods):
    """The base seed with project 1000's billable history set to ``periods``."""
    seed = copy.deepcopy(BASE_SEED)
    workspace = seed["organizations"][0]["workspaces"][0]
    workspace["rates"] = [
        dict({"level": "project", "level_id": 1000, "type": "billable_rates"}, **entry) for entry in periods
    ]
    return seed


HISTORY = [
    {"id": 800, "amount": 60, "start": "2020-01-01T00:00:00Z", "end": "2021-01-01T00:00:00Z"},
    {"id": 801, "amount": 70, "start": "2021-01-01T00:00:00Z", "end": "2999-01-01T00:00:00Z"},
    {"id": 802, "amount": 90, "start": "2999-01-01T00:00:00Z"},
]


@pytest.fixture
def api(pages_api):
    """These tests read the new period from the POST's answer, which only the pages profile
    sends (Swagger: 201 with no body; see test_sim_swagger_shapes.py)."""
    return pages_api


def post_rate(api, token="tok-owner", **body):
    payload = {"level": "project", "level_id": 1000, "type": "billable_rates", "amount": 100}
    payload.update(body)
    return api.post("/workspaces/100/rates", json=payload, token=token)


def history(api, path="/workspaces/100/rates/project/1000", **query):
    response = api.get(path, query=query or None)
    assert response.status_code == 200, response.get_json()
    return {period["id"]: period for period in response.get_json()}


def in_effect(periods, moment):
    """The module's rule: deleted_at null, started, not yet ended."""
    found = [
        p
        for p in periods.values()
        if p["deleted_at"] is None and p["start"] <= moment and (p["end"] is None or p["end"] > moment)
    ]
    assert len(found) <= 1, found
    return found[0] if found else None


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_override_current_replaces_the_period_in_effect_from_its_start(make_api):
    api = make_api(profile="pages", seed=seeded(HISTORY))
    created = post_rate(api, amount=75, mode="override-current")
    assert created.status_code == 201
    new = created.get_json()
    periods = history(api)
    assert periods[801]["deleted_at"] is not None
    assert periods[800]["deleted_at"] is None and periods[802]["deleted_at"] is None
    assert (new["start"], new["end"], new["rate_change_mode"]) == (
        "2021-01-01T00:00:00Z",
        "2999-01-01T00:00:00Z",
        "override-current",
    )
    assert in_effect(periods, stamp(api.simulator.clock.now()))["id"] == new["id"]


def test_override_all_replaces_the_whole_history(make_api):
    api = make_api(profile="pages", seed=seeded(HISTORY))
    new = post_rate(api, amount=75, mode="override-all").get_json()
    periods = history(api)
    assert all(periods[i]["deleted_at"] is not None for i in (800, 801, 802))
    assert (new["start"], new["end"]) == ("2020-01-01T00:00:00Z", None)
    assert in_effect(periods, stamp(api.simulator.clock.now()))["id"] == new["id"]


def test_start_today_ends_the_period_in_effect_at_midnight_and_drops_later_ones(make_api):
    api = make_api(profile="pages", seed=seeded(HISTORY))
    today = stamp(datetime.combine(api.simulator.clock.now().date(), datetime.min.time(), tzinfo=UTC))
    new = post_rate(api, amount=75, mode="start-today").get_json()
    periods = history(api)
    assert periods[801]["end"] == today and periods[801]["deleted_at"] is None
    assert periods[802]["deleted_at"] is not None
    assert (new["start"], new["end"]) == (today, None)
    assert in_effect(periods, stamp(api.simulator.clock.now()))["id"] == new["id"]


def test_a_future_start_schedules_and_takes_effect_when_the_clock_gets_there(make_api):
    api = make_api(
        profile="pages",
        seed=seeded(HISTORY[:2] + [{"id": 802, "amount": 90, "start": "2999-01-01T00:00:00Z"}]),
        rate_limit=0,
    )
    start = stamp(api.simulator.clock.now() + timedelta(days=2))
    new = post_rate(api, amount=80, start=start).get_json()
    periods = history(api)
    assert periods[801]["end"] == start and periods[802]["deleted_at"] is not None
    assert (new["start"], new["end"], new["rate_change_mode"]) == (start, None, "")
    assert in_effect(periods, stamp(api.simulator.clock.now()))["id"] == 801, "not started yet"
    api.post("/_sim/clock", token=None, json={"advance_seconds": 3 * 86400})
    assert in_effect(history(api), stamp(api.simulator.clock.now()))["id"] == new["id"]


def test_a_start_before_every_period_replaces_them_all(make_api):
    api = make_api(profile="pages", seed=seeded(HISTORY))
    new = post_rate(api, amount=55, start="2019-06-01").get_json()
    periods = history(api)
    assert all(periods[i]["deleted_at"] is not None for i in (800, 801, 802))
    assert (new["start"], new["end"]) == ("2019-06-01T00:00:00Z", None)


def test_start_wins_over_mode(make_api):
    api = make_api(profile="pages", seed=seeded(HISTORY))
    new = post_rate(api, amount=55, mode="override-all", start="2022-01-01T00:00:00Z").get_json()
    assert new["start"] == "2022-01-01T00:00:00Z"
    assert history(api)[800]["deleted_at"] is None


@pytest.mark.parametrize(
    "spelling, accepted",
    [("billable_rates", True), ("labor_rates", True), ("labor_costs", False), ("billable", False)],
)
def test_post_takes_only_its_pages_type_words(api, spelling, accepted):
    response = post_rate(api, type=spelling, mode="override-current")
    if accepted:
        assert response.status_code == 201
    else:
        assert response.status_code == 400
        assert response.get_json() == "Invalid type: it should be billable_rates or labor_rates"


@pytest.mark.parametrize(
    "spelling, accepted",
    [("billable_rates", True), ("labor_costs", True), ("labor_rates", False), ("labor", False)],
)
def test_get_takes_only_its_pages_type_words(api, spelling, accepted):
    response = api.get("/workspaces/100/rates/project/1000", query={"type": spelling})
    if accepted:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert response.get_json() == "Invalid type: it should be billable_rates or labor_costs"


def test_a_labor_rate_written_as_labor_rates_reads_back_as_labor_costs(api):
    bob = api.simulator.state.workspace_user(100, 3)
    created = post_rate(api, level="workspace_user", level_id=bob.id, type="labor_rates", amount=33, mode="start-today")
    assert created.get_json()["type"] == "labor_costs"
    by_user = history(api, "/workspaces/100/rates/user/3", type="labor_costs")
    by_row = history(api, f"/workspaces/100/rates/workspace_user/{bob.id}", type="labor_costs")
    assert by_user == by_row and [p["amount"] for p in by_user.values()] == [33]
    assert history(api, "/workspaces/100/rates/user/3") == {}, "billable is another history"


def test_project_user_and_task_levels_read_back(api):
    post_rate(api, level="project_user", level_id=1200, amount=44, mode="override-current")
    post_rate(api, level="task", level_id=1100, amount=45, mode="override-current")
    assert [p["project_user_id"] for p in history(api, "/workspaces/100/rates/project_user/1200").values()] == [1200]
    assert [p["planned_task_id"] for p in history(api, "/workspaces/100/rates/task/1100").values()] == [1100]


def test_rates_need_a_workspace_admin_to_write_and_a_member_to_read(api):
    response = post_rate(api, token="tok-bob", mode="override-current")
    assert (response.status_code, response.get_json()) == (403, "User cannot access billable rate(s).")
    assert api.get("/workspaces/100/rates/project/1000", token="tok-bob").status_code == 200
    outsider = api.get("/workspaces/100/rates/project/1000", token="tok-out")
    assert (outsider.status_code, outsider.get_json()) == (403, "User cannot access billable rate(s).")
    assert api.simulator.state.rates == {}


def test_labor_rates_on_free_are_402_too(api):
    response = api.post(
        "/workspaces/300/rates",
        json={"level": "workspace", "level_id": 300, "type": "labor_rates", "amount": 5, "mode": "start-today"},
    )
    assert (response.status_code, response.get_json()) == (
        402,
        "Billable rates are available for Starter and higher plans.",
    )
    assert api.get("/workspaces/300/rates/workspace/300", query={"type": "labor_costs"}).status_code == 402
