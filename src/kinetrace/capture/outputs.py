"""Files of a 3-D trial: per-frame Parquet, summary JSON, case-format findings, angle plots and a stick figure."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import yaml

from kinetrace.capture.result import CaptureResult
from kinetrace.metrics.pose import BODY_BONES

__all__ = ["write_outputs"]

_BONES = (*BODY_BONES, ("left_ankle", "left_foot_index"), ("right_ankle", "right_foot_index"))


def _parquet(result: CaptureResult, path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    n = result.frames
    cols: dict[str, np.ndarray] = {
        "frame": np.arange(n),
        "time_s": np.arange(n) / result.fps,
        "reprojection_px": result.frame_reprojection_px[:n],
        "marker_rms_m": np.resize(result.marker_rms_m, n),
    }
    for k, v in result.angles.items():
        cols[f"{k}_deg"] = np.asarray(v)[:n]
    table = pa.table(cols)
    meta = {
        b"kinetrace.method": b"multi_camera_3d",
        b"kinetrace.test": result.test.encode(),
        b"kinetrace.cameras": ",".join(result.cameras).encode(),
    }
    pq.write_table(table.replace_schema_metadata(meta), path)


def _plot_angles(result: CaptureResult, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = np.arange(result.frames) / result.fps
    groups = [
        ("Hip rotation", ["hip_rotation_left", "hip_rotation_right"]),
        ("Hip flexion", ["hip_flexion_left", "hip_flexion_right"]),
        ("Pelvis", ["pelvic_tilt", "pelvic_obliquity", "pelvic_rotation"]),
        ("Trunk", ["lumbar_rotation", "thoracic_rotation", "trunk_extension"]),
        ("Shoulder elevation", ["shoulder_elevation_left", "shoulder_elevation_right"]),
    ]
    fig, axes = plt.subplots(len(groups) + 1, 1, figsize=(8, 13), sharex=True)
    s, e = result.still_window
    for ax, (title, keys) in zip(axes, groups, strict=False):
        for k in keys:
            ax.plot(t, result.angles[k], label=k.replace("_", " "))
        ax.axvspan(s / result.fps, (e - 1) / result.fps, color="0.9", label="stillest window")
        ax.set_ylabel("deg")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
    axes[-1].plot(t, result.frame_reprojection_px, color="k")
    axes[-1].set_ylabel("px")
    axes[-1].set_title("median reprojection error per frame", fontsize=9)
    axes[-1].set_xlabel("time (s)")
    fig.suptitle(f"3-D capture ({len(result.cameras)} cameras): {result.test}")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _stick_figure(points_m: np.ndarray, fps: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kinetrace.metrics.pose import LANDMARK_NAMES

    idx = {n: i for i, n in enumerate(LANDMARK_NAMES)}
    picks = np.linspace(0, len(points_m) - 1, 5).astype(int)
    fig = plt.figure(figsize=(15, 4))
    for k, f in enumerate(picks):
        ax = fig.add_subplot(1, len(picks), k + 1, projection="3d")
        p = points_m[f]
        for a, b in _BONES:
            colour = "tab:red" if "left" in a and "left" in b else "tab:blue" if "right" in a and "right" in b else "k"
            # model frame X forward, Y up, Z right → plot (Z, X, Y) so up is up
            ax.plot(
                [p[idx[a], 2], p[idx[b], 2]], [p[idx[a], 0], p[idx[b], 0]], [p[idx[a], 1], p[idx[b], 1]], color=colour
            )
        ax.set_title(f"t = {f / fps:.2f} s", fontsize=9)
        ax.set_box_aspect((1, 1, 2))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_zticks([])
    fig.suptitle("3-D stick figure (left red, right blue)")
    fig.savefig(path, dpi=80)
    plt.close(fig)


def write_outputs(result: CaptureResult, work: Path, *, plots: bool = True) -> dict[str, str]:
    """Write the trial's files into `work`; returns kind → file name (TRC, MOT and model are already there)."""
    names = {
        "trc": "markers.trc",
        "mot": "ik.mot",
        "model": "model_scaled.osim",
        "frames_parquet": "frames.parquet",
        "summary": "summary.json",
        "findings": "findings.yaml",
    }
    _parquet(result, work / names["frames_parquet"])
    summary = dict(result.summary, timings_s={k: round(v, 3) for k, v in result.timings_s.items()})
    (work / names["summary"]).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    header = (
        "# Findings from multi-camera 3-D capture, case format kinetrace.case/1 (method multi_camera_3d).\n"
        "# Merge under `findings:` of a case file.\n" + "".join(f"# {note}\n" for note in result.notes)
    )
    (work / names["findings"]).write_text(
        header + yaml.safe_dump({"findings": result.findings}, sort_keys=False), encoding="utf-8"
    )
    if plots:
        _plot_angles(result, work / "angles.png")
        names["plot_png"] = "angles.png"
        _stick_figure(result.points_m, result.fps, work / "stick_figure.png")
        names["stick_figure"] = "stick_figure.png"
    return names
