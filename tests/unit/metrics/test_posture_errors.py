"""Every photo metric's ± is its validated error (metrics/data/posture_errors.yaml) or absent with
`validated: False`; implausible values are flagged "needs review" and kept out of the findings."""

from __future__ import annotations

import pytest
from posture_frames import frame_from_px, front_points, side_points

from kinetrace.metrics.catalogue import load_catalogue
from kinetrace.metrics.errors import load_errors
from kinetrace.metrics.posture import NEEDS_REVIEW, Status, measure_posture
from kinetrace.metrics.posture_summary import posture_findings, review_entries, summarise_measurements
from kinetrace.metrics.scale import scale_from_height

CAT = load_catalogue()


def test_the_errors_file_names_the_command_that_wrote_it_and_holds_total_errors() -> None:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("kinetrace.metrics").joinpath("data", "posture_errors.yaml").read_text())
    assert data["command"].startswith("python -m validation.posture --write-errors")
    errors = load_errors()
    assert {"pelvic_obliquity_angle", "frontal_head_tilt"} <= set(errors)
    for e in errors.values():
        assert e.total >= e.sd and e.loa_low < e.loa_high


def test_every_printed_uncertainty_is_the_validated_error_or_none() -> None:
    errors = load_errors()
    for view, pts in (("front", front_points()), ("right", side_points())):
        frame = frame_from_px(pts)
        for m in measure_posture(frame, view, CAT, scale=scale_from_height(frame, 170, CAT)):  # type: ignore[arg-type]
            if m.status is not Status.OK:
                continue
            err = errors.get(m.metric_id)
            if err is None or view not in err.views:
                assert m.uncertainty is None and m.validated is False, m.metric_id
            elif m.unit == "deg":
                assert m.uncertainty == pytest.approx(err.total) and m.validated, m.metric_id
            else:
                assert m.uncertainty is not None and m.uncertainty > 0 and m.validated, m.metric_id


def test_unvalidated_metrics_say_so_in_the_finding() -> None:
    frame = frame_from_px(side_points())
    ms = measure_posture(frame, "right", CAT)
    cva = next(m for m in ms if m.metric_id == "craniovertebral_angle")
    assert cva.validated is False and cva.uncertainty is None  # never the old design default
    found = posture_findings(summarise_measurements(ms, CAT), CAT)
    assert found["craniovertebral_angle"]["validated"] is False


def test_a_pelvic_obliquity_beyond_the_plausible_range_needs_review_and_is_no_finding() -> None:
    # Left hip 100 px lower over 200 px: atan(100/200) = 26.6°, far beyond the 8° a standing person shows.
    ms = measure_posture(frame_from_px(front_points(left_hip=(600.0, 1100.0))), "front", CAT)
    po = next(m for m in ms if m.metric_id == "pelvic_obliquity_angle")
    assert po.review == NEEDS_REVIEW and "plausible range" in po.review_reason
    summaries = summarise_measurements(ms, CAT)
    assert "pelvic_obliquity_angle" not in posture_findings(summaries, CAT)
    assert review_entries(summaries, CAT)["pelvic_obliquity_angle"]["review"] == NEEDS_REVIEW


def test_the_catalogue_no_longer_repeats_the_cva_error_of_the_knowledge_base() -> None:
    spec = CAT.metric("craniovertebral_angle")
    assert spec.error.value is None and "knowledge-base test craniovertebral_angle" in spec.error.basis
