"""The reconcile engine, on an in-memory resource: decisions, minimal writes, check mode, diff."""

import copy

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.engine import ObjectExists, Reconciler, scrub, settle
from ansible_collections.trackops.toggl.plugins.module_utils.errors import (
    TogglAccessError,
    TogglPermissionError,
    TogglReferenceError,
    TogglStateError,
)
from ansible_collections.trackops.toggl.plugins.module_utils.references import Resolver, pick_by_name_or_id
from ansible_collections.trackops.toggl.plugins.module_utils.resource import Field, Resource, same_set


class Thing(Resource):
    kind = "thing"
    fields = {
        "name": Field(max_length=10),
        "color": Field(api_name="colour"),
        "tags": Field(compare=same_set),
        "seed": Field(compare=None),
    }

    def __init__(self, params, store, answer_with_object=True, ignore_updates=False):
        super().__init__(params, client=None, resolver=None)
        self.store = store
        self.calls = []
        self.answer_with_object = answer_with_object
        self.ignore_updates = ignore_updates

    def find(self):
        self.calls.append(("find",))
        return dict(self.store["obj"]) if self.store.get("obj") else None

    def create(self, desired):
        self.calls.append(("create", self.payload(desired)))
        self.store["obj"] = dict(self.payload(desired), id=7, api_token="secret")
        return dict(self.store["obj"])

    def update(self, current, changes):
        self.calls.append(("update", self.payload(changes)))
        if not self.ignore_updates:
            self.store["obj"].update(self.payload(changes))
        return dict(self.store["obj"]) if self.answer_with_object else None

    def delete(self, current):
        self.calls.append(("delete", current["id"]))
        self.store.pop("obj")


def params(**values):
    base = {"name": None, "color": None, "tags": None, "seed": None}
    base.update(values)
    return base


def writes(resource):
    return [call for call in resource.calls if call[0] != "find"]


def test_create_sends_every_set_field_and_returns_server_object():
    store = {}
    thing = Thing(params(name="a", color="red", seed="s"), store)
    outcome = Reconciler().ensure(thing)
    assert outcome.changed and outcome.action == "created"
    assert writes(thing) == [("create", {"name": "a", "colour": "red", "seed": "s"})]
    assert outcome.obj == {"id": 7, "name": "a", "colour": "red", "seed": "s"}, "api_token is scrubbed"
    assert outcome.diff["before"] == {} and outcome.diff["after"] == {"name": "a", "color": "red", "tags": None}


def test_converged_object_is_unchanged_and_not_written():
    store = {"obj": {"id": 7, "name": "a", "colour": "red", "tags": [1, 2]}}
    thing = Thing(params(name="a", color="red", tags=[2, 1]), store)
    outcome = Reconciler().ensure(thing)
    assert not outcome.changed and outcome.action == "unchanged"
    assert writes(thing) == []


def test_update_sends_only_changed_keys():
    store = {"obj": {"id": 7, "name": "a", "colour": "red", "tags": [1]}}
    thing = Thing(params(name="a", color="blue", tags=[1]), store)
    outcome = Reconciler().ensure(thing)
    assert writes(thing) == [("update", {"colour": "blue"})]
    assert outcome.changed
    assert outcome.diff["before"]["color"] == "red" and outcome.diff["after"]["color"] == "blue"


def test_unset_options_are_left_alone():
    store = {"obj": {"id": 7, "name": "a", "colour": "red", "tags": [1]}}
    thing = Thing(params(name="a"), store)
    assert not Reconciler().ensure(thing).changed
    assert writes(thing) == []


def test_create_only_field_is_never_compared():
    store = {"obj": {"id": 7, "name": "a", "seed": "old"}}
    thing = Thing(params(name="a", seed="new"), store)
    assert not Reconciler().ensure(thing).changed


@pytest.mark.parametrize(
    "store, values, expected_changed",
    [
        ({}, dict(name="a"), True),
        ({"obj": {"id": 7, "name": "a", "colour": "red"}}, dict(name="a", color="blue"), True),
        ({"obj": {"id": 7, "name": "a", "colour": "red"}}, dict(name="a", color="red"), False),
    ],
)
def test_check_mode_predicts_the_same_and_writes_nothing(store, values, expected_changed):
    real_store, check_store = copy.deepcopy(store), copy.deepcopy(store)
    real = Reconciler().ensure(Thing(params(**values), real_store))
    checking = Thing(params(**values), check_store)
    predicted = Reconciler(check_mode=True).ensure(checking)
    assert predicted.changed == real.changed == expected_changed
    assert writes(checking) == []
    assert predicted.diff["after"] == real.diff["after"]
    assert check_store == store


