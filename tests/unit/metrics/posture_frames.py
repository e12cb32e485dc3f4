"""Builders of synthetic PoseFrames for posture tests (pixel positions in, frame out)."""

from __future__ import annotations

from kinetrace.metrics.pose import LANDMARK_NAMES, Landmark, PoseFrame

W, H = 1000, 2000


def frame_from_px(points: dict[str, tuple[float, float]], *, width: int = W, height: int = H,
                  visibility: dict[str, float] | None = None, confidence: float = 1.0,
                  z: dict[str, float] | None = None) -> PoseFrame:
    """Every named landmark at its pixel position (visibility 1); all others hidden (visibility 0)."""
    vis = visibility or {}
    zs = z or {}
    lms = {}
    for name in LANDMARK_NAMES:
        if name in points:
            x, y = points[name]
            lms[name] = Landmark(x_norm=x / width, y_norm=y / height, z_norm=zs.get(name, 0.0),
                                 visibility=vis.get(name, 1.0))
        else:
            lms[name] = Landmark(x_norm=0.5, y_norm=0.5, visibility=0.0)
    return PoseFrame(landmarks=lms, image_width_px=width, image_height_px=height, detection_confidence=confidence,
                     source="synthetic.jpg")


def side_points(*, ear=(530.0, 300.0), shoulder=(500.0, 340.0), hip=(500.0, 1000.0), knee=(500.0, 1300.0),
                ankle=(500.0, 1600.0), side: str = "right") -> dict[str, tuple[float, float]]:
    """A person facing +x (image right), seen from their `side`, eyes at y=200 and heels at y=1600."""
    pts = {f"{side}_ear": ear, f"{side}_shoulder": shoulder, f"{side}_hip": hip, f"{side}_knee": knee,
           f"{side}_ankle": ankle, f"{side}_heel": (ankle[0] - 30, 1600.0),
           f"{side}_foot_index": (ankle[0] + 150, 1600.0),
           f"{side}_eye": (ear[0] + 60, 200.0), "nose": (ear[0] + 90, 240.0)}
    return pts


def front_points(**moves: tuple[float, float]) -> dict[str, tuple[float, float]]:
    """A symmetric person facing the camera (their left on the image right), with optional moved points."""
    pts = {
        "nose": (500.0, 230.0), "left_eye": (530.0, 200.0), "right_eye": (470.0, 200.0),
        "left_ear": (570.0, 220.0), "right_ear": (430.0, 220.0),
        "left_shoulder": (650.0, 420.0), "right_shoulder": (350.0, 420.0),
        "left_hip": (600.0, 1000.0), "right_hip": (400.0, 1000.0),
        "left_knee": (600.0, 1300.0), "right_knee": (400.0, 1300.0),
        "left_ankle": (600.0, 1600.0), "right_ankle": (400.0, 1600.0),
        "left_heel": (600.0, 1610.0), "right_heel": (400.0, 1610.0),
        "left_foot_index": (620.0, 1640.0), "right_foot_index": (380.0, 1640.0),
    }
    pts.update(moves)
    return pts
