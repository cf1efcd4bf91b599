"""The inspector: everything about the chosen claim, and every decision a person makes on it.

It shows the claim's number, the person's decision (which wins) beside the
automatic verification, the claim's citations, each link to a source as a card
(document, page, verdict and score, the reason, the matched text in its
context), the person's note and tags, and the article's numbered sources with
their documents.  Every change goes through :class:`desktop.undo.Edits` as one
undoable command on the window's undo stack; the archive itself is only ever
touched by the task runner, off the UI thread.

The main window calls :meth:`ClaimInspector.set_claim` with the article it
shows, and reads the article again when :attr:`ClaimInspector.refresh_requested`
fires (after every edit, undo and redo).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QUndoStack
from PySide6.QtWidgets import (QComboBox, QCompleter, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QScrollArea, QSizePolicy, QToolButton, QVBoxLayout,
                               QWidget)

from archive.annotations import Changes, clean_tags, trim
from archive.attach import normalize_title
from archive.store import Archive
from desktop import theme
from desktop.formatting import error_line, number_ranges
from desktop.flow_layout import FlowLayout
from desktop.tasks import TaskRunner
from desktop.undo import Edits

NOTE_SAVE_DELAY_MS = 1000
QUOTE_CONTEXT = 32  # characters of prefix and suffix shown around the matched text


@dataclass(frozen=True)
class Decision:
    label: str  # the button's word
    shown: str  # the prominent badge
    ink: str  # badge colour (dark enough for white text)
    tip: str


# Okabe-Ito bluish green, reddish purple and a neutral slate, darkened for white text; each also has its word.
DECISIONS: dict[str, Decision] = {
    "confirmed": Decision("Confirm", "Confirmed by you", "#00704f", "You checked the claim: it is right"),
    "disputed": Decision("Dispute", "Disputed by you", "#8e3b74", "You doubt the claim: it needs a closer look"),
    "rejected": Decision("Reject", "Rejected by you", "#424a53", "You judge the claim wrong"),
}
LINK_DECISIONS = {"confirmed": ("Confirm", "confirmed by you", "#00704f"),
                  "rejected": ("Reject", "rejected by you", "#424a53")}
KIND_WORDS = {"pdf": "PDF", "html": "Web page", "text": "Text", "markdown": "Markdown"}
RELATION_WORDS = {"supports": "supports", "contradicts": "contradicts", "context": "gives context"}


def percent(score: float | None) -> str:
    return f"{round(score * 100)}%" if score is not None else ""


def verification_summary(claim: dict[str, Any]) -> str:
    """The automatic result in words: ``verified 100%``, ``partial 64%``, ``no source``."""
    status = claim["status"]
    scores = [link["score"] for link in claim["links"]
              if link.get("verdict") == status and link.get("score") is not None]
    label = theme.status_label(status).lower()
    return f"{label} {percent(max(scores))}" if scores else label


def decision_summary(claim: dict[str, Any]) -> str:
    """``Disputed by you · verification: verified 100%``; without a decision the verification leads."""
    decision = DECISIONS.get(claim.get("user_status") or "")
    verification = verification_summary(claim)
    if decision is not None:
        return f"{decision.shown} · verification: {verification}"
    return f"Verification: {verification} · not reviewed by you"


def status_parts(claim: dict[str, Any]) -> tuple[str, str, str]:
    """The badge's words and colour, and the words beside it.

    A person's decision wins and takes the badge; the automatic result stands
    beside it.  Without a decision the badge is the automatic status.
    """
    decision = DECISIONS.get(claim.get("user_status") or "")
    if decision is not None:
        return decision.shown, decision.ink, f"verification: {verification_summary(claim)}"
    style = theme.status_style(claim["status"])
    score = verification_summary(claim).removeprefix(theme.status_label(claim["status"]).lower()).strip()
    return style.label, style.ink.name(), " · ".join(w for w in (score, "not reviewed by you") if w)


def quote_html(link: dict[str, Any]) -> str:
    """The matched text in its context: ``…prefix <b>exact</b> suffix…``, on one flowing line."""
    def flat(text: str | None) -> str:
        return html.escape(" ".join((text or "").split()))

    prefix, suffix = flat(link.get("prefix"))[-QUOTE_CONTEXT * 2:], flat(link.get("suffix"))[:QUOTE_CONTEXT * 2]
    before = f"<span style='color:{theme.MUTED.name()}'>…{prefix} </span>" if prefix else ""
    after = f"<span style='color:{theme.MUTED.name()}'> {suffix}…</span>" if suffix else ""
    return f"{before}<b>{flat(link.get('exact'))}</b>{after}"


def _clean_tags(text: str) -> list[str]:
    """The tags typed (comma separated) as the core keeps them: trimmed, lowercase, each once, sorted."""
    return clean_tags(text.split(","))


def _read_claim_extras(archive: Archive, claim_id: str) -> dict[str, Any]:
    """Runs on the task runner: the claim's note and tags, every tag in use, and the documents to attach."""
    from sqlmodel import select

    from archive.documents import list_documents
    from archive.models import Claim, ClaimTag

    with archive.session() as session:
        claim = session.get(Claim, claim_id)
        tags = sorted(session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim_id)))
        all_tags = sorted(set(session.exec(select(ClaimTag.tag))))
        documents = [(d.id, d.title) for d in list_documents(session)]
    return {"claim": claim_id, "found": claim is not None, "note": claim.note if claim else "", "tags": tags,
            "origin": claim.origin if claim else None, "all_tags": all_tags, "documents": documents}


