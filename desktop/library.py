"""The library pane: what the archive holds, as a sidebar of entries over the list of the chosen entry's items.

The sidebar lists the library (all articles, all sources), the filters (claims
not verified, sources not attached, extraction failed), the collections and the
tags, each with its count.  Below it, the items of the chosen entry: articles
with their claims counted by status, documents with their kind, pages and
extraction status.  The list loads lazily, a page at a time, from
:mod:`archive.library`, so an archive of thousands of items opens at once.

Collections are made and changed here: "+" (or the context menu) makes one and
opens its name for editing; rows dragged from the list onto a collection, or
sent there with "Add to collection", join it.  Every change goes through the
:class:`~desktop.tasks.TaskRunner`; reads are single, small queries on the UI
thread.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Sequence

from PySide6.QtCore import (QAbstractItemModel, QAbstractListModel, QByteArray, QItemSelectionModel, QMimeData,
                            QModelIndex, QPersistentModelIndex, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal)
from PySide6.QtGui import QAction, QColor, QFontMetricsF, QKeySequence, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListView, QMenu,
                               QMessageBox, QSplitter, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QToolButton, QTreeView, QVBoxLayout, QWidget)
from sqlmodel import Session

from archive import library
from archive.collections import CollectionSummary, add_items, create_collection, delete_collection, remove_items, \
    rename_collection
from archive.store import Archive
from desktop import theme
from desktop.formatting import format_date, plural
from desktop.painting import draw_lines, line_height, wrap_lines
from desktop.tasks import TaskRunner

MIME_TYPE = "application/x-footnote-items"
PAGE_SIZE = 200

EntryRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3
TypeRole = Qt.ItemDataRole.UserRole + 4
SectionRole = Qt.ItemDataRole.UserRole + 5

_Index = QModelIndex | QPersistentModelIndex

FILTER_LABELS = {
    "unverified": ("Claims not verified", "Articles with at least one claim not verified or confirmed"),
    "unattached": ("Sources not attached", "Articles citing a source that has no document yet"),
    "failed": ("Extraction failed", "Source documents whose text could not be read"),
}
# A filter with something in it gets the colour of the claim status it is about (and always its number).
FILTER_STATUS = {"unverified": "partial", "unattached": "no_source", "failed": "not_found"}
KIND_LABELS = {"pdf": "PDF", "html": "Web page", "text": "Text", "markdown": "Markdown"}
STATUS_SYMBOLS = {"verified": "✓", "partial": "◐", "not_found": "✕", "no_source": "○"}
STATUS_WORDS = {"verified": "verified", "partial": "partial", "not_found": "not found", "no_source": "no source"}


# --- what the sidebar offers ----------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One choice in the sidebar: ``kind`` is articles, documents, filter, collection or tag; ``key`` which one."""

    kind: str
    key: str = ""
    label: str = field(default="", compare=False)

    @property
    def is_collection(self) -> bool:
        return self.kind == "collection"


ALL_ARTICLES = Entry("articles", label="All articles")
ALL_DOCUMENTS = Entry("documents", label="All sources")


@dataclass(frozen=True)
class _Segment:
    """One kind of item in a listing and how to count and page it (a collection has two)."""

    item_type: str  # "article" | "document"
    count: Callable[[Session], int]
    page: Callable[[Session, int, int], list[dict[str, Any]]]


def _articles(**where: Any) -> _Segment:
    return _Segment("article", lambda s: library.count_articles(s, **where),
                    lambda s, offset, limit: library.page_articles(s, offset, limit, **where))


def _documents(**where: Any) -> _Segment:
    return _Segment("document", lambda s: library.count_documents(s, **where),
                    lambda s, offset, limit: library.page_documents(s, offset, limit, **where))


def segments(entry: Entry) -> list[_Segment]:
    """What ``entry`` lists, in order: a collection lists its articles, then its documents."""
    if entry.kind == "articles":
        return [_articles()]
    if entry.kind == "documents":
        return [_documents()]
    if entry.kind == "filter":
        return [_articles(filter=entry.key)] if entry.key in library.ARTICLE_FILTERS else [
            _documents(filter=entry.key)]
    if entry.kind == "collection":
        return [_articles(collection_id=entry.key), _documents(collection_id=entry.key)]
    if entry.kind == "tag":
        return [_articles(tag=entry.key)]
    return []


