"""3D marker trials → standing-posture findings, through the same posture metrics as photos.

The trial's markers are renamed to BlazePose landmarks (`data/marker_names.yaml`), the body axes are found from the
markers themselves (vertical: feet to head; lateral: right to left hip or shoulder; forward: their cross product),
and the median standing pose is projected onto left, right and front views at 1 mm per pixel. Those
`PoseFrame`s go through `metrics.posture.measure_posture`, so a marker file and a photo are measured by one set
of formulas. A metric the markers cannot support comes back not measurable, with its reason, as for photos.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

from kinetrace.errors import InputError
from kinetrace.imports.checks import check_missing, check_standing_feet, check_standing_travel
from kinetrace.imports.trial import MarkerTrial
from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame, Provenance
from kinetrace.values import opposite_side

__all__ = ["BodyAxes", "body_axes", "landmarks_from_markers", "pelvic_obliquity_from_pelvis", "pelvis_markers",
           "posture_from_markers", "projected_frames", "used_markers"]

_MARGIN_MM = 150.0  # empty border around the projected person, so no landmark sits on the image edge
_FAR_SIDE_VISIBILITY = 0.9


@cache
def _data() -> dict[str, Any]:
    text = resources.files("kinetrace.imports").joinpath("data/marker_names.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def _pelvis_names() -> dict[str, str]:
    """Lower-case marker label → pelvis landmark (left_asis, right_asis, left_psis, right_psis)."""
    return {label.lower(): point for point, labels in _data()["pelvis"].items() for label in labels}


def pelvis_markers(trial: MarkerTrial) -> dict[str, np.ndarray]:
    """The trial's ASIS/PSIS trajectories (mm) keyed left_asis, right_asis, left_psis, right_psis."""
    names = _pelvis_names()
    out: dict[str, np.ndarray] = {}
    for label, xyz in trial.markers.items():
        point = names.get(_clean(label))
        if point is not None and point not in out:
            out[point] = xyz
    return out


@cache
def _names() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    data = _data()
    alias = {name.lower(): name for name in LANDMARK_NAMES}
    for landmark, labels in data["aliases"].items():
        alias.update({label.lower(): landmark for label in labels})
    mids = {lm: (a.lower(), b.lower()) for lm, (a, b) in data["midpoint_of"].items()}
    return alias, mids


def _clean(label: str) -> str:
    return label.rsplit(":", 1)[-1].strip().lower()


def landmarks_from_markers(trial: MarkerTrial) -> dict[str, np.ndarray]:
    """Median position (mm) of every landmark the trial's markers stand for; markers with only gaps are left out."""
    alias, mids = _names()
    by_label = {_clean(k): v for k, v in trial.markers.items()}
    out: dict[str, np.ndarray] = {}
    for label, xyz in by_label.items():
        landmark = alias.get(label)
        if landmark is not None and landmark not in out and np.isfinite(xyz).all(axis=1).any():
            out[landmark] = np.nanmedian(xyz, axis=0)
    for landmark, (a, b) in mids.items():
        if landmark not in out and a in by_label and b in by_label:
            mid = np.nanmedian((by_label[a] + by_label[b]) / 2.0, axis=0)
            if np.isfinite(mid).all():
                out[landmark] = mid
    pelvis = pelvis_markers(trial)
    for side in ("left", "right"):  # lab models without a hip-joint marker: the side's ASIS–PSIS middle
        found = [pelvis[k] for k in (f"{side}_asis", f"{side}_psis") if k in pelvis]
        if f"{side}_hip" not in out and found:
            mid = np.nanmedian(np.mean(found, axis=0), axis=0)
            if np.isfinite(mid).all():
                out[f"{side}_hip"] = mid
    return out


def used_markers(trial: MarkerTrial) -> dict[str, np.ndarray]:
    """The trial's markers that stand for a landmark or a pelvis point (the ones the import reads)."""
    alias, mids = _names()
    paired = {label for pair in mids.values() for label in pair}
    pelvis = _pelvis_names()
    return {k: v for k, v in trial.markers.items()
            if _clean(k) in alias or _clean(k) in paired or _clean(k) in pelvis}