def test_absent_deletes_once_then_is_unchanged():
    store = {"obj": {"id": 7, "name": "a"}}
    outcome = Reconciler().ensure(Thing(params(name="a"), store), state="absent")
    assert outcome.changed and outcome.diff["after"] == {} and outcome.diff["before"]["name"] == "a"
    again = Thing(params(name="a"), store)
    assert not Reconciler().ensure(again, state="absent").changed
    assert writes(again) == []


def test_absent_in_check_mode_does_not_delete():
    store = {"obj": {"id": 7, "name": "a"}}
    thing = Thing(params(name="a"), store)
    assert Reconciler(check_mode=True).ensure(thing, state="absent").changed
    assert writes(thing) == [] and "obj" in store


def test_ok_answer_without_object_uses_the_prediction():
    store = {"obj": {"id": 7, "name": "a", "colour": "red"}}
    outcome = Reconciler().ensure(Thing(params(name="b"), store, answer_with_object=False))
    assert outcome.changed and outcome.obj["name"] == "b"


def test_update_the_server_ignored_is_an_error_not_a_silent_change():
    store = {"obj": {"id": 7, "name": "a", "colour": "red"}}
    with pytest.raises(TogglStateError, match=r"still shows color='red' \(wanted 'blue'\)"):
        Reconciler().ensure(Thing(params(color="blue"), store, ignore_updates=True))


def test_scrub_removes_tokens_at_any_depth():
    assert scrub({"a": [{"api_token": "x", "b": 1}], "api_token": "y"}) == {"a": [{"b": 1}]}


class BatchedThing(Thing):
    """A description that creates many objects in one request."""

    batches = []

    @classmethod
    def create_many(cls, decisions):
        cls.batches.append([d.changes["name"] for d in decisions])
        return [dict(d.resource.payload(d.changes), id=100 + n) for n, d in enumerate(decisions)]


def test_ensure_all_decides_everything_before_the_first_write():
    store = {}

    class Exploding(Thing):
        def find(self):
            raise TogglStateError("cannot read")

    things = [Thing(params(name="a"), store), Exploding(params(name="b"), store)]
    with pytest.raises(TogglStateError):
        Reconciler().ensure_all(things)
    assert writes(things[0]) == [] and store == {}


def test_ensure_all_uses_the_batch_writer():
    BatchedThing.batches = []
    things = [BatchedThing(params(name=name), {}) for name in ("a", "b", "c")]
    outcomes = Reconciler().ensure_all(things)
    assert BatchedThing.batches == [["a", "b", "c"]]
    assert [o.obj["id"] for o in outcomes] == [100, 101, 102]
    assert all(o.changed and o.action == "created" for o in outcomes)
    assert all(writes(t) == [] for t in things), "no per-object create when a batch writer exists"


def test_ensure_all_in_check_mode_writes_nothing():
    BatchedThing.batches = []
    outcomes = Reconciler(check_mode=True).ensure_all([BatchedThing(params(name="a"), {})])
    assert BatchedThing.batches == [] and outcomes[0].changed


class RacedThing(Thing):
    """Its create finds the object made meanwhile by another run (the API refused a duplicate)."""

    def __init__(self, params, store, made_meanwhile):
        super().__init__(params, store)
        self.made_meanwhile = made_meanwhile
        self.vetted = []

    def create(self, desired):
        self.calls.append(("create", self.payload(desired)))
        self.store["obj"] = dict(self.made_meanwhile)
        raise ObjectExists(dict(self.store["obj"]))

    def vet(self, decision):
        self.vetted.append(decision.action)


def test_an_object_created_meanwhile_is_adopted_and_updated():
    store = {}
    thing = RacedThing(params(name="a", color="red"), store, {"id": 9, "name": "a", "colour": "blue"})
    outcome = Reconciler().ensure(thing)
    assert writes(thing) == [("create", {"name": "a", "colour": "red"}), ("update", {"colour": "red"})]
    assert thing.vetted == ["create", "update"], "the adopted decision is vetted before its write"
    assert (outcome.action, outcome.changed) == ("updated", True)
    assert outcome.before["color"] == "blue" and outcome.after["color"] == "red"
    assert store["obj"]["colour"] == "red" and outcome.obj["id"] == 9


def test_an_object_created_meanwhile_as_wanted_is_unchanged():
    thing = RacedThing(params(name="a", color="red"), {}, {"id": 9, "name": "a", "colour": "red"})
    outcome = Reconciler().ensure(thing)
    assert writes(thing) == [("create", {"name": "a", "colour": "red"})]
    assert (outcome.action, outcome.changed, outcome.obj["id"]) == ("unchanged", False, 9)


