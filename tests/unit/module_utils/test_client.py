"""The transport: auth, retries by method, error messages, pagination, counters, the server's clock."""

import base64
import time
from datetime import UTC, datetime, timedelta

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.client import TogglClient, build_retry
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglApiError,
    TogglConfigError,
    TogglPermissionError,
)


def make_client(server, **kwargs):
    kwargs.setdefault("api_token", "tok-secret")
    kwargs.setdefault("max_retries", 3)
    return TogglClient(api_url=server.url, request_timeout=5, **kwargs)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    # Real backoff would make this file take seconds; the policy itself is tested below.
    monkeypatch.setattr("urllib3.util.retry.Retry.sleep", lambda self, response=None: None)


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def test_token_is_sent_as_basic_auth(server):
    server.reply(200, {"id": 1})
    assert make_client(server).get("/me") == {"id": 1}
    assert server.received[0]["headers"]["Authorization"] == basic("tok-secret", "api_token")


def test_username_password_alternative(server):
    server.reply(200, {"id": 1})
    make_client(server, api_token=None, api_username="a@example.com", api_password="pw").get("/me")
    assert server.received[0]["headers"]["Authorization"] == basic("a@example.com", "pw")


def test_missing_credentials_name_the_options():
    with pytest.raises(TogglConfigError, match="api_token.*TOGGL_API_TOKEN"):
        TogglClient(api_url="http://127.0.0.1:9", api_token=None)


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_get_is_retried_then_succeeds(server, status):
    server.reply(status, '"boom"', {"Retry-After": "0"})
    server.reply(200, [{"id": 1}])
    client = make_client(server)
    assert client.get("/me/organizations") == [{"id": 1}]
    assert client.requests.as_result() == {"GET": 2, "total": 2}


@pytest.mark.parametrize("status", [500, 502])
def test_post_is_not_retried_on_server_error(server, status):
    server.reply(status, '"Internal Server Error"')
    client = make_client(server)
    with pytest.raises(TogglApiError) as caught:
        client.post("/organizations/1/groups", body={"name": "x"})
    assert caught.value.status == status
    assert len(server.received) == 1
    assert client.requests.as_result() == {"POST": 1, "total": 1}


def test_post_is_retried_on_429_since_it_was_not_applied(server):
    server.reply(429, '"Too Many Requests"', {"Retry-After": "0"})
    server.reply(200, {"id": 5})
    client = make_client(server)
    assert client.post("/organizations/1/groups", body={"name": "x"}) == {"id": 5}
    assert client.requests.as_result() == {"POST": 2, "total": 2}


def test_retries_stop_at_max_retries(server):
    for _attempt in range(10):
        server.reply(503, '"down"')
    client = make_client(server, max_retries=2)
    with pytest.raises(TogglApiError, match="HTTP 503"):
        client.get("/me")
    assert len(server.received) == 3
    assert client.requests.total == 3


def test_connection_refused_is_a_clean_error():
    client = TogglClient(api_url="http://127.0.0.1:9/api/v9", api_token="t", max_retries=0, request_timeout=2)
    with pytest.raises(TogglApiError, match="GET /me failed: cannot reach http://127.0.0.1:9/api/v9"):
        client.get("/me")


def test_retry_policy_by_method():
    retry = build_retry(5)
    assert retry.is_retry("GET", 500) and retry.is_retry("PUT", 502) and retry.is_retry("DELETE", 503)
    assert retry.is_retry("PATCH", 502), "the collection's PATCH bodies are set operations: idempotent"
    assert not retry.is_retry("POST", 500) and not retry.is_retry("POST", 502)
    assert retry.is_retry("POST", 429) and retry.is_retry("PATCH", 429)
    assert not retry.is_retry("GET", 400) and not retry.is_retry("GET", 402)
    assert retry.respect_retry_after_header
    assert not build_retry(0).is_retry("POST", 429)


def test_error_body_json_string(server):
    server.reply(400, '"Name has already been taken"')
    with pytest.raises(TogglApiError) as caught:
        make_client(server).post("/organizations/10/groups", body={"name": "x"})
    error = caught.value
    assert (error.method, error.path, error.status) == ("POST", "/organizations/10/groups", 400)
    assert error.api_message == "Name has already been taken"
    assert str(error) == "Toggl API error, HTTP 400 from POST /organizations/10/groups: Name has already been taken"


