"""The results list view: keyboard moves between hits only, and Enter, Esc and Up hand focus back and forth.

Kept apart from the panel so the navigation rules are in one small place.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QWidget

from desktop.search_panel.model import SearchResultsModel

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
