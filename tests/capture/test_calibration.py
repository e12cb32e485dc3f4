"""Calibration files (Qualisys, Pose2Sim TOML, OpenCap pickle) and checkerboard calibration on real images."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from kinetrace.capture.calibrate import Board, calibrate_camera
from kinetrace.capture.cameras import load_calibration, write_toml
from kinetrace.cli.app import app
from kinetrace.errors import InputError


def test_qca_reads_four_cameras_that_see_the_lab_origin(qca: Path) -> None:
    cams = load_calibration(qca)
    assert [c.name for c in cams] == ["cam01", "cam02", "cam03", "cam04"]
    for cam in cams:
        assert (cam.width_px, cam.height_px) == (1088, 1920)
        assert 1500 < cam.K[0, 0] < 1900
        u, v = cam.project(np.zeros(3))[0]  # the lab origin is in every camera's view
        assert 0 < u < cam.width_px and 0 < v < cam.height_px
        assert 1.0 < np.linalg.norm(cam.centre_m) < 10.0  # metres, not millimetres


def test_toml_round_trip_keeps_every_camera(qca: Path, tmp_path: Path) -> None:
    cams = load_calibration(qca)
    again = load_calibration(write_toml(cams, tmp_path / "calib.toml"))
    for a, b in zip(cams, again, strict=True):
        np.testing.assert_allclose(a.P, b.P, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(a.dist[:4], b.dist[:4], atol=1e-9)


def test_opencap_pickles_are_read_and_code_in_them_is_refused(qca: Path, tmp_path: Path) -> None:
    cams = load_calibration(qca)
    folder = tmp_path / "opencap"
    for cam in cams:
        (folder / cam.name).mkdir(parents=True)
        data = {"intrinsicMat": cam.K, "distortion": cam.dist[None, :], "rotation": cam.R,
                "translation": cam.t.reshape(3, 1) * 1000.0, "imageSize": np.array([[cam.height_px], [cam.width_px]])}
        (folder / cam.name / "cameraIntrinsicsExtrinsics.pickle").write_bytes(pickle.dumps(data))
    read = load_calibration(folder)
    assert [c.name for c in read] == [c.name for c in cams]
    np.testing.assert_allclose(read[2].P, cams[2].P, rtol=1e-6)

    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("pwned",))

    bad = tmp_path / "evil.pickle"
    bad.write_bytes(pickle.dumps({"intrinsicMat": Evil()}))
    with pytest.raises(InputError, match="not allowed"):
        load_calibration(bad)


def test_unknown_calibration_format_is_an_input_error(tmp_path: Path) -> None:
    f = tmp_path / "calib.json"
    f.write_text("{}")
    with pytest.raises(InputError, match="calibration"):
        load_calibration(f)


def test_checkerboard_calibration_on_real_images_matches_the_lab_calibration(checkerboards: Path, qca: Path) -> None:
    cam, rms = calibrate_camera(checkerboards / "int_cam01_img", Board(4, 7, 0.06), name="cam01")
    lab = load_calibration(qca)[0]
    assert rms < 1.0
    assert (cam.width_px, cam.height_px) == (1088, 1920)
    assert abs(cam.K[0, 0] - lab.K[0, 0]) / lab.K[0, 0] < 0.02  # focal length within 2 % of Qualisys
    assert abs(cam.K[0, 2] - lab.K[0, 2]) < 40 and abs(cam.K[1, 2] - lab.K[1, 2]) < 40


def test_cli_calibrate_writes_a_toml_that_loads(checkerboards: Path, tmp_path: Path) -> None:
    out = tmp_path / "calib.toml"
    res = CliRunner().invoke(app, ["capture", "calibrate", str(checkerboards / "int_cam01_img"),
                                   str(checkerboards / "int_cam02_img"), "--board", "4x7", "--square-mm", "60",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "RMS reprojection" in res.output
    assert len(load_calibration(out)) == 2


def test_checkerboard_not_found_is_one_line_exit_2_nothing_written(videos: list[Path], tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from kinetrace.cli.app import main

    out = tmp_path / "calib.toml"
    with pytest.raises(SystemExit) as exc:
        main(["capture", "calibrate", str(videos[0]), "--every", "30", "--out", str(out)])
    assert exc.value.code == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and err[0].startswith("Error: calibration: the 7×4 checkerboard") and "cam01.mp4" in err[0]


def test_charuco_board_is_found_and_calibrates(tmp_path: Path) -> None:
    import cv2

    board = Board(5, 3, 0.04, charuco=True, marker_m=0.03)
    aruco = cv2.aruco
    cb = aruco.CharucoBoard((6, 4), 0.04, 0.03, aruco.getPredefinedDictionary(aruco.DICT_4X4_50))
    flat = cb.generateImage((1200, 800), marginSize=40)
    canvas_size = (1600, 1200)
    src = np.float32([[0, 0], [1200, 0], [1200, 800], [0, 800]])
    folder = tmp_path / "views"
    folder.mkdir()
    for i, (dx, dy, skew) in enumerate([(150, 150, 0), (250, 180, 90), (120, 300, -80), (300, 220, 60)]):
        dst = np.float32([[dx + skew, dy], [dx + 1150, dy + skew], [dx + 1100 - skew, dy + 780],
                          [dx, dy + 760 - skew]])
        img = cv2.warpPerspective(flat, cv2.getPerspectiveTransform(src, dst), canvas_size, borderValue=255)
        cv2.imwrite(str(folder / f"view{i}.png"), img)
    cam, rms = calibrate_camera(folder, board, name="synthetic")
    assert (cam.width_px, cam.height_px) == canvas_size
    assert rms < 1.0
