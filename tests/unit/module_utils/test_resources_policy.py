"""Workspace policy descriptions: rates, track reminders and alerts.

How each identifies an object the API gives no name, the read/write name mapping of rates,
local validation (nothing sent), request bodies, and the Resolver methods they added.
"""

import functools
import re
from datetime import UTC, datetime

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils import engine
from ansible_collections.trackops.toggl.plugins.module_utils.engine import Reconciler
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAccessError,
    TogglAnswerLostError,
    TogglApiError,
    TogglPermissionError,
    TogglReferenceError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver
from ansible_collections.trackops.toggl.plugins.module_utils.resources import alert as alert_module
from ansible_collections.trackops.toggl.plugins.module_utils.resources import rate as rate_module
from ansible_collections.trackops.toggl.plugins.module_utils.resources import track_reminder as reminder_module
from ansible_collections.trackops.toggl.plugins.module_utils.resources.alert import Alert, explain_refusal
from ansible_collections.trackops.toggl.plugins.module_utils.resources.rate import (
    Rate,
    active_period,
    parse_time,
    rate_entries,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resources.track_reminder import TrackReminder


@pytest.fixture(autouse=True)
def no_settle_pauses(monkeypatch):
    """Re-reads after a write happen without the pauses between them (each is still a request)."""
    pauses = []
    quick = functools.partial(engine.settle, sleep=pauses.append)
    for module in (alert_module, rate_module, reminder_module):
        monkeypatch.setattr(module, "settle", quick)
    return pauses


WS_USERS = [
    {"id": 110, "user_id": 1, "email": "owner@example.com"},
    {"id": 112, "user_id": 3, "email": "Bob@Example.com"},
    {"id": 113, "user_id": 4, "email": "carol@example.com"},
]
GROUPS = [{"group_id": 500, "name": "Engineering"}, {"group_id": 501, "name": "Contractors"}]


# What every write needs first: the token's user is an admin of workspace 100
# (require_workspace_admin: the workspace's own admin flag, Swagger models.Workspace.admin).
ADMIN_OF_10 = {"/me/organizations": [{"id": 10, "name": "Acme", "admin": True}]}
WORKSPACE_100 = {"id": 100, "organization_id": 10, "name": "Acme HQ", "admin": True}
SERVER_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


class FakeClient:
    """Answers GETs from a dict keyed by path, records every call, echoes writes."""

    def __init__(self, answers=None, post_answer=None, now=SERVER_NOW):
        self.answers = dict(ADMIN_OF_10, **{"/workspaces/100": dict(WORKSPACE_100)})
        self.answers.update(answers or {})
        self.calls = []
        self.rights_reads = 0
        self.post_answer = post_answer
        self.now = now

    def server_now(self):
        return self.now

    def get(self, path, params=None, what=None, service="track"):
        if path == "/me/organizations" or re.fullmatch(r"/workspaces/\d+", path):
            # What the engine's rights check reads (require_admin, require_workspace_admin; the
            # workspace read is memoised and shared with the lookup of its organization), kept
            # apart from the description's own reads.
            self.rights_reads += 1
        else:
            self.calls.append(("GET", path, params))
        answer = self.answers[path]
        return answer() if callable(answer) else answer

    def get_list(self, path, params=None, what=None, service="track"):
        return self.get(path, params, what, service)

    def post(self, path, body=None, what=None, service="track"):
        self.calls.append(("POST", path, body))
        if isinstance(self.post_answer, Exception):
            raise self.post_answer
        if callable(self.post_answer):
            return self.post_answer(path, body)
        return self.post_answer if self.post_answer is not None else dict(body, id=999, reminder_id=999)

    def put(self, path, body=None, what=None, service="track"):
        """Answers the listed object with the body's keys over it (an API that merges), or
        what ``put_answer(listed, body)`` makes of it."""
        self.calls.append(("PUT", path, body))
        collection, ident = path.rsplit("/", 1)
        objects = self.answers.get(collection, [])
        objects = objects() if callable(objects) else objects
        listed = [o for o in objects if int(ident) in (o.get("id"), o.get("reminder_id"))]
        listed = dict(listed[0] if listed else {}, id=int(ident), reminder_id=int(ident))
        put_answer = getattr(self, "put_answer", None)
        if put_answer is None:
            return dict(listed, **body)
        return put_answer(listed, body)

    def delete(self, path, body=None, what=None, service="track", gone=(404,)):
        self.calls.append(("DELETE", path, body))
        if getattr(self, "delete_error", None) is not None:
            raise self.delete_error
        return "OK"

    def paths(self, method="GET"):
        return [call[1] for call in self.calls if call[0] == method]


def period(amount, start, end=None, deleted_at=None, rate_id=1):
    return {"id": rate_id, "amount": amount, "start": start, "end": end, "deleted_at": deleted_at}


# ----- rates ------------------------------------------------------------------------------------


def rate_params(**values):
    base = dict.fromkeys(("organization", "user", "project", "task_id", "level_id", "mode", "start", "amount"))
    base.update(workspace="100", level="workspace", type="billable", amount=50.0)
    base.update(values)
    return base


def make_rate(client, **values):
    return Rate(rate_params(**values), client, Resolver(client))


def test_rate_names_each_endpoint_with_its_own_pages_words():
    """GET says "user" and "labor_costs", POST "workspace_user" and "labor_rates"."""
    assert rate_module.READ_LEVEL == {
        "workspace": "workspace",
        "workspace_user": "user",
        "project": "project",
        "project_user": "project_user",
        "task": "task",
    }
    assert rate_module.READ_TYPE == {"billable": "billable_rates", "labor": "labor_costs"}
    assert rate_module.WRITE_TYPE == {"billable": "billable_rates", "labor": "labor_rates"}


def test_labor_rate_of_a_workspace_user_by_email_reads_user_and_writes_workspace_user():
    client = FakeClient(
        {
            "/organizations/10/workspaces/100/workspace_users": WS_USERS,
            "/workspaces/100/rates/user/3": [period(20, "2024-01-01T00:00:00Z")],
        }
    )
    rate = make_rate(client, organization="10", level="workspace_user", user="bob@example.COM", type="labor", amount=25)
    rate.validate()
    outcome = Reconciler().ensure(rate)
    assert outcome.changed and outcome.before == {"amount": 20} and outcome.after == {"amount": 25}
    assert client.calls == [
        ("GET", "/organizations/10/workspaces/100/workspace_users", None),
        ("GET", "/workspaces/100/rates/user/3", {"type": "labor_costs"}),
        (
            "POST",
            "/workspaces/100/rates",
            {
                "level": "workspace_user",
                "level_id": 112,
                "type": "labor_rates",
                "amount": 25,
                "mode": "override-current",
            },
        ),
    ]


def test_rate_of_a_user_id_reads_workspace_users_only_when_it_must_write():
    history = {"/workspaces/100/rates/user/3": [period(40, "2024-01-01T00:00:00Z")]}
    converged = FakeClient(dict(history))
    outcome = Reconciler().ensure(make_rate(converged, organization="10", level="workspace_user", user="3", amount=40))
    assert not outcome.changed
    assert converged.calls == [("GET", "/workspaces/100/rates/user/3", {"type": "billable_rates"})]

    answers = dict(history)
    answers["/organizations/10/workspaces/100/workspace_users"] = WS_USERS
    changing = FakeClient(answers)
    outcome = Reconciler(check_mode=True).ensure(
        make_rate(changing, organization="10", level="workspace_user", user="3", amount=45)
    )
    assert outcome.changed and outcome.obj["workspace_user_id"] == 112, "vet found the id POST needs"
    assert changing.paths() == ["/workspaces/100/rates/user/3", "/organizations/10/workspaces/100/workspace_users"]
    assert changing.paths("POST") == []


def test_workspace_user_level_id_is_the_workspace_user_id_read_by_user_id():
    client = FakeClient(
        {
            "/workspaces/100": dict(WORKSPACE_100),
            "/organizations/10/workspaces/100/workspace_users": WS_USERS,
            "/workspaces/100/rates/user/4": [],
        }
    )
    rate = make_rate(client, level="workspace_user", level_id=113, amount=30)
    Reconciler().ensure(rate)
    assert client.calls[-1] == (
        "POST",
        "/workspaces/100/rates",
        {
            "level": "workspace_user",
            "level_id": 113,
            "type": "billable_rates",
            "amount": 30,
            "mode": "override-current",
        },
    )
    # Without organization the workspace is read once, for its organization_id and its admin flag.
    assert client.rights_reads == 1
    with pytest.raises(TogglReferenceError, match="workspace user 999 not found in workspace 100"):
        make_rate(client, level="workspace_user", level_id=999).find()


@pytest.mark.parametrize(
    "level, target, read, write_id",
    [
        ("workspace", {}, "/workspaces/100/rates/workspace/100", 100),
        ("project", {"level_id": 1000}, "/workspaces/100/rates/project/1000", 1000),
        ("project_user", {"level_id": 1200}, "/workspaces/100/rates/project_user/1200", 1200),
        ("task", {"task_id": 1100}, "/workspaces/100/rates/task/1100", 1100),
        ("task", {"level_id": 1100}, "/workspaces/100/rates/task/1100", 1100),
    ],
)
def test_rate_levels_with_ids_cost_one_read(level, target, read, write_id):
    client = FakeClient({read: []})
    rate = make_rate(client, level=level, amount=80, start="2026-07-01", **target)
    rate.validate()
    Reconciler().ensure(rate)
    assert client.calls == [
        ("GET", read, {"type": "billable_rates"}),
        # The write needs the workspace's admin right: GET /workspaces/100 (counted apart, see
        # FakeClient.rights_reads).
        (
            "POST",
            "/workspaces/100/rates",
            {
                "level": level,
                "level_id": write_id,
                "type": "billable_rates",
                "amount": 80,
                "start": "2026-07-01T00:00:00Z",
            },
        ),
    ]
    assert client.rights_reads == 1


@pytest.mark.parametrize("named", [True, False])
def test_rate_project_named_with_digits_only_is_a_name_when_such_a_project_exists(named):
    projects = [{"id": 1000, "name": "4711"}] if named else []
    wanted = 1000 if named else 4711
    client = FakeClient({"/workspaces/100/projects": projects, "/workspaces/100/rates/project/%s" % wanted: []})
    rate = make_rate(client, organization="10", level="project", project="4711", amount=80, start="2026-07-01")
    rate.validate()
    Reconciler().ensure(rate)
    assert client.calls[0] == (
        "GET",
        "/workspaces/100/projects",
        {"active": "both", "page": 1, "per_page": 200, "name": "4711"},
    )
    assert client.calls[1] == ("GET", "/workspaces/100/rates/project/%s" % wanted, {"type": "billable_rates"})
    assert client.calls[-1][2]["level_id"] == wanted


def test_rate_project_by_name_uses_the_project_list():
    client = FakeClient(
        {
            "/workspaces/100/projects": [{"id": 1000, "name": "Website"}, {"id": 1001, "name": "Websites"}],
            "/workspaces/100/rates/project/1000": [period(70, "2021-01-01T00:00:00Z")],
        }
    )
    outcome = Reconciler().ensure(make_rate(client, level="project", project="Website", amount=70))
    assert not outcome.changed
    assert client.paths() == ["/workspaces/100/projects", "/workspaces/100/rates/project/1000"]


NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "periods, expected_id",
    [
        ([], None),
        ([period(1, "2020-01-01T00:00:00Z", rate_id=1)], 1),
        ([period(1, "2020-01-01T00:00:00Z", deleted_at="2025-01-01T00:00:00Z", rate_id=1)], None),
        ([period(1, "2020-01-01T00:00:00Z", end="2026-03-01T00:00:00Z", rate_id=1)], None),
        ([period(1, "2020-01-01T00:00:00Z", end="2026-03-01T12:00:01Z", rate_id=1)], 1),
        ([period(1, "2026-03-02T00:00:00Z", rate_id=1)], None),
        (
            [
                period(1, "2020-01-01T00:00:00Z", end="2999-01-01T00:00:00Z", rate_id=1),
                period(2, "2999-01-01T00:00:00Z", rate_id=2),
            ],
            1,
        ),
        (
            [
                period(1, "2020-01-01T00:00:00Z", deleted_at="2026-01-01T00:00:00Z", rate_id=1),
                period(2, "2020-01-01T00:00:00Z", rate_id=2),
            ],
            2,
        ),
        ([period(1, "2020-01-01T00:00:00Z", rate_id=1), period(2, "2021-01-01T00:00:00Z", rate_id=2)], 2),
    ],
)
def test_active_period_is_the_live_one_covering_the_moment(periods, expected_id):
    found = active_period(periods, NOW)
    assert (found or {}).get("id") == expected_id


