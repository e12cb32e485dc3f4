"""Benchmark `kinetrace batch`: cases per second, serial loop versus the Dask graph on 2 worker processes.

The cases are the repository's examples/*.yaml plus the `case` part of each tests/cases/*.yaml file (those hold
{description, expect, case}), written as plain case files to a temporary folder and repeated `--repeat` times.
Three figures: a serial loop over `assess_file` (knowledge base already loaded); `run_batch` from cold (starts
its own LocalCluster, workers import Kinetrace and load the knowledge base); and `run_batch` on a cluster that is
already running and warm. Each run's records are checked to equal the serial ones.

With `--photo-cases N`, N cases each carry a side photo (a frame of the Sports2D demo clip fetched by
scripts/setup.d/40-media.sh) that is measured with MediaPipe before the case is assessed: serial (a new pose model
per case, as `assess --photos` does) against a cold batch (one pose model per worker).

Run: .venv/bin/python benchmarks/batch.py [--repeat 10] [--workers 2] [--photo-cases 0]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from kinetrace.batch import BatchItem, BatchRecord, CaseMedia, assess_file, run_batch
from kinetrace.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parent.parent


def write_cases(folder: Path) -> list[Path]:
    """Write the examples and the unwrapped test cases into `folder` and return the files."""
    files = []
    for example in sorted((ROOT / "examples").glob("*.yaml")):
        target = folder / example.name
        target.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
        files.append(target)
    for wrapped in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        case = yaml.safe_load(wrapped.read_text(encoding="utf-8"))["case"]
        target = folder / f"case_{wrapped.name}"
        target.write_text(yaml.safe_dump(case, allow_unicode=True, sort_keys=False), encoding="utf-8")
        files.append(target)
    return files


def timed(label: str, n: int, run: Callable[[], list[BatchRecord]]) -> tuple[list[BatchRecord], float]:
    """Run once, print wall time and cases per second, and return the records and the seconds taken."""
    start = time.perf_counter()
    records = run()
    elapsed_s = time.perf_counter() - start
    print(f"{label:<36} {n:>5} cases  {elapsed_s:7.2f} s  {n / elapsed_s:8.1f} cases/s")
    return records, elapsed_s


def side_photo(folder: Path) -> Path:
    """Cut a side-view frame from the Sports2D demo clip into `folder`."""
    import cv2

    clip = Path(os.environ.get("KT_CACHE", ROOT / ".cache")) / "media" / "sports2d" / "Demo" / "demo.mp4"
    if not clip.is_file():
        raise SystemExit(f"demo footage missing: run `bash scripts/setup.d/40-media.sh` ({clip})")
    capture = cv2.VideoCapture(str(clip))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 120)
    ok, bgr = capture.read()
    capture.release()
    target = folder / "side.jpg"
    cv2.imwrite(str(target), bgr)
    return target


def photo_cases(folder: Path, files: list[Path], count: int, workers: int) -> bool:
    """Time `count` cases with one side photo each, serial and batch; return whether the records agree."""
    photo = str(side_photo(folder))
    items = [BatchItem(path=str(files[n % len(files)]), media=CaseMedia(photos=(photo,))) for n in range(count)]
    serial, serial_s = timed("photo cases, serial", count,
                             lambda: [assess_file(i.path, media=i.media) for i in items])
    batch, batch_s = timed("photo cases, batch, cold", count,
                           lambda: run_batch(items, workers=workers, progress=False))
    print(f"photo cases speed-up over serial: {serial_s / batch_s:.2f}x; records equal: {batch == serial}")
    return batch == serial


def main(argv: list[str] | None = None) -> int:
    """Print the three throughputs; return 1 if a batch run's records differ from the serial ones."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=10, help="times each case file is listed (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--photo-cases", type=int, default=0, help="cases with a photo to measure (default 0)")
    args = parser.parse_args(argv)
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(prefix="kt-batch-bench-") as folder:
        files = write_cases(Path(folder)) * args.repeat
        n = len(files)
        print(f"{n // args.repeat} distinct cases x {args.repeat}; {args.workers} workers; "
              f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
        load_knowledge()  # the serial loop starts warm, as a long-running process would
        serial, serial_s = timed("serial loop (warm)", n, lambda: [assess_file(f) for f in files])
        cold, cold_s = timed("batch, cold (starts LocalCluster)", n,
                             lambda: run_batch(files, workers=args.workers, progress=False))
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, dashboard_address="127.0.0.1:0",
                          silence_logs=logging.ERROR) as cluster:
            run_batch(files[:args.workers * 2], scheduler=cluster.scheduler_address, progress=False)  # warm up
            warm, warm_s = timed("batch, warm cluster", n,
                                 lambda: run_batch(files, scheduler=cluster.scheduler_address, progress=False))
        photos_same = photo_cases(Path(folder), files, args.photo_cases, args.workers) if args.photo_cases else True
    same = cold == serial and warm == serial and photos_same
    print(f"speed-up over serial: cold {serial_s / cold_s:.2f}x, warm {serial_s / warm_s:.2f}x; "
          f"records equal to serial: {same}")
    return 0 if same else 1


if __name__ == "__main__":  # required: Dask spawns worker processes that re-import the main module
    raise SystemExit(main())
