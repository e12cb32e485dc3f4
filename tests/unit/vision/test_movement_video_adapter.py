"""The video adapter around a scripted pose back end: main-person choice, swap reporting, outputs written all or
nothing, and clear refusals. The clips are tiny blank MP4s written here; the "model" replays a synthetic scene,
so every number is known (the real model on real footage is in tests/integration/test_movement_video.py).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import cv2
import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml
from validation.movement_scenes import build_scene, with_swaps

from kinetrace.errors import InputError, MediaError, NotFoundError
from kinetrace.metrics.pose import PoseFrame, PoseSequence
from kinetrace.vision.video import analyse_video, probe_video


def _blank_video(path: Path, *, frames: int, fps: float, size: tuple[int, int] = (108, 192)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
    for i in range(frames):
        writer.write(np.full((size[1], size[0], 3), (i * 7) % 255, dtype=np.uint8))
    writer.release()
    return path


class ScriptedPose:
    """A PoseEstimator that replays pose frames by time, optionally with a passer-by."""

    def __init__(self, seq: PoseSequence, extra: dict[int, PoseFrame] | None = None) -> None:
        self._by_index = {round(f.time_s * seq.fps): f for f in seq.frames}
        self._fps = seq.fps
        self._extra = extra or {}
        self.closed = False

    def estimate(self, image_rgb: np.ndarray, *, time_s: float = 0.0, source: str = "") -> list[PoseFrame]:
        i = round(time_s * self._fps)
        people = [self._by_index[i]] if i in self._by_index else []
        if i in self._extra:
            people.insert(0, self._extra[i])
        return people

    def describe(self) -> str:
        return "scripted"

    def close(self) -> None:
        self.closed = True


def _passer_by(frame: PoseFrame, scale: float) -> PoseFrame:
    """A bigger person standing elsewhere in the image (scaled about the top-left corner)."""
    lms = {n: dataclasses.replace(lm, x_norm=0.9 - lm.x_norm * scale * 0.3, y_norm=lm.y_norm * scale * 0.55)
           for n, lm in frame.landmarks.items()}
    return dataclasses.replace(frame, landmarks=lms)


@pytest.fixture
def stance(tmp_path):
    scene = build_scene("single_leg_stance")
    video = _blank_video(tmp_path / "stance.mp4", frames=len(scene.sequence.frames), fps=scene.sequence.fps)
    return scene, video


def test_outputs_are_written_and_agree_with_the_metrics(stance, tmp_path):
    scene, video = stance
    out = tmp_path / "result"
    analysis = analyse_video(video, "single_leg_stance", out_dir=out, progress=False,
                             estimator=ScriptedPose(scene.sequence))
    assert set(analysis.outputs) == {"frames_csv", "frames_parquet", "summary", "findings", "plot_png", "plot_svg",
                                     "contact_sheet"}
    assert all(p.is_file() and p.stat().st_size > 0 for p in analysis.outputs.values())
    summary = json.loads((out / "summary.json").read_text())
    stance_time = next(m for m in summary["metrics"] if m["metric"] == "stance_time_s")
    assert stance_time["value"] == pytest.approx(3.0, abs=0.1)  # the scene holds the leg up for 3 s
    findings = yaml.safe_load((out / "findings.yaml").read_text())["findings"]
    assert findings["single_leg_stance_eyes_open"]["left"] == pytest.approx(3.0, abs=0.15)  # rounded to 0.1 s
    assert findings["single_leg_stance_eyes_open"]["source"] == "video:stance.mp4"
    table = pq.read_table(out / "frames.parquet")
    assert table.num_rows == len(scene.sequence.frames) and "pelvic_obliquity_deg" in table.column_names
    header = (out / "frames.csv").read_text().splitlines()[0].split(",")
    assert header[:5] == ["frame", "time_s", "person_detected", "interpolated", "swap_corrected"]
    assert (out / "angles.svg").read_text().lstrip().startswith("<?xml")
    assert cv2.imread(str(out / "contact_sheet.png")) is not None
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_the_main_person_is_kept_when_a_bigger_one_passes_through(stance):
    scene, video = stance
    frames = scene.sequence.frames
    passer = {i: _passer_by(frames[i], 1.4) for i in range(40, 55)}  # half a second, bigger than the subject
    analysis = analyse_video(video, "single_leg_stance", progress=False,
                             estimator=ScriptedPose(scene.sequence, passer))
    assert analysis.frames_with_person == len(frames)
    tracked = analysis.result.trajectories.point("left_hip")[40:55]
    lm = [frames[i].landmarks["left_hip"] for i in range(40, 55)]
    subject = np.array([(p.x_norm * 108, p.y_norm * 192) for p in lm])  # in the 108×192 clip's pixels
    np.testing.assert_allclose(tracked, subject, atol=1.0)
    assert any("2 people" in w for w in analysis.warnings)
    stance_time = next(m for m in analysis.metrics if m.metric_id == "stance_time_s")
    assert stance_time.value == pytest.approx(3.0, abs=0.1)


def test_swapped_labels_are_corrected_and_reported(stance):
    scene, video = stance
    swapped = with_swaps(scene.sequence, range(60, 72))
    analysis = analyse_video(video, "single_leg_stance", progress=False, estimator=ScriptedPose(swapped))
    assert analysis.swaps_corrected == 12
    assert "left/right swaps corrected in 12 frame(s)" in analysis.warnings


def test_a_failure_while_writing_leaves_nothing_behind(stance, tmp_path, monkeypatch):
    scene, video = stance
    import kinetrace.vision._video_outputs as outputs

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(outputs, "contact_sheet", broken)
    with pytest.raises(OSError, match="disk full"):
        analyse_video(video, "single_leg_stance", out_dir=tmp_path / "result", progress=False,
                      estimator=ScriptedPose(scene.sequence))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stance.mp4"]


def test_a_previous_output_is_replaced_but_a_folder_of_other_files_is_refused(stance, tmp_path):
    scene, video = stance
    out = tmp_path / "result"
    for _ in range(2):  # the second run replaces the first
        analyse_video(video, "single_leg_stance", out_dir=out, progress=False, estimator=ScriptedPose(scene.sequence))
    other = tmp_path / "photos"
    other.mkdir()
    (other / "holiday.jpg").write_bytes(b"x")
    with pytest.raises(InputError, match="out: .*holds other files"):
        analyse_video(video, "single_leg_stance", out_dir=other, progress=False,
                      estimator=ScriptedPose(scene.sequence))


def test_no_person_in_any_frame_is_a_clear_media_error(stance, tmp_path):
    scene, video = stance
    empty = PoseSequence((), scene.sequence.fps)
    with pytest.raises(MediaError, match=r"stance.mp4: no person detected in any of 150 frames"):
        analyse_video(video, "single_leg_stance", out_dir=tmp_path / "r", progress=False,
                      estimator=ScriptedPose(empty))
    assert not (tmp_path / "r").exists()


def test_clip_far_longer_than_the_test_needs_is_refused_before_decoding(tmp_path):
    video = _blank_video(tmp_path / "long.mp4", frames=130, fps=1.0)  # 130 s; overhead reach allows 60 s
    estimator = ScriptedPose(PoseSequence((), 1.0))
    with pytest.raises(MediaError, match=r"long.mp4: the clip is 130 s long; .* needs at most 60 s"):
        analyse_video(video, "overhead_reach", out_dir=tmp_path / "r", progress=False, estimator=estimator)
    assert not (tmp_path / "r").exists()


def test_still_image_missing_file_and_garbage_are_refused_with_their_reason(tmp_path):
    photo = tmp_path / "photo.jpg"
    cv2.imwrite(str(photo), np.zeros((64, 64, 3), dtype=np.uint8))
    disguised = tmp_path / "photo.mp4"
    disguised.write_bytes(photo.read_bytes())
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    with pytest.raises(MediaError, match="photo.jpg: this is a still image"):
        probe_video(photo)
    with pytest.raises(MediaError, match="photo.mp4: this is a still image"):
        probe_video(disguised)
    with pytest.raises(MediaError, match="garbage.mp4: cannot be opened as a video"):
        probe_video(garbage)
    with pytest.raises(NotFoundError, match="nothing.mp4: file not found"):
        probe_video(tmp_path / "nothing.mp4")


def test_unknown_test_and_side_name_the_field(stance):
    _, video = stance
    with pytest.raises(InputError, match="test: got 'hopping'"):
        analyse_video(video, "hopping", progress=False)
    with pytest.raises(InputError, match="side: got 'middle'; expected left or right"):
        analyse_video(video, "single_leg_stance", side="middle", progress=False)