# --- small widgets --------------------------------------------------------------


def _label(text: str = "", name: str = "", *, wrap: bool = True, rich: bool = False) -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    return label


def _pill_style(ink: str, small: bool = False) -> str:
    """A badge's look; set on the badge itself (its colour varies), so all of it is here, not in app.qss."""
    # Qt draws square corners when the radius is more than half the height: keep it below.
    return (f"background: {ink}; color: white; font-weight: bold; border-radius: {7 if small else 9}px;"
            f"padding: {'2px 7px' if small else '3px 10px'}; font-size: {7.5 if small else 8}pt;")


def _pill(text: str, ink: str, name: str = "inspectorStatusPill") -> QLabel:
    pill = QLabel(text.upper())
    pill.setObjectName(name)
    pill.setStyleSheet(_pill_style(ink, small=name != "inspectorStatusPill"))
    pill.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return pill


def _button(text: str, name: str, slot: Callable[[], None], tip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setAutoDefault(False)
    if tip:
        button.setToolTip(tip)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def _set_active(button: QPushButton, active: bool) -> None:
    """Marks the decision already taken (styled by the ``active`` property, and said for screen readers)."""
    button.setProperty("active", active)
    button.setAccessibleDescription("current decision" if active else "")
    button.style().unpolish(button)
    button.style().polish(button)


def _section(title: str) -> QLabel:
    return _label(title.upper(), "inspectorSection", wrap=False)


def _clear(layout: QVBoxLayout) -> None:
    """Take every widget out of ``layout`` and have Qt delete it, on the UI thread, when the event loop turns.

    The widgets keep their parent until then.  ``setParent(None)`` would hand each one to its Python
    wrapper, and a card's wrapper sits in a reference cycle (its signals' lambdas refer to it): the garbage
    collector would then delete the widget wherever it happens to run, often on the task runner's thread,
    which crashes Qt (a segmentation fault while an edit was being indexed).
    """
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()


class NoteEdit(QPlainTextEdit):
    """The note editor; says when it loses focus (the note is saved then)."""

    focusLost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()


class TagCompleter(QCompleter):
    """Completes the tag being typed (after the last comma) from the tags already in use."""

    def splitPath(self, path: str) -> list[str]:
        return [path.split(",")[-1].strip()]

    def pathFromIndex(self, index) -> str:  # noqa: ANN001 - Qt's QModelIndex
        widget = self.widget()
        typed = widget.text().split(",")[:-1] if isinstance(widget, QLineEdit) else []
        done = [t.strip() for t in typed if t.strip()]
        return ", ".join([*done, str(index.data())]) + ", "


class LinkCard(QFrame):
    """One link of the claim: where, how good, why, the matched text, and what to do with it."""

    decide = Signal(object)  # "confirmed" | "rejected" | None
    remove = Signal()
    show_in_source = Signal()

    def __init__(self, link: dict[str, Any], sources: dict[int, dict[str, Any]], *, writable: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.setObjectName("inspectorLinkCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setProperty("decision", link.get("decision") or "none")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(11, 9, 10, 9)
        layout.setSpacing(6)

        number = link.get("source")
        source = sources.get(number) if number is not None else None
        title = link.get("document_title") or (source or {}).get("title") or "Untitled document"
        heading = QHBoxLayout()
        heading.setSpacing(8)
        if number is not None:
            chip = _label(f"[{number}]", "inspectorSourceNumber", wrap=False)
            chip.setAlignment(Qt.AlignmentFlag.AlignTop)
            heading.addWidget(chip, 0, Qt.AlignmentFlag.AlignTop)
        self.title = _label(title, "inspectorLinkTitle")
        self.title.setToolTip(title)
        heading.addWidget(self.title, 1)
        layout.addLayout(heading)

        where = [f"p. {link['page']}" if link.get("page") else "no page",
                 RELATION_WORDS.get(link.get("relation") or "supports", link.get("relation") or ""),
                 "linked by you" if link.get("origin") == "user" else "found by verification"]
        decided = LINK_DECISIONS.get(link.get("decision") or "")
        meta = html.escape(" · ".join(w for w in where if w))
        if decided:
            meta += f" · <b style='color:{decided[2]}'>{html.escape(decided[1])}</b>"
        self.meta = _label(meta, "inspectorLinkMeta", rich=True)
        layout.addWidget(self.meta)

        verdict_row = QHBoxLayout()
        verdict_row.setSpacing(8)
        verdict = link.get("verdict") or ""
        style = theme.STATUSES.get(verdict)
        ink = style.ink.name() if style else theme.MUTED.name()
        words = f"{theme.status_label(verdict)} {percent(link.get('score'))}".strip()
        self.verdict = _pill(words, ink, "inspectorVerdictPill")
        verdict_row.addWidget(self.verdict, 0, Qt.AlignmentFlag.AlignTop)
        self.reason = _label(link.get("reason") or "", "inspectorLinkReason")
        verdict_row.addWidget(self.reason, 1)
        layout.addLayout(verdict_row)

        self.quote = _label(quote_html(link), "inspectorLinkQuote", rich=True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setFont(theme.reading_font(10))
        layout.addWidget(self.quote)

        buttons = FlowLayout(spacing=5)
        current = link.get("decision")
        self.confirm_button = _button("Confirm", "inspectorCardButton",
                                      lambda: self.decide.emit(None if current == "confirmed" else "confirmed"),
                                      "This passage backs the claim (click again to take it back)")
        self.reject_button = _button("Reject", "inspectorCardButton",
                                     lambda: self.decide.emit(None if current == "rejected" else "rejected"),
                                     "This passage does not back the claim; verification will not bring it back")
        self.remove_button = _button("Remove link", "inspectorCardButton", self.remove.emit, "Delete this link")
        self.show_button = _button("Show in source", "inspectorShowButton", self.show_in_source.emit,
                                   "Open the document at this passage")
        self.confirm_button.setProperty("kind", "confirmed")
        self.reject_button.setProperty("kind", "rejected")
        _set_active(self.confirm_button, current == "confirmed")
        _set_active(self.reject_button, current == "rejected")
        for button in (self.confirm_button, self.reject_button, self.remove_button):
            button.setEnabled(writable)
            buttons.addWidget(button)
        buttons.add_stretch()
        buttons.addWidget(self.show_button)
        layout.addLayout(buttons)


class SourceRow(QFrame):
    """One numbered source of the article: its document, and attach or detach."""

    attach = Signal(str, str)  # document id, title
    detach = Signal()

    def __init__(self, source: dict[str, Any], documents: list[tuple[str, str]] | None, *, cited_here: bool,
                 writable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.setObjectName("inspectorSourceRow")
        self.setProperty("cited", cited_here)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(5)
        heading = QHBoxLayout()
        heading.setSpacing(8)
        number = _label(f"[{source['number']}]", "inspectorSourceNumber", wrap=False)
        heading.addWidget(number, 0, Qt.AlignmentFlag.AlignTop)
        publisher = f" — {source['publisher']}" if source.get("publisher") else ""
        heading.addWidget(_label(f"{source['title']}{publisher}", "inspectorSourceTitle"), 1)
        if cited_here:
            heading.addWidget(_label("cited here", "inspectorCitedHere", wrap=False), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(heading)

        document = source.get("document")
        row = QHBoxLayout()
        row.setSpacing(6)
        self.detach_button: QPushButton | None = None
        self.attach_button: QPushButton | None = None
        self.combo: QComboBox | None = None
        if document:
            by = {"auto": "attached automatically", "user": "attached by you"}.get(source.get("attached_by") or "",
                                                                                     "attached")
            kind = KIND_WORDS.get(document.get("kind") or "", "Document")
            text = f"<span style='color:{theme.MUTED.name()}'>{html.escape(kind)} · {by}</span>"
            if normalize_title(document["title"]) != normalize_title(source["title"]):
                text = f"{html.escape(document['title'])}<br>{text}"
            self.document_label = _label(text, "inspectorSourceDocument", rich=True)
            self.document_label.setToolTip(document["title"])
            row.addWidget(self.document_label, 1)
            self.detach_button = _button("Detach", "inspectorCardButton", self.detach.emit,
                                         "Detach this document; the claims citing the source are verified again")
            self.detach_button.setEnabled(writable)
            row.addWidget(self.detach_button, 0, Qt.AlignmentFlag.AlignTop)
        else:
            self.combo = QComboBox()
            self.combo.setObjectName("inspectorDocumentCombo")
            self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            self.combo.setMinimumContentsLength(12)
            self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            if documents is None:
                self.combo.addItem("Reading the documents…")
                self.combo.setEnabled(False)
            elif not documents:
                self.combo.addItem("No documents in the archive")
                self.combo.setEnabled(False)
            else:
                self.combo.addItem("Choose a document…", None)
                for document_id, title in documents:
                    self.combo.addItem(title, document_id)
                    self.combo.setItemData(self.combo.count() - 1, title, Qt.ItemDataRole.ToolTipRole)
                self.combo.setEnabled(writable)
            self.attach_button = _button("Attach", "inspectorCardButton", self._attach,
                                         "Attach the chosen document; the claims citing the source are verified again")
            self.attach_button.setEnabled(False)
            self.combo.currentIndexChanged.connect(
                lambda _i: self.attach_button.setEnabled(writable and self.combo.currentData() is not None))
            row.addWidget(self.combo, 1)
            row.addWidget(self.attach_button)
            if source.get("attached_by") == "detached":
                layout.addWidget(_label("detached by you: automatic attachment leaves it alone", "inspectorSourceNote"))
        layout.addLayout(row)

    def choose(self, document_id: str) -> None:
        """Select ``document_id`` in the combo (as a person would)."""
        if self.combo is not None:
            self.combo.setCurrentIndex(self.combo.findData(document_id))

    def _attach(self) -> None:
        if self.combo is not None and self.combo.currentData() is not None:
            self.attach.emit(self.combo.currentData(), self.combo.currentText())


@dataclass
class _Extras:
    """What the article detail does not carry, read on the runner: note, tags, tags in use, documents."""

    claim: str | None = None
    note: str = ""
    tags: list[str] = field(default_factory=list)
    loaded: bool = False
    origin: str | None = None


class ClaimInspector(QWidget):
    """The detail pane for the chosen claim.  Edits go on ``undo_stack``; ``refresh_requested`` asks for a reload."""

    showLink = Signal(dict)  # the link dict of a card's "Show in source"
    refresh_requested = Signal(object)  # archive.annotations.Changes, after every edit, undo and redo
    error_occurred = Signal(object)  # the exception of an edit that failed (its message is fit for the user)

    def __init__(self, archive: Archive, runner: TaskRunner, undo_stack: QUndoStack,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.archive, self.runner, self.undo_stack = archive, runner, undo_stack
        self.edits = Edits(archive, runner, undo_stack, refresh=self._on_changed, on_error=self._on_error)
        self.detail: dict[str, Any] | None = None
        self.index: int | None = None
        self.link_cards: list[LinkCard] = []
        self.source_rows: list[SourceRow] = []
        self._extras = _Extras()
        self._documents: list[tuple[str, str]] | None = None
        self._note_claim: tuple[str, int] | None = None  # (claim id, number) the editor's text belongs to
        self._note_saved = ""
        self._tags_saved: list[str] = []
        # The last note and tags edits sent: (their command's memo, claim id, what was saved before), so that
        # an edit the archive refused (a full disk) is not taken for saved: leaving the editor tries again.
        self._note_sent: tuple[Any, str, str] | None = None
        self._tags_sent: tuple[Any, str, list[str]] | None = None
        self._loading = False

        self.note_timer = QTimer(self)
        self.note_timer.setSingleShot(True)
        self.note_timer.setInterval(NOTE_SAVE_DELAY_MS)
        self.note_timer.timeout.connect(self.save_note)

        self._build()
        self.set_claim(None, None)

    # --- building --------------------------------------------------------------

    def _build(self) -> None:
        self.placeholder = _label("Choose a claim to see its sources, decide on it and keep notes.", "emptyNote")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)

        self.error_label = _label("", "inspectorError")
        self.error_label.hide()

        self.remove_claim_button = QToolButton()
        self.remove_claim_button.setObjectName("inspectorRemoveClaim")
        self.remove_claim_button.setText("Remove claim")
        self.remove_claim_button.setToolTip("Remove this claim with its links, note and tags (can be undone)")
        self.remove_claim_button.clicked.connect(self._remove_claim)
        self.pill = _pill("", theme.MUTED.name())
        self.summary = _label("", "inspectorDecisionSummary")
        status_row = QHBoxLayout()
        status_row.setSpacing(8)
        status_row.addWidget(self.pill, 0, Qt.AlignmentFlag.AlignVCenter)
        status_row.addWidget(self.summary, 1)

        self.claim_text = _label("", "inspectorClaimText")
        self.claim_text.setFont(theme.reading_font(10.5))
        self.claim_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.citations = _label("", "inspectorClaimCitations", rich=True)

        self.decision_buttons: dict[str | None, QPushButton] = {}
        decisions = FlowLayout()
        for status, decision in DECISIONS.items():
            button = _button(decision.label, "inspectorDecisionButton", lambda s=status: self._decide_claim(s),
                             f"{decision.tip} (click again to take it back)")
            button.setProperty("kind", status)
            self.decision_buttons[status] = button
            decisions.addWidget(button)
        clear = _button("Clear", "inspectorDecisionButton", lambda: self._decide_claim(None),
                        "Take your decision back: verification decides again")
        clear.setProperty("kind", "clear")
        self.decision_buttons[None] = clear
        decisions.addWidget(clear)

        self.links_title = _section("Links")
        self.links_layout = QVBoxLayout()
        self.links_layout.setSpacing(8)
        self.no_links = _label("", "inspectorEmptyLinks")

        self.note_edit = NoteEdit()
        self.note_edit.setObjectName("inspectorNoteEdit")
        self.note_edit.setPlaceholderText("Your note on this claim…")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(74)
        self.note_edit.textChanged.connect(self._note_typed)
        self.note_edit.focusLost.connect(self.save_note)
        self.note_state = _label("", "inspectorNoteState", wrap=False)
        note_title = QHBoxLayout()
        note_title.addWidget(_section("Note"))
        note_title.addStretch(1)
        note_title.addWidget(self.note_state)

        self.tags_edit = QLineEdit()
        self.tags_edit.setObjectName("inspectorTagsEdit")
        self.tags_edit.setPlaceholderText("tags, separated by commas")
        self.tags_edit.setClearButtonEnabled(True)
        self.tags_model = QStringListModel(self)
        self.tag_completer = TagCompleter(self.tags_model, self)
        self.tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.tags_edit.setCompleter(self.tag_completer)
        self.tags_edit.editingFinished.connect(self.save_tags)

        self.sources_layout = QVBoxLayout()
        self.sources_layout.setSpacing(6)

        content = QWidget()
        content.setObjectName("inspectorContent")
        body = QVBoxLayout(content)
        body.setContentsMargins(14, 12, 14, 16)
        body.setSpacing(8)
        body.addWidget(self.error_label)
        body.addLayout(status_row)
        body.addWidget(self.claim_text)
        body.addWidget(self.citations)
        body.addLayout(decisions)
        body.addSpacing(6)
        body.addWidget(self.links_title)
        body.addWidget(self.no_links)
        body.addLayout(self.links_layout)
        body.addSpacing(6)
        body.addLayout(note_title)
        body.addWidget(self.note_edit)
        body.addSpacing(4)
        body.addWidget(_section("Tags"))
        body.addWidget(self.tags_edit)
        body.addSpacing(6)
        body.addWidget(_section("Sources of the article"))
        body.addLayout(self.sources_layout)
        body.addStretch(1)
        self.content = content

        self.scroll = QScrollArea()
        self.scroll.setObjectName("inspectorScroll")
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)

        self.title = _label("Claim", "paneTitle", wrap=False)
        self.count = _label("", "paneCount", wrap=False)
        self.origin = _label("", "inspectorClaimOrigin", wrap=False)
        header = QHBoxLayout()
        header.setContentsMargins(14, 10, 10, 6)
        header.setSpacing(6)
        header.addWidget(self.title)
        header.addWidget(self.count)
        header.addWidget(self.origin)
        header.addStretch(1)
        header.addWidget(self.remove_claim_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.scroll, 1)

    # --- showing a claim -------------------------------------------------------

    @property
    def claim(self) -> dict[str, Any] | None:
        if self.detail is None or self.index is None or not 0 <= self.index < len(self.detail["claims"]):
            return None
        return self.detail["claims"][self.index]

    @property
    def number(self) -> int:
        return (self.index or 0) + 1

    @property
    def writable(self) -> bool:
        return not self.archive.read_only

    def set_claim(self, article_detail: dict[str, Any] | None, claim_index: int | None) -> None:
        """Show claim ``claim_index`` (0-based) of ``article_detail``; ``None`` shows the placeholder."""
        previous = self.claim
        claims = article_detail["claims"] if article_detail else []
        claim = claims[claim_index] if claim_index is not None and 0 <= claim_index < len(claims) else None
        if previous is not None and (claim is None or claim["id"] != previous["id"]):
            self.flush()  # a note or tags being typed belong to the claim shown until now
            self.error_label.hide()
        self.detail, self.index = article_detail, claim_index if claim is not None else None
        self.placeholder.setVisible(claim is None)
        self.scroll.setVisible(claim is not None)
        if claim is None:
            self.title.setText("Claim")
            self.count.hide()
            self.origin.hide()
            self.remove_claim_button.hide()
            self._note_claim = None
            self._extras = _Extras()
            self._show_sources()
            return
        self._show_claim(claim)
        self._show_links(claim)
        self._show_sources()
        if previous is None or previous["id"] != claim["id"]:
            self._extras = _Extras(claim["id"])
            self._set_editors_enabled(False)
        if "note" in claim and "tags" in claim:  # an article detail that carries them is used at once
            self._apply_extras({"claim": claim["id"], "found": True, "note": claim["note"], "tags": claim["tags"]})
        self._load_extras(claim["id"])

    def flush(self) -> None:
        """Save a note or tags still being typed (before the claim or article changes, or the window closes)."""
        self.save_note()
        self.save_tags()

    def _show_claim(self, claim: dict[str, Any]) -> None:
        self.title.setText(f"Claim {self.number}")
        self.count.setText(f"of {len(self.detail['claims'])}")
        self.count.show()
        self.origin.setText("made by you")
        origin = claim.get("origin", self._extras.origin if self._extras.claim == claim["id"] else None)
        self.origin.setVisible(origin == "user")
        self.remove_claim_button.show()
        pill, ink, beside = status_parts(claim)
        self.pill.setText(pill.upper())
        self.pill.setStyleSheet(_pill_style(ink))
        self.summary.setText(beside)
        summary = decision_summary(claim)
        self.pill.setToolTip(summary)
        self.pill.setAccessibleName(summary)
        self.summary.setToolTip(summary)
        self.claim_text.setText(claim["text"])
        self.citations.setText(self._citations_html(claim))
        for status, button in self.decision_buttons.items():
            _set_active(button, status is not None and claim.get("user_status") == status)
            button.setEnabled(self.writable and (status is not None or bool(claim.get("user_status"))))
        self.remove_claim_button.setEnabled(self.writable)

    def _citations_html(self, claim: dict[str, Any]) -> str:
        sources = {s["number"]: s for s in self.detail["sources"]} if self.detail else {}
        rows = []
        for citation in claim["citations"]:
            source = sources.get(citation["source"])
            title = html.escape(source["title"]) if source else "not in the Sources list"
            sentences = citation["sentences"]
            where = (f" · {'sentence' if len(sentences) == 1 else 'sentences'} {number_ranges(sentences)}"
                     if sentences else "")
            rows.append(f"<b>[{citation['source']}]</b> {title}<span style='color:{theme.MUTED.name()}'>"
                        f"{where}</span>")
        if not rows:
            return f"<span style='color:{theme.MUTED.name()}'>Cites no source</span>"
        return f"<span style='color:{theme.MUTED.name()}'>Cites</span> " + "<br>".join(rows)

    def _show_links(self, claim: dict[str, Any]) -> None:
        _clear(self.links_layout)
        self.link_cards = []
        sources = {s["number"]: s for s in self.detail["sources"]} if self.detail else {}
        links = claim["links"]
        self.links_title.setText(f"LINKS · {len(links)}" if links else "LINKS")
        self.no_links.setVisible(not links)
        self.no_links.setText("No passage of a cited source is linked to this claim yet."
                              if claim["citations"] else "The claim cites no source, so nothing was looked up.")
        for link in links:
            card = LinkCard(link, sources, writable=self.writable)
            card.decide.connect(lambda decision, link=link: self.edits.decide_link(link, self.number, decision))
            card.remove.connect(lambda link=link: self.edits.remove_link(link, self.number))
            card.show_in_source.connect(lambda link=link: self.showLink.emit(link))
            self.links_layout.addWidget(card)
            self.link_cards.append(card)

    def _show_sources(self) -> None:
        _clear(self.sources_layout)
        self.source_rows = []
        if self.detail is None:
            return
        claim = self.claim
        cited = {c["source"] for c in claim["citations"]} if claim else set()
        for source in self.detail["sources"]:
            row = SourceRow(source, self._documents, cited_here=source["number"] in cited, writable=self.writable)
            number, article_id = source["number"], self.detail["id"]
            row.detach.connect(lambda number=number: self.edits.detach(article_id, number))
            row.attach.connect(lambda document_id, title, number=number:
                               self.edits.attach(article_id, number, document_id, title))
            self.sources_layout.addWidget(row)
            self.source_rows.append(row)
        if not self.detail["sources"]:
            self.sources_layout.addWidget(_label("The article lists no sources.", "inspectorEmptyLinks"))

    def source_row(self, number: int) -> SourceRow | None:
        return next((row for row in self.source_rows if row.source["number"] == number), None)

    # --- note, tags and what the detail does not carry ------------------------------------

    def _load_extras(self, claim_id: str) -> None:
        archive = self.archive
        self.runner.submit("Reading the claim", lambda _p, _t: _read_claim_extras(archive, claim_id),
                           on_done=self._apply_extras, on_error=self._on_error, cancellable=False)

    def _apply_extras(self, extras: dict[str, Any]) -> None:
        claim = self.claim
        if "documents" in extras and extras["documents"] != self._documents:
            self._documents = extras["documents"]
            self._show_sources()
        if "all_tags" in extras:
            self.tags_model.setStringList(extras["all_tags"])
        if claim is None or extras["claim"] != claim["id"] or not extras["found"]:
            return
        self._loading = True
        try:
            origin = claim.get("origin", extras.get("origin", self._extras.origin))
            self._extras = _Extras(claim["id"], extras["note"], list(extras["tags"]), True, origin)
            self.origin.setVisible(origin == "user")
            if self._note_claim is None or self._note_claim[0] != claim["id"] or not self.note_timer.isActive():
                self._note_claim, self._note_saved = (claim["id"], self.number), extras["note"]
                if trim(self.note_edit.toPlainText()) != trim(extras["note"]):
                    self.note_edit.setPlainText(extras["note"])
                self.note_state.setText("")
            else:
                self._note_claim = (claim["id"], self.number)
            if not (self.tags_edit.hasFocus() and self.tags_edit.isModified()):
                self._tags_saved = list(extras["tags"])
                if self.tags_edit.text() != ", ".join(self._tags_saved):
                    self.tags_edit.setText(", ".join(self._tags_saved))
            self._set_editors_enabled(True)
        finally:
            self._loading = False

    def _set_editors_enabled(self, enabled: bool) -> None:
        self.note_edit.setEnabled(enabled and self.writable)
        self.tags_edit.setEnabled(enabled and self.writable)
        if not enabled:
            self._loading = True
            self.note_edit.clear()
            self.tags_edit.clear()
            self._loading = False
            self._note_claim = None

    def _note_typed(self) -> None:
        if self._loading or self._note_claim is None:
            return
        self.note_state.setText("editing…")
        self.note_timer.start()

    def save_note(self) -> None:
        """Save the note now (it saves by itself a second after typing stops, and on leaving the editor)."""
        self.note_timer.stop()
        if self._note_claim is None or not self.writable:
            return
        text = trim(self.note_edit.toPlainText())  # as the core keeps it
        if text == trim(self._note_saved):
            if self.note_state.text() == "editing…":
                self.note_state.setText("")
            return
        claim_id, number = self._note_claim
        previous, self._note_saved = self._note_saved, text
        self.note_state.setText("saved")
        self._note_sent = (self.edits.set_note(claim_id, number, text).memo, claim_id, previous)

    def save_tags(self) -> None:
        claim = self.claim
        if claim is None or not self._extras.loaded or self._extras.claim != claim["id"] or not self.writable:
            return
        tags = _clean_tags(self.tags_edit.text())
        self.tags_edit.setModified(False)
        if tags == self._tags_saved:
            return
        previous, self._tags_saved = self._tags_saved, tags
        self._tags_sent = (self.edits.set_tags(claim["id"], self.number, tags).memo, claim["id"], previous)

    # --- edits -------------------------------------------------------------------

    def _decide_claim(self, status: str | None) -> None:
        claim = self.claim
        if claim is None:
            return
        if status is not None and claim.get("user_status") == status:
            status = None  # clicking the decision already taken takes it back
        if status == claim.get("user_status"):
            return
        self.edits.set_claim_status(claim["id"], self.number, status)

    def _remove_claim(self) -> None:
        claim = self.claim
        if claim is not None:
            self.edits.remove_claim(claim["id"], self.number)

    def _on_changed(self, changes: Changes) -> None:
        self.error_label.hide()
        self.refresh_requested.emit(changes)

    def _on_error(self, error: BaseException) -> None:
        self.error_label.setText(error_line(error, self.archive.root) or str(error) or error.__class__.__name__)
        self.error_label.show()
        shown = self.claim["id"] if self.claim is not None else None
        if self._note_sent is not None and self._note_sent[0].failed:
            memo, claim_id, previous = self._note_sent
            self._note_sent = None
            if claim_id == shown and self._note_claim is not None and self._note_claim[0] == claim_id:
                self._note_saved = previous  # the editor keeps the text; leaving it saves again
                self.note_state.setText("not saved")
        if self._tags_sent is not None and self._tags_sent[0].failed:
            memo, claim_id, previous = self._tags_sent
            self._tags_sent = None
            if claim_id == shown:
                self._tags_saved = previous
                self.tags_edit.setModified(True)
        self.error_occurred.emit(error)
