"""Keep the pose model's native start-up log lines (TensorFlow Lite, absl) off the user's terminal.

MediaPipe's C++ core writes INFO/WARNING lines straight to file descriptor 2 when a model is created and on its
first inference; they ignore Python's logging and environment switches and mean nothing to a user. While a
model starts, fd 2 points at /dev/null; errors still arrive as Python exceptions. Set
``KINETRACE_NATIVE_LOG=1`` to see the lines (e.g. when debugging a model).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["quiet_native_log"]


@contextmanager
def quiet_native_log() -> Iterator[None]:
    """Send fd 2 to /dev/null inside the block (unless KINETRACE_NATIVE_LOG=1), restoring it afterwards."""
    if os.environ.get("KINETRACE_NATIVE_LOG") == "1":
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2 (e.g. a closed stream): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
