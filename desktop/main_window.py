"""The main window: library and search on the left, the reader, the claims with their inspector,
and the source view on the right.

It owns the open :class:`~archive.store.Archive` (closed with the window), the
one :class:`~desktop.tasks.TaskRunner` that does all work on it off the UI
thread, and the undo stack of annotation edits.  Its job is wiring: the panes
know nothing of each other, and everything a user does that changes the
archive goes through the runner (imports, exports, index rebuilds) or through
an undoable command (edits).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from archive import __version__
from archive.errors import Cancelled, FootnoteError
from archive.queries import article_detail
from archive.store import Archive
from desktop.claims_panel import ClaimsPanel
from desktop.formatting import error_line, plural
from desktop.inspector import ClaimInspector
from desktop.library import LibraryPane
from desktop.reader import ReaderView, StatusLegend
from desktop.search_panel import SearchPanel
from desktop.source_view import SourceView
from desktop.task_status import TaskStatus
from desktop.tasks import TaskRunner
from desktop.undo import make_undo_stack

SETTINGS_ORGANIZATION = "Footnote"
SETTINGS_APPLICATION = "Footnote"
DEFAULT_SIZE = (1600, 1000)
DEFAULT_SPLIT = [290, 490, 320, 500]
RECENT_LIMIT = 8
RELATIONS = (("supports", "Supports"), ("contradicts", "Contradicts"), ("context", "Gives context"))


def _keys(standard: QKeySequence.StandardKey, *extra: str) -> list[QKeySequence]:
    """The platform's keys for ``standard`` plus ``extra``, each once (a key listed twice fires neither)."""
    keys: list[QKeySequence] = []
    for key in [*QKeySequence.keyBindings(standard), *map(QKeySequence, extra)]:
        if not key.isEmpty() and key not in keys:
            keys.append(key)
    return keys


def display_path(path: Path) -> str:
    """``path`` with the home folder shown as ``~``, as people write it."""
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def recent_archives(settings: QSettings) -> list[str]:
    value = settings.value("recent/archives", [])
    return [str(v) for v in (value if isinstance(value, list) else [value] if value else [])]


