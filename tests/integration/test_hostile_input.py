"""Hostile input: hypothesis-generated argument sets for every module, run in-process against
the simulator.

Each module's real argument spec is captured (its ``main()`` is started with the AnsibleModule
constructor replaced), and its DOCUMENTATION supplies the values it names (``V(...)``), so a
new option or a new module is covered without touching this file. Valid values come from the
seed (real organizations, workspaces, people, projects, groups, alert and reminder ids), so
some examples succeed; hostile ones are wrong types, huge strings, unicode, negative and zero
numbers, NaN and infinity, unknown enum values, empty lists and duplicate entries.

Every example must end in ``fail_json`` with a non-empty message and no traceback, or in a
valid ``exit_json`` (``changed`` a bool, ``api_requests`` counting exactly what the simulator
received). A failure must leave the simulator's state as it was and send no write, except a
write the API refused (4xx) with the API's own message in the failure - the documented way the
modules treat values only the API knows (alert source kinds, receiver roles).
"""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path

import in_process
import pytest
import yaml
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from helpers import seed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("toggl_*.py"))
SEED = seed("policy")
TOKEN = next(user["api_token"] for user in SEED["users"] if user["id"] == 1)
EXAMPLES_PER_MODULE = int(os.environ.get("TOGGL_HOSTILE_EXAMPLES", "50"))

# Where the module must talk to: never generated, so no example reaches the network.
FIXED_OPTIONS = ("api_url", "focus_api_url", "ca_path", "validate_certs")
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "MODULE FAILURE")


# --- the modules' real argument specs --------------------------------------------------------


class _SpecCaptured(Exception):
    pass


def module_of(name):
    return importlib.import_module("ansible_collections.trackops.toggl.plugins.modules." + name)


def argument_spec_of(name):
    """The full argument spec (shared options included) the module hands to AnsibleModule."""
    captured = {}

    def capture(self, argument_spec=None, **kwargs):
        captured["spec"] = argument_spec
        captured["rules"] = kwargs
        raise _SpecCaptured

    original = basic.AnsibleModule.__init__
    basic.AnsibleModule.__init__ = capture
    try:
        with patch_module_args({}):
            module_of(name).main()
    except _SpecCaptured:
        pass
    finally:
        basic.AnsibleModule.__init__ = original
    return captured["spec"], captured["rules"]


def documented_values(name):
    """{option name: values its documentation names with V(...)}, suboptions included."""
    documentation = yaml.safe_load(module_of(name).DOCUMENTATION)
    found = {}

    def walk(options):
        for option, doc in (options or {}).items():
            description = doc.get("description") or []
            text = " ".join(description if isinstance(description, list) else [description])
            values = [value for value in re.findall(r"V\(([^)]*)\)", text) if value not in ("[]", "true", "false")]
            found.setdefault(option, []).extend(values)
            walk(doc.get("suboptions"))

    walk(documentation.get("options"))
    return found


# --- values: real ones from the seed, hostile ones ---------------------------------------------


def seed_pools(data):
    organizations = data["organizations"]
    workspaces = [ws for org in organizations for ws in org["workspaces"]]
    projects = [project for ws in workspaces for project in ws.get("projects", [])]
    groups = [group for org in organizations for group in org.get("groups", [])]
    people = [user["email"] for user in data["users"]] + [str(user["id"]) for user in data["users"]]
    people.append("new.person@example.com")
    return {
        "organization": [str(org["id"]) for org in organizations] + [org["name"] for org in organizations],
        "workspace": [str(ws["id"]) for ws in workspaces] + [ws["name"] for ws in workspaces],
        "project": [str(p["id"]) for p in projects] + [p["name"] for p in projects],
        "group": [str(g["id"]) for g in groups] + [g["name"] for g in groups],
        "user": people,
        "name": [g["name"] for g in groups] + [ws["name"] for ws in workspaces] + ["Hostile Team", "Acme"],
        "start": ["2026-01-01", "2030-06-30T00:00:00Z"],
        "default_currency": ["USD", "EUR"],
        "source_kind": ["project"],
        "threshold_type": ["percentage"],
        "organization_id": [org["id"] for org in organizations],
        "workspace_id": [ws["id"] for ws in workspaces],
        "group_id": [g["id"] for g in groups],
        "alert_id": [item["id"] for ws in workspaces for item in ws.get("alerts", [])],
        "reminder_id": [item["id"] for ws in workspaces for item in ws.get("reminders", [])],
        "task_id": [task["id"] for p in projects for task in p.get("tasks", [])],
        "ids": sorted(
            {ws["id"] for ws in workspaces}
            | {p["id"] for p in projects}
            | {g["id"] for g in groups}
            | {item["id"] for ws in workspaces for key in ("alerts", "reminders", "rates") for item in ws.get(key, [])}
            | {org["id"] for org in organizations}
        ),
    }


