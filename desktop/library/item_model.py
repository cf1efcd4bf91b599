"""The item list's model: the chosen entry's articles or documents, read lazily a page at a time.

Also the words for a row's facts (tooltips, screen readers), which the
delegate in :mod:`desktop.library.item_view` shares.
"""

from __future__ import annotations

from typing import Any, Sequence

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, Qt
from PySide6.QtWidgets import QWidget
from sqlmodel import Session

from archive.store import Archive
from desktop.formatting import format_date, plural
from desktop.library.entries import Entry, IdRole, ItemRole, TypeRole, _Index, _Segment, segments
from desktop.library.mime import MIME_TYPE, encode_items

PAGE_SIZE = 200

KIND_LABELS = {"pdf": "PDF", "html": "Web page", "text": "Text", "markdown": "Markdown"}
STATUS_SYMBOLS = {"verified": "✓", "partial": "◐", "not_found": "✕", "no_source": "○"}
STATUS_WORDS = {"verified": "verified", "partial": "partial", "not_found": "not found", "no_source": "no source"}


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
