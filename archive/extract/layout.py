"""Reading order of a page: characters into lines, lines into columns, columns into text.

PDF text comes in content-stream order, which is usually the reading order
but not always: some producers draw a two-column page line by line across both
columns, and a naive reader interleaves them.  So when a page has columns
(a vertical gutter that its narrow lines never cross), lines are re-ordered:
full-width lines (titles, headers, footers) keep their place from top to
bottom, and between two of them each column is read top to bottom, left
column first.  Pages without columns keep the stream order.  Vertical gaps
and larger type become paragraph breaks, which the sentence splitter honours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median
from typing import Sequence

from archive.extract.boxes import Box

MIN_GUTTER = 8.0  # points of empty space between columns
COLUMN_GAP = 1.6  # a space between words wider than this many font sizes separates columns
MIN_COLUMN_LINES = 4
NARROW = 0.6  # a line narrower than this share of the text width may sit in a column
PARAGRAPH_GAP = 0.9  # a vertical gap over this many line heights starts a paragraph
HEADING_SCALE = 1.25  # a line this much taller than the body is a heading


BoxXY = tuple[float, float, float, float]


@dataclass
class Line:
    """One line of text and its words: ``(start, end, box)``, offsets into ``text``."""

    text: str
    words: list[tuple[int, int, BoxXY]] = field(default_factory=list)
    size: float = 0.0  # the largest font size on the line, when known (0: use the box height)
    _bbox: BoxXY | None = None

    def bbox(self) -> BoxXY:
        if self._bbox is None:
            boxes = [box for _, _, box in self.words]
            self._bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                          max(b[2] for b in boxes), max(b[3] for b in boxes))
        return self._bbox

    @property
    def height(self) -> float:
        x0, y0, x1, y1 = self.bbox()
        return y1 - y0

    @property
    def type_size(self) -> float:
        """How big the type is: the font size when known, else the box height."""
        return self.size or self.height


def make_lines(text: str, words: Sequence[tuple[int, int, BoxXY, float]]) -> list[Line]:
    """Split a page's stream-order text at line breaks; keep each line's words and font size.

    ``words`` are ``(start, end, box, font_size)`` with offsets into ``text``.
    """
    lines: list[Line] = []
    cursor = 0
    index = 0
    for segment in text.split("\n"):
        end = cursor + len(segment)
        line_words = []
        size = 0.0
        while index < len(words) and words[index][0] < end:
            word_start, word_end, box, word_size = words[index]
            if word_start >= cursor:
                line_words.append((word_start - cursor, min(word_end, end) - cursor, box))
                size = max(size, word_size)
            index += 1
        for piece in _split_at_gaps(line_words, size):
            first, last = piece[0][0], piece[-1][1]
            lines.append(Line(segment[first:last].replace("\r", " "),
                              [(s - first, e - first, box) for s, e, box in piece], size))
        cursor = end + 1
    return lines


def _split_at_gaps(words: list[tuple[int, int, BoxXY]], size: float) -> list[list[tuple[int, int, BoxXY]]]:
    """Split what PDFium joined into one line where words jump apart: across a column gutter
    (a gap wider than any word space), back to the left, or up or down to another baseline."""
    if not words:
        return []
    pieces = [[words[0]]]
    for word in words[1:]:
        previous = pieces[-1][-1][2]
        box = word[2]
        height = max(previous[3] - previous[1], box[3] - box[1], 1.0)
        gap = box[0] - previous[2]
        other_baseline = min(previous[3], box[3]) - max(previous[1], box[1]) < 0.3 * height
        if gap > max(COLUMN_GAP * (size or height), MIN_GUTTER) or gap < -height or other_baseline:
            pieces.append([word])
        else:
            pieces[-1].append(word)
    return pieces


def reading_order(lines: list[Line]) -> list[Line]:
    """Lines in reading order: columns detected by their gutters, otherwise stream order."""
    if len(lines) < 2 * MIN_COLUMN_LINES:
        return lines
    boxes = [line.bbox() for line in lines]
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    width = max(right - left, 1.0)
    narrow = [i for i, b in enumerate(boxes) if (b[2] - b[0]) < NARROW * width]
    intervals = sorted((boxes[i][0], boxes[i][2]) for i in narrow)
    columns: list[list[float]] = []
    for x0, x1 in intervals:
        if columns and x0 <= columns[-1][1] + MIN_GUTTER:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    if len(columns) < 2:
        return lines
    members: dict[int, list[int]] = {k: [] for k in range(len(columns))}
    spanning: list[int] = []
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        inside = [k for k, (c0, c1) in enumerate(columns) if x0 >= c0 - 0.5 and x1 <= c1 + 0.5]
        if inside:
            members[inside[0]].append(i)
        else:
            spanning.append(i)
    if sum(len(m) >= MIN_COLUMN_LINES for m in members.values()) < 2:
        return lines
    order: list[int] = []
    placed: set[int] = set()
    spanning.sort(key=lambda i: boxes[i][1])
    for barrier in [*spanning, None]:
        limit = boxes[barrier][1] if barrier is not None else float("inf")
        for k in range(len(columns)):
            band = [i for i in members[k] if i not in placed and _centre(boxes[i]) < limit]
            band.sort(key=lambda i: (boxes[i][1], boxes[i][0]))
            order.extend(band)
            placed.update(band)
        if barrier is not None:
            order.append(barrier)
            placed.add(barrier)
    return [lines[i] for i in order]


def _centre(box: tuple[float, float, float, float]) -> float:
    return (box[1] + box[3]) / 2


def page_text(lines: list[Line]) -> tuple[str, list[Box]]:
    """The page's text (lines joined, paragraph breaks as blank lines) and its word boxes,
    with offsets into the page's text."""
    if not lines:
        return "", []
    heights = [line.height for line in lines]
    body = median(heights) or 1.0
    body_size = median(line.type_size for line in lines) or 1.0
    pieces: list[str] = []
    words: list[Box] = []
    length = 0
    previous: Line | None = None
    for line in lines:
        box = line.bbox()
        if pieces and previous is not None:
            before = previous.bbox()
            gap = box[1] - before[3]
            is_heading = line.type_size > HEADING_SCALE * body_size
            was_heading = previous.type_size > HEADING_SCALE * body_size
            same_heading = is_heading and was_heading and abs(line.type_size - previous.type_size) < 0.05 * \
                line.type_size and gap < line.type_size
            moved_up = box[1] < before[1] - body  # a new column or block starts higher up
            new_paragraph = (is_heading or was_heading) and not same_heading or gap > PARAGRAPH_GAP * body or moved_up
            separator = "\n\n" if new_paragraph else "\n"
            pieces.append(separator)
            length += len(separator)
        text = line.text.rstrip()
        skip = len(text) - len(text.lstrip())
        pieces.append(text[skip:])
        base = length - skip
        for start, end, (x0, y0, x1, y1) in line.words:
            if end <= len(text):
                words.append((base + start, base + end, x0, y0, x1, y1))
        length += len(text) - skip
        previous = line
    return "".join(pieces), words
