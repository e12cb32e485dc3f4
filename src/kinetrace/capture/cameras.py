"""Calibrated cameras and the calibration files Kinetrace reads and writes.

Formats read (chosen by file name):

- Pose2Sim / Anipose `.toml`: one `[cam_xx]` table per camera with `size`, `matrix`, `distortions`, a Rodrigues
  `rotation` and a `translation` in metres (world → camera).
- Qualisys `.qca.txt` (the Pose2Sim demo): intrinsics in sensor sub-pixel units, camera pose in the world (mm).
- OpenCap `.pickle` (one per camera, or a folder of them): `intrinsicMat`, `distortion`, `rotation`,
  `translation` (mm, world → camera) and `imageSize`. Read with a restricted unpickler (numpy arrays only).

World coordinates are metres. Image pixels: x right, y down.
"""

from __future__ import annotations

import io
import pickle
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kinetrace.errors import InputError

__all__ = ["Camera", "load_calibration", "write_toml"]

_QCA_UNITS_PER_PX = 64.0  # Qualisys stores intrinsics in sub-pixel sensor units


@dataclass(frozen=True)
class Camera:
    """One calibrated camera: image size, intrinsics K, distortion and world→camera rotation R, translation t (m)."""

    name: str
    width_px: int
    height_px: int
    K: np.ndarray
    R: np.ndarray
    t: np.ndarray
    dist: np.ndarray = field(default_factory=lambda: np.zeros(5))

    @property
    def P(self) -> np.ndarray:
        """3×4 projection matrix of undistorted pixels (world metres → homogeneous pixels)."""
        return np.asarray(self.K @ np.hstack([self.R, self.t.reshape(3, 1)]))

    @property
    def centre_m(self) -> np.ndarray:
        """Camera centre in world coordinates (m)."""
        return np.asarray(-self.R.T @ self.t.reshape(3))

    def project(self, X: np.ndarray) -> np.ndarray:
        """Project world points (N×3, m) to undistorted pixels (N×2)."""
        pts = np.atleast_2d(X)
        uvw = np.hstack([pts, np.ones((pts.shape[0], 1))]) @ self.P.T
        return np.asarray(uvw[:, :2] / uvw[:, 2:3])

    def undistort(self, points_px: np.ndarray) -> np.ndarray:
        """Remove lens distortion from pixel points (N×2); returns undistorted pixels in the same K."""
        if not np.any(self.dist):
            return points_px
        import cv2

        pts = np.asarray(points_px, dtype=np.float64).reshape(-1, 1, 2)
        return np.asarray(cv2.undistortPoints(pts, self.K, self.dist, P=self.K).reshape(-1, 2))


def _bad(path: Path, what: str) -> InputError:
    return InputError("calibration", str(path), what)


def _load_toml(path: Path) -> list[Camera]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _bad(path, f"a readable TOML calibration ({exc})") from None
    import cv2

    cams = []
    for key, table in data.items():
        if key == "metadata" or not isinstance(table, dict):
            continue
        try:
            w, h = (int(round(float(v))) for v in table["size"])
            K = np.asarray(table["matrix"], dtype=float).reshape(3, 3)
            dist = np.asarray(table.get("distortions", [0, 0, 0, 0]), dtype=float).ravel()
            R, _ = cv2.Rodrigues(np.asarray(table["rotation"], dtype=float).reshape(3, 1))
            t = np.asarray(table["translation"], dtype=float).reshape(3)
        except (KeyError, TypeError, ValueError) as exc:
            raise _bad(path, f"[{key}] with size, matrix, rotation and translation ({exc})") from None
        cams.append(Camera(str(table.get("name", key)), w, h, K, np.asarray(R), t, dist))
    if not cams:
        raise _bad(path, "at least one [cam_xx] table")
    return sorted(cams, key=lambda c: c.name)


def _load_qca(path: Path) -> list[Camera]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise _bad(path, f"a readable Qualisys XML calibration ({exc})") from None
    flip = np.diag([1.0, -1.0, -1.0])  # Qualisys camera axes → OpenCV (half-turn about x)
    cams: list[Camera] = []
    for cam in root.findall("cameras/camera"):
        fov, intr, tr = cam.find("fov_video"), cam.find("intrinsic"), cam.find("transform")
        if fov is None or intr is None or tr is None:
            raise _bad(path, "fov_video, intrinsic and transform for every camera")
        left, top = float(fov.get("left", 0)), float(fov.get("top", 0))
        w = int(float(fov.get("right", 0)) - left + 1)
        h = int(float(fov.get("bottom", 0)) - top + 1)
        g = {k: float(v) for k, v in intr.attrib.items()}
        K = np.array([[g["focalLengthU"] / _QCA_UNITS_PER_PX, 0.0, g["centerPointU"] / _QCA_UNITS_PER_PX - left],
                      [0.0, g["focalLengthV"] / _QCA_UNITS_PER_PX, g["centerPointV"] / _QCA_UNITS_PER_PX - top],
                      [0.0, 0.0, 1.0]])
        dist = np.array([g.get("radialDistortion1", 0.0), g.get("radialDistortion2", 0.0),
                         g.get("tangentalDistortion1", 0.0), g.get("tangentalDistortion2", 0.0),
                         g.get("radialDistortion3", 0.0)])
        r = np.array([float(tr.get(f"r{i}{j}", 0)) for i in (1, 2, 3) for j in (1, 2, 3)]).reshape(3, 3).T
        position_m = np.array([float(tr.get(k, 0)) for k in ("x", "y", "z")]) / 1000.0
        R_wc = r.T
        cams.append(Camera(cam.get("serial", f"cam{len(cams) + 1:02d}"), w, h, K, flip @ R_wc,
                           flip @ (-R_wc @ position_m), dist))
    if not cams:
        raise _bad(path, "at least one <camera> under <cameras>")
    return sorted(cams, key=lambda c: c.name)


