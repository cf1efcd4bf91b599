"""whoosh's segment writer, with the field lengths it needs at commit read once instead of per posting.

When whoosh writes a segment's postings it asks, for every posting, the
length of that document's field (for BM25's per-block statistics), reading
it back from the column it has just written: a few Python calls per posting,
a sixth of a rebuild's time.  Here each field's lengths are read once into a
list and answered from it; the values are the same (the column's one-byte
quantised lengths).
"""

from __future__ import annotations

from typing import Any

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter


class _Lengths:
    """The per-document reader whoosh gets at commit, with ``doc_field_length`` from whole columns."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._columns: dict[str, list[int | None] | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        column = self._columns.get(fieldname, False)
        if column is False:
            column = self._load(fieldname)
        if column is None:
            return default
        return column[docnum]

    def _load(self, fieldname: str) -> list[int | None] | None:
        lengths_field = _lenfield(fieldname)
        column = None
        if self._reader.has_column(lengths_field):
            values = self._reader.column_reader(lengths_field, LENGTHS_COLUMN)
            column = [byte_to_length(b) if b else None for b in values]
        self._columns[fieldname] = column
        return column

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


class _Pool(PostingPool):
    """whoosh's posting pool without its per-posting type assertions and exact size sums."""

    def add(self, item: tuple) -> None:  # (fieldname, term bytes, docnum, weight, value bytes)
        self.fieldnames.add(item[0])
        self.currentsize += 140 + 2 * len(item[1]) + len(item[4] or b"")  # whoosh's estimate, about
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)


class FootnoteSegmentWriter(SegmentWriter):
    def __init__(self, ix: Any, limitmb: int = 128, temp_name: str | None = None, **kwargs: Any) -> None:
        """``temp_name``: a scratch folder of this writer's own.  whoosh names it after the index, so
        writers working side by side (a rebuild's worker processes) would share one, and the first to
        finish would delete it under the others."""
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if temp_name is not None:
            self._tempstorage = self.storage.temp_storage(temp_name)
        self.pool = _Pool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def per_document_reader(self):  # used by _flush_segment for the field lengths, then closed
        return _Lengths(super().per_document_reader())