def encode_items(items: Iterable[tuple[str, str]]) -> QMimeData:
    """``(item_type, id)`` pairs as a drag payload of :data:`MIME_TYPE`."""
    mime = QMimeData()
    payload = [{"type": kind, "id": item_id} for kind, item_id in items]
    mime.setData(MIME_TYPE, QByteArray(json.dumps(payload).encode("utf-8")))
    return mime


def decode_items(mime: QMimeData) -> list[tuple[str, str]]:
    """The ``(item_type, id)`` pairs of a drag payload; empty when it is not ours or is malformed."""
    if not mime.hasFormat(MIME_TYPE):
        return []
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode("utf-8"))
        return [(str(item["type"]), str(item["id"])) for item in payload
                if item.get("type") in ("article", "document") and item.get("id")]
    except (ValueError, TypeError, AttributeError, KeyError):
        return []


# --- the sidebar ------------------------------------------------------------------


@dataclass
class _Row:
    label: str
    entry: Entry | None = None  # None: a hint row, e.g. "No collections yet"
    count: int | None = None
    tooltip: str = ""
    tint: str | None = None  # a claim status whose colour the count takes


SECTIONS = ("Library", "Filters", "Collections", "Tags")
COLLECTIONS = SECTIONS.index("Collections")


class SidebarModel(QAbstractItemModel):
    """Sections (top level) and their entries; column 0 is the name, column 1 the count.

    Indexes of sections carry internal id 0, those of entries their section's row + 1.
    """

    renameRequested = Signal(str, str)  # collection id, new name
    itemsDropped = Signal(str, list)  # collection id, [(item_type, id)]

    def __init__(self, parent: QWidget | None = None, *, writable: bool = True) -> None:
        super().__init__(parent)
        self.writable = writable
        self._sections: list[list[_Row]] = [[] for _ in SECTIONS]

    # building

    def set_counts(self, counts: library.SidebarCounts) -> bool:
        """Show ``counts``; returns True if rows came or went (the model was reset), False if only numbers changed."""
        sections = self._rows_for(counts)
        if [[r.entry for r in rows] for rows in sections] == [[r.entry for r in rows] for rows in self._sections] \
                and all(a.label == b.label for new, old in zip(sections, self._sections) for a, b in zip(new, old)):
            self._sections = sections
            for number, rows in enumerate(sections):
                if rows:
                    self.dataChanged.emit(self.index(0, 0, self.section_index(number)),
                                          self.index(len(rows) - 1, 1, self.section_index(number)))
            return False
        self.beginResetModel()
        self._sections = sections
        self.endResetModel()
        return True

    @staticmethod
    def _rows_for(counts: library.SidebarCounts) -> list[list[_Row]]:
        library_rows = [
            _Row(ALL_ARTICLES.label, ALL_ARTICLES, counts.articles, "Every article in the archive"),
            _Row(ALL_DOCUMENTS.label, ALL_DOCUMENTS, counts.documents, "Every source document in the archive"),
        ]
        filter_rows = [
            _Row(label, Entry("filter", name, label), counts.filters.get(name, 0), tip,
                 FILTER_STATUS[name] if counts.filters.get(name) else None)
            for name, (label, tip) in FILTER_LABELS.items()]
        collection_rows = [
            _Row(c.name, Entry("collection", c.id, c.name), c.articles + c.documents, _collection_tip(c))
            for c in counts.collections] or [
            _Row("No collections yet", tooltip="Make one with + and drag articles or sources onto it")]
        tag_rows = [
            _Row(t.tag, Entry("tag", t.tag, t.tag), t.articles,
                 f"{plural(t.claims, 'claim')} in {plural(t.articles, 'article')} tagged “{t.tag}”")
            for t in counts.tags] or [_Row("No tags yet", tooltip="Tag claims in the claims panel")]
        return [library_rows, filter_rows, collection_rows, tag_rows]

    # finding

    def section_index(self, number: int, column: int = 0) -> QModelIndex:
        return self.createIndex(number, column, 0)

    def index_of(self, entry: Entry | None, column: int = 0) -> QModelIndex:
        for number, rows in enumerate(self._sections):
            for row, item in enumerate(rows):
                if entry is not None and item.entry == entry:
                    return self.createIndex(row, column, number + 1)
        return QModelIndex()

    def entry(self, index: _Index) -> Entry | None:
        row = self._row(index)
        return row.entry if row is not None else None

    def entries(self, kind: str) -> list[Entry]:
        return [r.entry for rows in self._sections for r in rows if r.entry is not None and r.entry.kind == kind]

    def count(self, entry: Entry) -> int | None:
        index = self.index_of(entry)
        row = self._row(index)
        return row.count if row is not None else None

    def _row(self, index: _Index) -> _Row | None:
        if not index.isValid() or index.internalId() == 0:
            return None
        rows = self._sections[index.internalId() - 1]
        return rows[index.row()] if 0 <= index.row() < len(rows) else None

    # QAbstractItemModel

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        return self.createIndex(row, column, 0 if not parent.isValid() else parent.row() + 1)

    def parent(self, index: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(SECTIONS)
        if parent.internalId() == 0 and parent.column() == 0:
            return len(self._sections[parent.row()])
        return 0

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 2

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            name = SECTIONS[index.row()]
            if role == SectionRole:
                return True
            if index.column() == 0 and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return name
            return None
        row = self._row(index)
        if row is None:
            return None
        if role == SectionRole:
            return False
        if role == EntryRole:
            return row.entry
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tooltip or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return row.label if row.count is None else f"{row.label}, {row.count}"
        if index.column() == 0 and role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.label
        if index.column() == 1 and role == Qt.ItemDataRole.DisplayRole:
            return None if row.count is None else str(row.count)
        if role == TypeRole:
            return row.tint
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == 0:
            return Qt.ItemFlag.ItemIsEnabled
        row = self._row(index)
        if row is None or row.entry is None:
            return Qt.ItemFlag.ItemNeverHasChildren
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if row.entry.is_collection and self.writable:
            flags |= Qt.ItemFlag.ItemIsDropEnabled
            if index.column() == 0:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self._row(index)
        if role != Qt.ItemDataRole.EditRole or row is None or row.entry is None or not row.entry.is_collection:
            return False
        name = " ".join(str(value or "").split())
        if not name or name == row.label:
            return False
        row.label = name  # shown at once; the archive's answer comes with the next refresh
        self.dataChanged.emit(index, index)
        self.renameRequested.emit(row.entry.key, name)
        return True

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def canDropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int,
                        parent: _Index) -> bool:
        entry = self.entry(parent)
        return (self.writable and row == -1 and entry is not None and entry.is_collection
                and bool(decode_items(data)))

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: _Index) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        self.itemsDropped.emit(self.entry(parent).key, decode_items(data))
        return True


