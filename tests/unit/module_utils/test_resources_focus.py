"""toggl_group's emoji (through the Toggl Focus API) and toggl_organization_info's Focus subsets,
on scripted clients; and the client's pagination of Focus lists over real HTTP."""

import copy
import json
from datetime import UTC, datetime

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.client import TogglClient
from ansible_collections.trackops.toggl.plugins.module_utils.engine import Reconciler
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglApiError,
    TogglConfigError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.info import OrganizationInfo, select_subsets
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver
from ansible_collections.trackops.toggl.plugins.module_utils.resources.group import Group

ORG_USERS = [
    {"id": 501, "user_id": 1, "email": "owner@example.com", "name": "Olive", "owner": True},
    {"id": 502, "user_id": 2, "email": "alice@example.com", "name": "Alice"},
    {"id": 503, "user_id": 3, "email": "bob@example.com", "name": "Bob"},
]
TEAMS = "/organizations/10/teams"
FOCUS_GROUPS = "/organizations/10/groups"


class FocusFakeApi:
    """One organization's groups as Track and Focus show them; records (service, method, path, body)."""

    def __init__(self, groups=None, has_focus_key=True, workspaces=None):
        self.groups = copy.deepcopy(
            groups
            if groups is not None
            else [{"group_id": 200, "name": "Eng", "users": [1, 2], "workspaces": [100], "emoji": "E"}]
        )
        self.has_focus_key = has_focus_key
        self.workspaces = workspaces if workspaces is not None else [{"id": 100, "organization_id": 10}]
        self.calls = []
        self.post_error = None
        self.focus_put_drops_lists = False  # a Focus that empties the lists a PUT leaves out

    def _track_group(self, group):
        return {
            "group_id": group["group_id"],
            "name": group["name"],
            "permissions": [],
            "users": [{"user_id": uid, "name": "n%s" % uid} for uid in group["users"]],
            "workspaces": list(group["workspaces"]),
        }

    def _focus_group(self, group):
        member_of = {u["user_id"]: u["id"] for u in ORG_USERS}
        return {
            "id": group["group_id"],
            "name": group["name"],
            "emoji": group.get("emoji"),
            "users": [
                {"user_account_id": uid, "organization_user_id": member_of[uid], "display_name": "n%s" % uid}
                for uid in group["users"]
            ],
            "workspaces": [{"workspace_id": ws, "name": "w%s" % ws} for ws in group["workspaces"]],
        }

    def get(self, path, params=None, what=None, service="track"):
        self.calls.append((service, "GET", path, params))
        if service == "focus" and path == TEAMS:
            wanted = int(params["group_ids"])
            data = [self._focus_group(g) for g in self.groups if g["group_id"] == wanted]
            return {"data": data, "page": 1, "rows": len(data), "total": len(data)}
        raise AssertionError("unexpected GET %s %s" % (service, path))

    def get_list(self, path, params=None, what=None, service="track"):
        self.calls.append((service, "GET", path, params))
        if path == "/organizations/10/groups" and service == "track":
            return [self._track_group(g) for g in self.groups]
        if path == "/me/workspaces":
            return self.workspaces
        if path == "/me/organizations":
            return [{"id": 10, "name": "Acme", "admin": True}]
        raise AssertionError("unexpected GET %s %s" % (service, path))

    def paginate(self, path, params=None, per_page=200, what=None, service="track"):
        self.calls.append((service, "GET", path, params))
        assert path == "/organizations/10/users"
        return ORG_USERS

    def post(self, path, body=None, what=None, service="track"):
        self.calls.append((service, "POST", path, body))
        if self.post_error:
            error, self.post_error = self.post_error, None
            raise error
        assert service == "focus" and path == FOCUS_GROUPS
        user_of = {u["id"]: u["user_id"] for u in ORG_USERS}
        group = {
            "group_id": 900,
            "name": body["name"],
            "emoji": body["emoji"] or None,
            "users": [user_of[m] for m in body.get("organization_users", [])],
            "workspaces": body.get("workspaces", []),
        }
        self.groups.append(group)
        return self._focus_group(group)

    def put(self, path, body=None, what=None, service="track"):
        self.calls.append((service, "PUT", path, body))
        group = self.groups[0]
        if service == "focus":
            # Pages (and the simulator): a PUT changes only the fields it is given.
            user_of = {u["id"]: u["user_id"] for u in ORG_USERS}
            group["name"] = body.get("name", group["name"])
            if "emoji" in body:
                group["emoji"] = body["emoji"] or None
            if "workspaces" in body or self.focus_put_drops_lists:
                group["workspaces"] = body.get("workspaces", [])
            if "organization_users" in body or self.focus_put_drops_lists:
                group["users"] = [user_of[m] for m in body.get("organization_users", [])]
            return self._focus_group(group)
        group.update(name=body["name"], workspaces=body["workspaces"], users=body["users"])
        return self._track_group(group)

    def patch(self, path, body=None, what=None, service="track"):
        self.calls.append((service, "PATCH", path, body))
        for operation in body:
            key = operation["path"].strip("/")
            values = set(self.groups[0][key])
            values = values | set(operation["value"]) if operation["op"] == "add" else values - set(operation["value"])
            self.groups[0][key] = sorted(values)
        return {"success": body, "failure": []}

    def delete(self, path, body=None, what=None, service="track"):
        self.calls.append((service, "DELETE", path, None))
        return "OK"

    def request(self, method, path, params=None, body=None, what=None, service="track"):
        assert method == "DELETE"
        self.calls.append((service, method, path, params))
        return "OK"

    def writes(self):
        return [call for call in self.calls if call[1] != "GET"]


