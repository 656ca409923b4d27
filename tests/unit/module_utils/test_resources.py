"""Resource descriptions: local validation, payloads, predictions, reference resolution."""

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.engine import Reconciler
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver, did_you_mean, is_id
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization import Organization
from ansible_collections.trackops.toggl.plugins.module_utils.resources.workspace import SETTINGS, Workspace


class FakeClient:
    """Answers GETs from a dict and records every call."""

    def __init__(self, answers=None):
        self.answers = answers or {}
        self.calls = []

    def get(self, path, params=None, what=None, service="track"):
        self.calls.append(("GET", path))
        return self.answers[path]

    def get_list(self, path, params=None, what=None, service="track"):
        return self.get(path, params, what, service)

    def post(self, path, body=None, what=None, service="track"):
        self.calls.append(("POST", path, body))
        return dict(body, id=99)

    def put(self, path, body=None, what=None, service="track"):
        self.calls.append(("PUT", path, body))
        return "OK"


def ws_params(**values):
    base = dict.fromkeys(SETTINGS)
    base.update(organization=None, name=None, id=None)
    base.update(values)
    return base


def test_workspace_describes_the_documented_settings():
    assert set(Workspace.fields) == set(SETTINGS) | {"name", "rate_change_mode"}
    assert len(SETTINGS) == 12
    assert Workspace.fields["rate_change_mode"].compare is None, "the API never returns it"


def test_rate_change_mode_goes_with_a_rate_change_only():
    client = FakeClient({"/workspaces/5": {"id": 5, "name": "W", "default_hourly_rate": 10}})
    ws = Workspace(ws_params(id=5, default_hourly_rate=20.0, rate_change_mode="override-all"), client, Resolver(client))
    current = ws.find()
    changes = ws.changes(ws.state_of(current), ws.desired())
    assert changes == {"default_hourly_rate": 20.0}
    ws.update(current, changes)
    assert client.calls[-1] == (
        "PUT",
        "/workspaces/5",
        {"default_hourly_rate": 20.0, "rate_change_mode": "override-all"},
    )
    unchanged = Workspace(ws_params(id=5, rate_change_mode="start-today"), client, Resolver(client))
    assert unchanged.changes(unchanged.state_of(current), unchanged.desired()) == {}


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(organization=1, name="x" * 141), "name", "141 characters long; Toggl allows at most 140"),
        (dict(organization=1, name="   "), "name", "non-space"),
        (dict(organization=1, name="x", default_currency="EURO"), "default_currency", "three-letter"),
        (dict(organization=1, name="x", default_hourly_rate=-1.0), "default_hourly_rate", "at least 0"),
        (dict(organization=1, name="x", rounding_minutes=-5), "rounding_minutes", "at least 0"),
    ],
)
def test_workspace_bad_input_names_field_and_reason(values, field, reason):
    client = FakeClient()
    with pytest.raises(TogglValidationError) as caught:
        Workspace(ws_params(**values), client, Resolver(client)).validate()
    assert caught.value.field == field and reason in str(caught.value)
    assert client.calls == []


def test_workspace_name_of_140_characters_is_fine():
    Workspace(ws_params(organization=1, name="x" * 140), None, None).validate()


def test_workspace_by_id_is_one_get_and_update_sends_only_changes():
    client = FakeClient({"/workspaces/5": {"id": 5, "name": "W", "rounding": 0, "organization_id": 1}})
    ws = Workspace(ws_params(id=5, rounding=1, name="W", rate_change_mode="override-all"), client, Resolver(client))
    current = ws.find()
    changes = ws.changes(ws.state_of(current), ws.desired())
    assert changes == {"rounding": 1}
    ws.update(current, changes)
    assert client.calls == [("GET", "/workspaces/5"), ("PUT", "/workspaces/5", {"rounding": 1})]


def test_workspace_by_name_with_org_id_reads_me_workspaces_once():
    client = FakeClient(
        {"/me/workspaces": [{"id": 5, "name": "W", "organization_id": 1}, {"id": 6, "name": "W", "organization_id": 2}]}
    )
    ws = Workspace(ws_params(organization="1", name="W"), client, Resolver(client))
    assert ws.find()["id"] == 5
    assert client.calls == [("GET", "/me/workspaces")]


def test_workspace_by_org_name_resolves_the_org_through_me_organizations():
    client = FakeClient(
        {
            "/me/organizations": [{"id": 2, "name": "Beta"}],
            "/me/workspaces": [{"id": 6, "name": "W", "organization_id": 2}],
        }
    )
    ws = Workspace(ws_params(organization="Beta", name="W"), client, Resolver(client))
    assert ws.find()["id"] == 6
    assert client.calls == [("GET", "/me/organizations"), ("GET", "/me/workspaces")]


def test_workspace_create_posts_settings_with_the_name():
    client = FakeClient({"/me/workspaces": []})
    ws = Workspace(ws_params(organization=3, name="New", rounding=1), client, Resolver(client))
    assert ws.find() is None
    ws.create(ws.desired())
    assert client.calls[-1] == ("POST", "/organizations/3/workspaces", {"name": "New", "rounding": 1})
    assert ws.predict_create(ws.desired()) == {"id": None, "name": "New", "rounding": 1, "organization_id": 3}


def test_organization_create_defaults_workspace_name():
    client = FakeClient({"/me/organizations": []})
    org = Organization({"name": "Acme", "id": None, "workspace_name": None}, client, Resolver(client))
    assert org.find() is None
    org.create(org.desired())
    assert client.calls[-1] == ("POST", "/organizations", {"name": "Acme", "workspace_name": "Acme"})


