"""People descriptions (organization users, workspace users): local checks, decisions,
batched writes, request counts and the owner/caller protection, on a scripted client."""

import copy

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.engine import Reconciler
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAccessError,
    TogglAnswerLostError,
    TogglApiError,
    TogglConfigError,
    TogglPermissionError,
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver
from ansible_collections.trackops.toggl.plugins.module_utils.resources.organization_user import (
    OrganizationUser,
    check_unique_users,
    labour_cost_of,
    matches_user,
)
from ansible_collections.trackops.toggl.plugins.module_utils.resources.workspace_user import WorkspaceUser

# The per-person options, as the module declares them (once, in WorkspaceUser.fields).
SETTINGS = tuple(WorkspaceUser.argument_spec())

ORG_USERS_PATH = "/organizations/10/users"
WS_USERS_PATH = "/organizations/10/workspaces/100/workspace_users"


class FakeClient:
    """Answers from a dict keyed by (method, path); writes answer "OK" unless scripted."""

    def __init__(self, answers=None):
        self.answers = dict(answers or {})
        self.calls = []

    def _answer(self, method, path, body=None):
        self.calls.append((method, path, copy.deepcopy(body)))
        answer = self.answers.get((method, path))
        if answer is None and method == "PUT" and path.startswith(ORG_USERS_PATH + "/"):
            self._apply_member_put(int(path.rsplit("/", 1)[1]), body)
        if method != "GET":
            self._apply(method, path, body, answer(body) if callable(answer) else answer)
            if callable(answer):
                return self._last_answer
        if callable(answer):
            return answer(body)
        if answer is not None:
            return copy.deepcopy(answer)
        if method == "GET":
            raise AssertionError("unexpected GET %s" % path)
        return "OK"

    def get(self, path, params=None, what=None, service="track"):
        return self._answer("GET", path)

    get_list = get

    def paginate(self, path, params=None, per_page=200, what=None, service="track"):
        return self._answer("GET", path)

    def post(self, path, body=None, what=None, service="track"):
        return self._answer("POST", path, body)

    def put(self, path, body=None, what=None, service="track"):
        return self._answer("PUT", path, body)

    def patch(self, path, body=None, what=None, service="track"):
        return self._answer("PATCH", path, body)

    def _apply(self, method, path, body, answer):
        """What the API does for the other writes, on the lists it answers GETs from."""
        self._last_answer = answer
        members = self.answers.get(("GET", ORG_USERS_PATH))
        members = members if isinstance(members, list) else []
        if method == "PATCH" and path == ORG_USERS_PATH:
            members[:] = [m for m in members if m["id"] not in body["delete"]]
        for org_id, ws_id in ((10, 100), (10, 101)):
            rows = self.answers.get(("GET", "/organizations/%s/workspaces/%s/workspace_users" % (org_id, ws_id)))
            if not isinstance(rows, list):
                continue
            if method == "PATCH" and path.endswith("/workspaces/%s/workspace_users" % ws_id):
                rows[:] = [r for r in rows if r["id"] not in body["delete"]]
            prefix = "/workspaces/%s/workspace_users/" % ws_id
            if method == "PUT" and path.startswith(prefix):
                row = next((r for r in rows if r["id"] == int(path[len(prefix) :])), None)
                if row is not None:
                    row.update((k, v) for k, v in body.items() if not k.endswith("_mode"))
        if method == "PUT" and "/workspace_users/" in path and "labor_cost" in body:
            ws_id, row_id = int(path.split("/")[2]), int(path.rsplit("/", 1)[1])
            for m in members:
                for ws in m.get("workspaces") or []:
                    if ws["workspace_id"] == ws_id and ws.get("workspace_user_id", row_id) == row_id:
                        rows = self.answers.get(("GET", "/organizations/10/workspaces/%s/workspace_users" % ws_id))
                        if ws.get("workspace_user_id") or any(
                            r["id"] == row_id and r["user_id"] == m["user_id"] for r in rows or []
                        ):
                            ws["cost"] = body["labor_cost"]
        if method == "POST" and path.endswith("/invitations") and isinstance(answer, dict):
            for item in answer.get("data") or []:
                if not any(m.get("email") == item["email"] for m in members):
                    ident = 700 + len(members)
                    members.append(
                        member(
                            ident,
                            item["recipient_id"],
                            item["email"],
                            joined=False,
                            invitation_id=item["invitation_id"],
                        )
                    )

    def _apply_member_put(self, member_id, body):
        """Swagger: PUT /organizations/{o}/users/{id}: `groups` / `workspaces` replace the sets."""
        members = self.answers.get(("GET", ORG_USERS_PATH))
        if not isinstance(members, list):
            return
        found = next((m for m in members if m["id"] == member_id), None)
        if found is None:
            return
        if "organization_admin" in body:
            found["admin"] = body["organization_admin"]
        if "inactive" in body:
            found["inactive"] = body["inactive"]
        if "groups" in body:
            found["groups"] = [{"group_id": gid, "name": "Group %s" % gid} for gid in body["groups"]]
        if "workspaces" in body:
            old = {ws["workspace_id"]: ws for ws in found.get("workspaces") or []}
            found["workspaces"] = [
                old.get(item["workspace_id"], {"workspace_id": item["workspace_id"], "cost": None})
                for item in body["workspaces"]
            ]
            rows = self.answers.get(("GET", WS_USERS_PATH))
            if isinstance(rows, list):
                direct = [r for r in rows if r["user_id"] == found["user_id"] and r.get("is_direct", True)]
                wanted = any(w["workspace_id"] == 100 for w in body["workspaces"])
                if direct and not wanted:
                    rows[:] = [r for r in rows if r not in direct]
                if wanted and not direct:
                    rows[:] = [r for r in rows if r["user_id"] != found["user_id"]]
                    rows.append(ws_row(found["id"] + 196, found["user_id"], found["email"]))

    def writes(self):
        return [call for call in self.calls if call[0] != "GET"]

    def reads(self):
        return [call[1] for call in self.calls if call[0] == "GET"]


