"""Helpers for the 3-D capture tests: short real clips cut from the demo footage."""

from __future__ import annotations

from pathlib import Path


def write_clip(src: Path, dest: Path, *, start: int = 0, frames: int = 30, fps: float | None = None) -> Path:
    """Copy real frames `start…start+frames` of `src` into a new MP4 (optionally at another frame rate)."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    rate = fps or cap.get(cv2.CAP_PROP_FPS)
    cap.set(cv2.CAP_PROP_POS_FRAMES, start)
    writer = None
    for _ in range(frames):
        ok, frame = cap.read()
        if not ok:
            break
        if writer is None:
            writer = cv2.VideoWriter(str(dest), cv2.VideoWriter_fourcc(*"mp4v"), rate,
                                     (frame.shape[1], frame.shape[0]))
        writer.write(frame)
    cap.release()
    assert writer is not None
    writer.release()
    return dest
