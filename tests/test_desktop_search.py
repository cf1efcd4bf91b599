"""The search panel, driven through its widgets on a real demo archive (built once, copied per test)."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import desktop  # noqa: F401  (guards PySide6 on CPython 3.11; before any Qt import)

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from archive.models import Claim, Document
from archive.store import Archive
from desktop import app as desktop_app
from desktop.search_panel import BUILD_LABEL, SearchPanel
from desktop.tasks import TaskRunner

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshot-search-panel.png"


@pytest.fixture
def archive(demo_copy: Path):
    """A private copy of the demo archive (with its search index), open for writing."""
    with Archive.open(demo_copy) as opened:
        yield opened


@pytest.fixture
def runner(qtbot):
    made = TaskRunner()
    yield made
    made.shutdown()


@pytest.fixture
def panel(qtbot, archive, runner) -> SearchPanel:
    desktop_app.apply_style(QApplication.instance())
    made = SearchPanel(archive, runner)
    qtbot.addWidget(made)
    made.resize(520, 760)
    made.show()
    qtbot.waitExposed(made)
    return made


def started_labels(runner: TaskRunner) -> list[str]:
    labels: list[str] = []
    runner.started.connect(lambda task: labels.append(task.label))
    return labels


def wait_for(qtbot, panel: SearchPanel, query: str) -> None:
    """Until the results of ``query`` are on screen and nothing more is pending."""
    qtbot.waitUntil(lambda: not panel.busy and panel.result is not None and panel.result.query == query,
                    timeout=10000)


def group_rows(panel: SearchPanel) -> list[int]:
    return [r for r in range(panel.model.rowCount()) if not panel.model.is_hit(r)]


# --- searching --------------------------------------------------------------------


def test_typing_searches_once_and_shows_hits_grouped_with_highlights(qtbot, panel: SearchPanel,
                                                                     runner: TaskRunner) -> None:
    labels = started_labels(runner)
    panel.focus_search()
    qtbot.keyClicks(panel.box, "Sacks")
    assert panel.result is None  # nothing runs while typing (debounced) and nothing runs on this thread
    wait_for(qtbot, panel, "Sacks")
    assert [label for label in labels if label.startswith("Searching")] == ["Searching for “Sacks”"]

    result = panel.result
    groups = panel.model.groups()
    assert len(groups) == len(result.grouped()) > 1
    headers = group_rows(panel)
    assert len(headers) == len(groups) and headers[0] == 0
    # Each header is followed by its document's hits; headers say the title and the count.
    for header, (document, hits) in zip(headers, groups):
        row = panel.model.data(panel.model.index(header), Qt.ItemDataRole.UserRole + 3)
        assert row.count == len(hits) and row.title == hits[0].title
        assert all(panel.model.hit(header + 1 + i).document == document for i in range(len(hits)))
    # Snippets are drawn as text with the matched words marked (not as HTML source).
    for r in panel.model.hit_rows():
        row = panel.model.data(panel.model.index(r), Qt.ItemDataRole.UserRole + 3)
        assert "<mark>" not in row.plain and "&#x27;" not in row.plain
        if "<mark>" in row.hit.snippet:
            start, length = row.marks[0]
            assert row.plain[start:start + length].lower() == "sacks"
    assert panel.summary.text() == f"{len(result.hits)} results in {len(groups)} documents"
    assert panel.type_chips["claim"].count == 3 and panel.type_chips[""].count == result.total
    assert panel.status_row.isVisible() and "verified" in panel.status_chips  # claims among the hits


def test_a_type_chip_filters_and_keeps_the_other_counts(qtbot, panel: SearchPanel) -> None:
    panel.search("Sacks")
    wait_for(qtbot, panel, "Sacks")
    total = panel.result.total
    qtbot.mouseClick(panel.type_chips["claim"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy and panel.shown_query == ("Sacks", ("claim",)), timeout=10000)
    assert panel.type_filter == "claim" and panel.type_chips["claim"].isChecked()
    assert {hit.type for hit in panel.result.hits} == {"claim"} and len(panel.result.hits) == 3
    assert panel.type_chips[""].count == total and panel.type_chips["source"].count > 0
    assert panel.summary.text() == "3 claims in 1 document"
    qtbot.mouseClick(panel.type_chips[""], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.busy and panel.shown_query == ("Sacks", ()), timeout=10000)
    assert len({hit.type for hit in panel.result.hits}) > 1


def test_a_status_chip_adds_status_to_the_query(qtbot, panel: SearchPanel) -> None:
    panel.search("Sacks")
    wait_for(qtbot, panel, "Sacks")
    qtbot.mouseClick(panel.status_chips["verified"], Qt.MouseButton.LeftButton)
    wait_for(qtbot, panel, "Sacks status:verified")
    assert panel.box.text() == "Sacks status:verified" and panel.status_chips["verified"].isChecked()
    assert {hit.type for hit in panel.result.hits} == {"claim"}
    qtbot.mouseClick(panel.status_chips["verified"], Qt.MouseButton.LeftButton)
    wait_for(qtbot, panel, "Sacks")


def test_enter_on_a_claim_hit_emits_it_with_its_place(qtbot, panel: SearchPanel, archive) -> None:
    panel.set_type_filter("claim")
    panel.search("Sacks")
    qtbot.waitUntil(lambda: not panel.busy and panel.shown_query == ("Sacks", ("claim",)), timeout=10000)
    panel.focus_search()
    qtbot.keyClick(panel.box, Qt.Key.Key_Down)
    assert panel.view.hasFocus() and panel.current_hit() is panel.result.hits[0]
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.hitActivated, timeout=2000) as signal:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    [hit] = signal.args
    assert hit is panel.result.hits[1] and hit.type == "claim" and hit.claim
    with archive.session() as session:
        claim = session.get(Claim, hit.claim)
        assert (hit.start, hit.end) == (claim.start, claim.end) and hit.start < hit.end
        assert "sacks" in claim.text.lower() and hit.document == claim.article_id


def test_enter_on_a_source_hit_emits_its_page_and_passage(qtbot, panel: SearchPanel, archive) -> None:
    panel.search('"heated wrangling"')
    wait_for(qtbot, panel, '"heated wrangling"')
    panel.focus_search()
    qtbot.keyClick(panel.box, Qt.Key.Key_Down)
    for _ in range(len(panel.result.hits)):
        if panel.current_hit().type == "source":
            break
        qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    assert not panel.model.is_hit(0) and panel.view.currentIndex().row() != 0  # never on a header
    with qtbot.waitSignal(panel.hitActivated, timeout=2000) as signal:
        qtbot.keyClick(panel.view, Qt.Key.Key_Enter)
    [hit] = signal.args
    assert hit.type == "source" and hit.page == 1 and hit.start is not None and hit.end > hit.start
    with archive.session() as session:
        text = session.get(Document, hit.document).text
    assert "heated wrangling" in " ".join(text[hit.start:hit.end].split())


def test_double_click_activates_and_keys_go_back_to_the_box(qtbot, panel: SearchPanel) -> None:
    panel.search("Sacks")
    wait_for(qtbot, panel, "Sacks")
    first = panel.model.hit_rows()[0]
    rect = panel.view.visualRect(panel.model.index(first))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double click's
    assert panel.current_hit() is panel.model.hit(first)  # first press selects (and opens nothing yet) ...
    with qtbot.waitSignal(panel.hitActivated, timeout=2000) as signal:  # ... its second one opens
        qtbot.mouseDClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args[0] is panel.model.hit(first)
    # Up from the first hit and Esc in the list go back to the box; Esc in the box clears it.
    panel.focus_search()
    qtbot.keyClick(panel.box, Qt.Key.Key_Down)
    qtbot.keyClick(panel.view, Qt.Key.Key_Up)
    assert panel.box.hasFocus() and panel.box.selectedText() == "Sacks"
    qtbot.keyClick(panel.box, Qt.Key.Key_Down)
    qtbot.keyClick(panel.view, Qt.Key.Key_Escape)
    assert panel.box.hasFocus()
    qtbot.keyClick(panel.box, Qt.Key.Key_Escape)
    assert panel.box.text() == "" and panel.result is None and panel.model.rowCount() == 0
    assert panel.stack.currentWidget() is panel.empty and "Search tips" in panel.empty.text()


def test_enter_in_the_box_searches_at_once_then_opens_the_first_hit(qtbot, panel: SearchPanel) -> None:
    qtbot.keyClicks(panel.box, "Sacks")
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)  # no need to wait for the pause
    assert not panel._debounce.isActive()
    wait_for(qtbot, panel, "Sacks")
    with qtbot.waitSignal(panel.hitActivated, timeout=2000) as signal:
        qtbot.keyClick(panel.box, Qt.Key.Key_Return)
    assert signal.args[0] is panel.result.hits[0]


# --- problems ---------------------------------------------------------------------


def test_a_syntax_error_says_so_and_shows_the_plain_words_results(qtbot, panel: SearchPanel) -> None:
    panel.search('"Sacks')
    wait_for(qtbot, panel, '"Sacks')
    assert panel.notice.isVisible()
    assert panel.notice.text() == "A quotation mark is not closed — showing results for the words instead"
    assert panel.result.fallback == "Sacks" and panel.result.hits
    assert panel.stack.currentWidget() is panel.view and panel.model.rowCount() > len(panel.result.hits)
    panel.search("Sacks")
    wait_for(qtbot, panel, "Sacks")
    assert not panel.notice.isVisible()


def test_did_you_mean_is_a_link_that_searches_again(qtbot, panel: SearchPanel) -> None:
    panel.search("Zuckerbrg")
    wait_for(qtbot, panel, "Zuckerbrg")
    assert panel.suggestion.isVisible() and panel.suggestion_button.text() == "zuckerberg"
    qtbot.mouseClick(panel.suggestion_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, panel, "zuckerberg")
    assert panel.box.text() == "zuckerberg" and panel.result.hits and not panel.suggestion.isVisible()


def test_no_hits_shows_a_friendly_empty_state_with_tips(qtbot, panel: SearchPanel) -> None:
    panel.search("xyzzyq")
    wait_for(qtbot, panel, "xyzzyq")
    assert panel.stack.currentWidget() is panel.empty and panel.model.rowCount() == 0
    text = panel.empty.text()
    assert "No results for “xyzzyq”" in text
    for tip in ("&quot;de facto licensing&quot;", "regul*", "Zuckerburg~", "type:claim", "status:", "date:"):
        assert tip in text, tip
    assert not panel.chip_row.isVisible()  # nothing to filter
    panel.empty.linkActivated.emit("tip:1")  # what clicking the "regul*" example does
    wait_for(qtbot, panel, "regul*")
    assert panel.box.text() == "regul*" and panel.result.hits


# --- off the UI thread ------------------------------------------------------------


def test_the_index_is_built_first_and_the_ui_stays_responsive(qtbot, panel: SearchPanel, runner: TaskRunner,
                                                              archive) -> None:
    shutil.rmtree(archive.search_index.folder)
    archive.search_index.close()
    labels = started_labels(runner)
    progress: list[int] = []
    runner.progressed.connect(lambda task, done, total, label: task.label == BUILD_LABEL and progress.append(done))
    ticks: list[str | None] = []  # what the runner was doing at each tick of a UI-thread timer
    ui_thread = threading.get_ident()
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.append(runner.current.label if runner.current else None)
                          if threading.get_ident() == ui_thread else None)
    timer.start()
    panel.search("Trump")  # many hits: the slowest query
    qtbot.waitUntil(lambda: panel.stack.currentIndex() == 2, timeout=5000)  # the index's progress page
    wait_for(qtbot, panel, "Trump")
    timer.stop()
    assert labels[:3] == ["Opening the search index", BUILD_LABEL, "Searching for “Trump”"]
    assert progress and archive.search_index.state().ok
    assert ticks.count(BUILD_LABEL) > 3, "the UI thread was blocked while the index was built"
    assert ticks.count("Searching for “Trump”") > 0, "the UI thread was blocked while searching"
    assert len(panel.result.hits) > 10 and panel.stack.currentWidget() is panel.view


def test_a_newer_query_supersedes_one_not_yet_run(qtbot, panel: SearchPanel, runner: TaskRunner) -> None:
    panel.search("Sacks")
    wait_for(qtbot, panel, "Sacks")  # the index is open now
    labels = started_labels(runner)
    shown: list[str] = []
    panel.resultShown.connect(lambda result: shown.append(result.query))
    for text in ("Musk", "Zuckerberg", "Bessent"):
        panel.search(text)
    wait_for(qtbot, panel, "Bessent")
    assert labels == ["Searching for “Musk”", "Searching for “Bessent”"]  # Zuckerberg never ran
    assert shown == ["Bessent"]  # and Musk's results, stale on arrival, were never shown


# --- the look ---------------------------------------------------------------------


def test_screenshot(qtbot, panel: SearchPanel) -> None:
    panel.resize(520, 760)
    panel.search("Sacks")
    wait_for(qtbot, panel, "Sacks")
    panel.focus_search()
    qtbot.keyClick(panel.box, Qt.Key.Key_Down)
    qtbot.keyClick(panel.view, Qt.Key.Key_Down)
    qtbot.wait(50)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert panel.grab().save(str(SCREENSHOT))
