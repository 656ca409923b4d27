"""Group and project group descriptions through the engine, on a scripted client.

Every case runs the real Reconciler against a small in-memory API, so the decisions, the
request bodies, the request counts, check mode and the diff are checked together.
"""

import copy

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils import engine
from ansible_collections.trackops.toggl.plugins.module_utils.engine import Reconciler
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAnswerLostError,
    TogglApiError,
    TogglReferenceError,
    TogglStateError,
    TogglValidationError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver
from ansible_collections.trackops.toggl.plugins.module_utils.resources.group import Group
from ansible_collections.trackops.toggl.plugins.module_utils.resources.project_group import ProjectGroup

ORG_USERS = [
    {"user_id": 1, "email": "owner@example.com", "name": "Olive", "inactive": False, "joined": True},
    {"user_id": 2, "email": "Alice@Example.com", "name": "Alice", "inactive": False, "joined": True},
    {"user_id": 3, "email": "bob@example.com", "name": "Bob", "inactive": False, "joined": True},
    {"user_id": 4, "email": "carol@example.com", "name": "Carol", "inactive": True, "joined": False},
]
GROUP = {
    "group_id": 200,
    "name": "Engineering",
    "permissions": [],
    "users": [{"user_id": 1, "name": "Olive"}, {"user_id": 2, "name": "Alice"}],
    "workspaces": [100],
}
GROUPS_PATH = "/organizations/10/groups"


class FakeApi:
    """Answers like the Toggl API for one organization; records every request."""

    def __init__(self, groups=None, org_users=None, workspaces=None, projects=None, links=None):
        self.groups = copy.deepcopy(groups if groups is not None else [GROUP])
        self.org_users = org_users if org_users is not None else ORG_USERS
        self.workspaces = workspaces or [{"id": 100, "name": "HQ", "organization_id": 10}]
        self.projects = projects or []
        self.links = links or []
        self.calls = []
        self.post_error = None  # raised by the next POST, after `on_post` ran
        self.on_post = None
        self.patch_answer = None
        self.admin = True  # the token's user is an admin of organization 10
        self.group_reads = []  # scripted answers of the next group-list reads (stale or others' writes)
        self.on_put = None  # called before a PUT is applied (another admin writing in between)

    # reads
    def get(self, path, params=None, what=None, service="track"):
        self.calls.append(("GET", path, params))
        workspace = next((dict(ws, admin=True) for ws in self.workspaces if path == "/workspaces/%s" % ws["id"]), None)
        if workspace is not None:
            return workspace
        assert path == "/me", path
        return {"id": 99, "email": "robot@example.com"}  # the token's user, in no group here

    def get_list(self, path, params=None, what=None, service="track"):
        self.calls.append(("GET", path, params))
        if path == GROUPS_PATH:
            if self.group_reads:
                scripted = self.group_reads.pop(0)
                return copy.deepcopy(scripted if scripted is not None else self.groups)
            return copy.deepcopy(self.groups)
        if path == "/me/workspaces":
            return self.workspaces
        if path == "/me/organizations":
            return [{"id": 10, "name": "Acme", "admin": self.admin}]
        if path.endswith("/projects"):
            page, per_page = params["page"], params["per_page"]
            matching = [p for p in self.projects if params.get("name", "").lower() in p["name"].lower()]
            return matching[(page - 1) * per_page : page * per_page]
        if path.endswith("/project_groups"):
            wanted = int(params["project_ids"])
            return [link for link in self.links if link["pid"] == wanted]
        raise AssertionError("unexpected GET %s" % path)

    def paginate(self, path, params=None, per_page=200, what=None, service="track"):
        self.calls.append(("GET", path, {"page": 1, "per_page": per_page}))
        assert path == "/organizations/10/users"
        return self.org_users

    # writes
    def post(self, path, body=None, what=None, service="track"):
        self.calls.append(("POST", path, body))
        if self.on_post:
            self.on_post(self)
        if self.post_error:
            raise self.post_error
        if path == GROUPS_PATH:
            group = {"group_id": 900, "name": body["name"], "permissions": [], "workspaces": body.get("workspaces", [])}
            group["users"] = [{"user_id": uid, "name": "n%s" % uid} for uid in body.get("users", [])]
            self.groups.append(group)
            return copy.deepcopy(group)
        if path.endswith("/project_groups"):
            # Swagger: the answer is a string; the link shows in the list afterwards.
            link_id = 6000 + len(self.links)
            self.links.append({"id": link_id, "pid": body["project_id"], "wid": 100, "group_id": body["group_id"]})
            return "Successful operation."
        return "OK"

    def put(self, path, body=None, what=None, service="track"):
        self.calls.append(("PUT", path, body))
        if self.on_put:
            self.on_put(self)
        group = self.groups[0]
        group.update(name=body["name"], workspaces=body["workspaces"])
        group["users"] = [{"user_id": uid, "name": "n%s" % uid} for uid in body["users"]]
        return copy.deepcopy(group)

    def patch(self, path, body=None, what=None, service="track"):
        self.calls.append(("PATCH", path, body))
        if self.patch_answer is not None:
            return self.patch_answer
        return {"success": body, "failure": []}

    def delete(self, path, body=None, what=None, service="track"):
        self.calls.append(("DELETE", path, None))
        return "OK"

    def writes(self):
        return [call for call in self.calls if call[0] != "GET"]

    def reads(self):
        return [call[1] for call in self.calls if call[0] == "GET"]