class RenamingClient(FakeClient):
    """The PUT answers "OK" (Swagger); the organization shows the new name from then on."""

    def put(self, path, body=None, what=None, service="track"):
        answer = super().put(path, body, what, service)
        self.answers[path] = dict(self.answers[path], **body)
        return answer


def test_organization_rename_answers_ok_so_it_is_read_back():
    client = RenamingClient({"/organizations/4": {"id": 4, "name": "Old"}})
    org = Organization({"name": "New", "id": 4, "workspace_name": None}, client, Resolver(client))
    current = org.find()
    assert org.update(current, {"name": "New"}) == {"id": 4, "name": "New"}
    assert client.calls[1:] == [("PUT", "/organizations/4", {"name": "New"}), ("GET", "/organizations/4")]


def test_ambiguous_organization_name_fails_with_count():
    client = FakeClient({"/me/organizations": [{"id": 1, "name": "Dup"}, {"id": 2, "name": "Dup"}]})
    with pytest.raises(TogglReferenceError, match="expected 1 organization named 'Dup', found 2"):
        Resolver(client).organization_id("Dup")


def test_unknown_organization_name_fails_with_its_name():
    client = FakeClient({"/me/organizations": []})
    with pytest.raises(TogglReferenceError, match="organization 'Nope' not found"):
        Resolver(client).organization_id("Nope")


@pytest.mark.parametrize(
    "wanted, candidates, hint",
    [
        ("acme", ["Acme", "Beta"], "; did you mean 'Acme'?"),
        ("Enginering", ["Engineering", "Contractors"], "; did you mean 'Engineering'?"),
        ("Marketing", ["Engineering", "Contractors"], ""),
        ("alcie@example.com", ["alice@example.com", "bob@example.com"], "; did you mean 'alice@example.com'?"),
        ("alice@exmaple.com", ["alice@example.com"], "; did you mean 'alice@example.com'?"),
        # A shared domain alone is no likeness.
        ("nobody@example.com", ["bob@example.com", "carol@example.com"], ""),
        ("Acme", [], ""),
    ],
)
def test_did_you_mean_names_near_misses_only(wanted, candidates, hint):
    assert did_you_mean(wanted, candidates) == hint


def test_an_unknown_name_suggests_the_near_ones_from_what_was_read():
    client = FakeClient(
        {
            "/me/organizations": [{"id": 1, "name": "Acme Inc."}],
            "/me/workspaces": [{"id": 5, "name": "Acme HQ", "organization_id": 1}],
        }
    )
    resolver = Resolver(client)
    with pytest.raises(TogglReferenceError) as caught:
        resolver.organization_id("Acme Inc")
    assert (
        str(caught.value)
        == "organization 'Acme Inc' not found among the token's organizations; did you mean 'Acme Inc.'?"
    )
    with pytest.raises(TogglReferenceError) as caught:
        resolver.workspace_id("acme hq", "Acme Inc.")
    assert str(caught.value) == "workspace 'acme hq' not found in organization 1; did you mean 'Acme HQ'?"
    assert client.calls == [("GET", "/me/organizations"), ("GET", "/me/workspaces")], "the hint costs no request"


def test_ids_cost_no_request_and_names_are_memoised():
    client = FakeClient({"/me/organizations": [{"id": 1, "name": "A"}]})
    resolver = Resolver(client)
    assert resolver.organization_id(12) == 12 and resolver.organization_id("12") == 12
    assert client.calls == []
    resolver.organization_id("A")
    resolver.organization_id("A")
    assert client.calls == [("GET", "/me/organizations")]


def test_a_workspace_name_without_organization_is_found_among_all_the_tokens_workspaces():
    workspaces = [
        {"id": 5, "name": "HQ", "organization_id": 1},
        {"id": 6, "name": "Labs", "organization_id": 1},
        {"id": 7, "name": "Labs", "organization_id": 2},
    ]
    client = FakeClient({"/me/workspaces": workspaces})
    resolver = Resolver(client)
    assert resolver.workspace_id("HQ") == 5
    with pytest.raises(TogglReferenceError) as caught:
        resolver.workspace_id("Labs")
    assert str(caught.value) == "workspace 'Labs' is in 2 of the token's organizations (1, 2): give organization"
    with pytest.raises(TogglReferenceError) as caught:
        resolver.workspace_id("hq")
    assert str(caught.value) == "workspace 'hq' not found among the token's workspaces; did you mean 'HQ'?"
    assert client.calls == [("GET", "/me/workspaces")], "one read, and no /me/organizations"


def test_workspace_by_name_without_organization_is_found_or_asks_for_it_to_create_before_any_write():
    client = FakeClient({"/me/workspaces": [{"id": 5, "name": "HQ", "organization_id": 1, "rounding": 1}]})
    ws = Workspace(ws_params(name="HQ", rounding=1), client, Resolver(client))
    ws.validate()
    outcome = Reconciler().ensure(ws)
    assert not outcome.changed and ws.organization_id == 1
    for check_mode in (False, True):
        client = FakeClient({"/me/workspaces": [{"id": 5, "name": "HQ", "organization_id": 1}]})
        new = Workspace(ws_params(name="Delivery"), client, Resolver(client))
        new.validate()
        with pytest.raises(TogglValidationError) as caught:
            Reconciler(check_mode=check_mode).ensure(new)
        assert str(caught.value) == (
            "organization: is required to create workspace 'Delivery' (the token sees no workspace of that name)"
        )
        assert client.calls == [("GET", "/me/workspaces")]


@pytest.mark.parametrize("ref, expected", [(1, True), ("42", True), (" 7 ", True), ("Acme", False), (True, False)])
def test_is_id(ref, expected):
    assert is_id(ref) is expected
