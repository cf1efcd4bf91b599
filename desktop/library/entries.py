"""What the library lists: the sidebar's :class:`Entry` choices and the queries behind each.

Shared by the sidebar and the item list (hence its own module): an entry, the
item-data roles both models answer, and :func:`segments`, which turns an entry
into the counting and paging queries of :mod:`archive.library` (and into the
note shown when it lists nothing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from sqlmodel import Session

from archive import library

EntryRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3
TypeRole = Qt.ItemDataRole.UserRole + 4
SectionRole = Qt.ItemDataRole.UserRole + 5

_Index = QModelIndex | QPersistentModelIndex


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
