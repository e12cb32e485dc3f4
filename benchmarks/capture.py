"""3-D capture speed: the whole pipeline vs the 2-D pose inference alone, same frames, side by side in one run.

    python -m benchmarks.capture [--frames 100]

Target (issue 13): the whole 3-D pipeline for the Pose2Sim demo trial (100 frames × 4 cameras) within 2× the time
of the 2-D pose inference alone on the same frames. Both runs decode the videos; the pipeline adds calibration,
triangulation, filtering, OpenSim scaling and IK, angles, Parquet/JSON/YAML and the two figures.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def _demo() -> Path:
    cache = Path(os.environ.get("KT_CACHE", Path(__file__).resolve().parents[1] / ".cache"))
    return cache / "media" / "pose2sim" / "Demo_SinglePerson"


def main() -> None:
    """Time 2-D pose alone, then the whole pipeline, and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("GLOG_minloglevel", "2")
    from kinetrace.capture.detect import detect_camera
    from kinetrace.capture.pipeline import run_capture

    demo = _demo()
    videos = [demo / "videos" / f"cam0{i}.mp4" for i in range(1, 5)]
    calib = demo / "calibration" / "Calib.qca.txt"
    # warm-up: load the pose model and OpenSim once so neither run pays first-import costs
    detect_camera(videos[0], [0, 1], 60.0)
    import opensim  # noqa: F401
    import scipy.signal  # noqa: F401

    t0 = time.perf_counter()
    for v in videos:
        detect_camera(v, list(range(args.frames)), 60.0)
    pose_s = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        result = run_capture(videos, calib, "hip_rotation", Path(tmp) / "out", max_frames=args.frames)
        total_s = time.perf_counter() - t0
    n = args.frames * len(videos)
    print(f"3-D capture benchmark: {args.frames} frames × {len(videos)} cameras (Pose2Sim demo)")
    print(f"  2-D pose inference alone : {pose_s:6.2f} s  ({n / pose_s:.1f} images/s)")
    print(f"  whole 3-D pipeline       : {total_s:6.2f} s")
    for step, secs in result.timings_s.items():
        print(f"    {step:<22}{secs:6.2f} s")
    ratio = total_s / pose_s
    print(f"  ratio pipeline / pose    : {ratio:.2f}  (target ≤ 2.0: {'PASS' if ratio <= 2.0 else 'FAIL'})")
    print(f"  median reprojection error: {result.median_reprojection_px:.1f} px; IK marker RMS "
          f"{result.summary['ik_marker_rms_median_m'] * 100:.2f} cm")


if __name__ == "__main__":
    main()
