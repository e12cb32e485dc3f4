"""Movement tests over a PoseSequence: clean the trajectories, find the events, measure, judge and report.

Pipeline (pure; no files, no clock): PoseSequence → trajectories on a frame grid → left/right swap correction →
gap filling up to `processing.max_gap_s` → zero-lag Butterworth → angle series for the camera view → per-test
events and raw values → `MovementMetric` results with view checks, measurement error and norms → findings in the
case format (`kinetrace.case/1`).

Every metric declares the views it needs; in any other view it is returned as `not_measurable` with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from kinetrace.errors import MediaError
from kinetrace.findings.reading import age_norm, read_rule
from kinetrace.intake.measurements import Measurement
from kinetrace.knowledge.load import KnowledgeBase, load_knowledge
from kinetrace.knowledge.schema import ClinicalTest, InformRule
from kinetrace.metrics.movement.events import MovementEvent
from kinetrace.metrics.movement.kinematics import Kinematics, compute_kinematics, detect_view
from kinetrace.metrics.movement.measures import MEASURES, MeasureContext, Outcome, RawValue
from kinetrace.metrics.movement.shows import does_not_show
from kinetrace.metrics.movement.signal import (
    GapReport,
    SwapReport,
    Trajectories,
    correct_swaps,
    fill_gaps,
    remove_spikes,
    smooth,
    trajectories_from_sequence,
)
from kinetrace.metrics.movement.spec import MetricSpec, MovementSpecs, MovementTestSpec, View
from kinetrace.metrics.pose import PoseSequence
from kinetrace.values import SINGLE_SIDES, ReadingState, Side

__all__ = [
    "MovementEvent",
    "MovementMetric",
    "MovementResult",
    "analyse_movement",
    "findings_from_metrics",
    "metric_table",
    "prepare_trajectories",
]

# Case-format units for metric units (docs/contracts.md test-id table).
_CASE_UNIT = {"deg": "deg", "s": "s", "percent": "points", "steps_per_min": "count"}
EntryShape = Literal["sides", "value", "answer"]


@dataclass(frozen=True, slots=True)
class MovementMetric:
    """One metric of a movement test, measured or not, with its error, norm and key frame.

    `value` is in `unit`; yes/no metrics set `answer` and keep the underlying value (e.g. the FPPA) in `value`.
    `error` is the ± of `movement_tests.yaml` with its `error_basis` (a design default or a published figure for
    2-D video in general): no validation harness has measured it for Kinetrace, so `validated` is False, every
    output says "not validated", and the findings step counts the reading as possible at most (issue 9).
    """

    metric_id: str
    name: str
    side: str
    unit: str
    status: Literal["measured", "not_measurable"]
    value: float | None = None
    answer: bool | None = None
    error: float = 0.0
    error_basis: str = ""
    validated: bool = False
    reason: str = ""
    note: str = ""
    feeds: str | None = None
    norm_value: float | None = None
    norm_text: str = ""
    is_outside_norm: bool | None = None
    norm_needs_age: bool = False
    frame: int | None = None
    time_s: float | None = None
    entry_shape: EntryShape | None = None  # how the fed test takes a result (from the knowledge base)
    reading: ReadingState | None = None  # the findings step's reading of this value (normal/abnormal/…)


@dataclass(frozen=True, slots=True)
class MovementResult:
    """A whole movement test from one clip: metrics, events, cleaning reports, series and warnings."""

    test: str
    view: View
    side: str
    metrics: tuple[MovementMetric, ...]
    events: tuple[MovementEvent, ...]
    warnings: tuple[str, ...]
    swaps: SwapReport
    gaps: GapReport
    trajectories: Trajectories
    kinematics: Kinematics

    def findings(self, *, source: str) -> dict[str, dict[str, Any]]:
        """Findings in the case format, keyed by knowledge-base test id (see `findings_from_metrics`)."""
        note = f"{self.test}, {self.view} view"
        if self.warnings:
            note += "; warnings: " + "; ".join(self.warnings)
        return findings_from_metrics(self.metrics, source=source, note=note)


def prepare_trajectories(
    seq: PoseSequence, specs: MovementSpecs, *, view: View | None = None
) -> tuple[Trajectories, SwapReport, GapReport, View]:
    """Grid, detect the view (unless given), swap-correct, remove spikes, gap-fill and smooth a sequence."""
    p = specs.processing
    raw = trajectories_from_sequence(seq, min_visibility=p.min_visibility, off_image_margin=p.off_image_margin)
    view = view or detect_view(raw, front_min_ratio=p.front_view_min_ratio)
    swapped, swaps = correct_swaps(raw, price=p.swap_price, keep_order=view is View.FRONT,
                                   min_order_width=p.swap_min_order_width)
    cleaned, spikes = remove_spikes(swapped, window_s=p.spike_window_s, min_jump=p.spike_min_jump)
    filled, gaps = fill_gaps(cleaned, max_gap_s=p.max_gap_s)
    gaps = replace(gaps, spikes_removed=spikes)
    return smooth(filled, cutoff_hz=p.cutoff_hz, order=p.filter_order), swaps, gaps, view


def _judge(spec: MetricSpec, raw: RawValue, *, view: View, fps: float, age: int | None,
           knowledge: KnowledgeBase | None = None) -> MovementMetric:
    """One metric: view check, plausibility, then the knowledge base's reading (the shipped one by default)."""
    knowledge = knowledge if knowledge is not None else load_knowledge()
    base = MovementMetric(metric_id=spec.id, name=spec.name, side=raw.side, unit=spec.unit, status="not_measurable",
                          error=spec.error, error_basis=spec.error_basis, feeds=spec.feeds, note=raw.note)
    if view not in spec.views:
        needed = " or ".join(v.value for v in spec.views)
        return replace(base, reason=f"needs a {needed} view ({spec.view_reason}); this clip is a {view.value} view")
    if raw.value is None:
        return replace(base, reason=raw.reason)
    if spec.plausible and not spec.plausible.min <= raw.value <= spec.plausible.max:
        return replace(base, reason=f"implausible value {raw.value:.1f} (expected {spec.plausible.min:g} to "
                       f"{spec.plausible.max:g}); check the camera view and that the whole body is in frame")
    measured = replace(base, status="measured", value=raw.value, frame=raw.frame,
                       time_s=None if raw.frame is None else raw.frame / fps,
                       entry_shape=_entry_shape(knowledge, spec.feeds))
    if spec.threshold is not None:
        return replace(measured, answer=raw.value > spec.threshold, norm_value=spec.threshold,
                       norm_text=spec.threshold_basis or "")
    return _against_knowledge(spec, measured, knowledge, age)


