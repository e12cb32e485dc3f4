"""`kinetrace demo` and `kinetrace assess`: run the façade on a case file and show the result."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from kinetrace.errors import InputError, KinetraceError

__all__ = ["register"]


class Format(StrEnum):
    """Output formats of `assess`."""

    TEXT = "text"
    JSON = "json"
    MARKDOWN = "markdown"


class ProfileName(StrEnum):
    """Reasoning profiles."""

    EVIDENCE = "evidence"
    SEED = "seed"


def _photo_findings(photos: list[Path], height_cm: float | None, landmarks: Path | None) -> dict[str, Any]:
    """Measure the photos; return their findings with per-photo spread and the landmarks-confirmed mark."""
    from kinetrace.intake.merge import add_photo_spread, mark_confirmed, merge_findings
    from kinetrace.metrics.catalogue import load_catalogue
    from kinetrace.vision.photo import analyse_photos

    analysis = analyse_photos(photos, height_cm=height_cm, overrides=landmarks)
    for warning in analysis.warnings:
        typer.echo(f"note: {warning}", err=True)
    catalogue = load_catalogue()
    per_photo = [(catalogue.metric(s.metric_id).test_id,
                  [m.value for m in s.measurements if m.value is not None and m.unit == s.unit])
                 for s in analysis.metrics]
    reviewed = set(_reviewed_photos(landmarks))
    measured = add_photo_spread(analysis.findings, per_photo)
    # values flagged "needs review" go into the case too, so the assessment shows them, never as evidence
    flagged = merge_findings({"findings": measured}, getattr(analysis, "review", {}))["findings"]
    return mark_confirmed(flagged, reviewed)


def _reviewed_photos(landmarks: Path | None) -> list[str]:
    """File names whose landmarks the --landmarks file corrects or confirms (its top-level keys)."""
    if landmarks is None:
        return []
    from kinetrace.vision.overrides import load_overrides

    return [Path(name).name for name in load_overrides(landmarks)]


def _media_findings(photos: list[Path], videos: list[str], height_cm: float | None,
                    landmarks: Path | None = None) -> tuple[dict[str, Any], list[str]]:
    from kinetrace.intake.merge import merge_findings, unreviewed_tests

    found: dict[str, Any] = {}
    sources: list[str] = []
    if photos:
        measured = _photo_findings(photos, height_cm, landmarks)
        unreviewed = unreviewed_tests(measured)
        if unreviewed:
            typer.echo(f"note: photo landmarks not reviewed for {', '.join(unreviewed)}; check them with "
                       "`kinetrace posture PHOTO --annotate DIR` and pass corrections with --landmarks", err=True)
        found = merge_findings({"findings": found}, measured)["findings"]
        sources.append(f"{len(photos)} photo(s)")
    for spec in videos:
        path_text, _, test = spec.rpartition(":")
        if not path_text or not test:
            raise InputError("--videos", spec, "VIDEO:TEST, e.g. clip.mp4:single_leg_stance")
        from kinetrace.vision.video import analyse_video

        movement = analyse_video(Path(path_text), test)
        found = merge_findings({"findings": found}, movement.findings)["findings"]
        sources.append(f"video {Path(path_text).name} ({test})")
    return found, sources


def _run(case_path: Path, fmt: Format, profile: ProfileName, photos: list[Path], videos: list[str],
         out: Path | None, *, height_cm: float | None = None, uncertainty: bool = False,
         elicitation: Path | None = None, landmarks: Path | None = None) -> None:
    """Run one assessment; an unexpected internal failure becomes one `Error:` line (traceback with --debug)."""
    try:
        _run_checked(case_path, fmt, profile, photos, videos, out, height_cm=height_cm, uncertainty=uncertainty,
                     elicitation=elicitation, landmarks=landmarks)
    except (KinetraceError, typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 (the one place an unforeseen failure is turned into a clear line)
        raise KinetraceError(f"internal error while assessing {case_path.name}: {type(exc).__name__}: {exc}. "
                             "Nothing was written; run with --debug for the traceback and report it.") from exc


def _run_checked(case_path: Path, fmt: Format, profile: ProfileName, photos: list[Path], videos: list[str],
                 out: Path | None, *, height_cm: float | None = None, uncertainty: bool = False,
                 elicitation: Path | None = None, landmarks: Path | None = None) -> None:
    from rich.console import Console

    from kinetrace.assessment import assess
    from kinetrace.cli.kb import with_elicitation
    from kinetrace.cli.render import print_assessment, to_markdown
    from kinetrace.intake.load import load_case, parse_case, read_case_data
    from kinetrace.intake.merge import merge_findings
    from kinetrace.knowledge import load_knowledge

    kb = with_elicitation(load_knowledge(), elicitation)
    if photos or videos:
        data = read_case_data(case_path)
        extra, sources = _media_findings(photos, videos, height_cm, landmarks)
        case = parse_case(merge_findings(data, extra, source=", ".join(sources)), source=str(case_path))
    else:
        case = load_case(case_path)
    result = assess(case, kb, profile=profile.value, uncertainty=uncertainty)
    if fmt == Format.JSON:
        text = json.dumps(result.model_dump(mode="json", by_alias=True), indent=2, ensure_ascii=False)
    elif fmt == Format.MARKDOWN:
        text = to_markdown(result)
    else:
        text = ""
    if out is not None:
        if fmt == Format.TEXT:
            console = Console(record=True, width=120, file=open("/dev/null", "w"))  # noqa: SIM115
            print_assessment(result, console)
            text = console.export_text()
        tmp = out.with_name(out.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)
        typer.echo(f"wrote {out}", err=True)
        return
    if fmt == Format.TEXT:
        print_assessment(result, Console())
    else:
        typer.echo(text)


def register(app: typer.Typer) -> None:
    """Add `demo` and `assess` to the CLI."""

    @app.command()
    def demo(
        fmt: Format = typer.Option(Format.TEXT, "--format", "-f", help="text, json or markdown."),
        profile: ProfileName = typer.Option(ProfileName.EVIDENCE, help="evidence (default) or seed."),
    ) -> None:
        """Assess the built-in demo case (rotation-provoked low back pain) — no setup needed.

        Example: kinetrace demo --format markdown
        """
        from kinetrace.demo_cases import demo_case_path

        _run(demo_case_path(), fmt, profile, [], [], None)

    @app.command()
    def assess(
        case: Path = typer.Argument(..., help="Case file (YAML or JSON, schema kinetrace.case/1)."),
        fmt: Format = typer.Option(Format.TEXT, "--format", "-f", help="text (default), json or markdown."),
        profile: ProfileName = typer.Option(ProfileName.EVIDENCE, help="evidence (default): links weighted by "
                                            "evidence grade; seed: the seed articles' chains at face value."),
        photos: list[Path] = typer.Option([], "--photos", help="Posture photos to measure and merge (repeatable)."),
        videos: list[str] = typer.Option([], "--videos", help="VIDEO:TEST clips to measure and merge, e.g. "
                                         "clip.mp4:single_leg_stance (repeatable)."),
        height_cm: float | None = typer.Option(None, "--height-cm", min=50, max=250,
                                               help="Person's height, to give photo translations in mm."),
        landmarks: Path | None = typer.Option(None, "--landmarks", help="JSON of landmark corrections per photo "
                                              "(as `posture --landmarks`); photos named in it count as reviewed."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Write the output to this file."),
        uncertainty: bool = typer.Option(False, "--uncertainty", help="Show each ranked item's interval over the "
                                         "plausible ranges of the design-default numbers, and whether the top "
                                         "is robust to them."),
        elicitation: Path | None = typer.Option(None, "--elicitation", help="A clinic's own values for the "
                                                "design-default numbers (docs/elicitation.md)."),
    ) -> None:
        """Assess one case: red-flag triage first, then findings, ranked contributors with chains, plan.

        Examples:
          kinetrace assess examples/seed_003_hip_ir_rotation.yaml
          kinetrace assess case.yaml --format json --profile seed
          kinetrace assess case.yaml --photos side.jpg --photos front.jpg
          kinetrace assess case.yaml --uncertainty --elicitation clinic.yaml

        Exit status: 0 done, 2 bad input (the message names the field), 1 other error.
        """
        _run(case, fmt, profile, photos, videos, out, height_cm=height_cm, uncertainty=uncertainty,
             elicitation=elicitation, landmarks=landmarks)
