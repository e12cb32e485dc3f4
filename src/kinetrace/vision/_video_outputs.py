"""Writing a movement analysis to disk, all or nothing.

Everything goes into a hidden temporary folder beside the target; only when every file is written is that folder
renamed to the target (replacing a previous Kinetrace output there). On any error the temporary folder is
removed, so a failed run leaves nothing half-written.
"""

from __future__ import annotations

import csv
import json
import math
import shutil
import tempfile
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from kinetrace.metrics.movement import MovementMetric, MovementResult, metric_table
from kinetrace.metrics.movement.spec import MovementTestSpec, View
from kinetrace.values import SINGLE_SIDES
from kinetrace.vision.plots import KeyFrame, contact_sheet, plot_series


class VideoInfo(Protocol):
    """What the writer reads about the clip (`vision.video.VideoInfo` has it; named here so video imports us,
    never the other way round)."""

    @property
    def path(self) -> Path:
        """The clip's path."""

    @property
    def fps(self) -> float:
        """Frames per second."""

    @property
    def duration_s(self) -> float:
        """Clip length in seconds."""


class MovementAnalysis(Protocol):
    """What the writer reads from `vision.video.MovementAnalysis`."""

    @property
    def test(self) -> str:
        """The movement test id."""

    @property
    def view(self) -> View:
        """The camera view."""

    @property
    def side(self) -> str:
        """The tested side."""

    @property
    def model(self) -> str:
        """The pose model's name."""

    @property
    def frames(self) -> int:
        """Frames read."""

    @property
    def frames_with_person(self) -> int:
        """Frames with a person found."""

    @property
    def swaps_corrected(self) -> int:
        """Left/right label swaps corrected."""

    @property
    def metrics(self) -> tuple[MovementMetric, ...]:
        """The metrics measured."""

    @property
    def findings(self) -> dict[str, dict[str, Any]]:
        """Findings in case format."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """Warnings for the report."""

    @property
    def result(self) -> MovementResult:
        """Trajectories, kinematics, events and swaps."""

__all__ = ["frame_table", "write_outputs"]

_MAX_KEY_FRAMES = 8


def frame_table(analysis: MovementAnalysis) -> dict[str, np.ndarray]:
    """Per-frame columns: frame, time, detection/fill/swap flags, every angle series, landmark pixels."""
    tr, kin = analysis.result.trajectories, analysis.result.kinematics
    cols: dict[str, np.ndarray] = {
        "frame": np.arange(tr.n_frames), "time_s": tr.time_s, "person_detected": tr.detected,
        "interpolated": np.asarray(tr.interpolated.any(axis=1)), "swap_corrected": np.asarray(tr.swapped.any(axis=1)),
    }
    cols.update(kin.series)
    for j, name in enumerate(tr.names):
        cols[f"{name}_x_px"] = tr.xy_px[:, j, 0]
        cols[f"{name}_y_px"] = tr.xy_px[:, j, 1]
    return cols


def _csv_cells(values: np.ndarray) -> list[Any]:
    """One column's cells, converted a column at a time: booleans as 0/1, floats to 3 decimals, NaN empty."""
    arr = np.asarray(values)
    if arr.dtype == np.bool_:
        return list(arr.astype(np.int8).tolist())
    if arr.dtype.kind == "f":
        return ["" if not math.isfinite(v) else round(v, 3) for v in arr.tolist()]
    return list(arr.tolist())


