"""The main window: articles on the left, the reader in the centre, the article's claims on the right.

It owns the open :class:`~archive.store.Archive` (and closes it with the
window), reads it only through :mod:`archive.queries`, and wires the panes
together: choosing an article fills the reader and the claims panel, choosing a
claim scrolls the reader to it, clicking a claim in the reader chooses it.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QSplitter, QVBoxLayout,
                               QWidget)

from archive import __version__
from archive.errors import FootnoteError
from archive.queries import article_detail, list_articles
from archive.store import Archive
from desktop.article_list import ArticleListModel, ArticleListView
from desktop.claims_panel import ClaimsPanel
from desktop.formatting import plural
from desktop.reader import ReaderView, StatusLegend

SETTINGS_ORGANIZATION = "Footnote"
SETTINGS_APPLICATION = "Footnote"
DEFAULT_SIZE = (1400, 900)
DEFAULT_SPLIT = [290, 760, 350]


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


class MainWindow(QMainWindow):
    """Footnote's one window.  ``notice`` (e.g. why the archive is read-only) shows as a banner."""

    def __init__(self, archive: Archive, notice: str | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.archive = archive
        self.notice = notice
        self.settings = settings or QSettings(SETTINGS_ORGANIZATION, SETTINGS_APPLICATION)
        self.detail: dict[str, Any] | None = None
        self.setWindowTitle("Footnote")
        self.setObjectName("mainWindow")

        self.articles = ArticleListModel(self)
        self.article_view = ArticleListView()
        self.article_view.setModel(self.articles)
        self.article_view.selectionModel().currentRowChanged.connect(self._on_article_changed)
        self.reader = ReaderView()
        self.legend = StatusLegend()
        self.claims = ClaimsPanel()
        self.claims.claimSelected.connect(self.reader.show_claim)
        self.reader.claimClicked.connect(self.claims.select_row)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("panes")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(1)
        self.splitter.addWidget(self._article_pane())
        self.splitter.addWidget(self._reader_pane())
        self.splitter.addWidget(self.claims)
        for pane, stretch in zip(range(3), (0, 1, 0)):
            self.splitter.setStretchFactor(pane, stretch)
        self.claims.setMinimumWidth(240)

        self.banner = QLabel(notice or "")
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(bool(notice))

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self._make_actions()
        self._make_status_bar()
        self._restore_layout()
        self.reload()

    # --- building --------------------------------------------------------------

    def _article_pane(self) -> QWidget:
        pane = QWidget()
        pane.setObjectName("articlePane")
        pane.setMinimumWidth(200)
        title = QLabel("Articles")
        title.setObjectName("paneTitle")
        self.article_count = QLabel("")
        self.article_count.setObjectName("paneCount")
        header = QHBoxLayout()
        header.setContentsMargins(14, 10, 14, 8)
        header.setSpacing(6)
        header.addWidget(title)
        header.addWidget(self.article_count)
        header.addStretch(1)
        self.no_articles = QLabel("No articles yet.\n\nImport a digest with\nfootnote import FILE")
        self.no_articles.setObjectName("emptyNote")
        self.no_articles.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.no_articles.setWordWrap(True)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.article_view, 1)
        layout.addWidget(self.no_articles, 1)
        return pane

    def _reader_pane(self) -> QWidget:
        pane = QWidget()
        pane.setObjectName("readerPane")
        pane.setMinimumWidth(320)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend)
        layout.addWidget(self.reader, 1)
        return pane

    def _make_actions(self) -> None:
        def action(text: str, shortcuts: list[QKeySequence], slot: Any, tip: str = "") -> QAction:
            made = QAction(text, self)
            made.setShortcuts(shortcuts)
            made.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            made.triggered.connect(slot)
            if tip:
                made.setToolTip(f"{tip} ({' or '.join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)})")
            self.addAction(made)
            return made

        self.next_claim_action = action("&Next claim", [QKeySequence("Alt+Down"), QKeySequence("J")],
                                        self.claims.next_claim, "Next claim")
        self.previous_claim_action = action("&Previous claim", [QKeySequence("Alt+Up"), QKeySequence("K")],
                                            self.claims.previous_claim, "Previous claim")
        self.next_claim_action.setIconText("↓")
        self.previous_claim_action.setIconText("↑")
        self.claims.next_button.setDefaultAction(self.next_claim_action)
        self.claims.previous_button.setDefaultAction(self.previous_claim_action)
        self.reload_action = action("&Reload", _keys(QKeySequence.StandardKey.Refresh, "F5", "Ctrl+R"),
                                    self.reload, "Read the archive again")
        self.quit_action = action("&Quit", _keys(QKeySequence.StandardKey.Quit, "Ctrl+Q"), self.close)

        menus = self.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = menus.addMenu("&Go")
        go_menu.addAction(self.next_claim_action)
        go_menu.addAction(self.previous_claim_action)
        help_menu = menus.addMenu("&Help")
        help_menu.addAction("&About Footnote", self._about)

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        bar.setSizeGripEnabled(False)
        self.path_label = QLabel(f"Archive: {display_path(self.archive.root)}")
        self.path_label.setToolTip(str(self.archive.root))
        self.path_label.setObjectName("statusPath")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_label = QLabel("")
        self.mode_label = QLabel("read-only" if self.archive.read_only else "")
        self.mode_label.setObjectName("statusReadOnly")
        self.mode_label.setVisible(self.archive.read_only)
        if self.notice:
            self.mode_label.setToolTip(self.notice)
        bar.addWidget(self.path_label, 1)
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.mode_label)

    # --- data ----------------------------------------------------------------

    def reload(self) -> None:
        """Read the article list again, keeping the chosen article when it is still there."""
        keep = self.detail["id"] if self.detail else None
        articles = list_articles(self.archive)
        self.articles.set_articles(articles)
        has_articles = bool(articles)
        self.article_view.setVisible(has_articles)
        self.no_articles.setVisible(not has_articles)
        self.article_count.setText(str(len(articles)))
        claims = sum(a["claims"] for a in articles)
        self.counts_label.setText(f"{plural(len(articles), 'article')} · {plural(claims, 'claim')}")
        if not has_articles:
            self._show_article(None)
            return
        row = self.articles.row_of(keep) if keep else -1
        self.select_article(max(row, 0))

    def select_article(self, row: int) -> None:
        if 0 <= row < self.articles.rowCount():
            index = self.articles.index(row)
            self.article_view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _on_article_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self._show_article(None)
            return
        try:
            detail = article_detail(self.archive, self.articles.article(current.row())["id"])
        except FootnoteError as error:
            self._show_article(None, f"This article cannot be shown: {error}")
            return
        self._show_article(detail)

    def _show_article(self, detail: dict[str, Any] | None, message: str = "") -> None:
        self.detail = detail
        if detail is None:
            self.reader.show_placeholder(message or "No article selected.")
        else:
            self.reader.show_article(detail)
        self.claims.set_article(detail)
        self.setWindowTitle(f"{detail['title']} — Footnote" if detail else "Footnote")

    # --- window state --------------------------------------------------------

    def _restore_layout(self) -> None:
        geometry = self.settings.value("main/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            pass
        else:
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
        self.save_layout()
        self.archive.close()
        super().closeEvent(event)

    def _about(self) -> None:
        QMessageBox.about(self, "About Footnote",
                          f"<b>Footnote {__version__}</b><p>An offline archive that ties every claim to its "
                          f"source.</p><p>Archive: {html.escape(str(self.archive.root))}</p>")
