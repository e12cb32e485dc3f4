"""Real frames for posture integration tests, extracted at test time from the demo footage (never committed).

The footage is fetched by scripts/setup.d/40-media.sh into $KT_CACHE/media; a missing file fails the test with
the command to run, it is never skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def media_dir() -> Path:
    """The sample-media folder; raises with the setup command if it is missing."""
    d = Path(os.environ.get("KT_CACHE", REPO / ".cache")) / "media"
    if not (d / "pose2sim" / "Demo_SinglePerson" / "videos" / "cam01.mp4").is_file():
        raise FileNotFoundError(f"demo footage missing in {d}: run `bash scripts/setup.d/40-media.sh`")
    return d


def frame_rgb(video: str, index: int) -> np.ndarray:
    """One RGB frame of a demo video ("pose2sim/cam01" or "sports2d/demo")."""
    import cv2

    rel = {"sports2d/demo": "sports2d/Demo/demo.mp4"}.get(
        video, f"pose2sim/Demo_SinglePerson/videos/{video.rsplit('/', maxsplit=1)[-1]}.mp4")
    cap = cv2.VideoCapture(str(media_dir() / rel))
    cap.set(cv2.CAP_PROP_POS_FRAMES, index)
    ok, bgr = cap.read()
    cap.release()
    assert ok, f"could not read frame {index} of {rel}"
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def write_jpeg(rgb: np.ndarray, path: Path) -> Path:
    """Save RGB pixels as a JPEG and return the path."""
    from PIL import Image

    Image.fromarray(rgb).save(path, quality=92)
    return path


def demo_photos(out: Path) -> dict[str, Path]:
    """Photos cut from the demo footage: two standing front views (they pass the capture gates), a back view
    from a high camera (refused) and a side view of a woman walking (refused: a stride, not standing)."""
    return {
        "front": write_jpeg(frame_rgb("pose2sim/cam01", 0), out / "front.jpg"),
        "front2": write_jpeg(frame_rgb("pose2sim/cam01", 2), out / "front2.jpg"),
        "back": write_jpeg(frame_rgb("pose2sim/cam03", 0), out / "back.jpg"),
        "side": write_jpeg(frame_rgb("sports2d/demo", 120), out / "side.jpg"),
    }
