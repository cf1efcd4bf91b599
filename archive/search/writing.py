"""whoosh's segment writer, made faster where a rebuild spends its time.

* Field lengths: when whoosh writes a segment's postings it asks, for every
  posting, the length of that document's field (for BM25's per-block
  statistics), reading it back from the column it has just written: a few
  Python calls per posting, a sixth of a rebuild's time.  Here each field's
  lengths are read once into a list; the values are the same (the column's
  one-byte quantised lengths).
* Postings: at commit whoosh turns the sorted postings into posting blocks
  through five layers of method calls per posting and per term (with type
  assertions on every posting).  :class:`FootnoteFieldWriter` does the same
  work in one loop and writes what whoosh's ``W3FieldWriter`` writes, with
  one difference in each block: positions are kept apart from documents and
  weights (:mod:`archive.search.blocks`), so that a search reads them only for
  phrases.  Tests check that whoosh reads back the same postings, block
  statistics and term statistics as from its own writer, and that the other
  files are whoosh's byte for byte.  A rebuild of the benchmark's archive took
  149 s instead of 171 s.
* The pool: postings are grouped by term as they arrive
  (:class:`archive.search.pool.GroupedPostingPool`), so nothing is sorted but
  the terms, and a rebuild's worker no longer spills runs to disk and merges
  them back one posting at a time (half of a worker's commit).  With the term
  infos and term index entries written without whoosh's objects, a rebuild of
  the benchmark's archive takes 88-90 s.
"""

from __future__ import annotations

import struct
from hashlib import md5
from array import array
from pickle import dumps
from itertools import chain
from operator import sub
from typing import Any, Callable, Iterable

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3FieldWriter, W3Segment, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from archive.search.blocks import FootnoteLeafMatcher, encode_block
from archive.search.pool import Group, GroupedPostingPool
from archive.search.segments import length_column


class FootnoteFieldWriter(W3FieldWriter):
    """``W3FieldWriter`` with :meth:`add_groups`, which writes what its ``add_postings`` writes (blocks, term
    infos, the term index) in one loop, from postings grouped by term (``FootnoteSegmentWriter`` calls it;
    anything calling ``add_postings`` gets whoosh's own)."""

    # Pickled parts of blocks smaller than this are stored as they are.  whoosh compresses every block (it
    # means to skip pickles under 20 bytes, but a bug makes it never skip); zlib makes a pickle under 64 bytes
    # bigger, and one of 64-127 bytes (most terms': a word on one page) 3 % smaller, for ~15 µs a call, and
    # reading it back costs a decompression.  Each block says which of its parts are compressed.
    COMPRESS_FROM = 128

    def add_groups(self, schema: Any, lengths_of: Callable[[str], list[int | None] | None] | None,
                   groups: Iterable[Group]) -> None:
        """Write each term's postings (terms in order) as whoosh's ``W3FieldWriter.add_postings`` would:
        its blocks to the postings file, its term info to the term index.

        A small archive has a few postings per term, a large one hundreds of thousands of terms, so
        the work per term counts as much as the work per posting: the term info is computed as
        ``W3TermInfo.add_block`` and ``to_bytes`` compute it, and the term index entry written as
        ``OrderedHashWriter.add`` writes it, without their objects and method calls.  Positions in
        both files are counted here rather than asked of the files.  ``lengths_of(field)`` gives every
        document's length of a field (None: it keeps none; no function: the codec keeps no lengths).
        """
        codec = self._codec
        blocklimit, compression = codec._blocklimit, codec._compression
        compress_from = self.COMPRESS_FROM
        postfile, tindex = self._postfile, self._tindex
        write = postfile.file.write
        position = postfile.tell()
        terms_file = tindex.dbfile
        write_term = terms_file.file.write
        term_position = terms_file.tell()
        buckets, term_positions = tindex.buckets, tindex.index
        hash_of = _md5_hash if tindex.hashtype == 0 else tindex.hashfn
        key = tindex.lastkey
        fieldmap = self._fieldmap
        field_name: str | None = None
        field_id = 0
        fixed_size: int | None = None
        column: list[int | None] | None = None
        previous: bytes | None = None

        for fieldname, btext, all_ids, all_weights, all_values in groups:
            if fieldname != field_name:
                if field_name is not None and fieldname < field_name:
                    raise ValueError(f"postings out of order: field {field_name!r} .. {fieldname!r}")
                field_name, previous = fieldname, None
                field_id = fieldmap.setdefault(fieldname, len(fieldmap))
                fixed_size = schema[fieldname].format.fixed_value_size()
                column = lengths_of(fieldname) if lengths_of is not None else None
            if previous is not None and btext <= previous:
                raise ValueError(f"postings out of order: {fieldname}:{previous!r} .. {btext!r}")
            previous = btext
            if not all_ids:
                continue
            start = position
            count = len(all_ids)
            # the term's statistics, accumulated block by block as W3TermInfo.add_block does
            term_weight: float = 0
            term_minlength: int | None = None
            term_maxlength = 0
            term_maxweight: float = 0
            for first in range(0, count, blocklimit):
                ids = all_ids[first:first + blocklimit]
                doubles = all_weights[first:first + blocklimit]
                weights = array("f", doubles)
                found = [length for length in map(column.__getitem__, ids) if length] if column else ()
                minlength = min(found) if found else None
                maxlength = max(found) if found else 0
                maxweight = max(0, max(doubles))  # whoosh compares the weights as given, before float32
                term_weight += sum(weights)
                if first == 0 or term_minlength is None:
                    term_minlength = minlength
                else:
                    term_minlength = min(term_minlength, minlength)  # (whoosh's TypeError if None, too)
                term_maxlength = max(term_maxlength, maxlength)
                term_maxweight = max(term_maxweight, maxweight)
                deltas = tuple(map(sub, ids, chain((0,), ids)))
                if all(w == 1.0 for w in weights):
                    mini_weights: Any = None
                elif all(w == weights[0] for w in weights):
                    mini_weights = weights[0]
                else:
                    mini_weights = tuple(weights)
                if fixed_size == 0:
                    mini_values: Any = None
                else:
                    values = [value for value in all_values[first:first + blocklimit] if value]
                    mini_values = tuple(values) if fixed_size is None or fixed_size < 0 else b"".join(values)
                data, level = encode_block(deltas, mini_weights, mini_values, compression, compress_from)
                head = dumps((len(ids), ids[-1], maxweight, level, length_to_byte(minlength),
                              length_to_byte(maxlength)), 2)
                size = len(head) + len(data)
                block = pack_int(-size if first + blocklimit >= count else size) + head + data
                if first == 0:
                    block = WHOOSH3_HEADER_MAGIC + block
                write(block)
                position += len(block)
            info = _TERM_INFO.pack(False, term_weight, count,
                                   0 if term_minlength is None else length_to_byte(term_minlength),
                                   length_to_byte(term_maxlength), term_maxweight, all_ids[0], all_ids[-1])
            info += pack_long(start) + pack_int(position - start)
            key = pack_ushort(field_id) + btext
            # the term index entry, as OrderedHashWriter.add writes it (keys are in order: checked above)
            term_positions.append(term_position)
            entry = _KEY_VALUE_LENGTHS.pack(len(key), len(info)) + key + info
            write_term(entry)
            hashed = hash_of(key)
            buckets[hashed & 255].append((hashed, term_position))
            term_position += len(entry)
        tindex.lastkey = key
        self._infield = False
        self._postwriter = None


