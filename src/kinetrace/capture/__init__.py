"""3-D capture from two or more calibrated cameras: calibration, sync, triangulation, OpenSim scaling and IK.

An adapter (needs the `kinetrace[capture]` extra: OpenCV, MediaPipe through `kinetrace.vision`, SciPy, OpenSim).
Entry point: `capture.pipeline.run_capture`.
"""

__all__: list[str] = []
