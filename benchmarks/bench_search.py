"""Benchmark: Footnote's search index (whoosh) on a large archive, beside SQLite FTS5 in the same run.

Run from the repository root::

    .venv/bin/python benchmarks/bench_search.py [--quick] [--profile] [--budget MIN] [--seed N] [--keep]

``--quick`` is 1/10 scale (``--divide N`` any other).  The archive (``_search_corpus``): 200,000 source
passages of 25–35 words of Zipf-distributed English-like text with names and numbers, on ~20,000 pages of
1,000 PDF-like documents, and 5,000 digest-like articles with ~10 claims each, their citations and source
entries; inserted with SQLAlchemy Core into an archive made by ``Archive.open(path, create=True)``.

Measured, each Footnote figure beside an FTS5 figure from the same run (the machine is noisy):

1. Full rebuild: ``archive.search_index.rebuild(archive)``, a fresh index each time; FTS5 reference: one
   table (``tokenize='porter unicode61 remove_diacritics 2'``) with a row per page, article, claim, note
   and document (the same units and text as Footnote's records), filled with ``INSERT … SELECT`` from the
   catalog and committed.  Also: record building alone (the catalog reads a rebuild starts with).
2. Query latency, warm, over a fixed mix of 50 queries (common word, rare word, two words, phrase,
   prefix, fuzzy, field filters): ``search(index, session, q, limit=20)`` end to end (top 20 hits with
   snippets, total and facet counts over every match), in a catalog session; p50/p95 over the queries
   (each the median of its timed runs), overall and per kind.  FTS5: MATCH + bm25 + ``snippet()`` top
   20 (and the same plus a facet count query).  Where a query's time goes: the steps of ``search()``
   timed one by one.
3. A new article becoming searchable: ``import_paths(archive, [digest])`` into the big archive, the part
   of it spent in ``archive.reindex`` (timed by wrapping it), and the first search for a word only that
   article has; FTS5: insert of the article's rows + commit, then the same search.
4. Index size on disk against the catalog's text (documents' and articles' full texts, UTF-8).
5. Only if the time budget allows (``--budget``, 15 minutes; always with ``--quick``): a rebuild while
   two threads search every 0.2 s (one through a read-only ``Archive`` as ``footnote search`` opens
   it, one through the writing ``Archive`` as a desktop window holds it): count, latency, errors; then
   another clean rebuild.  At full scale a rebuild takes 2–4 minutes here (it took ~8 before the parallel
   build and the faster segment writer), so the default budget usually fits all three.

``--profile`` adds cProfile runs: a one-process whoosh build (record building vs analyzer vs whoosh's
writer vs commit), the query mix, and one index update.  Figures are printed and written to
``benchmarks/out/search.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

# The index key lives in the user's config folder: keep the benchmark's out of the real one.
_CONFIG = tempfile.mkdtemp(prefix="footnote-bench-config-")
os.environ["XDG_CONFIG_HOME"] = _CONFIG

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import _common as common  # noqa: E402  (puts the repository on sys.path)
from _common import clock, say, table  # noqa: E402
import _search_corpus as corpus  # noqa: E402

from archive.importing import import_paths  # noqa: E402
from archive.search import matches as search_matches  # noqa: E402
from archive.search import query as search_query  # noqa: E402
from archive.search.analysis import STOP_WORDS, index_term  # noqa: E402
from archive.search.query import search  # noqa: E402
from archive.store import Archive  # noqa: E402

FULL = dict(passages=200_000, pages=20_000, documents=1_000, articles=5_000)
TARGET_REBUILD_S = 120.0
TARGET_P95_S = 0.100
TARGET_SEARCHABLE_S = 1.0
BUDGET_S = 15 * 60  # the full run must end within this; optional steps are skipped to keep it
TEXT_COLUMNS = ("title", "text", "note", "tags", "source", "author")
FTS_DEFAULT = "{title text note tags author}"  # what Footnote searches when a query names no field
FTS_WEIGHTS = "0, 0, 0, 0, 0, 0, 3.0, 1.0, 1.2, 2.0, 1.5, 1.5"  # FIELD_BOOSTS, unindexed columns first


def ms(value: float) -> str:
    return common.seconds(value) if value >= 0.01 else f"{value * 1000:.1f} ms"


def ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "-"
    return f"{value / reference:.1f}x"


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered) + 0.5)) - 1))]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def cpu_times() -> tuple[float, float]:
    t = os.times()
    return t.user + t.system, t.children_user + t.children_system


# --- the query mix -------------------------------------------------------------------------


def make_queries(stats: corpus.Stats, seed: int) -> list[dict[str, Any]]:
    """50 queries: Footnote's text, FTS5's MATCH and WHERE, chosen from what was generated."""
    rng = random.Random(seed + 7)
    content = [w for w, _ in stats.counts.most_common()
               if w.isalpha() and w not in STOP_WORDS and w not in corpus.FUNCTION_WORDS]
    common_words = content[:8]
    mid = content[20:400]
    rare = sorted(w for w, n in stats.counts.items() if 2 <= n <= 5 and w.isalpha() and len(w) >= 6)
    rare = rng.sample(rare, 8)
    queries: list[dict[str, Any]] = []

    def add(kind: str, text: str, match: str, where: str = "", args: tuple = ()) -> None:
        queries.append(dict(kind=kind, q=text, match=match, where=where, args=args))

    for word in common_words:
        add("common word", word, f"{FTS_DEFAULT}: {word}")
    for word in rare:
        add("rare word", word, f"{FTS_DEFAULT}: {word}")
    for _ in range(8):
        a, b = rng.sample(mid, 2)
        add("two words", f"{a} {b}", f"{FTS_DEFAULT}: {a} {b}")
    phrases = []
    for sentence in stats.sample_sentences:
        words = [w.strip(",.?").lower() for w in sentence.split()]
        for i in range(len(words) - 3):
            window = words[i:i + rng.choice((2, 3))]
            if all(w.isalpha() for w in window) and sum(w not in STOP_WORDS for w in window) >= 2 \
                    and window[0] not in STOP_WORDS and window[-1] not in STOP_WORDS:
                phrases.append(" ".join(window))
                break
    for phrase in rng.sample(phrases, 7):
        add("phrase", f'"{phrase}"', f'{FTS_DEFAULT}: "{phrase}"')
    prefixes = [w[:3] for w in common_words[:3]] + [w[:4] for w in rng.sample(mid[:100], 3)]
    for prefix in prefixes:
        add("prefix", f"{prefix}*", f"{FTS_DEFAULT}: {prefix}*")
    fuzzy_sources = [w for w in content[3:300] if len(w) >= 6]
    for word in rng.sample(fuzzy_sources, 6):
        i = rng.randrange(1, len(word) - 1)
        typo = word[:i] + word[i + 1:]  # one letter dropped
        add("fuzzy", f"{typo}~", "", args=(typo,))  # FTS5: expanded against its vocabulary at query time
    w1, w2, w3, w4 = rng.sample(mid[:150], 4)
    source_title = " ".join(stats.source_titles[3].split()[:3]).lower()
    doc_title = " ".join(stats.document_titles[5].split()[1:4]).lower()
    add("field", f"type:claim status:verified {common_words[1]}", f"text: {common_words[1]}",
        "type = 'claim' AND status = 'verified'")
    add("field", f"type:claim status:partial {w1}", f"text: {w1}", "type = 'claim' AND status = 'partial'")
    add("field", f'source:"{source_title}"', f'source: "{source_title}"')
    add("field", f'source:"{doc_title}" {common_words[2]}', f'source: "{doc_title}" AND {FTS_DEFAULT}: '
        f'{common_words[2]}')
    add("field", f"title:{w2}", f"title: {w2}")
    add("field", f"type:article category:economy {w3}", f"{FTS_DEFAULT}: {w3}",
        "type = 'article' AND category = 'economy'")
    add("field", f"date:2026-05 {w4}", f"{FTS_DEFAULT}: {w4}", "date >= '2026-05-01' AND date < '2026-06-01'")
    assert len(queries) == 50, len(queries)
    return queries


# --- FTS5 reference ------------------------------------------------------------------------


FTS_SCHEMA = (f"CREATE VIRTUAL TABLE fts USING fts5(key UNINDEXED, type UNINDEXED, status UNINDEXED, "
              f"category UNINDEXED, date UNINDEXED, document UNINDEXED, {', '.join(TEXT_COLUMNS)}, "
              f"tokenize='porter unicode61 remove_diacritics 2')")
_SOURCES_OF_ARTICLE = ("(SELECT group_concat(e.title || coalesce(' ' || e.publisher, ''), ' ') "
                       "FROM cat.source_entry e WHERE e.article_id = a.id)")
_SOURCES_OF_CLAIM = ("(SELECT group_concat(e.title || coalesce(' ' || e.publisher, ''), ' ') FROM cat.citation ci "
                     "JOIN cat.source_entry e ON e.article_id = c.article_id AND e.number = ci.source_number "
                     "WHERE ci.claim_id = c.id)")
_TAGS = "(SELECT group_concat(t.tag, ',') FROM cat.claim_tag t WHERE t.claim_id = c.id)"


def fts_rows_sql(article_filter: str = "") -> list[str]:
    """INSERT … SELECT statements filling ``fts`` from the catalog (attached as ``cat``): Footnote's units."""
    where_a = f"WHERE a.id {article_filter}" if article_filter else ""
    and_a = f"AND a.id {article_filter}" if article_filter else ""
    statements = [
        f"INSERT INTO fts(key, type, category, date, document, title, text, source) "
        f"SELECT 'article:' || a.id, 'article', lower(a.category), a.published, a.id, a.title, a.text, "
        f"{_SOURCES_OF_ARTICLE} FROM cat.article a {where_a}",
        f"INSERT INTO fts(key, type, status, category, date, document, text, note, tags, source) "
        f"SELECT 'claim:' || c.id, 'claim', coalesce(c.user_status, c.status), lower(a.category), a.published, "
        f"a.id, c.text, nullif(c.note, ''), {_TAGS}, {_SOURCES_OF_CLAIM} "
        f"FROM cat.claim c JOIN cat.article a ON a.id = c.article_id {where_a}",
        f"INSERT INTO fts(key, type, status, category, date, document, text, tags) "
        f"SELECT 'note:' || c.id, 'note', coalesce(c.user_status, c.status), lower(a.category), a.published, "
        f"a.id, c.note, {_TAGS} FROM cat.claim c JOIN cat.article a ON a.id = c.article_id "
        f"WHERE c.note != '' {and_a}",
    ]
    if not article_filter:
        statements += [
            "INSERT INTO fts(key, type, date, document, title, author, source) "
            "SELECT 'source:' || d.id, 'source', d.published, d.id, d.title, d.author, "
            "d.title || coalesce(' ' || d.publisher, '') FROM cat.document d",
            "INSERT INTO fts(key, type, date, document, text, source) "
            "SELECT 'page:' || p.document_id || ':' || p.number, 'source', d.published, p.document_id, "
            "substr(d.text, p.start + 1, p.\"end\" - p.start), d.title || coalesce(' ' || d.publisher, '') "
            "FROM cat.document_page p JOIN cat.document d ON d.id = p.document_id WHERE p.\"end\" > p.start",
        ]
    return statements