def params(**values):
    base = dict(organization="10", name="Eng", id=None, users=None, workspaces=None, append=False, state="present")
    base.update(values)
    return base


def ensure(api, check_mode=False, **values):
    resource = Group(params(**values), api, Resolver(api))
    resource.validate()
    return Reconciler(check_mode=check_mode).ensure(resource)


def both_modes(api_factory=FocusFakeApi, **values):
    check_api, real_api = api_factory(), api_factory()
    predicted = ensure(check_api, check_mode=True, **values)
    assert check_api.writes() == []
    outcome = ensure(real_api, **values)
    assert (predicted.changed, predicted.before, predicted.after) == (outcome.changed, outcome.before, outcome.after)
    return outcome, real_api


# -- toggl_group emoji --------------------------------------------------------------------------


def test_converged_emoji_costs_the_group_list_and_one_focus_read():
    outcome, api = both_modes(emoji="E")
    assert outcome.changed is False and outcome.after == {"name": "Eng", "workspaces": [100], "emoji": "E"}
    assert api.calls == [
        ("track", "GET", "/organizations/10/groups", None),
        ("focus", "GET", TEAMS, {"workspace_id": 100, "group_ids": 200}),
    ]
    assert outcome.obj["emoji"] == "E"


def test_without_emoji_no_focus_request_is_sent():
    outcome, api = both_modes(workspaces=["100", "101"])
    assert [call[0] for call in api.calls] == ["track", "track", "track"]  # groups, /me/organizations, PATCH
    assert "emoji" not in outcome.after and "emoji" not in outcome.obj


def test_emoji_change_with_other_changes_sends_only_the_emoji_to_focus_and_the_rest_as_a_patch():
    """No list read earlier goes with the Focus PUT: the membership changes are Track's PATCH,
    which carries only additions and removals. The exact users list leaves out the owner, who
    stays (with a warning), as on Track."""
    outcome, api = both_modes(emoji="F", users=["alice@example.com", "bob@example.com"], workspaces=["101"])
    assert api.writes() == [
        ("focus", "PUT", "/organizations/10/groups/200", {"emoji": "F"}),
        (
            "track",
            "PATCH",
            "/organizations/10/groups/200",
            [
                {"op": "add", "path": "/users", "value": [3]},
                {"op": "add", "path": "/workspaces", "value": [101]},
                {"op": "remove", "path": "/workspaces", "value": [100]},
            ],
        ),
    ]
    assert outcome.changed is True
    assert outcome.before == {
        "name": "Eng",
        "workspaces": [100],
        "users": ["alice@example.com", "owner@example.com"],
        "emoji": "E",
    }
    assert outcome.after == {
        "name": "Eng",
        "workspaces": [101],
        "users": ["alice@example.com", "bob@example.com", "owner@example.com"],
        "emoji": "F",
    }