def _entry_shape(knowledge: KnowledgeBase | None, feeds: str | None) -> EntryShape | None:
    """Per side, one value or one answer: the shape of the fed test's case entry (its `bilateral` and `kind`)."""
    if knowledge is None or feeds is None or feeds not in knowledge.tests:
        return None
    test = knowledge.tests[feeds]
    if test.bilateral:
        return "sides"
    return "answer" if test.kind == "yes_no" else "value"


def _norm_rule(test: ClinicalTest) -> InformRule | None:
    """The knowledge-base rule that says what is normal for a test: its first numeric primary rule."""
    numeric = ("below", "above", "below_age_norm")
    return next((r for r in test.informs if r.role == "primary" and r.when in numeric), None)


def _against_knowledge(spec: MetricSpec, metric: MovementMetric, knowledge: KnowledgeBase | None,
                       age: int | None) -> MovementMetric:
    """Judge a measured value by the knowledge-base test it feeds, through `findings.reading` with its
    measurement-error gate: the one norm engine the CLI, reports and web use too (issue 14)."""
    if knowledge is None or spec.feeds is None or spec.feeds not in knowledge.tests or metric.value is None:
        return metric
    test = knowledge.tests[spec.feeds]
    rule = _norm_rule(test)
    if rule is None or test.kind != "numeric" or _CASE_UNIT.get(metric.unit) != test.unit:
        return metric
    if rule.when == "below_age_norm" and age is None:
        return replace(metric, norm_needs_age=True, norm_text=rule.rule)
    per_side = test.bilateral and metric.side in SINGLE_SIDES
    m = Measurement(test_id=test.id, entry_index=0, path=f"video.{spec.id}", unit=test.unit,
                    left=metric.value if per_side and metric.side == Side.LEFT else None,
                    right=metric.value if per_side and metric.side == Side.RIGHT else None,
                    value=None if per_side else metric.value, method="video", uncertainty=metric.error)
    reading = read_rule(test, rule, m, age=age or 0, sex="unknown")
    norm = rule.threshold
    if rule.when == "below_age_norm" and age is not None:
        base = age_norm(test, age, "unknown")
        norm = None if base is None or rule.fraction is None else rule.fraction * base
    outside = {ReadingState.ABNORMAL: True, ReadingState.NORMAL: False}.get(reading.state)
    return replace(metric, norm_value=norm, is_outside_norm=outside, norm_text=f"{rule.rule} — {reading.reason}",
                   reading=reading.state)


