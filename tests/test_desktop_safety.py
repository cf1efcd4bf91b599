"""Data safety in the desktop application, with real processes, real archives and real file systems.

Two instances: a second Footnote on an archive another Footnote process holds (a real child process
holding the real write lock) names that process and asks whether to open it read-only, at start and
from File ▸ Open archive / Open recent; the question is a real message box, answered by clicking its
buttons.  Disk full: an import, an export and an index rebuild started from the window on a small
tmpfs that has run out of space say "disk full: …" in one line, and leave the archive as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import desktop  # noqa: F401  (first: guards PySide6 on CPython 3.11)

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from archive.cli import main
from archive.errors import ArchiveInUse
from archive.models import Claim
from archive.store import Archive
from conftest import SAMPLE
from desktop import app as desktop_app
from desktop.main_window import MainWindow, recent_archives
from kill_helpers import digest_variants
from pdf_factory import make_text_pdf
from test_safety_disk import _fill, _fingerprint, small_disk  # noqa: F401  (small_disk: the 4 MB tmpfs fixture)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path) -> None:
    """Windows made by desktop.app use QSettings("Footnote", "Footnote"): keep them in this test's folder."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "user-settings"))


@pytest.fixture(scope="module")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive holding the sample digest (12 claims), made once for the module."""
    root = tmp_path_factory.mktemp("safety-sample") / "archive"
    assert main(["--archive", str(root), "import", str(SAMPLE)]) == 0
    return root


def copy_archive(template: Path, root: Path) -> Path:
    shutil.copytree(template, root, ignore=shutil.ignore_patterns("archive.lock"))
    return root


@contextmanager
def held_by_another_process(root: Path) -> Iterator[subprocess.Popen]:
    """A real second Footnote process holding the archive's write lock until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from archive.store import Archive; "
                               "archive = Archive.open(sys.argv[1]); print('holding', flush=True); sys.stdin.read()",
         str(root)],
        cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.stdin.close()
        holder.wait(10)
        holder.stdout.close()


def shown_windows() -> list[MainWindow]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]


def shown_question() -> QMessageBox | None:
    boxes = [w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.objectName() == "archiveInUse" and w.isVisible()]
    return boxes[-1] if boxes else None


def run_app(root: Path, step: Callable[[], None], monkeypatch: pytest.MonkeyPatch, limit: float = 60) -> int:
    """``desktop.app.run`` as ``footnote`` starts it, ``step`` called every 20 ms to play the user.

    An exception in ``step`` (a failed assertion) or anywhere else ends the application at once and fails
    the test, as does taking longer than ``limit`` seconds: a test never hangs on a window left open.
    """
    problems: list[str] = []

    def stop(problem: str) -> None:
        problems.append(problem)
        QApplication.exit(1)  # every event loop, the modal ones too

    monkeypatch.setattr(desktop_app, "_show_bug", stop)  # what the application's excepthook shows
    started = time.monotonic()

    def tick() -> None:
        if time.monotonic() - started > limit:
            stop(f"still running after {limit} s")
            return
        step()

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(20)
    hook, handler = sys.excepthook, signal.getsignal(signal.SIGINT)
    try:
        code = desktop_app.run(root, explicit=True)
    finally:
        timer.stop()
        sys.excepthook = hook
        assert signal.getsignal(signal.SIGINT) is handler
    assert not problems, problems
    return code


def answer(box: QMessageBox, button: str, seen: list[dict]) -> None:
    """Note what the question says, then click one of its buttons as a user would."""
    buttons = {b.objectName(): b.text() for b in box.buttons()}
    seen.append({"title": box.windowTitle(), "text": box.text(), "more": box.informativeText(), "buttons": buttons,
                 "modal": box.isModal()})
    chosen = next(b for b in box.buttons() if b.objectName() == button)
    QTimer.singleShot(0, chosen.click)


# --- two instances ---------------------------------------------------------------------------------


