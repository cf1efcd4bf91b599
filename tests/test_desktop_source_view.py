"""The source view, driven through its widgets on the shipped demo archive (built once for this module)."""

from __future__ import annotations

import desktop  # noqa: F401  (first: guards PySide6 6.12 on Python 3.11)

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QTextCursor
from PySide6.QtWidgets import QApplication
from sqlmodel import select

from archive.demo import ensure_demo_archive
from archive.documents import page_locator, write_document
from archive.extract import ExtractedDocument, Extraction, Kind, describe
from archive.models import Document
from archive.queries import article_detail, list_articles
from archive.store import Archive
from desktop import app as desktop_app
from desktop.pdf_pages import PASSAGE_FILL, SELECTION_FILL, PageWords
from desktop.source_view import EMPTY_TEXT, SourceView, find_spans
from desktop.utf16 import utf16_length

REPO = Path(__file__).resolve().parent.parent
SCREENSHOT = REPO / "docs" / "screenshot-source.png"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    """The demo archive, opened for writing (a few tests add unreadable documents to it)."""
    root = tmp_path_factory.mktemp("source-view") / "a"
    ensure_demo_archive(root)
    with Archive.open(root) as archive:
        yield archive


@pytest.fixture(scope="module")
def links(demo: Archive) -> list[dict]:
    """The links of the demo article's verified claims, with their documents' kinds."""
    detail = article_detail(demo, list_articles(demo)[0]["id"])
    with demo.session() as session:
        kinds = {d.id: (d.kind, d.page_count) for d in session.exec(select(Document))}
    found = [dict(link, kind=kinds[link["document"]][0], pages=kinds[link["document"]][1])
             for claim in detail["claims"] if claim["status"] == "verified" for link in claim["links"]]
    assert found
    return found


@pytest.fixture(scope="module")
def styled() -> None:
    desktop_app.apply_style(QApplication.instance())  # the application's look, as in the main window


@pytest.fixture
def view(qtbot, demo: Archive, styled: None) -> SourceView:
    made = SourceView(demo)
    qtbot.addWidget(made)
    made.resize(700, 900)
    made.show()
    qtbot.waitExposed(made)
    return made


def pdf_link(links: list[dict], *, pages: int = 1, crossing: bool = False) -> dict:
    """A verified link into a PDF of at least ``pages`` pages (``crossing``: its passage runs onto the next page)."""
    for link in links:
        if link["kind"] == "pdf" and link["pages"] >= pages and link["rects"]:
            on_pages = {r[0] for r in link["rects"]}
            if crossing == (len(on_pages) > 1):
                return link
    raise AssertionError("the demo has no such link")


def open_link(view: SourceView, link: dict, **overrides) -> None:
    fields = dict(start=link["start"], end=link["end"], page=link["page"], rects=link["rects"])
    fields.update(overrides)
    view.show_document(link["document"], **fields)
    QApplication.processEvents()


def viewport_image(view: SourceView) -> QImage:
    widget = view.pdf_view.viewport() if view.mode == "pdf" else view.text_view.viewport()
    return widget.grab().toImage()


def share_of_colour(image: QImage, area: QRect, colour: QColor, tolerance: int = 10) -> float:
    """The share of pixels in ``area`` that have (about) ``colour``."""
    area = area.intersected(image.rect())
    if area.isEmpty():
        return 0.0
    hits = total = 0
    for y in range(area.top(), area.bottom() + 1, 2):
        for x in range(area.left(), area.right() + 1, 2):
            pixel = image.pixelColor(x, y)
            total += 1
            if (abs(pixel.red() - colour.red()) <= tolerance and abs(pixel.green() - colour.green()) <= tolerance
                    and abs(pixel.blue() - colour.blue()) <= tolerance):
                hits += 1
    return hits / total


def document_text(demo: Archive, document_id: str) -> str:
    with demo.session() as session:
        return session.get(Document, document_id).text


