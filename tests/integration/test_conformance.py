"""The whole integration session's traffic against the 2026 Swagger (issue 11, item 1).

The check itself runs once per session, after every test (and every xdist worker) has finished:
conftest.py records each simulator's request log before it is cleared, merges the records into
tests/output/requests.json and calls `session_report` below, which fails the session when a
request is not one the Swagger lists (or the allow-list explains), or names a body key the
Swagger's body schema does not. The counts are printed at the end of the run and written to
tests/output/conformance.json. The path matching and the body-key check are
tests/simulator/conformance.py's `check(requests, swagger_path)`.

The tests in this file check that wiring: the allow-list holds only what the Swagger really
lacks, and a request outside the Swagger is reported.

Run it by hand over a saved log:
    .venv/bin/python tests/integration/test_conformance.py tests/output/requests.json
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SWAGGER = ROOT.parent / "shared" / "toggl-api" / "openapi" / "toggl-track-api-v9.swagger.json"
CONFORMANCE = ROOT / "tests" / "simulator" / "conformance.py"
API_PREFIX = "/api/v9"

# Requests the Swagger does not list and the collection (or a test) may still send, each with
# its reason: (name, method, regex on the path, example path, reason). Anything else outside the
# Swagger fails the session.
ALLOWED_EXTRAS = [
    (
        "GET /workspaces",
        "GET",
        r"^/api/v9/workspaces$",
        "/api/v9/workspaces",
        (
            "live-API extra: the live API serves the token user's workspaces here (clients written for it "
            "call it); the Swagger does not list it"
        ),
    ),
    (
        "Focus API",
        None,
        r"^/focus/api(/|$)",
        "/focus/api/teams",
        (
            "Focus API (another API, another base path): toggl_group's emoji and deletion with a Focus key, "
            "toggl_organization_info's Focus roles; not part of the Track API Swagger"
        ),
    ),
    (
        "simulator control",
        None,
        r"^/_sim(/|$)",
        "/_sim/requests",
        "the simulator's own control endpoints (tests only)",
    ),
    (
        "assignments (pages-only fallback)",
        "PUT",
        r"^/api/v9/organizations/\d+/workspaces/\d+/assignments$",
        "/api/v9/organizations/10/workspaces/100/assignments",
        (
            "pages-only fallback: the older reference pages' way to put existing members into a "
            "workspace, sent only when the Swagger's PUT /organizations/{id}/users/{id} with workspaces "
            "answers that it does not exist (never in the swagger profile's traffic unless that happens)"
        ),
    ),
]

# Query names outside the operation's query parameters that the Swagger still documents for it:
# (method, Swagger path template, name, reason).
ALLOWED_QUERY_NAMES = [
    (
        "GET",
        "/workspaces/{workspace_id}/project_groups",
        "project_ids",
        (
            "Swagger: documented for this GET as a formData parameter; a GET has no form body, so it is sent "
            "in the query (toggl_project_group's look-up of one project's links)"
        ),
    ),
]

# Body keys the operation's Swagger body schema does not name, sent on purpose:
# (method, Swagger path template, key, reason).
ALLOWED_BODY_KEYS = [
    (
        "PUT",
        "/workspaces/{workspace_id}/alerts/{alert_id}",
        "receiver_groups",
        (
            "Swagger: the alert PUT body names no receiver_groups, though its answer (models.AlertWithMeta) "
            "carries them; toggl_alert sends the alert's current groups back only when it has some, so an API "
            "that reads the key keeps them and one that does not drops it unread (the answer is then checked)"
        ),
    ),
]


def _load_conformance():
    spec = importlib.util.spec_from_file_location("toggl_sim_conformance", CONFORMANCE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def allowed_extra(entry: dict):
    """The allow-list entry that explains this request, or None."""
    for name, method, pattern, _example, _reason in ALLOWED_EXTRAS:
        if (method is None or entry.get("method") == method) and re.search(pattern, entry.get("path") or ""):
            return name
    return None


def _pair(item) -> tuple[str, str]:
    """(method, path template) of one report item, whether the report gives dicts or pairs."""
    if isinstance(item, dict):
        return (str(item.get("method")), str(item.get("path") or item.get("template")))
    return (str(item[0]), str(item[1]))


def check(requests: list[dict], swagger_path: Path = SWAGGER) -> dict:
    """tests/simulator/conformance.py's check over the requests the allow-list does not explain,
    plus what the allow-list explained: {"checked": report, "allowed": Counter(name -> count),
    "allowed_pairs": {(method, path_template)}}."""
    checked, allowed, allowed_pairs = [], Counter(), set()
    for entry in requests:
        name = allowed_extra(entry)
        if name is None:
            checked.append(entry)
        else:
            allowed[name] += 1
            template = re.sub(r"/\d+(?=/|$)", "/{id}", entry.get("path") or "")
            allowed_pairs.add((entry.get("method"), template))
    report = _load_conformance().check(checked, str(swagger_path))
    return {"checked": report, "allowed": allowed, "allowed_pairs": allowed_pairs}


def session_report(requests: list[dict], output: Path | None = None) -> tuple[list[str], list[str]]:
    """(summary lines, problem lines) for the session's requests; writes `output` as JSON."""
    result = check(requests)
    report = result["checked"]
    pairs = sorted({_pair(item) for item in report.get("pairs", [])})
    outside = sorted({_pair(item) for item in report.get("not_in_swagger", [])})
    allowed_body = {(method, path, key) for method, path, key, _reason in ALLOWED_BODY_KEYS}
    unknown = [
        item
        for item in report.get("unknown_body_keys", [])
        if (item.get("method"), item.get("path"), item.get("key")) not in allowed_body
    ]
    allowed_query = {(method, path, name) for method, path, name, _reason in ALLOWED_QUERY_NAMES}
    unknown_query = [
        item
        for item in report.get("unknown_query_keys", [])
        if (item.get("method"), item.get("path"), item.get("key")) not in allowed_query
    ]
    profiles = Counter(entry.get("profile") for entry in requests)
    summary = [
        "requests: %d (%s)" % (len(requests), ", ".join("%s %d" % item for item in sorted(profiles.items()))),
        "distinct method + path pairs: %d in the Swagger's terms, %d more explained by the allow-list"
        % (len(pairs), len(result["allowed_pairs"])),
        "not in the Swagger: %d; body keys the Swagger does not name: %d; query names: %d"
        % (len(outside), len(unknown), len(unknown_query)),
    ]
    summary += ["allowed: %s (%d requests)" % item for item in sorted(result["allowed"].items())]
    problems = ["not in the Swagger: %s %s" % pair for pair in outside]
    problems += ["body key not in the Swagger: %s" % json.dumps(item, sort_keys=True, default=str) for item in unknown]
    problems += [
        "query name not in the Swagger: %s" % json.dumps(item, sort_keys=True, default=str) for item in unknown_query
    ]
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(
            json.dumps(
                {
                    "requests": len(requests),
                    "profiles": dict(profiles),
                    "pairs": [list(pair) for pair in pairs],
                    "allowed_pairs": sorted(list(pair) for pair in result["allowed_pairs"]),
                    "allowed": dict(result["allowed"]),
                    "not_in_swagger": [list(pair) for pair in outside],
                    "unknown_body_keys": unknown,
                    "unknown_query_keys": unknown_query,
                },
                indent=1,
                default=str,
            ),
            encoding="utf-8",
        )
    return summary, problems


