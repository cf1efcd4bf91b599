"""The centre pane: the article as a reader sees it, with every claim highlighted by status.

The view adds behaviour on top of :mod:`desktop.reader_document`: a readable
line length, tooltips that name a claim's sources, clicking a claim to choose
it, and scrolling to (and emphasising) the claim chosen in the claims panel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import QHelpEvent, QPalette, QMouseEvent, QResizeEvent, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QLabel, QSizePolicy, QTextBrowser, QTextEdit, QToolTip, QWidget

from desktop import theme
from desktop.flow_layout import FlowLayout
from desktop.formatting import claim_tooltip_html
from desktop.reader_document import ReaderDocument, build_document


class ReaderView(QTextBrowser):
    """Read-only article view; ``claimClicked(row)`` when the user clicks inside a claim."""

    claimClicked = Signal(int)

    MAX_LINE_WIDTH = 700  # pixels of text per line: about 75 characters of the reading font
    MIN_SIDE_MARGIN = 28

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setOpenLinks(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self._page: ReaderDocument | None = None
        self._detail: dict[str, Any] | None = None
        self._sources: dict[int, dict[str, Any]] = {}
        self._current = -1
        self._press: QPoint | None = None
        palette = self.palette()  # the Sources rule is drawn in this colour
        palette.setColor(QPalette.ColorGroup.Inactive, QPalette.ColorRole.WindowText, theme.BORDER)
        self.setPalette(palette)
        self.show_placeholder("No article selected.")

    # --- content -------------------------------------------------------------

    @property
    def page(self) -> ReaderDocument | None:
        """The built document of the article shown (None while a placeholder is shown)."""
        return self._page

    @property
    def current_claim(self) -> int:
        return self._current

    def show_article(self, detail: dict[str, Any]) -> None:
        page = build_document(detail, self)
        self._replace_document(page.document)
        self._page, self._detail = page, detail
        self._sources = {s["number"]: s for s in detail["sources"]}

    def show_placeholder(self, message: str) -> None:
        document = QTextDocument(self)
        document.setDefaultFont(theme.ui_font(11))
        cursor = QTextCursor(document)
        fmt = QTextCharFormat()
        fmt.setForeground(theme.MUTED)
        cursor.insertText(message, fmt)
        self._replace_document(document)
        self._page, self._detail, self._sources = None, None, {}

    def _replace_document(self, document: QTextDocument) -> None:
        old = self.document()
        ours = old is not None and old is not document and old.parent() is self
        self.setExtraSelections([])
        self._current = -1
        self.setDocument(document)  # deletes Qt's own initial document, never ours
        if ours:
            old.deleteLater()
        self.verticalScrollBar().setValue(0)

    # --- claims --------------------------------------------------------------

    def claim_rect(self, row: int) -> QRect:
        """Where claim ``row`` is drawn, in viewport coordinates (empty if it is not shown)."""
        span = self._page.claim_range(row) if self._page else None
        if span is None:
            return QRect()
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        top = self.cursorRect(cursor)
        cursor.setPosition(span[1])
        bottom = self.cursorRect(cursor)
        return QRect(QPoint(0, top.top()), QPoint(self.viewport().width(), bottom.bottom()))

    def show_claim(self, row: int) -> None:
        """Move the cursor to claim ``row``, emphasise it, and scroll it into view if it is not."""
        span = self._page.claim_range(row) if self._page else None
        if span is None:
            self._current = -1
            self.setExtraSelections([])
            return
        self._current = row
        style = theme.status_style(self._detail["claims"][row]["status"]) if self._detail else None
        selections = []
        for start, end, span_row in self._page.spans:
            if span_row != row:
                continue
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(self.document())
            selection.cursor.setPosition(start)
            selection.cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            if style is not None:
                fmt.setBackground(style.strong)
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(style.ink)
            selection.format = fmt
            selections.append(selection)
        self.setExtraSelections(selections)
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        self.setTextCursor(cursor)
        self._scroll_into_view(self.claim_rect(row))

    def _scroll_into_view(self, rect: QRect) -> None:
        visible = self.viewport().rect()
        if rect.isEmpty() or (rect.top() >= 0 and rect.bottom() <= visible.bottom()):
            return
        bar = self.verticalScrollBar()
        slack = max(visible.height() - rect.height(), 0)
        bar.setValue(bar.value() + rect.top() - min(slack // 3, 160))

    def claim_at(self, point: QPoint) -> int:
        """The row of the claim under ``point`` (viewport coordinates), or -1."""
        if self._page is None:
            return -1
        layout = self.document().documentLayout()
        offset = QPointF(self.horizontalScrollBar().value(), self.verticalScrollBar().value())
        position = layout.hitTest(QPointF(point) + offset, Qt.HitTestAccuracy.ExactHit)
        if position < 0:
            return -1
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        if self.cursorRect(cursor).left() > point.x() and position > 0:
            position -= 1  # the hit was on the right half of the character before
        return self._page.claim_at(position)

    def tooltip_at(self, point: QPoint) -> str:
        row = self.claim_at(point)
        if row < 0 or self._detail is None:
            return ""
        return claim_tooltip_html(row + 1, self._detail["claims"][row], self._sources)

    # --- events --------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(event.pos())
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport(), self.claim_rect(self.claim_at(event.pos())))
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        if (event.button() == Qt.MouseButton.LeftButton and self._press is not None
                and (point - self._press).manhattanLength() < 4 and not self.textCursor().hasSelection()):
            row = self.claim_at(point)
            if row >= 0:
                self.claimClicked.emit(row)
        self._press = None

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Margins first: QTextEdit lays the document out for the viewport size it sees here.
        self._fit_line_length(event.size().width())
        super().resizeEvent(event)

    def _fit_line_length(self, width: int) -> None:
        """Centre a column of at most MAX_LINE_WIDTH pixels: long lines are hard to read."""
        # Always leave room for the scroll bar, so the column does not shift when it appears.
        room = width - self.verticalScrollBar().sizeHint().width()
        side = max(self.MIN_SIDE_MARGIN, (room - self.MAX_LINE_WIDTH) // 2)
        if self.viewportMargins().left() != side:
            self.setViewportMargins(side, 0, side, 0)


class StatusLegend(QWidget):
    """A strip that names each highlight colour, so colour never has to be guessed.

    Its chips wrap onto a second line when the reader is narrow (they were clipped at the right).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        layout = FlowLayout(self, spacing=8)
        layout.setContentsMargins(18, 8, 18, 8)
        caption = QLabel("Claim highlights")
        caption.setObjectName("legendCaption")
        layout.addWidget(caption)
        self.chips: dict[str, QLabel] = {}
        underline = {"no_source": "dotted", "verified": "solid", "partial": "dashed", "not_found": "double"}
        for status, style in theme.STATUSES.items():
            chip = QLabel(style.label)
            chip.setObjectName("legendChip")
            chip.setToolTip(f"{style.label}: {style.meaning}")
            chip.setStyleSheet(
                f"background: {style.background.name()}; color: {theme.TEXT.name()};"
                f"border-bottom: 2px {underline[status]} {style.ink.name()};")
            layout.addWidget(chip)
            self.chips[status] = chip
