"""`kinetrace movement`: measure one movement test on a video clip and write metrics, plots, findings and a
contact sheet."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

__all__ = ["register"]


class Side(StrEnum):
    """Tested side for one-sided tests."""

    LEFT = "left"
    RIGHT = "right"


class ViewChoice(StrEnum):
    """Camera view override."""

    FRONT = "front"
    SIDE = "side"


class Format(StrEnum):
    """Output formats."""

    TABLE = "table"
    JSON = "json"


def _value_text(row: dict[str, Any]) -> str:
    if row["status"] != "measured":
        return "—"
    unit = {"deg": "°", "s": " s", "percent": " %", "steps_per_min": " steps/min"}.get(row["unit"], "")
    if row["answer"] is not None:
        return f"{row['answer']} ({row['value']:.1f})"
    # the ± of a movement metric is a design default or a published figure, never a Kinetrace-validated error
    return f"{row['value']:.1f}{unit} ± {row['error']:g}" + ("" if row["validated"] else " (not validated)")


def _norm_text(row: dict[str, Any]) -> str:
    if row["answer"] is not None and row["norm"] is not None:
        return f"threshold {row['norm']:g}"
    if row["outside_norm"] is None:
        if row["norm_needs_age"]:
            return "give --age"
        return f"within error of {row['norm']:g}" if row["norm"] is not None else ""
    return (f"[yellow]below norm ({row['norm']:g})[/yellow]" if row["outside_norm"]
            else f"within norm ({row['norm']:g})")


def _print_table(analysis: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    from kinetrace.metrics.movement import metric_table

    console = Console()
    console.print(f"[bold]{analysis.video.name}[/bold]: {analysis.test}, {analysis.view.value} view, side "
                  f"{analysis.side}; person in {analysis.frames_with_person}/{analysis.frames} frames; "
                  f"left/right swaps corrected in {analysis.swaps_corrected} frame(s)")
    table = Table(show_lines=False)
    for col in ("metric", "side", "value", "norm", "feeds", "status"):
        table.add_column(col)
    refused = []
    for row in metric_table(analysis.metrics):
        if row["status"] != "measured" and "view" in row["reason"]:
            refused.append(row["metric"])
            continue
        status = "ok" if row["status"] == "measured" else f"[red]not measurable[/red]: {row['reason']}"
        table.add_row(row["name"], row["side"], _value_text(row), _norm_text(row), row["feeds"] or "", status)
    console.print(table)
    if refused:
        other = "side" if analysis.view.value == "front" else "front"
        console.print(f"needs a {other} view (not measured here): {', '.join(sorted(set(refused)))}")
    for warning in analysis.warnings:
        if "not measurable" not in warning:
            console.print(f"[yellow]warning[/yellow]: {warning}")
    if analysis.outputs:
        console.print(f"outputs in {next(iter(analysis.outputs.values())).parent}: "
                      + ", ".join(p.name for p in analysis.outputs.values()))


def _as_json(analysis: Any) -> str:
    from kinetrace.metrics.movement import metric_table

    data = {"test": analysis.test, "video": analysis.video.name, "view": analysis.view.value,
            "side": analysis.side, "frames": analysis.frames, "frames_with_person": analysis.frames_with_person,
            "swaps_corrected": analysis.swaps_corrected, "metrics": metric_table(analysis.metrics),
            "findings": analysis.findings, "warnings": list(analysis.warnings),
            "outputs": {k: str(v) for k, v in analysis.outputs.items()}}
    return json.dumps(data, indent=2, ensure_ascii=False)


def register(app: typer.Typer) -> None:
    """Add `kinetrace movement` to the app."""

    @app.command()
    def movement(  # noqa: PLR0917 - Typer maps each CLI option to a parameter
        videos: list[Path] = typer.Argument(..., help="Video clip of the test (MP4, MOV, AVI, ...); several "
                                            "synchronised clips with --calibration for 3-D capture."),
        test: str = typer.Option(..., "--test", "-t", help="single_leg_stance, single_leg_squat, squat, "
                                 "overhead_reach, gait, seated_trunk_rotation or seated_hip_ir."),
        side: Side | None = typer.Option(None, "--side", help="Tested side (stance leg, reaching arm). "
                                         "Default: found from the movement."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Output folder (new, empty, or a previous "
                                        "output). Default: ./<video>-<test>/"),
        view: ViewChoice | None = typer.Option(None, "--view", help="front or side. Default: detected."),
        age: int | None = typer.Option(None, "--age", min=0, max=120, help="Age in years, for age norms."),
        model: str = typer.Option("full", "--model", help="Pose model: full (default) or lite (faster)."),
        fmt: Format = typer.Option(Format.TABLE, "--format", "-f", help="table (default) or json."),
        no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar."),
        calibration: Path | None = typer.Option(None, "--calibration", help="3-D capture: calibration of the "
                                                "cameras (.toml, .qca.txt, OpenCap .pickle)."),
        sync: Path | None = typer.Option(None, "--sync", help="3-D capture: offsets from `kinetrace capture sync`, "
                                     "or auto (from the 2-D poses and the calibration)."),
    ) -> None:
        """Measure a movement test from video: events, metrics with error and norms, findings, plots.

        Writes frames.csv/.parquet (per-frame angles and landmarks), summary.json, findings.yaml (case
        format, merge into a case), angles.png/.svg (angles over time with events) and contact_sheet.png
        (key frames with the skeleton). Nothing is written if the analysis fails.

        Examples:
          kinetrace movement walk.mp4 --test gait
          kinetrace movement stance.mp4 --test single_leg_stance --side left --age 64 --out stance/

        Exit status: 0 done; 2 bad input (unknown test, unreadable or still-image video, no person, clip too
        long); 1 other error.
        """
        if calibration is not None or len(videos) > 1:  # several cameras: the 3-D pipeline (kinetrace.capture)
            from kinetrace.cli.capture import run_movement_3d

            run_movement_3d(videos, calibration, test, out, sync_file=sync, model=model, as_json=fmt == Format.JSON)
            return
        from kinetrace.vision.video import analyse_video

        video = videos[0]
        target = out if out is not None else Path.cwd() / f"{video.stem}-{test}"
        analysis = analyse_video(video, test, side=side.value if side else None, out_dir=target,
                                 progress=not no_progress, view=view.value if view else None, age=age,
                                 model=model)
        if fmt == Format.JSON:
            typer.echo(_as_json(analysis))
        else:
            _print_table(analysis)