def test_a_start_compares_the_amount_in_effect_then():
    history = [
        period(70, "2021-01-01T00:00:00Z", end="2999-01-01T00:00:00Z", rate_id=801),
        period(90, "2999-01-01T00:00:00Z", rate_id=802),
    ]
    client = FakeClient({"/workspaces/100/rates/project/1000": history})
    scheduled = make_rate(client, level="project", level_id=1000, amount=90, start="2999-01-01")
    assert not Reconciler().ensure(scheduled).changed
    assert not Reconciler().ensure(make_rate(client, level="project", level_id=1000, amount=70)).changed
    outcome = Reconciler(check_mode=True).ensure(make_rate(client, level="project", level_id=1000, amount=90))
    assert outcome.changed and outcome.before == {"amount": 70} and outcome.after == {"amount": 90}
    assert client.paths("POST") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-07-01", "2026-07-01T00:00:00Z"),
        ("2026-07-01T10:30:00Z", "2026-07-01T10:30:00Z"),
        ("2026-07-01T10:30:00+02:00", "2026-07-01T08:30:00Z"),
        ("2026-07-01T10:30:00.5Z", "2026-07-01T10:30:00Z"),
        ("2026-07-01T10:30:00", "2026-07-01T10:30:00Z"),
    ],
)
def test_start_is_normalized_to_rfc3339_utc(text, expected):
    assert rate_module.format_time(parse_time(text)) == expected
    assert make_rate(FakeClient(), start=text).body(10)["start"] == expected