def fts_connect(path: Path, catalog: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("ATTACH DATABASE ? AS cat", (str(catalog),))
    return db


def fts_build(path: Path, catalog: Path) -> tuple[float, int]:
    """A fresh FTS5 index of the whole catalog: seconds (create, fill, commit), rows."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    gc.collect()
    start = clock()
    db = fts_connect(path, catalog)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("BEGIN")
    db.execute(FTS_SCHEMA)
    for statement in fts_rows_sql():
        db.execute(statement)
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    seconds = clock() - start
    rows = db.execute("SELECT count(*) FROM fts").fetchone()[0]
    db.close()
    return seconds, rows


class FtsSearcher:
    """MATCH + bm25 + snippet() top 20 (optionally + facet counts), fuzzy terms expanded in Python."""

    def __init__(self, path: Path, catalog: Path) -> None:
        self.db = fts_connect(path, catalog)
        self._vocabulary: dict[str, list[str]] | None = None

    def vocabulary(self) -> dict[str, list[str]]:
        if self._vocabulary is None:  # loaded once, as whoosh keeps its term dictionary open
            self.db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, fts, row)")
            by_first: dict[str, list[str]] = defaultdict(list)
            for (term,) in self.db.execute("SELECT term FROM temp.vocab"):
                by_first[term[:1]].append(term)
            self._vocabulary = by_first
        return self._vocabulary

    def fuzzy(self, typed: str, maxdist: int = 1) -> str:
        """Terms within ``maxdist`` edits of the typed word's stem, same first letter (whoosh's ``~``)."""
        from rapidfuzz.distance import Levenshtein

        stem = index_term(typed) or typed.lower()
        candidates = self.vocabulary().get(stem[:1], [])
        found = [t for t in candidates if abs(len(t) - len(stem)) <= maxdist
                 and Levenshtein.distance(t, stem, score_cutoff=maxdist) <= maxdist]
        return f"{FTS_DEFAULT}: ({' OR '.join(found) or stem})"

    def search(self, query: dict[str, Any], facets: bool = False) -> tuple[list[tuple], dict]:
        match = query["match"] or self.fuzzy(*query["args"])
        where = f" AND {query['where']}" if query["where"] else ""
        hits = self.db.execute(
            f"SELECT key, type, document, snippet(fts, -1, '<mark>', '</mark>', '\u2026', 24), "
            f"bm25(fts, {FTS_WEIGHTS}) AS score FROM fts WHERE fts MATCH ?{where} ORDER BY score LIMIT 20",
            (match,)).fetchall()
        counts: dict[str, Counter] = {}
        if facets:
            counts = {"type": Counter(), "status": Counter(), "category": Counter()}
            for kind, status, category, n in self.db.execute(
                    f"SELECT type, status, category, count(*) FROM fts WHERE fts MATCH ?{where} GROUP BY 1, 2, 3",
                    (match,)):
                counts["type"][kind] += n
                counts["status"][status] += n
                counts["category"][category] += n
        return hits, counts

    def close(self) -> None:
        self.db.close()


# --- Footnote: searches and the timed steps of one -----------------------------------------


def footnote_search(archive: Archive, text: str):
    """What a search costs a caller: a catalog session, then ``query.search(…, limit=20)``."""
    with archive.session() as session:
        return search(archive.search_index, session, text, limit=20)


def match_count(archive: Archive, text: str) -> int:
    """How many records a query matches (unscored, no snippets)."""
    parsed = search_query.parse(text)
    with archive.search_index.searcher() as searcher:
        return len(searcher.search(parsed, limit=None, scored=False))


def search_steps(archive: Archive, text: str) -> dict[str, float]:
    """The steps of ``query.search`` timed one by one (the same calls in the same order: a word's postings
    read once, for the total and facets, then the ranking, inside ``postings_read_once``)."""
    from archive.search.matches import counts_of, live_matches, set_computable
    from archive.search.phrases import prefilter_phrases
    from archive.search.ranking import rankable, top_matches
    from archive.search.segments import postings_read_once

    times: dict[str, float] = {}
    start = clock()
    with archive.session() as session:
        t = clock()
        parsed = search_query.parse(text)
        times["parse"] = clock() - t
        t = clock()
        with archive.search_index.searching() as searcher, postings_read_once():
            times["searcher"] = clock() - t
            t = clock()
            expanded = search_query._expand_multi_terms(parsed, searcher.reader())
            shown = expanded
            expanded = prefilter_phrases(expanded, searcher)
            times["expand terms"] = clock() - t
            t = clock()
            if set_computable(expanded):
                docs = live_matches(searcher, expanded)
                total, _facets = counts_of(searcher, docs)
                times["total + facets"] = clock() - t
                t = clock()
                if rankable(expanded):
                    best = [(searcher.stored_fields(docnum), score)
                            for score, docnum in top_matches(searcher, expanded, docs, 20)]
                else:
                    best = [(hit.fields(), hit.score) for hit in searcher.search(expanded, limit=20)]
                times["top 20"] = clock() - t
            else:  # ranges, sloppy phrases: one pass of whoosh's matchers ranks and counts (timed as "top 20")
                collector = search_query.EveryMatchTopCollector(20)
                searcher.search_with_collector(expanded, collector)
                best = [(hit.fields(), hit.score) for hit in collector.results()]
                times["top 20"] = clock() - t
                t = clock()
                total, _facets = search_matches.facet_counts_of(searcher, collector.every)
                times["total + facets"] = clock() - t
            t = clock()
            terms = search_query._matched_terms(shown, searcher.reader())
            times["matched terms"] = clock() - t
            t = clock()
            stored = [(dict(fields), score) for fields, score in best]
            times["stored fields"] = clock() - t
        t = clock()
        [search_query._hit(session, fields, score, terms) for fields, score in stored]
        times["20 snippets"] = clock() - t
    times["total"] = clock() - start
    times["per snippet"] = times["20 snippets"] / max(1, len(stored))
    times["matches"] = float(total)
    return times


# --- the measurements -----------------------------------------------------------------------


def build_archive(root: Path, scale: dict[str, int], seed: int) -> tuple[Archive, corpus.Stats, float]:
    start = clock()
    archive = Archive.open(root, create=True)
    stats = corpus.populate(archive, seed=seed, **scale)
    db = sqlite3.connect(archive.layout.database)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return archive, stats, clock() - start


def time_rebuild(archive: Archive) -> dict[str, float]:
    gc.collect()
    cpu0, children0 = cpu_times()
    start = clock()
    records = archive.search_index.rebuild(archive)
    seconds = clock() - start
    cpu1, children1 = cpu_times()
    return {"seconds": seconds, "records": records, "cpu_main_s": cpu1 - cpu0, "cpu_children_s": children1 - children0}


class SearchLoad:
    """Threads that keep searching (paced) while something else runs; each records latency and errors."""

    def __init__(self, archives: dict[str, Archive], queries: list[str], pace: float) -> None:
        self.archives, self.queries, self.pace = archives, queries, pace
        self.stop = threading.Event()
        self.started = clock()
        self.marks: dict[str, float] = {}
        self.log: dict[str, list[tuple[float, float, str, str]]] = {name: [] for name in archives}  # start, s, error, q
        self.threads = [threading.Thread(target=self._run, args=(name,), daemon=True) for name in archives]

    def mark(self, label: str) -> None:
        self.marks[label] = clock() - self.started

    def _run(self, name: str) -> None:
        archive, log = self.archives[name], self.log[name]
        i = list(self.archives).index(name) * 7
        while not self.stop.is_set():
            text = self.queries[i % len(self.queries)]
            i += 1
            start = clock()
            error = ""
            try:
                footnote_search(archive, text)
            except Exception as problem:  # what a user would see as a failed search
                error = f"{type(problem).__name__}: {str(problem).splitlines()[0][:140]}"
            log.append((start - self.started, clock() - start, error, text))
            self.stop.wait(self.pace)

    def __enter__(self) -> "SearchLoad":
        self.started = clock()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def summary(self) -> dict[str, dict[str, Any]]:
        out = {}
        begin, end = self.marks.get("rebuild starts", 0.0), self.marks.get("rebuild ends", float("inf"))
        for name, log in self.log.items():
            during = [(t, d, e, q) for t, d, e, q in log if begin <= t <= end]
            after = [(t, d, e, q) for t, d, e, q in log if t > end]
            ok = [d for _, d, e, _ in during if not e]
            errors = [(t - begin, d, e) for t, d, e, _ in during if e]
            out[name] = {"queries": len(during), "errors": len(errors), "p50_s": statistics.median(ok) if ok else None,
                         "p95_s": pct(ok, 0.95) if ok else None, "max_s": max((d for _, d, _, _ in during), default=None),
                         "error_kinds": dict(Counter(e for _, _, e in errors)),
                         "first_error_at_s": errors[0][0] if errors else None,
                         "last_error_at_s": errors[-1][0] if errors else None,
                         "after_rebuild": {"queries": len(after), "errors": sum(1 for _, _, e, _ in after if e)},
                         "slow_or_failed": [{"at_s": round(t - begin, 2), "seconds": round(d, 2), "error": e, "query": q}
                                            for t, d, e, q in during if d > 1.0 or e][:60]}
        return out


def query_latency(archive: Archive, fts: FtsSearcher, queries: list[dict[str, Any]], reps: int,
                  engines: tuple[str, ...] = ("footnote", "fts5", "fts5 + facets"), slow_s: float = 2.0
                  ) -> dict[str, Any]:
    """Warm: one untimed run of each query, then ``reps`` timed runs (one when the untimed Footnote run took
    more than ``slow_s``), the engines alternating per query.  Percentiles are over the queries' medians."""
    run = {"footnote": lambda q: footnote_search(archive, q["q"]), "fts5": lambda q: fts.search(q),
           "fts5 + facets": lambda q: fts.search(q, facets=True)}
    samples: dict[str, list[list[float]]] = {e: [[] for _ in queries] for e in engines}
    returned: dict[str, list[int]] = {e: [] for e in engines}
    warm: list[float] = []
    for q in queries:  # warm-up, and how many hits each returns
        for engine in engines:
            t = clock()
            out = run[engine](q)
            if engine == "footnote":
                warm.append(clock() - t)
            returned[engine].append(len(out.hits) if engine == "footnote" else len(out[0]))
    gc.collect()
    for rep in range(reps):
        for i, q in enumerate(queries):
            if rep and warm[i] > slow_s:
                continue
            for engine in engines:
                t = clock()
                run[engine](q)
                samples[engine][i].append(clock() - t)
    medians = {e: [statistics.median(times) for times in per_query] for e, per_query in samples.items()}
    kinds = list(dict.fromkeys(q["kind"] for q in queries))
    result: dict[str, Any] = {"reps": reps, "queries": len(queries), "per_kind": {}, "per_query": [],
                              "note": "p50/p95 over the queries' medians"}
    for engine, values in medians.items():
        result[engine] = {"p50_s": statistics.median(values), "p95_s": pct(values, 0.95), "max_s": max(values),
                          "mean_s": statistics.fmean(values)}
        for kind in kinds:
            of_kind = [v for q, v in zip(queries, values) if q["kind"] == kind]
            if of_kind:
                result["per_kind"].setdefault(kind, {})[engine] = {"p50_s": statistics.median(of_kind),
                                                                   "p95_s": pct(of_kind, 0.95)}
    for i, q in enumerate(queries):
        result["per_query"].append({"kind": q["kind"], "query": q["q"], "fts5_match": q["match"] or "(fuzzy)",
                                    "matches": q.get("matches"), "timed_runs": len(samples[engines[0]][i]),
                                    **{f"returned_{e}": returned[e][i] for e in engines},
                                    **{f"median_{e}_s": medians[e][i] for e in engines}})
    return result


