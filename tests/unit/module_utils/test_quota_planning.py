"""The hourly quota: the plan before the first write (engine.plan_quota, writes_needed_many), the
client's waits for it (quota_wait), and the api_url hint of a 404 that no real object explains."""

import copy
import re

import pytest
from test_resources_people import (
    ORG_USERS_PATH,
    WS_USERS_PATH,
    FakeClient,
    in_groups,
    invitation_answer,
    org_client,
    org_params,
    org_users,
    reconcile,
    ws_client,
    ws_params,
    ws_row,
    ws_users,
)

from ansible_collections.trackops.toggl.plugins.module_utils.client import TogglClient
from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglApiError, TogglQuotaError
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import OrganizationUser
from ansible_collections.trackops.toggl.plugins.module_utils.resources.workspace_user import WorkspaceUser

QUOTA_EXHAUSTED = {"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "7"}


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr("urllib3.util.retry.Retry.sleep", lambda self, response=None: None)


def make_client(server, slept, quota_wait=0):
    return TogglClient(
        api_url=server.url, api_token="tok", max_retries=0, request_timeout=5, quota_wait=quota_wait, sleep=slept.append
    )


# -- the client's waits -------------------------------------------------------------------------


def test_a_402_of_the_exhausted_quota_is_waited_out_and_sent_again(server):
    server.reply(402, '"You have hit your API quota"', QUOTA_EXHAUSTED)
    server.reply(200, {"id": 5})
    slept = []
    client = make_client(server, slept, quota_wait=30)
    # README facts: the quota refuses before the API handles the request, so a POST may go again.
    assert client.post("/organizations/1/groups", body={"name": "x"}) == {"id": 5}
    assert slept == [7]
    assert client.requests.as_result() == {"POST": 2, "total": 2}
    assert client.quota_waited == 7
    assert client.quota_waits == [
        (
            "waited 7 s for the Toggl API quota (POST /organizations/1/groups answered 402: quota exhausted, "
            "resets in 7 s); 23 s of quota_wait 30 s left"
        )
    ]


def test_the_waits_never_add_up_to_more_than_quota_wait(server):
    server.reply(402, '"quota"', {"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "6"})
    server.reply(402, '"quota"', {"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": "6"})
    slept = []
    client = make_client(server, slept, quota_wait=10)
    with pytest.raises(TogglApiError) as caught:
        client.get("/organizations/1/groups")
    assert caught.value.quota_exhausted
    assert str(caught.value).startswith(
        "Toggl API quota exhausted, resets in 6 s (waited 6 s of quota_wait 10 s already)"
    )
    assert slept == [6] and client.quota_waited == 6
    assert len(server.received) == 2


def test_without_quota_wait_a_402_fails_at_once_naming_the_option(server):
    server.reply(402, '"quota"', QUOTA_EXHAUSTED)
    slept = []
    client = make_client(server, slept)
    with pytest.raises(TogglApiError, match=r"resets in 7 s \(set quota_wait, env TOGGL_QUOTA_WAIT, to wait for it\)"):
        client.get("/organizations/1/groups")
    assert slept == [] and client.quota_waited == 0 and len(server.received) == 1


def test_a_paid_plan_402_is_not_waited_for(server):
    server.reply(402, '"Must be a premium user to use rounding"')
    slept = []
    client = make_client(server, slept, quota_wait=3600)
    with pytest.raises(TogglApiError, match="^needs a paid Toggl plan"):
        client.put("/workspaces/1", body={"rounding": 1})
    assert slept == [] and len(server.received) == 1


def test_the_quota_left_for_writes_is_the_organization_level_one(server):
    server.reply(200, [], {"X-Toggl-Quota-Remaining": "25", "X-Toggl-Quota-Resets-In": "3000"})
    server.reply(200, [], {"X-Toggl-Quota-Remaining": "200", "X-Toggl-Quota-Resets-In": "100"})
    server.reply(200, {}, {"X-Toggl-Quota-Remaining": "24", "X-Toggl-Quota-Resets-In": "2990"})
    client = make_client(server, [])
    client.get("/me/organizations")
    # README facts: /me... draws on the user-level budget, which says nothing of an organization's
    assert client.quota_left() == (None, None)
    client.get("/organizations/10/users")
    client.get("/me")
    remaining, resets_in = client.quota_left()
    assert remaining == 200 and resets_in in (99, 100)
    assert client.quota_remaining == 24, "the result's quota_remaining stays the newest header"


# -- api_url without the API's base path --------------------------------------------------------


def test_a_404_whose_body_is_not_json_says_to_check_api_url(server):
    server.reply(404, "<html><body>404 Not Found</body></html>")
    client = make_client(server, [])
    with pytest.raises(TogglApiError) as caught:
        client.get("/workspaces/1", what="workspace 1")
    assert str(caught.value).startswith(
        "workspace 1 not found: check api_url (%s), it should end in /api/v9" % server.url
    )
    assert len(server.received) == 1, "the body tells: no request more"


def test_a_first_read_answered_404_asks_me_whether_the_base_path_is_there(server):
    server.reply(404, '"Not Found"')
    server.reply(404, '"Not Found"')
    client = make_client(server, [])
    with pytest.raises(TogglApiError) as caught:
        client.get("/organizations/10/users", what="users of organization 10")
    assert "check api_url (%s)" % server.url in str(caught.value)
    assert [entry["path"] for entry in server.received] == ["/api/v9/organizations/10/users", "/api/v9/me"]
    assert client.requests.total == 2


def test_a_404_after_an_answer_proved_the_url_costs_no_request_more(server):
    server.reply(200, {"id": 1})
    server.reply(404, '"Workspace not found"')
    client = make_client(server, [])
    client.get("/me")
    with pytest.raises(TogglApiError) as caught:
        client.get("/workspaces/9", what="workspace 9")
    assert str(caught.value).startswith("workspace 9 not found (HTTP 404")
    assert len(server.received) == 2


# -- the plan before the first write ------------------------------------------------------------


class QuotaClient(FakeClient):
    """The scripted client with a quota: what it had left when planned, and the waits allowed."""

    def __init__(self, answers, remaining, resets_in=1260, may_wait=False):
        super().__init__(answers)
        self.remaining, self.resets_in, self.may_wait = remaining, resets_in, may_wait
        self.planned_at = None  # how many requests were sent when the plan asked for the quota
        self.waits = []

    def quota_left(self):
        self.planned_at = len(self.calls)
        return self.remaining, self.resets_in

    def wait_for_quota(self, seconds, reason):
        if self.may_wait:
            self.waits.append((seconds, reason))
        return self.may_wait

    def after_plan(self):
        return self.calls[self.planned_at :]


def with_quota(client, remaining, **options):
    return QuotaClient(client.answers, remaining, **options)


def labour_cost_answers():
    client = org_client()
    client.answers[("GET", "/me")] = {"id": 1}
    client.answers[("GET", "/organizations/10/workspaces/101/workspace_users")] = [ws_row(702, 2, "alice@example.com")]
    client.answers[("GET", WS_USERS_PATH)] = ws_users()
    return client


def grouped_answers():
    users = org_users()
    users[4]["groups"] = in_groups(70, 72)
    client = org_client()
    client.answers[("GET", ORG_USERS_PATH)] = users
    return client


def invited_answers():
    client = org_client()
    client.answers[("POST", "/organizations/10/invitations")] = invitation_answer
    return client


def removal_answers():
    client = org_client()
    client.answers[("GET", "/me")] = {"id": 1}
    return client


ALIKE = [{"workspace": "100", "role": None}]

# Each: the description, its entries, a client with the scripted answers, the requests the write
# phase sends (without read lag, so the least is what it sends), and what they are.
SCENARIOS = {
    "two alike invitations and one of another kind": (
        OrganizationUser,
        [
            org_params(user="erin@example.com", workspaces=ALIKE),
            org_params(user="frank@example.com", workspaces=ALIKE),
            org_params(user="gus@example.com", workspaces=[{"workspace": "101", "role": "admin"}], skip_email=True),
        ],
        invited_answers,
        3,  # 2 invitation POSTs, the confirming read of the members
    ),
    "removals": (
        OrganizationUser,
        [org_params(user="bob@example.com", state="absent"), org_params(user="5", state="absent")],
        removal_answers,
        2,  # one PATCH for both, the confirming read
    ),
    "groups and a deactivation": (
        OrganizationUser,
        [org_params(user="dan@example.com", inactive=True, groups=[])],
        grouped_answers,
        3,  # the members read before the whole-list PUT, the PUT, the read after (also the confirmation)
    ),
    "workspace members added, one with settings": (
        WorkspaceUser,
        [
            ws_params(user="dan@example.com", role="teamlead", rate=20.0, rate_change_mode="override-all"),
            ws_params(user="3", role="user"),
            ws_params(user="finn@example.com"),
        ],
        ws_client,
        7,  # members again, 2 PUTs, members after, the workspace's users (new ids), dan's PUT, confirmation
    ),
    "workspace removals": (
        WorkspaceUser,
        [ws_params(user="bob@example.com", state="absent"), ws_params(user="nobody@example.com", state="absent")],
        ws_client,
        2,  # one PATCH, the confirming read
    ),
}


def planned_need(description, entries, answers):
    """The need the plan names, read from its refusal when no request is left."""
    client = with_quota(answers(), remaining=0)
    with pytest.raises(TogglQuotaError) as caught:
        reconcile(description, copy.deepcopy(entries), client)
    assert client.writes() == []
    return int(re.search(r"needs (\d+) requests", str(caught.value)).group(1))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_the_plan_counts_the_requests_the_write_phase_sends(name):
    description, entries, answers, sent = SCENARIOS[name]
    assert planned_need(description, entries, answers) == sent
    client = with_quota(answers(), remaining=sent)
    reconcile(description, copy.deepcopy(entries), client)
    assert len(client.after_plan()) == sent, client.after_plan()


def test_the_labour_cost_plan_counts_a_put_per_workspace_whose_cost_differs():
    params = org_params(user="alice@example.com", admin=True, inactive=True, labour_cost=45.0)
    # The member PUT, a labour cost PUT in each of alice's 2 workspaces, the confirming read.
    assert planned_need(OrganizationUser, [params], labour_cost_answers) == 4
    client = with_quota(labour_cost_answers(), remaining=4)
    reconcile(OrganizationUser, [params], client)
    # Not counted: the reads of each workspace's users for the ids the member list lacks (memoised
    # per task, so whether they cost anything depends on what the task read before).
    assert [call[1] for call in client.after_plan() if call[0] == "GET"] == [
        WS_USERS_PATH,
        "/organizations/10/workspaces/101/workspace_users",
        ORG_USERS_PATH,
    ]
    assert len(client.writes()) == 3


def test_writes_that_cannot_finish_are_refused_with_nothing_written():
    description, entries, answers, sent = SCENARIOS["workspace members added, one with settings"]
    client = with_quota(answers(), remaining=2)
    with pytest.raises(TogglQuotaError) as caught:
        reconcile(description, entries, client)
    assert str(caught.value) == (
        "Toggl API quota too low to finish this task: needs %d requests, 2 left, resets in 1260 s; nothing was "
        "written (rerun after the reset, or set quota_wait, env TOGGL_QUOTA_WAIT, to wait for it)" % sent
    )
    assert client.writes() == [] and client.after_plan() == []


def test_with_quota_wait_the_plan_waits_for_the_reset_and_goes_on():
    description, entries, answers, sent = SCENARIOS["removals"]
    client = with_quota(answers(), remaining=1, resets_in=57, may_wait=True)
    outcomes, _unused = reconcile(description, entries, client)
    assert client.waits == [(57, "before the first write: needs %d requests, 1 left, resets in 57 s" % sent)]
    assert client.writes() == [("PATCH", ORG_USERS_PATH, {"delete": [503, 505]})]
    assert all(outcome.changed for outcome in outcomes)


def test_in_check_mode_a_shortage_is_a_warning_and_nothing_waits():
    description, entries, answers, sent = SCENARIOS["removals"]
    client = with_quota(answers(), remaining=1, may_wait=True)
    outcomes, resources = reconcile(description, entries, client, check_mode=True)
    assert [outcome.changed for outcome in outcomes] == [True, True]
    assert client.writes() == [] and client.waits == []
    assert resources[0].warnings == [
        "Toggl API quota: a real run of this task needs %d requests, 1 left, resets in 1260 s" % sent
    ]


def test_enough_quota_or_no_quota_header_lets_the_writes_go():
    for remaining in (2, None):
        description, entries, answers, _sent = SCENARIOS["removals"]
        client = with_quota(answers(), remaining=remaining)
        reconcile(description, entries, client)
        assert client.writes() == [("PATCH", ORG_USERS_PATH, {"delete": [503, 505]})]


def test_nothing_to_write_asks_for_no_quota():
    client = with_quota(ws_client(), remaining=0)
    outcomes, _unused = reconcile(WorkspaceUser, [ws_params(user="3", role="user")], client)
    assert outcomes[0].changed is False and client.planned_at is None