@pytest.mark.parametrize(
    "mode, sent",
    [(None, "override-current"), ("override-all", "override-all"), ("start-today", "start-today")],
)
def test_mode_is_sent_without_start(mode, sent):
    body = make_rate(FakeClient(), mode=mode).body(10)
    assert body["mode"] == sent and "start" not in body


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(amount=0.0), "amount", "must be greater than 0, got 0.0"),
        (dict(amount=-5.0), "amount", "must be greater than 0, got -5.0"),
        (dict(amount=None), "amount", "is required"),
        (dict(level=None), "level", "must be one of"),
        (dict(level="galaxy"), "level", "must be one of"),
        (dict(type="fees"), "type", "must be billable or labor"),
        (dict(user="bob@example.com"), "user", "level workspace takes no target"),
        (dict(level="workspace_user"), "user/level_id", "level workspace_user needs one of user, level_id"),
        (dict(level="workspace_user", user="3", level_id=3), "user/level_id", "give only one of"),
        (dict(level="project", task_id=5), "task_id", "level project takes project or level_id"),
        (dict(level="project_user", project="Website"), "project", "level project_user takes level_id"),
        (dict(level="task"), "task_id/level_id", "needs one of"),
        (dict(mode="start-today", start="2026-01-01"), "mode", "give mode or start, not both"),
        (dict(mode="someday"), "mode", "must be one of"),
        (dict(start="next tuesday"), "start", "must be a date (2026-07-01) or an RFC 3339 date and time"),
    ],
)
def test_rate_bad_input_fails_before_any_request(values, field, reason):
    client = FakeClient()
    with pytest.raises(TogglValidationError) as caught:
        make_rate(client, **values).validate()
    assert caught.value.field == field
    assert reason in caught.value.reason
    assert client.calls == []


def test_two_entries_for_the_same_rate_fail_before_any_write():
    client = FakeClient(
        {
            "/organizations/10/workspaces/100/workspace_users": WS_USERS,
            "/workspaces/100/rates/user/3": [],
        }
    )
    resolver = Resolver(client)
    first = Rate(rate_params(organization="10", level="workspace_user", user="bob@example.com"), client, resolver)
    second = Rate(rate_params(organization="10", level="workspace_user", level_id=112), client, resolver)
    with pytest.raises(TogglValidationError, match="two entries set the billable rate"):
        Reconciler().ensure_all([first, second])
    assert client.paths("POST") == []
    labor = Rate(rate_params(organization="10", level="workspace_user", user="3", type="labor"), client, resolver)
    labor.find()  # another type of the same target is another rate


def test_rate_entries_let_an_entry_choose_start_or_mode():
    raw = [{"start": "2026-07-01"}, {"mode": "override-all"}, {"amount": 5}]
    merged = [
        {"mode": "start-today", "start": "2026-07-01"},
        {"mode": "override-all", "start": "2026-01-01"},
        {"mode": "start-today", "start": None},
    ]
    assert rate_entries(raw, merged) == [
        {"mode": None, "start": "2026-07-01"},
        {"mode": "override-all", "start": None},
        {"mode": "start-today", "start": None},
    ]


def lagging_history(periods, visible_after_reads=2):
    """A rate history the API lists late: a period POSTed shows from the Nth read after it."""
    history = {"periods": list(periods), "pending": [], "reads": 0}

    def read():
        if history["pending"]:
            history["reads"] += 1
            if history["reads"] >= visible_after_reads:
                history["periods"] += history["pending"]
                history["pending"] = []
        return [dict(p) for p in history["periods"]]

    def post(path, body):
        history["pending"].append(period(body["amount"], "2026-06-01T12:00:00Z", rate_id=990))
        return ""  # Swagger: 201 with no body

    return history, read, post


def test_rate_post_answered_without_body_reads_the_new_period_back(no_settle_pauses):
    history, read, post = lagging_history([period(10, "2020-01-01T00:00:00Z", rate_id=5)], visible_after_reads=3)
    client = FakeClient({"/workspaces/100/rates/workspace/100": read}, post_answer=post)
    outcome = Reconciler().ensure(make_rate(client, organization="10", amount=12.5))
    assert outcome.changed and outcome.before == {"amount": 10} and outcome.after == {"amount": 12.5}
    assert outcome.obj["id"] == 990, "the period as the API lists it, not a prediction"
    assert [c[0] for c in client.calls] == ["GET", "POST", "GET", "GET", "GET"]
    assert no_settle_pauses == [0.2, 0.4], "backoff between the re-reads"


