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


def _merge(case_data: dict[str, Any], extra: dict[str, Any], source: str) -> dict[str, Any]:
    findings = dict(case_data.get("findings") or {})
    for test_id, entry in extra.items():
        if test_id not in findings:
            findings[test_id] = entry
            continue
        current = findings[test_id]
        current_list = current if isinstance(current, list) else [current]
        new_list = entry if isinstance(entry, list) else [entry]
        findings[test_id] = [*current_list, *new_list]
    merged = dict(case_data)
    merged["findings"] = findings
    notes = merged.get("notes") or ""
    merged["notes"] = (notes + f"\nfindings merged from {source}").strip()
    return merged


def _media_findings(photos: list[Path], videos: list[str], height_cm: float | None
                    ) -> tuple[dict[str, Any], list[str]]:
    found: dict[str, Any] = {}
    sources: list[str] = []
    if photos:
        from kinetrace.vision.photo import analyse_photos

        analysis = analyse_photos(photos, height_cm=height_cm)
        for test_id, entry in analysis.findings.items():
            found.setdefault(test_id, [])
            found[test_id] += entry if isinstance(entry, list) else [entry]
        sources.append(f"{len(photos)} photo(s)")
    for spec in videos:
        path_text, _, test = spec.rpartition(":")
        if not path_text or not test:
            raise InputError("--videos", spec, "VIDEO:TEST, e.g. clip.mp4:single_leg_stance")
        from kinetrace.vision.video import analyse_video

        movement = analyse_video(Path(path_text), test)
        for test_id, entry in movement.findings.items():
            found.setdefault(test_id, [])
            found[test_id] += entry if isinstance(entry, list) else [entry]
        sources.append(f"video {Path(path_text).name} ({test})")
    return found, sources


def _run(case_path: Path, fmt: Format, profile: ProfileName, photos: list[Path], videos: list[str],
         out: Path | None, *, height_cm: float | None = None, uncertainty: bool = False,
         elicitation: Path | None = None) -> None:
    """Run one assessment; an unexpected internal failure becomes one `Error:` line (traceback with --debug)."""
    try:
        _run_checked(case_path, fmt, profile, photos, videos, out, height_cm=height_cm, uncertainty=uncertainty,
                     elicitation=elicitation)
    except (KinetraceError, typer.Exit, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 (the one place an unforeseen failure is turned into a clear line)
        raise KinetraceError(f"internal error while assessing {case_path.name}: {type(exc).__name__}: {exc}. "
                             "Nothing was written; run with --debug for the traceback and report it.") from exc


def _run_checked(case_path: Path, fmt: Format, profile: ProfileName, photos: list[Path], videos: list[str],
                 out: Path | None, *, height_cm: float | None = None, uncertainty: bool = False,
                 elicitation: Path | None = None) -> None:
    from rich.console import Console

    from kinetrace.assessment import assess
    from kinetrace.cli.kb import with_elicitation
    from kinetrace.cli.render import print_assessment, to_markdown
    from kinetrace.intake.load import load_case, parse_case, read_case_data
    from kinetrace.knowledge import load_knowledge

    kb = with_elicitation(load_knowledge(), elicitation)
    if photos or videos:
        data = read_case_data(case_path)
        extra, sources = _media_findings(photos, videos, height_cm)
        case = parse_case(_merge(data, extra, ", ".join(sources)), source=str(case_path))
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
             elicitation=elicitation)