def member(ident, user_id, email, **values):
    obj = {
        "id": ident,
        "user_id": user_id,
        "email": email,
        "owner": False,
        "admin": False,
        "joined": True,
        "inactive": False,
        "invitation_id": None,
        "workspaces": [{"workspace_id": 100, "workspace_user_id": ident + 1000, "cost": None}],
    }
    obj.update(values)
    return obj


def org_users():
    return [
        member(501, 1, "owner@example.com", owner=True, admin=True),
        member(
            502,
            2,
            "Alice@Example.com",
            admin=True,
            workspaces=[{"workspace_id": 100, "cost": 30}, {"workspace_id": 101, "cost": 30}],
        ),
        member(503, 3, "bob@example.com", joined=False, invitation_id=900),
        member(504, 4, "carol@example.com", inactive=True, workspaces=[]),
        member(505, 5, "dan@example.com"),
        member(506, 6, "finn@example.com", workspaces=[]),
    ]


def ws_row(ident, user_id, email, **values):
    row = {
        "id": ident,
        "user_id": user_id,
        "email": email,
        "role": "user",
        "role_id": 13,
        "inactive": False,
        "is_direct": True,
        "group_ids": [],
        "rate": None,
        "labor_cost": None,
        "working_hours_in_minutes": None,
        "view_edit_billable_rates": False,
        "view_edit_labor_costs": False,
    }
    row.update(values)
    return row


def ws_users():
    return [
        ws_row(601, 1, "owner@example.com", role="admin"),
        ws_row(602, 2, "alice@example.com", role="admin"),
        ws_row(603, 3, "bob@example.com", rate=50.0),
        ws_row(604, 4, "carol@example.com", is_direct=False, group_ids=[300]),
    ]


def org_params(**values):
    params = dict(
        organization="10",
        user=None,
        state="present",
        admin=None,
        inactive=None,
        labour_cost=None,
        labour_cost_change_mode=None,
        workspaces=None,
        groups=None,
        skip_email=False,
        resend_invitation=False,
    )
    params.update(values)
    return params


def ws_params(**values):
    params = dict(organization="10", workspace="100", user=None, state="present", exclusive=False)
    params.update(dict.fromkeys(SETTINGS))
    params.update(values)
    return params


def reconcile(resource_class, entries, client, check_mode=False, extra=None):
    """What TogglModule does: one Resolver, validate all, extras, then the engine."""
    resolver = Resolver(client)
    resources = [resource_class(params, client, resolver) for params in entries]
    for resource in resources:
        resource.validate()
    if extra is not None:
        resources.extend(extra(resolver, resources))
    return Reconciler(check_mode=check_mode).ensure_all(resources), resources


def my_organizations(plan="Starter", admin=True):
    return [{"id": 10, "name": "Acme", "admin": admin, "owner": False, "pricing_plan_name": plan}]


def org_client(**answers):
    scripted = {
        ("GET", "/me/organizations"): my_organizations(),
        ("GET", ORG_USERS_PATH): org_users(),
        ("GET", "/me"): {"id": 2, "email": "alice@example.com"},
        ("GET", "/organizations/10"): {"id": 10, "name": "Acme", "pricing_plan_name": "Starter"},
    }
    scripted.update(answers)
    return FakeClient(scripted)


def ws_client(**answers):
    scripted = {
        ("GET", "/me/organizations"): my_organizations(),
        ("GET", ORG_USERS_PATH): org_users(),
        ("GET", WS_USERS_PATH): ws_users(),
        ("GET", "/me"): {"id": 2},
        ("GET", "/organizations/10"): {"id": 10, "name": "Acme", "pricing_plan_name": "Starter"},
    }
    scripted.update(answers)
    return FakeClient(scripted)


# -- local checks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(user="  "), "user", "e-mail address or a user id"),
        (dict(user="not an email"), "user", "neither a user id nor an e-mail address"),
        (dict(user="dana@localhost"), "user", "neither a user id nor an e-mail address"),
        (dict(user="a@b.c", labour_cost=-1.0), "labour_cost", "at least 0"),
        (dict(user="a@b.c", workspaces=[{"workspace": " ", "role": None}]), "workspaces", "workspace name or id"),
    ],
)
def test_organization_user_bad_input_is_refused_before_any_request(values, field, reason):
    client = FakeClient()
    with pytest.raises(TogglValidationError) as caught:
        OrganizationUser(org_params(**values), client, Resolver(client)).validate()
    assert caught.value.field == field and reason in str(caught.value)
    assert client.calls == []


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(user="x"), "user", "neither a user id nor an e-mail address"),
        (dict(user="a@b.c", role="admin", role_id=10), "role_id", "not both"),
        (dict(user="a@b.c", role="owner"), "role", "must be one of admin, user, projectlead, teamlead"),
        (dict(user="a@b.c", rate=-1.0), "rate", "at least 0"),
        (dict(user="a@b.c", labor_cost=-0.5), "labor_cost", "at least 0"),
        (dict(user="a@b.c", working_hours_in_minutes=-60), "working_hours_in_minutes", "at least 0"),
    ],
)
def test_workspace_user_bad_input_is_refused_before_any_request(values, field, reason):
    client = FakeClient()
    with pytest.raises(TogglValidationError) as caught:
        WorkspaceUser(ws_params(**values), client, Resolver(client)).validate()
    assert caught.value.field == field and reason in str(caught.value)
    assert client.calls == []


