"""Reading the index one segment at a time, and a word's postings a block at a time.

whoosh's matchers hand out postings one document at a time, through several
Python calls each.  Totals and facet counts (:mod:`archive.search.matches`),
phrases (:mod:`archive.search.phrases`) and the ranking of known matches
(:mod:`archive.search.ranking`) read whole blocks instead (128 postings per
call): this is the one place that reaches into whoosh's block reader.

A search reads a word's postings for its total and facets, then again to rank
its matches: inside :func:`postings_read_once` the second read is the first's
(:func:`term_postings`).
"""

from __future__ import annotations

from bisect import bisect_right
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import repeat
from typing import Any, Callable, Iterator, Sequence, TypeVar

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from archive.search.blocks import ids_and_weights

Block = tuple[Sequence[int], Sequence[float], Sequence[bytes]]
Postings = tuple[np.ndarray, np.ndarray]  # documents (int64, ascending), and the word's weight in each (float64)
T = TypeVar("T")

_READ: ContextVar[dict[tuple[int, str, bytes], Postings] | None] = ContextVar("footnote_postings_read", default=None)


def leaves(searcher: Any) -> list[tuple[Any, int]]:
    """The per-segment searchers (and their document number offsets) of a searcher."""
    return searcher.subsearchers if searcher.subsearchers else [(searcher, 0)]


def posting_blocks(reader: Any, fieldname: str, word: bytes, *, weights: bool = False,
                   values: bool = False, near: Sequence[int] | None = None) -> Iterator[Block]:
    """A word's postings in one segment reader, block by block: (documents, weights, values), the last two
    empty unless asked for.  Deleted documents are included (callers remove them once, for all words).
    ``near``: ascending document numbers; blocks holding none of them are skipped unread."""
    matcher = reader._terms.matcher(fieldname, word, reader.schema[fieldname].format, scorer=None)
    if not isinstance(matcher, W3LeafMatcher):  # a word in one document is stored inline
        docs: list[int] = []
        found_weights: list[float] = []
        found_values: list[bytes] = []
        while matcher.is_active():
            docs.append(matcher.id())
            if weights:
                found_weights.append(matcher.weight())
            if values:
                found_values.append(matcher.value())
            matcher.next()
        yield docs, found_weights, found_values
        return
    last = -1  # the last document of the block before
    while matcher.is_active():
        if near is not None:
            following = bisect_right(near, last)
            last = matcher._maxid
            if following == len(near):
                return
            if near[following] > last:
                matcher._next_block()
                continue
        if matcher._ids is None:
            matcher._read_ids()
        if weights and matcher._weights is None:
            matcher._read_weights()
        if values and matcher._values is None:
            matcher._read_values()
        start = matcher._i
        yield (matcher._ids[start:], matcher._weights[start:] if weights else (),
               matcher._values[start:] if values else ())
        matcher._next_block()


@contextmanager
def postings_read_once() -> Iterator[None]:
    """Within this block (one search, in this thread), each word's postings are read from disk once.

    Keyed by the segment reader's identity, which the block must outlive (a search holds its searcher)."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def term_postings(reader: Any, fieldname: str, word: bytes) -> Postings:
    """A word's documents in one segment reader (deleted ones included) and its weight in each, as arrays
    (empty when the segment lacks the word).

    Reads the blocks' data directly: whoosh decodes a block's documents one by one in a Python generator
    (17 ms of a common word's 45,000); here all blocks' gaps become documents in three array operations."""
    read = _READ.get()
    key = (id(reader), fieldname, word)
    if read is not None and key in read:
        return read[key]
    try:
        matcher = reader._terms.matcher(fieldname, word, reader.schema[fieldname].format, scorer=None)
    except TermNotFound:  # (asking first would look the word up twice: a date range has hundreds of words)
        matcher = None
    if matcher is None:
        found = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    elif isinstance(matcher, W3LeafMatcher):
        found = _block_postings(matcher)
    else:  # a word in one document is stored inline
        docs, weights = [], []
        while matcher.is_active():
            docs.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        found = np.array(docs, dtype=np.int64), np.array(weights, dtype=np.float64)
    if read is not None:
        read[key] = found
    return found


def _block_postings(matcher: W3LeafMatcher) -> Postings:
    """Every posting of a block matcher, its positions left unread: each block keeps gaps between documents
    counted from 0, and weights as None (all 1.0), one number (all the same) or one per posting."""
    gaps: list[int] = []
    weights: list[float] = []
    sizes: list[int] = []
    while matcher.is_active():
        block_gaps, block_weights = ids_and_weights(matcher)
        size = len(block_gaps)
        gaps.extend(block_gaps)
        if block_weights is None:
            weights.extend(repeat(1.0, size))
        elif isinstance(block_weights, float):
            weights.extend(repeat(block_weights, size))
        else:
            weights.extend(block_weights)
        sizes.append(size)
        matcher._next_block()
    if not sizes:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    running = np.cumsum(np.array(gaps, dtype=np.int64))
    ends = np.cumsum(sizes) - 1
    before = np.concatenate(([0], running[ends[:-1]]))  # what earlier blocks add to each block's running sum
    return running - np.repeat(before, sizes), np.array(weights, dtype=np.float64)


_PER_SEGMENT: dict[tuple[str, str], Any] = {}


def per_segment(reader: Any, name: str, make: Callable[[], T]) -> T:
    """``make()``, made once per segment of ``reader`` and ``name``: a segment never changes once written.

    The one cache of what is read whole from a segment (facet columns, field lengths, vocabularies);
    segments merged away leave stale entries, so it is emptied when it grows large."""
    key = (reader.segment().segment_id(), name)
    if key in _PER_SEGMENT:
        return _PER_SEGMENT[key]
    value = make()
    if len(_PER_SEGMENT) > 500:
        _PER_SEGMENT.clear()
    _PER_SEGMENT[key] = value
    return value


def length_column(perdoc: Any, fieldname: str) -> list[int | None] | None:
    """Every document's length of ``fieldname`` from a per-document reader, as whoosh decodes one
    (None: the field keeps no lengths)."""
    if not perdoc.has_column(_lenfield(fieldname)):
        return None
    return [byte_to_length(b) if b else None for b in perdoc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)]


def field_length_array(reader: Any, fieldname: str) -> np.ndarray | None:
    """A segment's field length per document as whoosh's scorers read them, as float64 (0 where a document
    lacks the field; None: no lengths column).  Read once per segment and field: whoosh asks for one length
    at a time, through four calls."""
    def make() -> np.ndarray | None:
        lengths = length_column(reader._perdoc, fieldname)
        return None if lengths is None else np.array([n or 0 for n in lengths], dtype=np.float64)
    return per_segment(reader, f"lengths:{fieldname}", make)
