"""Reading the index one segment at a time, and a word's postings a block at a time.

whoosh's matchers hand out postings one document at a time, through several
Python calls each.  Totals and facet counts (:mod:`archive.search.matches`),
phrases (:mod:`archive.search.phrases`) and the ranking of known matches
(:mod:`archive.search.ranking`) read whole blocks instead (128 postings per
call): this is the one place that reaches into whoosh's block reader.
"""

from __future__ import annotations

from typing import Any, Iterator, Sequence

from whoosh.codec.whoosh3 import W3LeafMatcher

Block = tuple[Sequence[int], Sequence[float], Sequence[bytes]]


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