def test_a_person_listed_twice_is_refused_case_insensitively_and_by_id():
    resources = [OrganizationUser(org_params(user=ref), None, None) for ref in ("a@example.com", " A@Example.COM ")]
    with pytest.raises(TogglValidationError, match="A@Example.COM  is listed more than once"):
        check_unique_users(resources)
    by_id = [OrganizationUser(org_params(user=ref), None, None) for ref in ("7", "7")]
    with pytest.raises(TogglValidationError, match="7 is listed more than once"):
        check_unique_users(by_id)
    check_unique_users([OrganizationUser(org_params(user=ref), None, None) for ref in ("7", "a@example.com")])


@pytest.mark.parametrize("check_mode", [False, True])
def test_one_person_by_email_and_by_id_with_contradicting_settings_is_refused_before_any_write(check_mode):
    """Issue 12: dan by email (admin) and by user id 5 (not admin) flipped the flag on every run."""
    client = org_client()
    entries = [org_params(user="dan@example.com", admin=True), org_params(user="5", admin=False)]
    with pytest.raises(TogglValidationError) as caught:
        reconcile(OrganizationUser, entries, client, check_mode=check_mode, extra=OrganizationUser.check_entries)
    assert caught.value.field == "users"
    assert "entries 1 and 2 both name organization_user dan@example.com (id 505): list each once" in str(caught.value)
    assert client.writes() == []


def test_one_workspace_member_by_email_and_by_id_is_refused_before_any_write():
    client = ws_client()
    entries = [ws_params(user="bob@example.com", role="admin"), ws_params(user=3, role="user")]
    with pytest.raises(TogglValidationError) as caught:
        reconcile(WorkspaceUser, entries, client, extra=WorkspaceUser.bulk_extras(ws_params()))
    assert caught.value.field == "users" and "entries 1 and 2 both name workspace_user" in str(caught.value)
    assert "bob@example.com" in str(caught.value)
    assert client.writes() == []


def test_users_match_by_case_insensitive_email_or_by_user_id():
    obj = {"user_id": 7, "email": "Dana@Example.com"}
    assert matches_user(obj, " dana@EXAMPLE.com") and matches_user(obj, "7") and matches_user(obj, 7)
    assert not matches_user(obj, "8") and not matches_user(obj, "dan@example.com")
    assert matches_user({"uid": 7}, 7), "workspace users may carry the user id as uid"


@pytest.mark.parametrize(
    "costs, shown",
    [([], None), ([None], None), ([30, 30], 30), ([30, None], [30, None]), ([40, 30], [30, 40])],
)
def test_labour_cost_is_the_cost_the_workspaces_agree_on(costs, shown):
    assert labour_cost_of({"workspaces": [{"cost": cost} for cost in costs]}) == shown


# -- organization users: deciding ----------------------------------------------------------------


def test_status_and_diff_show_email_and_state_of_each_member():
    client = org_client()
    params = [org_params(user=email) for email in ("alice@example.com", "bob@example.com", "carol@example.com")]
    outcomes, _unused = reconcile(OrganizationUser, params, client)
    assert [outcome.before["status"] for outcome in outcomes] == ["joined", "invited", "inactive"]
    assert outcomes[0].before == {"email": "Alice@Example.com", "status": "joined", "admin": True, "inactive": False}
    assert not any(outcome.changed for outcome in outcomes)
    assert client.calls == [("GET", ORG_USERS_PATH, None)], "one read of the member list for the whole list"


def test_user_id_not_in_the_organization_fails_for_present_and_is_absent_for_absent():
    with pytest.raises(TogglReferenceError, match="user 77 is not in organization 10: give an e-mail address"):
        reconcile(OrganizationUser, [org_params(user="77")], org_client())
    client = org_client()
    outcomes, _unused = reconcile(OrganizationUser, [org_params(user="77", state="absent")], client)
    assert outcomes[0].changed is False and client.writes() == []


def test_admin_inactive_and_labour_cost_are_put_with_only_the_changed_keys():
    client = org_client()
    params = org_params(user="alice@example.com", admin=True, inactive=True, labour_cost=45.0)
    params["labour_cost_change_mode"] = "start-today"
    client.answers[("GET", "/me")] = {"id": 1}
    client.answers[("GET", "/organizations/10/workspaces/101/workspace_users")] = [ws_row(702, 2, "alice@example.com")]
    client.answers[("GET", WS_USERS_PATH)] = ws_users()
    outcomes, _unused = reconcile(OrganizationUser, [params], client)
    # Swagger: the org-user payload has no labour cost; it is the labor cost in each workspace
    # (workspace_user.Payload, with its change mode); ids the member list lacks cost a read.
    assert client.writes() == [
        ("PUT", "/organizations/10/users/502", {"inactive": True}),
        ("PUT", "/workspaces/100/workspace_users/602", {"labor_cost": 45.0, "labor_cost_change_mode": "start-today"}),
        ("PUT", "/workspaces/101/workspace_users/702", {"labor_cost": 45.0, "labor_cost_change_mode": "start-today"}),
    ]
    assert outcomes[0].after == {
        "email": "Alice@Example.com",
        "status": "inactive",
        "admin": True,
        "inactive": True,
        "labour_cost": 45.0,
    }