def test_rate_post_whose_answer_was_lost_adopts_the_period_it_created():
    history, read, post = lagging_history([period(10, "2020-01-01T00:00:00Z", rate_id=5)])

    def lost(path, body):
        post(path, body)  # the API applied it, then the connection dropped
        raise TogglAnswerLostError("POST", path, "the connection was closed before an answer", body=body)

    client = FakeClient({"/workspaces/100/rates/workspace/100": read}, post_answer=lost)
    outcome = Reconciler().ensure(make_rate(client, organization="10", amount=12.5))
    assert outcome.changed and outcome.obj["id"] == 990 and outcome.after == {"amount": 12.5}
    assert client.paths("POST") == ["/workspaces/100/rates"], "never POSTed twice"


def test_rate_post_lost_before_the_api_applied_it_fails_clearly():
    lost = TogglAnswerLostError("POST", "/workspaces/100/rates", "the connection was closed", body={})
    client = FakeClient({"/workspaces/100/rates/workspace/100": [period(10, "2020-01-01T00:00:00Z")]}, lost)
    with pytest.raises(TogglStateError, match="lost its answer to the POST.*probably not created: run the task again"):
        Reconciler().ensure(make_rate(client, organization="10", amount=12.5))
    assert client.paths("POST") == ["/workspaces/100/rates"]


def test_rate_in_effect_is_decided_by_the_servers_clock_not_the_local_one():
    # The server is years ahead of the controller: a period that started in 2029 is in effect.
    history = [
        period(10, "2020-01-01T00:00:00Z", "2029-01-01T00:00:00Z", rate_id=5),
        period(20, "2029-01-01T00:00:00Z"),
    ]
    ahead = FakeClient({"/workspaces/100/rates/workspace/100": history}, now=datetime(2030, 1, 1, tzinfo=UTC))
    outcome = Reconciler().ensure(make_rate(ahead, organization="10", amount=20))
    assert not outcome.changed and ahead.paths("POST") == []
    behind = FakeClient({"/workspaces/100/rates/workspace/100": history}, now=datetime(2028, 12, 31, 23, tzinfo=UTC))
    outcome = Reconciler(check_mode=True).ensure(make_rate(behind, organization="10", amount=20))
    assert outcome.changed and outcome.before == {"amount": 10}


def test_rate_period_started_within_the_dates_second_is_in_effect():
    # The Date header has whole seconds; the new period may have started a fraction later.
    history = [period(20, "2026-06-01T12:00:00.400Z")]
    client = FakeClient({"/workspaces/100/rates/workspace/100": history}, now=datetime(2026, 6, 1, 12, tzinfo=UTC))
    assert not Reconciler().ensure(make_rate(client, organization="10", amount=20)).changed


def test_rate_needs_the_workspaces_admin_right_before_any_write_also_in_check_mode():
    not_admin = dict(WORKSPACE_100, admin=False)
    for check_mode in (True, False):
        client = FakeClient(
            {"/workspaces/100/rates/workspace/100": [period(10, "2020-01-01T00:00:00Z")], "/workspaces/100": not_admin}
        )
        with pytest.raises(TogglAccessError) as caught:
            Reconciler(check_mode=check_mode).ensure(make_rate(client, organization="10", amount=12.5))
        assert str(caught.value) == "the token's user is not an admin of workspace Acme HQ (100) (needed to set rates)"
        assert client.paths("POST") == []
    converged = FakeClient(
        {"/workspaces/100/rates/workspace/100": [period(12.5, "2020-01-01T00:00:00Z")], "/workspaces/100": not_admin}
    )
    assert not Reconciler().ensure(make_rate(converged, organization="10", amount=12.5)).changed
    assert converged.rights_reads == 0, "a run that writes nothing needs no right"


# ----- track reminders --------------------------------------------------------------------------

REMINDERS = [
    {"reminder_id": 600, "user_ids": [2, 3], "group_ids": [], "frequency": 1, "threshold": 8,
     "email_reminder_enabled": True, "slack_reminder_enabled": False},
    {"reminder_id": 601, "user_ids": [], "group_ids": [501], "frequency": 7, "threshold": 30,
     "email_reminder_enabled": True, "slack_reminder_enabled": False},
    {"reminder_id": 602, "user_ids": [], "group_ids": [501], "frequency": 1, "threshold": 6,
     "email_reminder_enabled": True, "slack_reminder_enabled": False},
]  # fmt: skip


def reminder_answers():
    return {
        "/workspaces/100/track_reminders": [dict(r) for r in REMINDERS],
        "/organizations/10/workspaces/100/workspace_users": WS_USERS,
        "/organizations/10/groups": GROUPS,
    }


def reminder_params(**values):
    base = dict.fromkeys(
        ("reminder_id", "users", "groups", "frequency", "threshold", "email_reminder_enabled", "slack_reminder_enabled")
    )
    base.update(organization="10", workspace="100", state="present")
    base.update(values)
    return base


def make_reminder(client, resolver=None, **values):
    return TrackReminder(reminder_params(**values), client, resolver or Resolver(client))


def test_reminder_is_found_by_its_recipient_set_in_any_order():
    client = FakeClient(reminder_answers())
    reminder = make_reminder(client, users=["3", "bob@example.com", "2"], threshold=6)
    reminder.validate()
    outcome = Reconciler().ensure(reminder)
    assert outcome.changed and outcome.before == {"users": [2, 3], "groups": [], "threshold": 8}
    # Swagger: every key of reminders.Payload is optional, so PUT carries only what changes.
    assert client.calls[-1] == ("PUT", "/workspaces/100/track_reminders/600", {"threshold": 6})


def test_reminder_recipients_are_exact_sets():
    client = FakeClient(reminder_answers())
    subset = make_reminder(client, users=["2"], frequency=1, threshold=8)
    decision = Reconciler().decide(subset)
    assert decision.action == "create", "users [2] is another recipient set than [2, 3]"
    assert decision.changes == {"users": [2], "groups": [], "frequency": 1, "threshold": 8}


def test_two_reminders_with_one_recipient_set_ask_for_the_id():
    client = FakeClient(reminder_answers())
    with pytest.raises(TogglReferenceError) as caught:
        make_reminder(client, groups=["Contractors"]).find()
    assert str(caught.value) == (
        "expected 1 track reminder for users [] and groups [501], found 2 that differ (reminder_id 601, 602): "
        "give reminder_id"
    )
    by_id = make_reminder(client, reminder_id=602, groups=["Engineering", "501"], threshold=6)
    outcome = Reconciler().ensure(by_id)
    assert outcome.before["groups"] == [501] and outcome.after["groups"] == [500, 501]
    assert client.calls[-1][2]["group_ids"] == [500, 501]


