"""Camera calibration with OpenCV from a checkerboard or ChArUco board filmed by each camera.

Intrinsics come from every usable view of the board in that camera's video (or folder of images). Extrinsics come
from one view of the board that all cameras see at the same moment (by default each camera's last view, i.e. the
board left standing still at the end of the calibration clip): the board then defines the world frame (metres).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kinetrace.capture.cameras import Camera
from kinetrace.errors import InputError

__all__ = ["Board", "calibrate_camera", "find_board"]

_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff"}


@dataclass(frozen=True)
class Board:
    """A calibration board: inner corners (columns × rows) and square size; ChArUco adds marker size and dictionary."""

    columns: int
    rows: int
    square_m: float
    charuco: bool = False
    marker_m: float = 0.0
    dictionary: str = "DICT_4X4_50"

    def object_points(self) -> np.ndarray:
        """Board corner positions (N×3, metres, z = 0) in detection order."""
        grid = np.mgrid[0:self.columns, 0:self.rows].T.reshape(-1, 2)
        return np.hstack([grid * self.square_m, np.zeros((len(grid), 1))]).astype(np.float32)

    def describe(self) -> str:
        """Short text, e.g. '7×4 checkerboard, 60 mm squares'."""
        kind = "ChArUco board" if self.charuco else "checkerboard"
        return f"{self.columns}×{self.rows} {kind}, {self.square_m * 1000:g} mm squares"


def _frames(source: Path, every: int) -> Iterator[tuple[int, np.ndarray]]:
    import cv2

    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)
        for i, f in enumerate(files):
            img = cv2.imread(str(f), cv2.IMREAD_GRAYSCALE)
            if img is not None:
                yield i, img
        return
    cap = cv2.VideoCapture(str(source))
    if not cap.isOpened():
        raise InputError("calibration video", str(source), "a readable video or a folder of images")
    i = 0
    try:
        while cap.grab():
            if i % every == 0:
                ok, bgr = cap.retrieve()
                if ok:
                    yield i, cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
            i += 1
    finally:
        cap.release()


def find_board(gray: np.ndarray, board: Board) -> tuple[np.ndarray, np.ndarray] | None:
    """Board corners in one grayscale image: (image points N×2, object points N×3), or None if not found."""
    import cv2

    if board.charuco:
        aruco = cv2.aruco
        dictionary = aruco.getPredefinedDictionary(getattr(aruco, board.dictionary))
        cb = aruco.CharucoBoard((board.columns + 1, board.rows + 1), board.square_m, board.marker_m, dictionary)
        corners, ids, _, _ = aruco.CharucoDetector(cb).detectBoard(gray)
        if ids is None or len(ids) < 6:  # noqa: PLR2004 - fewer corners cannot fix a pose
            return None
        obj = np.asarray(cb.getChessboardCorners())[ids.ravel()]
        return corners.reshape(-1, 2).astype(np.float32), np.asarray(obj, dtype=np.float32)
    scale = min(1.0, 1280.0 / max(gray.shape))  # find on a smaller image, refine at full size
    small = cv2.resize(gray, None, fx=scale, fy=scale) if scale < 1.0 else gray
    ok, corners = cv2.findChessboardCorners(small, (board.columns, board.rows),
                                            flags=cv2.CALIB_CB_ADAPTIVE_THRESH | cv2.CALIB_CB_NORMALIZE_IMAGE)
    if not ok:
        return None
    corners = (corners / scale).astype(np.float32)
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 1e-3)
    corners = cv2.cornerSubPix(gray, corners, (11, 11), (-1, -1), crit)
    return corners.reshape(-1, 2), board.object_points()


def calibrate_camera(source: str | Path, board: Board, *, name: str = "", every: int = 10,
                     max_views: int = 30) -> tuple[Camera, float]:
    """Intrinsics and (board-frame) extrinsics of one camera; returns the camera and its RMS reprojection error (px).

    Raises:
        InputError: unreadable source, or the board is not found in enough views (names the board and the file).
    """
    import cv2

    src = Path(source)
    if not src.exists():
        raise InputError("calibration video", str(src), "an existing video or folder of images")
    img_pts, obj_pts, size, checked = [], [], (0, 0), 0
    for _, gray in _frames(src, every):
        checked += 1
        size = (gray.shape[1], gray.shape[0])
        found = find_board(gray, board)
        if found is not None:
            img_pts.append(found[0])
            obj_pts.append(found[1])
    if len(img_pts) < 3:  # noqa: PLR2004 - three views are the least that fix the intrinsics
        raise InputError("calibration", src.name, message=f"calibration: the {board.describe()} was found in "
                         f"{len(img_pts)} of {checked} frames of {src.name}; expected at least 3 (check --board "
                         "and --square-mm, and film the whole board)")
    if len(img_pts) > max_views:
        keep = np.linspace(0, len(img_pts) - 2, max_views - 1).astype(int).tolist() + [len(img_pts) - 1]
        img_pts, obj_pts = [img_pts[i] for i in keep], [obj_pts[i] for i in keep]
    rms, K, dist, rvecs, tvecs = cv2.calibrateCamera(obj_pts, img_pts, size, None, None)
    R, _ = cv2.Rodrigues(rvecs[-1])
    cam = Camera(name or src.stem, size[0], size[1], np.asarray(K), np.asarray(R), np.asarray(tvecs[-1]).reshape(3),
                 np.asarray(dist).ravel()[:5])
    return cam, float(rms)