def in_groups(*ids):
    return [{"group_id": gid, "name": "Group %s" % gid} for gid in ids]


def test_groups_of_a_member_are_their_exact_list_put_with_the_deactivation():
    users = org_users()
    users[4]["groups"] = in_groups(70, 72)
    client = org_client()
    client.answers[("GET", ORG_USERS_PATH)] = users
    params = org_params(user="dan@example.com", inactive=True, groups=[])
    outcomes, _unused = reconcile(OrganizationUser, [params], client)
    assert client.writes() == [("PUT", "/organizations/10/users/505", {"inactive": True, "groups": []})]
    # ids (or none) cost no read of the groups; the whole-list PUT costs a read before and after it,
    # and the read after it, which shows the deactivation too, is the task's confirmation (engine: confirm)
    assert client.reads() == [ORG_USERS_PATH, "/me/organizations", "/me"] + [ORG_USERS_PATH] * 2
    assert outcomes[0].before["groups"] == [70, 72] and outcomes[0].after["groups"] == []
    # converged: nothing to write
    users[4].update(inactive=True, groups=[])
    client = org_client()
    client.answers[("GET", ORG_USERS_PATH)] = users
    outcomes, _unused = reconcile(OrganizationUser, [params], client)
    assert outcomes[0].changed is False and client.writes() == []


def test_groups_by_name_cost_one_read_of_the_groups_and_compare_as_a_set():
    users = org_users()
    users[4]["groups"] = in_groups(72, 70)
    client = org_client()
    client.answers[("GET", ORG_USERS_PATH)] = users
    client.answers[("GET", "/organizations/10/groups")] = [
        {"group_id": 70, "name": "Engineering"},
        {"group_id": 72, "name": "QA"},
    ]
    outcomes, _unused = reconcile(OrganizationUser, [org_params(user="dan@example.com", groups=["QA", "70"])], client)
    assert outcomes[0].changed is False and client.writes() == []
    assert client.reads() == [ORG_USERS_PATH, "/organizations/10/groups"]
    # groups unset: whatever groups they are in is left alone and not even shown
    client = org_client()
    client.answers[("GET", ORG_USERS_PATH)] = users
    outcomes, _unused = reconcile(OrganizationUser, [org_params(user="dan@example.com", admin=True)], client)
    assert "groups" not in outcomes[0].after
    assert client.writes() == [("PUT", "/organizations/10/users/505", {"organization_admin": True})]


def test_labour_cost_of_a_member_in_no_workspace_is_not_sent():
    client = org_client()
    outcomes, _unused = reconcile(OrganizationUser, [org_params(user="carol@example.com", labour_cost=10.0)], client)
    assert outcomes[0].changed is False and client.writes() == []


def test_a_pending_invitation_is_present_and_resent_only_when_asked():
    client = org_client()
    outcomes, _unused = reconcile(OrganizationUser, [org_params(user="bob@example.com")], client)
    assert outcomes[0].changed is False and client.writes() == []

    client = org_client()
    params = [org_params(user=email, resend_invitation=True) for email in ("bob@example.com", "alice@example.com")]
    outcomes, _unused = reconcile(OrganizationUser, params, client)
    assert client.writes() == [("PUT", "/organizations/10/invitations/900/resend", None)]
    assert [outcome.changed for outcome in outcomes] == [True, False], "a joined member has nothing to resend"
    assert outcomes[0].after["invitation_resent"] is True and "invitation_resent" not in outcomes[0].before


def test_check_mode_predicts_the_resend_without_sending_it():
    client = org_client()
    outcomes, _unused = reconcile(
        OrganizationUser, [org_params(user="bob@example.com", resend_invitation=True)], client, check_mode=True
    )
    assert outcomes[0].changed is True and client.writes() == []


# -- organization users: inviting ----------------------------------------------------------------


def invitation_answer(body):
    return {
        "data": [
            {"email": email, "recipient_id": 70 + index, "invitation_id": 80 + index, "workspaces": []}
            for index, email in enumerate(body["emails"])
        ],
        "messages": [],
    }


def test_alike_invitations_go_in_one_request_and_the_rest_in_one_per_kind():
    client = org_client()
    client.answers[("POST", "/organizations/10/invitations")] = invitation_answer
    ws = [{"workspace": "100", "role": None}]
    params = [
        org_params(user="Erin@Example.com", workspaces=ws),
        org_params(user="frank@example.com", workspaces=ws),
        org_params(user="gus@example.com", workspaces=[{"workspace": "101", "role": "admin"}], skip_email=True),
    ]
    outcomes, _unused = reconcile(OrganizationUser, params, client)
    assert client.writes() == [
        (
            "POST",
            "/organizations/10/invitations",
            {
                "workspaces": [{"workspace_id": 100}],
                "groups": [],
                "skip_email": False,
                "emails": ["erin@example.com", "frank@example.com"],
            },
        ),
        (
            "POST",
            "/organizations/10/invitations",
            {
                "workspaces": [{"workspace_id": 101, "role": "admin"}],
                "groups": [],
                "skip_email": True,
                "emails": ["gus@example.com"],
            },
        ),
    ]
    assert client.reads() == [ORG_USERS_PATH, "/me/organizations", ORG_USERS_PATH], "only the confirmation read"
    assert [outcome.obj["user_id"] for outcome in outcomes] == [70, 71, 70]
    assert [outcome.obj["invitation_id"] for outcome in outcomes] == [80, 81, 80]
    assert outcomes[0].after == {"email": "erin@example.com", "status": "invited", "admin": False, "inactive": False}


