"""The transport: auth, retries by method, error messages, pagination, counters."""

import base64

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.client import TogglClient, build_retry
from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglApiError, TogglConfigError


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
    assert not retry.is_retry("POST", 500) and not retry.is_retry("PATCH", 502)
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
    with pytest.raises(TogglApiError) as caught:
        make_client(server).get("/workspaces/4")
    assert str(caught.value) == (
        "authentication failed: check api_token (env TOGGL_API_TOKEN), or give its user access to this "
        "(HTTP 403 from GET /workspaces/4: User does not have access to this resource.)"
    )