def group_params(**values):
    params = dict(organization="10", name=None, id=None, users=None, workspaces=None, append=False, state="present")
    params.update(values)
    return params


def ensure(api, check_mode=False, cls=Group, **values):
    params = group_params(**values) if cls is Group else pg_params(**values)
    resource = cls(params, api, Resolver(api))
    resource.validate()
    return Reconciler(check_mode=check_mode).ensure(resource)


def both_modes(cls=Group, api_factory=FakeApi, **values):
    """Check mode, then the real run, on fresh APIs: check mode must predict the same."""
    check_api, real_api = api_factory(), api_factory()
    predicted = ensure(check_api, check_mode=True, cls=cls, **values)
    assert check_api.writes() == []
    outcome = ensure(real_api, cls=cls, **values)
    assert (predicted.changed, predicted.before, predicted.after) == (outcome.changed, outcome.before, outcome.after)
    return outcome, real_api


# -- toggl_group --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, writes, after_users, after_workspaces",
    [
        pytest.param(
            dict(name="Engineering", users=["ALICE@example.com", "3"]),
            [
                (
                    "PATCH",
                    "/organizations/10/groups/200",
                    [
                        {"op": "add", "path": "/users", "value": [3]},
                        {"op": "remove", "path": "/users", "value": [1]},
                    ],
                )
            ],
            ["Alice@Example.com", "bob@example.com"],
            [100],
            id="exact-users-one-patch-add-and-remove",
        ),
        pytest.param(
            dict(name="Engineering", users=["bob@example.com", "owner@example.com"], append=True),
            [("PATCH", "/organizations/10/groups/200", [{"op": "add", "path": "/users", "value": [3]}])],
            ["Alice@Example.com", "bob@example.com", "owner@example.com"],
            [100],
            id="append-only-adds",
        ),
        pytest.param(
            dict(name="Engineering", users=["alice@example.com"], append=True),
            [],
            ["Alice@Example.com", "owner@example.com"],
            [100],
            id="append-of-members-is-unchanged",
        ),
        pytest.param(
            dict(name="Engineering", users=[], workspaces=[]),
            [
                (
                    "PATCH",
                    "/organizations/10/groups/200",
                    [
                        {"op": "remove", "path": "/users", "value": [1, 2]},
                        {"op": "remove", "path": "/workspaces", "value": [100]},
                    ],
                )
            ],
            [],
            [],
            id="empty-lists-empty",
        ),
        pytest.param(
            dict(name="Engineering", workspaces=["HQ", "101"]),
            [("PATCH", "/organizations/10/groups/200", [{"op": "add", "path": "/workspaces", "value": [101]}])],
            None,
            [100, 101],
            id="unset-users-left-alone",
        ),
        pytest.param(
            dict(id=200, name="Platform"),
            [("PUT", "/organizations/10/groups/200", {"name": "Platform", "users": [1, 2], "workspaces": [100]})],
            None,
            [100],
            id="rename-keeps-current-lists",
        ),
        pytest.param(
            dict(id=200, name="Platform", users=["bob@example.com"], append=True),
            [("PUT", "/organizations/10/groups/200", {"name": "Platform", "users": [1, 2, 3], "workspaces": [100]})],
            ["Alice@Example.com", "bob@example.com", "owner@example.com"],
            [100],
            id="rename-with-membership-is-one-put",
        ),
        pytest.param(
            dict(name="Engineering", users=["owner@example.com", "2"], workspaces=["100"]),
            [],
            ["Alice@Example.com", "owner@example.com"],
            [100],
            id="converged",
        ),
    ],
)
def test_group_update_cases(values, writes, after_users, after_workspaces):
    outcome, api = both_modes(**values)
    assert api.writes() == writes
    assert outcome.changed is bool(writes)
    assert outcome.after["workspaces"] == after_workspaces
    if after_users is None:
        assert "users" not in outcome.after
        assert ("GET", "/organizations/10/users") not in [call[:2] for call in api.calls]
    else:
        assert outcome.after["users"] == after_users
        assert [u["email"] for u in outcome.obj["users"]] == sorted_by_id(after_users)