def _judge_all(test: MovementTestSpec, outcome: Outcome, *, view: View, fps: float,
               age: int | None, knowledge: KnowledgeBase | None) -> tuple[list[MovementMetric], list[str]]:
    specs = {m.id: m for m in test.metrics}
    metrics, warnings = [], []
    for raw in outcome.values:
        metric = _judge(specs[raw.metric_id], raw, view=view, fps=fps, age=age, knowledge=knowledge)
        metrics.append(metric)
        spec = specs[raw.metric_id]
        if metric.answer is not None and metric.value is not None and spec.threshold is not None \
                and abs(metric.value - spec.threshold) <= spec.error:
            warnings.append(f"{spec.id} ({metric.side}): {metric.value:.1f} is within ±{spec.error:g} of the "
                            f"threshold {spec.threshold:g}; treat the yes/no answer as uncertain")
    return metrics, warnings


def _cleaning_warnings(swaps: SwapReport, gaps: GapReport, tr: Trajectories, share: float) -> list[str]:
    out = []
    if swaps.frames_corrected:
        out.append(f"left/right swaps corrected in {swaps.frames_corrected} frame(s)")
    if swaps.majority_relabelled or swaps.frames_corrected > 0.25 * max(1, int(tr.detected.sum())):
        out.append("left and right were exchanged in much of the clip: check that the person faces one way "
                   "throughout (a turn makes left and right ambiguous for the model)")
    if gaps.spikes_removed:
        out.append(f"{gaps.spikes_removed} landmark position(s) that jumped away for a moment were treated as missing")
    if gaps.longest_unfilled_s > 0:
        out.append(f"a gap of {gaps.longest_unfilled_s:.2f} s exceeds the {gaps.max_gap_s:g} s fill limit and "
                   "was left empty")
    seen = float(tr.detected.mean())
    if seen < 0.9:
        out.append(f"the person was detected in {seen:.0%} of frames (at least {share:.0%} needed); metrics use "
                   "those frames only")
    return out


def analyse_movement(
    seq: PoseSequence,
    test: str,
    specs: MovementSpecs,
    *,
    side: str | None = None,
    view: View | None = None,
    age: int | None = None,
    knowledge: KnowledgeBase | None = None,
) -> MovementResult:
    """Measure one movement test on one person's pose sequence.

    `side` is the tested (stance or moving) side for one-sided tests; when None it is found from the movement.
    `view` is found from the body's proportions when None. `age` selects age-banded norms (single-leg stance).
    Norms are the knowledge base's (`knowledge`, the shipped one by default): each value is read by the rule of
    the test it feeds, with that test's measurement-error gate (`findings.reading`).

    Raises:
        InputError: `test` is not a known movement test.
        MediaError: the clip does not show the test (e.g. a stance that is not quiet, or no double-leg stance
            before foot-off); the message says which check failed, with the value and the bound.
    """
    spec = specs.test(test)
    # Missing landmarks are NaN by design; a division that meets one yields NaN and a reason, not a warning.
    with np.errstate(invalid="ignore", divide="ignore"):
        kb = knowledge if knowledge is not None else load_knowledge()
        return _analyse(seq, spec, specs, test=test, side=side, view=view, age=age, knowledge=kb)