def _collection_tip(collection: CollectionSummary) -> str:
    return (f"{plural(collection.articles, 'article')} and {plural(collection.documents, 'source')} — "
            "drop articles or sources here to add them")


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


# --- the item list ----------------------------------------------------------------


class ItemListModel(QAbstractListModel):
    """The items of one :class:`Entry`, read a page at a time as the view scrolls (``canFetchMore``/``fetchMore``).

    Rows are the dicts of :func:`archive.library.page_articles` / ``page_documents``
    with ``type`` ("article" or "document") added.
    """

    def __init__(self, archive: Archive, parent: QWidget | None = None, *, page_size: int = PAGE_SIZE) -> None:
        super().__init__(parent)
        self.archive = archive
        self.page_size = page_size
        self.entry: Entry | None = None
        self.pages_read = 0  # how many page queries ran (for tests and curiosity)
        self._segments: list[_Segment] = []
        self._totals: list[int] = []
        self._rows: list[dict[str, Any]] = []

    def set_entry(self, entry: Entry | None, *, at_least: int = 0) -> None:
        """List ``entry``'s items, reading the first page (or ``at_least`` rows, to keep a scrolled list's place)."""
        self.beginResetModel()
        self.entry = entry
        self._segments = segments(entry) if entry is not None else []
        self._rows = []
        with self.archive.read_session() as session:
            self._totals = [segment.count(session) for segment in self._segments]
            self._rows = self._read(session, max(at_least, self.page_size))
        self.endResetModel()

    def total(self) -> int:
        """How many items the entry has (rows not read yet included)."""
        return sum(self._totals)

    def item(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def row_of(self, item_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r["id"] == item_id), -1)

    def _read(self, session: Session, wanted: int) -> list[dict[str, Any]]:
        """Up to ``wanted`` rows after those already read, crossing from one segment into the next."""
        read: list[dict[str, Any]] = []
        start = 0
        for number, segment in enumerate(self._segments):
            have = len(self._rows) + len(read)
            end = start + self._totals[number]
            if have < end and len(read) < wanted:
                offset = have - start
                limit = min(wanted - len(read), end - have)
                rows = segment.page(session, offset, limit)
                self.pages_read += 1
                if len(rows) < limit:  # fewer than counted: the archive changed since; believe the rows
                    self._totals[number] = offset + len(rows)
                read.extend({**row, "type": segment.item_type} for row in rows)
            start += self._totals[number]
        return read

    # QAbstractListModel

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self.total()

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self.canFetchMore(parent):
            return
        with self.archive.read_session() as session:
            rows = self._read(session, self.page_size)
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item["title"]
        if role == ItemRole:
            return item
        if role == IdRole:
            return item["id"]
        if role == TypeRole:
            return item["type"]
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(item)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{item['title']}. {_describe(item)}"
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemNeverHasChildren)

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        rows = sorted({i.row() for i in indexes if i.isValid()})
        mime = encode_items((self._rows[r]["type"], self._rows[r]["id"]) for r in rows)
        mime.setText("\n".join(self._rows[r]["title"] for r in rows))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


