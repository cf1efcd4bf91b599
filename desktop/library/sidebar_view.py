"""How the sidebar looks: its tree view, the delegate that paints headings, entries and counts, and the icons.

Painting only; what the rows are comes from :mod:`desktop.library.sidebar_model`.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFontMetricsF, QKeySequence, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLineEdit, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem, QTreeView, QWidget)

from desktop import theme
from desktop.library.entries import Entry, EntryRole, SectionRole, TypeRole, _Index
from desktop.library.sidebar_model import FILTER_STATUS

class SidebarDelegate(QStyledItemDelegate):
    """Section headings in small capitals, entries with a small drawn icon, counts in pills."""

    SECTION_HEIGHT, ENTRY_HEIGHT, FIRST_SECTION_HEIGHT = 34, 28, 28
    PAD_X, ICON = 14, 14

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view
        self.section_font = theme.ui_font(7.5, bold=True)
        self.section_font.setLetterSpacing(self.section_font.SpacingType.AbsoluteSpacing, 0.8)
        self.entry_font = theme.ui_font(9.5)
        self.count_font = theme.ui_font(8)
        self.hint_font = theme.ui_font(9)
        self.hint_font.setItalic(True)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        if index.data(SectionRole):
            return QSize(10, self.FIRST_SECTION_HEIGHT if index.row() == 0 else self.SECTION_HEIGHT)
        return QSize(10, self.ENTRY_HEIGHT)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        editor.setObjectName("renameEditor")
        editor.setFont(self.entry_font)
        editor.setMaxLength(200)
        return editor

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: _Index) -> None:
        rect = option.rect.adjusted(self.PAD_X + self.ICON + 4, 2, -2, -2)
        editor.setGeometry(rect)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        rect = QRectF(option.rect)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if index.data(SectionRole):
            if index.column() == 0:
                painter.setFont(self.section_font)
                painter.setPen(theme.MUTED)
                text_rect = QRectF(rect.left() + self.PAD_X, rect.top(), rect.width() - self.PAD_X, rect.height() - 5)
                painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                                 str(index.data()).upper())
            painter.restore()
            return
        entry = index.data(EntryRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected) and entry is not None
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver) and entry is not None
        if selected:
            painter.fillRect(rect, theme.SELECTION)
        elif hovered:
            painter.fillRect(rect, theme.HOVER)
        if index.column() == 0:
            self._paint_name(painter, rect, index, entry, selected)
        else:
            self._paint_count(painter, rect, index, selected)
        painter.restore()

    def _paint_name(self, painter: QPainter, rect: QRectF, index: _Index, entry: Entry | None,
                    selected: bool) -> None:
        if selected:
            painter.fillRect(QRectF(rect.left(), rect.top(), 3, rect.height()), theme.ACCENT)
        left = rect.left() + self.PAD_X
        if entry is None:  # a hint
            painter.setFont(self.hint_font)
            painter.setPen(theme.FAINT)
            painter.drawText(QRectF(left + self.ICON + 8, rect.top(), rect.width() - left - self.ICON, rect.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), str(index.data()))
            return
        icon = QRectF(left, rect.center().y() - self.ICON / 2, self.ICON, self.ICON)
        _draw_icon(painter, icon, entry, index.siblingAtColumn(1).data(TypeRole), selected)
        painter.setFont(self.entry_font)
        painter.setPen(theme.ACCENT if selected else theme.TEXT)
        text_left = icon.right() + 8
        width = rect.right() - text_left - 4
        text = QFontMetricsF(self.entry_font).elidedText(str(index.data()), Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRectF(text_left, rect.top(), width, rect.height()),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text)

    def _paint_count(self, painter: QPainter, rect: QRectF, index: _Index, selected: bool) -> None:
        text = index.data()
        if text is None:
            return
        tint = index.data(TypeRole)
        metrics = QFontMetricsF(self.count_font)
        width = max(metrics.horizontalAdvance(text) + 12, 22)
        pill = QRectF(rect.right() - 10 - width, rect.center().y() - 8, width, 16)
        if tint:
            style = theme.status_style(tint)
            background, ink = style.background, style.ink
        else:
            background, ink = (QColor("#d7e5f7") if selected else QColor("#e6e9ee")), \
                (theme.ACCENT if selected else theme.MUTED if text != "0" else theme.FAINT)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(pill, 8, 8)
        painter.setFont(self.count_font)
        painter.setPen(ink)
        painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)


def _draw_icon(painter: QPainter, rect: QRectF, entry: Entry, tint: str | None, selected: bool) -> None:
    """Small line icons drawn in code: a page, a page with a folded corner, a dot, a folder, a tag."""
    colour = theme.ACCENT if selected else theme.MUTED
    pen = QPen(colour, 1.3)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x, y, w, h = rect.left(), rect.top(), rect.width(), rect.height()
    if entry.kind == "articles":
        painter.drawRoundedRect(QRectF(x + 2, y + 1, w - 4, h - 2), 1.5, 1.5)
        for i in range(3):
            line_y = y + 4.5 + i * 2.6
            painter.drawLine(QPointF(x + 4.5, line_y), QPointF(x + w - (4.5 if i < 2 else 7), line_y))
    elif entry.kind == "documents":
        path = QPainterPath()
        path.moveTo(x + 2, y + 1)
        path.lineTo(x + w - 6, y + 1)
        path.lineTo(x + w - 2, y + 5)
        path.lineTo(x + w - 2, y + h - 1)
        path.lineTo(x + 2, y + h - 1)
        path.closeSubpath()
        painter.drawPath(path)
        painter.drawPolyline([QPointF(x + w - 6, y + 1), QPointF(x + w - 6, y + 5), QPointF(x + w - 2, y + 5)])
    elif entry.kind == "filter":
        ink = theme.status_style(FILTER_STATUS.get(entry.key, "no_source")).ink
        painter.setPen(QPen(ink if tint else theme.FAINT, 1.3))
        painter.setBrush(ink if tint else Qt.BrushStyle.NoBrush)
        painter.drawEllipse(rect.center(), 3.6, 3.6)
    elif entry.kind == "collection":
        path = QPainterPath()
        path.moveTo(x + 1, y + 3)
        path.lineTo(x + 5.5, y + 3)
        path.lineTo(x + 7, y + 4.8)
        path.lineTo(x + w - 1, y + 4.8)
        path.lineTo(x + w - 1, y + h - 2)
        path.lineTo(x + 1, y + h - 2)
        path.closeSubpath()
        painter.drawPath(path)
    elif entry.kind == "tag":
        path = QPainterPath()
        path.moveTo(x + 1.5, y + 2)
        path.lineTo(x + 7.5, y + 2)
        path.lineTo(x + w - 1.5, y + h / 2)
        path.lineTo(x + 7.5, y + h - 2)
        path.lineTo(x + 1.5, y + h - 2)
        path.closeSubpath()
        painter.drawPath(path)
        painter.drawEllipse(QPointF(x + 5, y + h / 2), 1.2, 1.2)


class SidebarView(QTreeView):
    """The sidebar: always expanded, no branch decorations, collections accept drops."""

    deleteRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("librarySidebar")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(0)
        self.setItemsExpandable(False)
        self.setExpandsOnDoubleClick(False)
        self.setAllColumnsShowFocus(False)  # the chosen row has its accent bar; no dotted focus frame
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDragDropOverwriteMode(True)  # always "onto" a collection, never between two
        self.setDropIndicatorShown(True)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegate(SidebarDelegate(self))
        delete = QAction("Delete collection", self)
        delete.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")])
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        delete.triggered.connect(self.deleteRequested)
        self.addAction(delete)

    def setModel(self, model: QAbstractItemModel | None) -> None:  # type: ignore[override]
        super().setModel(model)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, 58)

    def content_height(self) -> int:
        """The height that shows every row without scrolling."""
        model = self.model()
        delegate = self.itemDelegate()
        option = QStyleOptionViewItem()
        total = 2 * self.frameWidth() + 8
        for section in range(model.rowCount()):
            index = model.index(section, 0)
            total += delegate.sizeHint(option, index).height()
            for row in range(model.rowCount(index)):
                total += delegate.sizeHint(option, model.index(row, 0, index)).height()
        return total
