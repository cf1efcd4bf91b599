"""The desktop application, driven through its widgets on real archives (the shipped demo, built in tmp_path)."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QToolTip

from archive.demo import ensure_demo_archive
from archive.errors import ArchiveNotFound
from archive.importing import import_paths
from archive.paths import ArchiveLayout, resolve_archive_dir
from archive.store import Archive
from desktop import app as desktop_app
from desktop import theme
from desktop.claims_panel import ClaimsPanel
from desktop.main_window import MainWindow
from desktop.reader_document import CLAIM_ROW_PROPERTY
from desktop.utf16 import utf16_length

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshot-main.png"

EMOJI_DIGEST = """\
1/2/2026, 9:30 AM · science

Emoji 🧪 test digest

A summary with a rocket 🚀 in it.

First paragraph 😀 has a claim: (cite index="1-1">Rockets 🚀🚀 fly high.</cite> And more text
that wraps onto a second line 🎉 before (cite index="2-3,2-4">another claim 𝄞 with music.</cite>

Results

(cite index="1-2">The third claim sits right after a heading.</cite>

Sources

1. [1]
  First source | Publisher One
2. [2]
  Second source
"""


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path) -> None:
    """Window geometry goes to this test's folder, never the user's (Qt reads XDG paths only once)."""
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "settings"))



@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo archive, built once: importing its PDFs takes about a second."""
    root = tmp_path_factory.mktemp("demo-template") / "a"
    ensure_demo_archive(root)
    return root


@pytest.fixture
def demo_root(tmp_path: Path, demo_template: Path) -> Path:
    """A private copy of the demo archive in this test's tmp_path (closed archives copy safely)."""
    root = tmp_path / "a"
    shutil.copytree(demo_template, root)
    return root


def open_window(qtbot, root: Path, *, explicit: bool = True) -> MainWindow:
    desktop_app.apply_style(QApplication.instance())
    window = desktop_app.create_main_window(root, explicit)
    qtbot.addWidget(window)  # closed (and so its archive closed) when the test ends
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def window(qtbot, demo_root: Path) -> MainWindow:
    return open_window(qtbot, demo_root)


def claim_cursor(window: MainWindow, row: int) -> QTextCursor:
    """A cursor selecting claim ``row`` in the reader's document."""
    start, end = window.reader.page.claim_range(row)
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor


def point_inside_claim(window: MainWindow, row: int) -> QPoint:
    """A viewport point over a character in the middle of claim ``row`` (scrolled into view first)."""
    window.reader.show_claim(row)
    start, end = window.reader.page.claim_range(row)
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition((start + end) // 2)
    rect = window.reader.cursorRect(cursor)  # the caret before that character
    return QPoint(rect.left() + 2, rect.center().y())


def format_at(window: MainWindow, position: int) -> QTextCharFormat | None:
    """The char format of the character at ``position`` (None on a block break)."""
    block = window.reader.document().findBlock(position)
    iterator = block.begin()
    while not iterator.atEnd():
        fragment = iterator.fragment()
        if fragment.contains(position):
            return fragment.charFormat()
        iterator += 1
    return None


def claim_row_at(window: MainWindow, position: int) -> int | None:
    """The claim row stored in the format of the character at ``position``, if any.

    Asks ``hasProperty`` first: PySide6 6.12 on Python 3.11 drops a reference to None
    each time a Qt call returns None (here, ``property()`` of a missing property).
    """
    fmt = format_at(window, position)
    return fmt.intProperty(CLAIM_ROW_PROPERTY) if fmt is not None and fmt.hasProperty(CLAIM_ROW_PROPERTY) else None


# --- what the window shows ------------------------------------------------------


def test_window_lists_the_demo_article_and_its_claims(window: MainWindow, demo_root: Path) -> None:
    assert window.articles.rowCount() == 1
    article = window.articles.article(0)
    assert article["title"].startswith("Trump postpones AI executive order")
    assert window.article_view.currentIndex().row() == 0
    assert window.claims.model.rowCount() == 12
    assert window.claims.count.text() == "12"
    assert window.detail is not None and window.detail["id"] == article["id"]
    assert str(demo_root) in window.path_label.text()
    assert window.counts_label.text() == "1 article · 12 claims"
    assert not window.banner.isVisible()
    assert not window.archive.read_only
    assert window.windowTitle().endswith("— Footnote")


def test_reader_highlights_each_claim_exactly_at_its_offsets(window: MainWindow) -> None:
    detail = window.detail
    document_text = window.reader.document().toPlainText()
    assert detail["title"] in document_text
    assert "Sources (7)" in document_text
    for row, claim in enumerate(detail["claims"]):
        cursor = claim_cursor(window, row)
        assert cursor.selectedText() == claim["text"]
        style = theme.status_style(claim["status"])
        start, end = cursor.selectionStart(), cursor.selectionEnd()
        for position in (start, (start + end) // 2, end - 1):
            fmt = format_at(window, position)
            assert fmt.background().color() == style.background, (row, position)
            assert claim_row_at(window, position) == row
        for outside in (start - 1, end):
            assert claim_row_at(window, outside) is None, (row, outside)


def test_offsets_stay_exact_with_emoji_and_wrapped_lines(qtbot, tmp_path: Path) -> None:
    source = tmp_path / "emoji-digest.txt"
    source.write_text(EMOJI_DIGEST, encoding="utf-8")
    root = tmp_path / "emoji"
    with Archive.open(root, create=True) as archive:
        import_paths(archive, [source])
    window = open_window(qtbot, root)
    claims = window.detail["claims"]
    assert len(claims) == 3
    for row, claim in enumerate(claims):
        cursor = claim_cursor(window, row)
        assert cursor.selectedText() == claim["text"]
        assert cursor.selectionEnd() - cursor.selectionStart() == utf16_length(claim["text"])
        assert claim_row_at(window, cursor.selectionStart()) == row
        assert claim_row_at(window, cursor.selectionEnd() - 1) == row
        assert claim_row_at(window, cursor.selectionEnd()) is None
    # The soft line break inside the first paragraph reads as a space, not a new paragraph.
    assert "And more text that wraps onto a second line" in window.reader.document().toPlainText()


def test_reader_shows_sources_with_their_state(window: MainWindow) -> None:
    text = window.reader.document().toPlainText()
    assert "Tech billionaires convinced Trump to back off AI executive order — Fortune" in text
    sources = window.detail["sources"]
    assert text.count("no document attached") == sum(1 for s in sources if s["document"] is None)
    for source in sources:
        if source["document"] is not None:
            assert f"{source['document']['kind'].upper()} attached" in text
    assert text.count("not cited") == sum(1 for s in sources if not s["cited"]) >= 1  # source 7 is never cited
    assert "The draft order" in text and "Current posture" in text
    legend = window.legend.chips
    assert [chip.text() for chip in legend.values()] == ["No source", "Verified", "Partial", "Not found"]


def test_claim_tooltip_names_its_sources_and_sentences(window: MainWindow, qtbot) -> None:
    point = point_inside_claim(window, 1)  # claim 2 cites source 5, sentences 4-7
    text = window.reader.tooltip_at(point)
    assert "Claim 2" in text and theme.status_label(window.detail["claims"][1]["status"]) in text
    assert "[5]" in text and "Musk and Zuckerberg convinced Trump" in text and "AI News" in text
    assert "sentences 4–7" in text
    viewport = window.reader.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(lambda: QToolTip.isVisible() and "[5]" in QToolTip.text(), timeout=2000)
    QToolTip.hideText()
    assert window.reader.tooltip_at(QPoint(2, 2)) == ""


# --- moving between claims --------------------------------------------------------


def test_choosing_claim_5_in_the_panel_moves_the_reader_to_it(window: MainWindow, qtbot) -> None:
    view = window.claims.view
    index = window.claims.model.index(4)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    start, _ = window.reader.page.claim_range(4)
    assert window.claims.current_row() == 4
    assert window.reader.current_claim == 4
    assert window.reader.textCursor().position() == start
    selections = window.reader.extraSelections()
    assert selections and selections[0].cursor.selectionStart() == start
    status = window.detail["claims"][4]["status"]
    assert selections[0].format.background().color() == theme.status_style(status).strong
    rect = window.reader.claim_rect(4)
    assert window.reader.viewport().rect().contains(rect.topLeft())


def test_next_and_previous_claim_keys(window: MainWindow, qtbot) -> None:
    window.activateWindow()
    qtbot.waitActive(window)
    reader = window.reader
    reader.setFocus()

    def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> int:
        qtbot.keyClick(reader, key, modifier)
        return window.claims.current_row()

    assert window.claims.current_row() == -1
    assert press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier) == 0
    assert press(Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier) == 1
    assert press(Qt.Key.Key_J) == 2
    assert reader.current_claim == 2
    assert reader.textCursor().position() == reader.page.claim_range(2)[0]
    assert press(Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier) == 1
    assert press(Qt.Key.Key_K) == 0
    assert press(Qt.Key.Key_K) == 0  # stays on the first claim
    window.claims.select_row(11)
    assert press(Qt.Key.Key_J) == 11  # and on the last
    assert reader.textCursor().position() == reader.page.claim_range(11)[0]


def test_clicking_a_claim_in_the_reader_chooses_it_in_the_panel(window: MainWindow, qtbot) -> None:
    point = point_inside_claim(window, 3)
    window.claims.view.clearSelection()
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert window.claims.current_row() == 3
    assert window.reader.current_claim == 3


def test_reload_key_shows_new_articles_and_keeps_the_chosen_one(window: MainWindow, qtbot, tmp_path: Path) -> None:
    chosen = window.detail["id"]
    source = tmp_path / "emoji-digest.txt"
    source.write_text(EMOJI_DIGEST, encoding="utf-8")
    import_paths(window.archive, [source])
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window.article_view, Qt.Key.Key_F5)
    assert window.articles.rowCount() == 2
    assert window.detail["id"] == chosen
    assert window.counts_label.text() == "2 articles · 15 claims"


# --- starting up ----------------------------------------------------------------------


def test_archive_in_use_opens_read_only_with_a_banner(qtbot, demo_root: Path) -> None:
    with Archive.open(demo_root):  # another Footnote holds the write lock
        window = open_window(qtbot, demo_root)
        assert window.archive.read_only
        assert window.banner.isVisible()
        expected = f"opened read-only: archive is in use by another footnote (pid {os.getpid()})"
        assert window.banner.text().lower() == expected
        assert window.mode_label.isVisible() and window.mode_label.text() == "read-only"
        assert window.claims.model.rowCount() == 12  # reading still works
        window.close()


def test_first_run_without_an_archive_builds_the_demo(qtbot, tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    window = open_window(qtbot, root, explicit=False)
    assert ArchiveLayout(root).exists()
    assert window.articles.rowCount() == 1 and window.claims.model.rowCount() == 12


def test_an_explicit_folder_without_an_archive_is_an_error_not_a_demo(qtbot, tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound):
        desktop_app.create_main_window(tmp_path / "nothing", explicit=True)
    assert not (tmp_path / "nothing").exists()


def test_empty_archive_says_how_to_add_articles(qtbot, tmp_path: Path) -> None:
    root = tmp_path / "empty"
    Archive.open(root, create=True).close()
    window = open_window(qtbot, root)
    assert window.articles.rowCount() == 0
    assert window.no_articles.isVisible() and "footnote import" in window.no_articles.text()
    assert window.claims.model.rowCount() == 0 and window.claims.empty.isVisible()
    assert window.counts_label.text() == "0 articles · 0 claims"


def _answer_message_boxes(qtbot, seen: list[str]) -> QTimer:
    """Close every modal message box as it appears, remembering what it said."""
    def close_box() -> None:
        # (not activeModalWidget(): it returns None until the box is up, see claim_row_at)
        for box in QApplication.topLevelWidgets():
            if isinstance(box, QMessageBox) and box.isVisible():
                seen.append(box.text())
                box.done(0)
    timer = QTimer()
    timer.timeout.connect(close_box)
    timer.start(20)
    return timer


def test_run_reports_a_startup_failure_in_one_line_and_exits_1(qtbot, tmp_path: Path) -> None:
    seen: list[str] = []
    timer = _answer_message_boxes(qtbot, seen)
    try:
        assert desktop_app.run(tmp_path / "missing", explicit=True) == 1
    finally:
        timer.stop()
    assert len(seen) == 1
    assert seen[0].startswith("no archive at ") and "\n" not in seen[0] and "Traceback" not in seen[0]


def test_run_shows_the_window_and_ctrl_c_closes_it_cleanly(qtbot, demo_root: Path) -> None:
    shown: list[MainWindow] = []

    def interrupt_once_shown() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and not shown:
            shown.extend(windows)
            os.kill(os.getpid(), signal.SIGINT)  # as Ctrl+C in the terminal that started Footnote

    timer = QTimer()
    timer.timeout.connect(interrupt_once_shown)
    timer.start(20)
    hook, handler = sys.excepthook, signal.getsignal(signal.SIGINT)
    try:
        assert desktop_app.run(demo_root, explicit=True) == 0
    finally:
        timer.stop()
    assert len(shown) == 1 and shown[0].claims.model.rowCount() == 12
    assert sys.excepthook is hook and signal.getsignal(signal.SIGINT) is handler
    assert QSettings("Footnote", "Footnote").value("main/geometry") is not None  # the layout was saved
    Archive.open(demo_root).close()  # the write lock was released


@pytest.mark.qt_no_exception_capture
def test_unexpected_errors_in_slots_are_logged_and_reported_once(qtbot, tmp_path: Path) -> None:
    log_file = tmp_path / "footnote.log"
    told: list[str] = []
    previous = desktop_app.install_excepthook(log_file, notify=told.append)

    def broken_slot() -> None:
        raise ZeroDivisionError("a bug in a slot")

    try:
        QTimer.singleShot(0, broken_slot)
        QTimer.singleShot(0, broken_slot)
        qtbot.waitUntil(lambda: log_file.is_file() and log_file.read_text().count("ZeroDivisionError: a bug") == 2,
                        timeout=2000)
    finally:
        sys.excepthook = previous
        for handler in list(logging.getLogger().handlers):
            if isinstance(handler, logging.FileHandler) and handler.baseFilename == str(log_file.resolve()):
                logging.getLogger().removeHandler(handler)
                handler.close()
    text = log_file.read_text()
    assert "Traceback" in text and "broken_slot" in text
    assert len(told) == 1 and str(log_file) in told[0] and "\n" not in told[0]


def test_qt_calls_cannot_exhaust_singleton_references(qtbot) -> None:
    """PySide6 6.12 drops a reference to None per void call and to True per emit; on Python 3.11
    that used to abort the application after seconds of use ("deallocating None")."""
    panel = ClaimsPanel()
    qtbot.addWidget(panel)
    for _ in range(20_000):  # several times the references None and True start with
        panel.count.setText("x")
        panel.claimSelected.emit(-1)
    assert sys.getrefcount(None) > 0 and sys.getrefcount(True) > 0


# --- remembering the layout, and the screenshot --------------------------------------


def test_window_remembers_its_geometry_and_pane_sizes(qtbot, demo_root: Path) -> None:
    first = open_window(qtbot, demo_root)
    first.resize(790, 640)  # within the offscreen screen (800x800), or Qt shrinks it on restore
    first.splitter.setSizes([230, 330, 228])
    qtbot.waitUntil(lambda: first.width() == 790)
    sizes = first.splitter.sizes()
    first.close()
    second = desktop_app.create_main_window(demo_root, explicit=True)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (790, 640)
    assert second.splitter.sizes() == sizes


def test_screenshot_of_the_main_window(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Renders docs/screenshot-main.png: what a newcomer sees first, with one claim chosen.

    The archive is the first-run demo in the default place under a home folder made
    for the test, so the image (status bar path included) is the same on every run.
    """
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / ".local" / "share"))
    window = open_window(qtbot, resolve_archive_dir(), explicit=False)
    assert window.path_label.text() == "Archive: ~/.local/share/Footnote/archive"
    window.claims.select_row(1)
    qtbot.wait(50)
    image = window.grab()
    assert (image.width(), image.height()) == (1400, 900)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert image.save(str(SCREENSHOT), "PNG")
    assert SCREENSHOT.stat().st_size > 20_000