def test_emoji_change_alone_sends_only_the_emoji():
    outcome, api = both_modes(emoji="")
    assert api.writes() == [("focus", "PUT", "/organizations/10/groups/200", {"emoji": ""})]
    assert (outcome.before["emoji"], outcome.after["emoji"]) == ("E", None)
    # the organization user ids came from the Focus read: no user list was read
    assert ("track", "GET", "/organizations/10/users", None) not in api.calls


def test_rename_with_an_emoji_change_is_one_focus_put_of_both():
    outcome, api = both_modes(id=200, name="Platform", emoji="P")
    assert api.writes() == [("focus", "PUT", "/organizations/10/groups/200", {"emoji": "P", "name": "Platform"})]
    assert outcome.after == {"name": "Platform", "workspaces": [100], "emoji": "P"}
    assert api.groups[0]["users"] == [1, 2], "the members were not sent, and stay"


def test_a_focus_put_that_drops_the_lists_is_repaired_with_one_patch():
    api = FocusFakeApi()
    api.focus_put_drops_lists = True
    resource = Group(params(emoji="F"), api, Resolver(api))
    resource.validate()
    outcome = Reconciler().ensure(resource)
    assert api.writes() == [
        ("focus", "PUT", "/organizations/10/groups/200", {"emoji": "F"}),
        (
            "track",
            "PATCH",
            "/organizations/10/groups/200",
            [{"op": "add", "path": "/users", "value": [1, 2]}, {"op": "add", "path": "/workspaces", "value": [100]}],
        ),
    ]
    assert api.groups[0]["users"] == [1, 2] and api.groups[0]["workspaces"] == [100]
    assert outcome.after == {"name": "Eng", "workspaces": [100], "emoji": "F"}
    assert any("added back" in warning for warning in resource.warnings)


def test_track_only_changes_stay_on_track_and_keep_the_emoji():
    outcome, api = both_modes(emoji="E", workspaces=["100", "101"])
    assert api.writes() == [
        ("track", "PATCH", "/organizations/10/groups/200", [{"op": "add", "path": "/workspaces", "value": [101]}])
    ]
    assert outcome.after == {"name": "Eng", "workspaces": [100, 101], "emoji": "E"}


def test_create_with_emoji_is_one_focus_post():
    outcome, api = both_modes(
        api_factory=lambda: FocusFakeApi(groups=[]), name="Design", emoji="D", users=["bob@example.com"]
    )
    assert api.writes() == [
        ("focus", "POST", FOCUS_GROUPS, {"name": "Design", "emoji": "D", "organization_users": [503]})
    ]
    assert outcome.obj["group_id"] == 900 and outcome.obj["emoji"] == "D"
    assert outcome.after == {"name": "Design", "workspaces": [], "users": ["bob@example.com"], "emoji": "D"}


def test_a_group_named_meanwhile_on_a_focus_create_is_adopted():
    def racing_api():
        api = FocusFakeApi(groups=[])
        api.post_error = TogglApiError("POST", FOCUS_GROUPS, 400, "Invalid request")
        return api

    api = racing_api()
    resource = Group(params(name="Eng", emoji="E"), api, Resolver(api))
    resource.validate()
    decision = Reconciler().decide(resource)
    api.groups.append({"group_id": 201, "name": "Eng", "users": [], "workspaces": [100], "emoji": "X"})
    outcome = Reconciler().apply(decision)
    assert outcome.changed is True and outcome.obj["group_id"] == 201 and outcome.after["emoji"] == "E"
    assert [call[:3] for call in api.writes()] == [
        ("focus", "POST", FOCUS_GROUPS),
        ("focus", "PUT", "/organizations/10/groups/201"),
    ]


def test_a_group_without_workspaces_is_read_through_the_organizations_first_workspace():
    def api_factory():
        return FocusFakeApi(
            groups=[{"group_id": 200, "name": "Eng", "users": [], "workspaces": [], "emoji": "E"}],
            workspaces=[
                {"id": 300, "organization_id": 20},
                {"id": 102, "organization_id": 10},
                {"id": 101, "organization_id": 10},
            ],
        )

    outcome, api = both_modes(api_factory=api_factory, emoji="E")
    assert outcome.changed is False
    assert api.calls[1:] == [
        ("track", "GET", "/me/workspaces", None),
        ("focus", "GET", TEAMS, {"workspace_id": 101, "group_ids": 200}),
    ]


