"""`kinetrace report`, `kinetrace export` and `kinetrace import`: reports, exports and motion-capture imports.

Each command reads a case (assessed here with the same façade as `kinetrace assess`) or a saved result
(`kinetrace assess CASE --format json`), and writes its files atomically. Heavy imports stay inside commands.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from kinetrace.errors import InputError

__all__ = ["register"]

_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}
_MAX_IMAGE_PX = 900  # embedded pictures are downscaled so the PDF stays small and fast


class AudienceName(StrEnum):
    """Who the report is for."""

    CLINICIAN = "clinician"
    PATIENT = "patient"


class ProfileName(StrEnum):
    """Reasoning profiles (used when the input is a case)."""

    EVIDENCE = "evidence"
    SEED = "seed"


class ImportFormat(StrEnum):
    """How `import` prints the findings."""

    YAML = "yaml"
    JSON = "json"


def _read_subject(path: Path, kb: Any, profile: str) -> tuple[Any, Any]:
    """Return (assessment, case or None) for a case file or a saved assessment JSON."""
    from kinetrace.intake.load import load_case, read_case_data

    data = read_case_data(path)
    if isinstance(data, dict) and data.get("schema") == "kinetrace.assessment/1":
        from kinetrace.exports import parse_assessment_json

        return parse_assessment_json(data, source=path.name), None
    from kinetrace.assessment import assess

    case = load_case(path)
    return assess(case, kb, profile=profile, uncertainty=True), case


def _data_uri(path: Path) -> str:
    """Return the picture as a JPEG/PNG data URI, downscaled to at most `_MAX_IMAGE_PX` on its long side."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.thumbnail((_MAX_IMAGE_PX, _MAX_IMAGE_PX))
            buf = io.BytesIO()
            kind = "PNG" if img.mode in {"RGBA", "LA", "P"} else "JPEG"
            img.save(buf, format=kind, quality=85)
    except (OSError, UnidentifiedImageError) as exc:
        raise InputError(str(path), None, message=f"{path}: not a readable JPEG or PNG picture.") from exc
    mime = "image/png" if kind == "PNG" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(buf.getvalue()).decode('ascii')}"


def _pictures_for(kind: str, name: str, base: Path) -> list[tuple[Path, str]]:
    """Pictures the photo and video tools left beside a case for one finding source.

    A photo prefers its annotated copy (`<stem>_posture.jpg`, from `kinetrace posture --annotate`); a video brings
    its angle plot and key-frame sheet (from `kinetrace movement`, folder `<stem>-<test>/`).
    """
    source = base / name
    if kind == "photo":
        annotated = source.with_name(f"{source.stem}_posture.jpg")
        if annotated.is_file():
            return [(annotated, f"{source.name}, annotated")]
        return [(source, source.name)] if source.suffix.lower() in _IMAGE_SUFFIXES and source.is_file() else []
    if kind == "video":
        found = []
        for folder in sorted(base.glob(f"{source.stem}-*")):
            for file, what in (("angles.png", "joint angles"), ("contact_sheet.png", "key frames")):
                if (folder / file).is_file():
                    found.append((folder / file, f"{source.name}: {what}"))
        return found
    return []


def _photos(assessment: Any, base: Path, extra: list[Path]) -> list[Any]:
    """Pictures for the report: those named by finding sources (photo:NAME, video:NAME) and --image files."""
    from kinetrace.reports import PhotoView

    found: dict[Path, str] = {}
    for f in assessment.findings:
        for src in (f.source or "").split(","):
            kind, _, name = src.strip().partition(":")
            for path, caption in _pictures_for(kind, name.strip(), base):
                found.setdefault(path, f"{caption} ({f.name})")
    for path in extra:
        found.setdefault(path, path.name)
    return [PhotoView(caption=caption, data_uri=_data_uri(p)) for p, caption in found.items()]


def _photo_pairs(before: list[Any], after: list[Any]) -> list[Any]:
    from kinetrace.reports import PhotoPair

    return [PhotoPair(caption=a.caption, before_uri=b.data_uri, after_uri=a.data_uri)
            for b, a in zip(before, after, strict=False)]


def _write(path: Path, data: bytes | str) -> None:
    from kinetrace.reports import write_atomic

    write_atomic(path, data.encode("utf-8") if isinstance(data, str) else data)
    typer.echo(f"wrote {path}", err=True)


def _report(subject: Path, *, pdf: Path | None, html: Path | None, audience: AudienceName,
            profile: ProfileName, previous: Path | None, images: list[Path]) -> None:
    if pdf is None and html is None:
        raise InputError("--pdf", None, "an output file: give --pdf OUT.pdf and/or --html OUT.html")
    from kinetrace.knowledge import load_knowledge
    from kinetrace.reports import compose_report, model_html, model_pdf

    kb = load_knowledge()
    assessment, case = _read_subject(subject, kb, profile.value)
    photos = _photos(assessment, subject.parent, images)
    options: dict[str, Any] = {}
    if previous is not None:
        before, _ = _read_subject(previous, kb, profile.value)
        options = {"previous": before,
                   "photo_pairs": _photo_pairs(_photos(before, previous.parent, []), photos)}
    today = dt.date.today().strftime("%d %b %Y").lstrip("0")
    model = compose_report(assessment, audience=audience.value, generated_on=today, kb=kb, case=case,
                           photos=photos, **options)
    if html is not None:
        _write(html, model_html(model))
    if pdf is not None:
        _write(pdf, model_pdf(model))