# -- rights, settle, names of digits (issue 11) -------------------------------------------------


class OrgsApi:
    """Answers /me/organizations and the organization's lists; records every call."""

    def __init__(self, admin, forbid_lists=False):
        self.admin = admin
        self.forbid_lists = forbid_lists
        self.calls = []

    def get_list(self, path, params=None, what=None):
        self.calls.append(("GET", path))
        if path == "/me/organizations":
            return [{"id": 10, "name": "Acme", "admin": self.admin, "owner": False}]
        if self.forbid_lists:
            raise TogglPermissionError("GET", path, 403, "User is not authorized to list the organization users")
        return [{"group_id": 5, "name": "2026"}, {"group_id": 2026, "name": "Ops"}]

    def paginate(self, path, params=None, what=None):
        return self.get_list(path, params, what)


class OrgThing(Thing):
    admin_needed_for = "change things"

    def __init__(self, params, store, resolver):
        super().__init__(params, store)
        self.resolver = resolver
        self.organization_id = 10


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_non_admin_fails_before_any_write_also_in_check_mode(check_mode):
    api = OrgsApi(admin=False)
    thing = OrgThing(params(name="a"), {}, Resolver(api))
    with pytest.raises(TogglAccessError) as failure:
        Reconciler(check_mode=check_mode).ensure(thing)
    assert str(failure.value) == "the token's user is not an admin of organization Acme (10) (needed to change things)"
    assert writes(thing) == []


def test_an_admin_passes_and_the_organizations_are_read_once():
    api = OrgsApi(admin=True)
    resolver = Resolver(api)
    outcomes = Reconciler().ensure_all([OrgThing(params(name="a"), {}, resolver), OrgThing(params(), {}, resolver)])
    assert outcomes[0].action == "created"
    assert api.calls == [("GET", "/me/organizations")]


def test_no_write_needs_no_right_and_costs_no_read():
    api = OrgsApi(admin=False)
    store = {"obj": {"id": 7, "name": "a"}}
    outcome = Reconciler().ensure(OrgThing(params(name="a"), store, Resolver(api)))
    assert outcome.action == "unchanged" and api.calls == []


def test_a_member_of_another_organization_is_named_so():
    resolver = Resolver(OrgsApi(admin=True))
    with pytest.raises(TogglAccessError) as failure:
        resolver.require_admin(99, "list things")
    assert str(failure.value) == "the token's user is not a member of organization 99 (needed to list things)"


def test_a_403_on_an_admin_list_names_the_missing_right():
    resolver = Resolver(OrgsApi(admin=False, forbid_lists=True))
    with pytest.raises(TogglAccessError) as failure:
        resolver.organization_users(10)
    assert str(failure.value) == (
        "the token's user is not an admin of organization Acme (10) (needed to list the members of organization 10)"
    )


def test_digit_names_are_names_when_such_an_object_exists_else_ids():
    resolver = Resolver(OrgsApi(admin=True))
    assert resolver.group_id(10, "2026") == 5  # the group named 2026, not the group with id 2026
    assert resolver.group_id(10, 2026) == 2026  # an int forces the id
    assert resolver.find_group(10, "2026")["name"] == "2026"
    assert resolver.find_group(10, 2026)["name"] == "Ops"
    assert resolver.find_group(10, "5")["name"] == "2026"  # no group is named 5: the id
    assert resolver.find_group(10, "Ops")["group_id"] == 2026
    assert resolver.find_group(10, "404") is None


def test_pick_by_name_or_id_fails_on_a_shared_name():
    objects = [{"id": 1, "name": "7"}, {"id": 2, "name": "7"}, {"id": 7, "name": "x"}]
    with pytest.raises(TogglReferenceError):
        pick_by_name_or_id("thing", "7", objects)
    assert pick_by_name_or_id("thing", 7, objects)["name"] == "x"


def test_settle_rereads_until_the_write_shows():
    answers = iter([None, None, {"id": 1}])
    slept = []
    found = settle(lambda: next(answers), lambda obj: obj is not None, "not listed", sleep=slept.append)
    assert found == {"id": 1} and slept == [0.2, 0.4]


def test_settle_gives_up_after_the_delays():
    reads = []
    slept = []
    with pytest.raises(TogglStateError) as failure:
        settle(lambda: reads.append(1), lambda obj: False, "x: not listed", sleep=slept.append)
    assert len(reads) == 6 and slept == [0.2, 0.4, 0.8, 1.6, 3.2]
    assert str(failure.value) == "x: not listed (re-read 6 times over 6.2 s)"