def test_a_second_footnote_names_the_holder_and_quits_when_told(qtbot, tmp_path: Path, sample_template: Path,
                                                                monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    root = copy_archive(sample_template, tmp_path / "archive")
    seen: list[dict] = []
    windows_seen: list[MainWindow] = []

    def step() -> None:
        windows_seen.extend(w for w in shown_windows() if w not in windows_seen)
        box = shown_question()
        if box is not None and not seen:
            answer(box, "declineReadOnly", seen)

    with held_by_another_process(root) as holder:
        # quit at once, cleanly: no window, no traceback
        assert run_app(root, step, monkeypatch) == desktop_app.EXIT_FAILED
        [question] = seen
        assert question["title"] == "Archive in use" and question["modal"]
        assert question["text"] == f"The archive {root} is in use by another Footnote (process {holder.pid})."
        assert f"pid {holder.pid}" in question["more"] and "read-only" in question["more"]
        assert question["buttons"] == {"openReadOnly": "Open read-only", "declineReadOnly": "Quit"}
        assert not windows_seen
        with pytest.raises(ArchiveInUse):  # the other Footnote still holds it: nothing was taken from it
            Archive.open(root)
    assert "Traceback" not in caplog.text
    Archive.open(root).close()  # and nothing of ours was left holding it either


def test_a_second_footnote_opens_read_only_when_told(qtbot, tmp_path: Path, sample_template: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_archive(sample_template, tmp_path / "archive")
    seen: list[dict] = []
    shown: list[MainWindow] = []

    def step() -> None:
        box = shown_question()
        if box is not None and not seen:
            answer(box, "openReadOnly", seen)
            return
        for window in shown_windows():
            if window not in shown:
                shown.append(window)
                assert window.runner.wait(30)
                assert window.archive.read_only and window.banner.isVisible() and window.mode_label.isVisible()
                QTimer.singleShot(0, window.close)

    with held_by_another_process(root) as holder:
        assert run_app(root, step, monkeypatch) == desktop_app.EXIT_OK
        assert len(seen) == 1 and f"(process {holder.pid})" in seen[0]["text"]
        [window] = shown
        assert window.archive.root == root
        assert window.banner.text() == f"Opened read-only: archive is in use by another Footnote (pid {holder.pid})"
        assert window.mode_label.text() == "read-only"
        assert not window.import_action.isEnabled() and not window.acceptDrops()
        assert window.claims.model.rowCount() == 12  # reading works
        with pytest.raises(ArchiveInUse):
            Archive.open(root)


def test_opening_an_archive_another_footnote_holds_from_the_file_menu(qtbot, tmp_path: Path, sample_template: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """File ▸ Open archive: Cancel keeps the archive open here; Open recent: "Open read-only" switches to it."""
    first = copy_archive(sample_template, tmp_path / "first")
    other = copy_archive(sample_template, tmp_path / "other")
    QSettings("Footnote", "Footnote").setValue("recent/archives", [str(other)])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(other)))
    seen: list[dict] = []
    steps: list[str] = []
    windows: dict[str, MainWindow] = {}

    def step() -> None:
        box = shown_question()
        if box is not None:
            if len(seen) == len(steps) - 1:  # each question answered once
                answer(box, "declineReadOnly" if len(seen) == 0 else "openReadOnly", seen)
            return
        shown = shown_windows()
        if not shown:
            return
        current = shown[0]
        # (from a fresh event: a timer does not fire again while its slot runs a modal box)
        if not steps:
            windows["first"] = current
            steps.append("open archive, then cancel")
            QTimer.singleShot(0, current.open_action.trigger)
        elif len(steps) == 1 and len(seen) == 1 and current is windows["first"]:
            assert not current.archive.read_only  # Cancel kept it, writable
            steps.append("open recent, then read-only")
            current.recent_menu.aboutToShow.emit()
            [recent] = current.recent_menu.actions()
            assert recent.text() == str(other)
            QTimer.singleShot(0, recent.trigger)
        elif len(steps) == 2 and current.archive.root == other:
            steps.append("switched")
            windows["other"] = current
            assert current.archive.read_only and current.banner.isVisible()
            assert current.runner.wait(30)
            QTimer.singleShot(0, current.close)

    with held_by_another_process(other) as holder:
        assert run_app(first, step, monkeypatch) == desktop_app.EXIT_OK
        assert steps == ["open archive, then cancel", "open recent, then read-only", "switched"]
        assert [s["buttons"]["declineReadOnly"] for s in seen] == ["Cancel", "Cancel"]
        assert all(s["text"] == f"The archive {other} is in use by another Footnote (process {holder.pid})."
                   for s in seen)
        assert windows["other"] is not windows["first"] and not windows["first"].isVisible()
        assert windows["other"].banner.text() == f"Opened read-only: archive is in use by another Footnote " \
                                                 f"(pid {holder.pid})"
        with pytest.raises(ArchiveInUse):
            Archive.open(other)
    Archive.open(first).close()  # the first window released its archive
    assert recent_archives(QSettings("Footnote", "Footnote"))[:2] == [str(other), str(first)]


def test_opening_the_archive_already_open_here_asks_nothing(qtbot, tmp_path: Path, sample_template: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = copy_archive(sample_template, tmp_path / "archive")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args, **kwargs: str(root)))
    said: list[str] = []

    def step() -> None:
        assert shown_question() is None, "asked about our own archive"
        shown = shown_windows()
        if shown and not said:
            said.append("")
            shown[0].open_action.trigger()
            said.append(shown[0].statusBar().currentMessage())
            QTimer.singleShot(0, shown[0].close)

    assert run_app(root, step, monkeypatch) == desktop_app.EXIT_OK
    assert said[-1] == f"{root} is the archive open here."


