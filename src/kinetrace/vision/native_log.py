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

__all__ = ["quiet_native_log", "silenced_fd"]


@contextmanager
def silenced_fd(fd: int) -> Iterator[None]:
    """Point file descriptor `fd` (1 or 2) at /dev/null inside the block, restoring it afterwards; native
    libraries write there directly, past Python's sys.stdout/sys.stderr."""
    stream = sys.stdout if fd == 1 else sys.stderr
    try:
        stream.flush()
        saved = os.dup(fd)
    except (OSError, ValueError):  # no usable descriptor (e.g. a closed stream): nothing to hide
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


@contextmanager
def quiet_native_log() -> Iterator[None]:
    """Send fd 2 to /dev/null inside the block (unless KINETRACE_NATIVE_LOG=1), restoring it afterwards."""
    if os.environ.get("KINETRACE_NATIVE_LOG") == "1":
        yield
        return
    with silenced_fd(2):
        yield