POOLS = seed_pools(SEED)
# Options named after what they hold; a list option's elements use the singular's pool.
POOL_OF = {
    "users": "user",
    "receiver_users": "user",
    "groups": "group",
    "workspaces": "workspace",
    "workspace_name": "name",
    "email": "user",
}

# Argument sets known to succeed on the seed, for modules whose options depend on each other
# (a rate's level names its target; an alert's identity needs four options): faults are also
# applied to these, so the generated examples get past the first check.
KNOWN_GOOD = {
    "toggl_access": {"organization": "10", "people": [{"email": "bob@example.com", "admin": False}]},
    "toggl_rate": {"workspace": "100", "level": "workspace_user", "user": "alice@example.com", "amount": 45.0},
    "toggl_group": {"organization": "10", "name": "Hostile Team", "users": ["bob@example.com"], "workspaces": ["100"]},
    "toggl_alert": {
        "workspace": "100",
        "organization": "10",
        "project": "Mobile",
        "source_kind": "project",
        "threshold_type": "percentage",
        "thresholds": [90],
        "receiver_roles": ["admin"],
    },
}

HUGE = "x" * 5000
HOSTILE_STRINGS = st.one_of(
    st.sampled_from(["", " ", "\t\n", HUGE, "-1", "0", "99999999999999999999", "null", "None", "a,b", "\x00"]),
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0x80), min_size=1, max_size=12),
)
WRONG_TYPES = st.sampled_from([None, 0, -1, 3.5, True, [], ["a"], {}, {"x": 1}])
HOSTILE_INTS = st.sampled_from([0, -1, -(2**31), 2**31, 2**63, 10**30, "abc", "1.5", 1.5, "", [1]])
HOSTILE_FLOATS = st.sampled_from(
    [0.0, -0.01, -1.0, -(10**9), 1e308, float("inf"), float("-inf"), float("nan"), "abc", "", [1.0]]
)


def pool_for(option, doc_values):
    values = list(POOLS.get(POOL_OF.get(option, option), [])) + list(doc_values.get(option, []))
    return values or ["value"]


def valid_value(option, spec, doc_values):
    """Values the option accepts (they may still name nothing, or be refused for the situation)."""
    kind = spec.get("type", "str")
    choices = spec.get("choices")
    if choices:
        return st.sampled_from(choices)
    if kind == "str":
        return st.sampled_from(pool_for(option, doc_values))
    if kind == "int":
        # "id" is the id of the module's own kind (set by example_strategy as "<kind>_id").
        ids = POOLS.get(spec.get("id_pool") or option) or POOLS["ids"]
        return st.one_of(st.sampled_from(ids), st.sampled_from(ids), st.integers(1, 500))
    if kind == "float":
        return st.floats(0.01, 1000, allow_nan=False)
    if kind == "bool":
        return st.booleans()
    if kind == "list":
        return st.lists(valid_value(option, element_spec(spec), doc_values), min_size=1, max_size=3)
    if kind == "dict" and spec.get("options"):
        return options_strategy(spec["options"], doc_values, hostile_share=0)
    return st.just({})