def _analyse(seq: PoseSequence, spec: MovementTestSpec, specs: MovementSpecs, *, test: str, side: str | None,
             view: View | None, age: int | None, knowledge: KnowledgeBase) -> MovementResult:
    tr, swaps, gaps, view = prepare_trajectories(seq, specs, view=view)
    kin = compute_kinematics(tr, view, speed_cutoff_hz=specs.processing.speed_cutoff_hz)
    ctx = MeasureContext(spec, kin, tr.fps, side)
    refusal = does_not_show(test, ctx)
    outcome = Outcome([], refusal=refusal) if refusal is not None else MEASURES[test](ctx)
    if outcome.refusal is not None:
        raise MediaError("video", test, message=f"the clip does not show the test ({spec.name}): {outcome.refusal}")
    metrics, judged = _judge_all(spec, outcome, view=view, fps=tr.fps, age=age, knowledge=knowledge)
    warnings = [*_cleaning_warnings(swaps, gaps, tr, specs.processing.min_detected_share), *outcome.warnings,
                *judged]
    if view not in spec.views:
        warnings.insert(0, f"{spec.name} is filmed from the {' or '.join(spec.views)}; this clip is a {view} view")
    warnings += [f"{m.metric_id} ({m.side}) not measurable: {m.reason}" for m in metrics
                 if m.status == "not_measurable" and view in _views(spec, m.metric_id)]
    return MovementResult(test, view, outcome.side, tuple(metrics), tuple(outcome.events), tuple(warnings),
                          swaps, gaps, tr, kin)


def _views(test: MovementTestSpec, metric_id: str) -> list[View]:
    return next(m.views for m in test.metrics if m.id == metric_id)


def _case_value(metric: MovementMetric) -> float | str:
    if metric.answer is not None:
        return "yes" if metric.answer else "no"
    return round(float(metric.value or 0.0), 1)


def findings_from_metrics(metrics: tuple[MovementMetric, ...] | list[MovementMetric], *, source: str,
                          note: str = "") -> dict[str, dict[str, Any]]:
    """Case-format findings (`kinetrace.case/1`) from measured metrics that feed a knowledge-base test id.

    The fed test's shape (`MovementMetric.entry_shape`, from the knowledge base) decides the fields: two-sided
    tests get `left`/`right`; one-value tests get `value`; whole-body yes/no tests get `answer`. Each entry
    carries `unit`, `method: video`, `source`, for numbers `uncertainty` (the metric's ± error), and `validated: false`.
    """
    out: dict[str, dict[str, Any]] = {}
    for m in metrics:
        if m.status != "measured" or m.feeds is None:
            continue
        entry = out.setdefault(m.feeds, {"method": "video", "source": source})
        if m.entry_shape == "answer":
            entry["answer"] = _case_value(m)
        elif m.entry_shape == "value" or m.side not in SINGLE_SIDES:
            entry["value"] = _case_value(m)
        else:
            entry[m.side] = _case_value(m)
        if m.unit in _CASE_UNIT:
            entry["unit"] = _CASE_UNIT[m.unit]
            entry["uncertainty"] = m.error
        # the ± is a design default / published figure, not a validated one: possible at most in the reasoning
        entry["validated"] = bool(entry.get("validated", True)) and m.validated
        if note:
            entry["note"] = note
    return out


def metric_table(metrics: tuple[MovementMetric, ...]) -> list[dict[str, Any]]:
    """Metrics as plain rows (for JSON, tables and reports); NaN never appears, missing values are None."""
    rows = []
    for m in metrics:
        value = None if m.value is None or not np.isfinite(m.value) else round(m.value, 2)
        rows.append({"metric": m.metric_id, "name": m.name, "side": m.side, "status": m.status, "value": value,
                     "answer": None if m.answer is None else ("yes" if m.answer else "no"), "unit": m.unit,
                     "error": m.error, "error_basis": m.error_basis, "validated": m.validated,
                     "norm": m.norm_value, "norm_text": m.norm_text,
                     "outside_norm": m.is_outside_norm, "norm_needs_age": m.norm_needs_age, "reason": m.reason,
                     "note": m.note, "feeds": m.feeds, "reading": None if m.reading is None else str(m.reading),
                     "frame": m.frame, "time_s": None if m.time_s is None else round(m.time_s, 3)})
    return rows
