"""Assessment → terminal (rich) and Markdown text. Formats what the result holds; computes nothing clinical."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kinetrace.result import Assessment, RankedItem

__all__ = ["print_assessment", "to_markdown"]

_ACTION_STYLE = {
    "emergency_referral": ("bold white on red", "EMERGENCY REFERRAL"),
    "urgent_referral": ("bold white on dark_orange", "URGENT REFERRAL"),
    "routine_referral": ("bold black on yellow", "ROUTINE REFERRAL"),
    "request_red_flag_screen": ("bold black on yellow", "RED-FLAG SCREEN INCOMPLETE"),
    "proceed_with_safety_netting": ("bold black on bright_cyan", "PROCEED WITH SAFETY NETTING"),
    "proceed_conservative_plan": ("bold white on green", "PROCEED: CONSERVATIVE PLAN"),
}


def _pct(item: RankedItem) -> str:
    return "flag" if item.probability is None else f"{item.probability:.0%}"


def _triage_panel(a: Assessment) -> Panel:
    style, title = _ACTION_STYLE[a.triage.action.value]
    lines = [Text(a.triage.summary)]
    for f in a.triage.flags:
        lines.append(Text(f"• {f.suspected} [{f.rule_id}, {f.action.value}]: {f.advice} See {f.whom}, "
                          f"{f.how_soon}.", style="bold"))
    for q in a.triage.missing_questions:
        lines.append(Text(f"? {q['text']}  ({q['id']})", style="yellow"))
    for q in a.triage.follow_up_questions:
        lines.append(Text(f"→ follow-up: {q['text']}  ({q['id']})"))
    return Panel(Group(*lines), title=f"[{style}] Triage: {title} [/]", border_style="red" if a.triage.flags else
                 "green")


def _ranking_table(a: Assessment) -> Table:
    table = Table(title="Ranked sources and contributors (hypotheses, not diagnoses)", show_lines=True,
                  expand=True)
    table.add_column("#", justify="right", width=3)
    table.add_column("Item", ratio=2)
    table.add_column("Kind", width=9)
    table.add_column("P", justify="right", width=5)
    table.add_column("Status", width=13)
    table.add_column("Chain to the painful region (edge, grades)", ratio=4)
    for n, item in enumerate(a.ranking, 1):
        chain = "\n".join(p.text for p in item.paths[:2]) or item.explanation
        if item.behaviour_matches:
            chain += f"\nbehaviour fits: {', '.join(item.behaviour_matches)}"
        if item.kind == "remote" and not item.may_rank_first:
            chain += "\n(may not rank first: local-before-remote rule)"
        table.add_row(str(n), item.name, item.kind, _pct(item), item.state, chain)
    return table


def _findings_table(a: Assessment) -> Table:
    table = Table(title="Findings (against norms and measurement error)", expand=True)
    table.add_column("Test", ratio=2)
    table.add_column("Result", ratio=2)
    table.add_column("Reads as", ratio=4)
    for f in a.findings:
        if f.left is not None or f.right is not None:
            result = f"L {f.left} / R {f.right} {f.unit}"
        else:
            result = f"{f.value} {f.unit if f.unit != 'none' else ''}"
        if f.error_gate:
            result += f" (±{f.error_gate:g})"
        reads = "; ".join(f"{t.target}: {t.state}" for t in f.targets) or "recorded"
        if f.conflict_resolution:
            reads += f"\n{f.conflict_resolution}"
        table.add_row(f.name, result, reads)
    return table


def _plan_table(a: Assessment) -> Table:
    table = Table(title="Plan (each item cites what chose it)", show_lines=True, expand=True)
    table.add_column("Intervention", ratio=2)
    table.add_column("Dose", ratio=2)
    table.add_column("Grade", width=6)
    table.add_column("Why", ratio=3)
    for p in a.plan:
        table.add_row(p.name, p.dosage or "—", p.grade, p.because)
    return table


def print_assessment(a: Assessment, console: Console) -> None:
    """Print the full assessment to a rich console."""
    console.print(Panel(a.profile_label, title=f"Profile: {a.profile} · knowledge base {a.kb_version}",
                        border_style="magenta" if a.profile == "seed" else "blue"))
    console.print(_triage_panel(a))
    mapped = [m for m in a.activity_mapping if m.keyword is not None or m.activity is None]
    if mapped:
        lines = [f"• {m.field}: “{m.text}” → {m.activity or 'not recognised'}"
                 + (f" (keyword “{m.keyword}”)" if m.keyword else "") for m in mapped]
        console.print(Panel("\n".join(lines), title="How free-text activities were read"))
    if a.findings:
        console.print(_findings_table(a))
    if a.ranking:
        console.print(_ranking_table(a))
    console.print(Panel(a.remote_summary, title="Remote contributors"))
    if a.not_tested:
        lines = [f"• {n.name} ({n.test_id}){' — could change the top' if n.could_change_top else ''}: {n.reason}"
                 for n in a.not_tested]
        console.print(Panel("\n".join(lines), title="Not tested"))
    if a.next_test:
        console.print(Panel(f"{a.next_test.name} ({a.next_test.test_id}): {a.next_test.reason}",
                            title="Next best test"))
    if a.plan:
        console.print(_plan_table(a))
    elif a.triage.plan_suppressed:
        console.print(Panel("No exercise plan: the red-flag outcome comes first. Do not start exercises until "
                            "this has been assessed.", title="Plan", border_style="red"))
    if a.claims_you_may_have_heard:
        lines = [f"• {c.claim} — {c.grade}: {c.statement}" for c in a.claims_you_may_have_heard]
        console.print(Panel("\n".join(lines), title="Claims you may have heard (not ranked)"))
    for q in a.quantitative:
        console.print(Panel(q.text, title=q.title))
    for w in a.warnings:
        console.print(f"[yellow]warning:[/] {w}")


def to_markdown(a: Assessment) -> str:
    """Return the assessment as a Markdown document."""
    out = [f"# Kinetrace assessment{f' — {a.case_id}' if a.case_id else ''}", "",
           f"*{a.profile_label}* Knowledge base `{a.kb_version}`.", "",
           f"## Triage: `{a.triage.action.value}`", "", a.triage.summary, ""]
    out += [f"- **{f.suspected}** ({f.rule_id}): {f.advice} See {f.whom}, {f.how_soon}." for f in a.triage.flags]
    out += [f"- Question to answer: {q['text']} (`{q['id']}`)" for q in a.triage.missing_questions]
    if a.ranking:
        out += ["", "## Ranking", "", "| # | item | kind | probability | status | chain |", "|---|---|---|---|---|---|"]
        for n, i in enumerate(a.ranking, 1):
            chain = "<br>".join(p.text for p in i.paths[:2]) or i.explanation
            out.append(f"| {n} | {i.name} | {i.kind} | {_pct(i)} | {i.state} | {chain} |")
    out += ["", "## Remote contributors", "", a.remote_summary]
    if a.next_test:
        out += ["", "## Next best test", "", f"{a.next_test.name} (`{a.next_test.test_id}`): {a.next_test.reason}"]
    if a.not_tested:
        out += ["", "## Not tested", ""] + [f"- {n.name} (`{n.test_id}`): {n.reason}" for n in a.not_tested]
    if a.plan:
        out += ["", "## Plan", "", "| intervention | dose | grade | why |", "|---|---|---|---|"]
        out += [f"| {p.name} | {p.dosage or '—'} | {p.grade} | {p.because} |" for p in a.plan]
    if a.claims_you_may_have_heard:
        out += ["", "## Claims you may have heard", ""]
        out += [f"- {c.claim} — *{c.grade}*: {c.statement}" for c in a.claims_you_may_have_heard]
    mapped = [m for m in a.activity_mapping if m.keyword is not None or m.activity is None]
    if mapped:
        out += ["", "## How free-text activities were read", ""]
        out += [f"- {m.field}: “{m.text}” → `{m.activity or 'not recognised'}`" for m in mapped]
    out += ["", "## Safety net", ""] + [f"- {s}" for s in a.safety_net]
    return "\n".join(out) + "\n"