class _NumpyOnly(pickle.Unpickler):
    """Unpickler that only rebuilds numpy arrays and plain containers (an OpenCap file is data, not code)."""

    _ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
                ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
                ("numpy._core.multiarray", "scalar"), ("collections", "OrderedDict")}

    def find_class(self, module: str, name: str) -> Any:
        """Allow numpy array reconstruction only."""
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a calibration file")
        return super().find_class(module, name)


def _load_opencap(paths: Sequence[Path]) -> list[Camera]:
    cams = []
    for i, p in enumerate(paths):
        try:
            d = _NumpyOnly(io.BytesIO(p.read_bytes())).load()
            K = np.asarray(d["intrinsicMat"], dtype=float).reshape(3, 3)
            dist = np.asarray(d["distortion"], dtype=float).ravel()
            R = np.asarray(d["rotation"], dtype=float).reshape(3, 3)
            t = np.asarray(d["translation"], dtype=float).reshape(3) / 1000.0
            size = [int(v) for v in np.asarray(d["imageSize"]).ravel()]
        except (pickle.UnpicklingError, KeyError, TypeError, ValueError, EOFError) as exc:
            raise _bad(p, f"an OpenCap camera pickle with intrinsicMat, distortion, rotation, translation, "
                          f"imageSize ({exc})") from None
        # OpenCap stores imageSize as (rows, cols)
        name = p.parent.name if p.name == "cameraIntrinsicsExtrinsics.pickle" else p.stem or f"cam{i + 1:02d}"
        cams.append(Camera(name, size[1], size[0], K, R, t, dist))
    return cams


def load_calibration(path: str | Path) -> list[Camera]:
    """Read a calibration file (Pose2Sim .toml, Qualisys .qca.txt, OpenCap .pickle or a folder of pickles).

    Raises:
        InputError: missing file, unknown format or a file that does not hold cameras.
    """
    p = Path(path)
    if p.is_dir():
        pickles = sorted(p.rglob("*.pickle"))
        if not pickles:
            raise _bad(p, "a .toml, .qca.txt or .pickle file, or a folder of OpenCap .pickle files")
        return _load_opencap(pickles)
    if not p.is_file():
        raise _bad(p, "an existing calibration file")
    name = p.name.lower()
    if name.endswith(".toml"):
        return _load_toml(p)
    if name.endswith((".qca.txt", ".qca")):
        return _load_qca(p)
    if name.endswith((".pickle", ".pkl")):
        return _load_opencap([p])
    raise _bad(p, "a .toml (Pose2Sim), .qca.txt (Qualisys) or .pickle (OpenCap) calibration")


def _fmt(values: np.ndarray) -> str:
    return "[ " + ", ".join(f"{float(v):.10g}" for v in np.ravel(values)) + " ]"


def toml_text(cameras: Sequence[Camera], *, error_px: float | None = None) -> str:
    """The Pose2Sim-compatible TOML text of a calibration."""
    import cv2

    lines = []
    for i, cam in enumerate(cameras, start=1):
        rvec, _ = cv2.Rodrigues(cam.R)
        K = cam.K
        lines += [f"[cam_{i:02d}]", f'name = "{cam.name}"', f"size = {_fmt(np.array([cam.width_px, cam.height_px]))}",
                  f"matrix = [ {_fmt(K[0])}, {_fmt(K[1])}, {_fmt(K[2])} ]", f"distortions = {_fmt(cam.dist[:4])}",
                  f"rotation = {_fmt(rvec)}", f"translation = {_fmt(cam.t)}", "fisheye = false", ""]
    lines += ["[metadata]", "adjusted = false", f"error = {0.0 if error_px is None else error_px:.4f}", ""]
    return "\n".join(lines)


def write_toml(cameras: Sequence[Camera], path: str | Path, *, error_px: float | None = None) -> Path:
    """Write cameras as a Pose2Sim-compatible `.toml` calibration; returns the path."""
    out = Path(path)
    out.write_text(toml_text(cameras, error_px=error_px), encoding="utf-8")
    return out