def test_emoji_without_a_focus_key_fails_before_any_request():
    api = FocusFakeApi(has_focus_key=False)
    resource = Group(params(emoji="E"), api, Resolver(api))
    with pytest.raises(TogglConfigError) as caught:
        resource.validate()
    assert "focus_api_key" in str(caught.value) and "TOGGL_FOCUS_API_KEY" in str(caught.value)
    assert api.calls == []


def test_emoji_is_not_used_with_absent():
    api = FocusFakeApi()
    with pytest.raises(TogglValidationError):
        Group(params(emoji="E", state="absent"), api, Resolver(api)).validate()
    assert api.calls == []


def test_deletion_goes_through_focus_with_a_key_taking_a_workspace_of_the_group():
    api = FocusFakeApi()
    assert ensure(api, state="absent").changed is True
    assert api.writes() == [("focus", "DELETE", "/organizations/10/groups/200", {"workspace_id": 100})]
    assert [call for call in api.calls if call[2] == "/me/workspaces"] == [], "the group's workspace: no read"


def test_deletion_of_a_group_in_no_workspace_takes_the_organizations_first():
    api = FocusFakeApi(
        groups=[{"group_id": 200, "name": "Eng", "users": [1], "workspaces": []}],
        workspaces=[{"id": ident, "organization_id": org} for ident, org in ((105, 10), (101, 10), (99, 9))],
    )
    ensure(api, state="absent")
    assert api.writes() == [("focus", "DELETE", "/organizations/10/groups/200", {"workspace_id": 101})]


def test_deletion_without_a_key_goes_through_track():
    api = FocusFakeApi(has_focus_key=False)
    assert ensure(api, state="absent").changed is True
    assert api.writes() == [("track", "DELETE", "/organizations/10/groups/200", None)]


# -- toggl_organization_info Focus subsets -----------------------------------------------------


class InfoClient:
    def __init__(self, has_focus_key=True):
        self.has_focus_key = has_focus_key
        self.calls = []

    @staticmethod
    def server_now():
        """The API's clock, as the client takes it from the Date header (fixed here)."""
        return datetime(2026, 12, 4, 9, 30, tzinfo=UTC)

    def get(self, path, params=None, what=None, service="track"):
        self.calls.append((service, path, params))
        if path == "/organizations/10/workspaces/statistics":
            return {"102": {}, "101": {}}
        raise AssertionError(path)

    def get_list(self, path, params=None, what=None, service="track"):
        self.calls.append((service, path, params))
        if path == "/me/workspaces":
            return [{"id": 105, "organization_id": 10}, {"id": 104, "organization_id": 10}]
        return [{"role_id": 1, "name": "Owner"}] if path.endswith("/roles") else []

    def paginate(self, path, params=None, per_page=200, what=None, service="track"):
        self.calls.append((service, path, dict(params or {}, per_page=per_page)))
        return [{"id": 1, "path": path}]


def gather(client, **values):
    info = OrganizationInfo(dict(dict(organization="10", focus_workspace=None), **values), client, Resolver(client))
    info.validate()
    return info.gather()


def test_focus_subsets_are_named_only_not_part_of_all():
    valid, focus = OrganizationInfo.subsets, OrganizationInfo.named_subsets
    assert select_subsets(["all"], valid, named_only=focus) == list(valid)
    assert select_subsets(["!users"], valid, named_only=focus) == [v for v in valid if v != "users"]
    assert select_subsets(["focus_users", "all", "!roles"], valid, named_only=focus) == [
        v for v in valid if v != "roles"
    ] + ["focus_users"]
    assert select_subsets(["!all", "focus_teams"], valid, named_only=focus) == ["focus_teams"]
    with pytest.raises(TogglValidationError) as caught:
        select_subsets(["focus_usr"], valid, named_only=focus)
    assert str(caught.value).endswith("; named only, not part of all: focus_roles, focus_teams, focus_users")


