"""`kinetrace posture`: measure posture on photos, print the metrics, optionally write JSON, CSV and annotated
copies."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer

__all__ = ["register"]

EXIT_SOME_FAILED = 3


def _value_text(value: float | None, unit: str, unc: float | None) -> str:
    if value is None:
        return "—"
    u = "°" if unit == "deg" else f" {unit}"
    return f"{value:+.1f}{u}" + (f" ± {unc:.1f}" if unc is not None else " (not validated)")


def _print_table(analysis: Any) -> None:
    from rich.console import Console

    console = Console()  # the terminal's width (80 columns when not a terminal)
    for p in analysis.photos:
        if not p.ok:
            continue
        detected = p.view_detected.view if p.view_detected else None
        view = f"{p.view or 'unknown'} view" + (f" (detected: {detected})" if p.view_given else " (detected)")
        console.print(
            f"[bold]{_esc(p.source)}[/bold]: {view}, {p.people_detected} person(s) found"
            + (f", annotated → {p.annotated}" if p.annotated else "")
        )
        for gate in p.refused_by:
            console.print(f"  [red]refused[/red] by gate {_esc(gate.message)}")
    if any(p.ok and not p.refused_by for p in analysis.photos):
        _print_metrics(analysis, console)
    else:
        console.print("No metric measured: no photo passed the capture gates (reasons above).")
    for w in analysis.warnings:
        if not w.startswith("not used:") and ": refused, not measured: " not in w:
            console.print(f"[yellow]warning[/yellow]: {_esc(w)}")


def _print_metrics(analysis: Any, console: Any) -> None:
    """The measured metrics as a table; those not measurable listed once per reason below it."""
    from rich.table import Table

    from kinetrace.metrics.posture import Status

    table = Table(title="Posture metrics (photos averaged; ± = validated 1-SD total error, README: accuracy)")
    for col in ("metric", "side", "value", "n", "SD", "views", "status"):
        table.add_column(col, overflow="fold")
    unmeasured: dict[str, list[str]] = {}
    for s in analysis.metrics:
        if s.status is not Status.OK:
            names = unmeasured.setdefault(_reason(s.reason), [])
            if s.name not in names:
                names.append(s.name)
            continue
        side = s.side.value if s.side.value != "none" else (s.direction.value if s.direction.value != "none" else "")
        shown = abs(s.value) if s.direction.value != "none" and s.value is not None else s.value
        spread = f"{s.spread_sd:.1f}" if s.spread_sd is not None else ""
        status = "[yellow]needs review[/yellow]" if s.review else "ok"
        value = _value_text(shown, s.unit, s.uncertainty)
        table.add_row(_esc(s.name), side, value, str(s.n), spread, "/".join(s.views), status)
    if table.row_count:
        console.print(table)
    for reason, names in unmeasured.items():
        console.print(f"[red]not measurable[/red] ({reason}): {_esc(', '.join(names))}")


def _reason(reason: str) -> str:
    """A metric's reasons, short: a capture-gate refusal is already printed once per photo above the table."""
    parts = dict.fromkeys(
        "a photo refused by a capture gate (above)" if part.startswith("photo refused by capture gate") else part
        for part in reason.split(" | ")
    )
    return _esc("; ".join(parts))


def _esc(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def register(app: typer.Typer) -> None:
    """Add `kinetrace posture` to the app."""

    @app.command()
    def posture(  # noqa: PLR0917 - Typer maps each CLI option to a parameter
        photos: list[Path] = typer.Argument(..., help="Photos of the person standing (JPEG, PNG, ...)."),
        view: list[str] = typer.Option(
            [],
            "--view",
            help="front, back, left or right: once for all photos or "
            "once per photo, in order. Default: detected from the landmarks.",
        ),
        annotate: Path | None = typer.Option(None, "--annotate", help="Write annotated copies (no EXIF) here."),
        height_cm: float | None = typer.Option(None, "--height-cm", help="Standing height, for distances in mm."),
        as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
        csv_path: Path | None = typer.Option(None, "--csv", help="Write per-photo and averaged metrics as CSV."),
        landmarks: Path | None = typer.Option(
            None,
            "--landmarks",
            help='JSON of corrections per photo, in its pixels: {"side.jpg": {"left_ear": [412, 230]}}; '
            'also "_vertical": two \\[x, y] points on a true vertical (corrects camera roll) and '
            '"_scale": {"a": \\[x, y], "b": \\[x, y], "mm": 1000} (a known distance).',
        ),
        blur_faces: bool = typer.Option(False, "--blur-faces", help="Blur faces in the annotated copies."),
        model: str | None = typer.Option(
            None, "--model", help="Pose model: heavy (default for photos; most accurate), full or lite (faster). "
            "Default also settable with KINETRACE_POSE_MODEL."),
    ) -> None:
        """Measure posture from photos: head, shoulders, pelvis, trunk, knees; say what each view cannot show.

        Examples:
          kinetrace posture side.jpg front.jpg --height-cm 172 --annotate out/
          kinetrace posture a.jpg b.jpg --view left --view front --json
          kinetrace posture side.jpg --landmarks fixes.json --csv posture.csv

        Exit status: 0 all photos used; 3 some unusable or refused by a capture gate (one Error line each,
        the rest reported); 2 bad input or no photo usable (results and gate reasons are still printed);
        1 other error.
        """
        from kinetrace.errors import MediaError
        from kinetrace.vision.backends import pose_estimator
        from kinetrace.vision.photo import analyse_photos
        from kinetrace.vision.photo_export import analysis_to_csv, analysis_to_dict, write_text_atomic

        estimator = pose_estimator("photo", model=model)
        try:
            analysis = analyse_photos(
                photos,
                views=view or None,
                height_cm=height_cm,
                overrides=landmarks,
                annotate_dir=annotate,
                blur_faces=blur_faces,
                estimator=estimator,
            )
        finally:
            estimator.close()
        for failed in analysis.failures:
            typer.echo(f"Error: {failed.error}", err=True)
        if len(analysis.failures) == len(analysis.photos):
            raise MediaError("photos", None, message="no photo could be used")
        refused = [p for p in analysis.photos if p.ok and p.refused_by]
        if csv_path is not None:
            write_text_atomic(analysis_to_csv(analysis), csv_path)
        if as_json:
            sys.stdout.write(json.dumps(analysis_to_dict(analysis), indent=2, ensure_ascii=False) + "\n")
        else:
            _print_table(analysis)
        for p in refused:
            gates = ", ".join(g.gate for g in p.refused_by)
            typer.echo(f"Error: {p.source}: refused by capture gate(s) {gates}; not measured", err=True)
        if len(analysis.failures) + len(refused) == len(analysis.photos):
            raise MediaError("photos", None, message="no photo passed the capture gates")
        if analysis.failures or refused:
            raise SystemExit(EXIT_SOME_FAILED)
