"""Facet chips: the checkable type and status filters of the search panel (laid out by :mod:`desktop.flow_layout`).

Generic widgets with no knowledge of searching; the panel fills them in.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QAbstractButton, QWidget

from desktop import theme

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
