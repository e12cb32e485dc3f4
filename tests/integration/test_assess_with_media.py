"""`kinetrace assess --photos` on a real frame of the demo footage: the photo's findings reach the assessment."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from posture_media import frame_rgb, write_jpeg

ROOT = Path(__file__).resolve().parents[2]


def test_assess_merges_photo_findings_with_the_case(tmp_path: Path):
    photo = write_jpeg(frame_rgb("pose2sim/cam01", 0), tmp_path / "front.jpg")
    proc = subprocess.run([sys.executable, "-m", "kinetrace", "assess", "examples/demo.yaml", "--photos", str(photo),
                           "--height-cm", "175", "--format", "json"], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    sources = {f["test_id"]: f["source"] for f in result["findings"]}
    assert any(s and s.endswith("front.jpg") for s in sources.values()), sources
    # the case's own findings are still there, and triage ran first
    assert "hip_ir_prone" in sources
    assert result["triage"]["action"] == "proceed_conservative_plan"
