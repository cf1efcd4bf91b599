"""Footnote's segment writer writes the files whoosh's own writer writes, byte for byte.

:class:`archive.search.writing.FootnoteFieldWriter` replaces whoosh's per-posting
and per-term method calls at commit with one loop; an index is only trustworthy if
whoosh reads it as its own, so the test builds the same records with both writers
and compares every file of the segment (term index, postings, columns).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

import archive.search.index  # noqa: F401  (its whoosh fix for missing length columns)
from archive.search.pool import GroupedPostingPool
from archive.search.schema import make_schema
from archive.search.writing import FootnoteFieldWriter, FootnoteSegmentWriter

WORDS = ["regulation", "regulators", "Zuckerberg", "Sacks", "order", "executive", "AI", "the", "of", "safety",
         "vetting", "licensing", "companies", "government", "Musk", "Meta", "policy", "nuclear", "café", "naïve"]


def _records(count: int, seed: int = 3) -> list[dict]:
    """Records with every kind of field the index has; common words get posting lists of several blocks."""
    rng = random.Random(seed)
    records = []
    for n in range(count):
        kind = rng.choice(["article", "claim", "note", "source", "page"])
        text = " ".join(rng.choice(WORDS) if rng.random() < 0.7 else f"w{rng.randrange(5000)}"
                        for _ in range(rng.randrange(0, 60)))
        record = {"key": f"{kind}:{n}", "type": kind, "document": f"d{n % 37}", "text": text}
        if rng.random() < 0.5:
            record["title"] = " ".join(rng.sample(WORDS, 3))
        if kind == "claim":
            record.update(claim=f"c{n}", status=rng.choice(["verified", "partial", "not_found"]),
                          tags=",".join(rng.sample(["ai", "policy", "law", "energy"], 2)),
                          source=" ".join(rng.sample(WORDS, 4)))
        if kind == "note" and rng.random() < 0.8:
            record["note"] = " ".join(rng.sample(WORDS, 5))
        if kind == "source":
            record["author"] = rng.choice(["Morgan Hale", "Ana Ruiz", ""])
        if kind == "page":
            record.update(page=rng.randrange(1, 40), offset=rng.randrange(10_000))
        if rng.random() < 0.3:
            record["category"] = rng.choice(["Technology", "Politics"])
        records.append(record)
    return records


def _segment_files(folder: Path) -> dict[str, bytes]:
    """Every file of the index but the table of contents, by extension (segment names are random)."""
    files = {}
    for path in folder.iterdir():
        if path.suffix != ".toc" and "WRITELOCK" not in path.name:
            files[path.name.split(".", 1)[-1]] = path.read_bytes()
    return files


def _build(folder: Path, records: list[dict], writer_class, *, deletions: int = 0, limitmb: int = 1) -> dict[str, bytes]:
    """The default pool of 1 MB spills to disk: runs are merged at commit as well."""
    folder.mkdir()
    ix = whoosh_index.create_in(str(folder), make_schema())
    kwargs: dict = {"codec": W3Codec()} if writer_class is SegmentWriter else {}
    kwargs["compound"] = False  # one file per part: a compound file also holds the (random) segment name
    writer = writer_class(ix, limitmb=limitmb, **kwargs)
    for record in records:
        writer.add_document(**record)
    writer.commit()
    if deletions:  # a second segment replacing some records, then one merge of both through the writer
        ix = FileStorage(str(folder)).open_index()
        writer = writer_class(ix, limitmb=limitmb, **kwargs)
        for record in records[:deletions]:
            writer.update_document(**{**record, "text": record["text"] + " amended"})
        writer.commit(optimize=True)
    return _segment_files(folder)


@pytest.mark.parametrize("limitmb", [1, 64], ids=["spilled", "in-memory"])
def test_the_segment_files_are_whooshs_own(tmp_path: Path, monkeypatch, limitmb: int) -> None:
    monkeypatch.setattr(FootnoteFieldWriter, "COMPRESS_FROM", 0)  # compress every block, as whoosh does
    records = _records(1500)
    ours = _build(tmp_path / "ours", records, FootnoteSegmentWriter, limitmb=limitmb)
    theirs = _build(tmp_path / "theirs", records, SegmentWriter, limitmb=limitmb)
    assert ours.keys() == theirs.keys() and ours
    for name in theirs:
        assert ours[name] == theirs[name], f"{name} differs"


@pytest.mark.parametrize("limitmb", [1, 64], ids=["spilled", "in-memory"])
def test_a_merge_of_segments_with_deletions_writes_the_same_files(tmp_path: Path, monkeypatch, limitmb: int) -> None:
    """A merge adds an old segment's postings term by term: out of document order, sorted back at commit."""
    monkeypatch.setattr(FootnoteFieldWriter, "COMPRESS_FROM", 0)
    pools = _watch_pools(monkeypatch)
    records = _records(600, seed=5)
    ours = _build(tmp_path / "ours", records, FootnoteSegmentWriter, deletions=150, limitmb=limitmb)
    theirs = _build(tmp_path / "theirs", records, SegmentWriter, deletions=150, limitmb=limitmb)
    assert ours.keys() == theirs.keys() and ours
    for name in theirs:
        assert ours[name] == theirs[name], f"{name} differs"
    assert [pool.ordered for pool in pools] == [True, False]
    assert all(bool(runs) == (limitmb == 1) for runs in _saved(pools))


