"""How the item list looks: each article or document drawn as a small card with status chips, in a list view.

Painting only; the rows come from :mod:`desktop.library.item_model`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QWidget)

from desktop import theme
from desktop.formatting import format_date, plural
from desktop.library.entries import ItemRole, _Index
from desktop.library.item_model import KIND_LABELS, STATUS_SYMBOLS, STATUS_WORDS, _status_counts
from desktop.painting import draw_lines, line_height, wrap_lines

@dataclass
class _Chip:
    text: str
    status: str | None  # a claim status for colours; None for a neutral chip
    width: float = 0.0


class ItemDelegate(QStyledItemDelegate):
    """An article or a document as a small card: title (up to two lines), facts, then status chips.

    Heights come from one measurement of the title, not a layout, so thousands of rows size quickly.
    """

    PAD_X, PAD_Y, GAP, TITLE_LINES, CHIP_HEIGHT, CHIP_GAP = 14, 9, 3, 2, 17, 5

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self.title_font = theme.ui_font(9.5, bold=True)
        self.meta_font = theme.ui_font(8.5)
        self.chip_font = theme.ui_font(8)

    def _row_width(self) -> int:
        view = self._view
        return view.width() - 2 * view.frameWidth() - view.verticalScrollBar().sizeHint().width()

    def _text_width(self) -> float:
        return max(self._row_width() - 2 * self.PAD_X, 40)

    def _title_lines(self, title: str) -> int:
        fits = QFontMetricsF(self.title_font).horizontalAdvance(" ".join(title.split())) <= self._text_width()
        return 1 if fits else self.TITLE_LINES

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        item = index.data(ItemRole)
        if item is None:
            return QSize(self._row_width(), 40)
        height = (2 * self.PAD_Y + self._title_lines(item["title"]) * line_height(self.title_font)
                  + self.GAP + line_height(self.meta_font))
        if item["type"] == "article":
            height += self.GAP + 2 + self.CHIP_HEIGHT
        return QSize(self._row_width(), int(height + 1))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        item = index.data(ItemRole)
        if item is None:
            return
        rect = QRectF(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.fillRect(rect, theme.SELECTION)
            painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), theme.ACCENT)
        elif hovered:
            painter.fillRect(rect, theme.HOVER)
        painter.setPen(theme.BORDER)
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        width = self._text_width()
        left = rect.left() + self.PAD_X
        painter.setPen(theme.TEXT)
        lines = wrap_lines(item["title"], self.title_font, width, self.TITLE_LINES)
        y = draw_lines(painter, lines, self.title_font, left, rect.top() + self.PAD_Y, width)
        y += self.GAP
        if item["type"] == "article":
            meta = " · ".join(x for x in (format_date(item["published"]), item["category"] or "") if x)
            self._draw_meta(painter, meta or "undated", left, y, width)
            y += line_height(self.meta_font) + self.GAP + 2
            chips = [_Chip(f"{STATUS_SYMBOLS[s]} {n} {STATUS_WORDS[s]}", s) for s, n in _status_counts(item)]
            if not chips:
                chips = [_Chip("no claims", None)]
            elif self._chips_width(chips) > width:  # too narrow for words: symbols and numbers only
                chips = [_Chip(f"{STATUS_SYMBOLS[s]} {n}", s) for s, n in _status_counts(item)]
            self._draw_chips(painter, chips, left, y)
        else:
            kind = KIND_LABELS.get(item["kind"], item["kind"])
            meta = " · ".join(x for x in (kind, plural(item["pages"], "page") if item["pages"] else "") if x)
            if item["status"] == "ok":
                self._draw_meta(painter, f"{meta} · text extracted", left, y, width)
            else:
                metrics = QFontMetricsF(self.meta_font)
                self._draw_meta(painter, meta, left, y, width)
                chip_left = left + metrics.horizontalAdvance(meta + "  ")
                status = "partial" if item["status"] == "partial" else "not_found"
                label = item["reason"].split(":")[0]
                room = left + width - chip_left - 12
                label = QFontMetricsF(self.chip_font).elidedText(label, Qt.TextElideMode.ElideRight, room)
                chip_top = y + (line_height(self.meta_font) - self.CHIP_HEIGHT) / 2
                self._draw_chips(painter, [_Chip(("⚠ " if status == "not_found" else "◐ ") + label, status)],
                                 chip_left, chip_top)
        painter.restore()

    def _draw_meta(self, painter: QPainter, text: str, left: float, top: float, width: float) -> None:
        painter.setPen(theme.MUTED)
        elided = QFontMetricsF(self.meta_font).elidedText(text, Qt.TextElideMode.ElideRight, width)
        draw_lines(painter, [elided], self.meta_font, left, top, width)

    def _chips_width(self, chips: list[_Chip]) -> float:
        metrics = QFontMetricsF(self.chip_font)
        for chip in chips:
            chip.width = metrics.horizontalAdvance(chip.text) + 12
        return sum(c.width for c in chips) + self.CHIP_GAP * (len(chips) - 1)

    def _draw_chips(self, painter: QPainter, chips: list[_Chip], left: float, top: float) -> None:
        self._chips_width(chips)
        painter.setFont(self.chip_font)
        for chip in chips:
            box = QRectF(left, top, chip.width, self.CHIP_HEIGHT)
            if chip.status is None:
                background, ink, border = QColor("#eef1f4"), theme.MUTED, QColor("#d8dee4")
            else:
                style = theme.status_style(chip.status)
                background, ink, border = style.background, style.ink, style.strong
            painter.setPen(QPen(border, 1))
            painter.setBrush(background)
            painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
            painter.setPen(ink)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), chip.text)
            left += chip.width + self.CHIP_GAP


class ItemListView(QListView):
    """The list of items: several can be chosen and dragged onto a collection."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryList")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegate(ItemDelegate(self))
