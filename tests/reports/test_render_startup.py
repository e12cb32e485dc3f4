"""The PDF renderer's start-up: WeasyPrint loads its native libraries without spawning processes, and one font
configuration serves every report made in a thread."""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import Any

from kinetrace.reports.render import _font_config

_PROBE = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(args[0]) if event == "subprocess.Popen" else None)
from kinetrace.reports.render import _import_weasyprint
_import_weasyprint()
from weasyprint.text import ffi
print(len(started), *(getattr(ffi, n) is not None for n in ("gobject", "pango", "harfbuzz", "fontconfig", "pangoft2")))
"""


def test_weasyprint_loads_its_libraries_without_starting_a_process() -> None:
    # a plain `import weasyprint` runs ldconfig/gcc/ld about 50 times looking for library names (cffi's find_library)
    out = subprocess.run([sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True).stdout.split()
    assert out == ["0", "True", "True", "True", "True", "True"]


def test_font_configuration_is_made_once_per_thread() -> None:
    seen: list[Any] = []
    thread = threading.Thread(target=lambda: seen.extend([_font_config(), _font_config()]))
    thread.start()
    thread.join()
    assert seen[0] is seen[1]
    assert _font_config() is _font_config()
    assert _font_config() is not seen[0]  # Pango objects are not shared between threads
