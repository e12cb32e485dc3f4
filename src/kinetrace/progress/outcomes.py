"""Pain and function outcomes across visits, judged against the scale's minimal clinically important difference.

The threshold and the direction come from the knowledge base (`outcomes.yaml`); nothing here is a clinical number.
"""

from __future__ import annotations

from kinetrace.knowledge.outcomes import OutcomeMeasure
from kinetrace.progress.change import ChangeVerdict

__all__ = ["judge_outcome"]


def judge_outcome(before: float, after: float, measure: OutcomeMeasure) -> tuple[ChangeVerdict, str]:
    """Return (verdict, plain text) for a change of a pain or function score from `before` to `after`.

    'improved' or 'worsened' when the change reaches the measure's MCID in the better or worse direction, else
    'within_measurement_error' (too small to matter to the patient).
    """
    change = after - before
    reason = f"{change:+g} points; the smallest change that matters on this scale is {measure.mcid:g}"
    if abs(change) < measure.mcid:
        return "within_measurement_error", reason + ", so not a real change yet"
    better = (change > 0) == measure.higher_is_better
    return ("improved" if better else "worsened"), reason
