"""Request conformance: does recorded traffic use only what the official Swagger documents?

Given the simulator's request log (GET /_sim/requests: a JSON list of {"method", "path",
"query", "body", "status", "token"}) and the Track API v9 Swagger file, it reports

- pairs: every distinct (method, path template) the traffic used, with its count, where
  a concrete path such as /api/v9/workspaces/100/users/5 is mapped onto the Swagger's
  template /workspaces/{workspace_id}/users/{user_id} (a literal segment wins over a
  parameter: /projects/task_count is not /projects/{project_id});
- not_in_swagger: the pairs no Swagger path and method covers (the path then shows its
  numbers as {id});
- unknown_body_keys: body keys the operation's body schema does not name (nested objects
  and array items are checked too, as `workspaces[].role`), which a Go-struct decoder
  would silently drop;
- unknown_query_keys: query names the operation's parameters do not name;
- bad_path_values: path parameters whose value is not of the type the Swagger gives it: an
  `integer` that is not digits, or a string it describes as "RFC3339" (the audit log's
  `from` and `to`) that is not an RFC 3339 date-time;
- other_apis: requests outside the Track API (the Focus API), which this Swagger does not
  cover, listed apart.

Library: `check(requests, swagger_path) -> dict`. CLI:

    python tests/simulator/conformance.py [--swagger FILE] (--requests FILE | --url http://HOST:PORT)
        [--json] [--strict]

prints a summary (or the whole report with --json); with --strict it exits 1 when anything
is not in the Swagger.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

DEFAULT_SWAGGER = (
    Path(__file__).resolve().parents[3] / "shared" / "toggl-api" / "openapi" / "toggl-track-api-v9.swagger.json"
)
TRACK_PREFIX = "/api/v9"
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# RFC 3339 date-time (a date, "T", a time, "Z" or an offset), for parameters described so.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


class Swagger:
    """The Swagger's operations, indexed for matching concrete request paths."""

    def __init__(self, document: dict) -> None:
        self.document = document
        self.base_path = (document.get("basePath") or TRACK_PREFIX).rstrip("/")
        self.definitions = document.get("definitions", {})
        templates = []
        for template, operations in document.get("paths", {}).items():
            segments = template.strip("/").split("/")
            pattern = "/".join("[^/]+" if _is_param(seg) else re.escape(seg) for seg in segments)
            params = sum(1 for seg in segments if _is_param(seg))
            methods = {method.upper(): op for method, op in operations.items() if isinstance(op, dict)}
            templates.append((params, template, re.compile(f"^/{pattern}/?$"), methods))
        # Fewest parameters first: a literal segment wins over a parameter at the same place.
        self.templates = sorted(templates, key=lambda item: (item[0], item[1]))

    def match(self, method: str, path: str) -> tuple[str | None, dict | None]:
        """(template, operation) for a path below basePath; (template, None) when only the
        method is missing; (None, None) when no template matches."""
        path_only = path.split("?", 1)[0]
        path_matches = [
            (template, methods) for _n, template, regex, methods in self.templates if regex.match(path_only)
        ]
        for template, methods in path_matches:
            if method in methods:
                return template, methods[method]
        if path_matches:
            return path_matches[0][0], None
        return None, None

    def resolve(self, schema: dict | None, depth: int = 0) -> dict | None:
        while schema and "$ref" in schema and depth < 20:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.definitions.get(name)
            depth += 1
        return schema

    def body_schema(self, operation: dict) -> dict | None:
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "body":
                return self.resolve(parameter.get("schema"))
        return None

    def query_names(self, operation: dict) -> set[str]:
        # formData counts too: the Swagger puts some GET parameters there (GET project_groups'
        # project_ids), and the Go server reads form values from the query string as well.
        return {
            p["name"] for p in operation.get("parameters", []) if p.get("in") in ("query", "formData") and "name" in p
        }


def bad_path_values(template: str, path: str, operation: dict) -> list[tuple[str, str]]:
    """(name, value) of each path parameter of `path` that its Swagger type does not allow."""
    declared = {p.get("name"): p for p in operation.get("parameters", []) if p.get("in") == "path"}
    found = []
    segments = template.strip("/").split("/")
    values = path.split("?", 1)[0].strip("/").split("/")
    for segment, value in zip(segments, values, strict=False):
        if not _is_param(segment):
            continue
        name = segment[1:-1]
        parameter = declared.get(name) or {}
        if parameter.get("type") == "integer" and not value.isdigit():
            found.append((name, value))
        elif "RFC3339" in (parameter.get("description") or "") and not RFC3339.match(value):
            found.append((name, value))
    return found


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def generic_template(path: str) -> str:
    """A concrete path with its numeric segments shown as {id}."""
    return "/".join("{id}" if segment.isdigit() else segment for segment in path.split("?", 1)[0].split("/"))


def unknown_keys(swagger: Swagger, value, schema: dict | None, prefix: str = "") -> list[str]:
    """Key paths in `value` that `schema` does not name (only where it names properties)."""
    schema = swagger.resolve(schema)
    if not schema:
        return []
    if isinstance(value, list):
        items = swagger.resolve(schema.get("items")) if schema.get("type") == "array" else None
        found: list[str] = []
        for item in value:
            for key in unknown_keys(swagger, item, items, f"{prefix}[]"):
                if key not in found:
                    found.append(key)
        return found
    if not isinstance(value, dict):
        return []
    properties = schema.get("properties")
    if not properties:
        return []  # a free-form object (or a map): nothing to hold the keys against
    found = []
    for key, item in value.items():
        name = f"{prefix}.{key}" if prefix else key
        if key not in properties:
            found.append(name)
            continue
        found.extend(unknown_keys(swagger, item, properties[key], name))
    return found


