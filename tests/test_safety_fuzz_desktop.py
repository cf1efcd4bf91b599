"""Bad input at every desktop entry point, through the real window: a clear message, no exception, no damage.

The search box gets random queries (whoosh syntax errors included) typed and entered; the window imports
random bytes saved as .txt, .md, .html, .pdf and .zip, by File ▸ Import (the file dialog faked) or by
dropping them; the inspector's note and tag editors get odd text (empty, very long, control characters,
right-to-left text, emoji, lone surrogates); and random selections of an article full of such characters
are made claims.  Each input either does what it should, stored faithfully, or is refused with a message
the user can read; no exception reaches Qt (pytest-qt fails a test on one), nothing is logged as an
unexpected error, and whenever something was refused the catalog and ``files/`` are exactly as before.

Hypothesis runs each test on one window (a window per example would take minutes); examples are bounded so
the whole module runs in well under half a minute.
"""

from __future__ import annotations

import hashlib
import logging
import random
import shutil
import sqlite3
import warnings
from pathlib import Path

import desktop  # noqa: F401  (first: guards PySide6 on CPython 3.11)

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlmodel import select

import archive.extract.sandbox as sandbox
import archive.importing as importing
from archive.cli import main
from archive.annotations import trim
from archive.models import Claim, ClaimTag
from archive.queries import list_articles
from conftest import SAMPLE
from desktop import app as desktop_app
from desktop.inspector import _clean_tags
from desktop.main_window import MainWindow
from desktop.utf16 import utf16_length