@pytest.fixture
def no_settle_pauses(monkeypatch):
    """engine.settle re-reads at once (the fake's reads are scripted, not timed)."""
    monkeypatch.setattr(engine.settle, "__defaults__", ((0.0,) * 5, lambda seconds: None))


def member(user_id):
    return {"user_id": user_id, "name": "n%s" % user_id}


def test_rename_sends_the_lists_as_they_are_right_before_the_put(no_settle_pauses):
    """Another admin added Bob (3) and workspace 101 after this task's first read: the re-read
    just before the PUT sees them, so the PUT keeps them, also with an exact users list (the
    task warns)."""
    api = FakeApi()
    with_bob = dict(GROUP, users=[member(1), member(2), member(3)], workspaces=[100, 101])

    def other_admin(fake):
        fake.groups = [copy.deepcopy(with_bob)]

    api.group_reads = [None, [with_bob]]  # the first read, then the re-read after the other admin
    api.on_put = other_admin
    resource = Group(group_params(id=200, name="Platform", users=["owner@example.com"]), api, Resolver(api))
    resource.validate()
    outcome = Reconciler().ensure(resource)
    # This task removes Alice (2) only; Bob and workspace 101 stay.
    assert api.writes() == [
        ("PUT", "/organizations/10/groups/200", {"name": "Platform", "users": [1, 3], "workspaces": [100, 101]})
    ]
    assert [call[1] for call in api.calls].count(GROUPS_PATH) == 3  # read, re-read before, read after
    assert outcome.after == {
        "name": "Platform",
        "users": ["bob@example.com", "owner@example.com"],
        "workspaces": [100, 101],
    }
    assert any("kept users bob@example.com" in warning for warning in resource.warnings)