def add_document(demo: Archive, name: str, data: bytes, extracted: ExtractedDocument, media_type: str) -> str:
    blob = demo.files.put_bytes(data)
    with demo.session() as session:
        return write_document(session, extracted, sha256=blob.sha256, size=len(data), media_type=media_type, name=name)


# --- what is shown -----------------------------------------------------------------------


def test_nothing_shown_is_an_empty_state(view: SourceView, links: list[dict]) -> None:
    assert view.mode == "empty"
    assert view.empty_label.isVisible() and view.empty_label.text() == EMPTY_TEXT
    assert not view.header.isVisible() and not view.toolbar.isVisible()
    assert view.selection() is None and view.current_page == 0
    open_link(view, pdf_link(links))
    assert view.mode == "pdf" and view.header.isVisible()
    view.clear()
    assert view.mode == "empty" and view.empty_label.isVisible() and view.document_id is None


def test_a_pdf_link_opens_at_its_page_with_the_passage_painted(view: SourceView, demo: Archive,
                                                                links: list[dict]) -> None:
    link = pdf_link(links, pages=3)
    open_link(view, link)
    assert view.mode == "pdf" and view.pdf_view.isVisible()
    assert view.current_page == link["page"]
    assert view.page_label.text() == f"p. {link['page']} / {link['pages']}"
    assert view.page_spin.value() == link["page"] and view.page_total.text() == f"of {link['pages']}"
    assert view.kind_label.text() == "PDF" and view.title_label.text() == link["document_title"]
    assert [list(r) for r in view.pdf_view.passage_rects] == [list(r) for r in link["rects"]]
    assert view.passage == (link["start"], link["end"])

    image = viewport_image(view)
    first = view.pdf_view.rect_to_view(link["rects"][0]).toAlignedRect()
    assert view.pdf_view.viewport().rect().contains(first)  # scrolled into view
    assert share_of_colour(image, first, PASSAGE_FILL) > 0.3  # highlighter yellow behind the words
    below = first.translated(0, -first.height() * 6)  # lines above the passage are not highlighted
    assert share_of_colour(image, below, PASSAGE_FILL) < 0.02
    # Rendering is lazy: only the pages in view were rendered.
    assert 1 <= view.pdf_view.renders <= len(view.pdf_view.visible_pages())


def test_without_rects_the_passage_comes_from_the_word_boxes(view: SourceView, demo: Archive,
                                                              links: list[dict]) -> None:
    link = pdf_link(links, crossing=True)
    view.show_document(link["document"], start=link["start"], end=link["end"])
    with demo.session() as session:
        expected = page_locator(session, link["document"]).rects(link["start"], link["end"])
    assert [list(r) for r in view.pdf_view.passage_rects] == expected
    assert {r[0] for r in expected} == {1, 2}  # the passage runs over a page break
    assert view.current_page == 1  # the page of ``start``
    view.show_document(link["document"], start=link["start"], end=link["end"], page=2)
    assert view.current_page == 2
    image = viewport_image(view)
    on_two = [r for r in expected if r[0] == 2][0]
    assert share_of_colour(image, view.pdf_view.rect_to_view(on_two).toAlignedRect(), PASSAGE_FILL) > 0.3


def test_page_words_agree_with_the_page_locator(demo: Archive, links: list[dict]) -> None:
    link = pdf_link(links, crossing=True)
    text = document_text(demo, link["document"])
    with demo.session() as session:
        locator, words = page_locator(session, link["document"]), PageWords.load(session, link["document"])
    for start in range(0, len(text), 97):
        assert words.page_of(start) == locator.page_of(start)
        assert words.rects(start, start + 150) == locator.rects(start, start + 150)