def pelvic_obliquity_from_pelvis(trial: MarkerTrial, axes: BodyAxes) -> dict[str, Any] | None:
    """Pelvic obliquity from the ASIS/PSIS markers: the frontal-plane angle of the line joining each side's
    ASIS–PSIS middle (or the ASIS pair, or the PSIS pair), as a case entry with the low side; None without them."""
    pelvis = {k: np.nanmedian(v, axis=0) for k, v in pelvis_markers(trial).items()}
    sides = {}
    for side in ("left", "right"):
        sides[side] = [pelvis[f"{side}_{p}"] for p in ("asis", "psis")
                       if f"{side}_{p}" in pelvis and f"{opposite_side(side)}_{p}" in pelvis]
    if not sides["left"] or not sides["right"]:
        return None
    left, right = np.mean(sides["left"], axis=0), np.mean(sides["right"], axis=0)
    rise = float(np.dot(left - right, axes.up))  # + when the left side is higher
    across = float(np.dot(left - right, axes.left))
    angle = float(np.degrees(np.arctan2(rise, abs(across))))
    used = "ASIS and PSIS" if all(len(v) == 2 for v in sides.values()) else "ASIS or PSIS pair"
    return {"value": round(abs(angle), 1), "side": "right" if angle > 0 else "left", "unit": "deg",
            "method": "mocap", "source": f"mocap:{trial.source}", "note": f"from the {used} markers"}


class BodyAxes:
    """Unit vectors of the person's frame in lab coordinates: up, left, forward (right-handed)."""

    def __init__(self, up: np.ndarray, left: np.ndarray, forward: np.ndarray) -> None:
        self.up, self.left, self.forward = up, left, forward


def _pair(points: dict[str, np.ndarray], stem: str) -> np.ndarray | None:
    a, b = points.get(f"left_{stem}"), points.get(f"right_{stem}")
    return None if a is None or b is None else a - b


def body_axes(points: dict[str, np.ndarray], source: str) -> BodyAxes:
    """Find up / left / forward from the landmarks; raise InputError if the markers cannot tell."""
    top = [points[n] for n in ("nose", "left_ear", "right_ear", "left_shoulder", "right_shoulder") if n in points]
    bottom = [points[n] for n in ("left_ankle", "right_ankle", "left_heel", "right_heel") if n in points]
    lateral = next((v for v in (_pair(points, "hip"), _pair(points, "shoulder")) if v is not None), None)
    if not top or not bottom or lateral is None:
        raise InputError(source, None, message=(
            f"{source}: cannot find the body axes; needs shoulder or head markers, ankle or heel markers, and a "
            "left/right pair of hip or shoulder markers (names as in Pose2Sim's BlazePose set)."))
    span = np.mean(top, axis=0) - np.mean(bottom, axis=0)
    axis = int(np.argmax(np.abs(span)))
    up = np.zeros(3)
    up[axis] = np.sign(span[axis])
    left = lateral - np.dot(lateral, up) * up
    left /= np.linalg.norm(left)
    forward = np.cross(left, up)
    return BodyAxes(up=up, left=left, forward=forward)


def _frame(
    points: dict[str, np.ndarray], xy: dict[str, tuple[float, float]], source: str, *, far: str | None = None
) -> PoseFrame:
    xs = [p[0] for p in xy.values()]
    ys = [p[1] for p in xy.values()]
    x0, y0 = min(xs) - _MARGIN_MM, min(ys) - _MARGIN_MM
    width = int(np.ceil(max(xs) - x0 + _MARGIN_MM))
    height = int(np.ceil(max(ys) - y0 + _MARGIN_MM))
    landmarks = {}
    for name in LANDMARK_NAMES:
        if name in xy:
            x, y = xy[name]
            # Every marker is seen; the far side is marked slightly less visible only so the posture code
            # picks the near leg the way it does in a side photo.
            seen = _FAR_SIDE_VISIBILITY if far is not None and name.startswith(far) else 1.0
            landmarks[name] = Landmark(x_norm=(x - x0) / width, y_norm=(y - y0) / height, visibility=seen,
                                       world_m=tuple(float(c) / 1000 for c in points[name]),  # type: ignore[arg-type]
                                       provenance=Provenance.IMPORTED)
        else:
            landmarks[name] = Landmark(x_norm=0.5, y_norm=0.5, visibility=0.0, provenance=Provenance.IMPORTED)
    return PoseFrame(landmarks=landmarks, image_width_px=width, image_height_px=height, source=source)