def test_focus_subsets_without_a_key_fail_before_any_request():
    client = InfoClient(has_focus_key=False)
    with pytest.raises(TogglConfigError) as caught:
        gather(client, gather_subset=["users", "focus_teams", "focus_users"])
    assert str(caught.value) == (
        "gather_subset focus_teams, focus_users: read through the Toggl Focus API: "
        "set focus_api_key (env TOGGL_FOCUS_API_KEY)"
    )
    assert client.calls == []
    assert gather(client, gather_subset=["all", "!users", "!groups", "!roles", "!details", "!workspace_statistics"])


@pytest.mark.parametrize(
    "values, workspace_reads, workspace_id",
    [
        pytest.param({}, [("track", "/me/workspaces", None)], 104, id="first-of-me-workspaces"),
        pytest.param({"focus_workspace": "103"}, [], 103, id="given-by-id"),
    ],
)
def test_each_focus_subset_sends_its_own_requests(values, workspace_reads, workspace_id):
    client = InfoClient()
    facts = gather(client, gather_subset=["focus_roles", "focus_teams", "focus_users"], **values)
    assert client.calls == [("focus", "/organizations/10/roles", None)] + workspace_reads + [
        ("focus", "/organizations/10/teams", {"workspace_id": workspace_id, "per_page": 200}),
        (
            "focus",
            "/organizations/10/users",
            {"include_rates": "true", "include_working_hours": "true", "per_page": 200},
        ),
    ]
    org = facts["organization"]
    assert org["focus_roles"] == [{"role_id": 1, "name": "Owner"}]
    assert org["focus_teams"] == [{"id": 1, "path": "/organizations/10/teams"}]
    assert facts["gathered_subsets"] == ["focus_roles", "focus_teams", "focus_users"]


def test_teams_take_the_workspace_from_the_statistics_when_gathered():
    client = InfoClient()
    gather(client, gather_subset=["workspace_statistics", "focus_teams"])
    assert [call[1] for call in client.calls] == ["/organizations/10/workspaces/statistics", TEAMS]
    assert client.calls[1][2]["workspace_id"] == 101


# -- the client's pagination of Focus lists ----------------------------------------------------


def focus_client(server):
    return TogglClient(
        api_url=server.url,
        api_token="t",
        focus_api_url=server.url.replace("/api/v9", "/focus/api"),
        focus_api_key="toggl_sk_x",
        max_retries=0,
    )


def test_focus_teams_are_read_until_their_total(server):
    server.reply(200, {"data": [{"id": 1}, {"id": 2}], "page": 1, "rows": 2, "total": 3})
    server.reply(200, {"data": [{"id": 3}], "page": 2, "rows": 1, "total": 3})
    client = focus_client(server)
    teams = client.paginate(TEAMS, params={"workspace_id": 5}, per_page=2, service="focus")
    assert [team["id"] for team in teams] == [1, 2, 3]
    assert [r["path"] for r in server.received] == [
        "/focus/api/organizations/10/teams?workspace_id=5&page=1&per_page=2",
        "/focus/api/organizations/10/teams?workspace_id=5&page=2&per_page=2",
    ]
    assert server.received[0]["headers"]["Authorization"] == "Bearer toggl_sk_x"
    assert client.requests.as_result() == {"GET": 2, "total": 2}


def test_focus_users_are_read_until_a_short_page(server):
    for page in ([{"id": 1}, {"id": 2}], [{"id": 3}, {"id": 4}], []):
        server.reply(200, page)
    client = focus_client(server)
    assert [u["id"] for u in client.paginate("/organizations/10/users", per_page=2, service="focus")] == [1, 2, 3, 4]
    assert len(server.received) == 3  # a full last page costs one empty page more
    server.received.clear()
    server.reply(200, [{"id": 1}, {"id": 2}])
    server.reply(200, [{"id": 3}])
    assert len(client.paginate("/organizations/10/users", per_page=2, service="focus")) == 3
    assert len(server.received) == 2


def test_track_lists_without_paging_headers_stay_one_page(server):
    server.reply(200, json.dumps([{"id": 1}, {"id": 2}]))
    client = focus_client(server)
    assert len(client.paginate("/organizations/10/users", per_page=2)) == 2
    assert len(server.received) == 1
