"""Word boxes: packed compactly for storage, turned into passage rectangles on demand.

A word box is ``(start, end, x0, y0, x1, y1)``: the word's offsets in its
page's text (add the page's start for document offsets, so pages extracted
apart can be put together) and its rectangle on the page in points, origin
top-left, as the page is displayed.  Stored as int32 in tenths of a point, zlib-compressed:
about 4 bytes a word, so every word of a 20,000-page archive fits in tens of MB.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_right
from typing import Iterable, Sequence

Box = tuple[int, int, float, float, float, float]
Rect = tuple[int, float, float, float, float]  # page, x0, y0, x1, y1


def pack(boxes: Iterable[Box]) -> bytes:
    values = array("i")
    for start, end, x0, y0, x1, y1 in boxes:
        values.extend((start, end, round(x0 * 10), round(y0 * 10), round(x1 * 10), round(y1 * 10)))
    return zlib.compress(values.tobytes(), 6)


def unpack(blob: bytes) -> list[Box]:
    if not blob:
        return []
    values = array("i")
    values.frombytes(zlib.decompress(blob))
    return [(values[i], values[i + 1], values[i + 2] / 10, values[i + 3] / 10, values[i + 4] / 10,
             values[i + 5] / 10) for i in range(0, len(values), 6)]


def rects_for_span(pages: Sequence[tuple[int, int, list[Box]]], start: int, end: int) -> list[Rect]:
    """Rectangles covering document text ``start:end``: one per line per page, words merged.

    ``pages`` are ``(number, page_start, boxes)``.
    """
    rects: list[list[float]] = []
    for number, page_start, boxes in pages:
        current: list[float] | None = None
        # Words are in offset order: start at the first word ending after ``start``, stop past ``end``.
        first = bisect_right(boxes, start - page_start, key=lambda box: box[1])
        for word_start, word_end, x0, y0, x1, y1 in boxes[first:]:
            if word_start + page_start >= end:
                break
            if word_end + page_start <= start:
                continue
            same_line = current is not None and min(current[4], y1) - max(current[2], y0) > 0.5 * (y1 - y0) \
                and x0 >= current[1] - 1
            if same_line:
                current[1], current[2] = min(current[1], x0), min(current[2], y0)
                current[3], current[4] = max(current[3], x1), max(current[4], y1)
            else:
                current = [number, x0, y0, x1, y1]
                rects.append(current)
    return [(int(r[0]), round(r[1], 1), round(r[2], 1), round(r[3], 1), round(r[4], 1)) for r in rects]
