"""Clinician outranks proxy, on real frames of the demo footage (issue 9, item 4).

Frame 0 of Pose2Sim cam01 is a poor posture photo (a person mid-movement): one photo reads pelvic obliquity
6.7° and head tilt 7.5°. It must never replace a hand-entered value, never change the ranking's statuses, and a
single photo's finding is "to confirm". Frames 0 and 2 agree on pelvic obliquity within its 1° error, which meets
the knowledge base's two-photo rule.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from posture_media import frame_rgb, write_jpeg

from kinetrace.assessment import assess
from kinetrace.intake.load import parse_case
from kinetrace.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parents[2]


def _case(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    data = yaml.safe_load((ROOT / "src/kinetrace/examples/demo.yaml").read_text())
    data["findings"]["pelvic_obliquity_angle"] = {"value": 1, "side": "left", "unit": "deg",
                                                  "method": "palpation_meter"}
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(data))
    return path, data


def _assess(case: Path, *photos: Path, extra: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    args = [sys.executable, "-m", "kinetrace", "assess", str(case), "--format", "json", "--height-cm", "175"]
    for p in photos:
        args += ["--photos", str(p)]
    proc = subprocess.run([*args, *extra], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout), proc.stderr


def _statuses(result: dict[str, Any]) -> dict[str, str]:
    return {i["id"]: i["state"] for i in result["impairments"]}


def test_bad_photo_never_replaces_the_hand_value_nor_changes_any_status(tmp_path: Path):
    case, data = _case(tmp_path)
    photo = write_jpeg(frame_rgb("pose2sim/cam01", 0), tmp_path / "front.jpg")
    with_photo, stderr = _assess(case, photo)
    without = assess(parse_case(data, source="case"), load_knowledge()).model_dump(mode="json", by_alias=True)

    pelvis = next(f for f in with_photo["findings"] if f["test_id"] == "pelvic_obliquity_angle")
    assert pelvis["value"] == 1 and pelvis["method"] == "palpation_meter"  # the hand value stands
    shown = [d for d in pelvis["discarded"] if d["method"] == "front_photo"]
    assert shown and "disagrees" in shown[0]["reason"], pelvis  # the photo's value is shown beside it
    assert "hand_entered_stands" in pelvis["conflict_resolution"]
    assert _statuses(with_photo) == _statuses(without)
    assert [(r["id"], r["state"]) for r in with_photo["ranking"]] == [(r["id"], r["state"]) for r in without["ranking"]]
    assert "landmarks not reviewed" in stderr


def test_single_photo_finding_is_to_confirm_and_gives_no_reading(tmp_path: Path):
    case, _ = _case(tmp_path)
    photo = write_jpeg(frame_rgb("pose2sim/cam01", 0), tmp_path / "front.jpg")
    result, _ = _assess(case, photo)
    tilt = next(f for f in result["findings"] if f["test_id"] == "frontal_head_tilt")
    assert tilt["evidence"] == "to_confirm" and tilt["targets"] == []
    assert "seen on 1 photo" in tilt["evidence_note"]
    assert tilt["landmarks_confirmed"] is False
    assert _statuses(result).get("head_tilt_frontal", "not_tested") == "not_tested"


def test_two_photos_that_agree_within_error_meet_the_rule_and_landmarks_file_marks_them_reviewed(tmp_path: Path):
    photos = [write_jpeg(frame_rgb("pose2sim/cam01", i), tmp_path / f"f{i}.jpg") for i in (0, 2)]
    data = yaml.safe_load((ROOT / "src/kinetrace/examples/demo.yaml").read_text())
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(data))
    review = tmp_path / "review.json"
    review.write_text(json.dumps({"f0.jpg": {}, "f2.jpg": {}}))
    result, stderr = _assess(case, *photos, extra=("--landmarks", str(review)))
    pelvis = next(f for f in result["findings"] if f["test_id"] == "pelvic_obliquity_angle")
    assert pelvis["evidence"] == "used", pelvis  # 6.7° and 7.6°: within the 1° error
    assert pelvis["landmarks_confirmed"] is True
    assert "landmarks not reviewed" not in stderr
    tilt = next(f for f in result["findings"] if f["test_id"] == "frontal_head_tilt")
    assert tilt["evidence"] == "to_confirm" and "differ by" in tilt["evidence_note"]  # 7.5° and 10.6°: beyond 1°
