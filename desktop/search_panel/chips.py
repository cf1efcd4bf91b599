"""Facet chips (the checkable type and status filters) and the flow layout that wraps rows of them.

Generic widgets with no knowledge of searching; the panel fills them in.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QAbstractButton, QLayout, QLayoutItem, QWidget

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
