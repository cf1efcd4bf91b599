"""A layout that places widgets left to right and wraps them onto more lines when the pane is narrow.

Qt has no such layout (its documentation has one as an example).  Footnote uses it for the search
panel's chips and status line, and for the inspector's buttons, whose Remove button keeps to the
right end of its line (:meth:`FlowLayout.add_stretch`).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget


class FlowLayout(QLayout):
    """Widgets left to right, wrapping when the pane is narrow.

    Items added after :meth:`add_stretch` sit at the right end of their line; each line's items are
    centred vertically on it (chips and buttons of different heights line up on their middles).
    The height follows the width (``heightForWidth``), so a pane that narrows grows taller.
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._right_from: int | None = None  # index of the first item pushed to the right
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def add_stretch(self) -> None:
        """Items added from now on sit at the right end of their line."""
        self._right_from = len(self._items)

    # --- QLayout -------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        if not 0 <= index < len(self._items):
            return None
        if self._right_from is not None and index < self._right_from:
            self._right_from -= 1
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = QRect(0, 0, width - margins.left() - margins.right(), 0)
        return self._arrange(inner, move=False) + margins.top() + margins.bottom()

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        margins = self.contentsMargins()
        self._arrange(rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom()), move=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for _, item in shown) + self.spacing() * max(len(shown) - 1, 0)
        height = max((item.sizeHint().height() for _, item in shown), default=0)
        return self._with_margins(QSize(width, height))

    def minimumSize(self) -> QSize:
        size = QSize(0, 0)
        for _, item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return self._with_margins(size)

    def _with_margins(self, size: QSize) -> QSize:
        margins = self.contentsMargins()
        return QSize(size.width() + margins.left() + margins.right(), size.height() + margins.top() + margins.bottom())

    # --- placing -------------------------------------------------------------------

    def _shown(self) -> list[tuple[int, QLayoutItem]]:
        return [(index, item) for index, item in enumerate(self._items)
                if item.widget() is None or not item.widget().isHidden()]

    def _lines(self, width: int) -> list[list[tuple[int, QLayoutItem, QSize]]]:
        gap = self.spacing()
        lines: list[list[tuple[int, QLayoutItem, QSize]]] = [[]]
        used = 0
        for index, item in self._shown():
            hint = item.sizeHint()
            if lines[-1] and used + gap + hint.width() > width:
                lines.append([])
                used = 0
            used += (gap if lines[-1] else 0) + hint.width()
            lines[-1].append((index, item, hint))
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in ``rect`` (when ``move``); the height they take at its width."""
        gap = self.spacing()
        y = rect.y()
        for line in self._lines(rect.width()):
            height = max(hint.height() for _, _, hint in line)
            if move:
                right_from = self._right_from if self._right_from is not None else len(self._items)
                x = rect.x()
                for index, item, hint in line:
                    if index < right_from:
                        item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
                        x += hint.width() + gap
                x = rect.right() + 1
                for index, item, hint in reversed(line):
                    if index >= right_from:
                        x -= hint.width()
                        item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
                        x -= gap
            y += height + gap
        return max(y - gap - rect.y(), 0)


__all__ = ["FlowLayout"]
