"""The search panel: a search box always at hand, facet chips, and hits grouped by document.

Typing searches as you type (after a short pause); every query runs on the
:class:`~desktop.tasks.TaskRunner`, never on the UI thread, and a newer query
supersedes one that has not run yet.  Before the first search the index is
checked, and built when it is missing or unusable, with its progress shown in
the panel.

Hits come from :func:`archive.search.query.search`: each is drawn under its
document (an article, with its claims and notes, or a source document) with a
type badge, its page, and its snippet, the matched words highlighted and long
snippets cut to three lines.  ``hitActivated`` hands the chosen
:class:`~archive.search.query.Hit` to the window, which opens it at its place.

Keys: Down from the box goes into the results (Up from the first hit comes
back), Enter or a double click opens a hit, Esc in the results goes back to the
box and Esc in the box clears it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, QPointF,
                            QRect, QRectF, QSize, Qt, QTimer, Signal)
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QIcon, QKeyEvent, QPainter, QPainterPath, QPen, QPixmap,
                           QTextCharFormat, QTextLayout, QTextOption)
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QButtonGroup, QHBoxLayout, QLabel, QLayout,
                               QLayoutItem, QLineEdit, QListView, QProgressBar, QPushButton, QStackedWidget, QStyle,
                               QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout, QWidget)

from archive.errors import Cancelled
from desktop import theme
from desktop.formatting import plural
from desktop.tasks import Task, TaskRunner
from desktop.utf16 import utf16_length, utf16_slice

LIMIT = 50  # hits fetched per query
DEBOUNCE_MS = 200
BUSY_DELAY_MS = 250  # say "Searching…" only when a search takes longer than this
SNIPPET_LINES = 3

BUILD_LABEL = "Building the search index…"


@dataclass(frozen=True)
class TypeStyle:
    """How a hit type is labelled and tinted (GitHub Primer label colours: dark ink on a light tint)."""

    label: str  # the badge word
    plural: str  # the facet chip word
    tint: QColor
    ink: QColor


TYPES: dict[str, TypeStyle] = {
    "article": TypeStyle("Article", "Articles", QColor("#ddf4ff"), QColor("#0550ae")),
    "claim": TypeStyle("Claim", "Claims", QColor("#f3e8ff"), QColor("#6639ba")),
    "source": TypeStyle("Source", "Sources", QColor("#dafbe1"), QColor("#116329")),
    "note": TypeStyle("Note", "Notes", QColor("#fff8c5"), QColor("#7d4e00")),
}
MARK_BACKGROUND = QColor("#fff0a8")
MARK_INK = QColor("#1f2328")
GROUP_BACKGROUND = QColor("#f6f7f9")

TIPS = [
    ('"de facto licensing"', "these words, in this order"),
    ("regul*", "words that start with regul"),
    ("Zuckerburg~", "close spellings too"),
    ("type:claim", "only claims (or article, source, note)"),
    ("status:partial", "claims by status: verified, partial, not_found"),
    ("date:2026-05", "by date; also date:>2026-04"),
]


def type_style(kind: str) -> TypeStyle:
    return TYPES.get(kind, TypeStyle(kind.capitalize(), kind.capitalize() + "s", QColor("#eaeef2"), theme.MUTED))


def parse_snippet(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """A hit's HTML snippet as plain text and its marked spans (start, length) in UTF-16 units, as Qt counts."""
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    position, inside = 0, False
    for piece in re.split(r"(</?mark>)", snippet or ""):
        if piece in ("<mark>", "</mark>"):
            inside = piece == "<mark>"
            continue
        text = html.unescape(piece)
        if not text:
            continue
        if inside:
            marks.append((position, utf16_length(text)))
        parts.append(text)
        position += utf16_length(text)
    return "".join(parts), marks


# --- the model ---------------------------------------------------------------------

HitRole = Qt.ItemDataRole.UserRole + 1
KindRole = Qt.ItemDataRole.UserRole + 2  # "group" or "hit"
RowRole = Qt.ItemDataRole.UserRole + 3  # the _Row itself, for the delegate

_Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Row:
    kind: str  # "group" | "hit"
    title: str
    doc_type: str  # the group's kind: "article" or "source"
    hit: Any = None  # the Hit of a hit row
    count: int = 0  # hits in the group (group rows)
    first: bool = False  # the first group (no gap above it)
    plain: str = ""  # the snippet as plain text (hit rows)
    marks: list[tuple[int, int]] = field(default_factory=list)