def test_error_body_plain_text_fallback(server):
    server.reply(400, "invalid value sent for 'workspaces'")
    with pytest.raises(TogglApiError) as caught:
        make_client(server).get("/organizations/10/users")
    assert caught.value.api_message == "invalid value sent for 'workspaces'"


@pytest.mark.parametrize("status", [401, 403])
def test_auth_failure_names_the_option_to_fix(server, status):
    server.reply(status, "")
    with pytest.raises(TogglApiError) as caught:
        make_client(server).get("/me")
    assert str(caught.value).startswith("authentication failed: check api_token (env TOGGL_API_TOKEN)")


def test_auth_failure_with_password_names_those_options(server):
    server.reply(403, '"Incorrect username and/or password"')
    client = make_client(server, api_token=None, api_username="a@example.com", api_password="pw")
    with pytest.raises(TogglApiError, match="check api_username and api_password"):
        client.get("/me")


def test_quota_exhausted_is_told_apart_from_plan_gating(server):
    server.reply(402, '"quota exceeded"', {"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "1234"})
    client = make_client(server)
    with pytest.raises(TogglApiError) as caught:
        client.get("/workspaces/1")
    assert str(caught.value).startswith("Toggl API quota exhausted, resets in 1234 s")
    assert caught.value.quota_exhausted
    assert len(server.received) == 1, "a 402 is never retried"
    assert client.quota_remaining == 0


def test_paid_plan_402(server):
    server.reply(402, '"Must be a premium user to use rounding"')
    with pytest.raises(TogglApiError) as caught:
        make_client(server).put("/workspaces/1", body={"rounding": 1})
    assert str(caught.value).startswith("needs a paid Toggl plan: Must be a premium user to use rounding")


def test_404_names_the_object(server):
    server.reply(404, '"Invalid organization ID"')
    with pytest.raises(TogglApiError) as caught:
        make_client(server).get("/organizations/77", what="organization 77")
    assert str(caught.value).startswith("organization 77 not found (HTTP 404 from GET /organizations/77")


def test_quota_headers_are_remembered(server):
    server.reply(200, {}, {"X-Toggl-Quota-Remaining": "200", "X-Toggl-Quota-Resets-In": "3000"})
    client = make_client(server)
    client.get("/me")
    assert (client.quota_remaining, client.quota_resets_in) == (200, 3000)


def test_paginate_follows_x_pages(server):
    server.reply(200, [{"id": 1}, {"id": 2}], {"X-Pages": "3", "X-Page": "1"})
    server.reply(200, [{"id": 3}, {"id": 4}], {"X-Pages": "3", "X-Page": "2"})
    server.reply(200, [{"id": 5}], {"X-Pages": "3", "X-Page": "3"})
    client = make_client(server)
    items = client.paginate("/organizations/10/users", params={"active_status": "active"}, per_page=2)
    assert [item["id"] for item in items] == [1, 2, 3, 4, 5]
    assert [r["path"] for r in server.received] == [
        "/api/v9/organizations/10/users?active_status=active&page=%d&per_page=2" % page for page in (1, 2, 3)
    ]
    assert client.requests.as_result() == {"GET": 3, "total": 3}


def test_paginate_without_headers_is_one_page(server):
    server.reply(200, {"items": [{"id": 1}]})
    assert make_client(server).paginate("/x") == [{"id": 1}]


def test_focus_requests_use_bearer_key(server):
    server.reply(200, {"items": []})
    client = TogglClient(
        api_url="http://unused.invalid", api_token="t", focus_api_url=server.url, focus_api_key="toggl_sk_abc"
    )
    client.get("/organizations/1/groups", service="focus")
    headers = server.received[0]["headers"]
    assert headers["Authorization"] == "Bearer toggl_sk_abc"


def test_focus_without_key_names_the_option():
    client = TogglClient(api_url="http://unused.invalid", api_token="t")
    with pytest.raises(TogglConfigError, match="focus_api_key.*TOGGL_FOCUS_API_KEY"):
        client.get("/organizations/1/groups", what="group emoji", service="focus")


def test_ca_path_enables_verification_even_if_validate_certs_false(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    client = TogglClient(api_token="t", validate_certs=False, ca_path=str(bundle))
    assert client.session.verify == str(bundle)
    assert TogglClient(api_token="t", validate_certs=False).session.verify is False
    assert TogglClient(api_token="t").session.verify is True


def test_403_also_says_the_user_may_lack_access(server):
    server.reply(403, '"User does not have access to this resource."')
    server.reply(403, '"Incorrect username and/or password"')  # GET /me: the token itself is refused
    client = make_client(server)
    with pytest.raises(TogglApiError) as caught:
        client.get("/workspaces/4")
    assert not isinstance(caught.value, TogglPermissionError)
    assert str(caught.value) == (
        "authentication failed: check api_token (env TOGGL_API_TOKEN), or give its user access to this "
        "(HTTP 403 from GET /workspaces/4: User does not have access to this resource.)"
    )
    assert [r["path"] for r in server.received] == ["/api/v9/workspaces/4", "/api/v9/me"]
    assert client.requests.as_result() == {"GET": 2, "total": 2}


def test_a_first_read_refused_asks_me_whether_the_token_is_good(server):
    server.reply(403, '"User is not authorized to list the organization users"')
    server.reply(200, {"id": 2})  # GET /me: the token is good, its user lacks the rights
    client = make_client(server)
    with pytest.raises(TogglPermissionError) as caught:
        client.get("/organizations/10/users")
    assert str(caught.value) == (
        "Toggl refused GET /organizations/10/users: the token's user may not do this "
        "(HTTP 403: User is not authorized to list the organization users)"
    )
    assert [r["path"] for r in server.received] == ["/api/v9/organizations/10/users", "/api/v9/me"]
    assert client.requests.as_result() == {"GET": 2, "total": 2}


# -- 403: bad credentials only until the token was accepted ------------------------------------


def test_403_after_an_accepted_request_is_a_permission_refusal(server):
    server.reply(200, {"id": 1})
    server.reply(403, '"User is not authorized to list the organization users"')
    client = make_client(server)
    client.get("/me")
    with pytest.raises(TogglPermissionError) as caught:
        client.get("/organizations/10/users")
    error = caught.value
    assert str(error) == (
        "Toggl refused GET /organizations/10/users: the token's user may not do this "
        "(HTTP 403: User is not authorized to list the organization users)"
    )
    assert (error.method, error.path, error.status) == ("GET", "/organizations/10/users", 403)
    assert error.api_message == "User is not authorized to list the organization users"
    assert "authentication failed" not in str(error)


def test_403_on_a_write_is_a_permission_refusal_even_first(server):
    server.reply(403, '"User does not have permission to manage user groups."')
    with pytest.raises(TogglPermissionError, match=r"^Toggl refused POST /organizations/10/groups: the token's user"):
        make_client(server).post("/organizations/10/groups", body={"name": "x"})


def test_403_without_a_message_shows_the_reason_phrase(server):
    server.reply(200, {"id": 1})
    server.reply(403, "")
    client = make_client(server)
    client.get("/me")
    with pytest.raises(TogglPermissionError) as caught:
        client.put("/workspaces/4", body={"name": "x"})
    assert (
        str(caught.value) == "Toggl refused PUT /workspaces/4: the token's user may not do this (HTTP 403: Forbidden)"
    )


def test_a_failed_answer_does_not_prove_the_token(server):
    server.reply(404, '"not found"')
    server.reply(403, '"Incorrect username and/or password"')  # GET /me: does the base path answer?
    server.reply(403, '"Incorrect username and/or password"')
    client = make_client(server)
    with pytest.raises(TogglApiError):
        client.get("/workspaces/1")
    with pytest.raises(TogglApiError) as caught:
        client.get("/me")
    assert not isinstance(caught.value, TogglPermissionError)
    assert str(caught.value).startswith("authentication failed: check api_token")


def test_a_focus_key_is_proven_only_by_a_focus_answer(server):
    server.reply(200, {"id": 1})  # Track /me
    server.reply(403, '"invalid key"')  # the first Focus request
    server.reply(200, [])  # a Focus request that works
    server.reply(403, '"forbidden"')  # then a refused one
    client = TogglClient(
        api_url=server.url, api_token="t", focus_api_url=server.url, focus_api_key="toggl_sk_x", max_retries=0
    )
    client.get("/me")
    with pytest.raises(TogglApiError) as caught:
        client.delete("/organizations/1/groups/5", service="focus")
    assert not isinstance(caught.value, TogglPermissionError)
    assert str(caught.value).startswith("authentication failed: check focus_api_key (env TOGGL_FOCUS_API_KEY)")
    client.get("/organizations/1/roles", service="focus")
    with pytest.raises(TogglPermissionError, match="^Toggl refused GET /organizations/1/teams: "):
        client.get("/organizations/1/teams", service="focus")


# -- a base URL without /api/v9 ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/me", "/me/organizations", "/me/workspaces"])
def test_404_on_me_says_to_check_api_url(server, path):
    server.reply(404, "404 page not found")
    client = TogglClient(api_url=server.url.replace("/api/v9", ""), api_token="t", max_retries=0)
    with pytest.raises(TogglApiError) as caught:
        client.get(path)
    message = str(caught.value)
    assert message.startswith(
        "%s not found: check api_url (%s), it should end in /api/v9" % (path, server.url.replace("/api/v9", ""))
    )
    assert server.received[0]["path"] == path


def test_404_elsewhere_does_not_blame_api_url(server):
    server.reply(404, '"Workspace not found"')
    with pytest.raises(TogglApiError) as caught:
        make_client(server).get("/workspaces/9")
    assert "api_url" not in str(caught.value)


# -- the server's clock ------------------------------------------------------------------------


@pytest.fixture
def server_date(monkeypatch):
    """The scripted server's Date header, settable per answer."""
    dates = []
    monkeypatch.setattr(
        "http.server.BaseHTTPRequestHandler.date_time_string",
        lambda self, timestamp=None: dates.pop(0) if dates else "Wed, 02 Dec 2026 08:00:00 GMT",
    )
    return dates


def test_server_now_falls_back_to_the_local_clock_before_any_answer():
    client = TogglClient(api_url="http://127.0.0.1:9/api/v9", api_token="t")
    before = datetime.now(UTC)
    now = client.server_now()
    assert now.tzinfo is not None and now.utcoffset().total_seconds() == 0
    assert before <= now <= datetime.now(UTC)
    assert client.requests.total == 0


def test_server_now_follows_the_newest_date_header(server, server_date):
    server_date.extend(["Tue, 01 Dec 2026 22:00:00 GMT", "Wed, 02 Dec 2026 01:30:00 GMT"])
    server.reply(200, {"id": 1})
    server.reply(404, '"gone"')  # an error answer still carries the server's clock
    client = make_client(server)
    client.get("/me")
    first = client.server_now()
    assert timedelta(0) <= first - datetime(2026, 12, 1, 22, 0, tzinfo=UTC) < timedelta(seconds=2)
    with pytest.raises(TogglApiError):
        client.get("/workspaces/1")
    now = client.server_now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert timedelta(0) <= now - datetime(2026, 12, 2, 1, 30, tzinfo=UTC) < timedelta(seconds=2)
    assert len(server.received) == 2 and client.requests.total == 2, "server_now sends nothing"


def test_server_now_moves_on_with_the_local_clock(server, server_date, monkeypatch):
    server_date.append("Wed, 02 Dec 2026 01:00:00 GMT")
    server.reply(200, {"id": 1})
    client = make_client(server)
    client.get("/me")
    real = time.monotonic()
    monkeypatch.setattr(
        "ansible_collections.trackops.toggl.plugins.module_utils.client.time.monotonic", lambda: real + 90
    )
    assert client.server_now() - datetime(2026, 12, 2, 1, 0, tzinfo=UTC) >= timedelta(seconds=90)


def test_a_malformed_date_header_is_ignored(server, server_date):
    server_date.extend(["Wed, 02 Dec 2026 01:00:00 GMT", "not a date"])
    server.reply(200, {"id": 1})
    server.reply(200, {"id": 1})
    client = make_client(server)
    client.get("/me")
    client.get("/me")
    assert client.server_now().hour == 1


def test_every_retry_is_counted(server):
    server.reply(503, '"down"', {"Retry-After": "0"})
    server.reply("reset")
    server.reply(200, {"ok": True})
    client = make_client(server)
    assert client.patch("/organizations/1/groups/2", body=[{"op": "add", "path": "/users", "value": [1]}]) == {
        "ok": True
    }
    assert client.requests.as_result() == {"PATCH": 3, "total": 3}
    assert len(server.received) == 3
