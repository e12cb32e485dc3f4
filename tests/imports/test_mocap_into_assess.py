"""Imported motion-capture findings merge into a case and `assess` uses them (.trc, .c3d and .mot)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from motion_files import write_c3d, write_mot, write_trc

from kinetrace.assessment import assess
from kinetrace.cli.app import main
from kinetrace.intake import load_case
from kinetrace.knowledge import load_knowledge

CASE = {"schema": "kinetrace.case/1", "id": "mocap", "patient": {"age": 35, "sex": "female"},
        "pain": [{"region": "lumbar", "intensity": 4, "duration_weeks": 10, "aggravating": ["golf swing"]}],
        "red_flags": {"saddle_numbness": "no", "bladder_bowel_change": "no", "cancer_history": "no", "fever": "no",
                      "trauma": "no"},
        "findings": {"start_back_total": {"value": 1}}}


def _merged(tmp_path: Path, motion: Path, *extra: str) -> Path:
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(CASE))
    out = tmp_path / f"case_{motion.stem}.yaml"
    with pytest.raises(SystemExit) as info:
        main(["import", str(motion), "--into", str(case), "--out", str(out), *extra])
    assert info.value.code == 0
    return out


def test_each_format_imports_into_findings_that_assess_uses(tmp_path: Path, skeleton: dict) -> None:
    kb = load_knowledge()
    files = [
        (write_trc(tmp_path / "stand.trc", skeleton), [], "craniovertebral_angle"),
        (write_c3d(tmp_path / "stand.c3d", skeleton), [], "pelvic_obliquity_angle"),
        (write_mot(tmp_path / "ir.mot", {"hip_rotation_l": [10.0, 18.0], "hip_rotation_r": [30.0, 36.0]}),
         ["--trial", "hip_ir_prone"], "hip_ir_prone"),
    ]
    for motion, extra, test_id in files:
        result = assess(load_case(_merged(tmp_path, motion, *extra)), kb)
        finding = next(f for f in result.findings if f.test_id == test_id)
        assert finding.method == "mocap" and finding.source == f"mocap:{motion.name}"
        assert finding.targets, f"{test_id} from {motion.name} informed no impairment"
    ir = next(f for f in result.findings if f.test_id == "hip_ir_prone")
    assert (ir.left, ir.right) == (18.0, 36.0)
    states = {t.target: t.state for t in ir.targets}
    assert states["limited_hip_ir"] == "present"  # 18° is below 30° − 5° and 18° less than the right side
