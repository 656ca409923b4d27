"""GET /audit_logs/{organization_id}/{from}/{to}: entries recorded for the writes served,
the Swagger's query parameters and pagination, and the plan gating (Premium and Enterprise,
from Toggl's support article; refused with the Swagger's 403)."""

import copy

import pytest
from simulator_helpers import BASE_SEED

FROM, TO = "2000-01-01T00:00:00Z", "2100-01-01T00:00:00Z"
NO_ACCESS = "User does not have access to the audit logs"


def premium_seed(plan="premium"):
    data = copy.deepcopy(BASE_SEED)
    data["organizations"][0]["plan"] = plan
    return data


def audit(api, query=None, token="tok-owner", org=10, start=FROM, end=TO):
    return api.get(f"/audit_logs/{org}/{start}/{end}", token=token, query=query)


@pytest.fixture
def premium(make_api):
    return make_api(premium_seed())


def test_a_write_is_one_entry_naming_who_when_what_and_the_changes(make_api):
    # "when" is the simulator clock's: a day ahead of the host's here (an app of its own, since
    # a reset keeps the clock, and the shared app's must stay on time for other tests).
    premium = make_api(premium_seed(), rate_limit=0)
    ahead = premium.post("/_sim/clock", json={"advance_seconds": 86400}).get_json()["now"]
    changed = premium.put("/workspaces/100", token="tok-alice", json={"rounding": -1, "name": "Acme Main"})
    assert changed.status_code == 200
    answer = audit(premium)
    assert answer.status_code == 200
    [entry] = answer.get_json()
    assert ahead <= entry["created_at"] <= premium.get("/_sim/clock").get_json()["now"]
    assert {key: entry[key] for key in entry if key not in ("created_at", "changes")} == {
        "id": 1,
        "organization_id": 10,
        "workspace_id": 100,
        "entity_type": "workspace",
        "entity_id": 100,
        "entity_name": "Acme Main",
        "action": "update",
        "user_id": 2,
        "user_name": "Alice Admin",
        "user_email": "alice@example.com",
    }
    assert {change["field"]: (change["old"], change["new"]) for change in entry["changes"]} == {
        "name": ("Acme HQ", "Acme Main"),
        "rounding": (1, -1),  # from the default, 1
    }
    # The same values again change nothing: no entry.
    assert premium.put("/workspaces/100", token="tok-alice", json={"rounding": -1}).status_code == 200
    assert len(audit(premium).get_json()) == 1
    # GET /_sim/state shows the log as bookkeeping.
    assert [e["id"] for e in premium.get("/_sim/state").get_json()["_audit_logs"]] == [1]


def test_create_and_delete_and_one_request_touching_several_objects(premium):
    created = premium.post("/organizations/10/groups", json={"name": "Ops", "users": [3], "workspaces": [101]})
    assert created.status_code == 200, created.get_json()
    group_id = created.get_json()["group_id"]
    assert premium.delete(f"/organizations/10/groups/{group_id}").status_code == 200
    entries = audit(premium).get_json()
    # Newest first: the delete (group and the workspace access it gave), then the create.
    summary = [(e["action"], e["entity_type"], e["entity_name"]) for e in entries]
    assert ("create", "group", "Ops") in summary and ("delete", "group", "Ops") in summary
    assert ("create", "workspace_user", "bob@example.com") in summary  # access through the group
    assert summary.index(("delete", "group", "Ops")) < summary.index(("create", "group", "Ops"))
    create = next(e for e in entries if e["action"] == "create" and e["entity_type"] == "group")
    assert {c["field"]: c["new"] for c in create["changes"]}["user_ids"] == [3]
    assert all(e["user_id"] == 1 for e in entries)


def test_filters_pagination_and_export(premium):
    for rounding in (-1, 1, -1):
        premium.put("/workspaces/100", json={"rounding": rounding})
    premium.put("/workspaces/101", token="tok-owner", json={"rounding": 0})
    assert len(audit(premium).get_json()) == 4
    assert len(audit(premium, {"workspace_id": 101}).get_json()) == 1
    assert len(audit(premium, {"entity_type": "workspace", "entity_id": 100}).get_json()) == 3
    assert audit(premium, {"user_id": 2}).get_json() == []
    assert audit(premium, {"action": "delete"}).get_json() == []
    pages = [audit(premium, {"page_size": 3, "page_number": n}).get_json() for n in (1, 2, 3)]
    assert [len(page) for page in pages] == [3, 1, 0]
    ids = [e["id"] for page in pages for e in page]
    assert ids == sorted(ids, reverse=True)
    # export: every entry, page_size ignored
    assert len(audit(premium, {"export": "true", "page_size": 1}).get_json()) == 4
    # the time window: nothing before it
    assert audit(premium, start="2000-01-01T00:00:00Z", end="2000-01-02T00:00:00+00:00").get_json() == []


@pytest.mark.parametrize(
    "query, start, end",
    [
        ({}, "yesterday", TO),
        ({}, "2026-01-01", TO),  # a date, not a date-time
        ({}, TO, FROM),  # from after to
        ({"page_size": 0}, FROM, TO),
        ({"entity_id": "x"}, FROM, TO),
    ],
)
def test_bad_parameters_are_refused_with_400(premium, query, start, end):
    assert audit(premium, query, start=start, end=end).status_code == 400


def test_plan_gating_and_access_answer_the_swaggers_403(make_api):
    starter = make_api()  # Acme is on Starter in the base seed
    assert (audit(starter).status_code, audit(starter).get_json()) == (403, NO_ACCESS)
    # Free (organization 20) too, and an unknown organization
    assert audit(starter, org=20).status_code == 403
    assert audit(starter, org=999).status_code == 403
    enterprise = make_api(premium_seed("enterprise"))
    assert audit(enterprise).status_code == 200
    assert audit(enterprise, token="tok-bob").get_json() == NO_ACCESS  # a member, not an admin
    assert audit(enterprise, token="tok-out").status_code == 403  # an outsider
    assert audit(enterprise, token="tok-alice").status_code == 200  # another admin


def test_a_refused_write_leaves_no_entry_and_reset_clears_the_log(premium):
    assert premium.put("/workspaces/100", token="tok-bob", json={"rounding": 1}).status_code == 403
    assert premium.put("/workspaces/100", json={"rounding": 7}).status_code == 400
    assert audit(premium).get_json() == []
    premium.put("/workspaces/100", json={"rounding": -1})
    assert len(audit(premium).get_json()) == 1
    premium.post("/_sim/reset", json=premium_seed())
    assert audit(premium).get_json() == []
