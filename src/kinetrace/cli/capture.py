"""`kinetrace capture`: calibrate cameras and synchronise videos for 3-D capture; the 3-D movement runner.

`kinetrace movement VIDEO1 VIDEO2 … --calibration FILE --test TEST` dispatches to `run_movement_3d` here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from kinetrace.errors import InputError

__all__ = ["register", "run_movement_3d"]

_MIN_SYNC_CORRELATION = 0.6  # below it a cross-correlation peak is not trusted without a look

capture_app = typer.Typer(
    help="3-D capture from two or more calibrated cameras (needs kinetrace[capture]).", no_args_is_help=True
)


def _board(spec: str, square_mm: float, charuco: bool, marker_mm: float | None) -> Any:
    from kinetrace.capture.calibrate import Board

    try:
        cols, rows = (int(v) for v in spec.lower().replace("×", "x").split("x"))
    except ValueError:
        raise InputError("--board", spec, "inner corners as COLUMNSxROWS, e.g. 7x4") from None
    if cols < 2 or rows < 2 or square_mm <= 0:  # noqa: PLR2004
        raise InputError("--board", spec, "at least 2x2 inner corners and a positive --square-mm")
    marker = (marker_mm if marker_mm else 0.75 * square_mm) / 1000.0
    return Board(cols, rows, square_mm / 1000.0, charuco=charuco, marker_m=marker)


def _check_new_file(path: Path) -> None:
    if path.exists():
        raise InputError("--out", str(path), "a file that does not exist yet")


@capture_app.command("calibrate")
def calibrate(
    sources: list[Path] = typer.Argument(..., help="One calibration video (or folder of images) per camera."),
    out: Path = typer.Option(..., "--out", "-o", help="Calibration file to write (.toml, Pose2Sim format)."),
    board: str = typer.Option("7x4", "--board", help="Inner corners COLUMNSxROWS (ChArUco: squares-1)."),
    square_mm: float = typer.Option(60.0, "--square-mm", help="Square size in millimetres."),
    charuco: bool = typer.Option(False, "--charuco", help="The board is a ChArUco board (DICT_4X4_50)."),
    marker_mm: float | None = typer.Option(None, "--marker-mm", help="ChArUco marker size (default 0.75 × square)."),
    every: int = typer.Option(10, "--every", min=1, help="Use every Nth video frame."),
) -> None:
    """Compute intrinsics and extrinsics per camera from a filmed board; write a Pose2Sim-style .toml.

    Extrinsics use each camera's last view of the board: end the calibration clip with the board held still
    where every camera sees it. Exit status 2 if the board is not found in a video (nothing is written).
    """
    from kinetrace.capture.calibrate import calibrate_camera
    from kinetrace.capture.cameras import write_toml

    _check_new_file(out)
    spec = _board(board, square_mm, charuco, marker_mm)
    cams, errors = [], []
    for src in sources:
        cam, rms = calibrate_camera(src, spec, name=src.stem, every=every)
        cams.append(cam)
        errors.append(rms)
        typer.echo(
            f"{cam.name}: {cam.width_px}×{cam.height_px} px, focal {cam.K[0, 0]:.1f} px, RMS reprojection {rms:.2f} px"
        )
    write_toml(cams, out, error_px=max(errors))
    typer.echo(f"wrote {out}")


@capture_app.command("sync")
def sync(
    videos: list[Path] = typer.Argument(..., help="Two or more videos of the same take."),
    by: str = typer.Option(
        "motion", "--by", help="motion (frame-difference energy) or audio (needs ffmpeg); ignored with --calibration."
    ),
    calibration: Path | None = typer.Option(
        None,
        "--calibration",
        "-c",
        help="Calibration of these cameras: sync by 3-D agreement of 2-D poses (the trustworthy way).",
    ),
    frames: int = typer.Option(100, "--frames", help="Leading frames per video posed for --calibration sync."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write the offsets as JSON (for --sync)."),
    max_lag_s: float = typer.Option(2.0, "--max-lag", help="Largest offset searched, seconds."),
) -> None:
    """Find each video's time offset against the first; print it with its confidence and optionally save it.

    With --calibration each candidate offset is scored by the reprojection error of joints triangulated across
    the cameras; a camera whose best offset is not clearly better than the others is refused (exit 2).
    """
    if out is not None:
        _check_new_file(out)
    if calibration is not None:
        _sync_by_pose(videos, calibration, frames, max_lag_s, out)
        return
    from kinetrace.capture.sync import sync_offsets

    result = sync_offsets(videos, by=by, max_lag_s=max_lag_s)
    for name, row in result.items():
        weak = "  [low correlation: check this offset by eye]" if row["correlation"] < _MIN_SYNC_CORRELATION else ""
        typer.echo(f"{name}: offset {row['offset_s']:+.3f} s (correlation {row['correlation']:.2f}){weak}")
    if out is not None:
        out.write_text(
            json.dumps(
                {
                    "by": by,
                    "offsets_s": {k: v["offset_s"] for k, v in result.items()},
                    "correlation": {k: v["correlation"] for k, v in result.items()},
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        typer.echo(f"wrote {out}")


def _sync_by_pose(videos: list[Path], calibration: Path, frames: int, max_lag_s: float, out: Path | None) -> None:
    from kinetrace.capture.cameras import load_calibration
    from kinetrace.capture.pipeline import match_cameras
    from kinetrace.capture.sync import detect_for_sync, pose_sync_offsets
    from kinetrace.vision.video import probe_video

    if len(videos) < 2:  # noqa: PLR2004
        raise InputError("videos", f"{len(videos)} video", "two or more videos to synchronise")
    if frames < 10:  # noqa: PLR2004
        raise InputError("--frames", str(frames), "at least 10 frames")
    infos = [probe_video(v) for v in videos]
    cams = load_calibration(calibration)
    match_cameras(cams, [(i.width_px, i.height_px) for i in infos], [i.path.name for i in infos])
    poses, fps = detect_for_sync(videos, cams, frames=frames)
    rows = pose_sync_offsets(cams, poses, fps, max_lag_s=max_lag_s)
    by_video = dict(zip((v.name for v in videos), rows.values(), strict=True))
    for name, row in by_video.items():
        if row["reprojection_px"] is None and row["offset_frames"] == 0:
            typer.echo(f"{name}: reference (offset 0)")
            continue
        if row["offset_frames"] is None:
            continue
        typer.echo(
            f"{name}: offset {row['offset_s']:+.3f} s ({row['offset_frames']:+d} frames), reprojection "
            f"{row['reprojection_px']:.1f} px, contrast {row['contrast']:.2f}, motion correlation "
            f"{row['motion_correlation']:.2f}" + ("" if row["confident"] else "  [weak evidence]")
        )
    weak = [n for n, r in by_video.items() if not r["confident"]]
    if weak:
        raise InputError(
            "sync",
            ", ".join(weak),
            message=f"sync: the offset of {', '.join(weak)} is not clearly "
            "better than other offsets (contrast under 0.15 or reprojection over 15 px); expected "
            "videos where the person moves and every camera sees them (hardware-synchronised "
            "cameras need no sync file); nothing written",
        )
    if out is not None:
        out.write_text(
            json.dumps(
                {
                    "by": "pose",
                    "offsets_s": {k: v["offset_s"] for k, v in by_video.items()},
                    "confidence": {k: v["contrast"] for k, v in by_video.items()},
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
        typer.echo(f"wrote {out}")


def run_movement_3d(
    videos: list[Path],
    calibration: Path | None,
    test: str,
    out: Path | None,
    *,
    sync_file: Path | None = None,
    model: str = "full",
    as_json: bool = False,
) -> None:
    """The 3-D branch of `kinetrace movement`: run the capture pipeline and print its figures."""
    from kinetrace.capture.pipeline import run_capture

    if calibration is None:
        raise InputError(
            "--calibration",
            None,
            "a calibration file (.toml, .qca.txt or OpenCap .pickle) when several videos are given",
        )
    target = out if out is not None else Path.cwd() / f"{videos[0].stem}-{test}-3d"
    result = run_capture(videos, calibration, test, target, sync=sync_file, model=model)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    **result.summary,
                    "findings": result.findings,
                    "outputs": {k: str(v) for k, v in result.outputs.items()},
                },
                indent=2,
            )
        )
        return
    s = result.summary
    typer.echo(
        f"3-D capture, {len(result.cameras)} cameras, {result.frames} frames at {result.fps:g} fps: "
        f"median reprojection error {s['median_reprojection_px']:.1f} px; IK marker RMS "
        f"{s['ik_marker_rms_median_m'] * 100:.1f} cm; stillest window frames {s['still_window_frames']}"
    )
    typer.echo(f"{'angle':<26}{'still mean':>11}{'still SD':>9}{'min':>8}{'max':>8}")
    for name, row in s["angles"].items():
        typer.echo(
            f"{name:<26}{row['still_mean_deg']:>10.1f}°{row['still_sd_deg']:>8.1f}°"
            f"{row['min_deg']:>7.1f}°{row['max_deg']:>7.1f}°"
        )
    for note in result.notes:  # why a knowledge-base test (or one side) was not reported
        typer.echo(note)
    if result.findings:
        typer.echo("knowledge-base findings (findings.yaml): " + ", ".join(result.findings))
    typer.echo(f"outputs in {target}: " + ", ".join(p.name for p in result.outputs.values()))


def register(app: typer.Typer) -> None:
    """Add `kinetrace capture …` to the app."""
    app.add_typer(capture_app, name="capture")
