"""Turning an :func:`archive.queries.article_detail` into a styled ``QTextDocument``.

The document is built block by block with ``QTextCursor`` rather than from
HTML, so that every claim's ``start``/``end`` (offsets into the article's plain
text) maps to an exact document position: no markup to escape, no whitespace
collapsing.  Paragraphs are the text's blank-line separated runs; the blank
lines themselves become block spacing, so the mapping keeps, per paragraph,
where it starts in the text and in the document, and converts the distance
between them to UTF-16 units (Qt's positions).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import (QBrush, QColor, QFont, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextDocument,
                           QTextFormat, QTextLength, QTextOption)
from PySide6.QtCore import QObject

from desktop import theme
from desktop.formatting import format_datetime, plural
from desktop.utf16 import utf16_length

# The row (0-based) of the claim a character belongs to, stored in its char format.
CLAIM_ROW_PROPERTY = QTextFormat.Property.UserProperty + 1

# Characters QTextCursor.insertText would turn into block or frame breaks, and the byte-order
# mark, which PySide drops when it starts a string (a paragraph or a claim starting with one
# shifted every position after it); replaced by characters of the same length so positions
# stay exact (a word joiner is as invisible as the mark).
_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\u2029": " ", "\ufdd0": "\ufffd", "\ufdd1": "\ufffd",
                         "\ufeff": "\u2060"})
_PARAGRAPH = re.compile(r"\S(?:.|\n(?![ \t]*\n))*", re.MULTILINE)


@dataclass(frozen=True)
class Paragraph:
    """A run of non-blank lines of the article text: ``text[start:end]``, blank-line separated."""

    start: int
    end: int


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of ``text`` with leading and trailing whitespace trimmed off each."""
    return [Paragraph(m.start(), m.start() + len(m.group().rstrip())) for m in _PARAGRAPH.finditer(text)]


@dataclass
class ReaderDocument:
    """A built document and where each claim ended up in it (Qt positions)."""

    document: QTextDocument
    # (start, end, row) per highlighted stretch, sorted by start; a claim crossing a
    # paragraph break has one stretch per paragraph.
    spans: list[tuple[int, int, int]] = field(default_factory=list)
    # (text offset, document position, length in text) per paragraph, in order.
    _paragraphs: list[tuple[int, int, int]] = field(default_factory=list)
    text: str = ""

    def position(self, offset: int, *, at_end: bool = False) -> int:
        """The document position of text ``offset``.

        An offset in the blank lines between two paragraphs goes to the start of the
        next paragraph, or with ``at_end`` to the end of the previous one.
        """
        starts = [p[0] for p in self._paragraphs]
        i = bisect.bisect_right(starts, offset) - 1
        if i < 0:
            return self._paragraphs[0][1] if self._paragraphs else 0
        text_start, doc_start, length = self._paragraphs[i]
        if offset <= text_start + length:
            return doc_start + utf16_length(self.text[text_start:offset])
        if at_end or i + 1 == len(self._paragraphs):
            return doc_start + utf16_length(self.text[text_start:text_start + length])
        return self._paragraphs[i + 1][1]

    def offset(self, position: int) -> int:
        """The text offset of document ``position`` (the inverse of :meth:`position`).

        A position in the header or between paragraphs goes to the nearest paragraph edge.
        """
        starts = [p[1] for p in self._paragraphs]
        i = bisect.bisect_right(starts, position) - 1
        if i < 0:
            return self._paragraphs[0][0] if self._paragraphs else 0
        text_start, doc_start, length = self._paragraphs[i]
        units = position - doc_start
        paragraph = self.text[text_start:text_start + length]
        count = 0
        for index, char in enumerate(paragraph):
            if count >= units:
                return text_start + index
            count += 2 if ord(char) > 0xFFFF else 1
        return text_start + length

    def claim_range(self, row: int) -> tuple[int, int] | None:
        """First and last document positions of claim ``row``, or None if it has no visible text."""
        mine = [(s, e) for s, e, r in self.spans if r == row]
        return (mine[0][0], mine[-1][1]) if mine else None

    def claim_at(self, position: int) -> int:
        """The row of the claim whose text holds the character at ``position``, or -1."""
        for start, end, row in self.spans:
            if start <= position < end:
                return row
            if start > position:
                break
        return -1


