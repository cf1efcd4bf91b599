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
from itertools import islice
from operator import itemgetter
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

    ``pages`` are ``(number, page_start, boxes)``.  Called for every sentence of every imported page
    (the largest share of writing a document), hence the plain comparisons instead of min() and max().
    """
    rects: list[Rect] = []
    for number, page_start, boxes in pages:
        low, high = start - page_start, end - page_start
        have = False
        left = top = right = bottom = 0.0
        # Words are in offset order: start at the first word ending after ``start``, stop past ``end``.
        for word_start, word_end, x0, y0, x1, y1 in islice(boxes, bisect_right(boxes, low, key=_END), None):
            if word_start >= high:
                break
            if word_end <= low:
                continue
            if have and x0 >= left - 1 and \
                    (y1 if y1 < bottom else bottom) - (y0 if y0 > top else top) > 0.5 * (y1 - y0):  # same line
                if x0 < left:
                    left = x0
                if y0 < top:
                    top = y0
                if x1 > right:
                    right = x1
                if y1 > bottom:
                    bottom = y1
                continue
            if have:
                rects.append((number, round(left, 1), round(top, 1), round(right, 1), round(bottom, 1)))
            have, left, top, right, bottom = True, x0, y0, x1, y1
        if have:
            rects.append((number, round(left, 1), round(top, 1), round(right, 1), round(bottom, 1)))
    return rects


_END = itemgetter(1)