def hostile_value(option, spec, doc_values):
    """Values of the wrong type or shape, or at the edges of what the option can mean."""
    kind = spec.get("type", "str")
    choices = spec.get("choices")
    if choices:
        unknown = [0, -1, 99] if kind in ("int", "float") else ["bogus", str(choices[0]).upper(), "", "présent"]
        return st.one_of(st.sampled_from(unknown), WRONG_TYPES)
    if kind == "str":
        return st.one_of(HOSTILE_STRINGS, WRONG_TYPES)
    if kind == "int":
        return HOSTILE_INTS
    if kind == "float":
        return HOSTILE_FLOATS
    if kind == "bool":
        return st.sampled_from(["maybe", 2, -1, [], "", None])
    if kind == "list":
        element = element_spec(spec)
        valid = valid_value(option, element, doc_values)
        return st.one_of(
            st.just([]),
            valid.map(lambda value: [value, value]),  # duplicate entries
            st.lists(hostile_value(option, element, doc_values), min_size=1, max_size=2),
            st.tuples(valid, hostile_value(option, element, doc_values)).map(list),
            WRONG_TYPES,
        )
    if kind == "dict" and spec.get("options"):
        entry = options_strategy(spec["options"], doc_values, hostile_share=1)
        unknown_key = valid_value(option, spec, doc_values).map(lambda value: dict(value, unknown_option="x"))
        return st.one_of(entry, unknown_key, HOSTILE_STRINGS, WRONG_TYPES)
    return WRONG_TYPES


def element_spec(spec):
    element = dict(spec, type=spec.get("elements", "str"))
    element.pop("elements", None)
    return element


_MISSING = object()


def options_strategy(spec, doc_values, hostile_share=2, rules=None, known_good=None):
    """Some of ``spec``'s options with valid values that keep the module's rules (exclusive
    options, required ones), then up to ``hostile_share`` of them made hostile (a required one
    may instead go missing): most examples carry one fault or none."""
    names = sorted(option for option in spec if option not in FIXED_OPTIONS)
    full = st.fixed_dictionaries({option: valid_value(option, spec[option], doc_values) for option in names})
    # Each option in with two chances in three: examples set many options, not only the first few.
    flag = st.sampled_from([True, True, False])
    chosen = st.lists(flag, min_size=len(names), max_size=len(names)).map(
        lambda flags: {option for option, flag in zip(names, flags, strict=True) if flag}
    )
    valid = st.builds(lambda values, picked: keep_rules(spec, rules or {}, values, picked), full, chosen)
    if known_good:
        valid = st.one_of(valid, st.just(known_good))
    if not hostile_share or not names:
        return valid

    def spoil(values, faults):
        values = dict(values)
        for option, value in faults:
            values[option] = value
        return {key: value for key, value in values.items() if value is not _MISSING}

    fault = st.sampled_from(names).flatmap(
        lambda option: st.tuples(
            st.just(option),
            st.one_of(hostile_value(option, spec[option], doc_values), st.just(_MISSING))
            if spec[option].get("required")
            else hostile_value(option, spec[option], doc_values),
        )
    )
    faults = st.sampled_from(range(hostile_share + 1)).flatmap(
        lambda count: st.lists(fault, min_size=count, max_size=count)
    )
    return st.builds(spoil, valid, faults)


def keep_rules(spec, rules, values, picked):
    """The picked options (and the required ones), adjusted to the module's own rules."""
    chosen = {option for option in values if option in picked or spec[option].get("required")}
    for group in rules.get("mutually_exclusive") or []:
        present = [option for option in group if option in chosen]
        chosen.difference_update(present[1:])
    for group in rules.get("required_one_of") or []:
        if not any(option in chosen for option in group) and group[0] in values:
            chosen.add(group[0])
            for exclusive in rules.get("mutually_exclusive") or []:
                if group[0] in exclusive:
                    chosen.difference_update(set(exclusive) - {group[0]})
    for rule in rules.get("required_if") or []:
        option, value, needed = rule[0], rule[1], rule[2]
        if option in chosen and values[option] == value and not all(need in chosen for need in needed):
            chosen.discard(option)
    for group in rules.get("required_together") or []:
        if any(option in chosen for option in group):
            chosen.update(option for option in group if option in values)
    return {option: values[option] for option in sorted(chosen)}


