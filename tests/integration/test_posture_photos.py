"""Posture from real photos (frames of the demo footage) with the real MediaPipe model."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from posture_media import demo_photos, frame_rgb

from kinetrace.intake.case import FindingInput
from kinetrace.metrics.pose import Provenance
from kinetrace.metrics.posture import Status
from kinetrace.vision.mediapipe_pose import MediaPipePose
from kinetrace.vision.photo import analyse_photos, photo_findings


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return demo_photos(tmp_path_factory.mktemp("photos"))


@pytest.fixture(scope="module")
def pose() -> MediaPipePose:
    with MediaPipePose(model="full", mode="image", num_poses=2) as estimator:
        yield estimator


def test_views_are_detected_and_gate_the_metrics(photos: dict[str, Path], pose: MediaPipePose,
                                                 tmp_path: Path) -> None:
    # Issue 9: the walking side view and the high-camera back view used to be measured; now the capture gates
    # refuse them, naming the gate, and only the two standing front views are measured.
    order = ("front", "front2", "back", "side")
    a = analyse_photos([photos[k] for k in order], height_cm=175, estimator=pose,
                       annotate_dir=tmp_path, blur_faces=True)
    assert [p.view for p in a.photos] == ["front", "front", "back", "left"]
    assert [bool(p.refused_by) for p in a.photos] == [False, False, True, True]
    assert "stance_width" in {c.gate for c in a.photos[3].refused_by}
    by = {(s.metric_id, s.side.value): s for s in a.metrics}
    assert by[("pelvic_obliquity_angle", "none")].n == 2  # the two front photos averaged
    cva = by[("craniovertebral_angle", "none")]
    assert cva.status is Status.NOT_MEASURABLE and "capture gate" in cva.reason
    front = a.photos[0]
    cva_front = next(m for m in front.measurements if m.metric_id == "craniovertebral_angle")
    assert cva_front.status is Status.NOT_MEASURABLE and "left or right view" in cva_front.reason
    for entry in a.findings.values():
        FindingInput.model_validate(entry)
    assert "craniovertebral_angle" not in a.findings
    assert a.findings["pelvic_obliquity_angle"]["method"] == "front_photo"
    assert len(a.annotated) == 4
    for out, src in zip(a.annotated, (photos[k] for k in order), strict=True):
        with Image.open(out) as img, Image.open(src) as original:
            assert not img.getexif() and img.size == original.size  # full size, no metadata


def test_manual_correction_keeps_its_provenance(photos: dict[str, Path], pose: MediaPipePose) -> None:
    base = analyse_photos([photos["front"]], estimator=pose)
    hip = next(lm for m in base.photos[0].measurements if m.metric_id == "pelvic_obliquity_angle"
               for lm in m.landmarks if lm.name == "left_hip")
    fixes = {"front.jpg": {hip.name: (hip.x_px + 5.0, hip.y_px)}}
    from kinetrace.vision.overrides import parse_overrides

    edited = analyse_photos([photos["front"]], estimator=pose,
                            overrides=parse_overrides({k: {n: list(v) for n, v in d.items()}
                                                       for k, d in fixes.items()}))
    po = next(m for m in edited.photos[0].measurements if m.metric_id == "pelvic_obliquity_angle")
    moved = next(lm for lm in po.landmarks if lm.name == hip.name)
    assert moved.provenance is Provenance.EDITED and moved.x_px == pytest.approx(hip.x_px + 5.0)


def test_the_larger_of_two_people_is_measured_and_reported(tmp_path: Path, pose: MediaPipePose) -> None:
    rgb = frame_rgb("sports2d/demo", 140)  # a walker in front and a second person further away
    people = pose.estimate(rgb)
    assert len(people) == 2

    def height(f: object) -> float:
        ys = [lm.y_norm for lm in f.landmarks.values()]  # type: ignore[attr-defined]
        return max(ys) - min(ys)

    taller = max(people, key=height)
    Image.fromarray(rgb).save(tmp_path / "two.png")  # lossless, so the model sees the same pixels
    a = analyse_photos([tmp_path / "two.png"], estimator=pose)
    p = a.photos[0]
    assert p.people_detected == 2
    assert any("2 people found" in w for w in p.warnings)
    assert p.frame is not None
    assert p.frame.landmarks["nose"].x_norm == pytest.approx(taller.landmarks["nose"].x_norm, abs=0.02)


def test_bad_files_each_get_one_message_and_the_good_one_is_processed(photos: dict[str, Path],
                                                                      pose: MediaPipePose, tmp_path: Path) -> None:
    (tmp_path / "text.jpg").write_text("not a photo")
    Image.new("RGB", (1, 1)).save(tmp_path / "dot.png")
    Image.new("1", (12000, 12000)).save(tmp_path / "bomb.png")
    Image.new("RGB", (640, 480), (128, 128, 128)).save(tmp_path / "empty.jpg")
    (tmp_path / "cut.jpg").write_bytes(photos["front"].read_bytes()[:3000])
    bad = ["text.jpg", "dot.png", "bomb.png", "empty.jpg", "cut.jpg"]
    a = analyse_photos([photos["front"], *(tmp_path / b for b in bad)], estimator=pose)
    assert a.photos[0].ok
    errors = {p.source: p.error for p in a.failures}
    assert set(errors) == set(bad)
    assert "not an image" in errors["text.jpg"] and "too small" in errors["dot.png"]
    assert "too large" in errors["bomb.png"] and "no person" in errors["empty.jpg"]
    assert "corrupt" in errors["cut.jpg"]


def test_photo_findings_for_assess(photos: dict[str, Path], pose: MediaPipePose) -> None:
    findings = photo_findings([photos["front"]], estimator=pose, height_cm=170)
    po = findings["pelvic_obliquity_angle"]
    assert po["unit"] == "deg" and po["validated"] is True and po["uncertainty"] > 0
    # a photo of someone walking gives no finding at all (issue 9)
    assert photo_findings([photos["side"]], estimator=pose, height_cm=170) == {}


def test_video_mode_tracks_consecutive_frames_and_rejects_time_going_back() -> None:
    from kinetrace.errors import InputError
    from kinetrace.vision.pose import main_person

    with MediaPipePose(model="lite", mode="video", num_poses=1) as video:
        found = [main_person(video.estimate(frame_rgb("pose2sim/cam01", i), time_s=i / 60)) for i in range(5)]
        assert all(f is not None and f.landmarks["left_hip"].world_m is not None for f in found)
        with pytest.raises(InputError, match="time_s"):
            video.estimate(frame_rgb("pose2sim/cam01", 0), time_s=0.0)


def test_face_blur_changes_only_the_head_region(photos: dict[str, Path], pose: MediaPipePose) -> None:
    from kinetrace.vision.face import blur_faces
    from kinetrace.vision.image import load_photo

    rgb = load_photo(photos["side"], work_long_side_px=None).rgb
    frame = analyse_photos([photos["side"]], estimator=pose).photos[0].frame
    blurred, n = blur_faces(rgb, frame)
    assert n >= 1
    changed = (blurred != rgb).any(axis=2)
    ys, xs = changed.nonzero()
    nose_x, nose_y = frame.point_px("nose")
    assert abs(xs.mean() - nose_x) < 60 and abs(ys.mean() - nose_y) < 60  # centred on the head
    assert changed.mean() < 0.05  # and nothing like the whole picture