def load_swagger(swagger_path: str | os.PathLike) -> Swagger:
    with open(swagger_path, encoding="utf-8") as handle:
        return Swagger(json.load(handle))


def check(requests: list[dict], swagger_path: str | os.PathLike = DEFAULT_SWAGGER) -> dict:
    """The conformance report of `requests` (GET /_sim/requests entries) against the Swagger."""
    swagger = load_swagger(swagger_path)
    pair_counts: Counter = Counter()
    in_swagger: dict[tuple[str, str], bool] = {}
    examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    body_keys: Counter = Counter()
    query_keys: Counter = Counter()
    path_values: Counter = Counter()
    other: Counter = Counter()

    for entry in requests:
        method = str(entry.get("method", "GET")).upper()
        path = str(entry.get("path", ""))
        if not path.startswith(swagger.base_path + "/"):
            other[(method, generic_template(path))] += 1
            continue
        relative = path[len(swagger.base_path) :]
        template, operation = swagger.match(method, relative)
        key = (method, template if operation is not None else generic_template(relative))
        pair_counts[key] += 1
        in_swagger[key] = operation is not None
        if operation is None:
            if len(examples[key]) < 3 and path not in examples[key]:
                examples[key].append(path)
            continue
        for name, value in bad_path_values(template, relative, operation):
            path_values[(method, template, name, value)] += 1
        body = entry.get("body")
        if method in BODY_METHODS and body is not None:
            for name in unknown_keys(swagger, body, swagger.body_schema(operation)):
                body_keys[(method, template, name)] += 1
        known_query = swagger.query_names(operation)
        for name in entry.get("query") or {}:
            if name not in known_query:
                query_keys[(method, template, name)] += 1

    pairs = [
        {"method": method, "path": path, "count": count, "in_swagger": in_swagger[(method, path)]}
        for (method, path), count in sorted(pair_counts.items(), key=lambda item: (item[0][1], item[0][0]))
    ]
    return {
        "swagger": str(swagger_path),
        "requests": len(requests),
        "pairs": pairs,
        "not_in_swagger": [
            {
                "method": p["method"],
                "path": p["path"],
                "count": p["count"],
                "examples": examples[(p["method"], p["path"])],
            }
            for p in pairs
            if not p["in_swagger"]
        ],
        "unknown_body_keys": [
            {"method": method, "path": path, "key": name, "count": count}
            for (method, path, name), count in sorted(body_keys.items())
        ],
        "unknown_query_keys": [
            {"method": method, "path": path, "key": name, "count": count}
            for (method, path, name), count in sorted(query_keys.items())
        ],
        "bad_path_values": [
            {"method": method, "path": path, "parameter": name, "value": value, "count": count}
            for (method, path, name, value), count in sorted(path_values.items())
        ],
        "other_apis": [
            {"method": method, "path": path, "count": count} for (method, path), count in sorted(other.items())
        ],
    }


def summary(report: dict) -> str:
    counts = (
        f"{report['requests']} requests, {len(report['pairs'])} distinct Track method+path pairs, "
        f"{len(report['not_in_swagger'])} not in the Swagger, {len(report['unknown_body_keys'])} unknown body keys, "
        f"{len(report['unknown_query_keys'])} unknown query names, "
        f"{len(report['bad_path_values'])} bad path values, "
        f"{len(report['other_apis'])} pairs outside the Track API"
    )
    lines = [counts]
    for item in report["not_in_swagger"]:
        lines.append(f"  not in Swagger: {item['method']} {item['path']} (x{item['count']})")
    for item in report["unknown_body_keys"]:
        lines.append(f"  unknown body key: {item['method']} {item['path']}: {item['key']} (x{item['count']})")
    for item in report["unknown_query_keys"]:
        lines.append(f"  unknown query name: {item['method']} {item['path']}: {item['key']} (x{item['count']})")
    for item in report["bad_path_values"]:
        where = f"{item['method']} {item['path']}: {item['parameter']}={item['value']!r}"
        lines.append(f"  bad path value: {where} (x{item['count']})")
    for item in report["other_apis"]:
        lines.append(f"  outside the Track API: {item['method']} {item['path']} (x{item['count']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a simulator request log against the Track API Swagger.")
    parser.add_argument("--swagger", default=os.environ.get("TOGGL_SWAGGER") or str(DEFAULT_SWAGGER))
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--requests", help="a JSON file with the GET /_sim/requests list")
    source.add_argument("--url", help="a running simulator, http://HOST:PORT (its log is read)")
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
    parser.add_argument("--strict", action="store_true", help="exit 1 when anything is not in the Swagger")
    args = parser.parse_args(argv)
    if args.requests:
        with open(args.requests, encoding="utf-8") as handle:
            requests = json.load(handle)
    else:
        with urllib.request.urlopen(f"{args.url.rstrip('/')}/_sim/requests", timeout=30) as answer:  # noqa: S310
            requests = json.load(answer)
    report = check(requests, args.swagger)
    print(json.dumps(report, indent=2) if args.json else summary(report))
    failed = (
        report["not_in_swagger"]
        or report["unknown_body_keys"]
        or report["unknown_query_keys"]
        or report["bad_path_values"]
    )
    return 1 if args.strict and failed else 0


if __name__ == "__main__":
    sys.exit(main())