def auth_strategy():
    """The token, most of the time; else a wrong or hostile credential."""
    wrong = [
        {"api_token": "tok-wrong"},
        {"api_token": ""},
        {"api_token": "tök-€"},
        {"api_token": "t" * 3000},
        {"api_token": None},
        {"api_token": None, "api_username": "owner@example.com", "api_password": "wrong-€"},
        {"api_token": None, "api_username": "ü@example.com", "api_password": "pässword"},
        {"api_token": TOKEN, "focus_api_key": "clé-€"},
    ]
    return st.sampled_from([{"api_token": TOKEN}] * 24 + wrong)


def example_strategy(name):
    spec, rules = argument_spec_of(name)
    doc_values = documented_values(name)
    shared = ("request_timeout", "max_retries")
    shared_values = st.fixed_dictionaries(
        {}, optional={option: hostile_value(option, spec[option], {}) for option in shared}
    )
    own = {
        option: option_spec
        for option, option_spec in spec.items()
        if option not in shared and option not in FIXED_OPTIONS and not option_spec.get("no_log")
    }
    own.pop("api_username", None)
    if "id" in own:
        own["id"] = dict(own["id"], id_pool=name.replace("toggl_", "") + "_id")
    return st.tuples(
        options_strategy(own, doc_values, rules=rules, known_good=KNOWN_GOOD.get(name)),
        auth_strategy(),
        st.one_of(st.just({}), shared_values),
        st.booleans(),  # check mode
        st.booleans(),  # diff
    )


# --- running a module in-process ---------------------------------------------------------------


def run_in_process(name, args):
    """Run the module's main() with ``args``: its result, exit code, or the exception it raised."""
    return in_process.call_module(name, args)


@pytest.fixture(scope="module")
def hostile_simulator(simulator):
    """The session simulator with the policy seed (every kind of object exists); the session's
    seed is put back afterwards."""
    saved = {key: value for key, value in os.environ.items() if key.startswith("TOGGL_")}
    for key in saved:
        del os.environ[key]
    # Quiet and fast in-process runs: no syslog entry per module invocation.
    original_log = basic.AnsibleModule._log_invocation
    basic.AnsibleModule._log_invocation = lambda self: None
    try:
        yield simulator
    finally:
        basic.AnsibleModule._log_invocation = original_log
        os.environ.update(saved)
        simulator.reset()


def objects_of(simulator):
    """The simulator's objects, without its own bookkeeping (clock, settings)."""
    state = simulator.state()
    state.pop("_simulator", None)
    return json.dumps(state, sort_keys=True)


def describe(name, args, outcome, log):
    shown = {
        key: (value[:60] + "...") if isinstance(value, str) and len(value) > 60 else value
        for key, value in args.items()
    }
    return "%s %r\n-> exit %r %r %r\nrequests: %s" % (
        name,
        shown,
        outcome.exit_code,
        outcome.result,
        outcome.error,
        [(entry["method"], entry["path"], entry["status"]) for entry in log],
    )


def check_example(name, simulator, baseline, example):
    options, auth, shared, check_mode, diff = example
    args = dict(options, **shared)
    args.update(auth)
    args.update(api_url=simulator.api_url, focus_api_url=simulator.focus_api_url)
    args.update(_ansible_check_mode=check_mode, _ansible_diff=diff)

    outcome = run_in_process(name, args)
    log = simulator.requests()
    context = describe(name, args, outcome, log)
    writes = [entry for entry in log if entry["method"] != "GET"]

    assert outcome.error is None, "the module raised instead of failing cleanly:\n" + context
    result = outcome.result
    assert isinstance(result, dict), "no result:\n" + context
    if "api_requests" in result:
        assert result["api_requests"]["total"] == len(log), "api_requests does not count what was sent:\n" + context

    if result.get("failed"):
        assert outcome.exit_code == 1, context
        msg = result.get("msg")
        assert isinstance(msg, str) and msg.strip(), "failure without a message:\n" + context
        for marker in TRACEBACK_MARKERS:
            assert marker not in msg, context
        assert "exception" not in result or result["exception"] == "(traceback unavailable)", context
        refused = [entry for entry in writes if entry["status"] is not None and 400 <= entry["status"] < 500]
        assert writes == refused, "a failed task wrote:\n" + context
        if refused:
            assert "HTTP 4" in msg, "a refused write must be reported as the API's refusal:\n" + context
        if log:
            assert objects_of(simulator) == baseline, "a failed task changed state:\n" + context
        return "failed"

    assert outcome.exit_code == 0, context
    assert isinstance(result.get("changed"), bool), context
    assert isinstance(result["api_requests"]["total"], int), context
    if check_mode:
        assert writes == [], "check mode wrote:\n" + context
    return "ok"


