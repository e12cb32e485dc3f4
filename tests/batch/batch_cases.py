"""Case files for the batch tests and benchmark: the examples plus the `case` part of each tests/cases file."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def write_case_set(folder: Path) -> list[Path]:
    """Copy examples/*.yaml and unwrap tests/cases/*.yaml ({description, expect, case}) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        target = folder / example.name
        target.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
        files.append(target)
    for wrapped in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        doc = yaml.safe_load(wrapped.read_text(encoding="utf-8"))
        target = folder / f"case_{wrapped.name}"
        target.write_text(yaml.safe_dump(doc["case"], allow_unicode=True, sort_keys=False), encoding="utf-8")
        files.append(target)
    return files


BROKEN_YAML = "pain: [\n"
BAD_FINDING = (
    "schema: kinetrace.case/1\nid: bad-hip\npatient: {age: 40, sex: male}\n"
    "pain:\n  - {region: lumbar, intensity: 4, duration_weeks: 6}\n"
    "findings:\n  hip_ir_prone: {left: 400, right: 30, unit: deg}\n"
)
