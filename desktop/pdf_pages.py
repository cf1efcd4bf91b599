"""The PDF half of the source view: a document's stored pages and words, and a continuous page view.

:class:`PageWords` answers, for one document, which page a text offset is on,
which rectangles cover a span of the text (as :class:`archive.documents.PageLocator`
does, through the same :func:`~archive.extract.boxes.rects_for_span`), and which
word lies under a point.  It unpacks a page's word boxes only when that page is
asked about, so a 2,000-page document opens as fast as a 2-page one.

:class:`PdfPageView` shows the pages of a :class:`QPdfDocument` one under the
other.  It renders only the pages that are visible, keeps the last few
renderings, and paints over them, in page points (the space of the stored word
boxes and of ``QPdfDocument.pagePointSize``): the passage a link points to, the
hits of a search, and the user's selection, which is made by dragging from word
to word or, starting outside any word, by drawing a rectangle around words.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import (QColor, QImage, QKeyEvent, QKeySequence, QMouseEvent, QPainter,
                           QPainterPath, QPaintEvent, QPen, QResizeEvent, QWheelEvent)
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSlider, QWidget
from sqlmodel import Session, select

from archive.extract.boxes import Box, rects_for_span, unpack
from archive.models import DocumentPage

POINT = 96 / 72  # pixels per point at 100 %: a page shows at its printed size on a 96 dpi screen
ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0)
MIN_ZOOM, MAX_ZOOM = ZOOM_STEPS[0], ZOOM_STEPS[-1]

# Highlights are multiplied onto the page, like a highlighter pen: white paper takes the
# colour, black ink stays black, so highlighted text is as readable as the rest.
PASSAGE_FILL = QColor("#ffe066")
PASSAGE_LINE = QColor("#c79100")
HIT_FILL = QColor("#ffd2a8")
CURRENT_HIT_FILL = QColor("#ff9f4a")
CURRENT_HIT_LINE = QColor("#b54a00")
SELECTION_FILL = QColor("#b4d5fe")
BAND_LINE = QColor("#0b5cad")
BACKDROP = QColor("#e4e7eb")

Rect = Sequence[float]  # [page, x0, y0, x1, y1]: page 1-based, points from the page's top-left


@dataclass(frozen=True)
class PageInfo:
    """One stored page: its number (1-based), size in points, span of the text and packed word boxes."""

    number: int
    width: float
    height: float
    start: int
    end: int
    packed: bytes = b""


class PageWords:
    """The stored pages of one document, their words unpacked on first use."""

    def __init__(self, pages: Iterable[PageInfo]) -> None:
        self.pages = sorted(pages, key=lambda p: p.number)
        self._starts = [p.start for p in self.pages]
        self._by_number = {p.number: i for i, p in enumerate(self.pages)}
        self._boxes: dict[int, list[Box]] = {}

    @classmethod
    def load(cls, session: Session, document_id: str) -> "PageWords":
        rows = session.exec(select(DocumentPage).where(DocumentPage.document_id == document_id)).all()
        return cls(PageInfo(r.number, r.width, r.height, r.start, r.end, r.words) for r in rows)

    def __len__(self) -> int:
        return len(self.pages)

    def page(self, number: int) -> PageInfo | None:
        index = self._by_number.get(number)
        return None if index is None else self.pages[index]

    def boxes(self, number: int) -> list[Box]:
        """Word boxes of page ``number``: ``(start, end, x0, y0, x1, y1)``, offsets relative to the page."""
        boxes = self._boxes.get(number)
        if boxes is None:
            page = self.page(number)
            boxes = self._boxes[number] = unpack(page.packed) if page is not None else []
        return boxes

    def page_of(self, offset: int) -> int | None:
        """The page that text ``offset`` is on (as ``PageLocator.page_of``)."""
        if not self.pages:
            return None
        return self.pages[max(0, bisect_right(self._starts, offset) - 1)].number

    def rects(self, start: int, end: int) -> list[list[float]]:
        """Rectangles covering text ``start:end``, one per line per page (as ``PageLocator.rects``)."""
        if not self.pages or end <= start:
            return []
        first = max(0, bisect_right(self._starts, start) - 1)
        last = max(0, bisect_right(self._starts, max(start, end - 1)) - 1)
        spanned = [(p.number, p.start, self.boxes(p.number)) for p in self.pages[first:last + 1]]
        return [list(r) for r in rects_for_span(spanned, start, end)]

    def rects_on_page(self, number: int, spans: Iterable[tuple[int, int]]) -> list[list[float]]:
        """Rectangles of each span's part on page ``number`` (for many spans: one page's boxes only)."""
        page = self.page(number)
        if page is None:
            return []
        pages = [(number, page.start, self.boxes(number))]
        return [list(r) for start, end in spans for r in rects_for_span(pages, start, end)]

    def word_span(self, number: int, index: int) -> tuple[int, int]:
        """Document offsets of word ``index`` of page ``number``."""
        page = self.page(number)
        start, end = self.boxes(number)[index][:2]
        return page.start + start, page.start + end

    def word_at(self, number: int, x: float, y: float, slop: float = 2.0) -> int | None:
        """The word whose box (grown by ``slop`` points) holds the point, or None."""
        best, best_distance = None, slop
        for i, (_, _, x0, y0, x1, y1) in enumerate(self.boxes(number)):
            distance = max(x0 - x, 0.0, x - x1) + max(y0 - y, 0.0, y - y1)
            if distance <= best_distance:
                best, best_distance = i, distance
                if distance == 0:
                    break
        return best

    def nearest_word(self, number: int, x: float, y: float) -> int | None:
        """The word nearest the point, preferring words on the point's line (for the end of a drag)."""
        best, best_score = None, float("inf")
        for i, (_, _, x0, y0, x1, y1) in enumerate(self.boxes(number)):
            score = 4 * max(y0 - y, 0.0, y - y1) + max(x0 - x, 0.0, x - x1)
            if score < best_score:
                best, best_score = i, score
        return best

    def words_in(self, number: int, area: QRectF) -> list[int]:
        """Words of page ``number`` whose centres lie in ``area`` (points)."""
        return [i for i, (_, _, x0, y0, x1, y1) in enumerate(self.boxes(number))
                if area.contains(QPointF((x0 + x1) / 2, (y0 + y1) / 2))]