class MainWindow(QMainWindow):
    """Footnote's one window.  ``notice`` (e.g. why the archive is read-only) shows as a banner."""

    archiveRequested = Signal(str)  # the user chose another archive to open

    def __init__(self, archive: Archive, notice: str | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.archive = archive
        self.notice = notice
        self.settings = settings or QSettings(SETTINGS_ORGANIZATION, SETTINGS_APPLICATION)
        self.detail: dict[str, Any] | None = None
        self._keeping: str | None = None  # the claim chosen again while its article is read again
        self._made_claim: Any = None  # the MakeClaim command whose new claim gets chosen once it exists
        self.setWindowTitle("Footnote")
        self.setObjectName("mainWindow")
        self.setAcceptDrops(not archive.read_only)

        self.runner = TaskRunner(self)
        self.undo_stack = make_undo_stack(self)
        self.library = LibraryPane(archive, self.runner)
        self.search = SearchPanel(archive, self.runner)
        self.reader = ReaderView()
        self.legend = StatusLegend()
        self.claims = ClaimsPanel()
        self.inspector = ClaimInspector(archive, self.runner, self.undo_stack)
        self.source = SourceView(archive)

        self.left = QTabWidget()
        self.left.setObjectName("leftTabs")
        self.left.addTab(self.library, "Library")
        self.left.addTab(self.search, "Search")
        self.left.setDocumentMode(True)

        claims_column = QSplitter(Qt.Orientation.Vertical)
        claims_column.setObjectName("claimsColumn")
        claims_column.setChildrenCollapsible(False)
        claims_column.addWidget(self.claims)
        claims_column.addWidget(self.inspector)
        claims_column.setSizes([420, 480])
        self.claims_column = claims_column

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        for pane, stretch in ((self.left, 0), (self._reader_pane(), 1), (claims_column, 0), (self.source, 1)):
            self.splitter.addWidget(pane)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.left.setMinimumWidth(200)
        self.claims.setMinimumWidth(210)
        self.source.setMinimumWidth(240)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self._show_notice()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self._connect()
        self._make_actions()
        self._make_status_bar()
        self._restore_layout()
        self._remember_archive()
        self.reload(refresh_library=False)  # the library pane has just read its counts

    # --- building --------------------------------------------------------------

    def _reader_pane(self) -> QWidget:
        pane = QWidget()
        pane.setObjectName("readerPane")
        pane.setMinimumWidth(300)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend)
        layout.addWidget(self.reader, 1)
        self.reader.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.reader.customContextMenuRequested.connect(self._reader_menu)
        return pane

    def _connect(self) -> None:
        self.library.articleActivated.connect(self.open_article)
        self.library.documentActivated.connect(lambda document_id: self.source.show_document(document_id))
        self.library.message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.search.hitActivated.connect(self.open_hit)
        self.claims.claimSelected.connect(self._on_claim_selected)
        self.reader.claimClicked.connect(self.claims.select_row)
        self.reader.selectionChanged.connect(self._update_actions)
        self.inspector.showLink.connect(self.show_link)
        self.inspector.refresh_requested.connect(self._after_edit)
        self.inspector.error_occurred.connect(self.show_error)
        self.source.selectionChanged.connect(lambda *_: self._update_actions())
        self.source.selectionCleared.connect(self._update_actions)

    def _make_actions(self) -> None:
        def action(text: str, shortcuts: list[QKeySequence], slot: Any, tip: str = "") -> QAction:
            made = QAction(text, self)
            made.setShortcuts(shortcuts)
            made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            made.triggered.connect(slot)
            if tip:
                keys = " or ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
                made.setToolTip(f"{tip} ({keys})" if keys else tip)
            self.addAction(made)
            return made

        writable = not self.archive.read_only
        self.import_action = action("&Import files\u2026", [QKeySequence("Ctrl+I")], self.choose_files,
                                    "Import articles and source documents")
        self.import_folder_action = action("Import a &folder\u2026", [QKeySequence("Ctrl+Shift+I")],
                                           self.choose_folder)
        self.open_action = action("&Open archive\u2026", [QKeySequence("Ctrl+Shift+O")], self.choose_archive)
        self.export_action = action("&Export bundle\u2026", [QKeySequence("Ctrl+E")], self.choose_export)
        self.export_pdf_action = action("Export &annotated PDF\u2026", [], self.choose_export_pdf)
        self.reindex_action = action("Rebuild the search &index", [], self.rebuild_index)
        self.check_action = action("&Check the archive\u2026", [], self.check_archive,
                                   "Integrity, every file's checksum, catalog and index agreement")
        self.reload_action = action("&Reload", _keys(QKeySequence.StandardKey.Refresh, "F5", "Ctrl+R"), self.reload,
                                    "Read the archive again")
        self.quit_action = action("&Quit", _keys(QKeySequence.StandardKey.Quit, "Ctrl+Q"), self.close)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcuts(_keys(QKeySequence.StandardKey.Undo, "Ctrl+Z"))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts(_keys(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z"))
        for made in (self.undo_action, self.redo_action):
            made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(made)
        self.make_claim_action = action("&Make a claim of the selection", [QKeySequence("Ctrl+Shift+C")],
                                        self.make_claim, "Select text in the article first")
        self.link_actions = [action(f"&Link the source selection: {label}",
                                    [QKeySequence("Ctrl+L")] if relation == "supports" else [],
                                    lambda _=False, relation=relation: self.link_selection(relation))
                             for relation, label in RELATIONS]
        self.search_action = action("&Search", [QKeySequence("Ctrl+K"), QKeySequence("Ctrl+F")],
                                    self.focus_search, "Search the whole archive")
        self.next_claim_action = action("&Next claim", [QKeySequence("Alt+Down"), QKeySequence("J")],
                                        self.claims.next_claim, "Next claim")
        self.previous_claim_action = action("&Previous claim", [QKeySequence("Alt+Up"), QKeySequence("K")],
                                            self.claims.previous_claim, "Previous claim")
        self.next_claim_action.setIconText("\u2193")
        self.previous_claim_action.setIconText("\u2191")
        self.claims.next_button.setDefaultAction(self.next_claim_action)
        self.claims.previous_button.setDefaultAction(self.previous_claim_action)
        for made in (self.import_action, self.import_folder_action, self.reindex_action, self.make_claim_action,
                     *self.link_actions):
            made.setEnabled(writable)

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        for made in (self.import_action, self.import_folder_action):
            file_menu.addAction(made)
        file_menu.addSeparator()
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file_menu.addSeparator()
        for made in (self.export_action, self.export_pdf_action, self.reindex_action, self.check_action,
                     self.reload_action):
            file_menu.addAction(made)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = menus.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.make_claim_action)
        for made in self.link_actions:
            edit_menu.addAction(made)
        go_menu = menus.addMenu("&Go")
        go_menu.addAction(self.search_action)
        go_menu.addAction(self.next_claim_action)
        go_menu.addAction(self.previous_claim_action)
        help_menu = menus.addMenu("&Help")
        help_menu.addAction("&About Footnote", self._about)
        self._update_actions()

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.path_label = QLabel(f"Archive: {display_path(self.archive.root)}")
        self.path_label.setToolTip(str(self.archive.root))
        self.path_label.setObjectName("statusPath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.task_status = TaskStatus(self.runner)
        self.counts_label = QLabel("")
        self.mode_label = QLabel("read-only" if self.archive.read_only else "")
        self.mode_label.setObjectName("statusReadOnly")
        self.mode_label.setVisible(self.archive.read_only)
        if self.notice:
            self.mode_label.setToolTip(self.notice)
        bar.addWidget(self.path_label, 1)
        bar.addPermanentWidget(self.task_status)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.mode_label)

    # --- showing ---------------------------------------------------------------

    def reload(self, *, refresh_library: bool = True) -> None:
        """Read the library again and the open article, keeping what was chosen."""
        from archive.library import page_articles

        if refresh_library:
            self.library.refresh()
        counts = self.library.counts
        self._show_counts()
        if self.detail is not None:
            self.open_article(self.detail["id"], keep_claim=True)
            return
        with self.archive.read_session() as session:
            first = page_articles(session, 0, 1) if counts.articles else []
        if first:
            self.open_article(first[0]["id"])
        else:
            self._show_article(None, "No articles yet. Import a digest: File \u25b8 Import files (Ctrl+I), "
                                     "or drop files on this window.")

    def _show_counts(self) -> None:
        """The status bar's article and source counts, as the library read them last."""
        counts = self.library.counts
        self.counts_label.setText(f"{plural(counts.articles, 'article')} \u00b7 "
                                  f"{plural(counts.documents, 'source')}")

    def open_article(self, article_id: str, *, keep_claim: bool = False, claim_id: str | None = None) -> None:
        """Show an article, at ``claim_id`` if given.  ``keep_claim`` reads the shown article again (after an
        edit, F5): the same claim stays chosen even if claims were added before it, the reader keeps its
        scroll position and the source view is left where the user put it."""
        row = self.claims.current_row() if keep_claim else -1
        again = keep_claim and self.detail is not None and self.detail["id"] == article_id
        kept = self.detail["claims"][row]["id"] if again and 0 <= row < len(self.detail["claims"]) else None
        claim_id = claim_id or kept
        scroll = self.reader.verticalScrollBar().value() if again else 0
        try:
            detail = article_detail(self.archive, article_id)
        except FootnoteError as error:
            self._show_article(None, f"This article cannot be shown: {error}")
            return
        self.inspector.flush()
        self._show_article(detail)
        self.library.mark_open("article", article_id)
        if again:
            self.reader.document().documentLayout().documentSize()  # lay it out, so the old place exists
            self.reader.verticalScrollBar().setValue(scroll)
        if claim_id is not None:
            row = next((i for i, c in enumerate(detail["claims"]) if c["id"] == claim_id),
                       min(row, len(detail["claims"]) - 1) if again else -1)  # a removed claim: the next one
        if 0 <= row < len(detail["claims"]):
            self._keeping = kept
            try:
                self.claims.select_row(row)
            finally:
                self._keeping = None

    def _show_article(self, detail: dict[str, Any] | None, message: str = "") -> None:
        self.detail = detail
        if detail is None:
            self.reader.show_placeholder(message or "No article selected.")
        else:
            self.reader.show_article(detail)
        self.claims.set_article(detail)
        self.inspector.set_claim(detail, None)
        self.setWindowTitle(f"{detail['title']} \u2014 Footnote" if detail else "Footnote")
        self._update_actions()

    def _on_claim_selected(self, row: int) -> None:
        self.reader.show_claim(row)
        self.inspector.set_claim(self.detail, row if row >= 0 else None)
        claim = self.detail["claims"][row] if self.detail and 0 <= row < len(self.detail["claims"]) else None
        links = [link for link in (claim or {}).get("links", []) if link.get("decision") != "rejected"]
        # Choosing the same claim again after an edit leaves the source view where the user has it.
        if links and (claim is None or claim["id"] != self._keeping):
            self.show_link(links[0])
        self._update_actions()

    def show_link(self, link: dict[str, Any]) -> None:
        self.source.show_document(link["document"], start=link["start"], end=link["end"], page=link.get("page"),
                                  rects=link.get("rects") or None)

    def open_hit(self, hit: Any) -> None:
        """Open a search hit at its place: an article at its claim, a source at its page and passage."""
        if hit.type in ("article", "claim", "note"):
            self.open_article(hit.document, claim_id=hit.claim)
        else:
            self.source.show_document(hit.document, start=hit.start, end=hit.end, page=hit.page)

    def focus_search(self) -> None:
        self.left.setCurrentWidget(self.search)
        self.search.focus_search()

    # --- editing ---------------------------------------------------------------

    def _reader_selection(self) -> tuple[int, int] | None:
        cursor = self.reader.textCursor()
        page = self.reader.page
        if self.detail is None or page is None or not cursor.hasSelection():
            return None
        start, end = page.offset(cursor.selectionStart()), page.offset(cursor.selectionEnd())
        return (start, end) if end > start else None

    def make_claim(self) -> None:
        span = self._reader_selection()
        if span is None:
            self.statusBar().showMessage("Select some text of the article to make it a claim.", 5000)
            return
        start, end = span
        self._made_claim = self.inspector.edits.make_claim(self.detail["id"], start, end,
                                                           self.detail["text"][start:end])

    def link_selection(self, relation: str) -> None:
        selection = self.source.selection()
        row = self.claims.current_row()
        if selection is None or self.detail is None or not 0 <= row < len(self.detail["claims"]):
            self.statusBar().showMessage("Choose a claim, then select the passage in the source to link it.", 6000)
            return
        claim = self.detail["claims"][row]
        document = self.source.document
        page = self.source.pdf_view.words.page_of(selection[0]) if self.source.mode == "pdf" else None
        self.inspector.edits.make_link(claim["id"], row + 1, self.source.document_id, selection[0], selection[1],
                                       relation, document_title=document.title if document else "", page=page)

    def _after_edit(self, _changes: object = None) -> None:
        made, claim_id = self._made_claim, None
        if made is not None and made.claim_id is not None:  # the claim just made: choose it
            self._made_claim, claim_id = None, made.claim_id
        if self.detail is not None:
            self.open_article(self.detail["id"], keep_claim=True, claim_id=claim_id)
        self.library.refresh()

    def _reader_menu(self, point: Any) -> None:
        menu = self.reader.createStandardContextMenu(point)
        menu.addSeparator()
        menu.addAction(self.make_claim_action)
        menu.exec(self.reader.viewport().mapToGlobal(point))

    def _update_actions(self) -> None:
        writable = not self.archive.read_only
        has_claim = self.detail is not None and 0 <= self.claims.current_row() < len(self.detail["claims"])
        self.make_claim_action.setEnabled(writable and self._reader_selection() is not None)
        for made in self.link_actions:
            made.setEnabled(writable and has_claim and self.source.selection() is not None)
        self.export_pdf_action.setEnabled(self.source.document is not None and self.source.document.kind == "pdf")

    # --- long work ---------------------------------------------------------------

    def import_files(self, paths: list[Path]) -> None:
        """Import in the background: the window stays usable, Cancel keeps what was finished."""
        if self.archive.read_only or not paths:
            return
        from archive.importing import import_paths

        names = paths[0].name if len(paths) == 1 else f"{len(paths)} items"
        self.runner.submit(f"Importing {names}",
                           lambda progress, token: import_paths(self.archive, paths, progress=progress,
                                                                cancel=token),
                           on_done=self._imported, on_error=self.show_error)

    def _imported(self, report: Any) -> None:
        from archive.importing import Outcome

        self.library.refresh()
        self._show_counts()
        imported = report.of(Outcome.IMPORTED)
        new_article = next((r.article_id for r in imported if r.article_id), None)
        if new_article:
            self.open_article(new_article)
        elif self.detail is not None:
            self.open_article(self.detail["id"], keep_claim=True)
        problems = [r for r in report.results if r.outcome in (Outcome.FAILED, Outcome.KEPT)]
        summary = (f"Imported {plural(len(imported), 'file')}, {plural(len(report.attached), 'source')} attached"
                   + (" (cancelled)" if report.cancelled else ""))
        self.statusBar().showMessage(summary, 10000)
        if problems:
            lines = "".join(f"<li><b>{html.escape(r.path.name)}</b>: {html.escape(r.message)}</li>"
                            for r in problems[:30])
            more = f"<p>\u2026and {len(problems) - 30} more.</p>" if len(problems) > 30 else ""
            box = QMessageBox(QMessageBox.Icon.Warning, "Some files could not be read",
                              f"<p>{summary}.</p><p>These files need a look:</p><ul>{lines}</ul>{more}", parent=self)
            box.setObjectName("importProblems")
            box.open()

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import files", str(Path.home()),
            "Articles and sources (*.txt *.md *.pdf *.html *.htm *.zip);;All files (*)")
        self.import_files([Path(f) for f in files])

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder", str(Path.home()))
        if folder:
            self.import_files([Path(folder)])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and not self.archive.read_only:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def choose_export(self) -> None:
        from archive.bundles.export import export_bundle

        target, _ = QFileDialog.getSaveFileName(self, "Export a bundle", str(Path.home() / "footnote-bundle.zip"),
                                                "Footnote bundles (*.zip)")
        if not target:
            return
        target_path = Path(target if target.endswith(".zip") else target + ".zip")
        articles = [self.detail["id"]] if self.detail else []
        everything = not articles
        self.runner.submit(f"Exporting {target_path.name}",
                           lambda progress, token: export_bundle(self.archive, target_path, articles=articles,
                                                                 everything=everything, progress=progress,
                                                                 cancel=token),
                           on_done=lambda report: self.statusBar().showMessage(
                               f"Exported {plural(report.articles, 'article')} and "
                               f"{plural(report.documents, 'document')} to {report.path}", 10000),
                           on_error=self.show_error)

    def choose_export_pdf(self) -> None:
        from archive.bundles.pdfannot import export_annotated_pdf

        document = self.source.document
        if document is None or document.kind != "pdf":
            return
        target, _ = QFileDialog.getSaveFileName(self, "Export an annotated PDF",
                                                str(Path.home() / f"{document.title[:60]} (annotated).pdf"),
                                                "PDF (*.pdf)")
        if target:
            self.runner.submit("Writing the annotated PDF",
                               lambda progress, token: export_annotated_pdf(self.archive, document.id, Path(target)),
                               on_done=lambda count: self.statusBar().showMessage(
                                   f"Wrote {target} with {plural(count, 'highlight')}", 10000),
                               on_error=self.show_error)

    def take_daily_backup(self) -> None:
        """Today's backup of the archive, when due, in the background: taken at open, it held back the
        first window of each day (1.3 s for 5,000 documents).  What goes wrong shows in the banner.
        Only the backups folder is looked at here; whether the database has anything to back up is
        asked in the task, off the UI thread."""
        from archive.backups import taken_today
        from archive.recovery import take_daily_backup

        if self.archive.read_only or taken_today(self.archive.layout):
            return
        self.runner.submit("Backing up the archive (today's copy)",
                           lambda progress, token: take_daily_backup(self.archive),
                           on_done=self._daily_backup_done, on_error=self.show_error,
                           cancellable=False)  # one SQLite backup step: nothing to stop between

    def _daily_backup_done(self, notice: str | None) -> None:
        if notice:
            self.notice = "; ".join(filter(None, [self.notice, notice]))
            self._show_notice()

    def _show_notice(self) -> None:
        """The banner says what opening the archive (or today's backup) found, as a sentence."""
        text = self.notice or ""
        self.banner.setText(text[:1].upper() + text[1:])
        self.banner.setVisible(bool(text))

    def rebuild_index(self) -> None:
        """Rebuild in the background; searching keeps answering from the old index meanwhile."""
        self.runner.submit("Rebuilding the search index",
                           lambda progress, token: self.archive.search_index.rebuild(
                               self.archive, progress=progress, cancel=token),
                           on_done=lambda count: self.statusBar().showMessage(
                               f"Search index rebuilt: {plural(count, 'record')}", 8000),
                           on_error=self.show_error)

    def check_archive(self) -> None:
        """``footnote check`` in the background: the report in a message, problems first."""
        from archive.check import check_archive

        def done(report: Any) -> None:
            lines = report.lines()
            icon = QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Warning
            box = QMessageBox(icon, "Archive check", html.escape(lines[-1]).capitalize(), parent=self)
            box.setInformativeText("\n".join(lines[:-1]) + ("" if report.ok else
                                   "\n\nRun `footnote check --repair` to fix what can be fixed."))
            box.setObjectName("checkReport")
            box.open()

        self.runner.submit("Checking the archive",
                           lambda progress, token: check_archive(self.archive, progress=progress, cancel=token),
                           on_done=done, on_error=self.show_error)

    def show_error(self, error: BaseException) -> None:
        """One short message: what happened and what to do.  Bugs are logged by the task runner."""
        if isinstance(error, Cancelled):
            self.statusBar().showMessage("Cancelled. What was finished is kept.", 6000)
            return
        text = error_line(error, self.archive.root)  # a FootnoteError's first line, or "disk full: …"
        if text is None:
            first_line = (str(error).strip().splitlines() or [""])[0]
            log_file = self.archive.layout.log
            text = (f"Something went wrong ({type(error).__name__}: {first_line}). Details are in {log_file}; "
                    "please report it.")
        box = QMessageBox(QMessageBox.Icon.Warning, "Footnote", text, parent=self)
        box.setObjectName("errorMessage")
        box.open()

    # --- archives ----------------------------------------------------------------

    def choose_archive(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open an archive", str(self.archive.root.parent))
        if folder:
            self.archiveRequested.emit(folder)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in recent_archives(self.settings):
            if Path(path) != self.archive.root:
                self.recent_menu.addAction(display_path(Path(path)),
                                           lambda path=path: self.archiveRequested.emit(path))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No other archives yet").setEnabled(False)

    def _remember_archive(self) -> None:
        paths = [str(self.archive.root), *[p for p in recent_archives(self.settings) if p != str(self.archive.root)]]
        self.settings.setValue("recent/archives", paths[:RECENT_LIMIT])

    # --- window state --------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("main/geometry")
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            width, height = DEFAULT_SIZE
            screen = QApplication.primaryScreen()
            if screen is not None:
                room = screen.availableGeometry()
                width, height = min(width, room.width()), min(height, room.height())
            self.resize(width, height)
        state = self.settings.value("main/splitter")
        if not (isinstance(state, QByteArray) and self.splitter.restoreState(state)):
            self.splitter.setSizes(DEFAULT_SPLIT)

    def save_layout(self) -> None:
        self.settings.setValue("main/geometry", self.saveGeometry())
        self.settings.setValue("main/splitter", self.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.inspector.flush()
        self.runner.shutdown()
        self.save_layout()
        self.source.clear()
        self.archive.close()
        super().closeEvent(event)

    def _about(self) -> None:
        QMessageBox.about(self, "About Footnote",
                          f"<b>Footnote {__version__}</b><p>An offline archive that ties every claim to its "
                          f"source.</p><p>Archive: {html.escape(str(self.archive.root))}</p>")