def test_what_an_invitation_cannot_carry_costs_one_reread_and_a_put_per_person():
    invited = [
        member(701, 70, "erin@example.com", joined=False, invitation_id=80),
        member(702, 71, "frank@example.com", joined=False, invitation_id=81),
    ]
    client = org_client()
    client.answers[("POST", "/organizations/10/invitations")] = lambda body: (
        client.answers[("GET", ORG_USERS_PATH)].extend(copy.deepcopy(invited)) or invitation_answer(body)
    )
    ws = [{"workspace": "100", "role": None}]
    params = [
        org_params(user="erin@example.com", workspaces=ws, admin=True, labour_cost=20.0),
        org_params(user="frank@example.com", workspaces=ws, admin=False),
    ]
    check, _unused = reconcile(OrganizationUser, copy.deepcopy(params), org_client(), check_mode=True)
    outcomes, _unused = reconcile(OrganizationUser, params, client)
    assert client.writes()[1:] == [
        ("PUT", "/organizations/10/users/701", {"organization_admin": True}),
        ("PUT", "/workspaces/100/workspace_users/1701", {"labor_cost": 20.0}),
    ]
    assert client.writes()[0][:2] == ("POST", "/organizations/10/invitations")
    assert client.reads() == [ORG_USERS_PATH, "/me/organizations", ORG_USERS_PATH, ORG_USERS_PATH]
    assert outcomes[0].obj["id"] == 701 and outcomes[1].obj["id"] == 702
    assert [outcome.after for outcome in outcomes] == [outcome.after for outcome in check]
    assert outcomes[0].after["labour_cost"] == 20.0


def test_workspace_and_group_names_are_resolved_before_the_first_write():
    client = org_client()
    client.answers[("GET", "/me/workspaces")] = [{"id": 100, "name": "Acme HQ", "organization_id": 10}]
    client.answers[("GET", "/organizations/10/groups")] = [{"group_id": 300, "name": "Engineering"}]
    params = [
        org_params(user="erin@example.com", workspaces=[{"workspace": "Acme HQ", "role": "user"}]),
        org_params(user="frank@example.com", workspaces=[{"workspace": "Acme HQ"}], groups=["Nope"]),
    ]
    with pytest.raises(TogglReferenceError, match="group 'Nope' not found in organization 10"):
        reconcile(OrganizationUser, params, client)
    assert client.writes() == []
    params[1]["groups"] = ["Engineering"]
    params[1]["workspaces"] = [{"workspace": "Acme Labs"}]
    with pytest.raises(TogglReferenceError, match="workspace 'Acme Labs' not found in organization 10"):
        reconcile(OrganizationUser, params, client)
    assert client.writes() == []


def test_an_invitation_needs_a_workspace():
    client = org_client()
    with pytest.raises(TogglValidationError, match="workspaces: is required to invite erin@example.com"):
        reconcile(OrganizationUser, [org_params(user="Erin@example.com")], client)
    assert client.writes() == []


# -- organization users: removing, the owner and the caller ----------------------------------------


def test_removals_go_in_one_bulk_patch():
    client = org_client()
    params = [org_params(user=ref, state="absent") for ref in ("bob@example.com", "5", "nobody@example.com")]
    client.answers[("GET", "/me")] = {"id": 1}
    outcomes, _unused = reconcile(OrganizationUser, params, client)
    assert client.writes() == [("PATCH", ORG_USERS_PATH, {"delete": [503, 505]})]
    assert [outcome.changed for outcome in outcomes] == [True, True, False]
    assert outcomes[0].before["email"] == "bob@example.com" and outcomes[0].after is None


@pytest.mark.parametrize(
    "values, message",
    [
        (dict(user="owner@example.com", state="absent"), "refusing to remove owner@example.com from the organization"),
        (dict(user="1", inactive=True), "owner@example.com is the organization owner"),
        (dict(user="alice@example.com", state="absent"), "Alice@Example.com is the user the API token belongs to"),
        (dict(user="ALICE@example.com", inactive=True), "refusing to deactivate"),
        (dict(user="owner@example.com", admin=False), "admin: owner@example.com is the organization owner"),
    ],
)
def test_the_owner_and_the_callers_own_user_are_never_removed_or_deactivated(values, message):
    client = org_client()
    params = [org_params(user="bob@example.com", state="absent"), org_params(**values)]
    with pytest.raises(TogglValidationError, match=message):
        reconcile(OrganizationUser, params, client)
    assert client.writes() == [], "a refused entry stops the whole list before any write"


def test_me_is_read_only_when_a_removal_or_deactivation_is_planned():
    client = org_client()
    reconcile(OrganizationUser, [org_params(user="bob@example.com", admin=True)], client)
    assert "/me" not in client.reads()
    client = org_client()
    reconcile(OrganizationUser, [org_params(user="bob@example.com", inactive=True)], client)
    assert client.reads() == [ORG_USERS_PATH, "/me/organizations", "/me", ORG_USERS_PATH]


def test_labour_cost_on_a_free_organization_fails_before_any_write():
    client = org_client()
    client.answers[("GET", "/me/organizations")] = my_organizations(plan="Free")
    params = [
        org_params(organization="Acme", user="bob@example.com", admin=True),
        org_params(organization="Acme", user="alice@example.com", labour_cost=12.0),
    ]
    with pytest.raises(TogglConfigError) as caught:
        reconcile(OrganizationUser, params, client)
    assert str(caught.value).startswith("needs a paid Toggl plan: Labor costs are available for Starter and higher")
    assert "organization 'Acme' is on the Free plan; nothing was written" in str(caught.value)
    assert client.writes() == []
    assert "/organizations/10" not in client.reads(), "the plan came from /me/organizations, already read"


