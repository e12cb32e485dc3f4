"""Assessment → terminal (rich) and Markdown text, carrying the same content as the PDF report.

Formats what the result holds; computes nothing clinical. Order: who and what hurts, triage, findings (with values,
sides and what they were read as; measurement-error warnings folded into their finding), ranked contributors, the
next test and what was not tested ("and N more not tested", never dropping the recommended next test), plan,
follow-up questions, safety netting. Human names throughout; readable at 80 columns.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from kinetrace.reports.wording import humanise
from kinetrace.result import KIND_LABELS, Assessment, FindingResult, NotTested, RankedItem, TargetState
from kinetrace.values import ActionLevel, State

__all__ = ["print_assessment", "to_markdown"]

_ACTION_STYLE = {
    ActionLevel.EMERGENCY_REFERRAL: ("bold white on red", "EMERGENCY REFERRAL"),
    ActionLevel.URGENT_REFERRAL: ("bold white on dark_orange", "URGENT REFERRAL"),
    ActionLevel.ROUTINE_REFERRAL: ("bold black on yellow", "ROUTINE REFERRAL"),
    ActionLevel.REQUEST_RED_FLAG_SCREEN: ("bold black on yellow", "RED-FLAG SCREEN INCOMPLETE"),
    ActionLevel.PROCEED_WITH_SAFETY_NETTING: ("bold black on bright_cyan", "PROCEED WITH SAFETY NETTING"),
    ActionLevel.PROCEED_CONSERVATIVE_PLAN: ("bold white on green", "PROCEED: CONSERVATIVE PLAN"),
}
_STATE_WORDS = {"present": "present, beyond measurement error", "probable": "probable", "possible": "possible",
                "indeterminate": "within measurement error (indeterminate)", "absent": "not found",
                "not_tested": "not tested"}
_SIDES = {"left": "left side", "right": "right side", "bilateral": "both sides", "central": "middle", "none": ""}
_UNITS = {"deg": "°", "count": "", "none": "", "points": " points"}
NOT_TESTED_SHOWN = 8


class _Names:
    """Human names for ids, from the shipped knowledge base (loaded once, cached by the loader)."""

    def __init__(self, kb: Any = None) -> None:
        if kb is None:
            from kinetrace.knowledge import load_knowledge

            kb = load_knowledge()
        self.kb = kb

    def of(self, node_id: str) -> str:
        return str(self.kb.name_of(node_id))

    def words(self, text: str) -> str:
        """Core text with ids replaced by names and specification references removed."""
        return humanise(text, self.kb)


def _num(x: float | str | None, unit: str) -> str:
    if x is None:
        return "—"
    if isinstance(x, str):
        return x
    if unit == "points" and x == 1:
        return "1 point"
    return f"{x:g}{_UNITS.get(unit, ' ' + unit)}"


def _reading(f: FindingResult) -> str:
    parts = []
    if f.left is not None or f.right is not None:
        parts.append(f"R {_num(f.right, f.unit)} · L {_num(f.left, f.unit)}")
    if f.value is not None:
        parts.append(_num(f.value, f.unit))
    text = " · ".join(parts) or "—"
    if f.error_gate:
        text += f" (error ±{f.error_gate:g})"
    return text


def _reads_as(f: FindingResult, names: _Names) -> str:
    categorical = all(isinstance(v, str) for v in (f.left, f.right, f.value) if v is not None)

    def state(t: TargetState) -> str:
        if categorical and t.state == State.PRESENT:
            return "present (positive test)"  # a yes/no result has no measurement error to be beyond
        return _STATE_WORDS.get(t.state, str(t.state))

    lines = [f"{names.of(t.target)}: {state(t)}" for t in f.targets]
    if f.evidence_note:
        lines.append(names.words(f.evidence_note))  # "to confirm: …", "needs review …" or "not validated …"
    if f.conflict_resolution:
        lines.append(names.words(f.conflict_resolution))
    for d in f.discarded:
        if "value" in d:
            lines.append(f"also measured by {d['method']}: {d['value']} ({d.get('reason', 'set aside')})")
    if f.landmarks_confirmed is False:
        lines.append("photo landmarks not reviewed")
    return "\n".join(lines) or "recorded"


def _pct(item: RankedItem) -> str:
    if item.probability is None:
        return "flag"
    if item.interval is not None:
        return f"{item.probability:.0%} ({item.interval[0]:.0%}–{item.interval[1]:.0%})"
    return f"{item.probability:.0%}"




def _chain(item: RankedItem, names: _Names) -> str:
    paths = [" → ".join(names.of(n) for n in p.nodes) + f" (grade {p.grade})" for p in item.paths[:2] if p.links]
    text = "\n".join(paths) or KIND_LABELS.get(item.kind, item.kind)
    if item.kind == "modifier":
        text += ": changes the plan, not ranked as a cause"
    if item.behaviour_matches:
        text += f"\nbehaviour fits: {'; '.join(names.of(b) for b in item.behaviour_matches)}"
    if item.kind == "remote" and not item.may_rank_first:
        text += "\n(may not rank first: local sources come first)"
    return text


def _because(a: Assessment, names: _Names, plan_item: Any) -> str:
    if plan_item.layer == "general":
        return "guideline care for everyone with this pain"
    return "for " + ", ".join(names.of(t) for t in plan_item.targets)


def _not_tested(a: Assessment) -> tuple[list[NotTested], int]:
    """The untested list with the recommended next test first, cut for display, and how many were left out."""
    first = a.next_test.test_id if a.next_test else None
    ordered = sorted(a.not_tested, key=lambda n: (n.test_id != first, not n.could_change_top))
    return ordered[:NOT_TESTED_SHOWN], max(0, len(ordered) - NOT_TESTED_SHOWN)


def _identity_lines(a: Assessment, names: _Names) -> list[str]:
    ident = a.identity
    if ident is None:
        return [f"Case {a.case_id or 'unnamed'}: patient and visit not recorded (saved result without identity)."]
    who = ", ".join(x for x in (ident.patient_name, f"ref {ident.patient_ref}" if ident.patient_ref else None) if x)
    sex = "" if ident.sex == "unknown" else f", {ident.sex}"
    born = f", born {ident.birth_date}" if ident.birth_date else ""
    when = ident.assessed_on or "date not recorded"
    if ident.assessed_at:
        when += f" {ident.assessed_at}"
    by = ", ".join(x for x in (ident.assessor, ident.clinic) if x) or "not recorded"
    lines = [f"Patient: {who or a.case_id or 'unnamed'} · {ident.age} years{sex}{born}",
             f"Assessed: {when} · by {by}"]
    for p in ident.complaint:
        side = _SIDES.get(p.side, p.side)
        worse = ", ".join(x.replace("_", " ") for x in p.aggravating) or "—"
        better = ", ".join(x.replace("_", " ") for x in p.easing) or "—"
        lines.append(f"Complaint: {names.of(p.region)}{', ' + side if side else ''} · pain {p.intensity}/10 · "
                     f"{p.duration_weeks:g} weeks · worse: {worse} · better: {better}")
    return lines


def _folded_warnings(a: Assessment, names: _Names) -> list[str]:
    """Warnings not already shown beside their finding (those start with the finding's test id)."""
    ids = {f.test_id for f in a.findings}
    return [names.words(w) for w in a.warnings if w.split(":")[0].split(" ")[0] not in ids]


def _triage_panel(a: Assessment, names: _Names) -> Panel:
    style, title = _ACTION_STYLE[a.triage.action]
    lines = [Text(names.words(a.triage.summary))]
    for f in a.triage.flags:
        lines.append(Text(f"• {f.suspected}: {f.advice} See {f.whom}, {f.how_soon}.", style="bold"))
    for q in a.triage.missing_questions:
        lines.append(Text(f"? {q.get('clinician_text') or q['text']}", style="yellow"))
    return Panel(Group(*lines), title=f"[{style}] Triage: {title} [/]",
                 border_style="red" if a.triage.flags else "green")


def _findings_table(a: Assessment, names: _Names) -> Table:
    table = Table(title="Findings (against norms and measurement error)", expand=True, show_lines=True)
    table.add_column("Test", ratio=3)
    table.add_column("Result", ratio=3)
    table.add_column("Read as", ratio=4)
    for f in a.findings:
        table.add_row(f.name, _reading(f), _reads_as(f, names))
    return table


def _ranking_table(a: Assessment, names: _Names) -> Table:
    table = Table(title="Ranked sources and contributors (hypotheses, not diagnoses)", show_lines=True,
                  expand=True)
    table.add_column("#", justify="right", width=2)
    table.add_column("Item", ratio=3)
    table.add_column("P (interval)" if a.uncertainty else "P", justify="right", width=11 if a.uncertainty else 4)
    table.add_column("Status", ratio=2)
    table.add_column("Chain (weakest grade)", ratio=4)
    for n, item in enumerate(a.ranking, 1):
        status = _STATE_WORDS.get(item.state, item.state)
        if item.kind == "red_flag":
            status = "flagged by the red-flag screen"
        table.add_row(str(n), item.name, _pct(item), status, _chain(item, names))
    return table


def _plan_table(a: Assessment, names: _Names) -> Table:
    table = Table(title="Plan", show_lines=True, expand=True)
    table.add_column("Intervention", ratio=3)
    table.add_column("Dose", ratio=3)
    table.add_column("Grade", width=5)
    table.add_column("Why", ratio=2)
    for p in a.plan:
        table.add_row(p.name, p.dosage or "—", p.grade, _because(a, names, p))
    return table


def print_assessment(a: Assessment, console: Console, *, kb: Any = None) -> None:
    """Print the full assessment to a rich console (the content of the clinician report)."""
    names = _Names(kb)
    console.print(Panel("\n".join(_identity_lines(a, names)), title="Kinetrace assessment", border_style="blue"))
    console.print(Panel(a.profile_label, title=f"Profile: {a.profile} · knowledge base {a.kb_version}",
                        border_style="magenta" if a.profile == "seed" else "blue"))
    console.print(_triage_panel(a, names))
    if a.findings:
        console.print(_findings_table(a, names))
    if a.ranking:
        console.print(_ranking_table(a, names))
    console.print(Panel(names.words(a.remote_summary), title="Remote contributors"))
    if a.uncertainty is not None:
        console.print(Panel(f"{a.uncertainty.statement} Intervals: {a.uncertainty.quantiles[0]:.0%}–"
                            f"{a.uncertainty.quantiles[1]:.0%} quantiles; ranges: {a.uncertainty.source}.",
                            title="Uncertainty from design-default numbers"))
    if a.next_test:
        about = ", ".join(names.of(i) for i in a.next_test.informs)
        console.print(Panel(f"{a.next_test.name}: of the tests not done, expected to tell most about {about}.",
                            title="Next best test"))
    shown, more = _not_tested(a)
    if shown:
        lines = [f"• {n.name}{' — could change the top item' if n.could_change_top else ''}: "
                 f"{names.words(n.reason)}" for n in shown]
        if more:
            lines.append(f"… and {more} more not tested")
        console.print(Panel("\n".join(lines), title="Not tested"))
    if a.plan:
        console.print(_plan_table(a, names))
    elif a.triage.plan_suppressed:
        console.print(Panel("No exercise plan: the red-flag outcome comes first. Do not start exercises until "
                            "this has been assessed.", title="Plan", border_style="red"))
    if a.triage.follow_up_questions:
        asked = [q.get("clinician_text") or q["text"] for q in a.triage.follow_up_questions]
        console.print(Panel("\n".join(f"• {q}" for q in asked), title="Follow-up questions to ask"))
    if a.claims_you_may_have_heard:
        lines = [f"• {c.claim} — {c.grade}: {names.words(c.statement)}" for c in a.claims_you_may_have_heard]
        console.print(Panel("\n".join(lines), title="Claims you may have heard (not ranked)"))
    for q in a.quantitative:
        console.print(Panel(q.text, title=q.title))
    console.print(Panel("\n".join(f"• {s}" for s in a.safety_net), title="Safety netting (advice to the patient)",
                        border_style="yellow"))
    for w in _folded_warnings(a, names):
        console.print(f"[yellow]warning:[/] {w}")


def to_markdown(a: Assessment, *, kb: Any = None) -> str:
    """Return the assessment as a Markdown document with the same content as the terminal output."""
    names = _Names(kb)
    out = [f"# Kinetrace assessment{f' — {a.case_id}' if a.case_id else ''}", ""]
    out += [f"- {line}" for line in _identity_lines(a, names)]
    out += ["", f"*{a.profile_label}* Knowledge base `{a.kb_version}`.", "",
            f"## Triage: {_ACTION_STYLE[a.triage.action][1].lower()}", "", names.words(a.triage.summary), ""]
    out += [f"- **{f.suspected}**: {f.advice} See {f.whom}, {f.how_soon}." for f in a.triage.flags]
    out += [f"- Question to answer: {q.get('clinician_text') or q['text']}" for q in a.triage.missing_questions]
    if a.findings:
        out += ["", "## Findings", ""]
        for f in a.findings:
            out.append(f"- **{f.name}**: {_reading(f)} — " + "; ".join(_reads_as(f, names).splitlines()))
    if a.ranking:
        out += ["", "## Ranked sources and contributors (hypotheses, not diagnoses)", ""]
        for n, i in enumerate(a.ranking, 1):
            chain = "; ".join(_chain(i, names).splitlines())
            out.append(f"{n}. **{i.name}** — {_pct(i)}, {_STATE_WORDS.get(i.state, i.state)}. {chain}")
    out += ["", "## Remote contributors", "", names.words(a.remote_summary)]
    if a.uncertainty is not None:
        out += ["", "## Uncertainty from design-default numbers", "", a.uncertainty.statement]
    if a.next_test:
        about = ", ".join(names.of(i) for i in a.next_test.informs)
        out += ["", "## Next best test", "", f"{a.next_test.name}: of the tests not done, expected to tell most "
                f"about {about}."]
    shown, more = _not_tested(a)
    if shown:
        out += ["", "## Not tested", ""] + [f"- {n.name}: {names.words(n.reason)}" for n in shown]
        if more:
            out.append(f"- … and {more} more not tested")
    if a.plan:
        out += ["", "## Plan", ""]
        out += [f"- **{p.name}** ({p.grade}) — {p.dosage or 'no fixed dose'} Why: {_because(a, names, p)}."
                for p in a.plan]
    if a.triage.follow_up_questions:
        out += ["", "## Follow-up questions to ask", ""] + [
            f"- {q.get('clinician_text') or q['text']}" for q in a.triage.follow_up_questions]
    if a.claims_you_may_have_heard:
        out += ["", "## Claims you may have heard", ""]
        out += [f"- {c.claim} — *{c.grade}*: {names.words(c.statement)}" for c in a.claims_you_may_have_heard]
    out += ["", "## Safety netting (advice to the patient)", ""] + [f"- {s}" for s in a.safety_net]
    warnings = _folded_warnings(a, names)
    if warnings:
        out += ["", "## Warnings", ""] + [f"- {w}" for w in warnings]
    return "\n".join(out) + "\n"
