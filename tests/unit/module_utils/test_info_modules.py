"""The info descriptions: subset selection, the requests each subset sends, result shapes."""

import copy
import math
from datetime import UTC, datetime

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglApiError,
    TogglReferenceError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.info import (
    OrganizationInfo,
    WorkspaceInfo,
    organization_user_view,
    select_subsets,
    workspace_user_view,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver, membership_status

ORG_SUBSETS = OrganizationInfo.subsets
WS_SUBSETS = WorkspaceInfo.subsets


class FakeClient:
    """Answers GETs from a dict of path -> answer (a callable gets the query); records calls.

    ``paginate`` records one call per page of ``per_page`` items, as the real client sends.
    """

    def __init__(self, answers=None):
        self.answers = answers or {}
        self.calls = []

    @staticmethod
    def server_now():
        """The API's clock, as the client takes it from the Date header (fixed here)."""
        return datetime(2026, 12, 4, 9, 30, tzinfo=UTC)

    def _answer(self, path, params):
        answer = self.answers[path]
        if callable(answer):
            answer = answer(params or {})
        if isinstance(answer, Exception):
            raise answer
        return copy.deepcopy(answer)

    def get(self, path, params=None, what=None, service="track"):
        self.calls.append(("GET", path, params))
        return self._answer(path, params)

    def get_list(self, path, params=None, what=None, service="track"):
        return self.get(path, params, what, service)

    def paginate(self, path, params=None, per_page=200, what=None, service="track"):
        items = self.answers[path]
        for page in range(1, max(1, math.ceil(len(items) / per_page)) + 1):
            self.calls.append(("GET", path, dict(params or {}, page=page, per_page=per_page)))
        return copy.deepcopy(items)

    def _write(self, *args, **kwargs):
        raise AssertionError("an info description sent a write")

    post = put = patch = delete = _write


ORGANIZATION = {"id": 10, "name": "Acme", "pricing_plan_name": "Starter", "admin": True, "owner": True}
ORG_USERS = [
    {
        "id": 5001,
        "user_id": 2,
        "email": "alice@example.com",
        "name": "Alice",
        "admin": True,
        "owner": False,
        "joined": True,
        "inactive": False,
        "role_id": 2,
        "2fa_enabled": True,
        "groups": [{"group_id": 70, "name": "Engineering"}],
        "workspaces": [
            {
                "workspace_id": 100,
                "workspace_name": "HQ",
                "workspace_user_id": 7001,
                "role": "admin",
                "role_id": 10,
                "active": True,
                "inactive": False,
                "rate": 95.0,
                "cost": 40.0,
                "working_hours": 480,
                "view_edit_billable_rates": False,
                "view_edit_labor_costs": True,
                "groups": [{"group_id": 70, "name": "Engineering"}],
            }
        ],
    },
    {"id": 5002, "user_id": 5, "email": "dan@example.com", "name": "Dan", "joined": False, "inactive": False},
]
GROUPS = [
    {
        "group_id": 70,
        "name": "Engineering",
        "workspaces": [100],
        "users": [{"user_id": 2, "name": "Alice", "joined": True, "inactive": False}],
    }
]
WORKSPACE = {"id": 100, "name": "HQ", "organization_id": 10, "api_token": "secret", "default_currency": "EUR"}


def org_answers():
    return {
        "/me/organizations": [ORGANIZATION, {"id": 11, "name": "Other"}],
        "/organizations/10": ORGANIZATION,
        "/organizations/10/users": ORG_USERS,
        "/organizations/10/groups": GROUPS,
        "/organizations/10/workspaces/statistics": {
            "101": {"admins": [], "members_count": 1, "groups_count": 0},
            "100": {"admins": [{"user_id": 1, "name": "Olive"}], "members_count": 4, "groups_count": 1},
        },
        "/organizations/10/roles": [{"role_id": 2, "name": "Organization admin"}],
    }


def ws_answers(rates=None):
    def rate_periods(query):
        return {"billable_rates": [{"id": 1, "amount": 90}], "labor_costs": [{"id": 2, "amount": 40}]}[query["type"]]

    return {
        "/me/organizations": [ORGANIZATION],
        "/me/workspaces": [dict(WORKSPACE, active_project_count=3), {"id": 101, "name": "HQ", "organization_id": 11}],
        "/workspaces/100": WORKSPACE,
        "/workspaces/100/workspace_users": [
            {"id": 7001, "uid": 2, "email": "alice@example.com", "name": "Alice", "active": True, "inactive": False}
        ],
        "/organizations/10/workspaces/100/groups": GROUPS,
        "/workspaces/100/track_reminders": [{"reminder_id": 500, "frequency": 1}],
        "/workspaces/100/alerts": [{"id": 950, "thresholds": [80]}],
        "/workspaces/100/rates/workspace/100": rates or rate_periods,
        "/workspaces/100/time_entry_constraints": {"time_entry_constraints_enabled": True},
        "/workspaces/100/statistics": {"admins": [], "members_count": 1, "groups_count": 1},
    }


def gather(info_class, client, **params):
    info = info_class(params, client, Resolver(client))
    info.validate()
    return info.gather()


def paths(client):
    return [(call[1], call[2]) for call in client.calls]


# -- gather_subset -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "requested, selected",
    [
        (["users"], ["users"]),
        (["roles", "users"], ["users", "roles"]),  # gathered in the description's order
        (["users", "users"], ["users"]),
        ([" users "], ["users"]),
        (["all"], list(ORG_SUBSETS)),
        (["!users"], ["details", "groups", "workspace_statistics", "roles"]),  # exclusions only: all but
        (["!users", "!roles"], ["details", "groups", "workspace_statistics"]),
        (["all", "!users"], ["details", "groups", "workspace_statistics", "roles"]),
        (["!all"], []),
        (["!all", "users"], ["users"]),  # named explicitly wins over an exclusion
        (["users", "!users"], ["users"]),
        (["groups", "!users"], ["groups"]),
    ],
)
def test_select_subsets_follows_the_ansible_convention(requested, selected):
    assert select_subsets(requested, ORG_SUBSETS) == selected


