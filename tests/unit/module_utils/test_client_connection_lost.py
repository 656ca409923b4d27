"""A connection that breaks after the request went out: retried only where repeating is harmless,
and reported as a lost answer (the write may have been applied), not as an unreachable API."""

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.client import TogglClient
from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglApiError


def make_client(server):
    return TogglClient(api_url=server.url, api_token="tok-secret", max_retries=3, request_timeout=5)


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_write_that_may_have_been_applied_is_not_resent(server, method):
    server.reply("reset")
    client = make_client(server)
    with pytest.raises(TogglApiError) as caught:
        client.request(method, "/organizations/10/groups", body={"name": "x"})
    message = str(caught.value)
    assert message.startswith("%s /organizations/10/groups failed: the connection was closed before an answer" % method)
    assert "cannot reach" not in message
    assert len(server.received) == 1
    assert client.requests.as_result() == {method: 1, "total": 1}


def test_a_put_is_resent_after_a_lost_answer(server, monkeypatch):
    monkeypatch.setattr("urllib3.util.retry.Retry.sleep", lambda self, response=None: None)
    server.reply("reset")
    server.reply(200, {"id": 5})
    client = make_client(server)
    assert client.put("/workspaces/1/workspace_users/2", body={"rate": 80}) == {"id": 5}
    assert [entry["body"] for entry in server.received] == [{"rate": 80}, {"rate": 80}]
    assert client.requests.as_result() == {"PUT": 2, "total": 2}
