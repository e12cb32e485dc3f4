"""`kinetrace kb …`: list, show, validate and export the knowledge base."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from kinetrace.errors import InputError, NotFoundError

__all__ = ["register"]

kb_app = typer.Typer(help="Inspect the knowledge base: regions, edges, tests, impairments, interventions, "
                          "red flags. Example: kinetrace kb list edges", no_args_is_help=True)


class Kind(StrEnum):
    """Kinds of entries `kb list` shows."""

    REGIONS = "regions"
    EDGES = "edges"
    TESTS = "tests"
    IMPAIRMENTS = "impairments"
    INTERVENTIONS = "interventions"
    RED_FLAGS = "red-flags"
    QUESTIONS = "questions"
    CLAIMS = "claims"
    ACTIVITIES = "activities"
    REFERENCES = "references"


_ATTR = {"regions": "regions", "edges": "edges", "tests": "tests", "impairments": "impairments",
         "interventions": "interventions", "red-flags": "red_flags", "questions": "questions",
         "claims": "seed_claims", "activities": "activities", "references": "references"}


def _summary(kind: str, entry: Any) -> list[str]:  # noqa: PLR0911 (one row shape per kind)
    if kind == "edges":
        return [entry.id, f"{', '.join(entry.cause)} → {', '.join(entry.effect)}",
                f"{entry.grades.mech}/{entry.grades.pain}", ", ".join(entry.seeds) or "—"]
    if kind == "tests":
        return [entry.id, entry.name, entry.unit, ", ".join(sorted({r.target for r in entry.informs})) or "—"]
    if kind == "impairments":
        return [entry.id, entry.name, entry.kind.value, f"{entry.prior:.2f}"]
    if kind == "interventions":
        return [entry.id, entry.name, entry.grade, ", ".join(entry.targets) or entry.layer]
    if kind == "red-flags":
        return [entry.id, entry.condition_id, entry.action.value, entry.suspected]
    if kind == "questions":
        return [entry.id, entry.text, ", ".join(entry.required_for) or "follow-up", ""]
    if kind == "claims":
        return [entry.id, entry.seed, entry.grade, entry.claim]
    if kind == "activities":
        return [entry.id, entry.name, entry.behaviour or "—", ", ".join(entry.keywords[:6])]
    if kind == "references":
        return [entry.id, entry.citation[:90], "", ""]
    return [entry.id, entry.name, entry.role, ", ".join(entry.neighbours)]


_HEADERS = {"edges": ["id", "cause → effect", "mech/pain", "seeds"], "tests": ["id", "name", "unit", "informs"],
            "impairments": ["id", "name", "kind", "prior"], "interventions": ["id", "name", "grade", "targets"],
            "red-flags": ["id", "condition", "action", "suspected"], "questions": ["id", "text", "required for", ""],
            "claims": ["id", "seed", "grade", "claim"], "references": ["id", "citation", "", ""],
            "activities": ["id", "name", "behaviour", "keywords (first six)"],
            "regions": ["id", "name", "role", "neighbours"]}


class ListFormat(StrEnum):
    """Output formats of `kb list`."""

    TABLE = "table"
    JSON = "json"


@kb_app.command("list")
def list_entries(
    kind: Kind | None = typer.Argument(None, help="regions, edges, tests, impairments, interventions, red-flags, "
                                                  "questions, claims, activities, references; all kinds with counts "
                                                  "if left out."),
    fmt: ListFormat = typer.Option(ListFormat.TABLE, "--format", "-f", help="table or json."),
) -> None:
    """List entries of one kind (or count every kind). Example: kinetrace kb list tests --format json"""
    from kinetrace.knowledge import load_knowledge

    kb = load_knowledge()
    if kind is None:
        counts = {k: len(getattr(kb, a)) for k, a in _ATTR.items()}
        if fmt == ListFormat.JSON:
            typer.echo(json.dumps({"kb_version": kb.version, "counts": counts}, indent=2))
            return
        for k, n in counts.items():
            typer.echo(f"{k:14} {n}")
        return
    entries = list(getattr(kb, _ATTR[kind.value]).values())
    if fmt == ListFormat.JSON:
        typer.echo(json.dumps([e.model_dump(mode="json", by_alias=True) for e in entries], indent=2,
                              ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{kind.value} ({len(entries)}) · knowledge base {kb.version}")
    for h in _HEADERS[kind.value]:
        table.add_column(h)
    for e in entries:
        table.add_row(*_summary(kind.value, e))
    Console().print(table)


class ShowFormat(StrEnum):
    """How `kb show` prints an entry."""

    TEXT = "text"
    JSON = "json"


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def _text_lines(value: Any, indent: int = 0) -> list[str]:
    """Readable lines for any entry value: `Label: value`, lists as bullets, nested entries indented."""
    pad = "  " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if item in (None, "", [], {}):
                continue
            if isinstance(item, dict | list) and not (isinstance(item, list) and all(
                    isinstance(x, str | int | float) for x in item)):
                out.append(f"{pad}{_label(key)}:")
                out.extend(_text_lines(item, indent + 1))
            elif isinstance(item, list):
                out.append(f"{pad}{_label(key)}: {', '.join(str(x) for x in item)}")
            else:
                out.append(f"{pad}{_label(key)}: {item}")
    elif isinstance(value, list):
        for item in value:
            lines = _text_lines(item, indent + 1)
            if lines:
                out.append(f"{pad}- {lines[0].strip()}")
                out.extend(lines[1:])
    else:
        out.append(f"{pad}{value}")
    return out


@kb_app.command("show")
def show(
    entry_id: str = typer.Argument(..., help="Any id: E06, hip_ir_prone, limited_hip_ir, RF-L1, R16…"),
    fmt: ShowFormat = typer.Option(ShowFormat.TEXT, "--format", "-f", help="text (default) or json."),
) -> None:
    """Show one entry in full, as readable text (or --format json). Example: kinetrace kb show E06"""
    from kinetrace.knowledge import load_knowledge

    kb = load_knowledge()
    for kind, attr in _ATTR.items():
        table = getattr(kb, attr)
        if entry_id in table:
            data = table[entry_id].model_dump(mode="json", by_alias=True)
            if fmt == ShowFormat.JSON:
                typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
            else:
                title = data.get("name") or data.get("suspected") or data.get("citation") or entry_id
                typer.echo(f"{entry_id} · {title} ({kind})")
                typer.echo("\n".join(_text_lines(data)))
            return
    known = [i for attr in _ATTR.values() for i in getattr(kb, attr)]
    import difflib

    close = difflib.get_close_matches(entry_id, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; see `kinetrace kb list`"
    raise NotFoundError("id", entry_id, message=f"id: got {entry_id!r}; no such entry in the knowledge base{hint}")


@kb_app.command("validate")
def validate(folder: Path | None = typer.Option(None, help="Validate another data folder instead.")) -> None:
    """Validate the knowledge base: every entry, every cross-file rule and the metric catalogues that feed it;
    lists all problems at once. Example: kinetrace kb validate --folder my_kb/"""
    from kinetrace.errors import KnowledgeError
    from kinetrace.knowledge import load_knowledge
    from kinetrace.metrics.catalogue import load_catalogue
    from kinetrace.metrics.feeds import catalogue_problems
    from kinetrace.metrics.movement.spec import load_movement_specs

    kb = load_knowledge(folder)
    problems = catalogue_problems(kb, load_catalogue(), load_movement_specs())
    if problems:
        raise KnowledgeError(problems)
    counts = ", ".join(f"{len(getattr(kb, a))} {k}" for k, a in _ATTR.items())
    typer.echo(f"knowledge base {kb.version}: valid ({counts})")


class ExportFormat(StrEnum):
    """Network export formats."""

    XMLBIF = "xmlbif"


@kb_app.command("export")
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.XMLBIF, "--format", "-f", help="xmlbif (Bayesian network)."),
    profile: str = typer.Option("evidence", help="evidence or seed."),
    out: Path | None = typer.Option(None, "--out", "-o", help="File to write (default: standard output)."),
) -> None:
    """Export the chain model as a Bayesian network (XMLBIF), with no case evidence.

    Example: kinetrace kb export --format xmlbif -o kinetrace.xml  (opens in pgmpy, SamIam, GeNIe)
    """
    from kinetrace.knowledge import load_knowledge
    from kinetrace.reasoning.inference import NoisyOrNetwork, Observation
    from kinetrace.reasoning.model import build_model
    from kinetrace.reasoning.network import network_tables, to_xmlbif

    if profile not in ("evidence", "seed"):
        raise InputError("--profile", profile, "evidence or seed")
    kb = load_knowledge()
    model = build_model(kb, profile)
    net = NoisyOrNetwork(model.order, model.leak, model.node_parents())
    regions = [Observation(f"pain:{r}", kb.model.region_leak,
                           tuple((lk.cause, lk.weight) for lk in model.region_links(r)), True) for r in kb.regions]
    tables, _ = network_tables(net, regions)
    text = to_xmlbif(tables, name=f"kinetrace-{profile}-{kb.version}")
    if out is None:
        typer.echo(text, nl=False)
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    typer.echo(f"wrote {out} ({len(tables)} nodes)", err=True)


def with_elicitation(kb: Any, path: Path | None) -> Any:
    """Return `kb` with a clinic's elicitation file applied (docs/elicitation.md); `kb` itself when `path` is None.

    Raises:
        InputError: the file is missing, is not YAML, or holds an unknown key or a bad value or range.
    """
    if path is None:
        return kb
    import yaml

    from kinetrace.knowledge.elicitation import apply_elicitation

    if not path.is_file():
        raise NotFoundError("--elicitation", str(path), "an existing elicitation file (YAML)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError("--elicitation", str(path), f"a YAML elicitation file ({type(exc).__name__})") from exc
    try:
        return apply_elicitation(kb, data)
    except InputError as exc:
        raise InputError("--elicitation", message=f"{path.name}: {exc.message}", problems=exc.problems) from exc


class ReportFormat(StrEnum):
    """Output formats of `kb report`."""

    TABLE = "table"
    JSON = "json"
    ELICITATION = "elicitation"


@kb_app.command("report")
def report(
    fmt: ReportFormat = typer.Option(ReportFormat.TABLE, "--format", "-f",
                                     help="table, json, or elicitation (a template file to fill in)."),
    elicitation: Path | None = typer.Option(None, "--elicitation", help="Show the numbers after applying this "
                                            "clinic elicitation file (docs/elicitation.md)."),
) -> None:
    """List every design-default (EO) number: value, plausible range, source and where the reasoning uses it.

    Examples:
      kinetrace kb report
      kinetrace kb report --format elicitation > clinic.yaml   # a template for a clinic's own values
      kinetrace kb report --elicitation clinic.yaml
    """
    from kinetrace.knowledge import load_knowledge
    from kinetrace.knowledge.design_defaults import design_defaults
    from kinetrace.knowledge.elicitation import elicitation_template

    kb = with_elicitation(load_knowledge(), elicitation)
    defaults = design_defaults(kb)
    if fmt == ReportFormat.ELICITATION:
        import yaml

        typer.echo(yaml.safe_dump(elicitation_template(kb), sort_keys=False, allow_unicode=True), nl=False)
        return
    if fmt == ReportFormat.JSON:
        typer.echo(json.dumps({"kb_version": kb.version, "design_defaults": [
            {"key": d.key, "value": d.value, "range": [d.low, d.high], "source": d.source, "used_by": d.used_by}
            for d in defaults]}, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(defaults)} design-default (EO) numbers · knowledge base {kb.version}")
    for h in ("key", "value", "range", "used by", "source"):
        table.add_column(h)
    for d in defaults:
        shown = f"{d.low:.3g}–{d.high:.3g}" if d.low is not None and d.high is not None else "none"
        table.add_row(d.key, f"{d.value:.3g}", shown, d.used_by, d.source)
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the `kb` group to the CLI."""
    app.add_typer(kb_app, name="kb")
