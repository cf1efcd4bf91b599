"""The right pane: the selected article's claims, each with its number, status badge, citations and text.

Choosing a claim here is how a reader walks an article claim by claim; the main
window relays the choice to the reader, which scrolls to the claim.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (QAbstractListModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, QRectF,
                            QSize, Qt, Signal)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListView, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem, QToolButton, QVBoxLayout, QWidget)

from desktop import theme
from desktop.formatting import citations_summary, claim_tooltip_html
from desktop.painting import draw_lines, line_height, wrap_lines

ClaimRole = Qt.ItemDataRole.UserRole + 1
NumberRole = Qt.ItemDataRole.UserRole + 2
StatusRole = Qt.ItemDataRole.UserRole + 3

_Index = QModelIndex | QPersistentModelIndex


class ClaimListModel(QAbstractListModel):
    """The ``claims`` of one :func:`archive.queries.article_detail`, numbered from 1 in reading order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._claims: list[dict[str, Any]] = []
        self._sources: dict[int, dict[str, Any]] = {}

    def set_article(self, detail: dict[str, Any] | None) -> None:
        self.beginResetModel()
        self._claims = list(detail["claims"]) if detail else []
        self._sources = {s["number"]: s for s in detail["sources"]} if detail else {}
        self.endResetModel()

    def claim(self, row: int) -> dict[str, Any]:
        return self._claims[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._claims)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._claims):
            return None
        claim, number = self._claims[index.row()], index.row() + 1
        if role == Qt.ItemDataRole.DisplayRole:
            return claim["text"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return claim_tooltip_html(number, claim, self._sources)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Claim {number}, {theme.status_label(claim['status'])}, {citations_summary(claim)}: {claim['text']}"
        if role == ClaimRole:
            return claim
        if role == NumberRole:
            return number
        if role == StatusRole:
            return claim["status"]
        return None


class ClaimDelegate(QStyledItemDelegate):
    """Draws a claim: number and status badge on top, citations beside them, the text below."""

    PAD_X, PAD_Y, GUTTER, GAP, TEXT_LINES, BADGE_H = 12, 10, 30, 6, 5, 19

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self.number_font = theme.ui_font(10, bold=True)
        self.badge_font = theme.ui_font(7.5, bold=True)
        self.badge_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 104)
        self.meta_font = theme.ui_font(9)
        self.text_font = theme.ui_font(9.5)

    def _row_width(self) -> int:
        """The view's width less a scroll bar, shown or not, so rows keep their height when one appears."""
        view = self._view
        return view.width() - 2 * view.frameWidth() - view.verticalScrollBar().sizeHint().width()

    def _text_width(self) -> float:
        return max(self._row_width() - 2 * self.PAD_X - self.GUTTER, 40)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        lines = wrap_lines(index.data(Qt.ItemDataRole.DisplayRole) or "", self.text_font, self._text_width(),
                           self.TEXT_LINES)
        height = 2 * self.PAD_Y + self.BADGE_H + self.GAP + max(len(lines), 1) * line_height(self.text_font)
        return QSize(self._row_width(), int(height + 1))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        claim = index.data(ClaimRole)
        style = theme.status_style(claim["status"])
        rect = QRectF(option.rect)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if selected:
            painter.fillRect(rect, theme.SELECTION)
            painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), theme.ACCENT)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect, theme.HOVER)
        painter.setPen(theme.BORDER)
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())

        top = rect.top() + self.PAD_Y
        left = rect.left() + self.PAD_X
        painter.setPen(theme.ACCENT if selected else theme.MUTED)
        painter.setFont(self.number_font)
        painter.drawText(QRectF(left, top, self.GUTTER - 8, self.BADGE_H),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), str(index.row() + 1))

        badge_left = left + self.GUTTER
        label = style.label.upper()
        badge_w = QFontMetricsF(self.badge_font).horizontalAdvance(label) + 14
        badge = QRectF(badge_left, top, badge_w, self.BADGE_H)
        path = QPainterPath()
        path.addRoundedRect(badge, self.BADGE_H / 2, self.BADGE_H / 2)
        painter.fillPath(path, style.ink)
        painter.setPen(QColor("white"))
        painter.setFont(self.badge_font)
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), label)

        meta_left = badge.right() + 8
        meta_width = rect.right() - self.PAD_X - meta_left
        painter.setPen(theme.MUTED)
        painter.setFont(self.meta_font)
        painter.drawText(QRectF(meta_left, top, meta_width, self.BADGE_H),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         QFontMetricsF(self.meta_font).elidedText(citations_summary(claim),
                                                                  Qt.TextElideMode.ElideRight, meta_width))

        painter.setPen(theme.TEXT)
        width = self._text_width()
        lines = wrap_lines(claim["text"], self.text_font, width, self.TEXT_LINES)
        draw_lines(painter, lines, self.text_font, badge_left, top + self.BADGE_H + self.GAP, width)
        painter.restore()


class ClaimsPanel(QWidget):
    """Header (count, previous/next buttons) over the claim list; says so when an article has no claims."""

    claimSelected = Signal(int)  # the row (0-based) of the chosen claim, or -1 for none

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("claimsPanel")
        self.model = ClaimListModel(self)

        self.title = QLabel("Claims")
        self.title.setObjectName("paneTitle")
        self.count = QLabel("")
        self.count.setObjectName("paneCount")
        self.previous_button = QToolButton()
        self.next_button = QToolButton()
        for button in (self.previous_button, self.next_button):
            button.setObjectName("navButton")
            button.setAutoRaise(True)
        header = QHBoxLayout()
        header.setContentsMargins(14, 10, 8, 8)
        header.setSpacing(6)
        header.addWidget(self.title)
        header.addWidget(self.count)
        header.addStretch(1)
        header.addWidget(self.previous_button)
        header.addWidget(self.next_button)

        self.view = QListView()
        self.view.setObjectName("claimList")
        self.view.setModel(self.model)
        self.view.setItemDelegate(ClaimDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setMouseTracking(True)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        # Clicking the claim that is already current still brings the reader back to it.
        self.view.clicked.connect(lambda index: self.claimSelected.emit(index.row()))

        self.empty = QLabel("This article has no marked claims.")
        self.empty.setObjectName("emptyNote")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)

        hint = QLabel("Alt+↓ / Alt+↑ or J / K: next / previous claim")
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(hint)
        self.set_article(None)

    def set_article(self, detail: dict[str, Any] | None) -> None:
        self.model.set_article(detail)
        rows = self.model.rowCount()
        self.count.setText(str(rows) if detail else "")
        self.view.setVisible(rows > 0)
        self.empty.setVisible(rows == 0)
        self.empty.setText("This article has no marked claims." if detail else "No article selected.")

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() and self.view.selectionModel().isSelected(index) else -1

    def select_row(self, row: int) -> None:
        """Make ``row`` the current, selected claim (out-of-range rows are ignored)."""
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row)
        self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.view.scrollTo(index)

    def next_claim(self) -> None:
        current = self.current_row()
        self.select_row(0 if current < 0 else min(current + 1, self.model.rowCount() - 1))

    def previous_claim(self) -> None:
        current = self.current_row()
        self.select_row(self.model.rowCount() - 1 if current < 0 else max(current - 1, 0))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.claimSelected.emit(current.row() if current.isValid() else -1)
