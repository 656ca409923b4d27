"""Workspace and organization descriptions through the engine, on a scripted client: the admin
right before any write (check mode too), names of digits, answers that are not the object, lost
answers and creates another run made meanwhile."""

import copy

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils import engine
from ansible_collections.trackops.toggl.plugins.module_utils.engine import Reconciler
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAccessError,
    TogglAnswerLostError,
    TogglApiError,
    TogglReferenceError,
    TogglStateError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization import Organization
from ansible_collections.trackops.toggl.plugins.module_utils.resources.workspace import SETTINGS, Workspace

HQ = {"id": 100, "name": "HQ", "organization_id": 10, "default_currency": "USD", "api_token": "secret"}


class FakeApi:
    """One user's organizations and workspaces; records every request."""

    def __init__(self, admin=True, workspaces=None, organizations=None):
        self.organizations = organizations or [{"id": 10, "name": "Acme", "admin": admin}]
        self.workspaces = copy.deepcopy(workspaces if workspaces is not None else [HQ])
        self.calls = []
        self.post_error = None  # raised by the next POST after `on_post` ran
        self.on_post = None
        self.org_reads = []  # scripted answers of the next GET /organizations/{id} (stale reads)

    def get(self, path, params=None, what=None, service="track"):
        self.calls.append(("GET", path, None))
        if path.startswith("/workspaces/"):
            ws_id = int(path.rsplit("/", 1)[1])
            return copy.deepcopy(next(ws for ws in self.workspaces if ws["id"] == ws_id))
        if path.startswith("/organizations/"):
            if self.org_reads:
                return copy.deepcopy(self.org_reads.pop(0))
            org_id = int(path.rsplit("/", 1)[1])
            return copy.deepcopy(next(org for org in self.organizations if org["id"] == org_id))
        raise AssertionError("unexpected GET %s" % path)

    def get_list(self, path, params=None, what=None, service="track"):
        self.calls.append(("GET", path, None))
        if path == "/me/organizations":
            return copy.deepcopy(self.organizations)
        if path == "/me/workspaces":
            return copy.deepcopy(self.workspaces)
        raise AssertionError("unexpected GET %s" % path)

    def post(self, path, body=None, what=None, service="track"):
        self.calls.append(("POST", path, body))
        if self.on_post:
            self.on_post(self)
        if self.post_error:
            raise self.post_error
        if path == "/organizations":
            org = {"id": 20, "name": body["name"], "admin": True}
            self.organizations.append(org)
            return {"id": 20, "name": body["name"], "workspace_id": 200, "workspace_name": body["workspace_name"]}
        ws = dict(body, id=101, organization_id=int(path.split("/")[2]))
        self.workspaces.append(ws)
        return copy.deepcopy(ws)

    def put(self, path, body=None, what=None, service="track"):
        self.calls.append(("PUT", path, body))
        if path.startswith("/organizations/"):
            self.organizations[0].update(body)
            return "OK"  # Swagger: a string
        ws = next(ws for ws in self.workspaces if ws["id"] == int(path.rsplit("/", 1)[1]))
        ws.update(body)
        return copy.deepcopy(ws)

    def writes(self):
        return [call for call in self.calls if call[0] != "GET"]


@pytest.fixture
def no_settle_pauses(monkeypatch):
    monkeypatch.setattr(engine.settle, "__defaults__", ((0.0,) * 5, lambda seconds: None))


def ws_params(**values):
    params = dict.fromkeys(SETTINGS)
    params.update(organization="Acme", name=None, id=None, rate_change_mode=None, state="present")
    params.update(values)
    return params


def org_params(**values):
    params = dict(name=None, id=None, workspace_name=None, state="present")
    params.update(values)
    return params


def ensure(api, cls, check_mode=False, **values):
    params = ws_params(**values) if cls is Workspace else org_params(**values)
    resource = cls(params, api, Resolver(api))
    resource.validate()
    return Reconciler(check_mode=check_mode).ensure(resource)


# -- partial rights --------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [True, False])
def test_a_workspace_the_token_cannot_see_is_no_predicted_create(check_mode):
    """A plain member does not see the workspace: the task fails naming the right, never
    'would create', and writes nothing."""
    api = FakeApi(admin=False, workspaces=[])
    with pytest.raises(TogglAccessError) as caught:
        ensure(api, Workspace, check_mode=check_mode, name="HQ")
    assert str(caught.value) == (
        "the token's user is not an admin of organization Acme (10) (needed to create or change workspaces)"
    )
    assert api.writes() == []


