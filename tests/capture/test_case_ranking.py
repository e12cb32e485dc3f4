"""3-D findings enter the case format with `method: multi_camera_3d` and outrank single-view proxies."""

from __future__ import annotations

import yaml

from kinetrace import assess, load_knowledge, parse_case

CASE = """
schema: kinetrace.case/1
id: capture-vs-video
patient: {id: cap-1, age: 40, sex: male, activity: office}
pain:
  - {region: lumbar, side: right, intensity: 4, duration_weeks: 12, aggravating: [twisting], easing: [walking]}
red_flags: {saddle_numbness: no, bladder_bowel_change: no, cancer_history: no, fever: no, trauma: no,
            unexplained_weight_loss: no, night_pain_unrelieved: no}
findings:
  hip_ir_seated:
    - {left: 22, right: 24, unit: deg, method: video}
    - {left: 41, right: 43, unit: deg, method: multi_camera_3d, uncertainty: 5}
"""


def test_multi_camera_method_is_knowledge_base_data_ranked_above_video() -> None:
    kb = load_knowledge()
    for test_id in ("hip_ir_seated", "thoracic_rotation_seated", "pelvic_obliquity_angle",
                    "overhead_reach_lumbar_extension", "pelvic_tilt_sagittal"):
        ranks = {m.id: m.validity_rank for m in kb.tests[test_id].methods}
        assert ranks["multi_camera_3d"] < ranks.get("video", ranks.get("front_photo", 99)), test_id


def test_conflict_is_resolved_in_favour_of_3d() -> None:
    result = assess(parse_case(yaml.safe_load(CASE)), load_knowledge())
    finding = next(f for f in result.findings if f.test_id == "hip_ir_seated")
    # The 3-D value is a direct measurement, not a single-view proxy: it stands, the video value is shown beside it.
    assert finding.left == 41 and finding.right == 43
    assert finding.conflict is not None and finding.conflict.is_conflict
    assert finding.conflict.kept.startswith("Multi-camera 3-D capture")
    assert all("video" in d.lower() for d in finding.conflict.dropped)
    note = finding.conflict_resolution
    assert note is not None and "measured by Multi-camera 3-D capture" in note
    assert any(d["method"] == "video" and "22" in d["value"] for d in finding.discarded)
