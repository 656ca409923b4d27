"""`make bench` at latency 0: the same runner (tests/benchmark/bench.py) and scenario, asserting the
request figures of every phase, so that a change that costs requests shows here."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmark"))

import bench  # noqa: E402

# Requests per phase as measured (see README "Benchmark"); R_min from scenario.py, which counts
# the reads issue 11 requires of a run that writes (the admin right per writing task, the re-reads
# around whole-list writes and after writes whose answer is not the object).
#   onboard 44 = R_min 38 + 6: the organization users task reads the members again (1 page of
#     200) and the groups (the plan's group ids reach it as strings of digits, names if a group is
#     so named), and each of the 4 workspace tasks reads its workspace users before its PUTs;
#   offboard 21 = R_min 19 + 2: the deactivation task reads the members again (2 pages of 220)
#     after the role's read.
EXPECTED = {
    "onboard": ({"GET": 20, "POST": 4, "PUT": 20}, 38),
    "onboard rerun": ({"GET": 4}, 4),
    "audit (check)": ({"GET": 11}, 4),
    "access review": ({"GET": 4}, 4),
    "offboard": ({"GET": 11, "PUT": 10}, 19),
    "offboard rerun": ({"GET": 3}, 3),
}


def test_the_benchmark_figures_and_targets(tmp_path):
    document = bench.run(latency_ms=0, output=tmp_path / "results.json")
    phases = {result["phase"]: result for result in document["phases"]}
    assert list(phases) == list(EXPECTED)
    for name, (by_method, r_min) in EXPECTED.items():
        result = phases[name]
        assert result["rc"] == 0, result["output_tail"]
        assert (result["by_method"], result["r_min"]) == (by_method, r_min), name
    # The targets: converged reruns and read-only phases write nothing, reruns need no more than
    # R_min, first runs no more than 1.2 x R_min, the whole scenario fits the Starter quota.
    for name in ("onboard rerun", "offboard rerun"):
        assert phases[name]["writes"] == 0 and phases[name]["ratio"] <= bench.CONVERGED_RATIO
    assert phases["audit (check)"]["writes"] == phases["access review"]["writes"] == 0
    for name in ("onboard", "offboard"):
        assert phases[name]["ratio"] <= bench.FIRST_RUN_RATIO, name
    assert document["total_requests"] == 87 <= bench.SCENARIO_BUDGET
    # Module invocations: the converged reruns run one module (the organization read) each.
    assert phases["onboard rerun"]["module_invocations"] == phases["offboard rerun"]["module_invocations"] == 1
    assert document["missed"] == []