def test_zoom_in_out_and_fit_width(qtbot, view: SourceView, links: list[dict]) -> None:
    open_link(view, pdf_link(links))
    pages = view.pdf_view
    fitted = pages.zoom
    assert pages.fits_width and view.fit_button.isChecked()
    assert pages.page_rect(0).width() == pytest.approx(pages.viewport().width() - 2 * pages.GAP, abs=1)
    assert view.zoom_label.text() == f"{round(fitted * 100)}%"
    passage = pages.rect_to_view(pages.passage_rects[0])

    view.activateWindow()
    qtbot.waitActive(view)
    pages.setFocus()
    qtbot.keyClick(pages, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert pages.zoom > fitted and not pages.fits_width and not view.fit_button.isChecked()
    zoomed = pages.rect_to_view(pages.passage_rects[0])
    assert zoomed.width() == pytest.approx(passage.width() * pages.zoom / fitted, rel=0.02)
    assert pages.viewport().rect().intersects(zoomed.toAlignedRect())  # the passage stays in view
    assert view.zoom_label.text() == f"{round(pages.zoom * 100)}%"

    qtbot.keyClick(pages, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(pages, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert pages.zoom < fitted
    assert pages.page_rect(0).width() == pytest.approx(612 * pages.scale, abs=1)
    qtbot.keyClick(pages, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert pages.fits_width and pages.zoom == pytest.approx(fitted)
    view.resize(500, 900)  # fit width follows the pane
    QApplication.processEvents()
    assert pages.zoom < fitted


def test_page_navigation(qtbot, view: SourceView, links: list[dict]) -> None:
    link = pdf_link(links, pages=3)
    open_link(view, link)
    assert view.page_count == 3 and view.current_page == 1
    assert not view.previous_page_button.isEnabled()
    changes: list[int] = []
    view.pageChanged.connect(changes.append)
    view.go_to_page(3)
    assert view.current_page == 3 and changes[-1] == 3
    assert view.page_spin.value() == 3 and view.page_label.text() == "p. 3 / 3"
    assert not view.next_page_button.isEnabled()
    assert 3 in view.pdf_view.visible_pages()

    view.activateWindow()
    qtbot.waitActive(view)
    view.pdf_view.setFocus()
    qtbot.keyClick(view.pdf_view, Qt.Key.Key_PageUp)
    assert view.current_page == 2
    top = view.pdf_view.page_rect_in_view(2).top()
    assert 0 <= top <= view.pdf_view.GAP + 1  # the page is shown from its top
    qtbot.keyClick(view.pdf_view, Qt.Key.Key_PageDown)
    assert view.current_page == 3
    view.page_spin.setValue(1)
    assert view.current_page == 1 and view.pdf_view.visible_pages()[0] == 1
    view.previous_page()
    assert view.current_page == 1
    # Scrolling by hand: the page filling the view becomes the current page.
    view.pdf_view.verticalScrollBar().triggerAction(view.pdf_view.verticalScrollBar().SliderAction.SliderToMaximum)
    QApplication.processEvents()
    assert view.current_page == 3 and view.page_spin.value() == 3


def test_find_counts_hits_and_moves_between_them(qtbot, view: SourceView, demo: Archive,
                                                  links: list[dict]) -> None:
    link = pdf_link(links, pages=3)
    open_link(view, link)
    text = document_text(demo, link["document"])
    expected = [m.span() for m in re.finditer("trump", text, re.IGNORECASE)]
    assert len(expected) > 3

    view.activateWindow()
    qtbot.waitActive(view)
    view.pdf_view.setFocus()
    qtbot.keyClick(view.pdf_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert view.find_bar.isVisible() and view.find_edit.hasFocus()
    assert view.find("TRUMP") == len(expected)
    assert view.hits == expected
    assert view.current_hit == 0 and view.find_count.text() == f"1 of {len(expected)}"

    qtbot.keyClick(view.find_edit, Qt.Key.Key_Return)
    assert view.current_hit == 1 and view.find_count.text() == f"2 of {len(expected)}"
    qtbot.keyClick(view.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view.find_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.current_hit == len(expected) - 1  # wraps round to the last one
    last = view.pdf_view.words.rects(*expected[-1])
    assert view.current_page == last[0][0] == 3
    assert view.pdf_view.viewport().rect().contains(view.pdf_view.rect_to_view(last[0]).toAlignedRect())
    # Every hit on a page is highlighted there, from the word boxes.
    assert len(view.pdf_view.hit_rects(3)) >= sum(1 for s, _ in expected if s >= 2402)

    view.find("no such words anywhere")
    assert view.hit_count == 0 and view.find_count.text() == "No matches"
    view.find("executive   order")  # any whitespace matches any whitespace, line breaks too
    assert view.hit_count == len(find_spans(text, "executive order")) > 0
    qtbot.keyClick(view.find_edit, Qt.Key.Key_Escape)
    assert not view.find_bar.isVisible() and view.hit_count == 0


def test_a_web_page_shows_its_text_with_the_passage_highlighted(qtbot, view: SourceView, demo: Archive,
                                                                 links: list[dict]) -> None:
    link = next(link for link in links if link["kind"] == "html")
    view.show_document(link["document"], start=link["start"], end=link["end"])
    QApplication.processEvents()
    assert view.mode == "text" and view.text_view.isVisible()
    assert view.kind_label.text() == "Web page" and not view.page_label.isVisible()
    text = document_text(demo, link["document"])
    [passage, *_] = view.text_view.extraSelections()
    assert passage.cursor.selectionStart() == utf16_length(text[:link["start"]])
    assert passage.cursor.selectedText() == text[link["start"]:link["end"]]
    assert passage.format.background().color() == PASSAGE_FILL
    cursor = QTextCursor(view.text_view.document())
    cursor.setPosition(passage.cursor.selectionStart())
    shown = view.text_view.cursorRect(cursor)
    assert view.text_view.viewport().rect().contains(shown)
    band = QRect(0, shown.top(), view.text_view.viewport().width(), shown.height())
    assert share_of_colour(viewport_image(view), band, PASSAGE_FILL, tolerance=4) > 0.1

    assert view.find("sacks") == len(re.findall("sacks", text, re.IGNORECASE))
    assert len(view.text_view.extraSelections()) == 1 + view.hit_count

    spy: list[tuple[str, int, int]] = []
    view.selectionChanged.connect(lambda *args: spy.append(args))
    view.select(10, 42)
    assert view.selection() == (10, 42) and spy[-1] == (link["document"], 10, 42)
    assert view.text_view.textCursor().selectedText() == text[10:42] == view.selected_text()


def test_text_offsets_survive_characters_beyond_the_bmp(view: SourceView, demo: Archive) -> None:
    text = "Intro 🚀🚀 line.\r\nSecond 𝄞 paragraph\u2029with the passage here, after emoji 😀.\n"
    document_id = add_document(demo, "emoji.txt", text.encode(), ExtractedDocument(
        kind=Kind.TEXT, title="Emoji notes", text=text), "text/plain")
    start = text.index("the passage")
    view.show_document(document_id, start=start, end=start + len("the passage"))
    [passage] = view.text_view.extraSelections()
    assert passage.cursor.selectedText() == "the passage"
    view.select(text.index("𝄞"), text.index("paragraph") + 4)
    assert view.selection() == (text.index("𝄞"), text.index("paragraph") + 4)
    assert view.selected_text() == "𝄞 para"


@pytest.mark.parametrize("status, detail", [(Extraction.PASSWORD, ""), (Extraction.DAMAGED, "no trailer found")])
def test_unreadable_pdfs_are_never_rendered(view: SourceView, demo: Archive, tmp_path: Path,
                                            status: Extraction, detail: str) -> None:
    if status is Extraction.PASSWORD:
        from tests.pdf_factory import make_encrypted_pdf

        data = make_encrypted_pdf(tmp_path / "locked.pdf", ["A secret paragraph."]).read_bytes()
    else:
        data = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a PDF any more"
    document_id = add_document(demo, f"{status}.pdf", data, ExtractedDocument(
        kind=Kind.PDF, title=f"A {status} file", status=status, detail=detail), "application/pdf")
    calls: list[str] = []
    view.pdf_document.load = lambda *args: calls.append("load")  # QtPdf must not even open it
    view.show_document(document_id, start=0, end=10, page=1)
    assert view.mode == "message" and view.message_label.isVisible()
    assert view.message == f"This file could not be read: {describe(status, detail)}"
    assert view.title_label.text() == f"A {status} file" and not view.toolbar.isVisible()
    assert calls == [] and view.pdf_view.renders == 0 and view.pdf_view.page_count == 0
    view.open_find()
    assert not view.find_bar.isVisible()


def test_dragging_over_words_selects_them(qtbot, view: SourceView, demo: Archive, links: list[dict]) -> None:
    link = pdf_link(links)
    open_link(view, link)
    text = document_text(demo, link["document"])
    words = view.pdf_view.words
    page = words.page(link["page"])
    boxes = words.boxes(page.number)
    first = next(i for i, b in enumerate(boxes) if page.start + b[0] >= link["start"])
    last = first + 6

    def centre(index: int) -> QPoint:
        _, _, x0, y0, x1, y1 = boxes[index]
        return view.pdf_view.map_to_view(page.number, (x0 + x1) / 2, (y0 + y1) / 2).toPoint()

    viewport = view.pdf_view.viewport()
    with qtbot.waitSignal(view.selectionChanged) as signal:
        qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=centre(first))
        qtbot.mouseMove(viewport, centre(first + 3))
        qtbot.mouseMove(viewport, centre(last))
        qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=centre(last))
    start, end = page.start + boxes[first][0], page.start + boxes[last][1]
    assert view.selection() == (start, end) and signal.args == [link["document"], start, end]
    assert view.selected_text() == text[start:end]
    assert view.selected_text().split()[0] == text[start:page.start + boxes[first][1]]
    # The selection is drawn in its own colour, apart from the passage's.
    rect = view.pdf_view.rect_to_view(words.rects(start, end)[0]).toAlignedRect()
    assert share_of_colour(viewport_image(view), rect, SELECTION_FILL) > 0.2
    QApplication.clipboard().clear()
    view.copy_selection()
    assert QApplication.clipboard().text() == text[start:end]

    # Dragging a rectangle from the margin selects the words inside it.
    _, _, x0, y0, x1, y1 = boxes[first]
    area = QRectF(QPointF(4, y0 - 2), QPointF(page.width - 4, y1 + 2))
    inside = [b for b in boxes if area.contains(QPointF((b[2] + b[4]) / 2, (b[3] + b[5]) / 2))]
    corner = view.pdf_view.map_to_view(page.number, area.left(), area.top()).toPoint()
    other = view.pdf_view.map_to_view(page.number, area.right(), area.bottom()).toPoint()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=corner)
    qtbot.mouseMove(viewport, (corner + other) / 2)
    qtbot.mouseMove(viewport, other)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=other)
    assert view.selection() == (page.start + min(b[0] for b in inside), page.start + max(b[1] for b in inside))

    with qtbot.waitSignal(view.selectionCleared):
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=corner)
    assert view.selection() is None


# --- the screenshot -------------------------------------------------------------------------


def test_screenshot_of_a_highlighted_passage(qtbot, view: SourceView, links: list[dict]) -> None:
    """Renders docs/screenshot-source.png: a PDF source opened at a verified claim's passage."""
    link = pdf_link(links, pages=3)
    open_link(view, link)
    view.pdf_view.setFocus()
    image = view.grab()
    assert image.width() == 700 and image.height() == 900
    SCREENSHOT.parent.mkdir(exist_ok=True)
    assert image.save(str(SCREENSHOT), "PNG")
