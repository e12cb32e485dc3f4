"""Simple line drawings of home exercises (inline SVG), named by `illustration` in home_exercises.yaml.

Drawing coordinates only: a stick figure per pose on a 120 × 76 canvas (floor at y = 70), with dashed lines for
the movement and grey lines for props (wall, chair, band). Nothing clinical is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["POSES", "Pose", "exercise_svg"]

Line = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Pose:
    """A stick figure: head centre, body lines (solid), movement lines (dashed), props (grey)."""

    head: tuple[float, float]
    body: tuple[Line, ...]
    move: tuple[Line, ...] = ()
    props: tuple[Line, ...] = ()

# Each pose: head centre, body lines (solid), movement lines (dashed), props (grey).
_STAND: tuple[Line, ...] = (((60, 17), (60, 42)), ((60, 42), (57, 56), (56, 70)), ((60, 42), (63, 56), (64, 70)))
_CHAIR: tuple[Line, ...] = (((40, 18), (40, 46), (74, 46)), ((42, 46), (42, 70)), ((72, 46), (72, 70)))
_SEATED: tuple[Line, ...] = (((48, 20), (48, 44)), ((48, 44), (70, 44), (70, 70), (78, 70)))
_LYING: tuple[Line, ...] = (((24, 64), (60, 64)), ((60, 64), (76, 48), (88, 68), (96, 68)), ((30, 64), (52, 66)))
_FOUR: tuple[Line, ...] = (((84, 38), (46, 38)), ((84, 38), (84, 68)), ((46, 38), (46, 68), (24, 68)))

POSES: dict[str, Pose] = {
    "walking": Pose(head=(60, 11), body=(((60, 17), (60, 42)), ((60, 42), (53, 56), (48, 70)),
                                            ((60, 42), (66, 56), (72, 70)), ((60, 22), (53, 33), (50, 40)),
                                            ((60, 22), (67, 32), (71, 38))), move=(((78, 40), (98, 40)),)),
    "lying_knees_bent": Pose(head=(18, 62), body=_LYING, move=(((88, 44), (100, 52)),)),
    "lying_chin_nod": Pose(head=(18, 62), body=_LYING, move=(((12, 50), (20, 54)),),
                       props=(((6, 69), (30, 69)),)),
    "bridge": Pose(head=(16, 63), body=(((22, 64), (58, 48)), ((58, 48), (76, 40), (86, 68), (94, 68)),
                                          ((24, 66), (48, 68))), move=(((58, 60), (58, 50)),)),
    "half_kneel": Pose(head=(58, 11), body=(((58, 17), (58, 42)), ((58, 42), (48, 68), (28, 68)),
                                              ((58, 42), (78, 44), (80, 68), (88, 68)),
                                              ((58, 21), (66, 32), (74, 42))), move=(((62, 30), (74, 30)),)),
    "side_lying_clam": Pose(head=(16, 55), body=(((22, 58), (60, 60)), ((60, 60), (82, 62), (64, 68)),
                                                   ((60, 60), (80, 48), (64, 66)), ((22, 58), (14, 46))),
                        move=(((84, 60), (84, 46)),)),
    "standing_quad": Pose(head=(60, 11), body=(*_STAND[:2], ((60, 42), (62, 56), (50, 50)),
                                                 ((60, 22), (52, 36), (50, 49)), ((60, 22), (76, 26), (90, 28))),
                      props=(((92, 4), (92, 70)),)),
    "seated_neck_press": Pose(head=(48, 14), body=(*_SEATED, ((48, 24), (60, 26), (55, 14))),
                          props=_CHAIR, move=(((60, 10), (54, 12)),)),
    "seated_twist": Pose(head=(48, 14), body=(*_SEATED, ((48, 24), (58, 30), (44, 30))),
                     props=_CHAIR, move=(((30, 22), (48, 4), (66, 22)),)),
    "four_point": Pose(head=(93, 34), body=_FOUR, move=(((50, 28), (65, 22), (80, 28)),)),
    "four_point_leg": Pose(head=(93, 34), body=(((84, 38), (46, 38)), ((84, 38), (84, 68)),
                                                  ((46, 38), (46, 68), (30, 68)), ((46, 38), (18, 36))),
                       move=(((16, 44), (16, 30)),)),
    "prone_hip_turn": Pose(head=(16, 61), body=(((22, 64), (62, 64)), ((62, 64), (84, 64), (84, 40)),
                                                  ((24, 66), (44, 68))), move=(((84, 64), (102, 46)),)),
    "standing_turn": Pose(head=(60, 11), body=(*_STAND, ((60, 22), (84, 22))),
                      move=(((60, 22), (38, 18)),), props=(((34, 4), (34, 70)),)),
    "hip_hinge": Pose(head=(78, 22), body=(((72, 27), (50, 40)), ((50, 40), (56, 56), (52, 70)),
                                             ((72, 29), (74, 46))), move=(((44, 30), (34, 34)),)),
    "doorway": Pose(head=(60, 11), body=(*_STAND, ((60, 22), (80, 22), (80, 10)), ((60, 22), (40, 22), (40, 10))),
                props=(((82, 2), (82, 70)), ((38, 2), (38, 70))), move=(((66, 62), (74, 62)),)),
    "band_row": Pose(head=(60, 11), body=(*_STAND, ((60, 22), (52, 30), (70, 30))),
                 props=(((70, 30), (104, 30)), ((106, 4), (106, 70))), move=(((86, 24), (74, 24)),)),
    "wall_calf": Pose(head=(82, 15), body=(((78, 21), (60, 42)), ((60, 42), (74, 56), (76, 70)),
                                             ((60, 42), (42, 70), (34, 70)), ((78, 24), (96, 20))),
                  props=(((98, 2), (98, 70)),)),
    "single_leg": Pose(head=(60, 11), body=(_STAND[0], _STAND[1], ((60, 42), (70, 52), (64, 62)),
                                              ((60, 22), (76, 34)), ((60, 22), (46, 32))),
                   props=(((78, 34), (100, 34)), ((100, 34), (100, 70)))),
    "wall_slide": Pose(head=(60, 11), body=(*_STAND, ((60, 21), (50, 12), (48, 2)), ((60, 21), (70, 12), (72, 2))),
                   move=(((82, 20), (82, 6)),), props=(((40, 72), (40, 72)),)),
}


def _path(line: Line) -> str:
    return "M" + " L".join(f"{x:g} {y:g}" for x, y in line)


def exercise_svg(pose: str, *, width_mm: float = 40) -> str:
    """Return the drawing for `pose` as inline SVG; an unknown pose draws a plain standing figure."""
    spec = POSES.get(pose, Pose(head=(60, 11), body=_STAND))
    hx, hy = spec.head
    body = "".join(f'<path d="{_path(ln)}"/>' for ln in spec.body)
    move = "".join(f'<path d="{_path(ln)}"/>' for ln in spec.move)
    props = "".join(f'<path d="{_path(ln)}"/>' for ln in spec.props)
    height_mm = width_mm * 76 / 120
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 76" width="{width_mm:g}mm" '
        f'height="{height_mm:.1f}mm" role="img" aria-label="drawing of the exercise">'
        '<path d="M2 71 L118 71" stroke="#c6ced9" stroke-width="1.2"/>'
        f'<g fill="none" stroke="#9aa5b4" stroke-width="2" stroke-linecap="round">{props}</g>'
        f'<g fill="none" stroke="#14324a" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round">{body}'
        f'<circle cx="{hx:g}" cy="{hy:g}" r="5.5" fill="#eef1f5"/></g>'
        f'<g fill="none" stroke="#d08a1f" stroke-width="1.8" stroke-dasharray="3 2" stroke-linecap="round">{move}</g>'
        "</svg>"
    )