def test_reminder_by_id_leaves_unset_recipients_alone_and_reads_nothing_for_them():
    client = FakeClient(reminder_answers())
    outcome = Reconciler().ensure(make_reminder(client, reminder_id=600, frequency=7))
    assert client.paths() == ["/workspaces/100/track_reminders"]
    assert client.calls[-1][2] == {"frequency": 7}
    assert outcome.after == {"users": [2, 3], "groups": [], "frequency": 7}


def test_reminder_id_not_found():
    client = FakeClient(reminder_answers())
    with pytest.raises(TogglReferenceError, match="track reminder 4242 not found in workspace 100"):
        make_reminder(client, reminder_id=4242, threshold=3).find()
    gone = Reconciler().ensure(make_reminder(client, reminder_id=4242, state="absent"))
    assert not gone.changed and gone.action == "absent"


def test_reminder_delete_shows_the_whole_reminder():
    client = FakeClient(reminder_answers())
    outcome = Reconciler().ensure(make_reminder(client, users=[3, 2], state="absent"))
    assert outcome.changed and outcome.after is None
    assert outcome.before == {"users": [2, 3], "groups": [], "frequency": 1, "threshold": 8,
                              "email_reminder_enabled": True, "slack_reminder_enabled": False}  # fmt: skip
    assert client.calls[-1] == ("DELETE", "/workspaces/100/track_reminders/600", None)


def test_new_reminder_needs_frequency_and_threshold_before_any_write():
    client = FakeClient(reminder_answers())
    with pytest.raises(TogglValidationError, match="threshold: is required to create a track reminder"):
        Reconciler().ensure(make_reminder(client, users=["4"], frequency=1))
    assert client.paths("POST") == []
    created = Reconciler().ensure(make_reminder(client, users=["carol@example.com"], frequency=7, threshold=20))
    assert client.calls[-1] == (
        "POST",
        "/workspaces/100/track_reminders",
        {"user_ids": [4], "group_ids": [], "frequency": 7, "threshold": 20},
    )
    assert created.after == {"users": [4], "groups": [], "frequency": 7, "threshold": 20}


def test_reminder_update_may_not_empty_the_recipients():
    client = FakeClient(reminder_answers())
    with pytest.raises(TogglValidationError, match="needs at least one user or group"):
        Reconciler().ensure(make_reminder(client, reminder_id=600, users=[]))
    assert client.paths("PUT") == []


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(users=["2"], frequency=3), "frequency", "must be 1 (daily) or 7 (weekly), got 3"),
        (dict(users=["2"], threshold=0), "threshold", "must be greater than 0 hours, got 0"),
        (dict(), "users/groups", "identified by its recipients"),
        (dict(users=[], groups=[]), "users/groups", "identified by its recipients"),
        (dict(reminder_id=600, users=[], groups=[]), "users/groups", "needs at least one user or group"),
    ],
)
def test_reminder_bad_input_fails_before_any_request(values, field, reason):
    client = FakeClient()
    with pytest.raises(TogglValidationError) as caught:
        make_reminder(client, **values).validate()
    assert caught.value.field == field and reason in caught.value.reason
    assert client.calls == []


def test_bulk_reminders_read_once_and_refuse_two_entries_for_one_reminder():
    client = FakeClient(reminder_answers())
    resolver = Resolver(client)
    entries = [
        make_reminder(client, resolver, users=["bob@example.com", "2"], threshold=8),
        make_reminder(client, resolver, groups=["Engineering"], frequency=1, threshold=4),
        make_reminder(client, resolver, reminder_id=601, state="absent"),
    ]
    outcomes = Reconciler().ensure_all(entries)
    assert [o.action for o in outcomes] == ["unchanged", "created", "deleted"]
    assert sorted(client.paths()) == [
        "/organizations/10/groups",
        "/organizations/10/workspaces/100/workspace_users",
        "/workspaces/100/track_reminders",
    ]
    shared = Resolver(client)
    twice = [make_reminder(client, shared, users=["2", "3"]), make_reminder(client, shared, reminder_id=600)]
    with pytest.raises(TogglValidationError, match="two entries name the same track reminder 600"):
        Reconciler().ensure_all(twice)


def test_copies_of_a_reminder_are_merged_keeping_the_lowest_id():
    copy = {"user_ids": [4], "group_ids": [], "frequency": 7, "threshold": 30,
            "email_reminder_enabled": True, "slack_reminder_enabled": False}  # fmt: skip
    answers = reminder_answers()
    answers["/workspaces/100/track_reminders"] = [dict(copy, reminder_id=651), dict(copy, reminder_id=650)]
    client = FakeClient(answers)
    reminder = make_reminder(client, users=["carol@example.com"], frequency=7, threshold=30)
    outcome = Reconciler().ensure(reminder)
    assert outcome.changed and outcome.obj["reminder_id"] == 650
    assert outcome.before["duplicates"] == [651] and outcome.after["duplicates"] == []
    assert client.paths("DELETE") == ["/workspaces/100/track_reminders/651"] and client.paths("PUT") == []
    assert reminder.removed_duplicates == [651]


def test_reminder_post_whose_answer_was_lost_adopts_the_reminder_it_created():
    listed = []
    answers = reminder_answers()
    answers["/workspaces/100/track_reminders"] = lambda: [dict(r) for r in listed]

    def lost(path, body):
        listed.append(dict(body, reminder_id=660, email_reminder_enabled=True, slack_reminder_enabled=False))
        raise TogglAnswerLostError("POST", path, "the connection was closed before an answer", body=body)

    client = FakeClient(answers, post_answer=lost)
    outcome = Reconciler().ensure(make_reminder(client, users=["4"], frequency=1, threshold=2))
    assert outcome.action == "created" and outcome.obj["reminder_id"] == 660
    assert client.paths("POST") == ["/workspaces/100/track_reminders"]