@pytest.mark.parametrize(
    "requested, reason",
    [
        (["usres"], "unknown subset 'usres'; choose from all, details, users, groups, workspace_statistics, roles"),
        (["!usres"], "unknown subset '!usres'"),  # an excluded typo would otherwise gather everything
        (["settings"], "unknown subset 'settings'"),  # a workspace subset
        ([""], "unknown subset ''"),
        ([], "is empty"),
        (None, "is empty"),
    ],
)
def test_bad_subsets_fail_naming_the_option(requested, reason):
    with pytest.raises(TogglValidationError) as caught:
        select_subsets(requested, ORG_SUBSETS)
    assert caught.value.field == "gather_subset"
    assert reason in str(caught.value)


def test_validation_fails_before_any_request():
    client = FakeClient(org_answers())
    info = OrganizationInfo({"organization": "Acme", "gather_subset": ["users", "nope"]}, client, Resolver(client))
    with pytest.raises(TogglValidationError):
        info.validate()
    ws = WorkspaceInfo({"workspace": " ", "organization": None, "gather_subset": ["settings"]}, client, None)
    with pytest.raises(TogglValidationError) as caught:
        ws.validate()
    assert str(caught.value) == "workspace: must be a workspace name or id"
    assert client.calls == []


# -- organization ------------------------------------------------------------------------------------

ORG_SUBSET_REQUESTS = {
    "details": [("/organizations/10", None)],
    "users": [("/organizations/10/users", {"page": 1, "per_page": 200})],
    "groups": [("/organizations/10/groups", None)],
    "workspace_statistics": [("/organizations/10/workspaces/statistics", None)],
    "roles": [("/organizations/10/roles", None)],
}


