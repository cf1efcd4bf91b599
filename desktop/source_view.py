"""The right-hand pane: a source document, opened where a claim's link points, with the passage highlighted.

PDFs are shown page by page with QtPdf (see :mod:`desktop.pdf_pages`); web pages
and text sources as their extracted text.  Either way the view can zoom, find
text (over the document's extracted text, so hits are exactly what matching
sees), and let the user select a stretch of the source to link a claim to:
``selection()`` and ``selectionChanged(document_id, start, end)`` give it as
offsets into ``Document.text``.

QtPdf parses files in this process, so only PDFs that the sandboxed extraction
already read without harm (status "ok" or "partial") are ever handed to it;
for any other the view says why the file could not be read.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (QColor, QGuiApplication, QKeyEvent, QKeySequence, QPalette, QResizeEvent, QShortcut,
                           QTextCharFormat, QTextCursor, QWheelEvent)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QSpinBox, QStackedWidget, QTextBrowser,
                               QTextEdit, QToolButton, QVBoxLayout, QWidget)

from archive.documents import READABLE
from archive.extract import describe
from archive.models import Document
from archive.store import Archive
from desktop import theme
from desktop.formatting import format_date
from desktop.pdf_pages import (CURRENT_HIT_FILL, HIT_FILL, PASSAGE_FILL, SELECTION_FILL, PageWords, PdfPageView,
                               pdf_error_reason)

EMPTY_TEXT = "Choose a claim to see its source"
KIND_LABELS = {"pdf": "PDF", "html": "Web page", "text": "Text", "markdown": "Markdown"}
MAX_HITS = 20000  # hits found at most (all are counted and stepped through; a text view paints those near)
TEXT_HITS_PAINTED = 1500  # a text view paints this many hits either side of the current one

# Characters setPlainText would turn into something of another length (PySide drops a byte-order
# mark that starts a string); replaced so positions stay exact.
_PLAIN = str.maketrans({"\r": " ", "\u2029": "\n", "\ufdd0": "\ufffd", "\ufdd1": "\ufffd", "\ufeff": "\u2060"})


def find_spans(text: str, query: str, limit: int = MAX_HITS) -> list[tuple[int, int]]:
    """Where ``query`` occurs in ``text``, ignoring case; any run of whitespace matches any other."""
    words = query.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(map(re.escape, words)), re.IGNORECASE)
    spans = []
    for match in pattern.finditer(text):
        spans.append(match.span())
        if len(spans) >= limit:
            break
    return spans


class OffsetMap:
    """Python string offsets ⇄ Qt (UTF-16) positions for one text: characters beyond U+FFFF count twice in Qt."""

    def __init__(self, text: str) -> None:
        astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self._astral = astral
        self._qt = [offset + k for k, offset in enumerate(astral)]  # Qt position of each such character

    def to_qt(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset)

    def from_qt(self, position: int) -> int:
        return position - bisect_left(self._qt, position)


class SourceTextView(QTextBrowser):
    """A web page's or text file's extracted text, read-only, in a readable column."""

    MAX_LINE_WIDTH = 660
    MIN_SIDE_MARGIN = 22

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sourceText")
        self.setOpenLinks(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        palette = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Highlight, SELECTION_FILL)
            palette.setColor(group, QPalette.ColorRole.HighlightedText, theme.TEXT)
        self.setPalette(palette)
        self.setFont(theme.reading_font(12))  # the widget's font: zooming scales it
        self.document().setDocumentMargin(18)
        self._text = ""
        self._offsets = OffsetMap("")
        self._passage: tuple[int, int] | None = None
        self._hits: list[tuple[int, int]] = []
        self._current_hit = -1
        self._reveal: tuple[int, int] | None = None
        self.verticalScrollBar().actionTriggered.connect(self._forget_reveal)

    @property
    def text(self) -> str:
        return self._text

    def show_text(self, text: str) -> None:
        self._text, self._offsets = text, OffsetMap(text)
        self._passage, self._hits, self._current_hit, self._reveal = None, [], -1, None
        self.setExtraSelections([])
        self.setPlainText(text.translate(_PLAIN))

    def to_qt(self, offset: int) -> int:
        return self._offsets.to_qt(min(max(offset, 0), len(self._text)))

    def from_qt(self, position: int) -> int:
        return self._offsets.from_qt(position)

    def set_passage(self, span: tuple[int, int] | None) -> None:
        self._passage = span
        self._refresh()

    def set_hits(self, hits: list[tuple[int, int]], current: int = -1) -> None:
        self._hits, self._current_hit = hits, current
        self._refresh()

    def set_current_hit(self, current: int) -> None:
        self._current_hit = current
        self._refresh()

    def _cursor(self, start: int, end: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        cursor.setPosition(self.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        return cursor

    def _refresh(self) -> None:
        selections = []

        def add(span: tuple[int, int], background: QColor, underline: QColor | None = None) -> None:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = self._cursor(*span)
            fmt = QTextCharFormat()
            fmt.setBackground(background)
            if underline is not None:
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(underline)
            selection.format = fmt
            selections.append(selection)

        if self._passage is not None:
            add(self._passage, PASSAGE_FILL, QColor("#c79100"))
        middle = max(self._current_hit, 0)
        for i in range(max(0, middle - TEXT_HITS_PAINTED), min(len(self._hits), middle + TEXT_HITS_PAINTED)):
            if i != self._current_hit:
                add(self._hits[i], HIT_FILL)
        if 0 <= self._current_hit < len(self._hits):
            add(self._hits[self._current_hit], CURRENT_HIT_FILL, QColor("#b54a00"))
        self.setExtraSelections(selections)

    @property
    def passage_format(self) -> QTextCharFormat | None:
        """The format the passage is drawn with (None when there is no passage)."""
        selections = self.extraSelections()
        return selections[0].format if self._passage is not None and selections else None

    def reveal(self, start: int, end: int, *, only_if_hidden: bool = False) -> None:
        """Scroll text ``start:end`` into view, a quarter down (or not at all if it is in view already)."""
        self._reveal = (start, end)
        if only_if_hidden and self._span_visible(start, end):
            return
        self._reveal_now()

    def _span_visible(self, start: int, end: int) -> bool:
        top, bottom = self._span_rect(start, end)
        return top >= 0 and bottom <= self.viewport().height()

    def _span_rect(self, start: int, end: int) -> tuple[int, int]:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        top = self.cursorRect(cursor).top()
        cursor.setPosition(self.to_qt(end))
        return top, self.cursorRect(cursor).bottom()

    def _reveal_now(self) -> None:
        if self._reveal is None:
            return
        top, bottom = self._span_rect(*self._reveal)
        height = self.viewport().height()
        lead = min(height // 4, max(12, (height - (bottom - top)) // 2))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + top - lead)

    def _forget_reveal(self, _action: int = 0) -> None:
        self._reveal = None

    def selection(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start, end = self.from_qt(cursor.selectionStart()), self.from_qt(cursor.selectionEnd())
        return (start, end) if end > start else None

    def select(self, start: int, end: int) -> None:
        self.setTextCursor(self._cursor(start, end))

    def top_offset(self) -> int:
        """The text offset at the top-left of the view."""
        return self.from_qt(self.cursorForPosition(QPoint(0, 0)).position())

    def wheelEvent(self, event: QWheelEvent) -> None:
        self._reveal = None
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._reveal = None
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        room = event.size().width() - self.verticalScrollBar().sizeHint().width()
        side = max(self.MIN_SIDE_MARGIN, (room - self.MAX_LINE_WIDTH) // 2)
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 0, side, 0)
        super().resizeEvent(event)
        self._reveal_now()


class _FindKeys(QObject):
    """Enter / Shift+Enter / Escape in the find field."""

    def __init__(self, view: "SourceView") -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    self._view.find_previous()
                else:
                    self._view.find_next()
                return True
            if event.key() == Qt.Key.Key_Escape:
                self._view.close_find()
                return True
        return False


def _tool(text: str, tip: str, name: str = "sourceTool") -> QToolButton:
    button = QToolButton()
    button.setObjectName(name)
    button.setText(text)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    return button


def _native(*keys: str | QKeySequence.StandardKey) -> list[QKeySequence]:
    """Key sequences, standard ones expanded, each once (a key bound twice fires neither)."""
    found: list[QKeySequence] = []
    for key in keys:
        for sequence in (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                         else [QKeySequence(key)]):
            if not sequence.isEmpty() and sequence not in found:
                found.append(sequence)
    return found


class SourceView(QWidget):
    """A source document at the place a link points to; the user can select text in it to link.

    ``selectionChanged(document_id, start, end)`` when the selected text changes (offsets into
    the document's text), ``selectionCleared()`` when there is no selection any more,
    ``pageChanged(page)`` when another page of a PDF comes into view.
    """

    selectionChanged = Signal(str, int, int)
    selectionCleared = Signal()
    pageChanged = Signal(int)

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.setObjectName("sourceView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setMinimumWidth(240)
        self._document: Document | None = None
        self._mode = "empty"  # "empty" | "pdf" | "text" | "message"
        self._pdf_file: str | None = None  # the stored file loaded in pdf_document
        self._passage: tuple[int, int] | None = None
        self._hits: list[tuple[int, int]] = []
        self._hit = -1
        self._selection: tuple[int, int] | None = None
        self._text_zoom = 0

        self.pdf_document = QPdfDocument(self)
        self.pdf_view = PdfPageView()
        self.pdf_view.currentPageChanged.connect(self._on_page_changed)
        self.pdf_view.zoomChanged.connect(self._update_zoom_label)
        self.pdf_view.selectionMade.connect(lambda start, end: self._selection_changed((start, end)))
        self.pdf_view.selectionCleared.connect(lambda: self._selection_changed(None))
        self.pdf_view.copyRequested.connect(self.copy_selection)
        self.text_view = SourceTextView()
        self.text_view.selectionChanged.connect(lambda: self._selection_changed(self.text_view.selection()))

        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setObjectName("sourceEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.message_label = QLabel("")
        self.message_label.setObjectName("sourceMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        message_page = QWidget()
        message_page.setObjectName("sourceMessagePage")
        message_layout = QVBoxLayout(message_page)
        message_layout.setContentsMargins(28, 40, 28, 28)
        self.message_hint = QLabel("Footnote opens only the files it could read safely. Import a good copy "
                                   "of this source to see its pages and passages here.")
        self.message_hint.setObjectName("sourceMessageHint")
        self.message_hint.setWordWrap(True)
        self.message_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message_layout.setSpacing(10)
        message_layout.addWidget(self.message_label, 0, Qt.AlignmentFlag.AlignTop)
        message_layout.addWidget(self.message_hint, 0, Qt.AlignmentFlag.AlignTop)
        message_layout.addStretch(1)
        self.stack = QStackedWidget()
        for page in (self.empty_label, message_page, self.pdf_view, self.text_view):
            self.stack.addWidget(page)
        self._message_page = message_page

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._make_header())
        layout.addWidget(self._make_toolbar())
        layout.addWidget(self._make_find_bar())
        layout.addWidget(self.stack, 1)
        self._make_shortcuts()
        self.clear()

    # --- building ---------------------------------------------------------------------

    def _make_header(self) -> QWidget:
        self.header = QWidget()
        self.header.setObjectName("sourceHeader")
        self.header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.kind_label = QLabel("")
        self.kind_label.setObjectName("sourceKind")
        self.meta_label = QLabel("")
        self.meta_label.setObjectName("sourceMeta")
        self.meta_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.page_label = QLabel("")
        self.page_label.setObjectName("sourcePage")
        self.title_label = QLabel("")
        self.title_label.setObjectName("sourceTitle")
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.kind_label)
        row.addWidget(self.meta_label, 1)
        row.addWidget(self.page_label)
        layout = QVBoxLayout(self.header)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(5)
        layout.addLayout(row)
        layout.addWidget(self.title_label)
        return self.header

    def _make_toolbar(self) -> QWidget:
        self.toolbar = QWidget()
        self.toolbar.setObjectName("sourceToolbar")
        self.toolbar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.previous_page_button = _tool("‹", "Previous page (Page Up)")
        self.previous_page_button.clicked.connect(self.previous_page)
        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("sourcePageSpin")
        self.page_spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.page_spin.setToolTip("Go to page")
        self.page_spin.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # the pages, not this, get the focus first
        self.page_spin.valueChanged.connect(self.go_to_page)
        self.page_total = QLabel("")
        self.page_total.setObjectName("sourcePageTotal")
        self.next_page_button = _tool("›", "Next page (Page Down)")
        self.next_page_button.clicked.connect(self.next_page)
        self.zoom_out_button = _tool("−", "Zoom out (Ctrl+−)")
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_label = QLabel("100%")
        self.zoom_label.setObjectName("sourceZoom")
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom_label.setMinimumWidth(self.zoom_label.fontMetrics().horizontalAdvance("4000%"))
        self.zoom_in_button = _tool("+", "Zoom in (Ctrl++)")
        self.zoom_in_button.clicked.connect(self.zoom_in)
        self.fit_button = _tool("Fit width", "Fit the page to the width of the pane (Ctrl+0)", "sourceTextTool")
        self.fit_button.setCheckable(True)
        self.fit_button.clicked.connect(self.fit_width)
        self.find_button = _tool("Find", "Find in this source (Ctrl+Shift+F)", "sourceTextTool")
        self.find_button.clicked.connect(self.open_find)
        self._page_controls = [self.previous_page_button, self.page_spin, self.page_total, self.next_page_button]
        layout = QHBoxLayout(self.toolbar)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(2)
        for widget in self._page_controls:
            layout.addWidget(widget)
        self._toolbar_gap = QWidget()
        self._toolbar_gap.setFixedWidth(14)
        layout.addWidget(self._toolbar_gap)
        for widget in (self.zoom_out_button, self.zoom_label, self.zoom_in_button, self.fit_button):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.find_button)
        return self.toolbar

    def _make_find_bar(self) -> QWidget:
        self.find_bar = QWidget()
        self.find_bar.setObjectName("sourceFindBar")
        self.find_bar.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.find_edit = QLineEdit()
        self.find_edit.setObjectName("sourceFind")
        self.find_edit.setPlaceholderText("Find in this source")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.installEventFilter(_FindKeys(self))
        self._find_timer = QTimer(self)
        self._find_timer.setSingleShot(True)
        self._find_timer.setInterval(180)
        self._find_timer.timeout.connect(lambda: self.find(self.find_edit.text()))
        self.find_edit.textEdited.connect(lambda _text: self._find_timer.start())
        self.find_count = QLabel("")
        self.find_count.setObjectName("sourceFindCount")
        self.find_previous_button = _tool("↑", "Previous match (Shift+Enter)")
        self.find_previous_button.clicked.connect(self.find_previous)
        self.find_next_button = _tool("↓", "Next match (Enter)")
        self.find_next_button.clicked.connect(self.find_next)
        close = _tool("✕", "Close (Esc)")
        close.clicked.connect(self.close_find)
        layout = QHBoxLayout(self.find_bar)
        layout.setContentsMargins(10, 5, 10, 5)
        layout.setSpacing(4)
        layout.addWidget(self.find_edit, 1)
        layout.addWidget(self.find_count)
        layout.addWidget(self.find_previous_button)
        layout.addWidget(self.find_next_button)
        layout.addWidget(close)
        self.find_bar.hide()
        return self.find_bar

    def _make_shortcuts(self) -> None:
        def shortcut(keys: list[QKeySequence], slot) -> QShortcut:
            made = QShortcut(self)
            made.setKeys(keys)
            made.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            made.activated.connect(slot)
            return made

        shortcut(_native(QKeySequence.StandardKey.ZoomIn, "Ctrl++", "Ctrl+="), self.zoom_in)
        shortcut(_native(QKeySequence.StandardKey.ZoomOut, "Ctrl+-"), self.zoom_out)
        shortcut(_native("Ctrl+0"), self.fit_width)
        shortcut(_native("Ctrl+Shift+F"), self.open_find)
        shortcut(_native(QKeySequence.StandardKey.FindNext, "F3"), self.find_next)
        shortcut(_native(QKeySequence.StandardKey.FindPrevious, "Shift+F3"), self.find_previous)
        # Page keys turn pages in a PDF only: a text view scrolls with them as usual.
        self._page_shortcuts = [shortcut(_native("PgUp"), self.previous_page),
                                shortcut(_native("PgDown"), self.next_page)]

    # --- what is shown -------------------------------------------------------------------

    @property
    def document(self) -> Document | None:
        """The document shown (also when it could not be read), or None."""
        return self._document

    @property
    def document_id(self) -> str | None:
        return self._document.id if self._document is not None else None

    @property
    def mode(self) -> str:
        """"empty", "pdf", "text" or "message"."""
        return self._mode

    @property
    def message(self) -> str:
        return self.message_label.text() if self._mode == "message" else ""

    @property
    def passage(self) -> tuple[int, int] | None:
        return self._passage

    def clear(self) -> None:
        """Show nothing: the empty state."""
        self._set_mode("empty")
        self._document, self._passage = None, None
        self._close_pdf()
        self.text_view.show_text("")
        self._reset_find()
        self._selection_changed(None)

    def show_document(self, document_id: str, *, start: int | None = None, end: int | None = None,
                      page: int | None = None, rects: Sequence[Sequence[float]] | None = None) -> None:
        """Open a document at a passage: ``start:end`` of its text, on ``page``, drawn as ``rects`` if given."""
        with self.archive.read_session() as session:
            document = session.get(Document, document_id)
            words = PageWords.load(session, document_id) if document is not None and document.kind == "pdf" else None
        same = document is not None and self._document is not None and self._document.id == document.id \
            and self._document.extracted_at == document.extracted_at
        if not same:
            self._reset_find()
            self._selection_changed(None)
        self._document = document
        if document is None:
            self._close_pdf()
            self._show_header(None)
            self._show_message("This source is no longer in the archive.")
            return
        self._passage = (start, end) if start is not None and end is not None and end > start else None
        self._show_header(document)
        if document.status not in READABLE:
            self._close_pdf()
            self._show_message(f"This file could not be read: {describe(document.status, document.status_detail)}")
        elif document.kind == "pdf":
            self._show_pdf(document, words, page, rects)
        elif not document.text.strip():
            self._show_message("This source has no text to show.")
        else:
            self._show_text(document, same)
        if self.find_bar.isVisible() and self._mode in ("pdf", "text"):
            self._search(self.find_edit.text(), move=False)

    def _show_pdf(self, document: Document, words: PageWords, page: int | None,
                  rects: Sequence[Sequence[float]] | None) -> None:
        path = self.archive.files.path_for(document.file_sha256)
        if self._pdf_file != document.file_sha256:
            self._close_pdf()
            if not path.is_file():
                self._show_message(f"This file could not be read: {pdf_error_reason(QPdfDocument.Error.FileNotFound)}")
                return
            error = self.pdf_document.load(str(path))
            if error != QPdfDocument.Error.None_ or self.pdf_document.pageCount() == 0:
                self.pdf_document.close()
                self._show_message(f"This file could not be read: {pdf_error_reason(error)}")
                return
            self._pdf_file = document.file_sha256
            self._set_mode("pdf")
            self.pdf_view.set_document(self.pdf_document, words)
        else:
            self._set_mode("pdf")
            self.pdf_view.set_words(words)
        if rects:
            shown = [list(r) for r in rects]
        elif self._passage is not None:
            shown = words.rects(*self._passage)
        else:
            shown = []
        self.pdf_view.set_passage(shown)
        target = page or (words.page_of(self._passage[0]) if self._passage else None) \
            or (int(shown[0][0]) if shown else None) or 1
        if any(int(r[0]) == target for r in shown):
            self.pdf_view.reveal(shown, page=target)
        else:
            self.pdf_view.go_to_page(target)
        self._update_page_controls()

    def _show_text(self, document: Document, same: bool) -> None:
        if not (same and self._mode == "text" and self.text_view.text == document.text):
            self.text_view.show_text(document.text)
        self._set_mode("text")
        self.text_view.set_passage(self._passage)
        if self._passage is not None:
            self.text_view.reveal(*self._passage)
        else:
            self.text_view.verticalScrollBar().setValue(0)

    def _show_message(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_hint.setVisible(message.startswith("This file could not be read"))
        self._set_mode("message")

    def _close_pdf(self) -> None:
        if self._pdf_file is not None or self.pdf_view.page_count:
            self.pdf_view.set_document(None)
            self.pdf_document.close()
        self._pdf_file = None

    def _set_mode(self, mode: str) -> None:
        self._mode = mode
        self.stack.setCurrentWidget({"empty": self.empty_label, "message": self._message_page,
                                     "pdf": self.pdf_view, "text": self.text_view}[mode])
        self.header.setVisible(mode != "empty")
        self.toolbar.setVisible(mode in ("pdf", "text"))
        for widget in self._page_controls:
            widget.setVisible(mode == "pdf")
        self._toolbar_gap.setVisible(mode == "pdf")
        self.fit_button.setVisible(mode == "pdf")
        self.page_label.setVisible(mode == "pdf")
        for made in self._page_shortcuts:
            made.setEnabled(mode == "pdf")
        if mode not in ("pdf", "text"):
            self.find_bar.hide()
        self._update_zoom_label()

    def _show_header(self, document: Document | None) -> None:
        if document is None:
            self.kind_label.setText("")
            self.kind_label.hide()
            self.meta_label.setText("")
            self.title_label.setText("Missing source")
            self.title_label.setToolTip("")
            return
        self.kind_label.setText(KIND_LABELS.get(document.kind, document.kind.upper()))
        self.kind_label.show()
        by = document.author or document.publisher
        published = format_date(document.published.isoformat()) if document.published else ""
        parts = [p for p in (by, published) if p]
        if document.status == "partial":
            parts.append("partly damaged")
        self.meta_label.setText(" · ".join(parts))
        self.title_label.setText(document.title.strip() or "Untitled source")
        self.title_label.setToolTip(document.url or "")

    # --- pages and zoom --------------------------------------------------------------

    @property
    def current_page(self) -> int:
        """The PDF page in view (1-based); 0 when no PDF is shown."""
        return self.pdf_view.current_page if self._mode == "pdf" else 0

    @property
    def page_count(self) -> int:
        return self.pdf_view.page_count if self._mode == "pdf" else 0

    def go_to_page(self, page: int) -> None:
        if self._mode == "pdf":
            self.pdf_view.go_to_page(page)

    def next_page(self) -> None:
        self.go_to_page(self.current_page + 1)

    def previous_page(self) -> None:
        self.go_to_page(self.current_page - 1)

    def _on_page_changed(self, page: int) -> None:
        self._update_page_controls()
        self.pageChanged.emit(page)

    def _update_page_controls(self) -> None:
        count, page = self.pdf_view.page_count, self.pdf_view.current_page
        self.page_spin.blockSignals(True)
        self.page_spin.setRange(1 if count else 0, max(count, 1))
        self.page_spin.setValue(page)
        self.page_spin.blockSignals(False)
        digits = len(str(max(count, 1)))
        self.page_spin.setFixedWidth(self.page_spin.fontMetrics().horizontalAdvance("0" * (digits + 1)) + 26)
        self.page_total.setText(f"of {count}")
        self.page_label.setText(f"p. {page} / {count}" if count else "")
        self.previous_page_button.setEnabled(page > 1)
        self.next_page_button.setEnabled(page < count)

    @property
    def zoom(self) -> float:
        """The zoom factor (1.0 = 100 %)."""
        if self._mode == "text":
            base = theme.reading_font(12).pointSizeF()
            return self.text_view.font().pointSizeF() / base if base else 1.0
        return self.pdf_view.zoom

    def zoom_in(self) -> None:
        if self._mode == "pdf":
            self.pdf_view.zoom_in()
        elif self._mode == "text" and self._text_zoom < 12:
            self._text_zoom += 1
            self.text_view.zoomIn(1)
        self._update_zoom_label()

    def zoom_out(self) -> None:
        if self._mode == "pdf":
            self.pdf_view.zoom_out()
        elif self._mode == "text" and self._text_zoom > -5:
            self._text_zoom -= 1
            self.text_view.zoomOut(1)
        self._update_zoom_label()

    def fit_width(self) -> None:
        """Fit the page to the pane (PDF), or back to the normal text size."""
        if self._mode == "pdf":
            self.pdf_view.fit_width()
        elif self._mode == "text" and self._text_zoom:
            self.text_view.zoomOut(self._text_zoom)
            self._text_zoom = 0
        self._update_zoom_label()

    def _update_zoom_label(self, *_args: object) -> None:
        self.zoom_label.setText(f"{round(self.zoom * 100)}%")
        self.fit_button.setChecked(self.pdf_view.fits_width)

    # --- find --------------------------------------------------------------------------

    @property
    def hit_count(self) -> int:
        return len(self._hits)

    @property
    def hits(self) -> list[tuple[int, int]]:
        return list(self._hits)

    @property
    def current_hit(self) -> int:
        """Index of the hit shown, -1 if none."""
        return self._hit

    def open_find(self) -> None:
        if self._mode not in ("pdf", "text"):
            return
        selected = self.selected_text()
        if selected and "\n" not in selected and len(selected) <= 80:
            self.find_edit.setText(selected)
            self._find_timer.start()
        self.find_bar.show()
        self.find_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.find_edit.selectAll()

    def close_find(self) -> None:
        self._find_timer.stop()
        self.find_bar.hide()
        self._set_hits([], -1)
        self.find_count.setText("")
        (self.pdf_view if self._mode == "pdf" else self.text_view).setFocus()

    def find(self, query: str) -> int:
        """Highlight every occurrence of ``query`` and show the first one from here on; the number found."""
        self._find_timer.stop()
        if self.find_edit.text() != query:
            self.find_edit.setText(query)
        if self._mode in ("pdf", "text"):
            self.find_bar.show()
        return self._search(query, move=True)

    def _search(self, query: str, *, move: bool) -> int:
        if self._mode not in ("pdf", "text") or self._document is None:
            return 0
        hits = find_spans(self._document.text, query)
        current = -1
        if hits and move:
            here = self._here()
            current = next((i for i, (start, _end) in enumerate(hits) if start >= here), 0)
        self._set_hits(hits, current)
        if current >= 0:
            self._show_hit()
        self._update_find_count(query)
        return len(hits)

    def _here(self) -> int:
        """The text offset the view is at: the top of the page (PDF) or of the view (text)."""
        if self._mode == "pdf":
            page = self.pdf_view.words.page(self.pdf_view.current_page)
            return page.start if page is not None else 0
        return self.text_view.top_offset()

    def find_next(self) -> None:
        self._step(1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if self._find_timer.isActive() or (not self._hits and self.find_edit.text().strip()):
            self.find(self.find_edit.text())  # Enter before the search ran: run it now
            return
        if not self._hits:
            return
        if self._hit < 0:
            here = self._here()
            after = next((i for i, (start, _end) in enumerate(self._hits) if start >= here), 0)
            self._hit = after if delta > 0 else (after - 1) % len(self._hits)
        else:
            self._hit = (self._hit + delta) % len(self._hits)
        self._set_current_hit(self._hit)
        self._show_hit()
        self._update_find_count(self.find_edit.text())

    def _set_hits(self, hits: list[tuple[int, int]], current: int) -> None:
        self._hits, self._hit = hits, current
        self.pdf_view.set_hits(hits if self._mode == "pdf" else [], current)
        self.text_view.set_hits(hits if self._mode == "text" else [], current)

    def _set_current_hit(self, current: int) -> None:
        if self._mode == "pdf":
            self.pdf_view.set_current_hit(current)
        else:
            self.text_view.set_current_hit(current)

    def _show_hit(self) -> None:
        start, end = self._hits[self._hit]
        if self._mode == "pdf":
            rects = self.pdf_view.words.rects(start, end)
            if rects:
                self.pdf_view.reveal(rects, only_if_hidden=True)
            else:
                self.pdf_view.go_to_page(self.pdf_view.words.page_of(start) or 1)
        else:
            self.text_view.reveal(start, end, only_if_hidden=True)

    def _update_find_count(self, query: str) -> None:
        more = "+" if len(self._hits) >= MAX_HITS else ""
        if not query.strip():
            text = ""
        elif not self._hits:
            text = "No matches"
        elif self._hit < 0:
            text = f"{len(self._hits)}{more} {'match' if len(self._hits) == 1 else 'matches'}"
        else:
            text = f"{self._hit + 1} of {len(self._hits)}{more}"
        self.find_count.setText(text)
        self.find_edit.setProperty("noMatch", bool(query.strip()) and not self._hits)
        self.find_edit.style().unpolish(self.find_edit)
        self.find_edit.style().polish(self.find_edit)

    def _reset_find(self) -> None:
        self._set_hits([], -1)
        self.find_count.setText("")

    # --- selection ---------------------------------------------------------------------

    def selection(self) -> tuple[int, int] | None:
        """The selected text of the source as ``(start, end)`` offsets into its text, or None."""
        return self._selection

    def selected_text(self) -> str:
        if self._selection is None or self._document is None:
            return ""
        return self._document.text[self._selection[0]:self._selection[1]]

    def select(self, start: int, end: int) -> None:
        """Select text ``start:end`` of the document shown (as if the user had)."""
        if self._mode == "pdf":
            self.pdf_view.set_selection((start, end))
            self._selection_changed(self.pdf_view.selection())
        elif self._mode == "text":
            self.text_view.select(start, end)

    def clear_selection(self) -> None:
        if self._mode == "pdf":
            self.pdf_view.set_selection(None)
        elif self._mode == "text":
            cursor = self.text_view.textCursor()
            cursor.clearSelection()
            self.text_view.setTextCursor(cursor)
        self._selection_changed(None)

    def copy_selection(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def _selection_changed(self, span: tuple[int, int] | None) -> None:
        if span == self._selection:
            return
        self._selection = span
        if span is None:
            self.selectionCleared.emit()
        elif self._document is not None:
            self.selectionChanged.emit(self._document.id, span[0], span[1])