def test_reminder_group_named_with_digits_only_is_a_name_when_such_a_group_exists():
    answers = reminder_answers()
    answers["/organizations/10/groups"] = GROUPS + [{"group_id": 502, "name": "2026"}]
    client = FakeClient(answers)
    named = make_reminder(client, groups=["2026"], frequency=1, threshold=2)
    assert Reconciler(check_mode=True).ensure(named).obj["group_ids"] == [502]
    by_id = make_reminder(FakeClient(reminder_answers()), groups=["501", "Engineering"], frequency=1, threshold=2)
    assert Reconciler(check_mode=True).ensure(by_id).obj["group_ids"] == [500, 501]


def test_reminder_writes_need_the_workspaces_admin_right():
    client = FakeClient(reminder_answers())
    client.answers["/workspaces/100"] = dict(WORKSPACE_100, admin=False)
    with pytest.raises(TogglAccessError) as caught:
        Reconciler().ensure(make_reminder(client, reminder_id=600, threshold=2))
    assert str(caught.value) == (
        "the token's user is not an admin of workspace Acme HQ (100)"
        " (needed to create, change or delete track reminders)"
    )
    assert client.paths("PUT") == []


# ----- alerts -----------------------------------------------------------------------------------

ALERTS = [
    {"id": 700, "project_id": 1000, "source_kind": "project", "threshold_type": "percentage",
     "thresholds": [80, 100], "receiver_roles": ["admin"], "receiver_users": [], "receiver_groups": [500]},
    {"id": 701, "project_id": 1001, "source_kind": "project", "threshold_type": "hours",
     "thresholds": [10], "receiver_roles": ["admin"], "receiver_users": [], "receiver_groups": []},
    {"id": 702, "project_id": 1001, "source_kind": "project", "threshold_type": "hours",
     "thresholds": [20], "receiver_roles": ["admin"], "receiver_users": [], "receiver_groups": []},
    {"id": 703, "project_id": 0, "source_kind": "workspace", "threshold_type": "hours",
     "thresholds": [100], "receiver_roles": ["admin"], "receiver_users": [3], "receiver_groups": []},
]  # fmt: skip


def alert_answers():
    return {
        "/workspaces/100/alerts": [dict(a) for a in ALERTS],
        "/workspaces/100/projects": [{"id": 1000, "name": "Website"}, {"id": 1001, "name": "Mobile"}],
        "/organizations/10/workspaces/100/workspace_users": WS_USERS,
    }


def alert_params(**values):
    base = dict.fromkeys(
        ("alert_id", "project", "source_kind", "threshold_type", "thresholds", "receiver_roles", "receiver_users")
    )
    base.update(organization="10", workspace="100", state="present")
    base.update(values)
    return base


def make_alert(client, **values):
    return Alert(alert_params(**values), client, Resolver(client))


def test_alert_is_found_by_project_source_kind_and_threshold_type():
    client = FakeClient(alert_answers())
    alert = make_alert(
        client, project="Website", source_kind="project", threshold_type="percentage", thresholds=[100, 50]
    )
    alert.validate()
    outcome = Reconciler().ensure(alert)
    assert outcome.before["thresholds"] == [80, 100] and outcome.after["thresholds"] == [50, 100]
    # Re-read right before the PUT; the body is the Swagger's, the settings the task leaves
    # alone as that re-read shows them, and the alert's receiver groups (no Swagger key).
    assert client.calls[-2:] == [
        ("GET", "/workspaces/100/alerts", None),
        (
            "PUT",
            "/workspaces/100/alerts/700",
            {"project_id": 1000, "source_kind": "project", "threshold_type": "percentage",
             "thresholds": [100, 50], "receiver_roles": ["admin"], "receiver_users": [], "receiver_groups": [500]},
        ),
    ]  # fmt: skip


def test_alert_without_receiver_groups_sends_only_the_swaggers_keys():
    client = FakeClient(alert_answers())
    Reconciler().ensure(make_alert(client, alert_id=701, thresholds=[12]))
    assert client.calls[-1] == (
        "PUT",
        "/workspaces/100/alerts/701",
        {"project_id": 1001, "source_kind": "project", "threshold_type": "hours", "thresholds": [12],
         "receiver_roles": ["admin"], "receiver_users": []},
    )  # fmt: skip


def test_alert_update_keeps_what_another_admin_set_after_the_tasks_first_read():
    reads = []

    def alerts():
        reads.append(1)
        listed = [dict(a) for a in ALERTS]
        if len(reads) > 1:  # tok-admin2 added a receiver and a role between the two reads
            listed[0].update(receiver_users=[4], receiver_roles=["admin", "projectlead"])
        return listed

    answers = alert_answers()
    answers["/workspaces/100/alerts"] = alerts
    client = FakeClient(answers)
    outcome = Reconciler().ensure(make_alert(client, alert_id=700, thresholds=[90]))
    body = client.calls[-1][2]
    assert body["thresholds"] == [90]
    assert body["receiver_users"] == [4] and body["receiver_roles"] == ["admin", "projectlead"]
    assert outcome.obj["receiver_users"] == [4]


def test_alert_update_fails_when_the_answer_lost_a_setting_the_task_left_alone():
    client = FakeClient(alert_answers())
    client.put_answer = lambda listed, body: dict(listed, **dict(body, receiver_roles=[]))
    with pytest.raises(TogglStateError) as caught:
        Reconciler().ensure(make_alert(client, alert_id=700, thresholds=[90]))
    assert str(caught.value) == (
        "alert 700: the API's answer to the update no longer shows receiver_roles as the alert had "
        "receiver_roles=['admin'] before it"
    )


def test_alert_deleted_by_someone_else_before_the_update_fails_naming_it():
    reads = []

    def alerts():
        reads.append(1)
        return [dict(a) for a in ALERTS[len(reads) > 1 :]]

    answers = alert_answers()
    answers["/workspaces/100/alerts"] = alerts
    client = FakeClient(answers)
    with pytest.raises(TogglStateError, match="alert 700 was deleted by someone else after this task read it"):
        Reconciler().ensure(make_alert(client, alert_id=700, thresholds=[90]))
    assert client.paths("PUT") == []


COPY = {"project_id": 1001, "source_kind": "project", "threshold_type": "percentage", "thresholds": [50],
        "receiver_roles": ["admin"], "receiver_users": [], "receiver_groups": []}  # fmt: skip


def copies_answers(*ids):
    answers = alert_answers()
    answers["/workspaces/100/alerts"] = [dict(COPY, id=ident) for ident in ids]
    return answers