def test_a_change_by_id_needs_the_admin_right_of_the_workspaces_organization():
    api = FakeApi(admin=False)
    with pytest.raises(TogglAccessError, match=r"organization Acme \(10\) \(needed to create or change workspaces\)"):
        ensure(api, Workspace, organization=None, id=100, name="Main")
    assert api.writes() == []


def test_a_converged_workspace_needs_no_right():
    api = FakeApi(admin=False)
    outcome = ensure(api, Workspace, name="HQ", default_currency="USD")
    assert outcome.changed is False and api.writes() == []
    assert "api_token" not in outcome.obj


def test_a_not_a_member_organization_is_named():
    api = FakeApi(organizations=[{"id": 11, "name": "Other", "admin": True}], workspaces=[])
    with pytest.raises(TogglAccessError) as caught:
        ensure(api, Workspace, organization="10", name="HQ")
    assert str(caught.value) == (
        "the token's user is not a member of organization 10 (needed to create or change workspaces)"
    )


# -- names of digits ---------------------------------------------------------------------------


def test_a_workspace_named_with_digits_is_found_by_its_name():
    """A workspace named "1234" next to workspace id 100: the name option is always a name."""
    named = dict(HQ, id=555, name="100")
    api = FakeApi(workspaces=[HQ, named])
    outcome = ensure(api, Workspace, name="100", default_currency="USD")
    assert outcome.changed is False and outcome.obj["id"] == 555
    created = ensure(FakeApi(), Workspace, name="1234")
    assert created.action == "created" and created.obj["name"] == "1234"


# -- answers -----------------------------------------------------------------------------------


def test_workspace_create_and_update_take_the_answered_workspace():
    api = FakeApi()
    outcome = ensure(api, Workspace, name="Lab", projects_private_by_default=True)
    assert api.writes() == [
        ("POST", "/organizations/10/workspaces", {"name": "Lab", "projects_private_by_default": True})
    ]
    assert outcome.obj["id"] == 101
    api = FakeApi()
    outcome = ensure(api, Workspace, name="HQ", default_currency="EUR")
    assert api.writes() == [("PUT", "/workspaces/100", {"default_currency": "EUR"})]
    assert outcome.after["default_currency"] == "EUR"
    assert [call[1] for call in api.calls if call[0] == "GET"] == ["/me/organizations", "/me/workspaces"]


def test_workspace_created_meanwhile_is_adopted(no_settle_pauses):
    """Toggl refuses the name: another run created it since the read; it is read and updated."""
    api = FakeApi(workspaces=[])

    def other_run(fake):
        fake.workspaces.append(dict(HQ, default_currency="GBP"))
        fake.post_error = TogglApiError(
            "POST", "/organizations/10/workspaces", 400, "another workspace with same name exists in organization"
        )

    api.on_post = other_run
    outcome = ensure(api, Workspace, name="HQ", default_currency="USD")
    assert [call[:2] for call in api.writes()] == [
        ("POST", "/organizations/10/workspaces"),
        ("PUT", "/workspaces/100"),
    ]
    assert outcome.obj["id"] == 100 and outcome.after["default_currency"] == "USD"


def test_workspace_create_whose_answer_was_lost_is_adopted_once_listed(no_settle_pauses):
    api = FakeApi(workspaces=[])
    reads = {"n": 0}

    def lost(fake):
        fake.post_error = TogglAnswerLostError("POST", "/organizations/10/workspaces", "connection lost")
        # Applied, but listed only from the third read on (reads lag behind writes).
        fake.pending = dict(HQ, name="Lab", id=101)

    api.on_post = lost
    original = api.get_list

    def lagging(path, params=None, what=None, service="track"):
        answer = original(path, params, what, service)
        if path == "/me/workspaces" and getattr(api, "pending", None):
            reads["n"] += 1
            if reads["n"] >= 3:
                answer.append(api.pending)
        return answer

    api.get_list = lagging
    outcome = ensure(api, Workspace, name="Lab")
    assert [call[0] for call in api.writes()] == ["POST"]
    # The workspace found shows what was asked: this task's own create.
    assert outcome.action == "created" and outcome.changed is True and outcome.obj["id"] == 101
    assert [call[1] for call in api.calls].count("/me/workspaces") == 4  # the read, then 3 until listed


