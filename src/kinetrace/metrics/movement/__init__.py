"""Movement tests over a pose sequence (one clip or one motion-capture trial).

Modules, in pipeline order: `spec` (the test definitions in `metrics/data/movement_tests.yaml`), `signal`
(trajectories on a frame grid: swaps, spikes, gaps, filtering), `kinematics` (angle series for the camera view),
`events` (foot-off, touch-down, deepest point, contacts), `measures` (one function per test, with the check that
the clip shows the test), `analysis` (judge each value by the knowledge-base test it feeds; findings). The
synthetic movements with known answers used by tests and validation live outside the package, in
`validation/movement_synthetic.py` and `validation/movement_scenes.py`.
"""

from kinetrace.metrics.movement.analysis import (
    MovementEvent,
    MovementMetric,
    MovementResult,
    analyse_movement,
    findings_from_metrics,
    metric_table,
    prepare_trajectories,
)

__all__ = [
    "MovementEvent",
    "MovementMetric",
    "MovementResult",
    "analyse_movement",
    "findings_from_metrics",
    "metric_table",
    "prepare_trajectories",
]