class SearchResultsModel(QAbstractListModel):
    """The hits of one :class:`~archive.search.query.SearchResult`, flattened: a header row per document, then its hits.

    Header rows can be neither selected nor activated; hit rows carry their Hit in :data:`HitRole`.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._groups: list[tuple[str, list[Any]]] = []

    def set_result(self, result: Any | None) -> None:
        self.beginResetModel()
        self._rows = []
        self._groups = result.grouped() if result is not None else []
        for number, (_document, hits) in enumerate(self._groups):
            kinds = {hit.type for hit in hits}
            doc_type = "source" if kinds <= {"source"} else "article"
            self._rows.append(_Row("group", hits[0].title or "(untitled)", doc_type, count=len(hits),
                                   first=number == 0))
            for hit in hits:
                plain, marks = parse_snippet(hit.snippet)
                self._rows.append(_Row("hit", hit.title, doc_type, hit=hit, plain=plain, marks=marks))
        self.endResetModel()

    def groups(self) -> list[tuple[str, list[Any]]]:
        """(document id, hits) in the order shown."""
        return list(self._groups)

    def hit(self, row: int) -> Any | None:
        return self._rows[row].hit if 0 <= row < len(self._rows) else None

    def is_hit(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].kind == "hit"

    def hit_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.kind == "hit"]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].kind == "group":
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RowRole:
            return row
        if role == KindRole:
            return row.kind
        if role == HitRole:
            return row.hit
        if row.kind == "group":
            if role == Qt.ItemDataRole.DisplayRole:
                return row.title
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"{type_style(row.doc_type).label}: {row.title} ({plural(row.count, 'hit')})"
            return None
        hit = row.hit
        if role == Qt.ItemDataRole.DisplayRole:
            return row.plain
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f", page {hit.page}" if hit.page is not None else ""
            return (f"<div style='max-width:420px'><b>{html.escape(type_style(hit.type).label)}</b>{where} · "
                    f"{html.escape(hit.title)}<p style='margin:4px 0 0 0'>{hit.snippet}</p>"
                    f"<p style='margin:4px 0 0 0; color:#57606a'>Enter or double-click to open</p></div>")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            where = f", page {hit.page}" if hit.page is not None else ""
            return f"{type_style(hit.type).label} in {hit.title}{where}: {row.plain}"
        return None


# --- drawing -------------------------------------------------------------------------


@dataclass
class SnippetLayout:
    layout: QTextLayout
    lines: int
    marks: list[tuple[int, int]]


def layout_snippet(text: str, marks: list[tuple[int, int]], font: QFont, mark_font: QFont, width: float,
                   max_lines: int) -> SnippetLayout:
    """``text`` wrapped to ``width`` in at most ``max_lines`` lines, the last one ending in … when cut.

    Marked words are set in ``mark_font``; their backgrounds are drawn by :func:`draw_snippet`.
    """
    units = utf16_length(text)
    ellipsis = QFontMetricsF(font).horizontalAdvance("\u2026") + 2

    def make(value: str, spans: list[tuple[int, int]], line_width: float, limit: int | None) -> tuple[QTextLayout, int]:
        layout = QTextLayout(value, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        mark = QTextCharFormat()
        mark.setFont(mark_font)
        mark.setForeground(MARK_INK)
        ranges = []
        for start, length in spans:
            fmt = QTextLayout.FormatRange()
            fmt.start, fmt.length, fmt.format = start, length, mark
            ranges.append(fmt)
        layout.setFormats(ranges)
        layout.beginLayout()
        y, count = 0.0, 0
        while limit is None or count < limit:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(line_width)
            line.setPosition(QPointF(0, y))
            y += line.height()
            count += 1
        layout.endLayout()
        return layout, count

    full, count = make(text, marks, width, None)
    if count <= max_lines:
        return SnippetLayout(full, count, marks)
    cut = full.lineAt(max_lines - 1).textStart()  # where the last shown line starts
    tail = utf16_slice(text, cut, units)
    tail_marks = [(s - cut, n) for s, n in marks if s >= cut]
    measure, _ = make(tail, tail_marks, max(width - ellipsis, 10), 1)
    keep = measure.lineAt(0).textLength()
    shown = (utf16_slice(text, 0, cut) + utf16_slice(tail, 0, keep)).rstrip(" ,;:") + "\u2026"
    end = utf16_length(shown) - 1
    if marks and marks[0][0] + marks[0][1] > end and marks[0][0] > 0:
        # The first matched word would be cut off (a narrow pane): start the excerpt nearer to it.
        before = utf16_slice(text, 0, marks[0][0])
        space = before.rfind(" ", 0, max(0, len(before) - 30))
        if space > 0:
            dropped = utf16_length(before[:space + 1]) - 1  # the ellipsis takes one unit
            rest = "\u2026" + utf16_slice(text, dropped + 1, units).lstrip("\u2026")
            shift = utf16_length(text) - utf16_length(rest)
            return layout_snippet(rest, [(s - shift, n) for s, n in marks if s - shift > 0], font, mark_font,
                                  width, max_lines)
    clipped = [(s, min(n, end - s)) for s, n in marks if s < end]
    layout, count = make(shown, clipped, width, max_lines)
    return SnippetLayout(layout, count, clipped)


def draw_snippet(painter: QPainter, snippet: SnippetLayout, left: float, top: float) -> None:
    """The marked words' soft backgrounds, then the text over them."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(MARK_BACKGROUND)
    for number in range(snippet.lines):
        line = snippet.layout.lineAt(number)
        line_start, line_end = line.textStart(), line.textStart() + line.textLength()
        for start, length in snippet.marks:
            s, e = max(start, line_start), min(start + length, line_end)
            if s >= e:
                continue
            x1, x2 = line.cursorToX(s)[0], line.cursorToX(e)[0]
            rect = QRectF(left + x1 - 2, top + line.y() + 1, x2 - x1 + 4, line.height() - 1)
            painter.drawRoundedRect(rect, 3, 3)
    painter.restore()
    snippet.layout.draw(painter, QPointF(left, top))


def draw_pill(painter: QPainter, rect: QRectF, text: str, font: QFont, background: QColor, ink: QColor) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.fillPath(path, background)
    painter.setPen(ink)
    painter.setFont(font)
    painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)


