"""3-D capture validation in one command: `python -m validation.capture`.

On the real Pose2Sim 4-camera demo (100 frames, 60 fps, one person moving), with the 2-D pose of every camera
computed once:

(a) Leave-one-camera-out: the pipeline on each set of three cameras vs all four; RMS and largest difference of
    every clinical angle over the trial.
(b) Two vs four cameras: the same for all six camera pairs (a pair the gates refuse is reported with its gate).
(c) Test–retest over repeated cycles: the trial holds repeated swings of the trunk; each swing's peak of every
    angle is found between successive extremes of the thoracic rotation, and the spread (SD) of those peaks
    between cycles is reported.
Also prints the median reprojection error, the IK marker RMS and the hip-rotation SD in the stillest window.

There is no marker-based reference for this trial in any registry package (the Pose2Sim wheel ships videos and a
calibration only), so absolute accuracy against mocap is not measured here.

Writes out/validation/capture.csv and out/validation/capture.png (`--out`).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from kinetrace.capture.result import CaptureResult

os.environ.setdefault("GLOG_minloglevel", "2")


def _demo() -> Path:
    cache = Path(os.environ.get("KT_CACHE", Path(__file__).resolve().parents[1] / ".cache"))
    return cache / "media" / "pose2sim" / "Demo_SinglePerson"


def _solve(cams: list[Any], poses: list[Any], subset: tuple[int, ...]) -> tuple[CaptureResult | None, str]:
    from kinetrace.capture.pipeline import solve
    from kinetrace.errors import InputError

    with tempfile.TemporaryDirectory() as tmp:
        try:
            return solve([cams[i] for i in subset], [poses[i] for i in subset], 60.0, "hip_rotation",
                         Path(tmp)), ""
        except InputError as exc:
            return None, str(exc)


def _cycle_peaks(series: np.ndarray, driver: np.ndarray) -> list[float]:
    """Peak |angle| within each half-cycle between successive extremes of `driver`."""
    from scipy.signal import find_peaks

    ext = sorted(set(find_peaks(driver, prominence=10)[0]) | set(find_peaks(-driver, prominence=10)[0]))
    bounds = [0, *ext, len(driver)]
    return [float(series[a:b][np.argmax(np.abs(series[a:b]))]) for a, b in itertools.pairwise(bounds) if b - a > 5]


def main() -> None:  # noqa: PLR0915 - one linear report
    """Run the three comparisons, print the tables, write CSV and figure."""
    parser = argparse.ArgumentParser(description="3-D capture validation on the Pose2Sim demo")
    parser.add_argument("--out", type=Path, default=Path("out/validation"))
    parser.add_argument("--frames", type=int, default=100)
    args = parser.parse_args()
    from kinetrace.capture.cameras import load_calibration
    from kinetrace.capture.detect import detect_camera

    demo = _demo()
    cams = load_calibration(demo / "calibration" / "Calib.qca.txt")
    poses = [detect_camera(demo / "videos" / f"{c.name}.mp4", list(range(args.frames)), 60.0, name=c.name)
             for c in cams]
    full, why = _solve(cams, poses, (0, 1, 2, 3))
    assert full is not None, why
    names = list(full.angles)
    s, e = full.still_window
    sd_left = full.angles["hip_rotation_left"][s:e].std()
    sd_right = full.angles["hip_rotation_right"][s:e].std()
    print(f"4 cameras: median reprojection error {full.median_reprojection_px:.1f} px; IK marker RMS "
          f"{np.median(full.marker_rms_m) * 100:.2f} cm; stillest window frames {s}–{e} "
          f"({full.still_speed_m_s:.2f} m/s); hip rotation SD there L {sd_left:.2f}° R {sd_right:.2f}°")
    rows: list[dict[str, object]] = []
    subsets = [("leave_one_out", t) for t in itertools.combinations(range(4), 3)] + \
              [("two_cameras", t) for t in itertools.combinations(range(4), 2)]
    for kind, subset in subsets:
        label = "+".join(cams[i].name for i in subset)
        res, why = _solve(cams, poses, subset)
        if res is None:
            rows.append({"comparison": kind, "cameras": label, "angle": "all", "refused": why})
            print(f"{kind:<14}{label:<22} refused: {why}")
            continue
        for n in names:
            d = np.asarray(res.angles[n]) - np.asarray(full.angles[n])
            rows.append({"comparison": kind, "cameras": label, "angle": n,
                         "rms_deg": round(float(np.sqrt(np.mean(d ** 2))), 2),
                         "max_abs_deg": round(float(np.max(np.abs(d))), 2),
                         "median_reprojection_px": round(res.median_reprojection_px, 2),
                         "ik_rms_cm": round(float(np.median(res.marker_rms_m)) * 100, 2)})
    print("\nAgreement with the 4-camera result, RMS difference over the trial (degrees)")
    header = f"{'angle':<26}{'leave-one-out (median/worst)':>30}{'two cameras (median/worst)':>30}"
    print(header)
    summary: dict[str, dict[str, tuple[float, float]]] = {}
    for n in names:
        cells = []
        for kind in ("leave_one_out", "two_cameras"):
            vals = [float(str(r["rms_deg"])) for r in rows if r["comparison"] == kind and r["angle"] == n]
            cell = (float(np.median(vals)), float(np.max(vals))) if vals else (float("nan"), float("nan"))
            summary.setdefault(n, {})[kind] = cell
            cells.append(f"{cell[0]:.1f} / {cell[1]:.1f}")
        print(f"{n:<26}{cells[0]:>30}{cells[1]:>30}")
    print("\nTest–retest over repeated trunk swings (peaks per half-cycle, SD between cycles, degrees)")
    driver = np.asarray(full.angles["thoracic_rotation"])
    for n in names:
        peaks = _cycle_peaks(np.asarray(full.angles[n]), driver)
        same_sign = [p for p in peaks if np.sign(p) == np.sign(np.median(peaks))] if peaks else []
        sd = float(np.std(same_sign, ddof=1)) if len(same_sign) > 1 else float("nan")
        rows.append({"comparison": "test_retest", "cameras": "all", "angle": n, "cycles": len(peaks),
                     "peaks_deg": " ".join(f"{p:.1f}" for p in peaks), "sd_deg": round(sd, 2)})
        print(f"{n:<26} cycles {len(peaks)}  peaks {' '.join(f'{p:6.1f}' for p in peaks)}  SD {sd:.1f}")
    args.out.mkdir(parents=True, exist_ok=True)
    keys = sorted({k for r in rows for k in r}, key=lambda k: list(rows[0]).index(k) if k in rows[0] else 99)
    with open(args.out / "capture.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    x = np.arange(len(names))
    for k, (kind, colour) in enumerate((("leave_one_out", "tab:blue"), ("two_cameras", "tab:orange"))):
        med = [summary[n][kind][0] for n in names]
        worst = [summary[n][kind][1] for n in names]
        ax.bar(x + (k - 0.5) * 0.38, med, 0.38, color=colour, label=kind.replace("_", " ") + " (median)")
        ax.scatter(x + (k - 0.5) * 0.38, worst, color="k", marker="_", s=120)
    ax.set_xticks(x, [n.replace("_", "\n") for n in names], fontsize=7)
    ax.set_ylabel("RMS difference vs 4 cameras (°)")
    ax.set_title("3-D capture: camera subsets vs all four cameras (Pose2Sim demo; bar median, tick worst)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out / "capture.png", dpi=90)
    print(f"\nwrote {args.out / 'capture.csv'} and {args.out / 'capture.png'}")


if __name__ == "__main__":
    main()
