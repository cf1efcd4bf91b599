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

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterator, Sequence

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

Block = tuple[Sequence[int], Sequence[float], Sequence[bytes]]
Postings = tuple[list[int], list[float] | None]  # documents, and their weights when asked for

_READ: ContextVar[dict[tuple[int, str, bytes], Postings] | None] = ContextVar("footnote_postings_read", default=None)


def leaves(searcher: Any) -> list[tuple[Any, int]]:
    """The per-segment searchers (and their document number offsets) of a searcher."""
    return searcher.subsearchers if searcher.subsearchers else [(searcher, 0)]


def posting_blocks(reader: Any, fieldname: str, word: bytes, *, weights: bool = False,
                   values: bool = False) -> Iterator[Block]:
    """A word's postings in one segment reader, block by block: (documents, weights, values), the last two
    empty unless asked for.  Deleted documents are included (callers remove them once, for all words)."""
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
    while matcher.is_active():
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


def term_postings(reader: Any, fieldname: str, word: bytes, *, weights: bool) -> Postings:
    """A word's documents in one segment reader (deleted ones included), and its weights if asked for."""
    read = _READ.get()
    key = (id(reader), fieldname, word)
    if read is not None:
        known = read.get(key)
        if known is not None and (known[1] is not None or not weights):
            return known
    docs: list[int] = []
    found_weights: list[float] | None = [] if weights else None
    for block_docs, block_weights, _ in posting_blocks(reader, fieldname, word, weights=weights):
        docs.extend(block_docs)
        if found_weights is not None:
            found_weights.extend(block_weights)
    if read is not None:
        read[key] = (docs, found_weights)
    return docs, found_weights


_LENGTHS: dict[tuple[str, str], list[int | None] | None] = {}


def field_lengths(reader: Any, fieldname: str) -> list[int | None] | None:
    """A segment's field length per document, as whoosh's scorers read them (None: no lengths column).

    Read once per segment and field (segments never change): whoosh asks for one length at a time,
    through four calls."""
    key = (reader.segment().segment_id(), fieldname)
    if key in _LENGTHS:
        return _LENGTHS[key]
    perdoc = reader._perdoc
    lengths = None
    if perdoc.has_column(_lenfield(fieldname)):
        column = perdoc.column_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        lengths = [byte_to_length(b) if b else None for b in column]
    if len(_LENGTHS) > 300:  # segments merged away leave stale entries: keep the cache bounded
        _LENGTHS.clear()
    _LENGTHS[key] = lengths
    return lengths
