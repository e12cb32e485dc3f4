"""Clinician outranks proxy, on real frames of the demo footage (issue 9, item 4).

Frame 0 of Pose2Sim cam01 is a poor posture photo (a person mid-movement, camera pitched): it reads pelvic
obliquity 9° and head tilt 13°, which the photo measurement flags "needs review", and a shoulder-height difference
of 41 mm. None of it may replace a hand-entered value or change the ranking's statuses, and a single photo's
finding is "to confirm". Frames 0 and 2 agree on the shoulder-height difference (41 and 47 mm) within its 10 mm
error, which meets the knowledge base's two-photo rule.
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
    data["findings"]["shoulder_height_difference"] = {"value": 5, "side": "left", "unit": "mm"}
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
    flagged = [d for d in pelvis["discarded"] if d["method"] == "front_photo"]
    assert flagged and flagged[0]["reason"].startswith("needs review"), pelvis  # shown, never evidence
    shoulders = next(f for f in with_photo["findings"] if f["test_id"] == "shoulder_height_difference")
    assert shoulders["value"] == 5 and shoulders["method"] is None  # entered by hand, no method named
    shown = [d for d in shoulders["discarded"] if d["method"] == "front_photo"]
    assert shown and "disagrees" in shown[0]["reason"], shoulders  # 41 mm on the photo, beyond the 10 mm error
    assert shoulders["conflict"]["kind"] == "hand_entered_stands"
    assert "hand_entered_stands" in shoulders["conflict_resolution"]
    assert _statuses(with_photo) == _statuses(without)
    assert [(r["id"], r["state"]) for r in with_photo["ranking"]] == [(r["id"], r["state"]) for r in without["ranking"]]
    assert "landmarks not reviewed" in stderr


def test_single_photo_finding_is_to_confirm_and_gives_no_reading(tmp_path: Path):
    case, _ = _case(tmp_path)
    photo = write_jpeg(frame_rgb("pose2sim/cam01", 0), tmp_path / "front.jpg")
    result, _ = _assess(case, photo)
    trunk = next(f for f in result["findings"] if f["test_id"] == "lateral_trunk_shift")
    assert trunk["evidence"] == "to_confirm" and trunk["targets"] == []
    assert "seen on 1 photo" in trunk["evidence_note"]
    assert trunk["landmarks_confirmed"] is False
    tilt = next(f for f in result["findings"] if f["test_id"] == "frontal_head_tilt")
    assert tilt["evidence"] == "needs_review" and tilt["targets"] == []  # 13° is flagged by the measurement
    assert _statuses(result).get("head_tilt_frontal", "not_tested") == "not_tested"


def test_two_photos_that_agree_within_error_meet_the_rule_and_landmarks_file_marks_them_reviewed(tmp_path: Path):
    photos = [write_jpeg(frame_rgb("pose2sim/cam01", i), tmp_path / f"f{i}.jpg") for i in (0, 2)]
    data = yaml.safe_load((ROOT / "src/kinetrace/examples/demo.yaml").read_text())
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(data))
    review = tmp_path / "review.json"
    review.write_text(json.dumps({"f0.jpg": {}, "f2.jpg": {}}))
    result, stderr = _assess(case, *photos, extra=("--landmarks", str(review)))
    shoulders = next(f for f in result["findings"] if f["test_id"] == "shoulder_height_difference")
    assert shoulders["evidence"] == "used", shoulders  # 41 and 47 mm: within the 10 mm error
    assert shoulders["landmarks_confirmed"] is True
    assert "landmarks not reviewed" not in stderr
    trunk = next(f for f in result["findings"] if f["test_id"] == "lateral_trunk_shift")
    assert trunk["evidence"] == "to_confirm"  # frame 2's value was flagged, so only one photo shows it
