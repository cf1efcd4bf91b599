"""How result rows are painted: document headers (icon, title, hit count) and hits (type badge, page, snippet).

Measuring and painting only; the snippet text layout comes from
:mod:`desktop.search_panel.snippet`, the rows from :mod:`desktop.search_panel.model`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop import theme
from desktop.search_panel.model import RowRole, _Index, _Row
from desktop.search_panel.snippet import SnippetLayout, draw_snippet, layout_snippet
from desktop.search_panel.style import GROUP_BACKGROUND, type_style

SNIPPET_LINES = 3


# --- drawing -------------------------------------------------------------------------


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
