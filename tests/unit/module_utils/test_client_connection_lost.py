"""A connection that breaks (or stays silent) after the request went out: the server may have
applied it. Idempotent requests are resent; a DELETE whose resent request finds the object gone
succeeded; a POST is never resent and raises TogglAnswerLostError with its body, so the
description can look the object up and adopt it."""

import socket
import threading

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.client import TogglClient
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglPermissionError,
)


def make_client(url, **kwargs):
    kwargs.setdefault("max_retries", 3)
    kwargs.setdefault("request_timeout", 5)
    return TogglClient(api_url=url, api_token="tok-secret", **kwargs)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr("urllib3.util.retry.Retry.sleep", lambda self, response=None: None)


class SilentServer:
    """Accepts connections, reads the request and never answers (until closed)."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.url = "http://127.0.0.1:%d/api/v9" % self.listener.getsockname()[1]
        self.requests = []
        self.connections = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)
            self.requests.append(connection.recv(65536).split(b"\r\n", 1)[0].decode())

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def silent():
    server = SilentServer()
    yield server
    server.close()


def test_a_post_whose_answer_was_lost_is_not_resent_and_carries_its_body(server):
    server.reply("reset")
    client = make_client(server.url)
    body = {"name": "Secret Team", "users": [1, 2]}
    with pytest.raises(TogglAnswerLostError) as caught:
        client.post("/organizations/10/groups", body=body)
    error = caught.value
    assert isinstance(error, TogglApiError), "callers catching TogglApiError still see it"
    assert (error.method, error.path, error.status, error.body) == ("POST", "/organizations/10/groups", None, body)
    message = str(error)
    assert message.startswith("POST /organizations/10/groups failed: the connection was closed before an answer")
    assert "cannot reach" not in message
    assert len(server.received) == 1
    assert client.requests.as_result() == {"POST": 1, "total": 1}


def test_a_post_without_an_answer_in_time_is_a_lost_answer(silent):
    client = make_client(silent.url, request_timeout=0.3)
    with pytest.raises(TogglAnswerLostError) as caught:
        client.post("/workspaces/1/track_reminders", body={"threshold": 8})
    assert str(caught.value).startswith("POST /workspaces/1/track_reminders failed: no answer within 0.3s")
    assert caught.value.body == {"threshold": 8}
    assert silent.requests == ["POST /api/v9/workspaces/1/track_reminders HTTP/1.1"]
    assert client.requests.total == 1


def test_a_get_without_an_answer_is_retried_then_says_so(silent):
    client = make_client(silent.url, request_timeout=0.3, max_retries=1)
    with pytest.raises(TogglApiError) as caught:
        client.get("/me")
    assert not isinstance(caught.value, TogglAnswerLostError)
    message = str(caught.value)
    assert message.startswith("GET /me failed: no answer within 0.3s"), message
    assert "cannot reach" not in message
    assert len(silent.requests) == 2 and client.requests.as_result() == {"GET": 2, "total": 2}


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_idempotent_writes_are_resent_after_a_lost_answer(server, method):
    server.reply("reset")
    server.reply(200, {"id": 5})
    client = make_client(server.url)
    assert client.request(method, "/workspaces/1/workspace_users/2", body={"rate": 80}) == {"id": 5}
    assert [entry["body"] for entry in server.received] == [{"rate": 80}, {"rate": 80}]
    assert client.requests.as_result() == {method: 2, "total": 2}


def test_a_delete_applied_whose_answer_was_lost_succeeds_on_the_404(server):
    server.reply("reset")  # applied, answer lost
    server.reply(404, '"Track reminder not found"')
    client = make_client(server.url)
    assert client.delete("/workspaces/1/track_reminders/7") is None
    assert [entry["method"] for entry in server.received] == ["DELETE", "DELETE"]
    assert client.requests.as_result() == {"DELETE": 2, "total": 2}


def test_a_delete_answering_like_the_alerts_api_names_its_gone_status(server):
    # Swagger: DELETE /workspaces/{ws}/alerts/{id} answers 403 "Alert not found or not accessible".
    server.reply(200, [])
    server.reply("reset")
    server.reply(403, '"Alert not found or not accessible"')
    client = make_client(server.url)
    client.get("/workspaces/1/alerts")
    assert client.delete("/workspaces/1/alerts/9", gone=(403, 404)) is None
    assert client.requests.as_result() == {"GET": 1, "DELETE": 2, "total": 3}


def test_a_403_after_a_lost_delete_answer_is_no_authentication_failure(server):
    server.reply(200, [])
    server.reply("reset")
    server.reply(403, '"Alert not found or not accessible"')
    client = make_client(server.url)
    client.get("/workspaces/1/alerts")
    with pytest.raises(TogglPermissionError) as caught:
        client.delete("/workspaces/1/alerts/9")
    message = str(caught.value)
    assert "authentication failed" not in message
    assert message == (
        "Toggl refused DELETE /workspaces/1/alerts/9: the token's user may not do this "
        "(HTTP 403: Alert not found or not accessible); the first attempt's answer was lost, "
        "so it may have been applied"
    )


def test_a_404_on_a_first_delete_still_fails(server):
    server.reply(404, '"Track reminder not found"')
    client = make_client(server.url)
    with pytest.raises(TogglApiError) as caught:
        client.delete("/workspaces/1/track_reminders/7", what="track reminder 7")
    assert str(caught.value).startswith("track reminder 7 not found (HTTP 404 from DELETE")
    assert len(server.received) == 1


def test_a_404_on_a_get_after_a_lost_answer_is_not_taken_for_gone(server):
    server.reply("reset")
    server.reply(404, '"not found"')
    with pytest.raises(TogglApiError, match="HTTP 404 from GET /workspaces/1"):
        make_client(server.url).get("/workspaces/1")


def test_a_delete_whose_answers_are_all_lost_fails_cleanly(server):
    for _attempt in range(3):
        server.reply("reset")
    client = make_client(server.url, max_retries=2)
    with pytest.raises(TogglApiError) as caught:
        client.delete("/workspaces/1/track_reminders/7")
    assert not isinstance(caught.value, TogglAnswerLostError)
    assert str(caught.value).startswith(
        "DELETE /workspaces/1/track_reminders/7 failed: the connection was closed before an answer"
    )
    assert client.requests.as_result() == {"DELETE": 3, "total": 3}
