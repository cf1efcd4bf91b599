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

The package splits the pane by job: :mod:`~desktop.library.entries` (what the
sidebar offers and the queries behind it), :mod:`~desktop.library.mime` (the
drag payload), :mod:`~desktop.library.sidebar_model` and
:mod:`~desktop.library.sidebar_view`, :mod:`~desktop.library.item_model` and
:mod:`~desktop.library.item_view`, and :mod:`~desktop.library.pane` (the
:class:`LibraryPane`).  Everything is re-exported here, so
``from desktop.library import ...`` works as it always did.
"""

from __future__ import annotations

from desktop.library.entries import (ALL_ARTICLES, ALL_DOCUMENTS, Entry, EntryRole, IdRole, ItemRole, SectionRole,
                                     TypeRole, segments)
from desktop.library.item_model import KIND_LABELS, PAGE_SIZE, STATUS_SYMBOLS, STATUS_WORDS, ItemListModel
from desktop.library.item_view import ItemDelegate, ItemListView
from desktop.library.mime import MIME_TYPE, decode_items, encode_items
from desktop.library.pane import LibraryPane
from desktop.library.sidebar_model import COLLECTIONS, FILTER_LABELS, FILTER_STATUS, SECTIONS, SidebarModel
from desktop.library.sidebar_view import SidebarDelegate, SidebarView

__all__ = [
    "ALL_ARTICLES", "ALL_DOCUMENTS", "COLLECTIONS", "FILTER_LABELS", "FILTER_STATUS", "KIND_LABELS", "MIME_TYPE",
    "PAGE_SIZE", "SECTIONS", "STATUS_SYMBOLS", "STATUS_WORDS", "Entry", "EntryRole", "IdRole", "ItemDelegate",
    "ItemListModel", "ItemListView", "ItemRole", "LibraryPane", "SectionRole", "SidebarDelegate", "SidebarModel",
    "SidebarView", "TypeRole", "decode_items", "encode_items", "segments",
]