_TERM_INFO = W3TermInfo._struct  # flags, weight, document frequency, min and max length, max weight, ids
_KEY_VALUE_LENGTHS = struct.Struct("!ii")  # whoosh.filedb.filetables: a hash entry's key and value lengths


def _md5_hash(key: bytes) -> int:
    """whoosh's ``md5_hash`` (the low 32 bits of the MD5 digest), without its hex round trip."""
    return int.from_bytes(md5(key, usedforsecurity=False).digest()[-4:], "big")


class FootnoteCodec(W3Codec):
    """whoosh's codec (its defaults) with :class:`FootnoteFieldWriter`, which writes posting blocks that keep
    positions apart (:mod:`archive.search.blocks`), and the matcher that reads them."""

    def field_writer(self, storage: Any, segment: Any) -> FootnoteFieldWriter:
        return FootnoteFieldWriter(self, storage, segment)

    def postings_reader(self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None) -> Any:
        if terminfo.is_inlined():  # a word in one document: its posting is in the term index (whoosh's way)
            return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
        offset, length = terminfo.extent()
        return FootnoteLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def new_segment(self, storage: Any, indexname: str) -> Any:
        # The segment names this codec (the index's table of contents pickles it): its blocks need its reader.
        return W3Segment(self, indexname)


class FootnoteSegmentWriter(SegmentWriter):
    def __init__(self, ix: Any, limitmb: int = 128, temp_name: str | None = None, **kwargs: Any) -> None:
        """``temp_name``: a scratch folder of this writer's own.  whoosh names it after the index, so
        writers working side by side (a rebuild's worker processes) would share one, and the first to
        finish would delete it under the others."""
        kwargs.setdefault("codec", FootnoteCodec())
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if temp_name is not None:
            self._tempstorage = self.storage.temp_storage(temp_name)
        self.pool = GroupedPostingPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def _flush_segment(self) -> None:
        """whoosh's, with the postings handed over grouped by term (see :mod:`archive.search.pool`) and the
        field lengths (for BM25's per-block statistics) read a whole column at a time."""
        self.perdocwriter.close()
        perdoc = self.per_document_reader() if self.codec.length_stats else None
        lengths_of = (lambda fieldname: length_column(perdoc, fieldname)) if perdoc is not None else None
        self.fieldwriter.add_groups(self.schema, lengths_of, self.pool.groups())
        self.fieldwriter.close()
        if perdoc is not None:
            perdoc.close()