def pdf_error_reason(error: QPdfDocument.Error) -> str:
    """Why QtPdf could not open a file, as the source view says it."""
    return {
        QPdfDocument.Error.FileNotFound: "the stored file is missing from the archive",
        QPdfDocument.Error.InvalidFileFormat: "damaged",
        QPdfDocument.Error.IncorrectPassword: "password-protected",
        QPdfDocument.Error.UnsupportedSecurityScheme: "encrypted in a way that is not supported",
    }.get(error, "the PDF viewer could not open it")


class PdfPageView(QAbstractScrollArea):
    """Continuous, lazily rendered pages of one PDF, with the passage, search hits and selection drawn over them.

    Pages are numbered from 1 in this API, as in the archive.  ``selectionMade(start, end)``
    (document text offsets) when the user finishes selecting words; ``selectionCleared()``
    when a click clears the selection.
    """

    currentPageChanged = Signal(int)
    zoomChanged = Signal(float)
    selectionMade = Signal(int, int)
    selectionCleared = Signal()
    copyRequested = Signal()  # Ctrl+C with words selected: the owner knows the document text

    GAP = 14  # pixels around and between pages
    CACHE_PAGES = 8  # renderings kept: the visible pages and a few just left

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourcePages")
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.viewport().setAutoFillBackground(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # fit-width never oscillates
        self.verticalScrollBar().setSingleStep(40)
        self.horizontalScrollBar().setSingleStep(40)
        for bar in (self.verticalScrollBar(), self.horizontalScrollBar()):
            bar.actionTriggered.connect(self._on_user_scroll)
        self._pdf: QPdfDocument | None = None
        self._words = PageWords([])
        self._sizes: list[QSizeF] = []  # points
        self._tops: list[float] = []  # pixels, content coordinates
        self._content = QSizeF(0, 0)
        self._zoom = 1.0
        self._fit_width = True
        self._cache: OrderedDict[tuple[int, int, int], QImage] = OrderedDict()
        self.renders = 0  # pages rendered so far (tests check that rendering is lazy)
        self._current = 0
        # What to keep in view when the size changes: (page index, rect in points or None), until the user scrolls.
        self._reveal: tuple[int, QRectF | None] | None = None
        self._passage: dict[int, list[Rect]] = {}
        self._hits: list[tuple[int, int]] = []
        self._hits_by_page: dict[int, list[int]] = {}
        self._hit_rects: dict[int, list[tuple[int, list[float]]]] = {}
        self._current_hit = -1
        self._selection: tuple[int, int] | None = None
        self._selection_rects: dict[int, list[Rect]] = {}
        self._drag: str | None = None  # "words" | "band" while the left button is down
        self._anchor: tuple[int, int] | None = None  # (page number, word index) where a word drag began
        self._band: tuple[int, QPointF, QPointF] | None = None  # (page number, from, to) in points
        self._press = QPointF()
        self._moved = False

    # --- document ----------------------------------------------------------------

    def set_document(self, pdf: QPdfDocument | None, words: PageWords | None = None) -> None:
        """Show ``pdf`` (already loaded) from its first page; None shows nothing."""
        self._pdf = pdf
        self._words = words or PageWords([])
        self._sizes = [pdf.pagePointSize(i) for i in range(pdf.pageCount())] if pdf is not None else []
        self._cache.clear()
        self._passage, self._selection, self._selection_rects = {}, None, {}
        self._hits, self._hits_by_page, self._hit_rects, self._current_hit = [], {}, {}, -1
        self._drag, self._band, self._reveal = None, None, None
        self._current = 0
        self._relayout(keep=False)
        if self._fit_width:
            self._apply_fit_width()
        self.verticalScrollBar().setValue(0)
        self.horizontalScrollBar().setValue(0)
        self._update_current()
        self.viewport().update()

    def set_words(self, words: PageWords) -> None:
        """New word boxes for the same file (the document was extracted again)."""
        self._words = words
        self._hit_rects.clear()
        self.viewport().update()

    @property
    def words(self) -> PageWords:
        return self._words

    @property
    def page_count(self) -> int:
        return len(self._sizes)

    @property
    def current_page(self) -> int:
        """The page the user was sent to, or else the page filling most of the view (1-based; 0 if none)."""
        return self._current + 1 if self._sizes else 0

    # --- geometry ------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        """1.0 shows pages at their printed size."""
        return self._zoom

    @property
    def fits_width(self) -> bool:
        return self._fit_width

    @property
    def scale(self) -> float:
        """Pixels per point."""
        return self._zoom * POINT

    def _page_pixels(self, index: int) -> QSizeF:
        size = self._sizes[index]
        return QSizeF(round(size.width() * self.scale), round(size.height() * self.scale))

    def _relayout(self, keep: bool = True) -> None:
        """Recompute where every page goes; with ``keep``, keep the same place of the document in view."""
        place = self._place() if keep else None
        top, width = float(self.GAP), 0.0
        self._tops = []
        for i in range(len(self._sizes)):
            size = self._page_pixels(i)
            self._tops.append(top)
            top += size.height() + self.GAP
            width = max(width, size.width())
        self._content = QSizeF(width + 2 * self.GAP, top if self._sizes else 0)
        self._update_scroll_ranges()
        if place is not None:
            self._restore(place)

    def _update_scroll_ranges(self) -> None:
        view = self.viewport().size()
        vertical, horizontal = self.verticalScrollBar(), self.horizontalScrollBar()
        vertical.setRange(0, max(0, int(self._content.height()) - view.height()))
        vertical.setPageStep(view.height())
        horizontal.setRange(0, max(0, int(self._content.width()) - view.width()))
        horizontal.setPageStep(view.width())

    def page_rect(self, index: int) -> QRectF:
        """Page ``index`` (0-based) in content pixels."""
        size = self._page_pixels(index)
        room = max(self._content.width(), self.viewport().width())
        return QRectF(QPointF(round((room - size.width()) / 2), self._tops[index]), size)

    def _offset(self) -> QPointF:
        return QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())

    def page_rect_in_view(self, number: int) -> QRectF:
        """Page ``number`` (1-based) in viewport pixels."""
        return self.page_rect(number - 1).translated(-self._offset())

    def map_to_view(self, number: int, x: float, y: float) -> QPointF:
        """A point of page ``number`` (points from its top-left) in viewport pixels."""
        page = self.page_rect_in_view(number)
        return QPointF(page.left() + x * self.scale, page.top() + y * self.scale)

    def rect_to_view(self, rect: Rect) -> QRectF:
        """A ``[page, x0, y0, x1, y1]`` rectangle in viewport pixels."""
        number, x0, y0, x1, y1 = rect[:5]
        return QRectF(self.map_to_view(int(number), x0, y0), self.map_to_view(int(number), x1, y1))

    def page_at(self, point: QPointF, *, nearest: bool = False) -> tuple[int, QPointF] | None:
        """The page under a viewport point and the point in that page's points (or the nearest page)."""
        if not self._sizes:
            return None
        y = point.y() + self._offset().y()
        index = max(0, min(len(self._tops) - 1, bisect_right(self._tops, y) - 1))
        page = self.page_rect(index).translated(-self._offset())
        if not nearest and not page.contains(point):
            return None
        x = min(max(point.x(), page.left()), page.right())
        y = min(max(point.y(), page.top()), page.bottom())
        return index + 1, QPointF((x - page.left()) / self.scale, (y - page.top()) / self.scale)

    def _place(self) -> tuple[int, float, float] | None:
        """Where the view's top-left is: page index, and fractions of that page's height and the content width."""
        if not self._tops:
            return None
        offset = self._offset()
        index = max(0, bisect_right(self._tops, offset.y()) - 1)
        rect = self.page_rect(index)
        across = offset.x() / self._content.width() if self._content.width() else 0.0
        return index, (offset.y() - rect.top()) / max(rect.height(), 1.0), across

    def _restore(self, place: tuple[int, float, float]) -> None:
        index, down, across = place
        if index >= len(self._tops):
            return
        rect = self.page_rect(index)
        self.verticalScrollBar().setValue(round(rect.top() + down * rect.height()))
        self.horizontalScrollBar().setValue(round(across * self._content.width()))

    # --- zoom ------------------------------------------------------------------------

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Zoom to ``zoom`` (1.0 = printed size), keeping the point under ``anchor`` (default: the centre) still."""
        self._fit_width = False
        self._zoom_to(zoom, anchor)

    def _zoom_to(self, zoom: float, anchor: QPointF | None = None) -> None:
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        if abs(zoom - self._zoom) < 1e-4 or not self._sizes:
            self._zoom = zoom
            self.zoomChanged.emit(self._zoom)
            return
        anchor = anchor if anchor is not None else QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        held = self.page_at(anchor, nearest=True)
        self._zoom = zoom
        self._relayout(keep=False)
        if held is not None:
            number, point = held
            if self._reveal is not None and self._reveal[1] is not None:
                self._reveal_now()  # keep the passage in view rather than the point
            else:
                now = self.map_to_view(number, point.x(), point.y())
                self.horizontalScrollBar().setValue(round(self.horizontalScrollBar().value() + now.x() - anchor.x()))
                self.verticalScrollBar().setValue(round(self.verticalScrollBar().value() + now.y() - anchor.y()))
        self._cache_trim()
        self._update_current()
        self.viewport().update()
        self.zoomChanged.emit(self._zoom)

    def zoom_in(self) -> None:
        self.set_zoom(next((z for z in ZOOM_STEPS if z > self._zoom * 1.01), MAX_ZOOM))

    def zoom_out(self) -> None:
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < self._zoom * 0.99), MIN_ZOOM))

    def fit_width(self) -> None:
        self._fit_width = True
        self._apply_fit_width()

    def _apply_fit_width(self) -> None:
        if not self._sizes:
            return
        widest = max(size.width() for size in self._sizes)
        room = self.viewport().width() - 2 * self.GAP
        self._zoom_to(max(room, 50) / (widest * POINT))

    # --- moving around -------------------------------------------------------------

    def go_to_page(self, number: int) -> None:
        """Show page ``number`` (1-based, clamped) from its top."""
        if not self._sizes:
            return
        self._reveal = (min(max(number, 1), len(self._sizes)) - 1, None)
        self._reveal_now()

    def reveal(self, rects: Sequence[Rect], *, page: int | None = None, only_if_hidden: bool = False) -> None:
        """Scroll the rectangles on ``page`` (default: the first rectangle's page) into view, a third down."""
        if not self._sizes:
            return
        number = page if page is not None else (int(rects[0][0]) if rects else 1)
        index = min(max(number, 1), len(self._sizes)) - 1
        box = QRectF()
        for rect in rects:
            if int(rect[0]) == index + 1:
                box = box.united(QRectF(QPointF(rect[1], rect[2]), QPointF(rect[3], rect[4])))
        self._reveal = (index, box if not box.isNull() else None)
        if only_if_hidden and not box.isNull():
            shown = self.rect_to_view([index + 1, box.left(), box.top(), box.right(), box.bottom()])
            if self.viewport().rect().contains(shown.toAlignedRect()):
                self._update_current()
                return
        self._reveal_now()

    def _reveal_now(self) -> None:
        if self._reveal is None or not self._sizes:
            return
        index, box = self._reveal
        page = self.page_rect(index)
        view = self.viewport().size()
        vertical, horizontal = self.verticalScrollBar(), self.horizontalScrollBar()
        if box is None:
            vertical.setValue(round(page.top() - self.GAP))
        else:
            top = page.top() + box.top() * self.scale
            height = box.height() * self.scale
            lead = min(view.height() / 4, max(self.GAP, (view.height() - height) / 2))
            vertical.setValue(round(top - lead))
            left = page.left() + box.left() * self.scale
            width = box.width() * self.scale
            if left < horizontal.value() or left + width > horizontal.value() + view.width():
                horizontal.setValue(round(left - max(self.GAP, (view.width() - width) / 2)))
        self._update_current()

    def _on_user_scroll(self, action: int) -> None:
        if action != QAbstractSlider.SliderAction.SliderNoAction.value:
            self._reveal = None

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self._update_current()
        self.viewport().update()

    def _update_current(self) -> None:
        if not self._sizes:
            current = 0
        elif self._reveal is not None:
            current = self._reveal[0]
        else:
            offset, height = self._offset().y(), self.viewport().height()
            current, shown = self._current, -1.0
            first = max(0, bisect_right(self._tops, offset) - 1)
            for index in range(first, len(self._tops)):
                rect = self.page_rect(index)
                if rect.top() > offset + height:
                    break
                visible = min(rect.bottom(), offset + height) - max(rect.top(), offset)
                if visible > shown + 0.5:
                    current, shown = index, visible
        if current != self._current:
            self._current = current
            self.currentPageChanged.emit(current + 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit_width:
            reveal = self._reveal
            self._apply_fit_width()
            self._reveal = reveal
        self._relayout(keep=self._reveal is None)
        self._reveal_now()
        self._update_current()

    # --- overlays --------------------------------------------------------------------

    def set_passage(self, rects: Iterable[Rect]) -> None:
        self._passage = _by_page(rects)
        self.viewport().update()

    @property
    def passage_rects(self) -> list[Rect]:
        return [r for rects in self._passage.values() for r in rects]

    def set_hits(self, hits: list[tuple[int, int]], current: int = -1) -> None:
        """Search hits (document offsets); ``current`` indexes the one to emphasise."""
        self._hits = hits
        self._hits_by_page = {}
        for i, (start, end) in enumerate(hits):
            first, last = self._words.page_of(start) or 1, self._words.page_of(max(start, end - 1)) or 1
            for number in {first, last}:  # a hit may run over a page break
                self._hits_by_page.setdefault(number, []).append(i)
        self._hit_rects = {}
        self._current_hit = current
        self.viewport().update()

    def set_current_hit(self, current: int) -> None:
        self._current_hit = current
        self.viewport().update()

    def hit_rects(self, number: int) -> list[tuple[int, list[float]]]:
        """(hit index, rectangle) of every search hit on page ``number``, computed once per page."""
        rects = self._hit_rects.get(number)
        if rects is None:
            rects = []
            for i in self._hits_by_page.get(number, []):
                rects += [(i, r) for r in self._words.rects_on_page(number, [self._hits[i]])]
            self._hit_rects[number] = rects
        return rects

    def selection(self) -> tuple[int, int] | None:
        return self._selection

    def set_selection(self, span: tuple[int, int] | None) -> None:
        """Select document text ``start:end`` (None clears); does not emit."""
        if span is not None and span[1] <= span[0]:
            span = None
        self._selection = span
        self._selection_rects = _by_page(self._words.rects(*span)) if span else {}
        self.viewport().update()

    # --- rendering and painting ---------------------------------------------------------

    def _image(self, index: int, size: QSizeF) -> QImage:
        ratio = self.devicePixelRatioF()
        pixels = QSize(round(size.width() * ratio), round(size.height() * ratio))
        key = (index, pixels.width(), pixels.height())
        image = self._cache.get(key)
        if image is not None:
            self._cache.move_to_end(key)
            return image
        options = QPdfDocumentRenderOptions()
        options.setRenderFlags(QPdfDocumentRenderOptions.RenderFlag.Annotations)
        image = self._pdf.render(index, pixels, options) if self._pdf is not None else QImage()
        image.setDevicePixelRatio(ratio)
        self.renders += 1
        self._cache[key] = image
        self._cache_trim()
        return image

    def _cache_trim(self) -> None:
        while len(self._cache) > self.CACHE_PAGES:
            self._cache.popitem(last=False)

    def visible_pages(self) -> list[int]:
        """Numbers (1-based) of the pages at least partly in view."""
        if not self._sizes:
            return []
        offset, height = self._offset().y(), self.viewport().height()
        first = max(0, bisect_right(self._tops, offset) - 1)
        pages = []
        for index in range(first, len(self._tops)):
            rect = self.page_rect(index)
            if rect.top() >= offset + height:
                break
            if rect.bottom() > offset:
                pages.append(index + 1)
        return pages

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), BACKDROP)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        exposed = QRectF(event.rect())
        for number in self.visible_pages():
            page = self.page_rect_in_view(number)
            if not page.intersects(exposed.adjusted(-8, -8, 8, 8)):
                continue
            _draw_paper(painter, page)
            painter.drawImage(page.topLeft(), self._image(number - 1, page.size()))
            self._paint_overlays(painter, number, page)
        painter.end()

    def _paint_overlays(self, painter: QPainter, number: int, page: QRectF) -> None:
        passage = self._passage.get(number, [])
        hits = self.hit_rects(number) if self._hits_by_page.get(number) else []
        selection = self._selection_rects.get(number, [])
        band = self._band if self._band is not None and self._band[0] == number else None
        if not (passage or hits or selection or band):
            return
        painter.save()
        painter.setClipRect(page)
        painter.translate(page.topLeft())
        painter.scale(self.scale, self.scale)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        outline = _outline(passage, 1.2, 1.6) if passage else None
        others = [(_outline([rect], 0.8, 1.0), HIT_FILL) for i, rect in hits if i != self._current_hit]
        current = [r for i, r in hits if i == self._current_hit]
        current_path = _outline(current, 1.0, 1.2) if current else None
        if current_path is not None:
            others.append((current_path, CURRENT_HIT_FILL))
        if selection:
            others.append((_outline(selection, 0.6, 0.8), SELECTION_FILL))
        if outline is not None:
            covered = QPainterPath()
            for path, _colour in others:
                covered.addPath(path)
            # Hits and the selection show in their own colours, not mixed with the passage's.
            painter.fillPath(outline.subtracted(covered) if others else outline, PASSAGE_FILL)
        for path, colour in others:
            painter.fillPath(path, colour)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        if outline is not None:
            painter.strokePath(outline, _pen(PASSAGE_LINE, 1.25))
            left = min(r[1] for r in passage)
            top, bottom = min(r[2] for r in passage), max(r[4] for r in passage)
            bar = QRectF(max(2.0, left - 9.0), top - 1.6, 3.0, bottom - top + 3.2)
            painter.fillRect(bar, PASSAGE_LINE)  # a bar in the margin: the passage is easy to spot
        if current_path is not None:
            painter.strokePath(current_path, _pen(CURRENT_HIT_LINE, 1.5))
        if band is not None:
            area = QRectF(band[1], band[2]).normalized()
            fill = QColor(BAND_LINE)
            fill.setAlpha(24)
            painter.fillRect(area, fill)
            pen = _pen(BAND_LINE, 1.0)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(area)
        painter.restore()

    # --- selecting ------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self._sizes:
            super().mousePressEvent(event)
            return
        self._reveal = None
        self._press, self._moved = event.position(), False
        hit = self.page_at(event.position())
        if hit is None:
            self._drag = None
            self._clear_selection()
            return
        number, point = hit
        word = self._words.word_at(number, point.x(), point.y())
        if word is not None:
            self._drag, self._anchor = "words", (number, word)
        else:
            self._drag, self._band = "band", (number, point, point)
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        if self._drag is None:
            hit = self.page_at(position)
            over_word = hit is not None and self._words.word_at(hit[0], hit[1].x(), hit[1].y()) is not None
            self.viewport().setCursor(Qt.CursorShape.IBeamCursor if over_word else Qt.CursorShape.ArrowCursor)
            return
        if not self._moved and (position - self._press).manhattanLength() < 4:
            return
        self._moved = True
        self._autoscroll(position)
        if self._drag == "words":
            hit = self.page_at(position, nearest=True)
            if hit is None or self._anchor is None:
                return
            number, point = hit
            word = self._words.nearest_word(number, point.x(), point.y())
            if word is None:
                return
            first, last = self._words.word_span(*self._anchor), self._words.word_span(number, word)
            self.set_selection((min(first[0], last[0]), max(first[1], last[1])))
        elif self._band is not None:
            number, start, _ = self._band
            page = self.page_rect_in_view(number)
            x = (min(max(position.x(), page.left()), page.right()) - page.left()) / self.scale
            y = (min(max(position.y(), page.top()), page.bottom()) - page.top()) / self.scale
            self._band = (number, start, QPointF(x, y))
            words = self._words.words_in(number, QRectF(start, QPointF(x, y)).normalized())
            spans = [self._words.word_span(number, i) for i in words]
            self.set_selection((min(s for s, _ in spans), max(e for _, e in spans)) if spans else None)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._drag is None:
            super().mouseReleaseEvent(event)
            return
        self._drag, self._band, self._anchor = None, None, None
        self.viewport().unsetCursor()
        if not self._moved or self._selection is None:
            self._clear_selection()
        else:
            self.selectionMade.emit(*self._selection)
        self.viewport().update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self.page_at(event.position())
        word = self._words.word_at(hit[0], hit[1].x(), hit[1].y()) if hit is not None else None
        if event.button() != Qt.MouseButton.LeftButton or word is None:
            super().mouseDoubleClickEvent(event)
            return
        self._drag = None
        self.set_selection(self._words.word_span(hit[0], word))
        self.selectionMade.emit(*self._selection)

    def _clear_selection(self) -> None:
        had = self._selection is not None
        self.set_selection(None)
        if had:
            self.selectionCleared.emit()

    def _autoscroll(self, position: QPointF) -> None:
        height = self.viewport().height()
        bar = self.verticalScrollBar()
        if position.y() < 0:
            bar.setValue(bar.value() + round(position.y()))
        elif position.y() > height:
            bar.setValue(bar.value() + round(position.y() - height))

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._reveal = None
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.set_zoom(self._zoom * (1.1 ** steps), event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy) and self._selection is not None:
            self.copyRequested.emit()
            return
        self._reveal = None
        super().keyPressEvent(event)