def test_a_lost_answer_showing_other_settings_is_adopted_and_updated(no_settle_pauses):
    api = FakeApi(workspaces=[])

    def lost(fake):
        fake.workspaces.append(dict(HQ, name="Lab", id=101, default_currency="GBP"))
        fake.post_error = TogglAnswerLostError("POST", "/organizations/10/workspaces", "connection lost")

    api.on_post = lost
    outcome = ensure(api, Workspace, name="Lab", default_currency="EUR")
    assert [call[:2] for call in api.writes()] == [("POST", "/organizations/10/workspaces"), ("PUT", "/workspaces/101")]
    assert outcome.action == "updated" and outcome.after["default_currency"] == "EUR"


def test_a_lost_answer_never_listed_fails_naming_it(no_settle_pauses):
    api = FakeApi(workspaces=[])
    api.post_error = TogglAnswerLostError("POST", "/organizations/10/workspaces", "connection lost")
    with pytest.raises(TogglStateError, match=r"workspace 'Lab' in organization 10: not listed by GET /me/workspaces"):
        ensure(api, Workspace, name="Lab")


def test_two_workspaces_of_one_name_fail_naming_the_count():
    api = FakeApi(workspaces=[HQ, dict(HQ, id=101)])
    with pytest.raises(TogglReferenceError, match="expected 1 workspace named 'HQ', found 2"):
        ensure(api, Workspace, name="HQ")


# -- organizations -----------------------------------------------------------------------------


def test_organization_rename_is_read_back_until_it_shows(no_settle_pauses):
    """Swagger: the PUT answers "OK"; a stale read after it shows the old name, the next the new."""
    api = FakeApi()
    api.org_reads = [{"id": 10, "name": "Acme", "admin": True}] * 2  # the find, then a stale read
    outcome = ensure(api, Organization, id=10, name="Acme Inc")
    assert api.writes() == [("PUT", "/organizations/10", {"name": "Acme Inc"})]
    assert [call[1] for call in api.calls if call[0] == "GET"] == [
        "/organizations/10",
        "/me/organizations",
        "/organizations/10",
        "/organizations/10",
    ]
    assert outcome.changed is True and outcome.obj["name"] == "Acme Inc"
    assert outcome.after == {"name": "Acme Inc"}


def test_organization_rename_that_never_shows_fails(no_settle_pauses):
    api = FakeApi()
    api.org_reads = [{"id": 10, "name": "Acme"}] * 7
    with pytest.raises(TogglStateError, match="accepted the change but does not show it"):
        ensure(api, Organization, id=10, name="Acme Inc")


def test_organization_change_needs_its_admin_right_and_a_create_none():
    api = FakeApi(admin=False)
    with pytest.raises(TogglAccessError, match=r"not an admin of organization Acme \(10\) \(needed to change"):
        ensure(api, Organization, check_mode=True, name="Acme Inc", id=10)
    assert ensure(api, Organization, name="Acme", id=10).changed is False, "no write, no right needed"
    with pytest.raises(TogglAccessError):
        ensure(api, Organization, id=10, name="Other")
    assert api.writes() == []
    outcome = ensure(api, Organization, name="Beta")
    assert outcome.action == "created" and outcome.obj["id"] == 20
    assert api.writes() == [("POST", "/organizations", {"name": "Beta", "workspace_name": "Beta"})]


def test_organization_named_with_digits_is_a_name():
    api = FakeApi(organizations=[{"id": 10, "name": "2026", "admin": True}])
    outcome = ensure(api, Organization, name="2026")
    assert outcome.changed is False and outcome.obj["id"] == 10


def test_organization_create_whose_answer_was_lost_is_adopted(no_settle_pauses):
    api = FakeApi()

    def lost(fake):
        fake.organizations.append({"id": 20, "name": "Beta", "admin": True})
        fake.post_error = TogglAnswerLostError("POST", "/organizations", "connection lost")

    api.on_post = lost
    outcome = ensure(api, Organization, name="Beta")
    assert [call[0] for call in api.writes()] == ["POST"]
    assert outcome.action == "created" and outcome.obj["id"] == 20


def test_check_mode_predicts_a_create_as_the_real_create_shows_it():
    """Only the name and the settings given are compared and shown: the API's answer carries every
    setting, the prediction only those given."""
    predicted = ensure(FakeApi(workspaces=[]), Workspace, check_mode=True, name="Lab", rounding=1)
    created = ensure(FakeApi(workspaces=[]), Workspace, name="Lab", rounding=1)
    assert predicted.after == created.after == {"name": "Lab", "rounding": 1}
    assert created.obj["id"] == 101 and predicted.obj["id"] is None