def copy_alert(client, **values):
    return make_alert(
        client, project="Mobile", source_kind="project", threshold_type="percentage", receiver_roles=["admin"], **values
    )


def test_copies_of_an_alert_are_merged_keeping_the_lowest_id():
    predicted = Reconciler(check_mode=True).ensure(copy_alert(FakeClient(copies_answers(720, 718, 719))))
    assert predicted.changed and predicted.obj["id"] == 718
    assert predicted.before["duplicates"] == [719, 720] and predicted.after["duplicates"] == []

    client = FakeClient(copies_answers(720, 718, 719))
    alert = copy_alert(client, thresholds=[50])
    outcome = Reconciler().ensure(alert)
    assert outcome.changed and outcome.action == "updated" and outcome.obj["id"] == 718
    assert [c[:2] for c in client.calls if c[0] != "GET"] == [
        ("DELETE", "/workspaces/100/alerts/719"),
        ("DELETE", "/workspaces/100/alerts/720"),
    ], "nothing else differs: no PUT"
    assert alert.removed_duplicates == [719, 720]

    changing = FakeClient(copies_answers(720, 718))
    outcome = Reconciler().ensure(copy_alert(changing, thresholds=[60]))
    assert [c[:2] for c in changing.calls if c[0] != "GET"] == [
        ("DELETE", "/workspaces/100/alerts/720"),
        ("PUT", "/workspaces/100/alerts/718"),
    ]
    assert outcome.after == {"project": 1001, "source_kind": "project", "threshold_type": "percentage",
                             "thresholds": [60], "receiver_roles": ["admin"], "duplicates": []}  # fmt: skip


def test_copies_of_an_alert_are_all_deleted_with_state_absent():
    client = FakeClient(copies_answers(718, 719))
    alert = copy_alert(client, state="absent")
    outcome = Reconciler().ensure(alert)
    assert outcome.action == "deleted" and outcome.before["duplicates"] == [719]
    assert client.paths("DELETE") == ["/workspaces/100/alerts/718", "/workspaces/100/alerts/719"]


def test_alert_post_whose_answer_was_lost_adopts_the_alert_it_created():
    listed = []
    answers = alert_answers()
    answers["/workspaces/100/alerts"] = lambda: [dict(a) for a in listed]

    def lost(path, body):
        listed.append(dict(body, id=730, receiver_groups=[]))  # applied, then the answer was lost
        raise TogglAnswerLostError("POST", path, "the connection was closed before an answer", body=body)

    client = FakeClient(answers, post_answer=lost)
    outcome = Reconciler().ensure(copy_alert(client, thresholds=[50]))
    assert outcome.action == "created" and outcome.obj["id"] == 730
    assert client.paths("POST") == ["/workspaces/100/alerts"]


@pytest.mark.parametrize("status", [403, 404])
def test_alert_delete_refused_as_missing_is_a_success_once_the_alert_is_gone(status):
    listed = [dict(a) for a in ALERTS]
    answers = alert_answers()
    answers["/workspaces/100/alerts"] = lambda: [dict(a) for a in listed]
    client = FakeClient(answers)
    # Another admin deleted it after this task's read: the API answers "Alert not found or not accessible".
    client.delete_error = TogglPermissionError(
        "DELETE", "/workspaces/100/alerts/700", status, "Alert not found or not accessible"
    )
    alert = make_alert(client, alert_id=700, state="absent")
    decision = Reconciler().decide(alert)
    del listed[0]
    outcome = Reconciler().apply(decision)
    assert outcome.changed and outcome.action == "deleted"
    assert client.paths()[-1] == "/workspaces/100/alerts"


def test_alert_delete_refused_while_the_alert_is_still_listed_is_the_refusal():
    client = FakeClient(alert_answers())
    refusal = TogglPermissionError("DELETE", "/workspaces/100/alerts/700", 403, "Alert not found or not accessible")
    client.delete_error = refusal
    with pytest.raises(TogglPermissionError) as caught:
        Reconciler().ensure(make_alert(client, alert_id=700, state="absent"))
    assert caught.value is refusal
    assert client.paths().count("/workspaces/100/alerts") == 7, "one read, then 6 re-reads to confirm"


def test_alert_writes_need_the_workspaces_admin_right_in_check_mode_too():
    client = FakeClient(alert_answers())
    client.answers["/workspaces/100"] = dict(WORKSPACE_100, admin=False)
    with pytest.raises(TogglAccessError) as caught:
        Reconciler(check_mode=True).ensure(copy_alert(client, thresholds=[5]))
    assert str(caught.value) == (
        "the token's user is not an admin of workspace Acme HQ (100) (needed to create, change or delete alerts)"
    )


def test_alert_project_named_with_digits_only_is_a_name():
    answers = alert_answers()
    answers["/workspaces/100/projects"] = [{"id": 1001, "name": "2026"}]
    client = FakeClient(answers)
    outcome = Reconciler(check_mode=True).ensure(
        make_alert(client, project="2026", source_kind="project", threshold_type="percentage", thresholds=[10],
                   receiver_roles=["admin"])
    )  # fmt: skip
    assert outcome.obj["project_id"] == 1001


def test_alert_without_project_matches_a_null_or_zero_project_and_sends_none():
    client = FakeClient(alert_answers())
    outcome = Reconciler().ensure(
        make_alert(client, source_kind="workspace", threshold_type="hours", receiver_users=["carol@example.com"])
    )
    assert outcome.before["project"] is None and outcome.after["receiver_users"] == [4]
    assert "project_id" not in client.calls[-1][2]
    assert client.paths() == [
        "/organizations/10/workspaces/100/workspace_users",  # the receiver's email, resolved before deciding
        "/workspaces/100/alerts",
        "/workspaces/100/alerts",  # re-read right before the PUT
    ]


def test_alert_sets_compare_in_any_order():
    client = FakeClient(alert_answers())
    unchanged = make_alert(client, alert_id=700, thresholds=[100, 80], receiver_roles=["admin"], receiver_users=[])
    assert not Reconciler().ensure(unchanged).changed
    assert client.paths() == ["/workspaces/100/alerts"]


def test_two_alerts_with_one_identity_ask_for_the_id():
    client = FakeClient(alert_answers())
    with pytest.raises(TogglReferenceError) as caught:
        make_alert(client, project="1001", source_kind="project", threshold_type="hours").find()
    assert str(caught.value) == (
        "expected 1 alert for project 1001, source_kind 'project', threshold_type 'hours', found 2 that differ "
        "(alert_id 701, 702): give alert_id"
    )