def _export(subject: Path, fhir: Path | None, json_out: Path | None, csv_out: Path | None,
            profile: ProfileName) -> None:
    if fhir is None and json_out is None and csv_out is None:
        raise InputError("--fhir", None, "at least one output: --fhir OUT.json, --json OUT.json or --csv OUT.csv")
    from kinetrace.exports import assessment_json, fhir_bundle_json, measurements_csv
    from kinetrace.knowledge import load_knowledge

    kb = load_knowledge()
    assessment, case = _read_subject(subject, kb, profile.value)
    if json_out is not None:
        _write(json_out, assessment_json(assessment))
    if csv_out is not None:
        _write(csv_out, measurements_csv(assessment))
    if fhir is not None:
        issued = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        _write(fhir, fhir_bundle_json(assessment, issued=issued, case=case, kb=kb))


def _merge_findings(case_data: dict[str, Any], extra: dict[str, Any], source: str) -> dict[str, Any]:
    """Return the case with `extra` findings added; a test already present keeps both entries."""
    findings = dict(case_data.get("findings") or {})
    for test_id, entry in extra.items():
        if test_id in findings:
            current = findings[test_id]
            findings[test_id] = [*(current if isinstance(current, list) else [current]), entry]
        else:
            findings[test_id] = entry
    notes = (str(case_data.get("notes") or "") + f"\nfindings imported from {source}").strip()
    return {**case_data, "findings": findings, "notes": notes}


def _import(file: Path, trial: str, into: Path | None, out: Path | None, fmt: ImportFormat) -> None:
    import yaml

    from kinetrace.imports import import_motion

    result = import_motion(file, trial=trial)
    for warning in result.warnings:
        typer.echo(f"note: {warning}", err=True)
    payload: dict[str, Any] = {"findings": result.findings}
    if into is not None:
        from kinetrace.intake.load import parse_case, read_case_data

        payload = _merge_findings(read_case_data(into), result.findings, result.source)
        parse_case(payload, source=str(into))  # the merged case must still be a valid case
    if fmt == ImportFormat.JSON:
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(payload, sort_keys=False, allow_unicode=True)
    if out is None:
        typer.echo(text, nl=False)
    else:
        _write(out, text)
    typer.echo(f"{len(result.findings)} finding(s) from {result.source} ({result.file_format}, "
               f"{result.n_frames} frames, trial: {result.trial})", err=True)


def register(app: typer.Typer) -> None:
    """Add `report`, `export` and `import` to the CLI."""

    @app.command()
    def report(
        subject: Path = typer.Argument(..., help="A case file (YAML/JSON) or a saved result (assess --format json)."),
        *,
        pdf: Path | None = typer.Option(None, "--pdf", help="Write the PDF report here."),
        html: Path | None = typer.Option(None, "--html", help="Write the HTML report here."),
        audience: AudienceName = typer.Option(AudienceName.CLINICIAN, help="clinician (default) or patient."),
        profile: ProfileName = typer.Option(ProfileName.EVIDENCE, help="Reasoning profile when SUBJECT is a case."),
        previous: Path | None = typer.Option(None, "--previous", help="An earlier visit (case or result): adds "
                                             "the reassessment comparison against measurement error."),
        images: list[Path] = typer.Option([], "--image", help="Extra picture to include (repeatable)."),
    ) -> None:
        """Write a clinician or patient report (PDF and/or HTML), rendered offline.

        Examples:
          kinetrace report src/kinetrace/examples/demo.yaml --pdf demo.pdf
          kinetrace report visit2.yaml --previous visit1.yaml --pdf progress.pdf --audience patient

        Exit status: 0 done, 2 bad input (the message names the field), 1 other error.
        """
        _report(subject, pdf=pdf, html=html, audience=audience, profile=profile, previous=previous, images=images)

    @app.command()
    def export(
        subject: Path = typer.Argument(..., help="A case file (YAML/JSON) or a saved result (assess --format json)."),
        fhir: Path | None = typer.Option(None, "--fhir", help="Write a FHIR R4 Bundle (JSON) here."),
        json_out: Path | None = typer.Option(None, "--json", help="Write the versioned assessment JSON here."),
        csv_out: Path | None = typer.Option(None, "--csv", help="Write the measurements as CSV here."),
        profile: ProfileName = typer.Option(ProfileName.EVIDENCE, help="Reasoning profile when SUBJECT is a case."),
    ) -> None:
        """Export an assessment as FHIR R4, versioned JSON (schema: kinetrace.assessment/1) or CSV.

        Examples:
          kinetrace export src/kinetrace/examples/demo.yaml --fhir demo.fhir.json
          kinetrace export result.json --json out.json --csv measurements.csv

        Exit status: 0 done, 2 bad input, 1 other error.
        """
        _export(subject, fhir, json_out, csv_out, profile)

    @app.command(name="import")
    def import_(
        file: Path = typer.Argument(..., help="Motion-capture file: .trc, .c3d, .mot or .sto."),
        trial: str = typer.Option("standing", "--trial", help="What the person did: standing (markers or "
                                  "coordinates), or for .mot/.sto: overhead_reach, hip_ir_prone, hip_ir_seated, "
                                  "hip_ir_supine, hip_extension."),
        into: Path | None = typer.Option(None, "--into", help="Merge the findings into this case file."),
        out: Path | None = typer.Option(None, "--out", "-o", help="Write here instead of printing."),
        fmt: ImportFormat = typer.Option(ImportFormat.YAML, "--format", "-f", help="yaml (default) or json."),
    ) -> None:
        """Read motion capture (OpenSim, OpenCap, Pose2Sim, C3D) into case findings that `assess` uses.

        Examples:
          kinetrace import standing.trc
          kinetrace import ik.mot --trial hip_ir_prone --into case.yaml --out case_with_mocap.yaml
          kinetrace assess case_with_mocap.yaml

        Exit status: 0 done, 2 unreadable or malformed file (the message names the problem), 1 other error.
        """
        _import(file, trial, into, out, fmt)