def test_rename_adds_back_what_a_stale_reread_made_it_drop(no_settle_pauses):
    """Reads lag: the re-read before the PUT does not show Bob yet, the PUT drops him; a read
    after the PUT still shows the state it replaced (old name, with Bob), so he is added back."""
    api = FakeApi()
    with_bob = dict(GROUP, users=[member(1), member(2), member(3)])
    api.group_reads = [None, None, [with_bob], None]  # read, stale re-read, lagging read after, settled
    outcome = ensure(api, id=200, name="Platform")
    assert api.writes() == [
        ("PUT", "/organizations/10/groups/200", {"name": "Platform", "users": [1, 2], "workspaces": [100]}),
        ("PATCH", "/organizations/10/groups/200", [{"op": "add", "path": "/users", "value": [3]}]),
    ]
    assert outcome.after == {"name": "Platform", "workspaces": [100]}
    assert [u["user_id"] for u in outcome.obj["users"]] == [1, 2, 3]


def test_rename_of_a_group_deleted_meanwhile_fails_without_writing(no_settle_pauses):
    api = FakeApi()
    api.group_reads = [None, []]
    with pytest.raises(TogglStateError, match="deleted since this task read it"):
        ensure(api, id=200, name="Platform")
    assert api.writes() == []


def test_membership_change_alone_is_a_patch_of_the_difference_only():
    """No list read earlier is sent: another admin's additions in between cannot be undone."""
    api = FakeApi()
    ensure(api, name="Engineering", users=["owner@example.com"], append=True, workspaces=["100", "101"])
    assert api.writes() == [
        ("PATCH", "/organizations/10/groups/200", [{"op": "add", "path": "/workspaces", "value": [101]}])
    ]


def sorted_by_id(emails):
    by_email = {u["email"]: u["user_id"] for u in ORG_USERS}
    return sorted(emails, key=lambda email: by_email[email])


def test_create_sends_ids_and_shows_emails_in_check_mode_and_for_real():
    outcome, api = both_modes(
        api_factory=lambda: FakeApi(groups=[]), name="QA", users=["bob@EXAMPLE.com", "4"], workspaces=["HQ"]
    )
    assert api.writes() == [("POST", GROUPS_PATH, {"name": "QA", "users": [3, 4], "workspaces": [100]})]
    assert outcome.action == "created" and outcome.before is None
    assert outcome.after == {"name": "QA", "users": ["bob@example.com", "carol@example.com"], "workspaces": [100]}
    assert [(u["user_id"], u["email"]) for u in outcome.obj["users"]] == [
        (3, "bob@example.com"),
        (4, "carol@example.com"),
    ]
    predicted = ensure(FakeApi(groups=[]), check_mode=True, name="QA", users=["4"])
    assert predicted.obj["group_id"] is None
    assert predicted.obj["users"] == [
        {"user_id": 4, "email": "carol@example.com", "name": "Carol", "inactive": True, "joined": False}
    ]


def test_exact_list_keeps_the_owner_and_the_token_user_with_a_warning():
    users = [dict(ORG_USERS[0], owner=True)] + ORG_USERS[1:]
    group = dict(GROUP, users=[{"user_id": 1}, {"user_id": 2}, {"user_id": 99}])
    api = FakeApi(groups=[group], org_users=users + [{"user_id": 99, "email": "robot@example.com"}])
    outcome = ensure(api, name="Engineering", users=["bob@example.com"])
    assert api.writes() == [
        (
            "PATCH",
            "/organizations/10/groups/200",
            [{"op": "add", "path": "/users", "value": [3]}, {"op": "remove", "path": "/users", "value": [2]}],
        )
    ]
    assert outcome.after["users"] == ["bob@example.com", "owner@example.com", "robot@example.com"]


def test_requests_one_read_per_collection():
    api = FakeApi()
    ensure(
        api, organization="Acme", name="Engineering", users=["bob@example.com", "alice@example.com"], workspaces=["HQ"]
    )
    # /me: the exact list drops user 1, who might be the token's user (kept if so)
    # The names first (members, workspaces), resolved as one step before deciding; then the groups.
    assert api.reads() == ["/me/organizations", "/organizations/10/users", "/me/workspaces", GROUPS_PATH, "/me"]