@pytest.mark.parametrize("subset", ORG_SUBSETS)
def test_each_organization_subset_sends_only_its_own_request(subset):
    client = FakeClient(org_answers())
    result = gather(OrganizationInfo, client, organization="10", gather_subset=[subset])
    assert paths(client) == ORG_SUBSET_REQUESTS[subset]
    assert result["gathered_subsets"] == [subset]
    assert set(result["organization"]) - {"id", "name"} == {subset}
    assert result["organization"]["id"] == 10


def test_organization_by_name_takes_details_from_the_name_lookup():
    client = FakeClient(org_answers())
    result = gather(OrganizationInfo, client, organization="Acme", gather_subset=["all"])
    assert paths(client) == [("/me/organizations", None)] + [
        request for subset in ORG_SUBSETS if subset != "details" for request in ORG_SUBSET_REQUESTS[subset]
    ]
    org = result["organization"]
    assert org["name"] == "Acme" and org["details"] == ORGANIZATION
    assert [ws["workspace_id"] for ws in org["workspace_statistics"]] == [100, 101]
    assert org["workspace_statistics"][0] == {
        "workspace_id": 100,
        "admins": [{"user_id": 1, "name": "Olive"}],
        "members_count": 4,
        "groups_count": 1,
    }
    assert org["groups"][0]["users"][0]["status"] == "joined"
    assert org["roles"] == [{"role_id": 2, "name": "Organization admin"}]


def test_organization_identity_only_costs_nothing_by_id():
    client = FakeClient(org_answers())
    assert gather(OrganizationInfo, client, organization=10, gather_subset=["!all"]) == {
        "organization": {"id": 10},
        "gathered_subsets": [],
        # the API's clock as the client knows it (no request: the local clock then)
        "server_time": "2026-12-04T09:30:00Z",
    }
    assert client.calls == []


def test_token_user_is_named_only_and_costs_one_me_request():
    client = FakeClient(dict(org_answers(), **{"/me": {"id": 1, "email": "owner@example.com", "fullname": "Olive"}}))
    found = gather(OrganizationInfo, client, organization=10, gather_subset=["!all", "token_user"])
    assert found["organization"]["token_user"] == {"id": 1, "email": "owner@example.com", "fullname": "Olive"}
    assert found["gathered_subsets"] == ["token_user"]
    assert [call[1] for call in client.calls] == ["/me"]
    assert (
        "token_user"
        not in gather(OrganizationInfo, FakeClient(org_answers()), organization=10, gather_subset=["all"])[
            "gathered_subsets"
        ]
    )


def test_organization_name_appears_by_id_once_details_are_read():
    client = FakeClient(org_answers())
    org = gather(OrganizationInfo, client, organization="10", gather_subset=["details"])["organization"]
    assert org["name"] == "Acme"


def test_unknown_organization_name_fails_with_its_name():
    client = FakeClient(org_answers())
    with pytest.raises(TogglReferenceError) as caught:
        gather(OrganizationInfo, client, organization="Nope", gather_subset=["users"])
    assert str(caught.value) == "organization 'Nope' not found among the token's organizations"
    assert paths(client) == [("/me/organizations", None)]


def test_users_page_at_200_per_request():
    answers = org_answers()
    answers["/organizations/10/users"] = [dict(ORG_USERS[1], id=i, user_id=i) for i in range(401)]
    client = FakeClient(answers)
    users = gather(OrganizationInfo, client, organization="10", gather_subset=["users"])["organization"]["users"]
    assert len(users) == 401
    assert [call[2]["page"] for call in client.calls] == [1, 2, 3]


