"""Every photo metric's ± is its validated error (metrics/data/posture_errors.yaml) or absent with
`validated: False`; implausible values are flagged "needs review" and kept out of the findings."""

from __future__ import annotations

import pytest
from posture_frames import frame_from_px, front_points, side_points

from kinetrace.metrics.catalogue import load_catalogue
from kinetrace.metrics.errors import error_model, load_errors, validated_models
from kinetrace.metrics.posture import NEEDS_REVIEW, Status, measure_posture
from kinetrace.metrics.posture_summary import posture_findings, review_entries, summarise_measurements
from kinetrace.metrics.scale import scale_from_height

CAT = load_catalogue()


def test_the_errors_file_names_the_command_that_wrote_it_and_holds_total_errors() -> None:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("kinetrace.metrics").joinpath("data", "posture_errors.yaml").read_text())
    assert {"heavy", "full"} <= set(data["models"])
    for model, section in data["models"].items():
        assert section["command"].startswith(f"python -m validation.posture --write-errors --model {model} ")
        assert section["pose_model"] == f"mediapipe-pose-landmarker-{model}"
        errors = load_errors(model)
        assert {"pelvic_obliquity_angle", "frontal_head_tilt"} <= set(errors)
        for e in errors.values():
            assert e.total >= e.sd and e.loa_low < e.loa_high


def test_each_model_has_its_own_figures_found_from_the_back_ends_description() -> None:
    heavy, full = load_errors("heavy"), load_errors("full")
    # the two models were measured separately: their figures are not copies of each other
    assert heavy["pelvic_obliquity_angle"].total != full["pelvic_obliquity_angle"].total
    assert error_model("mediapipe-pose-landmarker-full/0.10.14") == "full"
    assert error_model("mediapipe-pose-landmarker-heavy/0.10.14") == "heavy"
    assert error_model("some-other-model/1.0") is None and error_model(None) is None


@pytest.mark.parametrize("model", ["heavy", "full", "lite", "mediapipe-pose-landmarker-full/0.10.14", None])
def test_every_printed_uncertainty_is_the_validated_error_of_its_model_or_none(model: str | None) -> None:
    errors = load_errors(model)
    assert bool(errors) == (error_model(model) in validated_models())
    for view, pts in (("front", front_points()), ("right", side_points())):
        frame = frame_from_px(pts)
        scale = scale_from_height(frame, 170, CAT)
        for m in measure_posture(frame, view, CAT, scale=scale, model=model):  # type: ignore[arg-type]
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
    ms = measure_posture(frame, "right", CAT, model="heavy")
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


def test_a_model_without_figures_prints_not_validated_and_its_finding_says_so() -> None:
    # pelvic obliquity is validated for heavy, so the same frame from an unvalidated model differs only in that
    frame = frame_from_px(front_points())
    for model, validated in (("heavy", True), ("not-a-validated-model/1", False), (None, False)):
        ms = measure_posture(frame, "front", CAT, model=model)
        po = next(m for m in ms if m.metric_id == "pelvic_obliquity_angle")
        assert po.validated is validated and (po.uncertainty is not None) is validated, model
        found = posture_findings(summarise_measurements(ms, CAT), CAT)
        assert found["pelvic_obliquity_angle"]["validated"] is validated
        assert ("uncertainty" in found["pelvic_obliquity_angle"]) is validated