def draw_type_icon(painter: QPainter, rect: QRectF, kind: str) -> None:
    """A small tinted tile: lines of text for an article, a page with a folded corner for a source."""
    style = type_style(kind)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(rect, 5, 5)
    painter.fillPath(path, style.tint)
    pen = QPen(style.ink, 1.4)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    cx, cy = rect.center().x(), rect.center().y()
    if kind == "source":
        w, h, fold = 10.0, 13.0, 3.5
        x, y = cx - w / 2, cy - h / 2
        page = QPainterPath()
        page.moveTo(x, y)
        page.lineTo(x + w - fold, y)
        page.lineTo(x + w, y + fold)
        page.lineTo(x + w, y + h)
        page.lineTo(x, y + h)
        page.closeSubpath()
        painter.drawPath(page)
        painter.drawLine(QPointF(x + w - fold, y), QPointF(x + w - fold, y + fold))
        painter.drawLine(QPointF(x + w - fold, y + fold), QPointF(x + w, y + fold))
        for i, length in enumerate((6.0, 6.0, 4.0)):
            yy = y + 5.5 + i * 2.6
            painter.drawLine(QPointF(x + 2, yy), QPointF(x + 2 + length, yy))
    else:
        for i, length in enumerate((12.0, 12.0, 12.0, 7.0)):
            yy = cy - 4.5 + i * 3
            painter.drawLine(QPointF(cx - 6, yy), QPointF(cx - 6 + length, yy))
    painter.restore()


class SearchResultDelegate(QStyledItemDelegate):
    """Draws document headers (icon, title, hit count) and hits (type badge, page, snippet)."""

    PAD_X, GAP_ABOVE_GROUP = 14, 8
    ICON, ICON_GAP = 24, 10
    BADGE_W, BADGE_H, BADGE_GAP = 58, 18, 10
    HIT_PAD_Y = 8
    TITLE_LINES = 2

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self.title_font = theme.ui_font(10, bold=True)
        self.count_font = theme.ui_font(8, bold=True)
        self.badge_font = theme.ui_font(7, bold=True)
        self.badge_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
        self.meta_font = theme.ui_font(8.5)
        self.text_font = theme.ui_font(9.5)
        self.mark_font = theme.ui_font(9.5, bold=True)
        self._cache: dict[tuple[int, int], SnippetLayout] = {}  # (id of the row, 0 title | 1 snippet): its layout at _cache_width
        self._cache_width = -1
        model = view.model()
        if model is not None:
            model.modelAboutToBeReset.connect(self._cache.clear)
            model.modelReset.connect(self._cache.clear)

    def clear_cache(self) -> None:
        self._cache.clear()

    def _row_width(self) -> int:
        """The view's width less a scroll bar, shown or not, so rows keep their height when one appears."""
        view = self._view
        return view.width() - 2 * view.frameWidth() - view.verticalScrollBar().sizeHint().width()

    def _content_left(self) -> float:
        return self.PAD_X + self.ICON + self.ICON_GAP

    def _title_width(self) -> float:
        return max(self._row_width() - self._content_left() - self.PAD_X - 40, 40)

    def _snippet_width(self) -> float:
        return max(self._row_width() - self._content_left() - self.BADGE_W - self.BADGE_GAP - self.PAD_X, 40)

    def _cached(self, key: tuple[int, int]) -> SnippetLayout | None:
        width = self._row_width()
        if width != self._cache_width:  # resized: every row wraps anew
            self._cache.clear()
            self._cache_width = width
        return self._cache.get(key)

    def _title_layout(self, row: _Row) -> SnippetLayout:
        key = (id(row), 0)
        if self._cached(key) is None:
            self._cache[key] = layout_snippet(row.title, [], self.title_font, self.title_font, self._title_width(),
                                              self.TITLE_LINES)
        return self._cache[key]

    def _snippet_layout(self, row: _Row) -> SnippetLayout:
        key = (id(row), 1)
        if self._cached(key) is None:
            self._cache[key] = layout_snippet(row.plain, row.marks, self.text_font, self.mark_font,
                                              self._snippet_width(), SNIPPET_LINES)
        return self._cache[key]

    def _snippet_height(self, snippet: SnippetLayout) -> float:
        if snippet.lines == 0:
            return QFontMetricsF(self.text_font).lineSpacing()
        return snippet.layout.lineAt(snippet.lines - 1).rect().bottom()

    def _group_height(self, row: _Row) -> float:
        title = self._title_layout(row)
        text = title.layout.lineAt(title.lines - 1).rect().bottom() if title.lines else 16
        gap = 0 if row.first else self.GAP_ABOVE_GROUP
        return gap + 10 + max(text, self.ICON) + 6

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        row: _Row = index.data(RowRole)
        if row is None:
            return QSize(0, 0)
        if row.kind == "group":
            height = self._group_height(row)
        else:
            page = QFontMetricsF(self.meta_font).lineSpacing() + 2 if _where(row.hit) else 0
            height = 2 * self.HIT_PAD_Y + max(self._snippet_height(self._snippet_layout(row)), self.BADGE_H + page)
        return QSize(self._row_width(), int(height + 1))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        row: _Row = index.data(RowRole)
        if row is None:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if row.kind == "group":
            self._paint_group(painter, QRectF(option.rect), row)
        else:
            self._paint_hit(painter, option, QRectF(option.rect), row)
        painter.restore()

    def _paint_group(self, painter: QPainter, rect: QRectF, row: _Row) -> None:
        gap = 0 if row.first else self.GAP_ABOVE_GROUP
        band = QRectF(rect.left(), rect.top() + gap, rect.width(), rect.height() - gap)
        painter.fillRect(band, GROUP_BACKGROUND)
        painter.setPen(theme.BORDER)
        if not row.first:
            painter.drawLine(band.topLeft(), band.topRight())
        painter.drawLine(band.bottomLeft(), band.bottomRight())
        top = band.top() + 10
        draw_type_icon(painter, QRectF(rect.left() + self.PAD_X, top, self.ICON, self.ICON), row.doc_type)
        title = self._title_layout(row)
        title_h = title.layout.lineAt(title.lines - 1).rect().bottom() if title.lines else 0
        title_top = top + max(0.0, (self.ICON - title_h) / 2)
        painter.setPen(theme.TEXT)
        title.layout.draw(painter, QPointF(rect.left() + self._content_left(), title_top))
        count = str(row.count)
        width = QFontMetricsF(self.count_font).horizontalAdvance(count) + 14
        pill = QRectF(rect.right() - self.PAD_X - width, top + (self.ICON - 18) / 2, width, 18)
        draw_pill(painter, pill, count, self.count_font, QColor("#e6e9ee"), theme.MUTED)

    def _paint_hit(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRectF, row: _Row) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected:
            painter.fillRect(rect, theme.SELECTION)
            painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), theme.ACCENT)
        elif hovered:
            painter.fillRect(rect, theme.HOVER)
        painter.setPen(QColor("#eef1f4"))
        painter.drawLine(QPointF(rect.left() + self._content_left(), rect.bottom()),
                         QPointF(rect.right(), rect.bottom()))
        hit = row.hit
        style = type_style(hit.type)
        left = rect.left() + self._content_left()
        top = rect.top() + self.HIT_PAD_Y
        line = QFontMetricsF(self.text_font).lineSpacing()
        badge_top = top + (line - self.BADGE_H) / 2
        draw_pill(painter, QRectF(left, badge_top, self.BADGE_W, self.BADGE_H), style.label.upper(),
                  self.badge_font, style.tint, style.ink)
        where = _where(hit)
        if where:
            painter.setPen(theme.MUTED)
            painter.setFont(self.meta_font)
            painter.drawText(QRectF(left, badge_top + self.BADGE_H + 2, self.BADGE_W, 16),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), where)
        painter.setPen(theme.TEXT)
        draw_snippet(painter, self._snippet_layout(row), left + self.BADGE_W + self.BADGE_GAP, top)