def test_organization_user_shape_for_access_reviews():
    alice, dan = [organization_user_view(user) for user in ORG_USERS]
    assert alice == {
        "user_id": 2,
        "organization_user_id": 5001,
        "email": "alice@example.com",
        "name": "Alice",
        "status": "joined",
        "admin": True,
        "owner": False,
        "role_id": 2,
        "two_factor_enabled": True,
        "groups": ["Engineering"],
        "workspaces": [
            {
                "workspace_id": 100,
                "name": "HQ",
                "workspace_user_id": 7001,
                "role": "admin",
                "role_id": 10,
                "status": "joined",
                "rate": 95.0,
                "labor_cost": 40.0,
                "working_hours": 480,
                "view_edit_billable_rates": False,
                "view_edit_labor_costs": True,
                "groups": ["Engineering"],
            }
        ],
    }
    assert dan["status"] == "invited" and dan["groups"] == [] and dan["workspaces"] == []
    assert dan["admin"] is False and dan["owner"] is False


@pytest.mark.parametrize(
    "joined, inactive, status",
    [(True, False, "joined"), (True, True, "inactive"), (False, False, "invited"), (False, True, "invited")],
)
def test_membership_status_is_derived_from_the_two_flags(joined, inactive, status):
    assert membership_status(joined, inactive) == status


def test_workspace_row_of_an_organization_user_has_its_own_status():
    user = dict(ORG_USERS[0], workspaces=[{"workspace_id": 101, "active": True, "inactive": True}])
    assert organization_user_view(user)["workspaces"][0]["status"] == "inactive"
    assert organization_user_view(user)["status"] == "joined"
    pending = dict(ORG_USERS[1], workspaces=[{"workspace_id": 101, "active": False, "inactive": False}])
    assert organization_user_view(pending)["workspaces"][0]["status"] == "invited"


# -- workspace ---------------------------------------------------------------------------------------

RATES = "/workspaces/100/rates/workspace/100"
WS_SUBSET_REQUESTS = {
    "settings": [("/workspaces/100", None)],
    "users": [("/workspaces/100/workspace_users", {"includeIndirect": "true"})],
    # by id without an organization id: the workspace read tells the organization
    "groups": [("/workspaces/100", None), ("/organizations/10/workspaces/100/groups", None)],
    "reminders": [("/workspaces/100/track_reminders", None)],
    "alerts": [("/workspaces/100/alerts", None)],
    "rates": [(RATES, {"type": "billable_rates"}), (RATES, {"type": "labor_costs"})],
    "time_entry_constraints": [("/workspaces/100/time_entry_constraints", None)],
    "statistics": [("/workspaces/100/statistics", None)],
}


@pytest.mark.parametrize("subset", WS_SUBSETS)
def test_each_workspace_subset_sends_only_its_own_requests(subset):
    client = FakeClient(ws_answers())
    result = gather(WorkspaceInfo, client, workspace="100", organization=None, gather_subset=[subset])
    assert paths(client) == WS_SUBSET_REQUESTS[subset]
    assert set(result["workspace"]) - {"id", "name", "organization_id"} == {subset}


def test_groups_with_an_organization_id_skip_the_workspace_read():
    client = FakeClient(ws_answers())
    result = gather(WorkspaceInfo, client, workspace=100, organization="10", gather_subset=["groups"])
    assert paths(client) == [("/organizations/10/workspaces/100/groups", None)]
    assert result["workspace"] == {"id": 100, "organization_id": 10, "groups": result["workspace"]["groups"]}
    assert result["workspace"]["groups"][0]["users"][0]["status"] == "joined"


def test_settings_and_groups_share_one_workspace_read():
    client = FakeClient(ws_answers())
    result = gather(WorkspaceInfo, client, workspace=100, organization=None, gather_subset=["groups", "settings"])
    assert paths(client) == [("/workspaces/100", None), ("/organizations/10/workspaces/100/groups", None)]
    ws = result["workspace"]
    assert (ws["name"], ws["organization_id"]) == ("HQ", 10)
    assert "api_token" not in ws["settings"]


def test_an_organization_name_is_not_looked_up_for_a_workspace_id():
    client = FakeClient(ws_answers())
    gather(WorkspaceInfo, client, workspace=100, organization="Acme", gather_subset=["reminders"])
    assert paths(client) == [("/workspaces/100/track_reminders", None)]