# -- workspace users -------------------------------------------------------------------------------


def test_workspace_user_found_in_the_workspace_list_costs_one_read():
    client = ws_client()
    outcomes, _unused = reconcile(WorkspaceUser, [ws_params(user="BOB@example.com", rate=50)], client)
    assert outcomes[0].changed is False
    assert outcomes[0].before == {"email": "bob@example.com", "is_direct": True, "role": "user", "rate": 50.0}
    assert client.reads() == [WS_USERS_PATH]


def test_someone_outside_the_organization_fails_naming_them_and_the_module_to_invite_them():
    client = ws_client()
    params = [ws_params(user="dan@example.com"), ws_params(user="zed@example.com")]
    with pytest.raises(TogglReferenceError) as caught:
        reconcile(WorkspaceUser, params, client)
    assert str(caught.value) == (
        "user zed@example.com is not a member of organization 10: invite them with "
        "trackops.toggl.toggl_organization_user first"
    )
    assert client.writes() == []


def test_new_members_are_added_in_one_assignment_and_only_those_with_settings_cost_more():
    client = ws_client()
    params = [
        ws_params(user="dan@example.com", role="teamlead", rate=20.0, rate_change_mode="override-all"),
        ws_params(user="3", role="user"),
        ws_params(user="finn@example.com"),
    ]
    outcomes, _unused = reconcile(WorkspaceUser, params, client)
    # Swagger: each existing member's org-user PUT carries their direct workspaces plus this one.
    assert client.writes() == [
        ("PUT", "/organizations/10/users/505", {"workspaces": [{"workspace_id": 100}]}),
        ("PUT", "/organizations/10/users/506", {"workspaces": [{"workspace_id": 100}]}),
        (
            "PUT",
            "/workspaces/100/workspace_users/701",
            {"role": "teamlead", "rate": 20.0, "rate_change_mode": "override-all"},
        ),
    ]
    # the plan comes from /me/organizations (read for the admin right); the member list is read
    # again right before the PUTs and after them; the workspace's users once more for the new ids
    assert client.reads() == [
        WS_USERS_PATH,
        ORG_USERS_PATH,
        "/me/organizations",
        ORG_USERS_PATH,
        ORG_USERS_PATH,
        WS_USERS_PATH,
        WS_USERS_PATH,  # the task's confirmation read (engine: confirm)
    ]
    assert outcomes[0].after == {"email": "dan@example.com", "is_direct": True, "role": "teamlead", "rate": 20.0}
    assert outcomes[1].changed is False
    assert outcomes[2].obj["id"] == 702, "the re-read made for dan gives finn's new id too"


def test_adding_with_the_default_role_costs_no_reread():
    client = ws_client()
    params = [ws_params(user="dan@example.com", role="user")]
    outcomes, _unused = reconcile(WorkspaceUser, params, client)
    assert client.writes() == [("PUT", "/organizations/10/users/505", {"workspaces": [{"workspace_id": 100}]})]
    assert client.reads() == [
        WS_USERS_PATH,
        ORG_USERS_PATH,
        "/me/organizations",
        ORG_USERS_PATH,
        ORG_USERS_PATH,
        WS_USERS_PATH,
    ]
    assert outcomes[0].obj["id"] is None and outcomes[0].obj["user_id"] == 5
    assert outcomes[0].after == {"email": "dan@example.com", "is_direct": True, "role": "user"}


def test_a_group_only_member_becomes_direct_through_an_assignment():
    client = ws_client()
    outcomes, _unused = reconcile(WorkspaceUser, [ws_params(user="carol@example.com")], client)
    assert client.writes() == [("PUT", "/organizations/10/users/504", {"workspaces": [{"workspace_id": 100}]})]
    assert outcomes[0].before["is_direct"] is False and outcomes[0].after["is_direct"] is True


def test_absent_leaves_a_group_only_member_with_a_warning():
    client = ws_client()
    outcomes, resources = reconcile(WorkspaceUser, [ws_params(user="carol@example.com", state="absent")], client)
    assert outcomes[0].changed is False and client.writes() == []
    assert "reaches it through group(s) [300]" in resources[0].warnings[0]


def test_removals_from_a_workspace_go_in_one_patch():
    client = ws_client()
    params = [ws_params(user=ref, state="absent") for ref in ("bob@example.com", "nobody@example.com")]
    outcomes, _unused = reconcile(WorkspaceUser, params, client)
    assert client.writes() == [("PATCH", WS_USERS_PATH, {"delete": [603]})]
    assert [outcome.changed for outcome in outcomes] == [True, False]


@pytest.mark.parametrize(
    "values, message",
    [
        (dict(user="owner@example.com", state="absent"), "refusing to remove owner@example.com from workspace 100"),
        (dict(user="alice@example.com", inactive=True), "alice@example.com is the user the API token belongs to"),
    ],
)
def test_workspace_owner_and_caller_are_protected(values, message):
    client = ws_client()
    with pytest.raises(TogglValidationError, match=message):
        reconcile(WorkspaceUser, [ws_params(user="bob@example.com", state="absent"), ws_params(**values)], client)
    assert client.writes() == []


