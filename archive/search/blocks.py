"""Footnote's posting blocks: a word's documents and weights kept apart from its positions.

whoosh stores a block of up to 128 postings as one pickle of (document gaps,
weights, values), compressed whole.  For the text field the values are every
posting's positions: 87 % of a block's bytes, and as much of the time it takes
to read one.  A search reads positions only for phrases, yet the total, the
facets and the ranking of a common word read 350 blocks: 50 ms of every such
search went into decoding positions nobody looked at.

Here a block's data is two parts, each pickled and (when large enough)
compressed on its own: (gaps, weights), then the values; a 4-byte length of the
first part comes first.  The block's head is whoosh's, but for its compression
field, which is negative (whoosh's are levels from 0 up) and says which parts
are compressed.  :class:`FootnoteLeafMatcher` reads such blocks (and whoosh's
own, which the codec never writes but which stay readable), so every whoosh
reading path works unchanged; :func:`ids_and_weights` reads the first part
alone.
"""

from __future__ import annotations

import zlib
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.system import _INT_SIZE, pack_int, unpack_int

_IDS_COMPRESSED, _VALUES_COMPRESSED = 1, 2


def encode_block(gaps: tuple[int, ...], weights: Any, values: Any, level: int, compress_from: int
                 ) -> tuple[bytes, int]:
    """A block's data and the compression field of its head.  ``weights`` and ``values`` are as whoosh
    minifies them (None, one number or a tuple; None, bytes or a tuple); a part whose pickle is shorter than
    ``compress_from`` is stored as it is (zlib makes small pickles bigger, and costs ~15 µs a call)."""
    flags = 0
    first = dumps((gaps, weights), 2)
    if level and len(first) >= compress_from:
        first = zlib.compress(first, level)
        flags |= _IDS_COMPRESSED
    second = dumps(values, 2)
    if level and len(second) >= compress_from:
        second = zlib.compress(second, level)
        flags |= _VALUES_COMPRESSED
    return pack_int(len(first)) + first + second, -1 - flags


def _part(data: bytes, compressed: bool) -> Any:
    return loads(zlib.decompress(data) if compressed else data)


class FootnoteLeafMatcher(W3LeafMatcher):
    """whoosh's block matcher, reading blocks in either layout (see the module's docstring)."""

    def _read_data(self) -> None:
        if self._compression >= 0:  # whoosh's own layout
            super()._read_data()
            return
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        flags = -1 - self._compression
        split = _INT_SIZE + unpack_int(data[:_INT_SIZE])[0]
        gaps, weights = _part(data[_INT_SIZE:split], bool(flags & _IDS_COMPRESSED))
        self._data = (gaps, weights, _part(data[split:], bool(flags & _VALUES_COMPRESSED)))

    def _ids_and_weights(self) -> tuple[tuple[int, ...], Any]:
        postfile, start = self._postfile, self._dataoffset
        length = unpack_int(postfile.get(start, _INT_SIZE))[0]
        flags = -1 - self._compression
        return _part(postfile.get(start + _INT_SIZE, length), bool(flags & _IDS_COMPRESSED))


def ids_and_weights(matcher: W3LeafMatcher) -> tuple[tuple[int, ...], Any]:
    """The current block's document gaps and weights as stored (see ``W3PostingsWriter._mini_weights``),
    without decoding its values when the block keeps them apart."""
    if isinstance(matcher, FootnoteLeafMatcher) and matcher._compression < 0:
        return matcher._ids_and_weights()
    if matcher._data is None:
        matcher._read_data()
    return matcher._data[0], matcher._data[1]
