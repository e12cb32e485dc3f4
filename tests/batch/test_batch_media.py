"""Manifest batches: each case's photos are measured on the worker and merged; a bad clip fails only its case."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kinetrace.batch import BatchItem, CaseMedia, VideoSpec, assess_file, read_manifest, run_batch
from kinetrace.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def _demo_photo(folder: Path, clip_rel: str, frame: int, name: str) -> Path:
    """A photo cut from the demo footage (fetched by scripts/setup.d/40-media.sh)."""
    import cv2

    clip = Path(os.environ.get("KT_CACHE", ROOT / ".cache")) / "media" / clip_rel
    assert clip.is_file(), f"demo footage missing: run `bash scripts/setup.d/40-media.sh` ({clip})"
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, frame)
    ok, bgr = capture.read()
    capture.release()
    assert ok, f"could not read frame {frame} of {clip}"
    target = folder / name
    cv2.imwrite(str(target), bgr)
    return target


def _front_photo(folder: Path) -> Path:
    """The Pose2Sim subject standing, front view (passes the capture gates)."""
    return _demo_photo(folder, "pose2sim/Demo_SinglePerson/videos/cam01.mp4", 0, "front.jpg")


def _walking_photo(folder: Path) -> Path:
    """Sports2D frame 120: a woman walking, side-on (refused by the capture gates, issue 9)."""
    return _demo_photo(folder, "sports2d/Demo/demo.mp4", 120, "side.jpg")


def test_manifest_rows_become_items_with_paths_beside_the_manifest(tmp_path: Path):
    manifest = tmp_path / "visits.csv"
    manifest.write_text("case,photos,videos,height_cm\n"
                        "p01.yaml, side.jpg ; front.jpg ,sls.mp4:single_leg_stance,172.5\n"
                        "\n"
                        f"{tmp_path / 'abs.yaml'},,\n", encoding="utf-8")
    first, second = read_manifest(manifest)
    assert first == BatchItem(path=str(tmp_path / "p01.yaml"), media=CaseMedia(
        photos=(str(tmp_path / "side.jpg"), str(tmp_path / "front.jpg")),
        videos=(VideoSpec(path=str(tmp_path / "sls.mp4"), test="single_leg_stance"),), height_cm=172.5))
    assert second == BatchItem(path=str(tmp_path / "abs.yaml")) and not second.media


@pytest.mark.parametrize(("text", "needle"), [
    ("file,photos\na.yaml,\n", "expected the columns case, photos, videos, height_cm"),
    ("case,height_cm\na.yaml,tall\n", "line 2: height_cm 'tall'; expected a number"),
    ("case,photo\na.yaml,x.jpg\n", "header case,photo"),
    ("case,photos,videos\na.yaml,,sls.mp4\n", "line 2: video 'sls.mp4'; expected CLIP:TEST"),
    ("case,photos\na.yaml,x.jpg,y.jpg\n", "line 2: more cells"),
    ("case,photos\n,x.jpg\n", "line 2: the case column is empty"),
])
def test_a_malformed_manifest_raises_naming_the_line_or_header(tmp_path: Path, text: str, needle: str):
    manifest = tmp_path / "visits.csv"
    manifest.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=needle):
        read_manifest(manifest)


def test_photos_are_measured_and_merged_and_a_missing_clip_fails_only_its_case(tmp_path: Path):
    # Issue 9: this test used a walking side view as its photo; such a photo is now refused, so the measured
    # photo is a standing front view and the walking one must show up only as a refusal naming its gate.
    photo, walking = _front_photo(tmp_path), _walking_photo(tmp_path)
    cases = [shutil.copy(ROOT / "examples" / name, tmp_path / name)
             for name in ("nothing_remote_found.yaml", "seed_003_hip_ir_rotation.yaml")]
    items = [BatchItem(path=str(cases[0]), media=CaseMedia(photos=(str(photo), str(walking)), height_cm=175.0)),
             BatchItem(path=str(cases[1]), media=CaseMedia(videos=(VideoSpec(str(tmp_path / "gone.mp4"),
                                                                             "single_leg_stance"),))),
             BatchItem(path=str(cases[1]))]
    records = run_batch(items, workers=2, processes=False, progress=False)
    assert [r.status for r in records] == ["ok", "failed", "ok"]
    from_photo = [f for f in records[0].assessment["findings"] if "photo:front.jpg" in (f["source"] or "")]
    assert from_photo and all(f["method"] == "front_photo" for f in from_photo)
    assert not any("side.jpg" in (f["source"] or "") for f in records[0].assessment["findings"])
    assert any("side.jpg: refused, not measured: stance_width" in w for w in records[0].media_warnings)
    assert records[0] == assess_file(items[0].path, media=items[0].media)  # same as a serial run
    assert records[1].case_id == "seed-003-hip-ir-rotation"
    assert "gone.mp4" in records[1].error and records[1].error_kind == "NotFoundError"
