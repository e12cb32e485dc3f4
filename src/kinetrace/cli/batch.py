"""`kinetrace batch`: assess many case files on a Dask cluster and write JSON Lines plus a CSV summary."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from kinetrace.cli.assess import ProfileName
from kinetrace.errors import InputError

if TYPE_CHECKING:
    from kinetrace.batch import BatchItem, BatchRecord

__all__ = ["register"]

_DEFAULT_WORKERS = 2
_LISTED_FAILURES = 10
_STRICT_EXIT = 3


@dataclass(frozen=True)
class _Options:
    out: Path | None
    manifest: Path | None
    workers: int | None
    scheduler: str | None
    profile: ProfileName
    progress: bool
    strict: bool


def _checked_out(options: _Options) -> Path:
    """Check the options that need no file access beyond --out; return the output folder."""
    out, workers = options.out, options.workers
    if out is None:
        raise InputError("--out", message="--out: missing; expected an output folder, e.g. --out results.")
    if workers is not None and workers < 1:
        raise InputError("--workers", workers, "a whole number of at least 1")
    if options.scheduler is not None and workers is not None:
        raise InputError("--workers", workers, "no --workers with --scheduler (the cluster sets its workers)")
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "a folder for the outputs (this is a file)")
    return out


def _items(cases: list[str], manifest: Path | None) -> list[BatchItem]:
    """Return the manifest's items, then every other case file named on the command line."""
    from kinetrace.batch import BatchItem, expand_inputs, read_manifest

    items = read_manifest(manifest) if manifest is not None else []
    if cases or not items:
        listed = {Path(item.path).resolve() for item in items}
        items += [BatchItem(path=str(f)) for f in expand_inputs(cases) if f.resolve() not in listed]
    return items


def _report(records: list[BatchRecord], written: str, elapsed_s: float) -> int:
    """Print the failed cases and a one-line tally on stderr; return how many failed."""
    failed = [r for r in records if not r.is_ok]
    for record in failed[:_LISTED_FAILURES]:
        message = record.error or ""
        shown = message if message.startswith(record.source) else f"{record.source}: {message}"
        typer.echo(f"failed: {shown}", err=True)
    if len(failed) > _LISTED_FAILURES:
        typer.echo(f"failed: … and {len(failed) - _LISTED_FAILURES} more (see the summary)", err=True)
    typer.echo(f"{len(records) - len(failed)} ok, {len(failed)} failed in {elapsed_s:.1f} s; wrote {written}",
               err=True)
    return len(failed)


def _warn_other_knowledge(records: list[BatchRecord]) -> None:
    """Warn when a cluster's workers assessed with another knowledge base than this install's."""
    from kinetrace.knowledge import load_knowledge

    local = load_knowledge().version
    other = [r for r in records if r.is_ok and r.assessment and r.assessment.get("kb_version") != local]
    if other:
        versions = ", ".join(sorted({str(r.assessment.get("kb_version")) for r in other if r.assessment}))
        typer.echo(f"warning: {len(other)} case(s) were assessed with knowledge base {versions}, not this "
                   f"install's {local}; install the same Kinetrace on the workers.", err=True)


def _batch(cases: list[str], options: _Options) -> None:
    from kinetrace.batch import run_batch, write_outputs

    out = _checked_out(options)
    items = _items(cases, options.manifest)
    start = time.perf_counter()
    workers = _DEFAULT_WORKERS if options.workers is None else options.workers
    records = run_batch(items, profile=options.profile.value, scheduler=options.scheduler, workers=workers,
                        progress=options.progress)
    outputs = write_outputs(records, out)
    if options.scheduler is not None:
        _warn_other_knowledge(records)
    failed = _report(records, f"{outputs.jsonl} and {outputs.summary}", time.perf_counter() - start)
    if options.strict and failed:
        raise typer.Exit(_STRICT_EXIT)


def register(app: typer.Typer) -> None:
    """Add `batch` to the CLI."""

    @app.command()
    def batch(  # noqa: PLR0917 - Typer reads the options from the parameters; it passes them by keyword
        cases: list[str] = typer.Argument(None, metavar="CASES_OR_GLOB", show_default=False,
                                          help="Case files, folders of case files, or glob patterns "
                                          "(quote a pattern to let kinetrace expand it; ** recurses)."),
        out: Path | None = typer.Option(None, "--out", "-o", show_default=False, help="Output folder "
                                        "(required; created if missing) for assessments.jsonl and summary.csv."),
        manifest: Path | None = typer.Option(None, "--manifest", "-m", show_default=False,
                                             help="CSV with the columns case, photos, videos, height_cm: "
                                             "photos (';'-separated) and CLIP:TEST clips to measure for each "
                                             "case before it is assessed; paths relative to the CSV."),
        workers: int | None = typer.Option(None, "--workers", "-w", show_default=False,
                                           help=f"Worker processes of the local cluster "
                                           f"(default {_DEFAULT_WORKERS})."),
        scheduler: str | None = typer.Option(None, "--scheduler", help="Address of a running Dask scheduler, "
                                             "e.g. tcp://10.0.0.5:8786, instead of a local cluster. Its workers "
                                             "need Kinetrace installed and the case files at the same paths."),
        profile: ProfileName = typer.Option(ProfileName.EVIDENCE, help="evidence (default) or seed."),
        progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
        strict: bool = typer.Option(False, "--strict", help=f"Exit {_STRICT_EXIT} if any case failed."),
    ) -> None:
        """Assess many cases in parallel; a failed case is recorded and the rest go on.

        Writes OUT/assessments.jsonl (one line per case: assessment or error)
        and OUT/summary.csv (case_id, source, status, action, top_item,
        probability, plan_size, message), each replaced atomically.

        Examples:
          kinetrace batch examples/*.yaml --out results
          kinetrace batch 'clinic/**/*.yaml' --out results --workers 4 --profile seed
          kinetrace batch --manifest visits.csv --out results
          kinetrace batch cases/ --out results --scheduler tcp://10.0.0.5:8786

        Manifest: case,photos,videos,height_cm
        then rows like cases/p01.yaml,side.jpg;front.jpg,sls.mp4:single_leg_stance,172

        Exit status: 0 done (failed cases are listed in the outputs),
        2 bad arguments, 1 other error; with --strict, 3 if any case failed.
        """
        options = _Options(out=out, manifest=manifest, workers=workers, scheduler=scheduler, profile=profile,
                           progress=progress, strict=strict)
        _batch(cases or [], options)
