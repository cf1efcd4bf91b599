"""The library pane itself: the sidebar above the item list, and every change to collections.

It puts the models and views of the other modules together, keeps the chosen
entry and item across refreshes, offers the context menus, and sends changes to
the archive through the :class:`~desktop.tasks.TaskRunner`.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QMessageBox, QSplitter, QToolButton, QVBoxLayout, QWidget

from archive import library
from archive.collections import CollectionSummary, add_items, create_collection, delete_collection, remove_items, \
    rename_collection
from archive.store import Archive
from desktop.formatting import plural
from desktop.library.entries import ALL_ARTICLES, Entry, _empty_text
from desktop.library.item_model import ItemListModel
from desktop.library.item_view import ItemListView
from desktop.library.sidebar_model import COLLECTIONS, SidebarModel
from desktop.library.sidebar_view import SidebarView
from desktop.tasks import TaskRunner

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
        self.counts = counts  # the main window's status bar reads them too: one query for both
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

    def mark_open(self, kind: str, item_id: str) -> None:
        """Mark the item the window shows (opened from a search hit, a link, at start) as the chosen row,
        without announcing it again; no row is marked when it is not in the list shown."""
        self._chosen = (kind, item_id)
        current = self.current_item()
        if current is not None and current["id"] == item_id:
            return
        row = self.items.row_of(item_id)
        selection = self.list.selectionModel()
        self._quiet = True
        try:
            if row >= 0:
                selection.setCurrentIndex(self.items.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
                self.list.scrollTo(self.items.index(row))
            else:
                selection.clear()
        finally:
            self._quiet = False

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