def _status_counts(item: dict[str, Any]) -> list[tuple[str, int]]:
    return [(status, item[status]) for status in ("verified", "partial", "not_found", "no_source") if item[status]]


def _describe(item: dict[str, Any]) -> str:
    """The row's facts in words (tooltip and screen readers)."""
    if item["type"] == "article":
        counts = ", ".join(f"{n} {STATUS_WORDS[s]}" for s, n in _status_counts(item))
        parts = [format_date(item["published"]), item["category"] or "",
                 plural(item["claims"], "claim") + (f": {counts}" if counts else "")]
    else:
        parts = [KIND_LABELS.get(item["kind"], item["kind"]),
                 plural(item["pages"], "page") if item["pages"] else "", _document_status(item)]
    return " · ".join(p for p in parts if p)


def _document_status(item: dict[str, Any]) -> str:
    return "text extracted" if item["status"] == "ok" else item["reason"]


def _tooltip(item: dict[str, Any]) -> str:
    return f"{item['title']}\n{_describe(item)}"


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


# --- the pane ---------------------------------------------------------------------


class LibraryPane(QWidget):
    """The left of the window: sidebar above, the chosen entry's items below.

    ``articleActivated``/``documentActivated`` carry the id of the item the user
    chose.  Call :meth:`refresh` after anything changed the archive.
    """

    articleActivated = Signal(str)
    documentActivated = Signal(str)
    message = Signal(str)  # what a change did, or why it failed (for a status bar)

    NEW_NAME = "New collection"

    def __init__(self, archive: Archive, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("libraryPane")
        self.archive = archive
        self.runner = runner
        self.writable = not archive.read_only
        self.collections: list[CollectionSummary] = []
        self._entry: Entry = ALL_ARTICLES
        self._chosen: tuple[str, str] | None = None  # (type, id) last announced
        self._quiet = False  # selection changes made by code, not by the user
        self._fitted = False  # the splitter follows the sidebar's size until the user moves it

        self.sidebar_model = SidebarModel(self, writable=self.writable)
        self.sidebar_model.renameRequested.connect(self.rename_collection)
        self.sidebar_model.itemsDropped.connect(self._on_dropped)
        self.sidebar = SidebarView()
        self.sidebar.setModel(self.sidebar_model)
        self.sidebar.selectionModel().currentChanged.connect(self._on_entry_changed)
        self.sidebar.customContextMenuRequested.connect(self._sidebar_context_menu)
        self.sidebar.deleteRequested.connect(self._delete_current)
        self.new_collection_button: QToolButton | None = None

        self.items = ItemListModel(archive, self)
        self.list = ItemListView()
        self.list.setModel(self.items)
        self.list.selectionModel().currentChanged.connect(self._on_item_changed)
        self.list.activated.connect(self._on_item_activated)
        self.list.customContextMenuRequested.connect(self._list_context_menu)

        self.list_title = QLabel()
        self.list_title.setObjectName("paneTitle")
        self.list_count = QLabel()
        self.list_count.setObjectName("paneCount")
        header = QWidget()
        header.setObjectName("libraryListHeader")
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(14, 9, 14, 7)
        header_layout.setSpacing(6)
        header_layout.addWidget(self.list_title, 0)
        header_layout.addWidget(self.list_count, 0)
        header_layout.addStretch(1)
        self.empty_note = QLabel()
        self.empty_note.setObjectName("emptyNote")
        self.empty_note.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.empty_note.setWordWrap(True)
        self.notice = QLabel()
        self.notice.setObjectName("libraryNotice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)

        lower = QWidget()
        lower.setObjectName("libraryItems")
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.setSpacing(0)
        lower_layout.addWidget(header)
        lower_layout.addWidget(self.list, 1)
        lower_layout.addWidget(self.empty_note, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("librarySplit")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.splitterMoved.connect(self._on_splitter_moved)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.notice)
        self.sidebar.setMinimumHeight(120)
        lower.setMinimumHeight(160)

        self.refresh()

    # --- reading ---------------------------------------------------------------

    @property
    def current_entry(self) -> Entry:
        return self._entry

    def refresh(self) -> None:
        """Read the counts and the chosen entry's items again, keeping the entry, the chosen item and the place."""
        with self.archive.read_session() as session:
            counts = library.sidebar_counts(session)
        self.collections = counts.collections
        current = self._entry
        if self.sidebar_model.set_counts(counts):
            self.sidebar.expandAll()
            self._install_new_button()
        if not self.sidebar_model.index_of(current).isValid():
            current = ALL_ARTICLES
        self._select_entry(current)
        self._show_entry(current, keep=current == self._entry)
        self._fit_sidebar()

    def choose(self, entry: Entry) -> bool:
        """Show ``entry`` as if the user had clicked it; False if the sidebar has no such entry."""
        index = self.sidebar_model.index_of(entry)
        if not index.isValid():
            return False
        self.sidebar.setCurrentIndex(index)
        return True

    def select_item(self, item_id: str) -> bool:
        """Make ``item_id`` the chosen row if it is listed (read so far); announces it like a click would."""
        row = self.items.row_of(item_id)
        if row < 0:
            return False
        self.list.selectionModel().setCurrentIndex(self.items.index(row),
                                                   QItemSelectionModel.SelectionFlag.ClearAndSelect)
        return True

    def current_item(self) -> dict[str, Any] | None:
        index = self.list.currentIndex()
        return self.items.item(index.row()) if index.isValid() else None

    def _select_entry(self, entry: Entry) -> None:
        self._quiet = True
        try:
            index = self.sidebar_model.index_of(entry)
            self.sidebar.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        finally:
            self._quiet = False

    def _on_entry_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        entry = self.sidebar_model.entry(current)
        if entry is None:  # a heading or a hint: keep showing (and highlighting) the entry shown
            QTimer.singleShot(0, lambda: self._select_entry(self._entry))
        elif entry != self._entry:
            self._show_entry(entry, keep=False)

    def _show_entry(self, entry: Entry, *, keep: bool) -> None:
        """List ``entry``; with ``keep``, as many rows as before, the same chosen item and scroll position."""
        chosen = self.current_item() if keep else None
        scroll = self.list.verticalScrollBar().value() if keep else 0
        self._entry = self.sidebar_model.entry(self.sidebar_model.index_of(entry)) or entry
        self._quiet = True
        try:
            self.items.set_entry(self._entry, at_least=self.items.rowCount() if keep else 0)
            if chosen is not None:
                row = self.items.row_of(chosen["id"])
                if row >= 0:
                    self.list.selectionModel().setCurrentIndex(self.items.index(row),
                                                               QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._quiet = False
        if keep:
            self.list.verticalScrollBar().setValue(scroll)
        else:
            self.list.scrollToTop()
        total = self.items.total()
        self.list_title.setText(f"Tagged “{self._entry.label}”" if self._entry.kind == "tag" else self._entry.label)
        self.list_count.setText(str(total))
        self.list.setVisible(total > 0)
        self.empty_note.setVisible(total == 0)
        self.empty_note.setText(_empty_text(self._entry))

    def _on_item_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self._quiet and current.isValid():
            self._announce(self.items.item(current.row()), again=False)

    def _on_item_activated(self, index: QModelIndex) -> None:
        """Enter or a double click: announce the item even if it was the last one announced (to show it again)."""
        if index.isValid():
            self._announce(self.items.item(index.row()), again=True)

    def _announce(self, item: dict[str, Any], *, again: bool) -> None:
        chosen = (item["type"], item["id"])
        if chosen == self._chosen and not again:
            return
        self._chosen = chosen
        (self.articleActivated if item["type"] == "article" else self.documentActivated).emit(item["id"])

    # --- layout ----------------------------------------------------------------

    def _install_new_button(self) -> None:
        """The "+" beside the Collections heading (a model reset takes index widgets away, so made anew)."""
        if not self.writable:
            return
        button = QToolButton()
        button.setObjectName("newCollection")
        button.setText("+")
        button.setToolTip("New collection")
        button.setAccessibleName("New collection")
        button.setAutoRaise(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.clicked.connect(lambda: self.new_collection())
        holder = QWidget()
        holder.setObjectName("newCollectionHolder")
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 6, 10, 0)
        holder_layout.addStretch(1)
        holder_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        self.sidebar.setIndexWidget(self.sidebar_model.section_index(COLLECTIONS, 1), holder)
        self.new_collection_button = button

    def _fit_sidebar(self) -> None:
        if self._fitted:
            return
        total = sum(self.splitter.sizes()) or self.height()
        top = min(self.sidebar.content_height(), max(int(total * 0.55), 120))
        self.splitter.setSizes([top, max(total - top, 160)])

    def _on_splitter_moved(self, *_args: int) -> None:
        self._fitted = True

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._fit_sidebar()

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_sidebar()

    # --- menus -----------------------------------------------------------------

    def sidebar_menu(self, index: QModelIndex) -> QMenu:
        """The context menu for sidebar row ``index`` (shown by a right click; tests trigger its actions)."""
        menu = QMenu(self)
        entry = self.sidebar_model.entry(index)
        if entry is not None and entry.is_collection:
            rename = menu.addAction("Rename", lambda: self.sidebar.edit(self.sidebar_model.index_of(entry)))
            delete = menu.addAction("Delete…", lambda: self.delete_collection(entry.key))
            rename.setEnabled(self.writable)
            delete.setEnabled(self.writable)
            menu.addSeparator()
        new = menu.addAction("New collection", lambda: self.new_collection())
        new.setEnabled(self.writable)
        return menu

    def item_menu(self, items: list[dict[str, Any]]) -> QMenu:
        """The context menu for chosen list rows: open, add to a collection, remove from this one."""
        menu = QMenu(self)
        if len(items) == 1:
            menu.addAction("Open", lambda: self._announce(items[0], again=True))
            menu.addSeparator()
        pairs = [(item["type"], item["id"]) for item in items]
        add = menu.addMenu("Add to collection")
        add.setObjectName("addToCollection")
        for collection in self.collections:
            if self._entry.is_collection and collection.id == self._entry.key:
                continue
            add.addAction(collection.name, lambda cid=collection.id: self.add_to_collection(cid, pairs))
        if add.actions():
            add.addSeparator()
        add.addAction("New collection…", lambda: self.new_collection(pairs))
        add.menuAction().setEnabled(self.writable and bool(items))
        if self._entry.is_collection:
            remove = menu.addAction(f"Remove from “{self._entry.label}”",
                                    lambda cid=self._entry.key: self.remove_from_collection(cid, pairs))
            remove.setEnabled(self.writable)
        return menu

    def chosen_items(self) -> list[dict[str, Any]]:
        rows = sorted(i.row() for i in self.list.selectionModel().selectedRows())
        return [self.items.item(row) for row in rows]

    def _sidebar_context_menu(self, pos: QPoint) -> None:
        self.sidebar_menu(self.sidebar.indexAt(pos)).exec(self.sidebar.viewport().mapToGlobal(pos))

    def _list_context_menu(self, pos: QPoint) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        if not self.list.selectionModel().isSelected(index):
            self.list.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.item_menu(self.chosen_items()).exec(self.list.viewport().mapToGlobal(pos))

    # --- changing collections (all through the task runner) -------------------

    def new_collection(self, items: Sequence[tuple[str, str]] = ()) -> None:
        """Make a collection (with ``items`` in it), show it and open its name for editing."""
        if not self.writable:
            return
        taken = {c.name.lower() for c in self.collections}
        name = next(n for n in (self.NEW_NAME, *(f"{self.NEW_NAME} {i}" for i in range(2, 10_000)))
                    if n.lower() not in taken)
        ids = [item_id for _, item_id in items]
        archive = self.archive

        def work(_progress: Any, _token: Any) -> str:
            collection_id = create_collection(archive, name)
            if ids:
                add_items(archive, collection_id, ids)
            return collection_id

        self._submit("Making a collection", work, self._after_create)

    def _after_create(self, collection_id: str) -> None:
        self.refresh()
        entry = Entry("collection", collection_id)
        if self.choose(entry):
            index = self.sidebar_model.index_of(entry)
            self.sidebar.scrollTo(index)
            self.sidebar.setFocus()
            self.sidebar.edit(index)

    def rename_collection(self, collection_id: str, name: str) -> None:
        archive = self.archive
        self._submit(f"Renaming a collection to “{name}”",
                     lambda _p, _t: rename_collection(archive, collection_id, name), lambda _old: self.refresh())

    def delete_collection(self, collection_id: str) -> None:
        """Ask, then delete the collection (its articles and sources stay in the archive)."""
        collection = next((c for c in self.collections if c.id == collection_id), None)
        if collection is None or not self.writable or not self._confirm_delete(collection):
            return
        archive = self.archive

        def done(_result: Any) -> None:
            self.refresh()  # shows all articles if the deleted collection was the one shown
            self._tell(f"Deleted the collection “{collection.name}”.")

        self._submit(f"Deleting the collection “{collection.name}”",
                     lambda _p, _t: delete_collection(archive, collection_id), done)

    def _confirm_delete(self, collection: CollectionSummary) -> bool:
        box = QMessageBox(self)
        box.setObjectName("confirmDelete")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Delete collection")
        box.setText(f"Delete the collection “{collection.name}”?")
        count = collection.articles + collection.documents
        box.setInformativeText(
            (f"Its {plural(count, 'item')} stay in the archive; only the collection goes." if count else
             "It is empty.") + " This cannot be undone.")
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.exec()
        return box.clickedButton() is delete

    def _delete_current(self) -> None:
        entry = self.sidebar_model.entry(self.sidebar.currentIndex())
        if entry is not None and entry.is_collection:
            self.delete_collection(entry.key)

    def add_to_collection(self, collection_id: str, items: Sequence[tuple[str, str]]) -> None:
        ids = [item_id for _, item_id in items]
        if not ids or not self.writable:
            return
        name = next((c.name for c in self.collections if c.id == collection_id), "the collection")
        archive = self.archive

        def done(added: list[str]) -> None:
            self.refresh()
            already = len(ids) - len(added)
            self._tell(f"Added {plural(len(added), 'item')} to “{name}”" +
                       (f" ({already} already there)." if already else "."))

        self._submit(f"Adding to “{name}”", lambda _p, _t: add_items(archive, collection_id, ids), done)

    def remove_from_collection(self, collection_id: str, items: Sequence[tuple[str, str]]) -> None:
        ids = [item_id for _, item_id in items]
        if not ids or not self.writable:
            return
        name = next((c.name for c in self.collections if c.id == collection_id), "the collection")
        archive = self.archive

        def done(_result: Any) -> None:
            self.refresh()
            self._tell(f"Removed {plural(len(ids), 'item')} from “{name}” (still in the archive).")

        self._submit(f"Removing from “{name}”", lambda _p, _t: remove_items(archive, collection_id, ids), done)

    def _on_dropped(self, collection_id: str, items: list) -> None:
        self.add_to_collection(collection_id, items)

    def _submit(self, label: str, work: Callable[[Any, Any], Any], on_done: Callable[[Any], None]) -> None:
        self.runner.submit(label, work, on_done=on_done, on_error=self._failed, cancellable=False)

    def _failed(self, error: BaseException) -> None:
        self._tell(str(error)[:1].upper() + str(error)[1:] + ".", error=True)
        self.refresh()  # undo what the sidebar showed ahead of the archive (e.g. a refused name)

    def _tell(self, text: str, *, error: bool = False) -> None:
        self.notice.setText(text)
        self.notice.setProperty("error", error)
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)
        self.notice.show()
        self._notice_timer.start(8000 if error else 4000)
        self.message.emit(text)


def _empty_text(entry: Entry) -> str:
    if entry.kind == "articles":
        return "No articles yet.\n\nImport a digest with\nfootnote import FILE"
    if entry.kind == "documents":
        return "No source documents yet.\n\nImport PDFs or web pages with\nfootnote import FILE"
    if entry.kind == "filter":
        return {"unverified": "Every claim is verified.", "unattached": "Every cited source has its document.",
                "failed": "Every source document was read."}.get(entry.key, "Nothing here.")
    if entry.kind == "collection":
        return ("This collection is empty.\n\nDrag articles or sources onto its name above, or right-click "
                "them and choose Add to collection.")
    return "Nothing here."