def test_exclusive_removes_unlisted_direct_members_but_keeps_owner_and_caller():
    client = ws_client()
    params = ws_params(exclusive=True)
    outcomes, resources = reconcile(
        WorkspaceUser,
        [ws_params(user="bob@example.com", exclusive=True)],
        client,
        extra=WorkspaceUser.bulk_extras(params),
    )
    assert client.writes() == [], "only bob is unlisted among the removable: nothing but the kept ones"
    kept = [resource for resource in resources if resource.warnings]
    assert sorted(resource.params["user"] for resource in kept) == ["alice@example.com", "owner@example.com"]
    assert "they are the organization owner" in " ".join(kept[0].warnings + kept[1].warnings)
    assert "they are the token's user" in " ".join(kept[0].warnings + kept[1].warnings)
    assert not any(outcome.changed for outcome in outcomes)

    client = ws_client()
    client.answers[("GET", "/me")] = {"id": 99}
    listed = [ws_params(user="owner@example.com", exclusive=True)]
    outcomes, resources = reconcile(WorkspaceUser, listed, client, extra=WorkspaceUser.bulk_extras(params))
    assert client.writes() == [("PATCH", WS_USERS_PATH, {"delete": [602, 603]})]
    assert [r.params["user"] for r in resources] == ["owner@example.com", "alice@example.com", "bob@example.com"]
    assert [outcome.changed for outcome in outcomes] == [False, True, True]
    assert [r.params["state"] for r in resources] == ["present", "absent", "absent"]
    assert all(r.params[option] is None for r in resources for option in SETTINGS), "defaults do not reach them"


def test_exclusive_with_nothing_unlisted_reads_no_member_list():
    client = ws_client()
    refs = ["owner@example.com", "alice@example.com", "bob@example.com"]
    params = [ws_params(user=ref, exclusive=True) for ref in refs]
    reconcile(WorkspaceUser, params, client, extra=WorkspaceUser.bulk_extras(ws_params(exclusive=True)))
    assert client.reads() == [WS_USERS_PATH]


@pytest.mark.parametrize("check_mode", [False, True])
def test_exclusive_with_an_empty_list_fails_before_any_request(check_mode):
    """Issue 12: it removed every direct member but the owner and the caller, with a warning only."""
    client = ws_client()
    with pytest.raises(TogglValidationError) as caught:
        reconcile(
            WorkspaceUser, [], client, check_mode=check_mode, extra=WorkspaceUser.bulk_extras(ws_params(exclusive=True))
        )
    assert caught.value.field == "users"
    assert "is empty with exclusive: true, which would remove every direct member of workspace 100" in str(caught.value)
    assert client.calls == []


def test_paid_fields_on_a_free_workspace_fail_before_the_assignment():
    client = ws_client()
    client.answers[("GET", "/me/organizations")] = my_organizations(plan="Free")
    with pytest.raises(TogglConfigError, match="needs a paid Toggl plan: Working hours are available"):
        reconcile(WorkspaceUser, [ws_params(user="dan@example.com", working_hours_in_minutes=300)], client)
    assert client.writes() == []


def test_paid_fields_read_the_plan_only_when_another_write_would_come_first():
    client = ws_client()
    reconcile(WorkspaceUser, [ws_params(user="bob@example.com", rate=50.0)], client)
    assert "/organizations/10" not in client.reads(), "unchanged: nothing to vet"
    # the task's first write is the paid PUT itself: on Free the API's 402 refuses it, nothing written
    client = ws_client()
    reconcile(WorkspaceUser, [ws_params(user="bob@example.com", rate=60.0, labor_cost=10.0)], client)
    assert client.reads() == [WS_USERS_PATH, "/me/organizations", WS_USERS_PATH], "the admin right, not the plan"
    assert client.writes() == [("PUT", "/workspaces/100/workspace_users/603", {"rate": 60.0, "labor_cost": 10.0})]
    # a role change is written first: the plan is read before it
    client = ws_client()
    params = [ws_params(user="bob@example.com", role="projectlead"), ws_params(user="alice@example.com", rate=60.0)]
    reconcile(WorkspaceUser, params, client)
    assert client.reads() == [WS_USERS_PATH, "/me/organizations", WS_USERS_PATH], "the plan comes with the right"
    # (an assignment written first: test_paid_fields_on_a_free_workspace_fail_before_the_assignment)


def test_the_organization_comes_from_me_organizations_when_read_else_from_one_get():
    client = FakeClient(
        {
            ("GET", "/me/organizations"): [{"id": 10, "name": "Acme", "pricing_plan_name": "Starter"}],
            ("GET", "/organizations/20"): {"id": 20, "name": "Freebie", "pricing_plan_name": "Free"},
        }
    )
    resolver = Resolver(client)
    assert resolver.organization(20)["name"] == "Freebie"
    assert resolver.organization("20")["name"] == "Freebie"
    assert client.reads() == ["/organizations/20"], "memoised"
    resolver.organization_id("Acme")
    assert resolver.organization(10)["pricing_plan_name"] == "Starter"
    assert client.reads() == ["/organizations/20", "/me/organizations"], "taken from the list already read"


# -- issue 11: rights, lost answers, second writers, the Swagger's ways and their fallback ---------


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_non_admin_token_fails_naming_the_right_before_any_write(check_mode):
    client = org_client()
    client.answers[("GET", "/me/organizations")] = my_organizations(admin=False)
    with pytest.raises(TogglAccessError) as caught:
        reconcile(
            OrganizationUser,
            [org_params(user="new@example.com", workspaces=[{"workspace": "100"}])],
            client,
            check_mode=check_mode,
        )
    assert str(caught.value) == (
        "the token's user is not an admin of organization Acme (10)"
        " (needed to invite new@example.com in organization 10)"
    )
    assert client.writes() == []


