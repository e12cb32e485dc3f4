"""The `kinetrace` command: one Typer app; each command group lives in its own module.

Errors: a `KinetraceError` is caught once, here. Input errors print `Error: <message>` on stderr and exit 2;
anything else exits 1. `--debug` shows the traceback (never with local variables).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

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
    "kinetrace.cli.capture",
)

app = typer.Typer(
    name="kinetrace",
    help="Trace neck and back pain through the kinetic chain: triage, findings, ranked contributors, plan.\n\n"
    "Start with `kinetrace demo`, then `kinetrace assess examples/seed_003_hip_ir_rotation.yaml`.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _hide_flag_placeholders() -> None:
    """Show on/off flags in `--help` without a `<bool>` type column (Typer 0.29 prints one for every flag)."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich
    if getattr(shown, "_kinetrace", False):
        return

    def display_type_rich(self: TyperOption, ctx: typer.Context) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    display_type_rich._kinetrace = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign,assignment]


_hide_flag_placeholders()


def _reflow_help_paragraphs() -> None:
    """Let `--help` re-wrap prose paragraphs to the terminal (Typer 0.29 keeps the docstrings' hard line breaks,
    which leaves ragged half-lines at 80 columns); paragraphs with indented lines (examples) keep their lines."""
    from typer import rich_utils

    fix = getattr(rich_utils, "_fix_linebreaks", None)
    if fix is None or getattr(fix, "_kinetrace", False):
        return

    def reflow(paragraphs: list[str], markup_mode: Any) -> str:
        out = []
        for para in paragraphs:
            lines = para.split("\n")
            keep = any(line[:1] in (" ", "\t", "-", "*", "•") for line in lines)
            out.append(para if keep else " ".join(line.strip() for line in lines))
        return str(fix(out, markup_mode))

    reflow._kinetrace = True  # type: ignore[attr-defined]
    rich_utils._fix_linebreaks = reflow


def _reflow_when_help_is_shown() -> None:
    """Apply `_reflow_help_paragraphs` the first time a help page is formatted, not at start-up: importing Typer's
    help renderer pulls in rich's Markdown, Syntax (Pygments) and traceback modules, about 0.2 s on every command."""
    from typer.core import TyperCommand, TyperGroup

    for cls in (TyperCommand, TyperGroup):
        shown = cls.format_help
        if getattr(shown, "_kinetrace", False):
            continue

        def format_help(self: Any, ctx: Any, formatter: Any, _shown: Any = shown) -> None:
            _reflow_help_paragraphs()
            _shown(self, ctx, formatter)

        format_help._kinetrace = True  # type: ignore[attr-defined]
        cls.format_help = format_help  # type: ignore[method-assign]


_reflow_when_help_is_shown()


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


# Which optional extra provides each third-party package a command may import (pyproject.toml extras).
EXTRA_OF_MODULE: dict[str, str] = {
    "weasyprint": "reports", "jinja2": "reports", "fhir": "reports", "ezc3d": "reports", "matplotlib": "reports",
    "mediapipe": "vision", "cv2": "vision", "PIL": "vision", "pyarrow": "vision", "scipy": "vision",
    "fastapi": "web", "uvicorn": "web", "sqlalchemy": "web", "alembic": "web", "multipart": "web",
    "argon2": "web", "itsdangerous": "web", "psycopg": "web", "starlette": "web",
    "dask": "batch", "distributed": "batch",
}


def missing_extra_message(exc: ModuleNotFoundError, args: list[str]) -> str | None:
    """One line naming the missing optional extra and how to install it, or None for another missing module."""
    top = (exc.name or "").split(".")[0]
    extra = EXTRA_OF_MODULE.get(top)
    if extra is None:
        return None
    command = next((a for a in args if not a.startswith("-")), "this command")
    return (f"Error: `kinetrace {command}` needs the optional '{extra}' dependencies ({exc.name} is not installed); "
            f"install them with: pip install 'kinetrace[{extra}]' (or 'kinetrace[all]').")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; map Kinetrace errors to exit codes 2 (input) and 1 (other).

    Usage errors (unknown option, missing argument) are reported by Typer itself with exit status 2, and so is a
    command run without the optional extra it needs (one line with the install command; `--debug` shows the
    traceback).
    """
    args = argv if argv is not None else sys.argv[1:]
    debug = "--debug" in args
    try:
        app(args=argv, prog_name="kinetrace")
    except KinetraceError as exc:
        if debug:
            raise
        typer.echo(f"Error: {exc}", err=True)
        if isinstance(exc, InputError) and len(exc.problems) > 1:  # every problem, so one edit can fix them all
            for text in exc.problems[1:]:
                typer.echo(f"  also: {text}", err=True)
        raise SystemExit(2 if isinstance(exc, InputError) else 1) from None
    except ModuleNotFoundError as exc:
        message = missing_extra_message(exc, args)
        if debug or message is None:
            raise
        typer.echo(message, err=True)
        raise SystemExit(2) from None
