"""A segment's postings kept grouped by term as they arrive, instead of one big sort at commit.

whoosh's ``PostingPool`` keeps every posting as a 5-tuple (field, term,
document, weight, value), about 170 bytes each, and sorts them all at commit;
past its memory limit it sorts runs to disk and merges them back through a
heap in Python, one posting at a time.  In a rebuild that sort and merge were
about a third of the time.

A segment's documents arrive in increasing document number, so each term's
postings arrive already in order: grouping them under their term as they come
gives whoosh's order with only the terms to sort.  A posting costs about
20 bytes here (arrays of numbers, values shared where the analyzer shares
them).  Past the memory limit the groups go to a run on disk in term order;
at commit the runs are merged term by term, and a term's pieces are joined in
the order they were written (document order).  Postings that arrive out of
document order (whoosh merging an old segment in, term by term) are noticed,
and every term's postings are then sorted by (document, weight, value), as
whoosh's tuple sort would have put them.
"""

from __future__ import annotations

import heapq
import marshal
from array import array
from typing import Any, Iterator

from whoosh.util import random_name

Group = tuple[str, bytes, array, array, list]  # field, term, document numbers ('I'), weights ('d'), values

POSTING_BYTES = 20  # a document number, a weight and a reference to the value
TERM_BYTES = 400  # a term's dict entries, its bytes and its three containers


class GroupedPostingPool:
    """What ``SegmentWriter`` needs of a pool (``add``, ``cleanup``, ``fieldnames``), plus :meth:`groups`."""

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128) -> None:
        self.tempstore = tempstore
        self.segment = segment
        self.limit = limitmb * 1024 * 1024
        self.size = 0
        self.fieldnames: set[str] = set()
        self.runs: list[str] = []
        self.ordered = True  # every posting so far came in document order
        self._last = -1
        self._fields: dict[str, dict[bytes, list]] = {}

    def add(self, item: tuple) -> None:  # (fieldname, term bytes, docnum, weight, value bytes)
        fieldname, btext, docnum, weight, value = item
        if docnum < self._last:
            if docnum == -1:  # whoosh's marker for spelling words: not postings
                return
            self.ordered = False
        self._last = docnum
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        postings = terms.get(btext)
        if postings is None:
            postings = terms[btext] = [array("I"), array("d"), []]
            self.size += TERM_BYTES + len(btext)
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(value)
        self.size += POSTING_BYTES
        if self.size > self.limit:
            self.save()

    def save(self) -> None:
        """Write the groups held in memory to a run on disk, in term order."""
        if not self._fields:
            return
        path = f"{random_name()}.run"
        run = self.tempstore.create_file(path)
        try:
            raw = run.raw_file()
            for fieldname, btext, ids, weights, values in self._in_memory():
                marshal.dump((fieldname, btext, ids.tobytes(), weights.tobytes(), values), raw, 2)
        finally:
            run.close()
        self.runs.append(path)
        self._fields = {}
        self.size = 0

    def groups(self) -> Iterator[Group]:
        """Every term's postings, terms in (field, term) order, each term's postings in whoosh's order."""
        groups = self._merged() if self.runs else self._in_memory()
        if self.ordered:
            return groups
        return (_sorted(group) for group in groups)

    def iter_postings(self) -> Iterator[tuple]:
        """The postings one by one, as whoosh's pool gives them."""
        for fieldname, btext, ids, weights, values in self.groups():
            for docnum, weight, value in zip(ids, weights, values):
                yield fieldname, btext, docnum, weight, value

    def cleanup(self) -> None:
        for path in self.runs:
            try:
                self.tempstore.delete_file(path)
            except OSError:
                pass
        self.runs = []

    def _in_memory(self) -> Iterator[Group]:
        fields = self._fields
        for fieldname in sorted(fields):
            terms = fields[fieldname]
            for btext in sorted(terms):
                ids, weights, values = terms[btext]
                yield fieldname, btext, ids, weights, values

    def _merged(self) -> Iterator[Group]:
        self.save()
        runs, self.runs = self.runs, []
        pieces = heapq.merge(*(self._read(path) for path in runs), key=_key)  # stable: earlier runs first
        current: Group | None = None
        for piece in pieces:
            if current is not None and current[0] == piece[0] and current[1] == piece[1]:
                current[2].extend(piece[2])
                current[3].extend(piece[3])
                current[4].extend(piece[4])
                continue
            if current is not None:
                yield current
            current = piece
        if current is not None:
            yield current

    def _read(self, path: str) -> Iterator[Group]:
        run = self.tempstore.open_file(path)
        try:
            raw = run.raw_file()
            while True:
                try:
                    fieldname, btext, ids, weights, values = marshal.load(raw)
                except EOFError:
                    return
                yield fieldname, btext, array("I", ids), array("d", weights), values
        finally:
            run.close()
            self.tempstore.delete_file(path)


def _key(group: Group) -> tuple[str, bytes]:
    return group[0], group[1]


def _sorted(group: Group) -> Group:
    fieldname, btext, ids, weights, values = group
    postings = sorted(zip(ids, weights, values))
    return (fieldname, btext, array("I", (p[0] for p in postings)), array("d", (p[1] for p in postings)),
            [p[2] for p in postings])