def test_a_403_on_the_member_list_is_named_as_the_missing_right():
    client = org_client()
    client.answers[("GET", "/me/organizations")] = my_organizations(admin=False)

    def refuse(body):
        raise TogglPermissionError("GET", ORG_USERS_PATH, 403, "User is not authorized to list the organization users")

    client.answers[("GET", ORG_USERS_PATH)] = refuse
    with pytest.raises(
        TogglAccessError, match=r"not an admin of organization Acme \(10\) \(needed to list the members"
    ):
        reconcile(OrganizationUser, [org_params(user="bob@example.com", admin=True)], client, check_mode=True)


def test_an_invitation_whose_answer_was_lost_is_looked_up_and_adopted():
    client = org_client()

    def applied_then_lost(body):
        client.answers[("GET", ORG_USERS_PATH)].append(
            member(709, 79, "erin@example.com", joined=False, invitation_id=89)
        )
        raise TogglAnswerLostError("POST", "/organizations/10/invitations", "connection closed", body=body)

    client.answers[("POST", "/organizations/10/invitations")] = applied_then_lost
    outcomes, _unused = reconcile(
        OrganizationUser, [org_params(user="erin@example.com", workspaces=[{"workspace": "100"}])], client
    )
    assert [call[:2] for call in client.writes()] == [("POST", "/organizations/10/invitations")], "sent once"
    assert outcomes[0].obj["user_id"] == 79 and outcomes[0].obj["invitation_id"] == 89


def test_an_invitation_refused_because_another_run_sent_it_is_adopted():
    client = org_client()

    def other_run_was_first(body):
        client.answers[("GET", ORG_USERS_PATH)].append(
            member(709, 79, "erin@example.com", joined=False, invitation_id=89)
        )
        raise TogglApiError("POST", "/organizations/10/invitations", 400, "User is already invited")

    client.answers[("POST", "/organizations/10/invitations")] = other_run_was_first
    outcomes, _unused = reconcile(
        OrganizationUser, [org_params(user="erin@example.com", workspaces=[{"workspace": "100"}])], client
    )
    assert outcomes[0].obj["invitation_id"] == 89


def test_groups_another_admin_added_since_the_read_are_kept_in_the_whole_list_put():
    users = org_users()
    users[4]["groups"] = in_groups(70)
    client = org_client()
    client.answers[("GET", ORG_USERS_PATH)] = users
    reads = []

    def member_list(body):
        reads.append(1)
        if len(reads) == 2:  # another admin put dan into group 75 between this task's read and its write
            users[4]["groups"] = in_groups(70, 75)
        return copy.deepcopy(users)

    client.answers[("GET", ORG_USERS_PATH)] = member_list
    original = client._apply_member_put

    def put(member_id, body):
        users[4]["groups"] = [{"group_id": gid} for gid in body["groups"]]

    client._apply_member_put = put
    client.answers[("GET", "/organizations/10/groups")] = [{"group_id": g, "name": "G%s" % g} for g in (70, 71, 75)]
    reconcile(OrganizationUser, [org_params(user="dan@example.com", groups=["71"])], client)
    client._apply_member_put = original
    assert client.writes()[0] == ("PUT", "/organizations/10/users/505", {"groups": [71, 75]}), "70 out, 71 in, 75 kept"


def test_the_assignments_of_the_pages_are_only_the_fallback_when_the_swaggers_way_does_not_exist():
    client = ws_client()

    def not_found(body):
        raise TogglApiError("PUT", "/organizations/10/users/505", 404, "404 page not found")

    client.answers[("PUT", "/organizations/10/users/505")] = not_found

    def assigned(body):
        client.answers[("GET", WS_USERS_PATH)].append(ws_row(705, 5, "dan@example.com"))
        return "OK"

    client.answers[("PUT", "/organizations/10/workspaces/100/assignments")] = assigned
    reconcile(WorkspaceUser, [ws_params(user="dan@example.com")], client)
    assert [call[:2] for call in client.writes()] == [
        ("PUT", "/organizations/10/users/505"),
        ("PUT", "/organizations/10/workspaces/100/assignments"),
    ]


def test_a_membership_reached_through_a_group_is_not_made_direct_by_the_whole_list_put():
    users = org_users()
    users[4]["workspaces"] = [
        {"workspace_id": 101, "workspace_user_id": 2101, "cost": None, "groups": [{"group_id": 300}]},
        {"workspace_id": 102, "workspace_user_id": 2102, "cost": None, "groups": [{"group_id": 300}]},
        {"workspace_id": 103, "workspace_user_id": 2103, "cost": None},
    ]
    client = ws_client()
    client.answers[("GET", ORG_USERS_PATH)] = users
    client.answers[("GET", "/organizations/10/workspaces/101/workspace_users")] = [
        ws_row(2101, 5, "dan@example.com", is_direct=False, group_ids=[300])
    ]
    client.answers[("GET", "/organizations/10/workspaces/102/workspace_users")] = [
        ws_row(2102, 5, "dan@example.com", is_direct=True, group_ids=[300])
    ]
    reconcile(WorkspaceUser, [ws_params(user="dan@example.com")], client)
    # 101 only through the group: left out; 102 direct and through the group, 103 direct: kept
    assert client.writes()[0] == (
        "PUT",
        "/organizations/10/users/505",
        {"workspaces": [{"workspace_id": 100}, {"workspace_id": 102}, {"workspace_id": 103}]},
    )