def projected_frames(points: dict[str, np.ndarray], axes: BodyAxes, source: str) -> dict[str, PoseFrame]:
    """Three synthetic 1 mm/px views of the standing pose: from the person's left, right, and front.

    Image y points down. Seen from the left, the person faces the viewer's left (image x = −forward), and from
    the right, the viewer's right; seen from the front, the person's left is on the viewer's right (x = +left).
    """
    def view(x_axis: np.ndarray) -> dict[str, tuple[float, float]]:
        return {n: (float(np.dot(p, x_axis)), -float(np.dot(p, axes.up))) for n, p in points.items()}

    return {"left": _frame(points, view(-axes.forward), f"{source} (left-side projection)", far="right_"),
            "right": _frame(points, view(axes.forward), f"{source} (right-side projection)", far="left_"),
            "front": _frame(points, view(axes.left), f"{source} (front projection)")}


_FEET = frozenset({"left_heel", "right_heel", "left_ankle", "right_ankle", "left_foot_index", "right_foot_index"})


def _foot_travel_mm(trial: MarkerTrial) -> float | None:
    """Largest distance of any foot marker from its median position relative to the hip (or pelvis-marker) midpoint
    (None without them)."""
    centre = _hip_centre(trial)
    alias, _ = _names()
    feet = [v for k, v in trial.markers.items() if alias.get(_clean(k)) in _FEET]
    if centre is None or not feet:
        return None
    worst: float | None = None
    for foot in feet:
        rel = foot - centre
        distance = np.linalg.norm(rel - np.nanmedian(rel, axis=0), axis=1)
        if np.isfinite(distance).any():
            worst = max(worst or 0.0, float(np.nanmax(distance)))
    return worst


def _hip_centre(trial: MarkerTrial) -> np.ndarray | None:
    """Per-frame midpoint of the hip (or else the ASIS/PSIS) markers, or None without two of them."""
    alias, _ = _names()
    hips = [v for k, v in trial.markers.items() if alias.get(_clean(k)) in {"left_hip", "right_hip"}]
    if len(hips) < 2:
        hips = list(pelvis_markers(trial).values())
    if len(hips) < 2:
        return None
    centre: np.ndarray = np.mean(hips, axis=0)
    return centre


def _hip_travel_mm(trial: MarkerTrial) -> float | None:
    """Largest distance of the hip (or pelvis-marker) midpoint from its median position, or None without them."""
    mid = _hip_centre(trial)
    if mid is None:
        return None
    distance = np.linalg.norm(mid - np.nanmedian(mid, axis=0), axis=1)
    return float(np.nanmax(distance)) if np.isfinite(distance).any() else None


def posture_from_markers(trial: MarkerTrial) -> tuple[dict[str, Any], list[str]]:
    """Return (findings in case format keyed by test id, warnings) for a standing marker trial."""
    from kinetrace.metrics.catalogue import load_catalogue
    from kinetrace.metrics.posture import Status, measure_posture
    from kinetrace.metrics.posture_summary import posture_findings, summarise_measurements
    from kinetrace.metrics.scale import Scale

    check_missing(trial.source, used_markers(trial))
    check_standing_travel(trial.source, _hip_travel_mm(trial))
    check_standing_feet(trial.source, _foot_travel_mm(trial))
    points = landmarks_from_markers(trial)
    axes = body_axes(points, trial.source)
    catalogue = load_catalogue()
    scale = Scale(mm_per_px=1.0, basis="motion capture: 3D markers in millimetres")
    measurements: list[Any] = []
    for view, frame in projected_frames(points, axes, trial.source).items():
        measurements.extend(measure_posture(frame, view, catalogue, scale=scale))  # type: ignore[arg-type]
    summaries = summarise_measurements(measurements, catalogue)
    findings = posture_findings(summaries, catalogue)
    for entry in findings.values():
        entry.update(method="mocap", source=f"mocap:{trial.source}")
        # the photo harness's ± and "not validated" are about pose-model landmarks, not markers
        for key in ("note", "uncertainty", "validated"):
            entry.pop(key, None)
    obliquity = pelvic_obliquity_from_pelvis(trial, axes)
    if obliquity is not None:
        findings["pelvic_obliquity_angle"] = obliquity
    missing = sorted({s.metric_id for s in summaries if s.status is not Status.OK})
    warnings = [f"{trial.source}: {len(points)} of 33 landmarks found in {len(trial.markers)} markers."]
    if missing:
        warnings.append(f"{trial.source}: not measurable from these markers: {', '.join(missing)}.")
    return findings, warnings