def _char(font: QFont, colour: QColor = theme.TEXT) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setFont(font)
    fmt.setForeground(QBrush(colour))
    return fmt


def _block(top: float = 0, bottom: float = 0, line_height: int = 100, left: float = 0,
           indent: float = 0) -> QTextBlockFormat:
    fmt = QTextBlockFormat()
    if indent < 0:  # a hanging indent: a tab after the first word lands where the other lines start
        fmt.setTabPositions([QTextOption.Tab(left, QTextOption.TabType.LeftTab)])
    fmt.setTopMargin(top)
    fmt.setBottomMargin(bottom)
    fmt.setLeftMargin(left)
    fmt.setTextIndent(indent)
    fmt.setLineHeight(line_height, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    return fmt


class _Builder:
    """Appends blocks to a document; the first call fills the empty first block."""

    def __init__(self, document: QTextDocument) -> None:
        self.cursor = QTextCursor(document)
        self._first = True

    def block(self, fmt: QTextBlockFormat, char: QTextCharFormat) -> int:
        """Start a new block and return its first position."""
        if self._first:
            self.cursor.setBlockFormat(fmt)
            self.cursor.setBlockCharFormat(char)
            self._first = False
        else:
            self.cursor.insertBlock(fmt, char)
        return self.cursor.position()

    def text(self, text: str, char: QTextCharFormat) -> None:
        self.cursor.insertText(text.translate(_BREAKS), char)


def build_document(detail: dict[str, Any], parent: QObject | None = None) -> ReaderDocument:
    """The reader's document for one article: header, lead, headings and paragraphs, then Sources."""
    document = QTextDocument(parent)
    document.setDocumentMargin(0)
    frame = document.rootFrame().frameFormat()
    frame.setTopMargin(26)
    frame.setBottomMargin(36)
    document.rootFrame().setFrameFormat(frame)
    document.setDefaultFont(theme.reading_font())
    document.setUndoRedoEnabled(False)
    result = ReaderDocument(document, text=detail["text"])
    out = _Builder(document)

    _header(out, detail)
    _body(out, detail, result)
    _highlight_claims(document, detail, result)
    _sources(out, detail)
    return result


def _header(out: _Builder, detail: dict[str, Any]) -> None:
    meta = [x for x in (format_datetime(detail["published"]), (detail["category"] or "").upper()) if x]
    if meta:
        meta_font = theme.ui_font(8.5, bold=True)
        meta_font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
        out.block(_block(bottom=8), _char(meta_font, theme.MUTED))
        out.text("  ·  ".join(meta), _char(meta_font, theme.MUTED))
    title_font = theme.ui_font(19, bold=True)
    out.block(_block(bottom=16, line_height=118), _char(title_font))
    out.text(detail["title"], _char(title_font))
    for warning in detail["warnings"]:
        fmt = _block(bottom=6)
        fmt.setBackground(theme.WARNING_BG)
        out.block(fmt, _char(theme.ui_font(9), QColor("#6b4e00")))
        out.text(f"⚠ Import warning: {warning}", _char(theme.ui_font(9), QColor("#6b4e00")))


def _body(out: _Builder, detail: dict[str, Any], result: ReaderDocument) -> None:
    text, summary = detail["text"], (detail["summary"] or "").strip()
    headings = {section["start"] for section in detail["sections"]}
    body_font = theme.reading_font()
    lead_font = theme.reading_font(14)
    heading_font = theme.ui_font(13, bold=True)
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        out.block(_block(top=8), _char(theme.ui_font(10), theme.MUTED))
        out.text("This article has no text.", _char(theme.ui_font(10), theme.MUTED))
    for number, paragraph in enumerate(paragraphs):
        chunk = text[paragraph.start:paragraph.end]
        if number == 0 and summary and chunk.strip() == summary:
            block, char = _block(bottom=20, line_height=145), _char(lead_font, QColor("#3b424a"))
        elif paragraph.start in headings:
            block, char = _block(top=14, bottom=8, line_height=120), _char(heading_font)
        else:
            block, char = _block(bottom=14, line_height=150), _char(body_font)
        position = out.block(block, char)
        result._paragraphs.append((paragraph.start, position, paragraph.end - paragraph.start))
        out.text(chunk, char)


def _highlight_claims(document: QTextDocument, detail: dict[str, Any], result: ReaderDocument) -> None:
    cursor = QTextCursor(document)
    for row, claim in enumerate(detail["claims"]):
        style = theme.status_style(claim["status"])
        fmt = QTextCharFormat()
        fmt.setBackground(style.background)
        fmt.setUnderlineStyle(style.underline)
        fmt.setUnderlineColor(style.ink)
        fmt.setProperty(CLAIM_ROW_PROPERTY, row)
        for text_start, doc_start, length in result._paragraphs:
            lo, hi = max(claim["start"], text_start), min(claim["end"], text_start + length)
            if lo >= hi:
                continue
            start, end = result.position(lo), result.position(hi, at_end=True)
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
            result.spans.append((start, end, row))
    result.spans.sort()


def _sources(out: _Builder, detail: dict[str, Any]) -> None:
    rule = _block(top=26, bottom=4)  # drawn in the view palette's inactive WindowText colour
    rule.setProperty(QTextFormat.Property.BlockTrailingHorizontalRulerWidth,
                     QTextLength(QTextLength.Type.PercentageLength, 100))
    small = theme.ui_font(9)
    out.block(rule, _char(small, theme.FAINT))
    heading = theme.ui_font(12, bold=True)
    out.block(_block(top=10, bottom=8), _char(heading))
    out.text(f"Sources ({len(detail['sources'])})" if detail["sources"] else "Sources", _char(heading))
    if not detail["sources"]:
        out.block(_block(bottom=6), _char(small, theme.MUTED))
        out.text("This article lists no sources.", _char(small, theme.MUTED))
    number_font = theme.ui_font(10, bold=True)
    title_font = theme.reading_font(11.5)
    italic = theme.reading_font(11.5)
    italic.setItalic(True)
    tag_font = theme.ui_font(8.5)
    for source in detail["sources"]:
        out.block(_block(bottom=10, left=30, indent=-30, line_height=130), _char(title_font))
        out.text(f"{source['number']}.\t", _char(number_font, theme.MUTED))
        out.text(source["title"], _char(title_font))
        if source["publisher"]:
            out.text(f" — {source['publisher']}", _char(italic, theme.MUTED))
        tags = [] if source["cited"] else ["not cited"]
        tags.append(_document_tag(source["document"]))
        out.text("\u2028", _char(tag_font))  # a line break inside the block: tags under the title
        for i, tag in enumerate(tags):
            strong = tag == "not cited"
            if i:
                out.text("  ·  ", _char(tag_font, theme.FAINT))
            out.text(tag, _char(theme.ui_font(8.5, bold=True) if strong else tag_font,
                                QColor("#8a5a00") if strong else theme.FAINT))
    if detail["cross_references"]:
        out.block(_block(top=18, bottom=8), _char(heading))
        out.text("See also", _char(heading))
        for title in detail["cross_references"]:
            out.block(_block(bottom=6, left=30, indent=-14), _char(title_font))
            out.text(f"›  {title}", _char(title_font))
    claims = len(detail["claims"])
    out.block(_block(top=22, bottom=8), _char(small, theme.FAINT))
    out.text(f"{plural(claims, 'claim')} marked · article id {detail['id'][:8]}", _char(small, theme.FAINT))


def _document_tag(document: dict[str, Any] | None) -> str:
    """``no document attached``, or what is attached: ``PDF attached``, ``HTML attached (failed)``."""
    if document is None:
        return "no document attached"
    kind = str(document["kind"]).upper() if document.get("kind") else "document"
    status = document.get("status")
    return f"{kind} attached" + (f" ({status})" if status and status != "ok" else "")