def _by_page(rects: Iterable[Rect]) -> dict[int, list[Rect]]:
    pages: dict[int, list[Rect]] = {}
    for rect in rects:
        if len(rect) >= 5:
            pages.setdefault(int(rect[0]), []).append(rect)
    return pages


def _outline(rects: Iterable[Rect], dx: float, dy: float) -> QPainterPath:
    """One outline around rectangles (points), each grown a little; lines that follow each other are joined."""
    grown = [[x0 - dx, y0 - dy, x1 + dx, y1 + dy] for _number, x0, y0, x1, y1 in (r[:5] for r in rects)]
    for above, below in zip(grown, grown[1:]):
        gap = below[1] - above[3]
        tall = min(above[3] - above[1], below[3] - below[1])
        if -tall / 2 < gap < 0.9 * tall and min(above[2], below[2]) > max(above[0], below[0]):
            middle = (above[3] + below[1]) / 2
            above[3], below[1] = max(above[3], middle + 0.3), min(below[1], middle - 0.3)
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    for x0, y0, x1, y1 in grown:
        path.addRoundedRect(QRectF(QPointF(x0, y0), QPointF(x1, y1)), 1.2, 1.2)
    return path.simplified()


def _pen(color: QColor, width: float) -> QPen:
    pen = QPen(color, width)
    pen.setCosmetic(True)  # in pixels, whatever the zoom
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _draw_paper(painter: QPainter, page: QRectF) -> None:
    """White paper with a soft shadow."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    for grow, alpha in ((4, 10), (3, 14), (2, 20), (1, 34)):
        painter.setBrush(QColor(15, 23, 42, alpha))
        painter.drawRoundedRect(page.adjusted(-grow, -grow + 1, grow, grow + 1), grow, grow)
    painter.fillRect(page, Qt.GlobalColor.white)
    painter.restore()

