"""The reconcile engine, on an in-memory resource: decisions, minimal writes, check mode, diff."""

import copy

import pytest

from ansible_collections.trackops.toggl.plugins.module_utils.engine import ObjectExists, Reconciler, scrub
from ansible_collections.trackops.toggl.plugins.module_utils.errors import TogglStateError
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