# --- the wiring --------------------------------------------------------------------------------


def _request(method, path, body=None):
    return {"method": method, "path": path, "query": {}, "body": body, "status": 200, "profile": "swagger"}


def test_every_allowed_extra_is_really_outside_the_swagger():
    """An allow-list entry that the Swagger lists would hide nothing but mistakes: each example
    path is outside the Swagger, and nothing in the Swagger matches an entry's pattern."""
    swagger = json.loads(SWAGGER.read_text(encoding="utf-8"))
    conformance = _load_conformance()
    for name, method, pattern, example, _reason in ALLOWED_EXTRAS:
        assert allowed_extra(_request(method or "GET", example)) == name
        if example.startswith(API_PREFIX + "/"):
            report = conformance.check([_request(method or "GET", example)], str(SWAGGER))
            assert [_pair(item)[0] for item in report["not_in_swagger"]] == [method or "GET"], (name, report)
        listed = [API_PREFIX + re.sub(r"\{[^}]+\}", "1", path) for path in swagger["paths"]]
        assert [path for path in listed if re.search(pattern, path)] == [], name


def test_every_allowed_query_name_is_documented_for_its_operation_but_not_as_a_query():
    swagger = json.loads(SWAGGER.read_text(encoding="utf-8"))
    for method, path, name, _reason in ALLOWED_QUERY_NAMES:
        parameters = swagger["paths"][path][method.lower()].get("parameters", [])
        places = [parameter["in"] for parameter in parameters if parameter["name"] == name]
        assert places and "query" not in places, (method, path, name, places)
        concrete = API_PREFIX + re.sub(r"\{[^}]+\}", "100", path)
        _summary, problems = session_report([dict(_request(method, concrete), query={name: "1"})])
        assert problems == [], problems


def test_a_request_outside_the_swagger_fails_the_session_and_one_inside_does_not(tmp_path):
    inside = [_request("GET", "/api/v9/me"), _request("GET", "/api/v9/workspaces/100/projects")]
    summary, problems = session_report(inside, tmp_path / "inside.json")
    assert problems == [], problems
    assert "not in the Swagger: 0;" in summary[2], summary
    written = json.loads((tmp_path / "inside.json").read_text(encoding="utf-8"))
    assert written["requests"] == 2 and written["not_in_swagger"] == [] and len(written["pairs"]) == 2

    outside = inside + [
        _request("PUT", "/api/v9/workspaces/100/no_such_thing/5"),
        _request("GET", "/api/v9/workspaces"),
    ]
    summary, problems = session_report(outside)
    assert len(problems) == 1 and problems[0].startswith("not in the Swagger: PUT "), problems
    assert "allowed: GET /workspaces (1 requests)" in summary, summary


def test_every_allowed_body_key_is_outside_its_operations_body_schema():
    """An allowed body key must really be one the Swagger's body for that operation lacks."""
    conformance = _load_conformance()
    for method, template, key, _reason in ALLOWED_BODY_KEYS:
        path = API_PREFIX + re.sub(r"\{[^}]+\}", "7", template)
        report = conformance.check([_request(method, path, {key: [1]})], str(SWAGGER))
        assert report["not_in_swagger"] == [], template
        assert [(item["path"], item["key"]) for item in report["unknown_body_keys"]] == [(template, key)]


if __name__ == "__main__":
    log = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    lines, found = session_report(log, Path(sys.argv[1]).with_name("conformance.json"))
    print("\n".join(lines + found))
    sys.exit(1 if found else 0)
