"""Hit snippets: the search index's HTML (``<mark>`` around matched words) parsed, laid out and painted.

The text layout is the delicate part of drawing a hit (UTF-16 offsets, cutting
to a few lines with an ellipsis while keeping the first match in view), so it
lives apart from the delegate that uses it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QPainter, QTextCharFormat, QTextLayout, QTextOption

from desktop.search_panel.style import MARK_BACKGROUND, MARK_INK
from desktop.utf16 import utf16_length, utf16_slice

def parse_snippet(snippet: str) -> tuple[str, list[tuple[int, int]]]:
    """A hit's HTML snippet as plain text and its marked spans (start, length) in UTF-16 units, as Qt counts."""
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    position, inside = 0, False
    for piece in re.split(r"(</?mark>)", snippet or ""):
        if piece in ("<mark>", "</mark>"):
            inside = piece == "<mark>"
            continue
        text = html.unescape(piece)
        if not text:
            continue
        if inside:
            marks.append((position, utf16_length(text)))
        parts.append(text)
        position += utf16_length(text)
    return "".join(parts), marks


@dataclass
class SnippetLayout:
    layout: QTextLayout
    lines: int
    marks: list[tuple[int, int]]


def layout_snippet(text: str, marks: list[tuple[int, int]], font: QFont, mark_font: QFont, width: float,
                   max_lines: int) -> SnippetLayout:
    """``text`` wrapped to ``width`` in at most ``max_lines`` lines, the last one ending in … when cut.

    Marked words are set in ``mark_font``; their backgrounds are drawn by :func:`draw_snippet`.
    """
    units = utf16_length(text)
    ellipsis = QFontMetricsF(font).horizontalAdvance("\u2026") + 2

    def make(value: str, spans: list[tuple[int, int]], line_width: float, limit: int | None) -> tuple[QTextLayout, int]:
        layout = QTextLayout(value, font)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        mark = QTextCharFormat()
        mark.setFont(mark_font)
        mark.setForeground(MARK_INK)
        ranges = []
        for start, length in spans:
            fmt = QTextLayout.FormatRange()
            fmt.start, fmt.length, fmt.format = start, length, mark
            ranges.append(fmt)
        layout.setFormats(ranges)
        layout.beginLayout()
        y, count = 0.0, 0
        while limit is None or count < limit:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(line_width)
            line.setPosition(QPointF(0, y))
            y += line.height()
            count += 1
        layout.endLayout()
        return layout, count

    full, count = make(text, marks, width, None)
    if count <= max_lines:
        return SnippetLayout(full, count, marks)
    cut = full.lineAt(max_lines - 1).textStart()  # where the last shown line starts
    tail = utf16_slice(text, cut, units)
    tail_marks = [(s - cut, n) for s, n in marks if s >= cut]
    measure, _ = make(tail, tail_marks, max(width - ellipsis, 10), 1)
    keep = measure.lineAt(0).textLength()
    shown = (utf16_slice(text, 0, cut) + utf16_slice(tail, 0, keep)).rstrip(" ,;:") + "\u2026"
    end = utf16_length(shown) - 1
    if marks and marks[0][0] + marks[0][1] > end and marks[0][0] > 0:
        # The first matched word would be cut off (a narrow pane): start the excerpt nearer to it.
        before = utf16_slice(text, 0, marks[0][0])
        space = before.rfind(" ", 0, max(0, len(before) - 30))
        if space > 0:
            dropped = utf16_length(before[:space + 1]) - 1  # the ellipsis takes one unit
            rest = "\u2026" + utf16_slice(text, dropped + 1, units).lstrip("\u2026")
            shift = utf16_length(text) - utf16_length(rest)
            return layout_snippet(rest, [(s - shift, n) for s, n in marks if s - shift > 0], font, mark_font,
                                  width, max_lines)
    clipped = [(s, min(n, end - s)) for s, n in marks if s < end]
    layout, count = make(shown, clipped, width, max_lines)
    return SnippetLayout(layout, count, clipped)


def draw_snippet(painter: QPainter, snippet: SnippetLayout, left: float, top: float) -> None:
    """The marked words' soft backgrounds, then the text over them."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(MARK_BACKGROUND)
    for number in range(snippet.lines):
        line = snippet.layout.lineAt(number)
        line_start, line_end = line.textStart(), line.textStart() + line.textLength()
        for start, length in snippet.marks:
            s, e = max(start, line_start), min(start + length, line_end)
            if s >= e:
                continue
            x1, x2 = line.cursorToX(s)[0], line.cursorToX(e)[0]
            rect = QRectF(left + x1 - 2, top + line.y() + 1, x2 - x1 + 4, line.height() - 1)
            painter.drawRoundedRect(rect, 3, 3)
    painter.restore()
    snippet.layout.draw(painter, QPointF(left, top))
