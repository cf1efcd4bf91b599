"""Footnote's segment writer writes what whoosh's own writer writes.

:class:`archive.search.writing.FootnoteFieldWriter` replaces whoosh's per-posting
and per-term method calls at commit with one loop, and keeps positions apart in
each posting block (:mod:`archive.search.blocks`); an index is only trustworthy if
whoosh reads from it what it reads from its own, so the tests build the same
records with both writers and compare every posting, block and term statistic
read back, and every other file of the segment (columns) byte for byte.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.query import Phrase, Term
from whoosh.writing import SegmentWriter

import archive.search.index  # noqa: F401  (its whoosh fix for missing length columns)
from archive.search.pool import GroupedPostingPool
from archive.search.schema import make_schema
from archive.search.writing import FootnoteCodec, FootnoteFieldWriter, FootnoteSegmentWriter

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


def _assert_same_index(ours: Path, theirs: Path) -> None:
    """whoosh reads the same from both indexes, and the files that hold no postings are the same bytes."""
    read_ours, read_theirs = _postings(ours), _postings(theirs)
    assert read_ours == read_theirs and len(read_ours) > 300
    assert max(len(postings) for postings, *_ in read_ours.values()) > 128  # terms of several blocks too
    files_ours, files_theirs = _segment_files(ours), _segment_files(theirs)
    assert files_ours.keys() == files_theirs.keys()
    for name in files_theirs.keys() - {"pst", "trm"}:  # (the term index holds each term's place in postings)
        assert files_ours[name] == files_theirs[name], f"{name} differs"


@pytest.mark.parametrize("limitmb", [1, 64], ids=["spilled", "in-memory"])
def test_whoosh_reads_from_the_segment_what_it_reads_from_its_own(tmp_path: Path, limitmb: int) -> None:
    records = _records(1500)
    _build(tmp_path / "ours", records, FootnoteSegmentWriter, limitmb=limitmb)
    _build(tmp_path / "theirs", records, SegmentWriter, limitmb=limitmb)
    _assert_same_index(tmp_path / "ours", tmp_path / "theirs")


@pytest.mark.parametrize("limitmb", [1, 64], ids=["spilled", "in-memory"])
def test_a_merge_of_segments_with_deletions_writes_the_same_index(tmp_path: Path, monkeypatch, limitmb: int) -> None:
    """A merge adds an old segment's postings term by term: out of document order, sorted back at commit."""
    pools = _watch_pools(monkeypatch)
    records = _records(600, seed=5)
    _build(tmp_path / "ours", records, FootnoteSegmentWriter, deletions=150, limitmb=limitmb)
    _build(tmp_path / "theirs", records, SegmentWriter, deletions=150, limitmb=limitmb)
    _assert_same_index(tmp_path / "ours", tmp_path / "theirs")
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


def test_the_index_reads_back_through_whooshs_searcher(tmp_path: Path) -> None:
    records = _records(400, seed=9)
    _build(tmp_path / "ours", records, FootnoteSegmentWriter)
    _build(tmp_path / "theirs", records, SegmentWriter)
    ours, theirs = (FileStorage(str(tmp_path / name)).open_index() for name in ("ours", "theirs"))
    assert all(type(segment.codec()) is FootnoteCodec for segment in ours._segments())
    word = "regul"  # stems of regulation and regulators
    expected = {r["key"] for r in records if "regulation" in r["text"] or "regulators" in r["text"]}
    with ours.searcher() as searcher, theirs.searcher() as reference:
        assert searcher.doc_count() == 400
        assert len(list(searcher.documents())) == 400
        assert searcher.doc_frequency("text", word) == len(expected)
        for query in (Term("text", word), Phrase("text", [word, word]), Phrase("text", ["govern", word])):
            found = [(hit["key"], hit.score) for hit in searcher.search(query, limit=None)]
            assert found == [(hit["key"], hit.score) for hit in reference.search(query, limit=None)]
            assert found or isinstance(query, Phrase)
        assert {key for key, _ in found} <= expected


def test_a_search_reads_documents_and_weights_without_positions(tmp_path: Path, monkeypatch) -> None:
    """:func:`archive.search.segments.term_postings` decodes no block's positions."""
    from archive.search import blocks
    from archive.search.segments import term_postings

    records = _records(1500, seed=4)
    _build(tmp_path / "ix", records, FootnoteSegmentWriter)
    expected = _postings(tmp_path / "ix")
    decoded = []
    monkeypatch.setattr(blocks, "_part", lambda data, compressed, part=blocks._part: decoded.append(1) or part(
        data, compressed))
    read_values = []
    original = blocks.FootnoteLeafMatcher._read_data
    monkeypatch.setattr(blocks.FootnoteLeafMatcher, "_read_data", lambda self: read_values.append(1) or original(self))
    ix = FileStorage(str(tmp_path / "ix")).open_index()
    with ix.reader() as reader:
        for (fieldname, text), (postings, *_stats) in expected.items():
            docs, weights = term_postings(reader, fieldname, text)
            assert list(zip(docs.tolist(), weights.tolist())) == [(docnum, weight) for docnum, weight, _ in postings]
    assert decoded and not read_values


def _postings(folder: Path) -> dict:
    """Every term of every field with its postings (document, weight, value), the statistics of each of its
    blocks, and its own, as whoosh reads them."""
    ix = FileStorage(str(folder)).open_index()
    found = {}
    with ix.reader() as reader:
        for fieldname, text in reader.all_terms():
            info = reader.term_info(fieldname, text)
            matcher = reader.postings(fieldname, text)
            postings, blocks = [], []
            while matcher.is_active():
                if isinstance(matcher, W3LeafMatcher) and matcher._i == 0:
                    blocks.append((matcher._blocklength, matcher.block_max_id(), matcher.block_max_weight(),
                                   matcher.block_min_length(), matcher.block_max_length()))
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            found[fieldname, text] = (postings, blocks, info.doc_frequency(), info.weight(), info.max_weight(),
                                      info.min_length(), info.max_length(), info.min_id(), info.max_id())
    return found


def test_small_blocks_left_uncompressed_read_back_the_same(tmp_path: Path, monkeypatch) -> None:
    assert FootnoteFieldWriter.COMPRESS_FROM > 0
    records = _records(1500, seed=11)
    _build(tmp_path / "small-left", records, FootnoteSegmentWriter)
    monkeypatch.setattr(FootnoteFieldWriter, "COMPRESS_FROM", 0)  # every part compressed
    _build(tmp_path / "all-compressed", records, FootnoteSegmentWriter)
    assert _postings(tmp_path / "small-left") == _postings(tmp_path / "all-compressed")
    sizes = [len(_segment_files(tmp_path / name)["pst"]) for name in ("small-left", "all-compressed")]
    assert sizes[0] < sizes[1] * 1.02  # zlib made parts under 64 bytes bigger, saved 3 % on 64-127
