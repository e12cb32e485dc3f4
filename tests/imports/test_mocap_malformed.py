"""Malformed motion files: one clear message naming the file and the problem; no traceback from the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from motion_files import write_trc

from kinetrace.cli.app import main
from kinetrace.errors import InputError
from kinetrace.imports import import_motion

CASES = [
    ("notes.trc", "hello\nworld\n", r"notes\.trc: not a TRC file; line 1 should start with 'PathFileType'"),
    ("junk.c3d", "this is not a c3d file at all" * 10, r"junk\.c3d: not a readable C3D file"),
    ("ik.mot", "version=1\ntime a\n0 1\n", r"ik\.mot: no 'endheader' line"),
    ("short.mot", "endheader\ntime pelvis_tilt\n0 1\n0.1\n", r"short\.mot: data row 2: got '1 values'"),
    ("text.mot", "endheader\ntime pelvis_tilt\n0 abc\n", r"text\.mot: data row 1 has a value that is not a number"),
    ("walk.csv", "a,b\n", r"walk\.csv: got '\.csv'; expected a \.trc, \.c3d, \.mot or \.sto"),
]


@pytest.mark.parametrize(("name", "text", "message"), CASES, ids=[c[0] for c in CASES])
def test_malformed_file_gives_a_message_naming_the_problem(tmp_path: Path, name: str, text: str,
                                                           message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        import_motion(path)


def test_trc_marker_count_that_disagrees_with_the_names(tmp_path: Path, skeleton: dict) -> None:
    path = write_trc(tmp_path / "s.trc", skeleton)
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("\t17\t", "\t18\t", 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputError, match=r"s\.trc: header\.NumMarkers: got '18'; expected 17"):
        import_motion(path)


def test_cli_prints_one_error_line_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notes.trc"
    path.write_text("hello\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["import", str(path)])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert err.startswith("Error: notes.trc: not a TRC file") and err.count("\n") == 1
    assert "Traceback" not in err