FUZZ = settings(max_examples=12, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# An article made of the characters that trip up offsets and encodings: emoji outside the BMP (two UTF-16
# units each, some joined by ZWJ), right-to-left text and marks, combining accents, control characters,
# NBSP, a line separator, byte-order marks (Qt drops one that starts a string), tabs; with three cited claims.
ODD_ARTICLE = (
    "5/26/2026, 1:02:44 PM \u00b7 odd-characters\n\n"
    "Odd characters \U0001F9EA in a digest\n\n"
    "A summary with \u05e9\u05dc\u05d5\u05dd and \u0645\u0631\u062d\u0628\u0627 and \U0001F468\u200D\U0001F469"
    "\u200D\U0001F467 family.\n\n"
    "First paragraph: (cite index=\"1-1\">caf\u00e9 e\u0301 \U0001F600 grin\u00e9es \u202eevil\u202c</cite> and "
    "then\ttabs\u00a0and\u2028a line separator \x0b vertical tab \x0c form feed\ufeff.\n\n"
    "\U0001F1EB\U0001F1F7 flags \U0001F3F3\uFE0F\u200D\U0001F308 and \u200f\u05e2\u05d1\u05e8\u05d9\u05ea\u200e "
    "mixed (cite index=\"1-2\">\U00010348 gothic \U0001D11E clef</cite> end.\n\n"
    "\ufeffA paragraph that starts with a byte-order mark, (cite index=\"1-3\">\ufeffand a claim that does"
    "</cite>\ufeff too.\n\n"
    "Sources\n\n"
    "1. [1]\n  Odd source \U0001F4DA | Publisher\n"
)


# --- fixtures --------------------------------------------------------------------------------------


class _SharedPool(sandbox.ExtractionPool):
    """One sandbox pool for the module (starting workers is the slow part); imports cannot close it."""

    def close(self) -> None:
        pass

    def really_close(self) -> None:
        super().close()


@pytest.fixture(scope="module")
def pool():
    shared = _SharedPool(1)
    yield shared
    shared.really_close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample digest and the odd article, with the search index built."""
    folder = tmp_path_factory.mktemp("fuzz-desktop")
    odd = folder / "odd.txt"
    odd.write_text(ODD_ARTICLE, encoding="utf-8")
    root = folder / "archive"
    assert main(["--archive", str(root), "import", str(SAMPLE), str(odd)]) == 0
    assert main(["--archive", str(root), "search", "Sacks"]) == 0
    return root


@pytest.fixture(autouse=True)
def _private_settings(tmp_path: Path) -> None:
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "user-settings"))


@pytest.fixture
def window(qtbot, template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool) -> MainWindow:
    """A shown window on a copy of the template, its background reads done."""
    monkeypatch.setattr(sandbox, "ExtractionPool", lambda *a, **k: pool)
    monkeypatch.setattr(importing, "ExtractionPool", lambda *a, **k: pool)
    root = tmp_path / "archive"
    shutil.copytree(template, root, ignore=shutil.ignore_patterns("archive.lock"))
    desktop_app.apply_style(QApplication.instance())
    archive, notice = desktop_app.open_archive(root, explicit=True)
    made = MainWindow(archive, notice, settings=QSettings(str(tmp_path / "footnote.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(made)
    made.resize(1400, 900)
    made.show()
    qtbot.waitExposed(made)
    made.activateWindow()
    qtbot.waitActive(made)
    wait(made)
    return made


@pytest.fixture
def bugs(caplog) -> list[logging.LogRecord]:
    """Errors logged while the test runs (a task that failed unexpectedly logs one): there must be none."""
    caplog.set_level(logging.WARNING)
    return caplog.records


# --- helpers ---------------------------------------------------------------------------------------


def wait(window: MainWindow) -> None:
    assert window.runner.wait(60)


def fresh_random() -> None:
    """Hypothesis seeds Python's global ``random`` the same way for every example, and whoosh names its
    segments with ``random.choice``: in one index, a later example's segment would get the name of an
    earlier one (whoosh then fails an assertion, and the index is rebuilt).  A real process is seeded
    from the OS once, so every example starts with an OS seed, as a real start does."""
    random.seed()


def fingerprint(root: Path) -> tuple:
    """Every row of the catalog and every file in ``files/``."""
    db = sqlite3.connect(f"file:{root / 'archive.db'}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            for row in sorted(map(repr, db.execute(f'SELECT * FROM "{table}"'))):
                digest.update(row.encode())
        counts = tuple(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("article", "document"))
    finally:
        db.close()
    return digest.hexdigest(), counts, sorted(str(p.relative_to(root)) for p in (root / "files").rglob("*")
                                              if p.is_file())


def boxes(window: MainWindow, name: str) -> list[QMessageBox]:
    return [b for b in window.findChildren(QMessageBox, name) if b.isVisible()]


def take_box(window: MainWindow, name: str) -> str | None:
    """The text of the message box ``name`` the window shows (then closed), or None."""
    shown = boxes(window, name)
    for box in shown:
        box.close()
    return shown[-1].text() if shown else None


def no_bugs(window: MainWindow, records: list[logging.LogRecord]) -> None:
    errors = [f"{r.name}: {r.getMessage()[:300]}" for r in records if r.levelno >= logging.ERROR]
    assert not errors, errors
    error = take_box(window, "errorMessage")
    assert error is None or not error.startswith("Something went wrong"), error


def plain(text: str) -> None:
    """Said as a user is told it: no traceback, no exception repr."""
    for raw in ("Traceback", "unexpected error", "Error(", "Exception(", "Something went wrong"):
        assert raw not in text, text


def show_article(window: MainWindow, title: str) -> dict:
    """Open the article whose title starts with ``title`` (unless it is shown); its detail."""
    if not window.detail or not window.detail["title"].startswith(title):
        [wanted] = [a["id"] for a in list_articles(window.archive) if a["title"].startswith(title)]
        window.open_article(wanted)
        wait(window)
    return window.detail


def drop(window: MainWindow, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point, action = QPointF(400, 300), Qt.DropAction.CopyAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    with warnings.catch_warnings():  # PySide6 marks the QPoint constructor deprecated, but it is the only one
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(point.toPoint(), action, mime, buttons, modifiers)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    event = QDropEvent(point, action, mime, buttons, modifiers)
    window.dropEvent(event)
    assert event.isAccepted()


# --- the search box --------------------------------------------------------------------------------------

_QUERY_TOKENS = st.sampled_from(['"', "'", "(", ")", "[", "]", "{", "}", "*", "?", "~", "~2", "^", "^3", ":", "-",
                                 "+", "!", "&&", "||", "AND", "OR", "NOT", "TO", "title:(", "title:", "type:",
                                 "status:", "tag:", "source:", "category:", "date:", "date:>x", "date:2026",
                                 "date:[2026 TO", "[a TO", "date:<", ">=3", "<0", "Sacks", "order", "*:*", "\\",
                                 "/", "\x00", "é", "<mark>", "\u202e", "\U0001F600", "%", "\t"])


@FUZZ
@given(query=st.one_of(st.lists(_QUERY_TOKENS, min_size=1, max_size=8).map(" ".join),
                       st.lists(_QUERY_TOKENS, min_size=1, max_size=6).map("".join),
                       st.text(min_size=1, max_size=40)))
def test_random_queries_in_the_search_box(qtbot, window: MainWindow, bugs, query: str) -> None:
    fresh_random()
    before = fingerprint(window.archive.root)
    panel = window.search
    window.search_action.trigger()  # Ctrl+K
    assert panel.box.hasFocus()
    panel.box.setText(query)
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not panel.busy, timeout=20000)
    wait(window)
    shown = panel.box.text().strip()  # (a line edit keeps no line breaks; it is what the user sees)
    if not shown:
        assert panel.result is None and panel.stack.currentWidget() is panel.empty  # the tips
    else:
        notice = panel.notice.text() if panel.notice.isVisible() else ""
        assert not notice.startswith("The search failed"), notice  # a query is never a failure
        assert not notice.startswith("The search index"), notice
        result = panel.result
        assert result is not None and panel.shown_query == (shown, ())
        if result.error:  # a query that cannot be read says so, and searches its plain words
            assert notice and notice[0].isupper() and "\n" not in notice
            plain(notice)
        if result.hits:
            assert panel.stack.currentWidget() is panel.view and panel.model.hit_rows()
        else:
            assert panel.stack.currentWidget() is panel.empty and "No results for" in panel.empty.text()
    no_bugs(window, bugs)
    assert fingerprint(window.archive.root) == before


# --- importing ------------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=10)
@given(data=st.one_of(st.binary(max_size=2000),
                      st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      st.sampled_from([b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
                                       b"PK\x03\x04" + b"\x00" * 40, b"PK\x05\x06" + b"\x00" * 18, b"<html><body>",
                                       b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b""])),
       suffix=st.sampled_from([".txt", ".md", ".html", ".pdf", ".zip"]),
       by_drop=st.booleans())
def test_random_bytes_imported_through_the_window(qtbot, window: MainWindow, bugs, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch, data: bytes, suffix: str,
                                                  by_drop: bool) -> None:
    fresh_random()
    from archive.importing import Outcome

    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    path = folder / f"random{suffix}"
    path.write_bytes(data)
    reports: list = []
    shown = window._imported
    monkeypatch.setattr(window, "_imported", lambda report: (reports.append(report), shown(report)))
    before = fingerprint(window.archive.root)
    if by_drop:
        drop(window, [path])
    else:
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(path)], "")))
        window.import_action.trigger()
    wait(window)
    no_bugs(window, bugs)
    [report] = reports  # the import finished (an exception would have shown an error instead)
    [result] = report.results
    problems = take_box(window, "importProblems")
    after = fingerprint(window.archive.root)
    if result.outcome in (Outcome.FAILED, Outcome.KEPT):  # listed, with its reason, in words
        assert problems is not None and f"<b>{path.name}</b>: " in problems, problems
        assert result.message.strip() and "\n" not in result.message
        plain(result.message)
    else:
        assert problems is None and result.outcome in (Outcome.IMPORTED, Outcome.DUPLICATE)
    if result.outcome in (Outcome.FAILED, Outcome.DUPLICATE):
        assert after == before, f"a file that was not imported changed the archive: {result.message}"
    else:  # one article or document more, and its one stored file
        articles, documents = before[1]
        assert after[1] in ((articles + 1, documents), (articles, documents + 1)), (result, after[1])
        new_files = sorted(set(after[2]) - set(before[2]))  # none when an article already holds the same bytes
        assert new_files in ([], [f"files/{hashlib.sha256(data).hexdigest()[:2]}/{hashlib.sha256(data).hexdigest()}"])
        assert set(before[2]) <= set(after[2])
        assert window.counts_label.text().startswith(f"{after[1][0]} article")
    assert not any((window.archive.root / "files" / ".staging").glob("*")), "a partial file was left behind"
    assert suffix != ".zip" or result.outcome is Outcome.FAILED


# --- the inspector's note and tags ---------------------------------------------------------------------

_ODD = st.sampled_from(["", " ", "\n\n", "\x00", "\x07bell", "\x1b[31mred", "\u202eevil\u202c", "\u200f\u05e9\u05dc"
                        "\u05d5\u05dd\u200e", "\u0645\u0631\u062d\u0628\u0627", "\U0001F468\u200D\U0001F469\u200D"
                        "\U0001F467", "\U0001F1EB\U0001F1F7", "e\u0301\u0301\u0301", "\ufeff", "\u2028\u2029",
                        "\udcff", "\ud800x", "\r\n", "\t", "<b>bold</b>", "&amp;", "'; DROP TABLE claim; --",
                        ",,,", " , , ", "TAG, tag ,Tag"])
_NOTES = st.one_of(_ODD, st.text(max_size=200), st.lists(_ODD, max_size=6).map("".join),
                   st.text(min_size=1, max_size=10).map(lambda t: t * 2000))  # up to 20,000 characters


def stored(window: MainWindow, claim_id: str) -> tuple[str, list[str]]:
    with window.archive.read_session() as session:
        note = session.get(Claim, claim_id).note
        tags = sorted(session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim_id)))
    return note, tags


@settings(FUZZ, max_examples=10)
@given(note=_NOTES, tags=_NOTES, row=st.integers(0, 1))
# Found by this test: a tag left starting with a byte-order mark came back from Qt without it, and was
# saved again (a change the user never made) when the editor was left.
@example(note="\ufeff\u2028note", tags="\u2028\u2029\ufeffe\u0301\U0001F1EB\U0001F1F7 \u0645\u0631", row=1)
def test_odd_notes_and_tags_are_stored_faithfully_or_refused(qtbot, window: MainWindow, bugs, note: str, tags: str,
                                                             row: int) -> None:
    fresh_random()
    show_article(window, "Odd characters")  # two claims (a short article: re-reading it after each edit is quick)
    window.claims.select_row(row)
    wait(window)
    inspector = window.inspector
    assert window.claims.current_row() == row
    claim_id = inspector.claim["id"]
    assert inspector.note_edit.isEnabled() and inspector.tags_edit.isEnabled()
    old_note, old_tags = stored(window, claim_id)
    before = fingerprint(window.archive.root)

    inspector.note_edit.setFocus()
    inspector.note_edit.setPlainText(note)
    typed_note = inspector.note_edit.toPlainText()
    inspector.tags_edit.setFocus()  # leaving the note editor saves it
    qtbot.waitUntil(lambda: not inspector.note_edit.hasFocus(), timeout=2000)
    inspector.tags_edit.setText(tags)
    typed_tags = inspector.tags_edit.text()
    qtbot.keyClick(inspector.tags_edit, Qt.Key.Key_Return)  # Enter saves the tags
    wait(window)

    refused = take_box(window, "errorMessage")
    no_bugs(window, bugs)
    now_note, now_tags = stored(window, claim_id)
    if refused is not None:  # refused with a message, in words; what was refused is not in the archive
        plain(refused)
        assert inspector.error_label.isVisible() and inspector.error_label.text() == refused
        assert now_note in (old_note, trim(typed_note)) and now_tags in (old_tags, _clean_tags(typed_tags))
        if (now_note, now_tags) == (old_note, old_tags):
            assert fingerprint(window.archive.root) == before
    else:  # stored as the user sees it in the editors (the note trimmed; tags trimmed, lowercased, each once)
        assert now_note == trim(typed_note)
        assert now_tags == _clean_tags(typed_tags)
        # read back, the editors show what is stored
        window.claims.select_row(1 - row)
        wait(window)
        window.claims.select_row(row)
        wait(window)
        assert inspector.claim["id"] == claim_id
        assert trim(inspector.note_edit.toPlainText()) == now_note
        assert inspector.tags_edit.text() == ", ".join(now_tags)
    # undo everything this example did: the archive is as it was
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
        wait(window)
    window.undo_stack.clear()
    assert stored(window, claim_id) == (old_note, old_tags)


# --- a claim from a selection -------------------------------------------------------------------------


def assert_highlights(reader, text: str, row: int) -> None:
    """Each highlighted stretch of claim ``row`` shows exactly its part of the article's text."""
    stretches = [s for s in reader.page.spans if s[2] == row]
    assert stretches
    for start, end, _ in stretches:
        piece = text[reader.page.offset(start):reader.page.offset(end)]
        shown = QTextCursor(reader.document())
        shown.setPosition(start)
        shown.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        assert piece and end - start == utf16_length(piece)
        # (the reader shows line breaks inside a paragraph as spaces, byte-order marks as word joiners)
        assert shown.selectedText() == piece.translate(_SHOWN_AS), (shown.selectedText(), piece)


_SHOWN_AS = str.maketrans({"\n": " ", "\r": " ", "\u2029": " ", "\ufeff": "\u2060"})


@settings(FUZZ, max_examples=15)
@given(anchor=st.floats(0, 1), length=st.one_of(st.integers(-40, 40), st.integers(-2000, 2000)))
def test_a_claim_from_any_selection_of_an_odd_article(qtbot, window: MainWindow, bugs, anchor: float,
                                                      length: int) -> None:
    fresh_random()
    detail = show_article(window, "Odd characters")
    for row in range(len(detail["claims"])):  # the claims it has are highlighted where they are
        assert_highlights(window.reader, detail["text"], row)
    text = detail["text"]
    claims_before = [(c["id"], c["start"], c["end"]) for c in detail["claims"]]
    before = fingerprint(window.archive.root)
    reader = window.reader
    size = reader.document().characterCount() - 1
    start = int(anchor * size)
    end = max(0, min(size, start + length))
    cursor = QTextCursor(reader.document())
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    reader.setTextCursor(cursor)
    span = window._reader_selection()
    # the menu item (Edit, the reader's context menu, Ctrl+Shift+C) is offered only for a selection of the
    # article's text: not the header above it, not an empty selection
    assert window.make_claim_action.isEnabled() == (span is not None)
    if span is None:
        return
    window.make_claim_action.trigger()
    wait(window)
    refused = take_box(window, "errorMessage")
    no_bugs(window, bugs)
    made = [c for c in window.detail["claims"] if c["id"] not in {i for i, _, _ in claims_before}]
    a, b = span
    if refused is not None:  # empty, blank or overlapping a claim: said so in words, nothing made
        plain(refused)
        overlaps = any(s < b and e > a for _, s, e in claims_before)
        assert overlaps or not text[a:b].strip(), (refused, text[a:b])
        assert not made and fingerprint(window.archive.root) == before
        return
    [claim] = made
    # the claim is exactly the selected text, trimmed, at its exact place in the article
    assert claim["text"] == text[claim["start"]:claim["end"]] == text[a:b].strip()
    assert a <= claim["start"] < claim["end"] <= b
    # and the reader highlights exactly that text (positions counted in UTF-16 units, as Qt does)
    row = window.detail["claims"].index(claim)
    first, last = reader.page.claim_range(row)
    assert reader.page.offset(first) == claim["start"] and reader.page.offset(last) == claim["end"]
    assert_highlights(reader, text, row)
    window.undo_action.trigger()
    wait(window)
    assert [(c["id"], c["start"], c["end"]) for c in window.detail["claims"]] == claims_before
    window.undo_stack.clear()
