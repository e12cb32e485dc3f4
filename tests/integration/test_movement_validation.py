"""The movement validation runs from a fresh clone: every synthetic metric comes back within tolerance."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from posture_media import REPO


def test_synthetic_movement_validation_passes_and_writes_csv(tmp_path: Path) -> None:
    csv_path = tmp_path / "movement.csv"
    out = subprocess.run([sys.executable, "-m", "validation.movement", "--synthetic-only", "--csv", str(csv_path)],
                         cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "(a) Synthetic" in out.stdout and "FAIL" not in out.stdout
    rows = csv_path.read_text().splitlines()
    assert rows[0].startswith("part,metric")
    # every scene contributes clean and perturbed rows: 23 known values × 2 variants
    assert sum(1 for r in rows if r.startswith("synthetic,")) == 46
