"""Benchmark report rendering on the demo case: each PDF (clinician, patient) in under 2 s.

Two numbers per audience:
- warm: compose the report model (with charts) and render the PDF in a running process that has already made
  one report (what the web app pays per download); wall and CPU time, median and worst of --repeat runs;
- cold: the whole `kinetrace report demo.yaml --pdf OUT` command in a fresh process (Python start-up, imports,
  knowledge-base load, assess, report), median of --cold runs.

Run: .venv/bin/python benchmarks/reports.py [--repeat 5] [--cold 3]
The machine's load average is printed, because other work on a 2-core box inflates wall times.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kinetrace.assessment import assess
from kinetrace.demo_cases import demo_case_path
from kinetrace.intake import load_case
from kinetrace.knowledge import load_knowledge
from kinetrace.reports import compose_report, model_pdf

TARGET_S = 2.0
AUDIENCES = ("clinician", "patient")


def _warm(repeat: int) -> dict[str, tuple[list[float], list[float], int]]:
    kb = load_knowledge()
    case = load_case(demo_case_path())
    result = assess(case, kb)
    out = {}
    for audience in AUDIENCES:
        model_pdf(compose_report(result, audience=audience, generated_on="today", kb=kb, case=case))  # warm-up
        walls, cpus, size = [], [], 0
        for _ in range(repeat):
            w, c = time.perf_counter(), time.process_time()
            pdf = model_pdf(compose_report(result, audience=audience, generated_on="today", kb=kb, case=case))
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
            size = len(pdf)
        out[audience] = (walls, cpus, size)
    return out


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cold(runs: int) -> dict[str, tuple[list[float], list[float]]]:
    exe = Path(sys.executable).with_name("kinetrace")
    out: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for audience in AUDIENCES:
            walls, cpus = [], []
            for _ in range(runs):
                start, cpu = time.perf_counter(), _children_cpu()
                subprocess.run([str(exe), "report", str(demo_case_path()), "--pdf", f"{tmp}/{audience}.pdf",
                                "--audience", audience], check=True, capture_output=True)
                walls.append(time.perf_counter() - start)
                cpus.append(_children_cpu() - cpu)
            out[audience] = (walls, cpus)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per audience")
    parser.add_argument("--cold", type=int, default=3, help="fresh-process CLI runs per audience (0 to skip)")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = True
    for audience, (walls, cpus, size) in _warm(args.repeat).items():
        median = statistics.median(walls)
        ok &= median < TARGET_S
        print(f"warm {audience:9s} wall median {median:.2f} s, worst {max(walls):.2f} s; "
              f"CPU median {statistics.median(cpus):.2f} s; {size / 1024:.0f} KiB")
    if args.cold:
        for audience, (walls, cpus) in _cold(args.cold).items():
            print(f"cold {audience:9s} `kinetrace report` wall median {statistics.median(walls):.2f} s, "
                  f"best {min(walls):.2f} s; CPU median {statistics.median(cpus):.2f} s "
                  "(includes start-up, KB load and assess)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"target: each PDF under {TARGET_S:.0f} s (warm median): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
