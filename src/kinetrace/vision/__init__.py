"""vision: adapters from images and videos to core pose types (MediaPipe back end, photo analysis).

Nothing heavy is imported here; import the submodules you need (`kinetrace.vision.mediapipe_pose`,
`kinetrace.vision.photo`).
"""

__all__: list[str] = []