def test_new_alert_needs_thresholds_and_a_receiver_before_any_write():
    client = FakeClient(alert_answers())
    with pytest.raises(TogglValidationError, match="thresholds: is required to create an alert"):
        Reconciler().ensure(make_alert(client, project="Mobile", source_kind="project", threshold_type="percentage"))
    with pytest.raises(TogglValidationError, match="needs at least one receiver to be created"):
        Reconciler().ensure(
            make_alert(client, project="Mobile", source_kind="project", threshold_type="percentage", thresholds=[9])
        )
    assert client.paths("POST") == []
    created = Reconciler(check_mode=True).ensure(
        make_alert(
            client, project="Mobile", source_kind="project", threshold_type="percentage", thresholds=[9],
            receiver_roles=["admin"],
        )
    )  # fmt: skip
    assert created.obj == {
        "id": None, "wid": 100, "project_id": 1001, "source_kind": "project", "threshold_type": "percentage",
        "thresholds": [9], "receiver_roles": ["admin"], "receiver_users": [], "receiver_groups": [],
    }  # fmt: skip


def test_alert_update_may_not_remove_the_last_receiver():
    client = FakeClient(alert_answers())
    with pytest.raises(TogglValidationError, match="an alert needs at least one receiver"):
        Reconciler().ensure(make_alert(client, alert_id=701, receiver_roles=[]))
    # Alert 700 keeps its receiver group, so removing its roles is fine.
    Reconciler().ensure(make_alert(client, alert_id=700, receiver_roles=[]))
    assert client.calls[-1][2]["receiver_roles"] == [] and client.calls[-1][2]["receiver_groups"] == [500]


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(threshold_type="hours"), "source_kind", "is required"),
        (dict(source_kind="project"), "threshold_type", "is required"),
        (dict(alert_id=700, source_kind=" "), "source_kind", "non-space"),
        (dict(alert_id=700, thresholds=[]), "thresholds", "give at least one threshold"),
        (dict(alert_id=700, receiver_roles=[], receiver_users=[]), "receiver_roles/receiver_users", "at least one"),
    ],
)
def test_alert_bad_input_fails_before_any_request(values, field, reason):
    client = FakeClient()
    with pytest.raises(TogglValidationError) as caught:
        make_alert(client, **values).validate()
    assert caught.value.field == field and reason in caught.value.reason
    assert client.calls == []


BODY = {
    "project_id": 1000,
    "source_kind": "galaxy",
    "threshold_type": "lightyears",
    "thresholds": [0],
    "receiver_roles": ["king"],
    "receiver_users": [42],
}


@pytest.mark.parametrize(
    "api_message, expected",
    [
        ("source kind out of range", "source_kind: Toggl does not accept 'galaxy'"),
        ("threshold type out of range", "threshold_type: Toggl does not accept 'lightyears'"),
        ("receiver role out of range", "receiver_roles: Toggl does not accept one of ['king']"),
        ("thresholds can't be blank", "thresholds: give at least one threshold"),
        ("threshold out of range", "thresholds: Toggl does not accept one of [0]"),
        ("project can't be blank", "project: source_kind 'galaxy' needs a project of this workspace"),
        ("project not supported for this source kind", "project: source_kind 'galaxy' takes no project"),
        ("receivers can't be blank", "receiver_roles/receiver_users: give at least one receiver"),
        ("receiver type out of range", "receiver_users: Toggl refused a receiver of [42]"),
        ("source kind can't be blank", "source_kind: is required"),
        ("threshold type can't be blank", "threshold_type: is required"),
        ("alert type out of range", "source_kind/threshold_type: Toggl does not accept this kind of alert"),
        ("invalid workspace ID", "workspace: Toggl does not know this workspace"),
    ],
)
def test_documented_alert_refusals_name_the_option(api_message, expected):
    error = TogglApiError("POST", "/workspaces/100/alerts", 400, api_message)
    explained = explain_refusal(error, BODY)
    assert str(explained).startswith(expected)
    assert str(explained).endswith("(HTTP 400 from POST /workspaces/100/alerts: %s)" % api_message)


def test_every_documented_alert_refusal_is_explained():
    documented = {
        "invalid workspace ID", "source kind can't be blank", "project can't be blank",
        "project not supported for this source kind", "threshold type can't be blank", "thresholds can't be blank",
        "receivers can't be blank", "alert type out of range", "receiver type out of range", "threshold out of range",
        "source kind out of range", "threshold type out of range", "receiver role out of range",
    }  # fmt: skip
    assert set(alert_module.REFUSALS) == documented


def test_other_errors_pass_through_unchanged():
    assert explain_refusal(TogglApiError("POST", "/x", 400, "something new"), BODY) is None
    assert explain_refusal(TogglApiError("POST", "/x", 500, "source kind out of range"), BODY) is None


# ----- the Resolver methods these descriptions added ---------------------------------------------


def test_workspace_users_are_read_once_and_found_by_email_or_user_id():
    client = FakeClient({"/organizations/10/workspaces/100/workspace_users": WS_USERS})
    resolver = Resolver(client)
    assert resolver.find_workspace_user(10, 100, " BOB@example.com ")["id"] == 112
    assert resolver.find_workspace_user(10, 100, "4")["id"] == 113
    assert resolver.find_workspace_user(10, 100, "nobody@example.com") is None
    assert client.paths() == ["/organizations/10/workspaces/100/workspace_users"]


def test_organization_of_workspace_costs_nothing_when_given_and_one_read_otherwise():
    client = FakeClient({"/workspaces/100": {"id": 100, "organization_id": 10}})
    resolver = Resolver(client)
    assert resolver.organization_of_workspace(100, "12") == 12
    assert client.calls == []
    assert resolver.organization_of_workspace(100) == 10
    assert resolver.organization_of_workspace("100") == 10
    assert client.rights_reads == 1, "one GET /workspaces/100 (FakeClient counts it with the rights reads)"


def test_memo_loads_once():
    loads = []
    resolver = Resolver(FakeClient())
    assert resolver.memo(("thing", 1), lambda: loads.append(1) or "x") == "x"
    assert resolver.memo(("thing", 1), lambda: loads.append(2) or "y") == "x"
    assert loads == [1]
