"""The smoke test of the packaged application (``Footnote --selftest``), run here from the source tree.

``packaging/build.sh`` runs the same steps in the frozen build; these tests keep them working between
builds: the whole run through the packaged entry point, how a failing step is reported, the cold-start
probe, and the icon and desktop files the package ships.
"""

from __future__ import annotations

import configparser
import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE
from desktop import selftest

ENTRY = REPO / "packaging" / "entry.py"
APP_ID = "io.github.footnote.Footnote"


def run_entry(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ENTRY), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


@pytest.mark.slow
def test_selftest_passes_every_step_with_one_line_each() -> None:
    result = run_entry("--selftest")
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr
    names = [name for name, _ in selftest.STEPS]
    assert len(lines) == len(names) + 1
    for name, line in zip(names, lines):
        assert line.startswith(f"selftest: ok   {name} "), line
    assert "from source" in lines[0]
    assert "5 verified" in result.stdout and "as expected" in result.stdout
    assert lines[-1].startswith(f"selftest: passed {len(names)} steps in ")


def test_a_failing_step_stops_the_run_with_one_line_and_exit_code_1(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[str] = []

    def fine(ctx: selftest.Context) -> str:
        seen.append("fine")
        return "all good"

    def unmet(ctx: selftest.Context) -> str:
        selftest.check(False, "expected 12 claims, the digest gave 11")
        return ""

    def never(ctx: selftest.Context) -> str:
        seen.append("never")
        return ""

    out = io.StringIO()
    code = selftest.run(out, steps=[("fine", fine), ("unmet", unmet), ("never", never)])
    lines = out.getvalue().splitlines()
    assert code == 1
    assert seen == ["fine"]
    assert lines[0].startswith("selftest: ok   fine  all good (")
    assert lines[1] == "selftest: FAIL unmet expected 12 claims, the digest gave 11"
    assert lines[2].startswith("selftest: FAILED after ")
    assert capsys.readouterr().err == ""  # an unmet check needs no traceback


def test_an_unexpected_error_is_a_failure_with_its_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    def broken(ctx: selftest.Context) -> str:
        raise KeyError("sources")

    out = io.StringIO()
    assert selftest.run(out, steps=[("broken", broken)]) == 1
    assert "selftest: FAIL broken KeyError: 'sources'" in out.getvalue()
    assert "Traceback" in capsys.readouterr().err


def test_the_run_is_private_and_leaves_the_environment_as_it_was(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FOOTNOTE_ARCHIVE", "/somewhere/else")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    before = dict(os.environ)
    during: dict[str, str] = {}

    def look(ctx: selftest.Context) -> str:
        during.update(os.environ)
        during["folder"] = str(ctx.folder)
        return ""

    assert selftest.run(io.StringIO(), steps=[("look", look)]) == 0
    assert during["QT_QPA_PLATFORM"] == "offscreen"
    assert "FOOTNOTE_ARCHIVE" not in during
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        assert Path(during[name]).is_relative_to(during["folder"])
    assert dict(os.environ) == before
    assert not Path(during["folder"]).exists()  # the temporary folder is gone


def test_startup_probe_reports_when_the_window_is_shown_and_closes_it(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    imported = subprocess.run([sys.executable, "-m", "archive", "--archive", str(root), "import", str(SAMPLE)],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, imported.stderr
    result = run_entry("--archive", str(root), timeout=120,
                       env={"QT_QPA_PLATFORM": "offscreen", "FOOTNOTE_STARTUP_PROBE": "1"})
    assert result.returncode == 0, result.stderr
    line = [line for line in result.stdout.splitlines() if line.startswith("startup:")]
    assert len(line) == 1
    shown = float(line[0].split("after ")[1].split(" s")[0])
    assert 0 < shown < 120


def test_launch_time_from_the_caller_or_from_the_process_start() -> None:
    assert selftest._launch_time("1700000000.25") == 1700000000.25
    started = selftest._launch_time("1")  # not a time: this process's start, from /proc
    assert 0 <= __import__("time").time() - started < 24 * 3600


def test_icons_come_in_every_size_and_as_svg() -> None:
    from PySide6.QtGui import QImage

    folder = REPO / "resources" / "icons"
    for size in selftest.ICON_SIZES:
        image = QImage(str(folder / f"footnote-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    svg = ElementTree.parse(folder / "footnote.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("viewBox") == "0 0 256 256"


def test_desktop_entry_and_appstream_metadata_name_the_same_application() -> None:
    linux = REPO / "packaging" / "linux"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(linux / f"{APP_ID}.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "Footnote"
    assert desktop["Icon"] == APP_ID and desktop["Exec"] == "footnote"
    component = ElementTree.parse(linux / f"{APP_ID}.metainfo.xml").getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert component.findtext("provides/binary") == "footnote"
    from archive import __version__

    assert component.find("releases/release").get("version") == __version__
