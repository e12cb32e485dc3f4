"""Run `assess_file` over many case files on a Dask cluster: build every task, compute once, keep input order.

Plain cases take milliseconds, so each task maps `assess_file` over a slice of them (a few tasks per worker
thread) to share Dask's per-task overhead; a case with photos or videos is a task of its own.

The cluster is either a running scheduler (`scheduler="tcp://host:8786"`, whose workers must have Kinetrace
installed and see the case files at the same paths) or a LocalCluster started for the run. Process workers
are spawned, so a script that calls `run_batch` needs an `if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from kinetrace.batch.inputs import BatchItem
from kinetrace.batch.item import assess_file
from kinetrace.batch.record import BatchRecord
from kinetrace.errors import InputError

if TYPE_CHECKING:
    from distributed import Client, Future

__all__ = ["PROFILES", "run_batch"]

PROFILES: tuple[str, ...] = ("evidence", "seed")
_CONNECT_TIMEOUT_S = 10
_TASKS_PER_THREAD = 4  # plain cases take milliseconds, so tasks hold several; an item with media is a task alone


def run_batch(items: Sequence[str | Path | BatchItem], *, profile: str = "evidence", scheduler: str | None = None,
              workers: int = 2, processes: bool = True, progress: bool = True) -> list[BatchRecord]:
    """Assess every case file on a Dask cluster and return one record per item, in input order.

    An item is a case file, or a `BatchItem` whose photos and clips are measured first on the worker. A file
    that cannot be assessed (or whose worker died) gives a "failed" record and the run carries on.
    `workers` and `processes` shape the LocalCluster and are ignored when `scheduler` is given. `progress`
    draws a bar on stderr.

    Raises:
        InputError: an unknown profile, fewer than one worker, or a scheduler that cannot be reached or has
            no workers.
    """
    _check_arguments(profile, workers)
    if not items:
        return []
    from dask.delayed import delayed

    batch = [item if isinstance(item, BatchItem) else BatchItem(path=str(item)) for item in items]
    with _client(scheduler, workers=workers, processes=processes) as client:
        has_media = any(item.media for item in batch)
        if has_media:
            from kinetrace.batch._plugin import PoseModels

            client.register_plugin(PoseModels(), name="kinetrace-pose-models")
        threads = sum(client.nthreads().values()) or 1
        chunks = _chunks(batch, 1 if has_media else _chunk_size(len(batch), threads))
        run_id = uuid.uuid4().hex  # keys unique to this run: a shared scheduler must not hand back another's result
        tasks = [delayed(assess_items)(chunk, profile, dask_key_name=f"kinetrace-assess-{run_id}-{n}")
                 for n, chunk in enumerate(chunks)]
        futures = client.compute(tasks)
        _follow(futures, [len(c) for c in chunks], show=progress)
        return [r for future, chunk in zip(futures, chunks, strict=True) for r in _outcome(future, chunk)]


def assess_items(items: Sequence[BatchItem], profile: str) -> list[BatchRecord]:
    """Map `assess_file` over a slice of the items: one Dask task, so the per-task overhead is shared."""
    return [assess_file(item.path, profile, media=item.media or None) for item in items]


def _chunk_size(count: int, threads: int) -> int:
    """Items per task: a few tasks per worker thread, so each thread stays busy to the end of the run."""
    return max(1, -(-count // (threads * _TASKS_PER_THREAD)))


def _chunks(items: list[BatchItem], size: int) -> list[list[BatchItem]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def _check_arguments(profile: str, workers: int) -> None:
    if profile not in PROFILES:
        raise InputError("profile", profile, " or ".join(PROFILES))
    if workers < 1:
        raise InputError("workers", workers, "a whole number of at least 1")


@contextmanager
def _client(scheduler: str | None, *, workers: int, processes: bool) -> Iterator[Client]:
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=_CONNECT_TIMEOUT_S)
        except ValueError as exc:
            raise InputError("scheduler", message=f"scheduler {scheduler!r}: not a Dask address ({exc}); "
                             "expected e.g. tcp://10.0.0.5:8786.") from exc
        except OSError as exc:
            raise InputError("scheduler", message=f"scheduler {scheduler!r}: could not connect within "
                             f"{_CONNECT_TIMEOUT_S} s; expected the address of a running Dask scheduler, "
                             "e.g. tcp://10.0.0.5:8786.") from exc
        with client:
            _wait_for_a_worker(client, scheduler)
            yield client
        return
    # Everything listens on localhost only; the scheduler's HTTP endpoint takes a free port rather than 8787,
    # so several runs never collide. Worker errors are recorded per item, so the cluster's own logs stay quiet.
    where = {"host": "127.0.0.1"} if processes else {}  # in-process clusters talk in memory, not over TCP
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes, **where,
                           dashboard_address="127.0.0.1:0", silence_logs=logging.CRITICAL)
    with cluster, Client(cluster) as client:
        yield client


def _wait_for_a_worker(client: Client, scheduler: str) -> None:
    try:
        client.wait_for_workers(1, timeout=_CONNECT_TIMEOUT_S)
    except TimeoutError as exc:
        raise InputError("scheduler", message=f"scheduler {scheduler!r}: no worker joined within "
                         f"{_CONNECT_TIMEOUT_S} s; expected a cluster with at least one worker "
                         "(start one with `dask worker ADDRESS`).") from exc


def _follow(futures: list[Future[list[BatchRecord]]], sizes: list[int], *, show: bool) -> None:
    """Wait for every future, drawing a progress bar on stderr when asked."""
    from distributed import wait

    if not show:
        wait(futures)
        return
    from distributed import as_completed
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("assessing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("cases", total=sum(sizes))
        size_of = {future.key: size for future, size in zip(futures, sizes, strict=True)}
        for future in as_completed(futures):
            bar.advance(task, size_of[future.key])


def _outcome(future: Future[list[BatchRecord]], chunk: list[BatchItem]) -> list[BatchRecord]:
    """Return the chunk's records; a task that itself failed (e.g. a killed worker) fails each of its items."""
    if future.status == "finished":
        return future.result()
    exc = future.exception()
    message = f"the worker could not finish this case ({type(exc).__name__}: {exc})"
    return [BatchRecord(source=item.path, case_id=Path(item.path).stem, status="failed", error=message,
                        error_kind=type(exc).__name__) for item in chunk]