def test_delete_and_absent():
    outcome, api = both_modes(name="Engineering", state="absent")
    assert api.writes() == [("DELETE", "/organizations/10/groups/200", None)]
    assert outcome.before == {"name": "Engineering", "workspaces": [100]} and outcome.after is None
    outcome, api = both_modes(id=999, state="absent")
    assert outcome.changed is False and api.writes() == [] and api.reads() == [GROUPS_PATH]


def test_a_member_without_a_known_email_shows_as_its_id():
    group = dict(GROUP, users=[{"user_id": 2}, {"user_id": 77}])
    outcome, api = both_modes(api_factory=lambda: FakeApi(groups=[group]), name="Engineering", users=["2"])
    assert outcome.before["users"] == ["Alice@Example.com", 77]
    assert api.writes() == [
        ("PATCH", "/organizations/10/groups/200", [{"op": "remove", "path": "/users", "value": [77]}])
    ]


def test_large_changes_are_split_at_the_api_limits():
    many = [{"user_id": uid, "email": "u%d@example.com" % uid} for uid in range(1000, 1250)]
    api = FakeApi(groups=[dict(GROUP, users=[])], org_users=many)
    ensure(api, name="Engineering", users=[str(uid) for uid in range(1000, 1250)])
    patches = api.writes()
    assert len(patches) == 1, "one request carries up to 100 operations"
    assert [len(op["value"]) for op in patches[0][2]] == [100, 100, 50]
    assert sorted(v for op in patches[0][2] for v in op["value"]) == list(range(1000, 1250))


@pytest.mark.parametrize(
    "values, message",
    [
        (
            dict(name="Engineering", users=["nobody@example.com"]),
            "user 'nobody@example.com' not found in organization 10",
        ),
        (dict(name="Engineering", users=["99"]), "user '99' not found in organization 10"),
        (dict(name="Engineering", workspaces=["Nowhere"]), "workspace 'Nowhere' not found in organization 10"),
        (dict(id=999, name="X"), "group 999 not found in organization 10"),
        (dict(id=200, name="Contractors"), "name: group 'Contractors' (id 201) already has that name"),
    ],
)
def test_references_fail_naming_them_before_any_write(values, message):
    api = FakeApi(groups=[GROUP, dict(GROUP, group_id=201, name="Contractors")])
    with pytest.raises((TogglReferenceError, TogglValidationError)) as caught:
        ensure(api, **values)
    assert str(caught.value) == message
    assert api.writes() == []


def test_duplicate_groups_of_a_name_keep_the_lowest_id_and_delete_the_others():
    """A race of creates left two groups of one name (Toggl refuses that otherwise)."""

    def api_factory():
        return FakeApi(groups=[dict(GROUP, group_id=201), GROUP])

    outcome, api = both_modes(api_factory=api_factory, name="Engineering")
    assert api.writes() == [("DELETE", "/organizations/10/groups/201", None)]
    assert outcome.changed is True and outcome.obj["group_id"] == 200
    assert outcome.obj["removed_duplicates"] == [201] and "duplicates" not in outcome.obj
    assert outcome.before == {"name": "Engineering", "workspaces": [100], "duplicates": [201]}
    assert outcome.after == {"name": "Engineering", "workspaces": [100], "duplicates": []}
    # The next run finds one group and changes nothing.
    rerun = FakeApi(groups=api.groups[:1])
    assert ensure(rerun, name="Engineering").changed is False and rerun.writes() == []


def test_duplicate_groups_with_other_members_are_not_deleted():
    api = FakeApi(groups=[GROUP, dict(GROUP, group_id=201, users=[{"user_id": 3}], workspaces=[101])])
    with pytest.raises(TogglStateError) as caught:
        ensure(api, name="Engineering")
    assert str(caught.value) == (
        "found 2 groups named 'Engineering' in organization 10 (ids 200, 201); the lowest id is kept and the "
        "others would be deleted, but group 201 has users [3] and workspaces [101] that the kept one would not: "
        "give id, or list them"
    )
    assert api.writes() == []
    # Listing them makes the kept group the union, and the duplicate goes.
    api = FakeApi(groups=[GROUP, dict(GROUP, group_id=201, users=[{"user_id": 3}], workspaces=[])])
    outcome = ensure(api, name="Engineering", users=["bob@example.com"], append=True)
    assert api.writes() == [
        ("DELETE", "/organizations/10/groups/201", None),
        ("PATCH", "/organizations/10/groups/200", [{"op": "add", "path": "/users", "value": [3]}]),
    ]
    assert outcome.obj["removed_duplicates"] == [201]