@pytest.mark.parametrize("name", MODULES)
def test_hostile_arguments(name, hostile_simulator):
    simulator = hostile_simulator
    counts = {"ok": 0, "failed": 0}

    @settings(
        max_examples=EXAMPLES_PER_MODULE,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(example=example_strategy(name))
    def examples(example):
        simulator.reset(SEED)
        baseline = objects_of(simulator)
        counts[check_example(name, simulator, baseline, example)] += 1

    examples()
    # The mix reaches both ends: some argument sets are accepted, some refused.
    assert counts["ok"] > 0 and counts["failed"] > 0, counts


def test_every_module_is_covered():
    """A new module file is picked up by the glob; its spec must be capturable."""
    assert len(MODULES) >= 11
    for name in MODULES:
        spec = argument_spec_of(name)[0]
        assert "api_token" in spec and len(spec) > 10, name
        assert set(documented_values(name)) >= set(spec) - {"api_token", "api_username", "api_password"} - set(
            FIXED_OPTIONS
            + ("focus_api_key", "request_timeout", "max_retries", "quota_wait", "validate_only", "validate_names")
        ), name


@pytest.mark.parametrize(
    "hostile",
    [
        {"api_token": "tök-€-token"},
        {"api_token": None, "api_username": "owner@example.com", "api_password": "pässwörd-€"},
        {"api_token": TOKEN, "request_timeout": float("nan")},
        {"api_token": TOKEN, "request_timeout": float("inf")},
        {"api_token": TOKEN, "request_timeout": 1e12},
        {"api_token": TOKEN, "max_retries": -1},
    ],
    ids=["unicode-token", "unicode-password", "nan-timeout", "inf-timeout", "huge-timeout", "negative-retries"],
)
def test_bugs_found_stay_fixed(hostile, hostile_simulator):
    """The argument sets that once raised (UnicodeEncodeError, OverflowError, ValueError) fail cleanly."""
    simulator = hostile_simulator
    simulator.reset(SEED)
    args = dict(hostile, workspace="100", api_url=simulator.api_url, focus_api_url=simulator.focus_api_url)
    outcome = run_in_process("toggl_workspace_info", args)
    assert outcome.error is None, outcome.error
    assert outcome.result["failed"] is True and outcome.exit_code == 1
    if "api_username" in hostile or "tök" in str(hostile.get("api_token")):
        assert "authentication failed" in outcome.result["msg"]  # sent, and refused like any wrong credential
    else:
        option = "max_retries" if "max_retries" in hostile else "request_timeout"
        assert outcome.result["msg"].startswith(option + ": must be"), outcome.result["msg"]
        assert simulator.requests() == []


def test_unicode_focus_key_fails_cleanly(hostile_simulator):
    simulator = hostile_simulator
    simulator.reset(SEED)
    args = dict(
        organization="10",
        gather_subset=["focus_roles"],
        api_token=TOKEN,
        focus_api_key="clé-€",
        api_url=simulator.api_url,
        focus_api_url=simulator.focus_api_url,
    )
    outcome = run_in_process("toggl_organization_info", args)
    assert outcome.error is None, outcome.error
    assert outcome.result["failed"] is True
    assert "focus_api_key" in outcome.result["msg"] and "HTTP 403" in outcome.result["msg"], outcome.result["msg"]
