"""`kinetrace serve` refuses to start without a first admin when it cannot ask for one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_serve_without_admin_and_without_terminal_exits_2_naming_the_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINETRACE_")}
    res = subprocess.run(
        [sys.executable, "-c", "from kinetrace.cli.app import main; main()", "serve", "--data-dir", str(tmp_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert res.returncode == 2
    assert "Error: KINETRACE_ADMIN_EMAIL" in res.stderr and "Traceback" not in res.stderr