def _write_csv(cols: dict[str, np.ndarray], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        writer.writerows(zip(*(_csv_cells(v) for v in cols.values()), strict=True))


def _write_parquet(cols: dict[str, np.ndarray], path: Path, meta: dict[str, str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({k: pa.array(v, from_pandas=True) for k, v in cols.items()})
    table = table.replace_schema_metadata({f"kinetrace.{k}": v for k, v in meta.items()})
    pq.write_table(table, path)


def _summary(analysis: MovementAnalysis, info: VideoInfo) -> dict[str, Any]:
    r = analysis.result
    return {
        "schema": "kinetrace.movement/1", "test": analysis.test, "video": info.path.name, "view": analysis.view.value,
        "side": analysis.side, "model": analysis.model, "fps": info.fps, "frames": analysis.frames,
        "frames_with_person": analysis.frames_with_person, "duration_s": round(info.duration_s, 3),
        "swaps_corrected": analysis.swaps_corrected, "swaps_by_group": r.swaps.by_group,
        "gaps": {"filled_values": r.gaps.filled_values, "max_gap_s": r.gaps.max_gap_s,
                 "longest_unfilled_s": round(r.gaps.longest_unfilled_s, 3)},
        "events": [{"name": e.name, "frame": e.frame, "time_s": round(e.time_s, 3), "side": e.side}
                   for e in r.events],
        "metrics": metric_table(analysis.metrics), "findings": analysis.findings,
        "warnings": list(analysis.warnings),
    }


def _key_frames(analysis: MovementAnalysis, thumbs: dict[int, np.ndarray | bytes]) -> list[KeyFrame]:
    tr = analysis.result.trajectories
    picks: list[tuple[int, str]] = []
    for ev in analysis.result.events:
        label = ev.name.replace("_", " ") + (f" ({ev.side})" if ev.side in SINGLE_SIDES else "")
        picks.append((ev.frame, f"{label} t={ev.time_s:.2f}s"))
    if not picks:
        picks = [(m.frame, f"{m.metric_id} t={m.time_s:.2f}s") for m in analysis.metrics
                 if m.frame is not None and m.time_s is not None]
    if not picks:
        picks = [(tr.n_frames // 2, f"middle t={tr.n_frames / 2 / tr.fps:.2f}s")]
    picks.sort(key=lambda p: p[0])  # in time order
    seen, chosen = set(), []
    step = max(1, len(picks) // _MAX_KEY_FRAMES + (len(picks) % _MAX_KEY_FRAMES > 0))
    for frame, caption in picks[::step]:
        if frame in seen or frame not in thumbs or frame >= tr.n_frames:
            continue
        seen.add(frame)
        w, h = tr.image_size_px
        points = {n: (float(tr.xy_px[frame, j, 0] / w), float(tr.xy_px[frame, j, 1] / h))
                  for j, n in enumerate(tr.names)}
        chosen.append(KeyFrame(thumbs[frame], points, caption))
    return chosen


def _write_all(analysis: MovementAnalysis, spec: MovementTestSpec, thumbs: dict[int, np.ndarray | bytes], tmp: Path,
               info: VideoInfo) -> dict[str, str]:
    cols = frame_table(analysis)
    _write_csv(cols, tmp / "frames.csv")
    _write_parquet(cols, tmp / "frames.parquet", {"test": analysis.test, "video": info.path.name,
                                                 "view": analysis.view.value, "model": analysis.model})
    summary = _summary(analysis, info)
    (tmp / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    header = (f"# Findings from {info.path.name} ({spec.name}, {analysis.view.value} view), case format "
              "kinetrace.case/1.\n# Merge under `findings:` of a case file, or pass the video to "
              "`kinetrace assess --videos`.\n")
    body = yaml.safe_dump({"findings": analysis.findings}, sort_keys=False, allow_unicode=True)
    (tmp / "findings.yaml").write_text(header + body, encoding="utf-8")
    series = analysis.result.kinematics.series
    panels = [[(n, series[n]) for n in panel if n in series] for panel in spec.plot.get(analysis.view, [])]
    plot_series(analysis.result.trajectories.time_s, [p for p in panels if p], analysis.result.events,
                title=f"{spec.name}: {info.path.name} ({analysis.view.value} view)",
                out_png=tmp / "angles.png", out_svg=tmp / "angles.svg")
    names = {"frames_csv": "frames.csv", "frames_parquet": "frames.parquet", "summary": "summary.json",
             "findings": "findings.yaml", "plot_png": "angles.png", "plot_svg": "angles.svg"}
    key_frames = _key_frames(analysis, thumbs)
    if key_frames:
        contact_sheet(key_frames, out_png=tmp / "contact_sheet.png")
        names["contact_sheet"] = "contact_sheet.png"
    return names


def write_outputs(analysis: MovementAnalysis, spec: MovementTestSpec, thumbs: dict[int, np.ndarray | bytes],
                  target: Path,
                  *, info: VideoInfo) -> dict[str, Path]:
    """Write every output into `target` atomically and return their paths by kind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    old: Path | None = None
    try:
        names = _write_all(analysis, spec, thumbs, tmp, info)
        if target.exists():
            old = target.with_name(f".{target.name}.old-{tmp.name.rsplit('.', 2)[-2]}")
            target.rename(old)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and not target.exists():
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return {kind: target / name for kind, name in names.items()}