def test_the_pool_in_memory_writes_what_a_spilled_pool_writes(tmp_path: Path, monkeypatch) -> None:
    """The same postings and statistics.  (Not the same bytes, in whoosh's writer either: a value shared by
    many postings is pickled once per block and referred to after, unless a run on disk unshared it.)"""
    pools = _watch_pools(monkeypatch)
    records = _records(1500, seed=7)
    _build(tmp_path / "spilled", records, FootnoteSegmentWriter, limitmb=1)
    _build(tmp_path / "in-memory", records, FootnoteSegmentWriter, limitmb=64)
    assert [len(runs) > 2 for runs in _saved(pools)] == [True, False]
    spilled, in_memory = _postings(tmp_path / "spilled"), _postings(tmp_path / "in-memory")
    assert spilled == in_memory and len(spilled) > 1000


def _watch_pools(monkeypatch) -> list[GroupedPostingPool]:
    """Every pool a writer makes from now on, each noting the runs it wrote to disk (``pool.saved``)."""
    pools: list[GroupedPostingPool] = []
    init, save = GroupedPostingPool.__init__, GroupedPostingPool.save

    def watched_init(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        self.saved = []
        pools.append(self)

    def watched_save(self) -> None:
        save(self)
        self.saved.extend(self.runs[len(self.saved):])

    monkeypatch.setattr(GroupedPostingPool, "__init__", watched_init)
    monkeypatch.setattr(GroupedPostingPool, "save", watched_save)
    return pools


def _saved(pools: list[GroupedPostingPool]) -> list[list[str]]:
    return [pool.saved for pool in pools]


@settings(max_examples=60, deadline=None)
@given(postings=st.lists(st.tuples(st.sampled_from(["text", "title", "tags"]),
                                   st.binary(min_size=1, max_size=3),
                                   st.integers(0, 40), st.sampled_from([1.0, 1.5, 3.0]),
                                   st.sampled_from([None, b"", b"v", b"w"])), max_size=300),
       limit=st.sampled_from([0, 1 << 20]))
def test_the_pool_gives_the_postings_in_whooshs_order(postings: list[tuple], limit: int) -> None:
    """Whatever order postings come in, and spilled or not, the pool gives whoosh's tuple-sorted order."""
    postings = list({item[:3]: item for item in postings}.values())  # a term is in a document once
    with tempfile.TemporaryDirectory() as folder:
        storage = FileStorage(folder)
        pool = GroupedPostingPool(storage, None, limitmb=1)
        pool.limit = limit  # 0: every posting goes to a run of its own
        for item in postings:
            pool.add(item)
        assert list(pool.iter_postings()) == sorted(postings)
        assert not pool.runs and not storage.list()


def test_the_index_reads_back_with_whooshs_codec(tmp_path: Path) -> None:
    records = _records(400, seed=9)
    _build(tmp_path / "ix", records, FootnoteSegmentWriter)
    ix = FileStorage(str(tmp_path / "ix")).open_index()
    assert all(type(segment.codec()) is W3Codec for segment in ix._segments())
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 400
        word = "regul"  # stems of regulation and regulators
        expected = sum(1 for r in records if "regulation" in r["text"] or "regulators" in r["text"])
        assert len(list(searcher.documents())) == 400
        assert searcher.doc_frequency("text", word) == expected


def _postings(folder: Path) -> dict:
    """Every term of every field with its postings (document, weight, value) and statistics, as whoosh reads them."""
    ix = FileStorage(str(folder)).open_index()
    found = {}
    with ix.reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            found[fieldname, text] = (postings, info.doc_frequency(), info.weight(), info.max_weight(),
                                      info.min_length(), info.max_length(), info.min_id(), info.max_id())
    return found


def test_small_blocks_left_uncompressed_read_back_the_same(tmp_path: Path) -> None:
    assert FootnoteFieldWriter.COMPRESS_FROM > 0
    records = _records(1500, seed=11)
    ours = _build(tmp_path / "ours", records, FootnoteSegmentWriter)
    theirs = _build(tmp_path / "theirs", records, SegmentWriter)
    assert len(ours["pst"]) < len(theirs["pst"]) * 1.02  # zlib made blocks under 64 bytes bigger, saved 3 % on 64-127
    read_ours, read_theirs = _postings(tmp_path / "ours"), _postings(tmp_path / "theirs")
    assert read_ours == read_theirs and len(read_ours) > 1000
    assert max(len(postings) for postings, *_ in read_ours.values()) > 128  # terms of several blocks too