def test_duplicates_go_with_the_group_on_absent():
    api = FakeApi(groups=[GROUP, dict(GROUP, group_id=201, users=[])])
    outcome = ensure(api, name="Engineering", state="absent")
    assert outcome.changed is True
    assert api.writes() == [
        ("DELETE", "/organizations/10/groups/201", None),
        ("DELETE", "/organizations/10/groups/200", None),
    ]


@pytest.mark.parametrize("name", ["2026", "200"])
def test_a_group_name_of_digits_is_a_name_never_an_id(name):
    """Group 200 exists; a group named "200" or "2026" is still looked up by its name."""
    api = FakeApi()
    outcome = ensure(api, name=name)
    assert outcome.action == "created"
    assert api.writes() == [("POST", GROUPS_PATH, {"name": name})]
    rerun = FakeApi(groups=api.groups)
    again = ensure(rerun, name=name)
    assert again.changed is False and again.obj["group_id"] == 900 and rerun.writes() == []


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(organization=None, name="G"), "organization", "is required"),
        (dict(name=None), "name", "is required unless id is given"),
        (dict(name="   "), "name", "non-space"),
        (dict(name="g" * 201), "name", "201 characters long; Toggl allows at most 200"),
        (dict(name="G", users=["a@example.com", " "]), "users", "entry 2 is blank"),
        (dict(name="G", users=[], state="absent"), "users", "not used with state=absent"),
        (dict(name="G", workspaces=["1"], state="absent"), "workspaces", "not used with state=absent"),
    ],
)
def test_group_bad_input_fails_before_any_request(values, field, reason):
    api = FakeApi()
    with pytest.raises(TogglValidationError) as caught:
        Group(group_params(**values), api, Resolver(api)).validate()
    assert caught.value.field == field and reason in caught.value.reason
    assert api.calls == []


def test_group_name_of_200_characters_is_fine():
    Group(group_params(name="g" * 200), None, None).validate()


def test_partial_patch_failure_is_an_error_naming_the_failed_operation():
    api = FakeApi()
    api.patch_answer = {
        "success": [{"op": "add", "path": "/users", "value": [3]}],
        "failure": [
            {
                "message": "User 1 not exists in the organization 10",
                "patch": {"op": "remove", "path": "/users", "value": [1]},
            }
        ],
    }
    with pytest.raises(TogglStateError) as caught:
        ensure(api, name="Engineering", users=["2", "3"])
    assert str(caught.value) == (
        "group 'Engineering' (id 200): Toggl applied the membership change only in part (patches are applied one "
        "by one); failed: remove /users [1]: User 1 not exists in the organization 10"
    )


def name_taken():
    return TogglApiError("POST", GROUPS_PATH, 400, "Name has already been taken")


