"""The search panel widget: it builds the box, chips and results, and runs searches and the index build.

Queries and the index check or build go through the task runner, a newer query
superseding one not yet run; what a search's outcome looks like on screen is in
:mod:`desktop.search_panel.showing`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QButtonGroup, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from archive.errors import Cancelled
from desktop import theme
from desktop.flow_layout import FlowLayout
from desktop.search_panel.chips import Chip
from desktop.search_panel.delegate import SearchResultDelegate
from desktop.search_panel.model import SearchResultsModel
from desktop.search_panel.showing import ShowingMixin, _Outcome
from desktop.search_panel.style import TYPES
from desktop.search_panel.view import SearchResultsView
from desktop.tasks import Task, TaskRunner

LIMIT = 50  # hits fetched per query
DEBOUNCE_MS = 200
BUSY_DELAY_MS = 250  # say "Searching…" only when a search takes longer than this

BUILD_LABEL = "Building the search index…"


def _search_icon() -> QIcon:
    """A magnifying glass, drawn (so it matches the theme at any scale)."""
    icon = QIcon()
    for scale in (1, 2):
        pixmap = QPixmap(16 * scale, 16 * scale)
        pixmap.setDevicePixelRatio(scale)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(theme.MUTED, 1.6)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawEllipse(QRectF(2.5, 2.5, 8, 8))
        painter.drawLine(QPointF(9.6, 9.6), QPointF(13.5, 13.5))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


# --- the panel -----------------------------------------------------------------------



class SearchPanel(ShowingMixin, QWidget):
    """Search box, facet chips, notices and the grouped results of one archive."""

    hitActivated = Signal(object)  # the chosen archive.search.query.Hit
    resultShown = Signal(object)  # the SearchResult now on screen (after each search)

    def __init__(self, archive: Any, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.archive = archive
        self.runner = runner
        self.result: Any | None = None  # the SearchResult shown
        self.shown_query: tuple[str, tuple[str, ...]] | None = None
        self._wanted: tuple[str, tuple[str, ...]] | None = None  # the query the user asked for last
        self._in_flight: Task | None = None
        self._in_flight_query: tuple[str, tuple[str, ...]] | None = None
        self._index_ready = False
        self._index_task: Task | None = None
        self._types: tuple[str, ...] = ()

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._run_now)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)

        self._build()
        runner.progressed.connect(self._on_progress)
        self._show_welcome()

    # --- building ------------------------------------------------------------------

    def _build(self) -> None:
        self.box = QLineEdit()
        self.box.setObjectName("searchBox")
        self.box.setPlaceholderText("Search articles, claims and sources")
        self.box.setClearButtonEnabled(True)
        self.box.addAction(_search_icon(), QLineEdit.ActionPosition.LeadingPosition)
        self.box.setAccessibleName("Search the archive")
        self.box.textEdited.connect(self._on_text_edited)
        self.box.textChanged.connect(self._on_text_changed)
        self.box.returnPressed.connect(self._on_return)
        self.box.installEventFilter(self)

        self.type_chips: dict[str, Chip] = {}
        self.chip_group = QButtonGroup(self)
        self.chip_group.setExclusive(True)
        chips = FlowLayout()
        for key, label in [("", "All"), *((k, s.plural) for k, s in TYPES.items())]:
            chip = Chip(label, key)
            chip.clicked.connect(lambda _checked=False, key=key: self.set_type_filter(key or None))
            self.chip_group.addButton(chip)
            self.type_chips[key] = chip
            chips.addWidget(chip)
        self.type_chips[""].setChecked(True)
        self.chip_row = QWidget()
        self.chip_row.setObjectName("searchChips")
        self.chip_row.setLayout(chips)

        self.status_caption = QLabel("Claim status")
        self.status_caption.setObjectName("searchCaption")
        self.status_chips: dict[str, Chip] = {}
        self.status_caption.setFixedHeight(Chip.HEIGHT)
        self.status_layout = FlowLayout()
        self.status_layout.addWidget(self.status_caption)
        self.status_row = QWidget()
        self.status_row.setObjectName("searchStatuses")
        self.status_row.setLayout(self.status_layout)

        self.notice = QLabel()
        self.notice.setObjectName("searchNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)

        self.suggestion_label = QLabel("Did you mean\u00a0")
        self.suggestion_label.setObjectName("searchSuggestionText")
        self.suggestion_button = QPushButton()
        self.suggestion_button.setObjectName("suggestionLink")
        self.suggestion_button.setFlat(True)
        self.suggestion_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.suggestion_button.clicked.connect(self._on_suggestion)
        question = QLabel("?")
        question.setObjectName("searchSuggestionText")
        suggestion = QHBoxLayout()
        suggestion.setContentsMargins(12, 6, 12, 6)
        suggestion.setSpacing(0)
        suggestion.addWidget(self.suggestion_label)
        suggestion.addWidget(self.suggestion_button)
        suggestion.addWidget(question)
        suggestion.addStretch(1)
        self.suggestion = QWidget()
        self.suggestion.setObjectName("searchSuggestion")
        self.suggestion.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.suggestion.setLayout(suggestion)

        self.summary = QLabel()
        self.summary.setObjectName("searchSummary")

        header = QWidget()
        header.setObjectName("searchHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        top = QVBoxLayout(header)
        top.setContentsMargins(14, 12, 14, 8)
        top.setSpacing(8)
        top.addWidget(self.box)
        top.addWidget(self.chip_row)
        top.addWidget(self.status_row)
        top.addWidget(self.notice)
        top.addWidget(self.suggestion)
        top.addWidget(self.summary)

        self.model = SearchResultsModel(self)
        self.view = SearchResultsView()
        self.view.setModel(self.model)
        self.delegate = SearchResultDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.hitChosen.connect(self._activate_index)
        self.view.leaveTop.connect(self.focus_search)

        self.empty = QLabel()
        self.empty.setObjectName("searchEmpty")
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.empty.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.empty.setOpenExternalLinks(False)
        self.empty.linkActivated.connect(self._on_tip)

        self.progress_label = QLabel(BUILD_LABEL)
        self.progress_label.setObjectName("searchProgressLabel")
        self.progress_bar = QProgressBar()
        self.progress_bar.setObjectName("searchProgressBar")
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(6)
        self.progress_bar.setRange(0, 0)
        progress_note = QLabel("This happens once; you can keep typing.")
        progress_note.setObjectName("searchProgressNote")
        progress = QWidget()
        progress.setObjectName("searchProgress")
        progress_layout = QVBoxLayout(progress)
        progress_layout.setContentsMargins(24, 28, 24, 24)
        progress_layout.setSpacing(8)
        progress_layout.addWidget(self.progress_label)
        progress_layout.addWidget(self.progress_bar)
        progress_layout.addWidget(progress_note)
        progress_layout.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.setObjectName("searchStack")
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(progress)

        self.hint = QLabel("↓ results · Enter open · Esc back / clear")
        self.hint.setObjectName("hint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(header)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.box)

    # --- public --------------------------------------------------------------------

    def focus_search(self) -> None:
        """Bring the search box to the keyboard, its text selected (Ctrl+K, Ctrl+F)."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def search(self, text: str) -> None:
        """Search for ``text`` now (as if typed and Enter pressed)."""
        if self.box.text() != text:
            self.box.setText(text)
        self._run_now()

    def set_type_filter(self, kind: str | None) -> None:
        """Show only hits of one type (article, claim, source, note), or all with None."""
        self._types = (kind,) if kind else ()
        chip = self.type_chips.get(kind or "")
        if chip is not None and not chip.isChecked():
            chip.setChecked(True)
        if self.box.text().strip():
            self._run_now()

    @property
    def type_filter(self) -> str | None:
        return self._types[0] if self._types else None

    @property
    def busy(self) -> bool:
        """A search is waiting to run, running, or the index is being prepared."""
        return self._debounce.isActive() or self._in_flight is not None or self._index_task is not None

    def current_hit(self) -> Any | None:
        index = self.view.currentIndex()
        return self.model.hit(index.row()) if index.isValid() else None

    def activate_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid() and self.model.is_hit(index.row()):
            self._activate_index(index)

    # --- typing and running --------------------------------------------------------

    def _on_text_edited(self, _text: str) -> None:
        self._debounce.start()

    def _on_text_changed(self, text: str) -> None:
        if not text.strip():  # cleared (Esc, the clear button, select-all and delete): back to the start
            self._debounce.stop()
            self._wanted = None
            self._show_welcome()
        self._update_status_chip_states()

    def _on_return(self) -> None:
        wanted = (self.box.text().strip(), self._types)
        if self._debounce.isActive() or wanted != self.shown_query or self._in_flight is not None:
            self._run_now()
            return
        index = self.view.currentIndex()
        if not (index.isValid() and self.model.is_hit(index.row())):
            rows = self.model.hit_rows()
            index = self.model.index(rows[0]) if rows else QModelIndex()
        if index.isValid():
            self._activate_index(index)

    def _run_now(self) -> None:
        self._debounce.stop()
        text = self.box.text().strip()
        if not text:
            self._wanted = None
            self._show_welcome()
            return
        self._wanted = (text, self._types)
        if not self._index_ready:
            self._prepare_index()
            return
        self._submit()

    def _submit(self) -> None:
        """Run the wanted query, unless one is already running: it runs when that one is done."""
        if self._in_flight is not None or self._wanted is None:
            return
        text, types = self._wanted
        archive = self.archive

        def work(_progress, _token) -> _Outcome:
            from archive.search.query import search

            with archive.session() as session:
                result = search(archive.search_index, session, text, limit=LIMIT, types=list(types) or None)
                everything = search(archive.search_index, session, text, limit=1) if types else result
            return _Outcome(text, types, result, dict(everything.facets.get("type", {})),
                            dict(everything.facets.get("status", {})), everything.total)

        self._in_flight_query = (text, types)
        self._in_flight = self.runner.submit(f"Searching for “{text}”", work, on_done=self._on_searched,
                                             on_error=self._on_search_failed)
        self._busy_timer.start()

    def _on_searched(self, outcome: _Outcome) -> None:
        self._in_flight = None
        if self._wanted != (outcome.text, outcome.types):
            self._submit()  # the user has typed on: that query's turn
            return
        self._busy_timer.stop()
        self._show_outcome(outcome)

    def _on_search_failed(self, error: BaseException) -> None:
        asked, self._in_flight = self._in_flight_query, None
        from archive.search.index import IndexUnavailable

        if isinstance(error, IndexUnavailable):
            self._index_ready = False  # made unusable since it was checked: check (and rebuild) again
            if self._wanted:
                self._prepare_index()
            return
        if self._wanted is not None and self._wanted != asked:
            self._submit()  # the user has typed on: never mind this one
            return
        self._busy_timer.stop()
        if isinstance(error, Cancelled):
            self.summary.setText("Search cancelled")
            self.summary.show()
            return
        self._show_problem(f"The search failed: {error}")

    # --- the index -----------------------------------------------------------------

    def _prepare_index(self) -> None:
        """Check the index (off the UI thread) and build it when it is missing or unusable, then search."""
        if self._index_task is not None:
            return
        index = self.archive.search_index
        self._index_task = self.runner.submit("Opening the search index", lambda _p, _t: index.state(),
                                              on_done=self._on_index_state, on_error=self._on_index_failed)

    def _on_index_state(self, state: Any) -> None:
        self._index_task = None
        if state.ok:
            self._index_ready = True
            self._submit()
            return
        if self.archive.read_only:
            self._show_problem("Search is not available yet: the search index needs building, and this archive "
                               "is open read-only. Close the other Footnote window, then reopen this archive.")
            return
        archive = self.archive
        self.progress_bar.setRange(0, 0)
        self.progress_label.setText(BUILD_LABEL)
        self.stack.setCurrentIndex(2)
        self._set_header_for_results(False)
        self._index_task = self.runner.submit(
            BUILD_LABEL, lambda progress, _t: archive.search_index.ensure(archive, progress=progress),
            on_done=self._on_index_built, on_error=self._on_index_failed, cancellable=False)

    def _on_index_built(self, _state: Any) -> None:
        self._index_task = None
        self._index_ready = True
        if self._wanted is None:
            self._show_welcome()
        self._submit()

    def _on_index_failed(self, error: BaseException) -> None:
        self._index_task = None
        if isinstance(error, Cancelled):
            self._show_problem("Opening the search index was cancelled. Type again to search.")
            return
        self._show_problem(f"The search index could not be built: {error}. Type again to retry.")

    def _on_progress(self, task: Task, done: int, total: int, _label: str) -> None:
        if task is not self._index_task or total <= 0:
            return
        self.progress_bar.setRange(0, total)
        self.progress_bar.setValue(done)
        self.progress_label.setText(f"{BUILD_LABEL} {100 * done // total}%")

    # --- keys ----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_PageDown):
                return self._enter_results()
            if key == Qt.Key.Key_Escape and self.box.text():
                self.box.clear()
                return True
        return super().eventFilter(watched, event)

    def _enter_results(self) -> bool:
        rows = self.model.hit_rows()
        if not rows or self.stack.currentWidget() is not self.view:
            return False
        current = self.view.currentIndex()
        if not (current.isValid() and self.model.is_hit(current.row())):
            current = self.model.index(rows[0])
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.view.setCurrentIndex(current)
        return True
