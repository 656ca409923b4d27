"""Quota (402 + headers, sliding hour on the movable clock), rate limit (429), latency."""

import time


def test_quota_headers_on_every_response_when_enabled(make_api):
    api = make_api(quota=True)
    response = api.get("/organizations/10")
    assert response.headers["X-Toggl-Quota-Remaining"] == "239"  # starter: 240 per hour
    assert int(response.headers["X-Toggl-Quota-Resets-In"]) == 3600
    error = api.get("/organizations/10/groups/999")  # a 4xx carries them too
    assert "X-Toggl-Quota-Remaining" in error.headers


def test_no_quota_headers_when_disabled(api):
    assert "X-Toggl-Quota-Remaining" not in api.get("/organizations/10").headers


def test_free_plan_quota_exhausts_and_resets_with_the_clock(make_api):
    api = make_api(quota=True)
    for _attempt in range(30):
        assert api.get("/workspaces/300").status_code == 200
    refused = api.get("/organizations/20")
    assert refused.status_code == 402
    assert refused.headers["X-Toggl-Quota-Remaining"] == "0"
    assert 0 < int(refused.headers["X-Toggl-Quota-Resets-In"]) <= 3600
    assert "quota" in refused.get_json()
    # Other organizations have their own window.
    assert api.get("/organizations/10").status_code == 200

    api.post("/_sim/clock", token=None, json={"advance_seconds": 3601})
    again = api.get("/organizations/20")
    assert again.status_code == 200
    assert again.headers["X-Toggl-Quota-Remaining"] == "29"


def test_user_level_quota_for_me_endpoints(make_api):
    api = make_api(quota=True)
    for _attempt in range(29):
        api.get("/me")
    quota = api.get("/me/quota")
    assert quota.status_code == 200
    assert {"organization_id": 20, "remaining": 30, "resets_in_secs": 0, "total": 30} in quota.get_json()
    refused = api.get("/me/organizations")
    assert refused.status_code == 402 and refused.headers["X-Toggl-Quota-Remaining"] == "0"


def test_rate_limit_answers_429_with_retry_after(make_api):
    api = make_api(rate_limit=1)
    assert api.get("/me").status_code == 200
    limited = api.get("/me")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    assert api.get("/me", token="tok-alice").status_code == 200  # per token
    api.post("/_sim/clock", token=None, json={"advance_seconds": 1.5})
    assert api.get("/me").status_code == 200


def test_rate_limit_allows_bursts_of_r(make_api):
    api = make_api(rate_limit=5)
    statuses = [api.get("/me").status_code for _attempt in range(6)]
    assert statuses == [200] * 5 + [429]


def test_latency_delays_api_responses_only(make_api):
    api = make_api(latency_ms=150)
    started = time.monotonic()
    api.get("/me")
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    api.get("/_sim/requests", token=None)
    assert time.monotonic() - started < 0.15
