"""The `kinetrace` command: one Typer app; each command group lives in its own module.

Errors: a `KinetraceError` is caught once, here. Input errors print `Error: <message>` on stderr and exit 2;
anything else exits 1. `--debug` shows the traceback (never with local variables).
"""

from __future__ import annotations

import importlib
import sys

import typer

from kinetrace.errors import InputError, KinetraceError

__all__ = ["app", "main"]

# Command-group modules; each defines `register(app)`. Heavy imports stay inside the commands.
GROUP_MODULES: tuple[str, ...] = (
    "kinetrace.cli.assess",
    "kinetrace.cli.kb",
    "kinetrace.cli.posture",
    "kinetrace.cli.movement",
    "kinetrace.cli.serve",
    "kinetrace.cli.report",
    "kinetrace.cli.batch",
)

app = typer.Typer(
    name="kinetrace",
    help="Trace neck and back pain through the kinetic chain: triage, findings, ranked contributors, plan.\n\n"
    "Start with `kinetrace demo`, then `kinetrace assess examples/seed_003_hip_ir_rotation.yaml`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root(debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors.")) -> None:
    # `main` reads --debug from the arguments before Typer runs (it must know before any error); the option is
    # declared here so that Typer accepts it and `--help` lists it.
    del debug


def _register_groups() -> None:
    # every listed group must import: a missing or broken module is an error, never a silently absent command
    for name in GROUP_MODULES:
        importlib.import_module(name).register(app)


_register_groups()


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map Kinetrace errors to exit codes 2 (input) and 1 (other).

    Usage errors (unknown option, missing argument) are reported by Typer itself with exit status 2.
    """
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        app(args=argv, prog_name="kinetrace")
    except KinetraceError as exc:
        if debug:
            raise
        typer.echo(f"Error: {exc}", err=True)
        raise SystemExit(2 if isinstance(exc, InputError) else 1) from None