def test_group_created_meanwhile_is_adopted_and_updated():
    """The list read shows no group; before the POST lands, another run creates it."""
    api = FakeApi(groups=[])
    made_elsewhere = dict(GROUP, group_id=300, name="QA", users=[{"user_id": 3}], workspaces=[])

    def other_run(fake):
        fake.groups.append(made_elsewhere)
        fake.post_error = name_taken()

    api.on_post = other_run
    outcome = ensure(api, name="QA", users=["alice@example.com"], workspaces=["100"])
    assert api.calls == [
        ("GET", "/organizations/10/users", {"page": 1, "per_page": 200}),
        ("GET", GROUPS_PATH, None),
        ("GET", "/me/organizations", None),  # the admin right, before the first write
        ("POST", GROUPS_PATH, {"name": "QA", "users": [2], "workspaces": [100]}),
        ("GET", GROUPS_PATH, None),
        ("GET", "/me", None),
        (
            "PATCH",
            "/organizations/10/groups/300",
            [
                {"op": "add", "path": "/users", "value": [2]},
                {"op": "remove", "path": "/users", "value": [3]},
                {"op": "add", "path": "/workspaces", "value": [100]},
            ],
        ),
    ]
    assert outcome.action == "updated" and outcome.changed is True
    assert outcome.before == {"name": "QA", "users": ["bob@example.com"], "workspaces": []}
    assert outcome.after == {"name": "QA", "users": ["Alice@Example.com"], "workspaces": [100]}
    assert outcome.obj["group_id"] == 300


def test_group_create_whose_answer_was_lost_is_the_group_listed_afterwards(no_settle_pauses):
    api = FakeApi(groups=[])

    def lost(fake):
        fake.groups.append(dict(GROUP, group_id=300, name="QA", users=[member(2)], workspaces=[]))
        fake.post_error = TogglAnswerLostError("POST", GROUPS_PATH, "connection lost")

    api.on_post = lost
    outcome = ensure(api, name="QA", users=["alice@example.com"])
    assert [call[0] for call in api.writes()] == ["POST"]
    assert outcome.action == "created" and outcome.changed is True and outcome.obj["group_id"] == 300


def test_group_created_meanwhile_as_wanted_is_unchanged():
    api = FakeApi(groups=[])
    same = dict(GROUP, group_id=300, name="QA", users=[{"user_id": 2}], workspaces=[])

    def other_run(fake):
        fake.groups.append(same)
        fake.post_error = name_taken()

    api.on_post = other_run
    outcome = ensure(api, name="QA", users=["alice@example.com"])
    assert outcome.changed is False and outcome.action == "unchanged"
    assert [call[0] for call in api.writes()] == ["POST"]


def test_name_taken_without_an_exact_match_names_the_similar_group():
    api = FakeApi(groups=[dict(GROUP, group_id=202, name="design team ")])
    api.post_error = name_taken()
    with pytest.raises(TogglReferenceError) as caught:
        ensure(api, name="Design Team")
    assert str(caught.value) == (
        "Toggl refused to create group 'Design Team' (Name has already been taken), and no group has exactly that "
        "name; the same name in other case or spacing: 'design team ' (id 202)"
    )


def test_other_create_errors_are_not_adoption():
    api = FakeApi(groups=[])
    api.post_error = TogglApiError("POST", GROUPS_PATH, 400, "Workspace 5 not exists in the organization 10")
    with pytest.raises(TogglApiError, match="Workspace 5 not exists"):
        ensure(api, name="QA", workspaces=["5"])
    assert api.reads() == [GROUPS_PATH, "/me/organizations"]


# -- toggl_project_group ------------------------------------------------------------------------

PROJECTS = [
    {"id": 1000, "name": "Website"},
    {"id": 1001, "name": "Web"},
    {"id": 1003, "name": "Twin"},
    {"id": 1004, "name": "Twin"},
]
LINK = {"id": 5000, "pid": 1000, "wid": 100, "group_id": 201}


def pg_params(**values):
    params = dict(organization=None, workspace="100", project="1000", group="201", state="present")
    params.update(values)
    return params


def pg_api():
    return FakeApi(groups=[GROUP, dict(GROUP, group_id=201, name="Contractors")], projects=PROJECTS, links=[dict(LINK)])


def test_project_group_by_ids_costs_the_project_name_lookup_and_the_link_read():
    """A project of digits may be a name ("4711"): one filtered read of the projects tells."""
    outcome, api = both_modes(cls=ProjectGroup, api_factory=pg_api)
    assert outcome.changed is False and api.writes() == []
    assert api.calls == [
        ("GET", "/workspaces/100/projects", {"active": "both", "page": 1, "per_page": 200, "name": "1000"}),
        ("GET", "/workspaces/100/project_groups", {"project_ids": "1000"}),
    ]
    assert outcome.obj == LINK