def test_without_anyone_to_ask_the_archive_opens_read_only(tmp_path: Path, sample_template: Path) -> None:
    """Headless use (tests, benchmarks, scripts) keeps the old behaviour: read-only, with the notice."""
    root = copy_archive(sample_template, tmp_path / "archive")
    with held_by_another_process(root) as holder:
        archive, notice = desktop_app.open_archive(root, explicit=True)
        try:
            assert archive.read_only and notice == f"Opened read-only: archive is in use by another Footnote " \
                                                   f"(pid {holder.pid})"
        finally:
            archive.close()
        asked: list[int | None] = []
        with pytest.raises(desktop_app.NotOpened):
            desktop_app.open_archive(root, explicit=True,
                                     ask_read_only=lambda where, error: asked.append(error.pid) or False)
        assert asked == [holder.pid]
    assert os.path.exists(root / "archive.db")


# --- disk full ----------------------------------------------------------------------------------------


def open_window(qtbot, root: Path, tmp_path: Path) -> MainWindow:
    """A shown window on the archive at ``root``, as desktop.app opens it, its background reads done."""
    desktop_app.apply_style(QApplication.instance())
    archive, notice = desktop_app.open_archive(root, explicit=True)
    window = MainWindow(archive, notice, settings=QSettings(str(tmp_path / "footnote.ini"),
                                                            QSettings.Format.IniFormat))
    qtbot.addWidget(window)  # closed (and its archive with it) when the test ends
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    assert window.runner.wait(30)
    return window


def shown_box(window: MainWindow, name: str) -> QMessageBox | None:
    boxes = [b for b in window.findChildren(QMessageBox, name) if b.isVisible()]
    return boxes[-1] if boxes else None


def said(window: MainWindow) -> tuple[str, str]:
    """The message box the last task left open (its object name and text), closed."""
    for name in ("importProblems", "errorMessage"):
        box = shown_box(window, name)
        if box is not None:
            text = box.text()
            box.close()
            return name, text
    return "", ""


def assert_plain(text: str) -> None:
    """Said as a user is told it: no traceback, no raw SQLite or OS words, no "please report it"."""
    for raw in ("Traceback", "OperationalError", "database or disk is full", "No space left on device", "Errno",
                "Something went wrong", "unexpected error"):
        assert raw not in text, text


