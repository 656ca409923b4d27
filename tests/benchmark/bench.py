"""The request benchmark (`make bench`): the real playbooks against a simulator, phase by phase.

    python tests/benchmark/bench.py [--latency-ms 50] [--output .build/bench/results.json]

Seeds a simulator with the scenario of tests/benchmark/scenario.py (a Starter organization
with 200 members and 5 workspaces), then runs playbooks/onboard.yml (20 newcomers), again
(converged), playbooks/audit.yml in check mode, playbooks/access_review.yml,
playbooks/offboard.yml (10 people deactivated) and again, and playbooks/access.yml with the
whole organization as one authoritative declaration (5 joiners, 5 movers, 5 leavers) and again;
then, on a second simulator with 5,000 members, playbooks/access.yml putting 2 members into a
workspace and 2 groups, again, and the access review. For each phase it reads the
simulator's request log (cleared before the phase) and reports the requests by method, R_min
(scenario.py: the fewest requests that determine and reach the end state), the ratio, the
module invocations (task executions of trackops.toggl modules, loop items counted) and the
wall time. It prints a table, writes JSON, and exits 1 when a target is missed:

    converged reruns: no write and requests = R_min
    first runs (onboard, offboard, joiners-movers-leavers, 5,000 members): requests / R_min <= 1.0
    the check-mode audit: no write, requests / R_min <= 1.2; the access review: no write
    5,000 members: at most 10 requests (rerun 5), the access review at most 8 s of wall time
    the 200-member scenario: at most 240 requests (the Starter plan's hourly quota)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests" / "simulator"))

import scenario  # noqa: E402  (beside this file, also when run as a script)
import with_simulator  # noqa: E402  (tests/simulator: starts serve.py and waits for its line)

CALLBACK_PLUGINS = ROOT / "tests" / "integration" / "callback_plugins"
INVENTORY = ROOT / "playbooks" / "inventory.yml"
DEFAULT_OUTPUT = ROOT / ".build" / "bench" / "results.json"
MODULE_PREFIX = "trackops.toggl."
# Controller-side utilities (an action plugin of the module's name, plugins/action/): no request.
UTILITIES = frozenset(
    MODULE_PREFIX + path.stem for path in (ROOT / "plugins" / "action").glob("*.py") if path.name != "__init__.py"
)

CONVERGED_RATIO = 1.0
FIRST_RUN_RATIO = 1.0
AUDIT_RATIO = 1.2
SCENARIO_BUDGET = 240


def _control(url: str, method: str, path: str, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = response.read()
    return json.loads(payload) if payload.strip() else None


def module_invocations(tasks: list[dict]) -> int:
    """Task executions of trackops.toggl modules: a loop counts its items, a skip counts nothing."""
    count = 0
    for task in tasks:
        action = str(task.get("action") or "")
        if not action.startswith(MODULE_PREFIX) or action in UTILITIES or task["status"] == "skipped":
            continue
        items = task["result"].get("results")
        if isinstance(items, list):
            count += sum(1 for item in items if not item.get("skipped"))
        else:
            count += 1
    return count


def run_phase(phase: dict, simulator, workdir: Path, python: str) -> dict:
    vars_file = workdir / ("%s.vars.json" % phase["name"].replace(" ", "_").replace("(", "").replace(")", ""))
    vars_file.write_text(json.dumps(phase["vars"], indent=1), encoding="utf-8")
    results_file = workdir / "results.json"
    command = [
        str(Path(python).parent / "ansible-playbook"),
        "-i",
        str(INVENTORY),
        str(ROOT / phase["playbook"]),
        "-e",
        "@%s" % vars_file,
        "-e",
        "toggl_report_dir=%s" % (workdir / "reports"),
    ]
    if phase["check"]:
        command.append("--check")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TOGGL_")}
    env.update(
        TOGGL_API_URL=simulator.api_url,
        TOGGL_API_TOKEN=scenario.OWNER_TOKEN,
        TOGGL_TEST_RESULTS_FILE=str(results_file),
        TOGGL_TEST_RESULTS_BRIEF="1",
        ANSIBLE_CALLBACK_PLUGINS=str(CALLBACK_PLUGINS),
        ANSIBLE_CALLBACKS_ENABLED="json_results",
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".build" / "collections"),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="False",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_LOCAL_TEMP=str(workdir / "ansible-local"),
    )
    env.pop("ANSIBLE_CONFIG", None)
    results_file.unlink(missing_ok=True)
    _control(simulator.url, "DELETE", "/_sim/requests")
    started = time.monotonic()
    completed = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    wall = time.monotonic() - started
    requests = _control(simulator.url, "GET", "/_sim/requests") or []
    document = json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else {}
    by_method = Counter(entry["method"].upper() for entry in requests)
    minimum = phase["minimum"]
    total = len(requests)
    writes = total - by_method.get("GET", 0)
    return {
        "phase": phase["name"],
        "playbook": phase["playbook"],
        "check_mode": phase["check"],
        "converged": bool(phase.get("converged")),
        "read_only": bool(phase.get("read_only")),
        "rc": completed.returncode,
        "requests": total,
        "by_method": dict(sorted(by_method.items())),
        "writes": writes,
        "r_min": minimum.total,
        "r_min_terms": minimum.as_dict(),
        "ratio": round(total / minimum.total, 3),
        "seed": phase.get("seed", "default"),
        "max_requests": phase.get("max_requests"),
        "max_seconds": phase.get("max_seconds"),
        "module_invocations": module_invocations(document.get("tasks", [])),
        "wall_seconds": round(wall, 2),
        "request_log": ["%s %s%s" % (e["method"], e["path"], _query(e)) for e in requests],
        "output_tail": (completed.stdout[-4000:] + completed.stderr[-2000:]) if completed.returncode else "",
    }


def _query(entry: dict) -> str:
    query = entry.get("query") or {}
    return ("?" + "&".join("%s=%s" % item for item in sorted(query.items()))) if query else ""


def check_targets(results: list[dict]) -> list[str]:
    """Every missed target, as a sentence (empty when all are met)."""
    missed = []
    for result in results:
        name = result["phase"]
        if result["rc"] != 0:
            missed.append("%s: the playbook failed (rc %d)" % (name, result["rc"]))
        if result.get("max_requests") is not None and result["requests"] > result["max_requests"]:
            missed.append("%s: %d requests > %d" % (name, result["requests"], result["max_requests"]))
        if result.get("max_seconds") is not None and result["wall_seconds"] > result["max_seconds"]:
            missed.append("%s: %.1f s > %.1f s" % (name, result["wall_seconds"], result["max_seconds"]))
        if result["read_only"]:
            if result["writes"]:
                missed.append("%s: %d write(s), expected none" % (name, result["writes"]))
            if result["check_mode"] and result["ratio"] > AUDIT_RATIO:
                missed.append("%s: ratio %.2f > %.1f" % (name, result["ratio"], AUDIT_RATIO))
        elif result["converged"]:
            if result["writes"]:
                missed.append("%s: %d write(s), expected none" % (name, result["writes"]))
            if result["ratio"] > CONVERGED_RATIO:
                missed.append("%s: ratio %.2f > %.1f" % (name, result["ratio"], CONVERGED_RATIO))
        elif result["ratio"] > FIRST_RUN_RATIO:
            missed.append("%s: ratio %.2f > %.1f" % (name, result["ratio"], FIRST_RUN_RATIO))
    total = sum(result["requests"] for result in results if result.get("seed", "default") == "default")
    if total > SCENARIO_BUDGET:
        missed.append("whole scenario: %d requests > %d" % (total, SCENARIO_BUDGET))
    return missed


def table(results: list[dict]) -> str:
    header = ("phase", "requests", "GET", "POST", "PUT", "PATCH", "DELETE", "R_min", "ratio", "modules", "wall s")
    rows = [header]
    for r in results:
        methods = r["by_method"]
        rows.append(
            (
                r["phase"],
                str(r["requests"]),
                *(str(methods.get(method, 0)) for method in ("GET", "POST", "PUT", "PATCH", "DELETE")),
                str(r["r_min"]),
                "%.2f" % r["ratio"],
                str(r["module_invocations"]),
                "%.1f" % r["wall_seconds"],
            )
        )
    total_requests = sum(r["requests"] for r in results)
    total_min = sum(r["r_min"] for r in results)
    rows.append(
        (
            "whole scenario",
            str(total_requests),
            *(str(sum(r["by_method"].get(m, 0) for r in results)) for m in ("GET", "POST", "PUT", "PATCH", "DELETE")),
            str(total_min),
            "%.2f" % (total_requests / total_min),
            str(sum(r["module_invocations"] for r in results)),
            "%.1f" % sum(r["wall_seconds"] for r in results),
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(widths[i]) for i, cell in enumerate(row) if i]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            rules = ["-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)]
            lines.append("|" + "|".join(rules) + "|")
    return "\n".join(lines)


def run(latency_ms: int = 50, output: Path | None = DEFAULT_OUTPUT, python: str = sys.executable) -> dict:
    """Run every phase against a fresh simulator; returns the JSON document."""
    with tempfile.TemporaryDirectory(prefix="toggl-bench-") as tmp:
        workdir = Path(tmp)
        seeds = {"default": scenario.seed(), "large": scenario.seed(scenario.LARGE_MEMBERS)}
        results = []
        for name, seed in seeds.items():
            phases = [phase for phase in scenario.phases() if phase.get("seed", "default") == name]
            seed_file = workdir / ("seed-%s.json" % name)
            seed_file.write_text(json.dumps(seed), encoding="utf-8")
            args = ["--seed", str(seed_file), "--latency-ms", str(latency_ms)]
            simulator = with_simulator.Simulator(args, python=python, log_path=workdir / ("simulator-%s.log" % name))
            simulator.start()
            try:
                results.extend(run_phase(phase, simulator, workdir, python) for phase in phases)
            finally:
                simulator.stop(check=False)
    document = {
        "scenario": {
            "organization": scenario.ORGANIZATION,
            "plan": "starter",
            "members": scenario.MEMBERS,
            "workspaces": len(scenario.WORKSPACES),
            "newcomers": scenario.NEWCOMERS,
            "offboarded": scenario.OFFBOARDED,
            "latency_ms": latency_ms,
        },
        "targets": {
            "converged_ratio": CONVERGED_RATIO,
            "first_run_ratio": FIRST_RUN_RATIO,
            "audit_ratio": AUDIT_RATIO,
            "scenario_requests": SCENARIO_BUDGET,
        },
        "phases": results,
        "total_requests": sum(r["requests"] for r in results if r["seed"] == "default"),
        "total_r_min": sum(r["r_min"] for r in results if r["seed"] == "default"),
    }
    document["missed"] = check_targets(results)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=50, help="simulator latency per response (default 50)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="JSON results (default %(default)s)")
    options = parser.parse_args(argv)
    document = run(options.latency_ms, options.output)
    print(table(document["phases"]))
    print("results: %s" % options.output)
    for result in document["phases"]:
        if result["rc"]:
            print("--- %s failed ---\n%s" % (result["phase"], result["output_tail"]))
    if document["missed"]:
        print("targets missed:\n  " + "\n  ".join(document["missed"]))
        return 1
    print(
        "all targets met (converged: 0 writes, requests = R_min; first runs <= 1.0 x R_min; audit <= 1.2 x R_min;"
        " 5,000 members <= 10 requests, rerun <= 5, review <= 8 s; scenario <= 240 requests)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
