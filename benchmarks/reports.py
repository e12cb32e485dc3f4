"""Benchmark report rendering on the demo case, warm and cold side by side, plus the handout's reading age.

Measured in one run:
- warm: compose the report model (with charts) and render the PDF in a running process that has already made
  one report (what the web app pays per download); wall and CPU time, median and worst of --repeat runs.
  Target: the clinician PDF under 1 s.
- cold: the whole `kinetrace report demo.yaml --pdf OUT` command in a fresh process (Python start-up, imports,
  knowledge-base load, assess, report), median of --cold runs; target under 2 s. Printed beside it: the median of
  a fresh `python -c "import kinetrace.cli.app"` (start-up and CLI imports), and its share of the cold command.
  Kinetrace's modules are byte-compiled first, as `pip install` does: a source checkout run with
  PYTHONDONTWRITEBYTECODE=1 would otherwise recompile every module on every start (about 0.1 s CPU).
- reading age of the patient handout's text (textstat: Flesch–Kincaid grade and the equivalent age, grade + 5;
  target about 11–12 years).

Run: .venv/bin/python benchmarks/reports.py [--repeat 5] [--cold 3]
The machine's load average is printed, because other work on a 2-core box inflates wall times.
"""

from __future__ import annotations

import argparse
import compileall
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

WARM_TARGET_S = 1.0
COLD_TARGET_S = 2.0
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


def _timed(cmd: list[str]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - start, _children_cpu() - cpu


def _cold(runs: int) -> dict[str, tuple[list[float], list[float]]]:
    import kinetrace

    compileall.compile_dir(Path(kinetrace.__file__).parent, quiet=1)  # what an installed package has
    exe = Path(sys.executable).with_name("kinetrace")
    out: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for audience in AUDIENCES:
            results = [_timed([str(exe), "report", str(demo_case_path()), "--pdf", f"{tmp}/{audience}.pdf",
                               "--audience", audience]) for _ in range(runs)]
            out[audience] = ([w for w, _ in results], [c for _, c in results])
    startup = [_timed([sys.executable, "-c", "import kinetrace.cli.app"]) for _ in range(runs)]
    out["start-up"] = ([w for w, _ in startup], [c for _, c in startup])
    return out


def _reading_age() -> tuple[float, int]:
    """Flesch–Kincaid grade of the patient handout's words: triage, findings, what may be going on, the home
    programme, when to come back, when to get help (drawings and the table of days left out)."""
    import textstat

    kb = load_knowledge()
    case = load_case(demo_case_path())
    model = compose_report(assess(case, kb), audience="patient", generated_on="today", kb=kb, case=case)
    parts = [model.triage.headline, model.triage.summary, *model.plain_findings,
             *(r.patient_text for r in model.ranking), *model.safety_net, model.come_back]
    for ex in model.home_programme:
        parts += [ex.why, *ex.steps, ex.feel, ex.progress, ex.stop]
    text = " ".join(p if p.endswith((".", "!", "?")) else p + "." for p in parts if p)
    return float(textstat.flesch_kincaid_grade(text)), len(text.split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="warm runs per audience")
    parser.add_argument("--cold", type=int, default=3, help="fresh-process CLI runs per audience (0 to skip)")
    args = parser.parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    warm = _warm(args.repeat)
    cold = _cold(args.cold) if args.cold else {}
    ok = statistics.median(warm["clinician"][0]) < WARM_TARGET_S
    print(f"{'audience':10s} {'warm median':>12s} {'warm worst':>11s} {'warm CPU':>9s} {'size':>8s}   "
          f"{'cold median':>12s} {'cold CPU':>9s} {'start-up share':>15s}")
    start_up = statistics.median(cold["start-up"][0]) if cold else None
    for audience in AUDIENCES:
        walls, cpus, size = warm[audience]
        line = (f"{audience:10s} {statistics.median(walls):11.2f}s {max(walls):10.2f}s "
                f"{statistics.median(cpus):8.2f}s {size / 1024:6.0f}KiB")
        if cold:
            cw, cc = cold[audience]
            median = statistics.median(cw)
            ok &= median < COLD_TARGET_S
            line += (f"   {median:11.2f}s {statistics.median(cc):8.2f}s "
                     f"{100 * (start_up or 0) / median:13.0f} %")
        print(line)
    if start_up is not None:
        print(f"start-up alone (fresh `import kinetrace.cli.app`): median {start_up:.2f} s wall, "
              f"{statistics.median(cold['start-up'][1]):.2f} s CPU")
    grade, words = _reading_age()
    print(f"patient handout reading level: Flesch–Kincaid grade {grade:.1f} (reading age about {grade + 5:.0f} "
          f"years; {words} words)")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"targets: clinician PDF warm under {WARM_TARGET_S:.0f} s, cold command under {COLD_TARGET_S:.0f} s: "
          f"{'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