def test_a_full_disk_in_the_window_says_disk_full_and_changes_nothing(qtbot, small_disk: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Import (File ▸ Import), export and an index rebuild, run by the window's task runner on a full tmpfs."""
    root = small_disk / "archive"
    assert main(["--archive", str(root), "import", str(SAMPLE)]) == 0
    assert main(["--archive", str(root), "search", "Sacks"]) == 0  # the index exists: a rebuild replaces it
    digest = digest_variants(tmp_path / "in", 1, padding=30_000)[0]  # about 400 KB of text, 12 claims
    report = make_text_pdf(tmp_path / "in" / "report.pdf", ["The harbour seals returned in March."] * 40,
                           title="Harbour survey report")
    window = open_window(qtbot, root, tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *args, **kwargs: ([str(digest), str(report)], "")))
    counts = window.counts_label.text()
    assert counts == "1 article · 0 sources"

    outcomes: list[str] = []
    for leave in (0, 96 * 1024, 300 * 1024, 600 * 1024, 900 * 1024, 1500 * 1024):
        before = _fingerprint(root)
        filler = _fill(small_disk, leave)
        window.import_action.trigger()
        assert window.runner.wait(60)
        kind, text = said(window)
        filler.unlink()
        if not kind:  # it all fitted: nothing to say
            outcomes.append("imported")
            break
        assert_plain(text)
        assert "disk full: " in text, (leave, kind, text)
        if kind == "importProblems":  # each file that did not fit is listed with the same words as the CLI's
            assert "disk full: not imported, nothing of it was kept (no space left on the disk holding" in text
        outcomes.append(kind)
        if _fingerprint(root) != before:  # one of the two fitted: the other one is listed
            assert kind == "importProblems" and text.count("disk full") == 1, text
            outcomes.append("one of two imported")
            break
        assert not any((root / "files" / ".staging").glob("*")), "a partial file was left in staging"
        assert window.counts_label.text() == counts
    assert "importProblems" in outcomes, outcomes

    # Export, to the full disk: one line, and no partial bundle left behind.
    target = small_disk / "out" / "bundle.zip"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kwargs: (str(target), "")))
    before = _fingerprint(root)
    filler = _fill(small_disk, 8 * 1024)
    window.export_action.trigger()
    assert window.runner.wait(60)
    kind, text = said(window)
    filler.unlink()
    assert kind == "errorMessage" and text.startswith("disk full: no space left on the disk holding"), text
    assert_plain(text)
    assert not list(target.parent.iterdir()), "the export left a partial file"
    assert _fingerprint(root) == before

    # An index rebuild: the old index stays and still answers.
    filler = _fill(small_disk, 16 * 1024)
    window.reindex_action.trigger()
    assert window.runner.wait(60)
    kind, text = said(window)
    filler.unlink()
    assert kind == "errorMessage" and text.startswith("disk full: "), text
    assert_plain(text)
    assert not list(root.glob("index.new-*")), "the half-built index was left behind"
    assert _fingerprint(root) == before
    assert window.archive.search_index.state().ok

    # An edit (a note), undoable like every edit: refused with the same words, in the inspector too.
    window.claims.select_row(0)
    assert window.runner.wait(30)
    inspector = window.inspector
    filler = _fill(small_disk, 0)
    inspector.note_edit.setPlainText("Checked against the transcript.")
    inspector.save_note()
    assert window.runner.wait(30)
    kind, text = said(window)
    filler.unlink()
    assert kind == "errorMessage" and text.startswith("disk full: "), text
    assert inspector.error_label.isVisible() and inspector.error_label.text() == text
    assert _fingerprint(root) == before and window.undo_stack.count() == 0  # the failed edit left the stack
    # the note is still in the editor, said to be not saved; with room again, leaving the editor saves it
    assert inspector.note_edit.toPlainText() == "Checked against the transcript."
    assert inspector.note_state.text() == "not saved"
    inspector.save_note()
    assert window.runner.wait(30)
    assert inspector.note_state.text() != "not saved" and window.undo_stack.count() == 1
    with window.archive.read_session() as session:
        assert session.get(Claim, inspector.claim["id"]).note == "Checked against the transcript."
    window.close()
    assert main(["--archive", str(root), "check"]) == 0