def query_steps(archive: Archive, queries: list[dict[str, Any]], reps: int = 1, per_kind: int = 99) -> dict[str, Any]:
    """Median time of each step of ``search()`` per query kind (medians over queries × reps); at most
    ``per_kind`` queries of each kind."""
    by_kind: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    chosen: list[dict[str, Any]] = []
    for kind in dict.fromkeys(q["kind"] for q in queries):
        chosen += [q for q in queries if q["kind"] == kind][:per_kind]
    for _ in range(reps):
        for q in chosen:
            for step, value in search_steps(archive, q["q"]).items():
                by_kind[q["kind"]][step].append(value)
    return {kind: {step: statistics.median(values) for step, values in steps.items()}
            for kind, steps in by_kind.items()}


def article_searchable(archive: Archive, fts_path: Path, catalog: Path, work: Path, stats: corpus.Stats,
                       seed: int, count: int) -> dict[str, Any]:
    """Import ``count`` digests one by one; time the index update inside, and the first search after."""
    rng = random.Random(seed + 11)
    maker = corpus.TextMaker(random.Random(seed + 13))
    runs = []
    reindex_times: list[float] = []
    original = archive.reindex

    def timed_reindex(**kwargs):
        start = clock()
        try:
            return original(**kwargs)
        finally:
            reindex_times.append(clock() - start)

    archive.reindex = timed_reindex  # type: ignore[method-assign]
    fts = sqlite3.connect(fts_path, isolation_level=None)
    fts.execute("ATTACH DATABASE ? AS cat", (str(catalog),))
    try:
        for n in range(count):
            unique = f"zyqvorpal{n}x{rng.randrange(10**6)}"
            titles = rng.sample(stats.document_titles, 3) + [maker.title(6, 10) for _ in range(2)]
            path = corpus.digest_file(work / f"new-article-{n}.txt", maker, unique, titles)
            gc.collect()
            start = clock()
            report = import_paths(archive, [path])
            imported = clock() - start
            outcome = report.results[0].outcome.value
            article_id = report.results[0].article_id
            start = clock()
            result = footnote_search(archive, unique)
            first_search = clock() - start
            hit = any(h.document == article_id for h in result.hits)
            # FTS5: the same units of this article inserted and committed, then the same search.
            start = clock()
            fts.execute("BEGIN")
            for statement in fts_rows_sql(f"= '{article_id}'"):
                fts.execute(statement)
            fts.execute("COMMIT")
            fts_insert = clock() - start
            start = clock()
            fts_hits = fts.execute("SELECT key, snippet(fts, -1, '<mark>', '</mark>', '\u2026', 24) FROM fts "
                                   "WHERE fts MATCH ? ORDER BY bm25(fts) LIMIT 20", (unique,)).fetchall()
            fts_search = clock() - start
            runs.append({"outcome": outcome, "import_paths_s": imported, "reindex_s": reindex_times[-1],
                         "first_search_s": first_search, "found": hit, "hits": len(result.hits),
                         "verified": report.verification is not None, "attached": len(report.attached),
                         "fts5_insert_commit_s": fts_insert, "fts5_search_s": fts_search,
                         "fts5_found": bool(fts_hits)})
    finally:
        archive.reindex = original  # type: ignore[method-assign]
        fts.close()
    summary = {key: statistics.median(r[key] for r in runs) for key in
               ("import_paths_s", "reindex_s", "first_search_s", "fts5_insert_commit_s", "fts5_search_s")}
    summary["reindex_max_s"] = max(r["reindex_s"] for r in runs)
    summary["all_found"] = all(r["found"] for r in runs) and all(r["fts5_found"] for r in runs)
    return {"runs": runs, **summary}