def _where(hit: Any) -> str:
    """What a hit's badge says under it: its page, or that a source matched by its title or author."""
    if hit.page is not None:
        return f"p. {hit.page}"
    if hit.type == "source" and hit.start is None:
        return "title"
    return ""


class SearchResultsView(QListView):
    """The results list: arrow keys move between hits (never onto a header), Enter opens one."""

    hitChosen = Signal(QModelIndex)  # Enter, Return or a double click on a hit
    leaveTop = Signal()  # Up on the first hit, or Esc: back to the search box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.doubleClicked.connect(self._on_double_click)

    def _model(self) -> SearchResultsModel:
        model = self.model()
        assert isinstance(model, SearchResultsModel)
        return model

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        rows = self._model().hit_rows()
        if not rows:
            return QModelIndex()
        current = self.currentIndex().row() if self.currentIndex().isValid() else -1
        Action = QAbstractItemView.CursorAction
        if action in (Action.MoveDown, Action.MoveNext):
            target = next((r for r in rows if r > current), rows[-1])
        elif action in (Action.MoveUp, Action.MovePrevious):
            target = next((r for r in reversed(rows) if r < current), rows[0])
        elif action == Action.MoveHome:
            target = rows[0]
        elif action == Action.MoveEnd:
            target = rows[-1]
        else:  # page up / down: where Qt would go, then the nearest hit in that direction
            moved = super().moveCursor(action, modifiers).row()
            if action == Action.MovePageUp:
                target = next((r for r in reversed(rows) if r <= moved), rows[0])
            else:
                target = next((r for r in rows if r >= moved), rows[-1])
        return self._model().index(target)

    def currentChanged(self, current: QModelIndex, previous: QModelIndex) -> None:
        super().currentChanged(current, previous)
        if current.isValid() and current.row() > 0 and not self._model().is_hit(current.row() - 1):
            self.scrollTo(self._model().index(current.row() - 1))  # keep the document's header in view
            self.scrollTo(current)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.currentIndex().isValid() and self._model().is_hit(self.currentIndex().row()):
                self.hitChosen.emit(self.currentIndex())
            event.accept()
            return
        if key == Qt.Key.Key_Escape:
            self.leaveTop.emit()
            event.accept()
            return
        rows = self._model().hit_rows()
        if key == Qt.Key.Key_Up and event.modifiers() == Qt.KeyboardModifier.NoModifier and rows \
                and self.currentIndex().row() == rows[0]:
            self.leaveTop.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid() and self._model().is_hit(index.row()):
            self.hitChosen.emit(index)


# --- facet chips ---------------------------------------------------------------------