def test_workspace_by_name_takes_settings_from_the_name_lookup():
    client = FakeClient(ws_answers())
    result = gather(WorkspaceInfo, client, workspace="HQ", organization="Acme", gather_subset=["all"])
    expected = [("/me/organizations", None), ("/me/workspaces", None)] + [
        request
        for subset in WS_SUBSETS
        if subset != "settings"
        for request in WS_SUBSET_REQUESTS[subset]
        if request != ("/workspaces/100", None)
    ]
    assert paths(client) == expected
    ws = result["workspace"]
    assert (ws["id"], ws["name"], ws["organization_id"]) == (100, "HQ", 10)
    # the same shape as GET /workspaces/{id}: no token, no list-only key
    assert ws["settings"] == {"id": 100, "name": "HQ", "organization_id": 10, "default_currency": "EUR"}
    assert ws["rates"] == {"billable": [{"id": 1, "amount": 90}], "labor": [{"id": 2, "amount": 40}]}
    assert ws["users"][0]["user_id"] == 2 and ws["users"][0]["status"] == "joined"
    assert result["gathered_subsets"] == list(WS_SUBSETS)


def test_workspace_name_needs_the_organization_it_is_in():
    client = FakeClient(ws_answers())
    with pytest.raises(TogglReferenceError) as caught:
        gather(WorkspaceInfo, client, workspace="HQ", organization="12", gather_subset=["settings"])
    assert str(caught.value) == "workspace 'HQ' not found in organization 12"


def test_workspace_in_another_organization_than_given_fails():
    client = FakeClient(ws_answers())
    with pytest.raises(TogglReferenceError) as caught:
        gather(WorkspaceInfo, client, workspace=100, organization=20, gather_subset=["settings"])
    assert str(caught.value) == "workspace 100 is in organization 10, not in organization 20"


def test_rates_on_a_plan_without_rates_are_null_after_one_request():
    refusal = TogglApiError("GET", RATES, 402, "Billable rates are available for Starter and higher plans.")
    client = FakeClient(ws_answers(rates=refusal))
    result = gather(WorkspaceInfo, client, workspace=100, organization=None, gather_subset=["rates"])
    assert result["workspace"]["rates"] is None
    assert len(client.calls) == 1


def test_exhausted_quota_while_reading_rates_fails():
    refusal = TogglApiError("GET", RATES, 402, "quota", quota_exhausted=True)
    client = FakeClient(ws_answers(rates=refusal))
    with pytest.raises(TogglApiError):
        gather(WorkspaceInfo, client, workspace=100, organization=None, gather_subset=["rates"])


def test_workspace_user_shape():
    row = {
        "id": 7003,
        "user_id": 6,
        "uid": 6,
        "email": "gus@example.com",
        "name": "Gus",
        "role": "user",
        "role_id": 13,
        "active": True,
        "inactive": False,
        "organization_admin": False,
        "is_direct": False,
        "group_ids": [70],
        "rate": None,
        "labor_cost": 30.0,
        "working_hours_in_minutes": 420,
        "view_edit_billable_rates": False,
        "view_edit_labor_costs": False,
        "invitation_code": "internal",
    }
    assert workspace_user_view(row) == {
        "user_id": 6,
        "workspace_user_id": 7003,
        "email": "gus@example.com",
        "name": "Gus",
        "status": "joined",
        "role": "user",
        "role_id": 13,
        "organization_admin": False,
        "direct": False,
        "group_ids": [70],
        "rate": None,
        "labor_cost": 30.0,
        "working_hours_in_minutes": 420,
        "view_edit_billable_rates": False,
        "view_edit_labor_costs": False,
    }
    assert workspace_user_view(dict(row, active=False))["status"] == "invited"
    assert workspace_user_view(dict(row, inactive=True))["status"] == "inactive"