def index_sizes(archive: Archive, fts_path: Path, stats: corpus.Stats) -> dict[str, Any]:
    whoosh_bytes = folder_bytes(archive.search_index.folder)
    db = sqlite3.connect(fts_path)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        parts = dict(db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    finally:
        db.close()
    fts_file = fts_path.stat().st_size
    fts_index = sum(size for name, size in parts.items() if name.startswith("fts_") and name != "fts_content")
    text_bytes = stats.text_bytes
    return {"text_bytes": text_bytes, "whoosh_bytes": whoosh_bytes, "fts5_file_bytes": fts_file,
            "fts5_index_bytes": fts_index, "fts5_content_bytes": parts.get("fts_content", 0),
            "whoosh_share": whoosh_bytes / text_bytes, "fts5_index_share": fts_index / text_bytes,
            "fts5_file_share": fts_file / text_bytes}


# --- profiles (--profile) -------------------------------------------------------------------


_GROUPS = (  # first match wins: (label, path fragments)
    ("catalog reads (records.py, SQLAlchemy, sqlite3)", ("archive/search/records.py", "sqlalchemy", "sqlmodel",
                                                          "sqlite3", "pydantic")),
    ("analyzer (analysis.py, porter stemmer)", ("archive/search/analysis.py", "whoosh/lang/porter")),
    ("snippets (query.py: _hit, highlight)", ("archive/search/query.py",)),
    ("whoosh query parsing", ("whoosh/qparser",)),
    ("whoosh fuzzy/prefix term expansion (levenshtein, term dictionary scans)",
     ("whoosh/support/levenshtein", "whoosh/automata", "terms_within", "expand_prefix", "_merge_terms", "min")),
    ("whoosh facets/sorting/columns", ("whoosh/sorting", "whoosh/columns", "whoosh/idsets")),
    ("whoosh searching/matching/scoring", ("whoosh/searching", "whoosh/matching", "whoosh/collectors",
                                           "whoosh/scoring", "whoosh/query", "whoosh/reading")),
    ("whoosh codec & files (pool, posting blocks, term files: written or read)", ("whoosh/",)),
    ("pickle / zlib / struct / sorted (builtins used by whoosh)", ("_pickle", "zlib", "_struct", "marshal",
                                                                  "sorted", "pack", "unpack")),
)


def grouped_profile(profile: cProfile.Profile) -> tuple[list[tuple[str, float]], list[tuple[str, float, float]]]:
    stats = pstats.Stats(profile)
    groups: dict[str, float] = defaultdict(float)
    top = []
    for (filename, line, name), (cc, nc, tottime, cumtime, callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{filename}:{name}"
        label = next((label for label, fragments in _GROUPS if any(f in where for f in fragments)), "other")
        groups[label] += tottime
        short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        top.append((f"{short}:{line}({name})", tottime, cumtime))
    top.sort(key=lambda item: -item[1])
    return sorted(groups.items(), key=lambda item: -item[1]), top[:15]


def cumulative(profile: cProfile.Profile, targets: list[tuple[str, str]]) -> dict[str, float]:
    stats = pstats.Stats(profile)
    out = {}
    for fragment, name in targets:
        out[f"{fragment}:{name}"] = sum(ct for (f, _, n), (_, _, _, ct, _) in stats.stats.items()  # type: ignore
                                        if n == name and fragment in f)
    return out


def profile_build(archive: Archive, work: Path) -> dict[str, Any]:
    """One process, one writer, as each worker of a rebuild runs: where a build's time goes (records,
    analysis, whoosh add, commit)."""
    from whoosh import index as whoosh_index

    from archive.search.records import article_records, document_records
    from archive.search.schema import make_schema

    folder = work / "profile-index"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    profile = cProfile.Profile()
    steps = {}
    profile.enable()
    t = clock()
    with archive.session() as session:
        records = [*article_records(session), *document_records(session)]
    steps["build records"] = clock() - t
    ix = whoosh_index.create_in(str(folder), make_schema())
    from archive.search.build import WORKER_MEMORY_MB
    from archive.search.writing import FootnoteSegmentWriter

    writer = FootnoteSegmentWriter(ix, limitmb=WORKER_MEMORY_MB)
    t = clock()
    for record in records:
        writer.add_document(**record)
    steps["add_document (analysis + pool)"] = clock() - t
    t = clock()
    writer.commit()
    steps["commit (sort, write postings)"] = clock() - t
    profile.disable()
    shutil.rmtree(folder, ignore_errors=True)
    groups, top = grouped_profile(profile)
    return {"steps_s": steps, "groups_s": groups, "top": top,
            "cumulative_s": cumulative(profile, [("analysis.py", "terms"), ("search/schema.py", "index"),
                                                 ("whoosh/writing.py", "add_document"),
                                                 ("whoosh/codec/base.py", "add_postings")])}


def profile_queries(archive: Archive, queries: list[dict[str, Any]]) -> dict[str, Any]:
    for q in queries:
        footnote_search(archive, q["q"])
    profile = cProfile.Profile()
    profile.enable()
    for q in queries:
        footnote_search(archive, q["q"])
    profile.disable()
    groups, top = grouped_profile(profile)
    return {"groups_s": groups, "top": top, "cumulative_s": cumulative(profile, [
        ("whoosh/searching.py", "search"), ("archive/search/query.py", "_matched_terms"),
        ("archive/search/query.py", "_hit"), ("archive/search/query.py", "_place_in_document"),
        ("archive/search/query.py", "highlight"), ("archive/search/query.py", "parse"),
        ("archive/search/query.py", "_expand_multi_terms"), ("archive/search/matches.py", "facet_counts"),
        ("archive/search/index.py", "searching")])}


def profile_update(archive: Archive, work: Path, stats: corpus.Stats, seed: int) -> dict[str, Any]:
    maker = corpus.TextMaker(random.Random(seed + 17))
    path = corpus.digest_file(work / "profiled-article.txt", maker, "qwxprofiledword",
                              stats.document_titles[:2] + [maker.title()])
    original = archive.reindex
    profile = cProfile.Profile()

    def profiled(**kwargs):
        profile.enable()
        try:
            return original(**kwargs)
        finally:
            profile.disable()

    archive.reindex = profiled  # type: ignore[method-assign]
    try:
        import_paths(archive, [path])
    finally:
        archive.reindex = original  # type: ignore[method-assign]
    groups, top = grouped_profile(profile)
    return {"groups_s": groups, "top": top, "cumulative_s": cumulative(profile, [
        ("whoosh/writing.py", "delete_by_term"), ("whoosh/writing.py", "add_document"),
        ("whoosh/writing.py", "commit"), ("archive/search/records.py", "article_records"),
        ("whoosh/writing.py", "_merge_segments")])}


# --- main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="1/10 scale")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also cProfile a build, the query mix, an update")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (archive, FTS5 database)")
    parser.add_argument("--reps", type=int, default=None, help="timed passes over the query mix")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--divide", type=int, default=None, help="scale divisor (--quick is 10)")
    parser.add_argument("--budget", type=float, default=BUDGET_S / 60,
                        help="minutes: rebuilds 2 and 3 run only if they end within it (full scale)")
    args = parser.parse_args()
    began = clock()
    divide = args.divide or (10 if args.quick else 1)
    args.quick = args.quick or divide > 1
    scale = {k: v // divide for k, v in FULL.items()}
    reps = args.reps or 2
    work = Path(tempfile.mkdtemp(prefix="footnote-bench-search-", dir=args.workdir))
    data: dict[str, Any] = {"machine": common.machine(), "quick": args.quick, "seed": args.seed, "scale": scale,
                            "divide": divide, "work": str(work)}
    say(f"Search benchmark ({f'1/{divide} scale' if divide > 1 else 'full scale'}), work folder {work}")
    try:
        run(args, scale, reps, work, data, began)
    finally:
        data["total_s"] = clock() - began
        path = common.write_json("search.json", data)
        say(f"\nwritten {path.relative_to(common.REPO)}; total {common.seconds(data['total_s'])}")
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(_CONFIG, ignore_errors=True)
    return 0


def run(args: argparse.Namespace, scale: dict[str, int], reps: int, work: Path, data: dict[str, Any],
        began: float) -> None:
    root = work / "archive"
    archive, stats, built = build_archive(root, scale, args.seed)
    catalog = archive.layout.database
    data["corpus"] = {"generate_and_insert_s": built, "documents": stats.documents, "pages": stats.pages,
                      "passages": stats.passages, "articles": stats.articles, "claims": stats.claims,
                      "notes": stats.notes, "source_entries": stats.source_entries,
                      "document_chars": stats.document_chars, "article_chars": stats.article_chars,
                      "claim_chars": stats.claim_chars, "text_chars": stats.text_chars,
                      "text_bytes": stats.text_bytes, "words": stats.words, "distinct_words": len(stats.counts),
                      "catalog_bytes": catalog.stat().st_size}
    say(f"corpus: {stats.documents:,} documents, {stats.pages:,} pages, {stats.passages:,} passages, "
        f"{stats.articles:,} articles, {stats.claims:,} claims ({stats.notes} notes), "
        f"{stats.source_entries:,} source entries; {stats.words:,} words, {len(stats.counts):,} distinct; "
        f"text {stats.text_chars / 1e6:.1f} M chars ({stats.document_chars / 1e6:.1f} M in documents, "
        f"{stats.article_chars / 1e6:.1f} M in articles; claims {stats.claim_chars / 1e6:.1f} M more indexed); "
        f"made in {common.seconds(built)}")
    queries = make_queries(stats, args.seed)
    fts_path = work / "fts.db"

    # 1. A clean rebuild (no index yet) and the FTS5 build.
    rebuilds, fts_builds = [], []
    say("\nrebuild 1 (no index yet) …")
    rebuilds.append(time_rebuild(archive))
    fts_builds.append(fts_build(fts_path, catalog)[0])
    say(f"  {common.seconds(rebuilds[-1]['seconds'])}; FTS5 {common.seconds(fts_builds[-1])}")
    # Record building alone (catalog reads into dicts): its share of a rebuild, and how long the
    # rebuild keeps its catalog transaction (BEGIN IMMEDIATE on a writing archive) open.
    from archive.search.records import article_records, document_records
    t = clock()
    with archive.session() as session:
        record_count = sum(1 for _ in article_records(session)) + sum(1 for _ in document_records(session))
    records_s = clock() - t
    data["records"] = {"count": record_count, "build_records_s": records_s}
    say(f"  records alone: {record_count:,} in {common.seconds(records_s)}")
    for q in queries:
        q["matches"] = match_count(archive, q["q"])

    # 2. Query latency.
    fts = FtsSearcher(fts_path, catalog)
    data["fts5_rows"] = fts.db.execute("SELECT count(*) FROM fts").fetchone()[0]
    say(f"\nquery mix: 50 queries, warm, {reps} timed runs each, top 20 hits with snippets, facets over all …")
    data["queries"] = query_latency(archive, fts, queries, reps)
    data["query_steps_s"] = query_steps(archive, queries, per_kind=4 if args.quick else 3)
    fts.close()
    say(f"  p50 {ms(data['queries']['footnote']['p50_s'])}, p95 {ms(data['queries']['footnote']['p95_s'])}")

    # 3. A new article becoming searchable.
    say("importing single articles into the big archive …")
    data["new_article"] = article_searchable(archive, fts_path, catalog, work, stats, args.seed, count=3)

    # 4. Sizes.
    data["sizes"] = index_sizes(archive, fts_path, stats)

    # 5. More rebuilds, as the time budget allows: one while two threads search (a read-only Archive, as
    # `footnote search` opens it, and the writing one, as a desktop window holds it; each searches every
    # 0.2 s), then another clean one.
    first = rebuilds[0]["seconds"]
    budget = args.budget * 60

    def affordable(after: float) -> bool:
        return args.quick or clock() - began + first * 1.25 + after < budget

    loaded = None
    if affordable(first * 0.3):  # searching slows a rebuild down
        reader = Archive.open(root, read_only=True)
        say("rebuild 2, with two threads searching (the 50 queries of the mix, in turn) …")
        with SearchLoad({"read-only archive": reader, "writing archive": archive}, [q["q"] for q in queries],
                        pace=0.2) as load:
            time.sleep(1.0)
            load.mark("rebuild starts")
            loaded = time_rebuild(archive)
            load.mark("rebuild ends")
            time.sleep(2.0)  # a few searches on the new index
        reader.close()
        concurrent = load.summary()
        say(f"  {common.seconds(loaded['seconds'])}; " + "; ".join(
            f"{name}: {s['queries']} searches, {s['errors']} errors, p50 {ms(s['p50_s'] or 0)}, "
            f"max {ms(s['max_s'] or 0)}" for name, s in concurrent.items()))
        fts_builds.append(fts_build(fts_path, catalog)[0])
    else:
        concurrent = None
        say(f"rebuild 2 (under search load) skipped: it would end past the {args.budget}-minute budget "
            f"(elapsed {common.seconds(clock() - began)}, a rebuild takes ~{common.seconds(first)}; --budget raises it)")
    if not args.quick and affordable(0):
        say("rebuild 3 …")
        rebuilds.append(time_rebuild(archive))
        fts_builds.append(fts_build(fts_path, catalog)[0])
        say(f"  {common.seconds(rebuilds[-1]['seconds'])}; FTS5 {common.seconds(fts_builds[-1])}")
    elif not args.quick:
        say(f"rebuild 3 skipped: it would end past the {args.budget}-minute budget")
    clean = [r["seconds"] for r in rebuilds]
    every = clean + ([loaded["seconds"]] if loaded else [])
    data["rebuild"] = {"clean_runs": rebuilds, "under_search_load": loaded,
                       "median_clean_s": statistics.median(clean), "median_all_s": statistics.median(every),
                       "runs_all": len(every), "fts5_runs_s": fts_builds, "fts5_median_s": statistics.median(fts_builds),
                       "search_during_rebuild": concurrent, "target_s": TARGET_REBUILD_S}

    if args.profile:
        say("profiling …")
        queries_profile = profile_queries(archive, queries)
        data["profile"] = {"build": profile_build(archive, work), "queries": queries_profile,
                           "update": profile_update(archive, work, stats, args.seed)}
    archive.close()
    report(data)


def report(data: dict[str, Any]) -> None:
    rb, q, new, sizes = data["rebuild"], data["queries"], data["new_article"], data["sizes"]
    loaded = rb["under_search_load"]["seconds"] if rb["under_search_load"] else None
    say("\n" + table(["figure", "Footnote", "FTS5", "ratio", "target", "met"], [
        ["full rebuild (clean runs, median)", common.seconds(rb["median_clean_s"]),
         common.seconds(rb["fts5_median_s"]), ratio(rb["median_clean_s"], rb["fts5_median_s"]),
         f"< {TARGET_REBUILD_S:.0f} s", "yes" if rb["median_clean_s"] < TARGET_REBUILD_S else "NO"],
        ["full rebuild while 2 threads search", common.seconds(loaded) if loaded else "skipped", "",
         ratio(loaded, rb["fts5_median_s"]), "", ""],
        [f"full rebuild, median of all {rb['runs_all']} runs", common.seconds(rb["median_all_s"]),
         common.seconds(rb["fts5_median_s"]),
         ratio(rb["median_all_s"], rb["fts5_median_s"]), f"< {TARGET_REBUILD_S:.0f} s",
         "yes" if rb["median_all_s"] < TARGET_REBUILD_S else "NO"],
        ["query p50, 50 queries", ms(q["footnote"]["p50_s"]), ms(q["fts5"]["p50_s"]),
         ratio(q["footnote"]["p50_s"], q["fts5"]["p50_s"]), "", ""],
        ["query p95, 50 queries", ms(q["footnote"]["p95_s"]), ms(q["fts5"]["p95_s"]),
         ratio(q["footnote"]["p95_s"], q["fts5"]["p95_s"]), f"< {TARGET_P95_S * 1000:.0f} ms",
         "yes" if q["footnote"]["p95_s"] < TARGET_P95_S else "NO"],
        ["query p95; FTS5 with facet counts", ms(q["footnote"]["p95_s"]), ms(q["fts5 + facets"]["p95_s"]),
         ratio(q["footnote"]["p95_s"], q["fts5 + facets"]["p95_s"]), "", ""],
        ["new article: index update inside import (median)", ms(new["reindex_s"]), ms(new["fts5_insert_commit_s"]),
         ratio(new["reindex_s"], new["fts5_insert_commit_s"]), f"< {TARGET_SEARCHABLE_S:.0f} s",
         "yes" if new["reindex_max_s"] + new["first_search_s"] < TARGET_SEARCHABLE_S else "NO"],
        ["new article: first search after import", ms(new["first_search_s"]), ms(new["fts5_search_s"]),
         ratio(new["first_search_s"], new["fts5_search_s"]), "", "found" if new["all_found"] else "NOT FOUND"],
        ["new article: import_paths total (median)", ms(new["import_paths_s"]), "", "", "", ""],
        ["index size", f"{sizes['whoosh_bytes'] / 1e6:.0f} MB", f"{sizes['fts5_index_bytes'] / 1e6:.0f} MB",
         ratio(sizes["whoosh_bytes"], sizes["fts5_index_bytes"]), "", ""],
        ["index size / text size", f"{sizes['whoosh_share']:.0%}", f"{sizes['fts5_index_share']:.0%}", "", "", ""],
        ["FTS5 file, with its own copy of the text", "", f"{sizes['fts5_file_bytes'] / 1e6:.0f} MB", "", "", ""],
    ]))
    say(f"text: {data['corpus']['text_bytes'] / 1e6:.1f} MB in the catalog; {data['records']['count']:,} index "
        f"records, {data['fts5_rows']:,} FTS5 rows")
    say("\nper query kind (p50/p95 over the kind's queries, each the median of its runs)")
    say(table(["query kind", "Footnote p50", "p95", "FTS5 p50", "p95", "ratio p95", "matches (median)"], [
        [kind, ms(v["footnote"]["p50_s"]), ms(v["footnote"]["p95_s"]), ms(v["fts5"]["p50_s"]), ms(v["fts5"]["p95_s"]),
         ratio(v["footnote"]["p95_s"], v["fts5"]["p95_s"]),
         f"{statistics.median(p['matches'] for p in q['per_query'] if p['kind'] == kind):,.0f}"]
        for kind, v in q["per_kind"].items()]))
    steps = data["query_steps_s"]
    names = ["parse", "searcher", "expand terms", "total + facets", "top 20", "matched terms", "stored fields",
             "20 snippets", "total", "per snippet"]
    say("\nwhere a query's time goes (medians per kind)")
    say(table(["query kind", *names], [[kind, *(ms(v[n]) for n in names)] for kind, v in steps.items()]))
    say("\nsearching during rebuild 2 (the query mix, every 0.2 s per thread):"
        + ("" if rb["search_during_rebuild"] else " skipped"))
    for name, s in (rb["search_during_rebuild"] or {}).items():
        say(f"  {name}: {s['queries']} searches during the rebuild, {s['errors']} failed"
            + (f" (first at +{s['first_error_at_s']:.0f} s, last at +{s['last_error_at_s']:.0f} s: "
               + "; ".join(f"{n}x {e}" for e, n in s["error_kinds"].items()) + ")" if s["errors"] else "")
            + f"; p50 {ms(s['p50_s'] or 0)}, p95 {ms(s['p95_s'] or 0)}, max {ms(s['max_s'] or 0)}; after the swap "
            f"{s['after_rebuild']['queries']} searches, {s['after_rebuild']['errors']} failed")
    say(f"record building alone: {data['records']['count']:,} records in "
        f"{common.seconds(data['records']['build_records_s'])} (inside a rebuild: one catalog transaction)")
    for r in rb["clean_runs"] + ([rb["under_search_load"]] if loaded else []):
        say(f"rebuild {common.seconds(r['seconds'])}: CPU {r['cpu_main_s']:.0f} s in this process, "
            f"{r['cpu_children_s']:.0f} s in the indexing worker processes")
    say("new article runs: " + "; ".join(
        f"import {ms(r['import_paths_s'])}, reindex {ms(r['reindex_s'])}, first search {ms(r['first_search_s'])} "
        f"({'found' if r['found'] else 'NOT found'}), FTS5 insert {ms(r['fts5_insert_commit_s'])}"
        for r in new["runs"]))
    if "profile" in data:
        for name, prof in data["profile"].items():
            say(f"\nprofile: {name}")
            if "steps_s" in prof:
                say("  steps: " + ", ".join(f"{k} {common.seconds(v)}" for k, v in prof["steps_s"].items()))
            say("  own time by group: " + "; ".join(f"{label} {v:.2f} s" for label, v in prof["groups_s"] if v > 0.005))
            say("  cumulative: " + "; ".join(f"{k} {v:.2f} s" for k, v in prof["cumulative_s"].items()))
            for where, tottime, cumtime in prof["top"][:10]:
                say(f"    {tottime:7.2f} s own {cumtime:7.2f} s cum  {where}")


if __name__ == "__main__":
    sys.exit(main())
