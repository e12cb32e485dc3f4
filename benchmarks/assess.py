"""Benchmark `assess`: throughput and p50/p95 latency over a set of cases, and the same posteriors computed by
pgmpy's exact variable elimination on the exported network, side by side.

Run: .venv/bin/python benchmarks/assess.py [--repeat 50] [--cases examples/*.yaml tests/cases/*.yaml]
Targets (issue 2): Kinetrace p50 ≤ 10 ms per case; posteriors identical to pgmpy within 1e-6.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml
from pgmpy.factors.discrete import TabularCPD
from pgmpy.inference import VariableElimination
from pgmpy.models import DiscreteBayesianNetwork

from kinetrace import Case, assess, load_case, load_knowledge, parse_case
from kinetrace.assessment import case_evidence
from kinetrace.reasoning.inference import posteriors
from kinetrace.reasoning.network import STATES, network_tables

ROOT = Path(__file__).resolve().parent.parent


def _pgmpy_posteriors(evidence) -> dict[str, float]:
    tables, observed = network_tables(evidence.network, evidence.observations, evidence.likelihoods)
    model = DiscreteBayesianNetwork()
    model.add_nodes_from(t.name for t in tables)
    model.add_edges_from((p, t.name) for t in tables for p in t.parents)
    cpds = []
    for t in tables:
        names = {t.name: list(STATES), **{p: list(STATES) for p in t.parents}}
        cpds.append(TabularCPD(t.name, 2, [list(t.table[0]), list(t.table[1])], evidence=list(t.parents) or None,
                               evidence_card=[2] * len(t.parents) or None, state_names=names))
    model.add_cpds(*cpds)
    infer = VariableElimination(model)
    out = {}
    for node in evidence.network.order:
        factor = infer.query([node], evidence=observed, show_progress=False)
        out[node] = float(factor.get_value(**{node: "yes"}))
    return out


def _load(path: Path) -> Case:
    # tests/cases files hold {description, expect, case}; examples are plain cases
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict) and "case" in data and "expect" in data:
        return parse_case(data["case"], source=str(path))
    return load_case(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per case")
    parser.add_argument("--cases", nargs="*", type=Path, help="case files (default: examples and tests/cases)")
    parser.add_argument("--no-pgmpy", action="store_true", help="skip the pgmpy cross-check")
    args = parser.parse_args(argv)
    kb = load_knowledge()
    files = args.cases or sorted([*ROOT.glob("examples/*.yaml"), *ROOT.glob("tests/cases/*.yaml")])
    cases = [(f, _load(f)) for f in files]
    for _, case in cases:  # warm caches (model build) once
        assess(case, kb)
    latencies = []
    start = time.perf_counter()
    for _ in range(args.repeat):
        for _, case in cases:
            t0 = time.perf_counter()
            assess(case, kb)
            latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - start
    lat = sorted(latencies)
    p50 = statistics.median(lat) * 1000
    p95 = lat[int(0.95 * (len(lat) - 1))] * 1000
    print(f"assess: {len(cases)} cases × {args.repeat} runs = {len(lat)} assessments in {wall:.2f} s")
    print(f"throughput {len(lat) / wall:.0f} cases/s · p50 {p50:.2f} ms · p95 {p95:.2f} ms (target p50 ≤ 10 ms)")
    if args.no_pgmpy:
        return 0 if p50 <= 10 else 1
    print(f"\n{'case':45} {'nodes':>5} {'max |Δ| vs pgmpy':>18} {'kinetrace ms':>13} {'pgmpy ms':>9}")
    worst = 0.0
    for f, case in cases:
        for profile in ("evidence", "seed"):
            ev = case_evidence(case, kb, profile=profile)
            t0 = time.perf_counter()
            ours = posteriors(ev.network, ev.observations, ev.likelihoods)
            t1 = time.perf_counter()
            ref = _pgmpy_posteriors(ev)
            t2 = time.perf_counter()
            diff = max(abs(ours[n] - ref[n]) for n in ours)
            worst = max(worst, diff)
            print(f"{f.stem + ' (' + profile + ')':45} {len(ours):5} {diff:18.2e} {(t1 - t0) * 1000:13.2f} "
                  f"{(t2 - t1) * 1000:9.0f}")
    print(f"\nlargest difference over all cases and nodes: {worst:.2e} (target ≤ 1e-6)")
    return 0 if worst <= 1e-6 and p50 <= 10 else 1


if __name__ == "__main__":
    sys.exit(main())
