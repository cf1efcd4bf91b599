"""The left pane: every article in the archive, newest first, as title, date and claim count."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop import theme
from desktop.formatting import format_date, plural
from desktop.painting import draw_lines, line_height, wrap_lines

ArticleRole = Qt.ItemDataRole.UserRole + 1
IdRole = Qt.ItemDataRole.UserRole + 2

_Index = QModelIndex | QPersistentModelIndex


class ArticleListModel(QAbstractListModel):
    """Rows from :func:`archive.queries.list_articles`; the view never touches the database."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._articles: list[dict[str, Any]] = []

    def set_articles(self, articles: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._articles = list(articles)
        self.endResetModel()

    def article(self, row: int) -> dict[str, Any]:
        return self._articles[row]

    def row_of(self, article_id: str) -> int:
        return next((i for i, a in enumerate(self._articles) if a["id"] == article_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._articles)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._articles):
            return None
        article = self._articles[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return article["title"]
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return " · ".join(x for x in (article["title"], _meta(article)) if x)
        if role == ArticleRole:
            return article
        if role == IdRole:
            return article["id"]
        return None


def _meta(article: dict[str, Any]) -> str:
    return " · ".join(x for x in (format_date(article["published"]), plural(article["claims"], "claim")) if x)


class ArticleDelegate(QStyledItemDelegate):
    """Draws an article as a small card: its title (up to three lines), then date and claim count."""

    PAD_X, PAD_Y, GAP, TITLE_LINES = 14, 11, 4, 3

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view
        self.title_font = theme.ui_font(10.5, bold=True)
        self.meta_font = theme.ui_font(9)

    def _row_width(self) -> int:
        """The view's width less a scroll bar, shown or not, so rows keep their height when one appears."""
        view = self._view
        return view.width() - 2 * view.frameWidth() - view.verticalScrollBar().sizeHint().width()

    def _text_width(self) -> float:
        return max(self._row_width() - 2 * self.PAD_X, 40)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        lines = wrap_lines(index.data(Qt.ItemDataRole.DisplayRole) or "", self.title_font, self._text_width(),
                           self.TITLE_LINES)
        height = (2 * self.PAD_Y + max(len(lines), 1) * line_height(self.title_font)
                  + self.GAP + line_height(self.meta_font))
        return QSize(self._row_width(), int(height + 1))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        article = index.data(ArticleRole)
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
        lines = wrap_lines(article["title"], self.title_font, width, self.TITLE_LINES)
        y = draw_lines(painter, lines, self.title_font, left, rect.top() + self.PAD_Y, width)
        painter.setPen(theme.MUTED)
        draw_lines(painter, [_meta(article)], self.meta_font, left, y + self.GAP, width)
        painter.restore()


class ArticleListView(QListView):
    """A list view whose rows re-wrap when the pane is resized."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleList")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setItemDelegate(ArticleDelegate(self))
