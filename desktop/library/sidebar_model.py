"""The sidebar's model: sections (library, filters, collections, tags) and their entries with counts.

It also takes renames of collections and drops of items onto them, and hands
both on as signals; :mod:`desktop.library.sidebar_view` draws it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from archive import library
from archive.collections import CollectionSummary
from desktop.formatting import plural
from desktop.library.entries import ALL_ARTICLES, ALL_DOCUMENTS, Entry, EntryRole, SectionRole, TypeRole, _Index
from desktop.library.mime import MIME_TYPE, decode_items

FILTER_LABELS = {
    "unverified": ("Claims not verified", "Articles with at least one claim not verified or confirmed"),
    "unattached": ("Sources not attached", "Articles citing a source that has no document yet"),
    "failed": ("Extraction failed", "Source documents whose text could not be read"),
}
# A filter with something in it gets the colour of the claim status it is about (and always its number).
FILTER_STATUS = {"unverified": "partial", "unattached": "no_source", "failed": "not_found"}


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
