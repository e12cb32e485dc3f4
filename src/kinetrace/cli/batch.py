"""`kinetrace batch`: assess many case files on a Dask cluster and write JSON Lines plus a CSV summary."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from kinetrace.cli.assess import ProfileName
from kinetrace.errors import InputError

__all__ = ["register"]

_DEFAULT_WORKERS = 2
_LISTED_FAILURES = 10
_STRICT_EXIT = 3


def _batch(cases: list[str], *, out: Path | None, workers: int | None, scheduler: str | None, profile: ProfileName,
           progress: bool, strict: bool) -> None:
    from kinetrace.batch import expand_inputs, run_batch, write_outputs

    if out is None:
        raise InputError("--out", message="--out: missing; expected an output folder, e.g. --out results.")
    if workers is not None and workers < 1:
        raise InputError("--workers", workers, "a whole number of at least 1")
    if scheduler is not None and workers is not None:
        raise InputError("--workers", workers, "no --workers with --scheduler (the cluster sets its workers)")
    if out.exists() and not out.is_dir():
        raise InputError("--out", str(out), "a folder for the outputs (this is a file)")
    files = expand_inputs(cases)
    start = time.perf_counter()
    records = run_batch(files, profile=profile.value, scheduler=scheduler,
                        workers=_DEFAULT_WORKERS if workers is None else workers, progress=progress)
    outputs = write_outputs(records, out)
    failed = [r for r in records if not r.is_ok]
    for record in failed[:_LISTED_FAILURES]:
        message = record.error or ""
        typer.echo(f"failed: {message if message.startswith(record.source) else f'{record.source}: {message}'}",
                   err=True)
    if len(failed) > _LISTED_FAILURES:
        typer.echo(f"failed: … and {len(failed) - _LISTED_FAILURES} more (see {outputs.summary})", err=True)
    elapsed_s = time.perf_counter() - start
    typer.echo(f"{len(records) - len(failed)} ok, {len(failed)} failed in {elapsed_s:.1f} s; "
               f"wrote {outputs.jsonl} and {outputs.summary}", err=True)
    if strict and failed:
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
          kinetrace batch cases/ --out results --scheduler tcp://10.0.0.5:8786

        Exit status: 0 done (failed cases are listed in the outputs),
        2 bad arguments, 1 other error; with --strict, 3 if any case failed.
        """
        _batch(cases or [], out=out, workers=workers, scheduler=scheduler, profile=profile, progress=progress,
               strict=strict)