class Chip(QAbstractButton):
    """A rounded, checkable filter chip: an optional colour dot, a label and a count."""

    HEIGHT, PAD = 26, 11

    def __init__(self, label: str, key: str, dot: QColor | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("facetChip")
        self.key = key
        self.label = label
        self.count: int | None = None
        self.dot = dot
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        self.label_font = theme.ui_font(9)
        self.count_font = theme.ui_font(8.5, bold=True)
        self._update_text()

    def set_count(self, count: int | None) -> None:
        self.count = count
        self._update_text()
        self.updateGeometry()
        self.update()

    def _update_text(self) -> None:
        self.setText(self.label if self.count is None else f"{self.label} {self.count}")
        self.setAccessibleName(self.text())

    def sizeHint(self) -> QSize:
        width = 2 * self.PAD + QFontMetricsF(self.label_font).horizontalAdvance(self.label)
        if self.count is not None:
            width += 6 + QFontMetricsF(self.count_font).horizontalAdvance(str(self.count))
        if self.dot is not None:
            width += 8 + 6
        return QSize(int(width + 1), self.HEIGHT)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def paintEvent(self, _event: QEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        enabled, checked = self.isEnabled(), self.isChecked()
        hovered = self.underMouse() and enabled
        if checked:
            fill, border, ink, count_ink = theme.ACCENT, theme.ACCENT, QColor("white"), QColor("#d6e6fa")
        else:
            fill = theme.HOVER if hovered else QColor("white")
            border = QColor("#afb8c1") if hovered else QColor("#d0d7de")
            ink = theme.TEXT if enabled else theme.FAINT
            count_ink = theme.MUTED if enabled else theme.FAINT
        if not enabled and not checked:
            border = QColor("#e6e9ee")
        path = QPainterPath()
        path.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.fillPath(path, fill)
        painter.setPen(QPen(border, 1))
        painter.drawPath(path)
        if self.hasFocus():
            painter.setPen(QPen(theme.ACCENT, 2))
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), rect.height() / 2 - 1, rect.height() / 2 - 1)
        x = rect.left() + self.PAD
        if self.dot is not None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("white") if checked else self.dot)
            painter.drawEllipse(QRectF(x, rect.center().y() - 4, 8, 8))
            x += 8 + 6
        painter.setPen(ink)
        painter.setFont(self.label_font)
        label_w = QFontMetricsF(self.label_font).horizontalAdvance(self.label)
        painter.drawText(QRectF(x, rect.top(), label_w + 2, rect.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.label)
        if self.count is not None:
            x += label_w + 6
            painter.setPen(count_ink)
            painter.setFont(self.count_font)
            painter.drawText(QRectF(x, rect.top(), rect.right() - x, rect.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), str(self.count))
        painter.end()


class FlowLayout(QLayout):
    """Lays widgets out left to right, wrapping onto more lines when the panel is narrow (for the chips)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        width = sum(i.sizeHint().width() for i in self._items) + self._gap * max(len(self._items) - 1, 0)
        height = max((i.sizeHint().height() for i in self._items), default=0)
        return QSize(width, height)

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        line: list[tuple[QLayoutItem, int, QSize]] = []

        def place() -> None:
            for item, left, hint in line:  # each line's items centred on the line
                item.setGeometry(QRect(QPoint(left, y + (line_height - hint.height()) // 2), hint))

        for item in self._items:
            if item.widget() is not None and item.widget().isHidden():
                continue
            hint = item.sizeHint()
            if line and x + hint.width() > rect.right() + 1:
                if move:
                    place()
                x, y, line = rect.x(), y + line_height + self._gap, []
                line_height = 0
            line.append((item, x, hint))
            x += hint.width() + self._gap
            line_height = max(line_height, hint.height())
        if move:
            place()
        return y + line_height - rect.y()


def _search_icon() -> QIcon:
    """A magnifying glass, drawn (so it matches the theme at any scale)."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(16 * scale, 16 * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(theme.MUTED, 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawEllipse(QRectF(2.5, 2.5, 8, 8))
        painter.drawLine(QPointF(9.6, 9.6), QPointF(13.5, 13.5))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


# --- the panel -----------------------------------------------------------------------


@dataclass
class _Outcome:
    """What one search task hands back to the UI thread."""

    text: str
    types: tuple[str, ...]
    result: Any  # SearchResult (filtered when types are set)
    type_counts: dict[str, int]  # from the unfiltered query, so the chips keep their counts
    status_counts: dict[str, int]
    total: int  # unfiltered


class SearchPanel(QWidget):
    """Search box, facet chips, notices and the grouped results of one archive."""

    hitActivated = Signal(object)  # the chosen archive.search.query.Hit
    resultShown = Signal(object)  # the SearchResult now on screen (after each search)

    def __init__(self, archive: Any, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.archive = archive
        self.runner = runner
        self.result: Any | None = None  # the SearchResult shown
        self.shown_query: tuple[str, tuple[str, ...]] | None = None
        self._wanted: tuple[str, tuple[str, ...]] | None = None  # the query the user asked for last
        self._in_flight: Task | None = None
        self._in_flight_query: tuple[str, tuple[str, ...]] | None = None
        self._index_ready = False
        self._index_task: Task | None = None
        self._types: tuple[str, ...] = ()

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_now)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)

        self._build()
        runner.progressed.connect(self._on_progress)
        self._show_welcome()

    # --- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.box = QLineEdit()
        self.box.setObjectName("searchBox")
        self.box.setPlaceholderText("Search articles, claims and sources")
        self.box.setClearButtonEnabled(True)
        self.box.addAction(_search_icon(), QLineEdit.ActionPosition.LeadingPosition)
        self.box.setAccessibleName("Search the archive")
        self.box.textEdited.connect(self._on_text_edited)
        self.box.textChanged.connect(self._on_text_changed)
        self.box.returnPressed.connect(self._on_return)
        self.box.installEventFilter(self)

        self.type_chips: dict[str, Chip] = {}
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        chips = FlowLayout()
        for key, label in [("", "All"), *((k, s.plural) for k, s in TYPES.items())]:
            chip = Chip(label, key)
            chip.clicked.connect(lambda _checked=False, key=key: self.set_type_filter(key or None))
            self.chip_group.addButton(chip)
            self.type_chips[key] = chip
            chips.addWidget(chip)
        self.type_chips[""].setChecked(True)
        self.chip_row = QWidget()
        self.chip_row.setObjectName("searchChips")
        self.chip_row.setLayout(chips)

        self.status_caption = QLabel("Claim status")
        self.status_caption.setObjectName("searchCaption")
        self.status_chips: dict[str, Chip] = {}
        self.status_caption.setFixedHeight(Chip.HEIGHT)
        self.status_layout = FlowLayout()
        self.status_layout.addWidget(self.status_caption)
        self.status_row = QWidget()
        self.status_row.setObjectName("searchStatuses")
        self.status_row.setLayout(self.status_layout)

        self.notice = QLabel()
        self.notice.setObjectName("searchNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)

        self.suggestion_label = QLabel("Did you mean\u00a0")
        self.suggestion_label.setObjectName("searchSuggestionText")
        self.suggestion_button = QPushButton()
        self.suggestion_button.setObjectName("suggestionLink")
        self.suggestion_button.setFlat(True)
        self.suggestion_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.suggestion_button.clicked.connect(self._on_suggestion)
        question = QLabel("?")
        question.setObjectName("searchSuggestionText")
        suggestion = QHBoxLayout()
        suggestion.setContentsMargins(12, 6, 12, 6)
        suggestion.setSpacing(0)
        suggestion.addWidget(self.suggestion_label)
        suggestion.addWidget(self.suggestion_button)
        suggestion.addWidget(question)
        suggestion.addStretch(1)
        self.suggestion = QWidget()
        self.suggestion.setObjectName("searchSuggestion")
        self.suggestion.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.suggestion.setLayout(suggestion)

        self.summary = QLabel()
        self.summary.setObjectName("searchSummary")

        header = QWidget()
        header.setObjectName("searchHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        top = QVBoxLayout(header)
        top.setContentsMargins(14, 12, 14, 8)
        top.setSpacing(8)
        top.addWidget(self.box)
        top.addWidget(self.chip_row)
        top.addWidget(self.status_row)
        top.addWidget(self.notice)
        top.addWidget(self.suggestion)
        top.addWidget(self.summary)

        self.model = SearchResultsModel(self)
        self.view = SearchResultsView()
        self.view.setModel(self.model)
        self.delegate = SearchResultDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.hitChosen.connect(self._activate_index)
        self.view.leaveTop.connect(self.focus_search)

        self.empty = QLabel()
        self.empty.setObjectName("searchEmpty")
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.empty.setOpenExternalLinks(False)
        self.empty.linkActivated.connect(self._on_tip)

        self.progress_label = QLabel(BUILD_LABEL)
        self.progress_label.setObjectName("searchProgressLabel")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("searchProgressBar")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(6)
        self.progress_bar.setRange(0, 0)
        progress_note = QLabel("This happens once; you can keep typing.")
        progress_note.setObjectName("searchProgressNote")
        progress = QWidget()
        progress.setObjectName("searchProgress")
        progress_layout = QVBoxLayout(progress)
        progress_layout.setContentsMargins(24, 28, 24, 24)
        progress_layout.setSpacing(8)
        progress_layout.addWidget(self.progress_label)
        progress_layout.addWidget(self.progress_bar)
        progress_layout.addWidget(progress_note)
        progress_layout.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.setObjectName("searchStack")
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(progress)

        self.hint = QLabel("↓ results · Enter open · Esc back / clear")
        self.hint.setObjectName("hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.box)

    # --- public --------------------------------------------------------------------

    def focus_search(self) -> None:
        """Bring the search box to the keyboard, its text selected (Ctrl+K, Ctrl+F)."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def search(self, text: str) -> None:
        """Search for ``text`` now (as if typed and Enter pressed)."""
        if self.box.text() != text:
            self.box.setText(text)
        self._run_now()

    def set_type_filter(self, kind: str | None) -> None:
        """Show only hits of one type (article, claim, source, note), or all with None."""
        self._types = (kind,) if kind else ()
        chip = self.type_chips.get(kind or "")
        if chip is not None and not chip.isChecked():
            chip.setChecked(True)
        if self.box.text().strip():
            self._run_now()

    @property
    def type_filter(self) -> str | None:
        return self._types[0] if self._types else None

    @property
    def busy(self) -> bool:
        """A search is waiting to run, running, or the index is being prepared."""
        return self._debounce.isActive() or self._in_flight is not None or self._index_task is not None

    def current_hit(self) -> Any | None:
        index = self.view.currentIndex()
        return self.model.hit(index.row()) if index.isValid() else None

    def activate_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.is_hit(index.row()):
            self._activate_index(index)

    # --- typing and running --------------------------------------------------------

    def _on_text_edited(self, _text: str) -> None:
        self._debounce.start()

    def _on_text_changed(self, text: str) -> None:
        if not text.strip():  # cleared (Esc, the clear button, select-all and delete): back to the start
            self._debounce.stop()
            self._wanted = None
            self._show_welcome()
        self._update_status_chip_states()

    def _on_return(self) -> None:
        wanted = (self.box.text().strip(), self._types)
        if self._debounce.isActive() or wanted != self.shown_query or self._in_flight is not None:
            self._run_now()
            return
        index = self.view.currentIndex()
        if not (index.isValid() and self.model.is_hit(index.row())):
            rows = self.model.hit_rows()
            index = self.model.index(rows[0]) if rows else QModelIndex()
        if index.isValid():
            self._activate_index(index)

    def _run_now(self) -> None:
        self._debounce.stop()
        text = self.box.text().strip()
        if not text:
            self._wanted = None
            self._show_welcome()
            return
        self._wanted = (text, self._types)
        if not self._index_ready:
            self._prepare_index()
            return
        self._submit()

    def _submit(self) -> None:
        """Run the wanted query, unless one is already running: it runs when that one is done."""
        if self._in_flight is not None or self._wanted is None:
            return
        text, types = self._wanted
        archive = self.archive

        def work(_progress, _token) -> _Outcome:
            from archive.search.query import search

            with archive.session() as session:
                result = search(archive.search_index, session, text, limit=LIMIT, types=list(types) or None)
                everything = search(archive.search_index, session, text, limit=1) if types else result
            return _Outcome(text, types, result, dict(everything.facets.get("type", {})),
                            dict(everything.facets.get("status", {})), everything.total)

        self._in_flight_query = (text, types)
        self._in_flight = self.runner.submit(f"Searching for “{text}”", work, on_done=self._on_searched,
                                             on_error=self._on_search_failed)
        self._busy_timer.start()

    def _on_searched(self, outcome: _Outcome) -> None:
        self._in_flight = None
        if self._wanted != (outcome.text, outcome.types):
            self._submit()  # the user has typed on: that query's turn
            return
        self._busy_timer.stop()
        self._show_outcome(outcome)

    def _on_search_failed(self, error: BaseException) -> None:
        asked, self._in_flight = self._in_flight_query, None
        from archive.search.index import IndexUnavailable

        if isinstance(error, IndexUnavailable):
            self._index_ready = False  # made unusable since it was checked: check (and rebuild) again
            if self._wanted:
                self._prepare_index()
            return
        if self._wanted is not None and self._wanted != asked:
            self._submit()  # the user has typed on: never mind this one
            return
        self._busy_timer.stop()
        if isinstance(error, Cancelled):
            self.summary.setText("Search cancelled")
            self.summary.show()
            return
        self._show_problem(f"The search failed: {error}")

    # --- the index -----------------------------------------------------------------

    def _prepare_index(self) -> None:
        """Check the index (off the UI thread) and build it when it is missing or unusable, then search."""
        if self._index_task is not None:
            return
        index = self.archive.search_index
        self._index_task = self.runner.submit("Opening the search index", lambda _p, _t: index.state(),
                                              on_done=self._on_index_state, on_error=self._on_index_failed)

    def _on_index_state(self, state: Any) -> None:
        self._index_task = None
        if state.ok:
            self._index_ready = True
            self._submit()
            return
        if self.archive.read_only:
            self._show_problem("Search is not available yet: the search index needs building, and this archive "
                               "is open read-only. Close the other Footnote window, then reopen this archive.")
            return
        archive = self.archive
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText(BUILD_LABEL)
        self.stack.setCurrentIndex(2)
        self._set_header_for_results(False)
        self._index_task = self.runner.submit(
            BUILD_LABEL, lambda progress, _t: archive.search_index.ensure(archive, progress=progress),
            on_done=self._on_index_built, on_error=self._on_index_failed, cancellable=False)

    def _on_index_built(self, _state: Any) -> None:
        self._index_task = None
        self._index_ready = True
        if self._wanted is None:
            self._show_welcome()
        self._submit()

    def _on_index_failed(self, error: BaseException) -> None:
        self._index_task = None
        if isinstance(error, Cancelled):
            self._show_problem("Opening the search index was cancelled. Type again to search.")
            return
        self._show_problem(f"The search index could not be built: {error}. Type again to retry.")

    def _on_progress(self, task: Task, done: int, total: int, _label: str) -> None:
        if task is not self._index_task or total <= 0:
            return
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"{BUILD_LABEL} {100 * done // total}%")

    # --- showing -------------------------------------------------------------------

    def _show_busy(self) -> None:
        if self._in_flight is not None:
            self.summary.setText("Searching…")
            self.summary.show()

    def _set_header_for_results(self, visible: bool) -> None:
        self.chip_row.setVisible(visible)
        if not visible:
            self.status_row.hide()
            self.notice.hide()
            self.suggestion.hide()
            self.summary.hide()

    def _show_welcome(self) -> None:
        self.result = None
        self.shown_query = None
        self.model.set_result(None)
        self._set_header_for_results(False)
        if self._index_task is not None and self.stack.currentIndex() == 2:
            return  # the index is being built: keep showing its progress
        self.empty.setText(_tips_html("Search everything in this archive",
                                      "Articles, their claims and notes, and the source documents, page by page. "
                                      "Press Ctrl+K from anywhere to come back here."))
        self.stack.setCurrentWidget(self.empty)

    def _show_problem(self, message: str) -> None:
        self._set_header_for_results(False)
        self.notice.setText(message)
        self.notice.show()
        self.model.set_result(None)
        self.empty.setText(_tips_html("", ""))
        self.stack.setCurrentWidget(self.empty)

    def _show_outcome(self, outcome: _Outcome) -> None:
        result = outcome.result
        self.result = result
        self.shown_query = (outcome.text, outcome.types)
        self.model.set_result(result)
        self.chip_row.setVisible(bool(outcome.total or outcome.types))

        self.type_chips[""].set_count(outcome.total)
        for kind, chip in self.type_chips.items():
            if kind:
                count = outcome.type_counts.get(kind, 0)
                chip.set_count(count)
                chip.setEnabled(count > 0 or chip.isChecked())
        self._show_status_chips(outcome.status_counts if outcome.type_counts.get("claim") else {})

        if result.error:
            message = result.error[:1].upper() + result.error[1:]
            if result.fallback:
                message += " — showing results for the words instead"
                self.notice.setToolTip(f"Searched for: {result.fallback}")
            else:
                self.notice.setToolTip("")
            self.notice.setText(message)
        self.notice.setVisible(bool(result.error))
        if result.suggestion:
            self.suggestion_button.setText(result.suggestion)
            self.suggestion_button.setFixedWidth(
                int(QFontMetricsF(theme.ui_font(10, bold=True)).horizontalAdvance(result.suggestion) + 6))
            self.suggestion_button.setToolTip(f"Search for {result.suggestion}")
        self.suggestion.setVisible(bool(result.suggestion))

        groups = self.model.groups()
        if result.hits:
            shown = len(result.hits)
            kind = self.type_filter
            what = plural(shown, type_style(kind).label.lower()) if kind else plural(shown, "result")
            if result.total > shown:
                what = f"{shown} of {result.total} " + (type_style(kind).plural.lower() if kind else "results")
            self.summary.setText(f"{what} in {plural(len(groups), 'document')}")
            self.summary.show()
            self.stack.setCurrentWidget(self.view)
            self.view.scrollToTop()
        else:
            self.summary.hide()
            self.empty.setText(self._empty_html(outcome))
            self.stack.setCurrentWidget(self.empty)
        self.resultShown.emit(result)

    def _empty_html(self, outcome: _Outcome) -> str:
        text = html.escape(outcome.text)
        if outcome.types and outcome.total:
            kind = type_style(outcome.types[0]).plural.lower()
            return _tips_html(f"No {kind} for “{text}”",
                              f"There {'is' if outcome.total == 1 else 'are'} {plural(outcome.total, 'result')} "
                              f"of other kinds: choose <b>All</b> to see them.")
        return _tips_html(f"No results for “{text}”", "Try fewer or other words, or one of these:")

    def _show_status_chips(self, counts: dict[str, int]) -> None:
        for chip in self.status_chips.values():
            self.status_layout.removeWidget(chip)
            chip.deleteLater()
        self.status_chips = {}
        order = {name: i for i, name in enumerate(theme.STATUSES)}
        for status, count in sorted(counts.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])):
            chip = Chip(theme.status_label(status), status, dot=theme.status_style(status).ink)
            chip.set_count(count)
            chip.setToolTip(f"Only claims whose status is {theme.status_label(status).lower()} "
                            f"(adds status:{status} to the query; click again to remove it)")
            chip.clicked.connect(lambda _checked=False, status=status: self.toggle_status(status))
            self.status_layout.addWidget(chip)
            self.status_chips[status] = chip
        self._update_status_chip_states()
        self.status_row.setVisible(bool(counts))

    def toggle_status(self, status: str) -> None:
        """Add ``status:STATUS`` to the query, or take it out when it is there (one status at a time)."""
        text = self.box.text()
        present = re.search(rf"(?i)(?:^|\s)status:{re.escape(status)}(?=\s|$)", text)
        text = re.sub(r"(?i)(?:^|\s+)status:\S+", "", text).strip()
        if not present:
            text = f"{text} status:{status}".strip()
        self.search(text)

    def _update_status_chip_states(self) -> None:
        text = self.box.text().lower()
        for status, chip in self.status_chips.items():
            chip.setChecked(bool(re.search(rf"(?:^|\s)status:{re.escape(status)}(?=\s|$)", text)))

    def _on_suggestion(self) -> None:
        word = self.suggestion_button.text()
        if word:
            self.search(word)
            self.focus_search()

    def _on_tip(self, link: str) -> None:
        number = int(link.partition(":")[2] or -1)
        if 0 <= number < len(TIPS):
            self.search(TIPS[number][0])
            self.focus_search()

    def _activate_index(self, index: QModelIndex) -> None:
        hit = self.model.hit(index.row())
        if hit is not None:
            self.hitActivated.emit(hit)

    # --- keys ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                return self._enter_results()
            if key == Qt.Key.Key_Escape and self.box.text():
                self.box.clear()
                return True
        return super().eventFilter(watched, event)

    def _enter_results(self) -> bool:
        rows = self.model.hit_rows()
        if not rows or self.stack.currentWidget() is not self.view:
            return False
        current = self.view.currentIndex()
        if not (current.isValid() and self.model.is_hit(current.row())):
            current = self.model.index(rows[0])
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.view.setCurrentIndex(current)
        return True


def _tips_html(title: str, lead: str) -> str:
    code = ("font-family:'DejaVu Sans Mono'; background-color:#eff2f5; color:#1f2328;")
    rows = "".join(f"<tr><td style='padding:3px 12px 3px 0'><a href='tip:{number}' style='text-decoration:none'>"
                   f"<span style=\"{code}\">&nbsp;{html.escape(example)}&nbsp;</span></a></td>"
                   f"<td style='padding:3px 0; color:#57606a'>{html.escape(meaning)}</td></tr>"
                   for number, (example, meaning) in enumerate(TIPS))
    heading = f"<p style='font-size:11pt; font-weight:bold; color:#1f2328; margin:0 0 6px 0'>{title}</p>" if title else ""
    intro = f"<p style='color:#57606a; margin:0 0 10px 0'>{lead}</p>" if lead else ""
    return (f"{heading}{intro}<p style='color:#1f2328; font-weight:bold; margin:6px 0 4px 0'>Search tips "
            f"<span style='font-weight:normal; color:#8c959f'>(click one to try it)</span></p>"
            f"<table cellspacing='0' cellpadding='0'>{rows}</table>")