def test_project_group_attach_by_names():
    outcome, api = both_modes(
        cls=ProjectGroup, api_factory=pg_api, organization="Acme", workspace="HQ", project="Web", group="Engineering"
    )
    assert api.writes() == [("POST", "/workspaces/100/project_groups", {"group_id": 200, "project_id": 1001})]
    assert outcome.after == {"workspace": 100, "project": 1001, "group": 200}
    # Swagger: the POST answers a string, so the link is read back for its id.
    assert outcome.obj == {"id": 6001, "wid": 100, "pid": 1001, "group_id": 200}
    assert api.reads() == [
        "/me/organizations",
        "/me/workspaces",
        GROUPS_PATH,
        "/workspaces/100/projects",
        "/workspaces/100/project_groups",
        "/workspaces/100/project_groups",
    ]
    assert outcome.before is None


def test_project_group_detach():
    outcome, api = both_modes(cls=ProjectGroup, api_factory=pg_api, state="absent")
    assert api.writes() == [("DELETE", "/workspaces/100/project_groups/5000", None)]
    assert outcome.before == {"workspace": 100, "project": 1000, "group": 201} and outcome.obj is None
    outcome, api = both_modes(cls=ProjectGroup, api_factory=pg_api, group="200", state="absent")
    assert outcome.changed is False and api.writes() == []


@pytest.mark.parametrize(
    "values, message",
    [
        (dict(project="Nope"), "project 'Nope' not found in workspace 100"),
        (dict(project="Twin"), "project: expected 1 project named 'Twin', found 2"),
        (dict(organization="10", group="Nobody"), "group 'Nobody' not found in organization 10"),
        (dict(organization="10", workspace="Nowhere"), "workspace 'Nowhere' not found in organization 10"),
    ],
)
def test_project_group_references_fail_naming_them(values, message):
    api = pg_api()
    with pytest.raises(TogglReferenceError) as caught:
        ensure(api, cls=ProjectGroup, **values)
    assert str(caught.value) == message and api.writes() == []


@pytest.mark.parametrize(
    "values, field, reason",
    [
        (dict(project=" "), "project", "is required"),
    ],
)
def test_project_group_bad_input_fails_before_any_request(values, field, reason):
    api = pg_api()
    with pytest.raises(TogglValidationError) as caught:
        ProjectGroup(pg_params(**values), api, Resolver(api)).validate()
    assert caught.value.field == field and reason in caught.value.reason and api.calls == []


def test_project_group_names_without_organization_come_from_the_workspaces_organization():
    api = pg_api()
    link = ProjectGroup(pg_params(workspace="HQ", group="Contractors"), api, Resolver(api))
    link.validate()
    link.find()
    assert (link.workspace_id, link.group_id) == (100, 201)
    assert [call[1] for call in api.calls][:3] == ["/me/workspaces", "/workspaces/100", GROUPS_PATH]


def test_projects_are_paged_until_a_short_page_and_memoised():
    projects = [{"id": 2000 + n, "name": "P%03d" % n} for n in range(250)]
    api = FakeApi(projects=projects)
    resolver = Resolver(api)
    assert len(resolver.projects(100)) == 250
    assert resolver.project_id(100, "P123") == 2123 and resolver.project_id(100, "7") == 7
    resolver.projects(100)
    # The full list (2 pages), then the name queries ("7" may be a project's name: none is, so an id).
    assert [call[2]["page"] for call in api.calls] == [1, 2, 1, 1]
    assert api.calls[-2][2] == {"active": "both", "page": 1, "per_page": 200, "name": "P123"}
    assert api.calls[-1][2] == {"active": "both", "page": 1, "per_page": 200, "name": "7"}
