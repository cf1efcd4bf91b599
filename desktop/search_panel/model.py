"""The results model: one search's hits flattened into rows, a header per document followed by its hits.

Qt-model bookkeeping only; :mod:`desktop.search_panel.delegate` draws the rows.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop.formatting import plural
from desktop.search_panel.snippet import parse_snippet
from desktop.search_panel.style import type_style

# --- the model ---------------------------------------------------------------------

HitRole = Qt.ItemDataRole.UserRole + 1
KindRole = Qt.ItemDataRole.UserRole + 2  # "group" or "hit"
RowRole = Qt.ItemDataRole.UserRole + 3  # the _Row itself, for the delegate

_Index = QModelIndex | QPersistentModelIndex


@dataclass(eq=False)
class _Row:
    kind: str  # "group" | "hit"
    title: str
    doc_type: str  # the group's kind: "article" or "source"
    hit: Any = None  # the Hit of a hit row
    count: int = 0  # hits in the group (group rows)
    first: bool = False  # the first group (no gap above it)
    plain: str = ""  # the snippet as plain text (hit rows)
    marks: list[tuple[int, int]] = field(default_factory=list)


class SearchResultsModel(QAbstractListModel):
    """The hits of one :class:`~archive.search.query.SearchResult`, flattened: a header row per document, then its hits.

    Header rows can be neither selected nor activated; hit rows carry their Hit in :data:`HitRole`.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []
        self._groups: list[tuple[str, list[Any]]] = []

    def set_result(self, result: Any | None) -> None:
        self.beginResetModel()
        self._rows = []
        self._groups = result.grouped() if result is not None else []
        for number, (_document, hits) in enumerate(self._groups):
            kinds = {hit.type for hit in hits}
            doc_type = "source" if kinds <= {"source"} else "article"
            self._rows.append(_Row("group", hits[0].title or "(untitled)", doc_type, count=len(hits),
                                   first=number == 0))
            for hit in hits:
                plain, marks = parse_snippet(hit.snippet)
                self._rows.append(_Row("hit", hit.title, doc_type, hit=hit, plain=plain, marks=marks))
        self.endResetModel()

    def groups(self) -> list[tuple[str, list[Any]]]:
        """(document id, hits) in the order shown."""
        return list(self._groups)

    def hit(self, row: int) -> Any | None:
        return self._rows[row].hit if 0 <= row < len(self._rows) else None

    def is_hit(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].kind == "hit"

    def hit_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.kind == "hit"]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        if self._rows[index.row()].kind == "group":
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RowRole:
            return row
        if role == KindRole:
            return row.kind
        if role == HitRole:
            return row.hit
        if row.kind == "group":
            if role == Qt.ItemDataRole.DisplayRole:
                return row.title
            if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
                return f"{type_style(row.doc_type).label}: {row.title} ({plural(row.count, 'hit')})"
            return None
        hit = row.hit
        if role == Qt.ItemDataRole.DisplayRole:
            return row.plain
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f", page {hit.page}" if hit.page is not None else ""
            return (f"<div style='max-width:420px'><b>{html.escape(type_style(hit.type).label)}</b>{where} · "
                    f"{html.escape(hit.title)}<p style='margin:4px 0 0 0'>{hit.snippet}</p>"
                    f"<p style='margin:4px 0 0 0; color:#57606a'>Enter or double-click to open</p></div>")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            where = f", page {hit.page}" if hit.page is not None else ""
            return f"{type_style(hit.type).label} in {hit.title}{where}: {row.plain}"
        return None
