"""The Dask worker plugin of a batch run (kept apart so that importing `kinetrace.batch` does not import Dask)."""

from __future__ import annotations

from distributed import Worker, WorkerPlugin

from kinetrace.batch.media import close_pose_models


class PoseModels(WorkerPlugin):
    """Closes the pose models cached on a worker when the worker closes, while their native side can still."""

    def teardown(self, worker: Worker) -> None:
        """Close every cached pose model of this worker process."""
        close_pose_models()
