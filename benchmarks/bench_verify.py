"""Benchmark: verifying 500 claims of a digest against ~200 pages of attached PDFs.

Run from the repository root::

    .venv/bin/python benchmarks/bench_verify.py [--quick] [--runs N] [--claims N] [--seed N]

Set-up (untimed): four 50-page PDFs from ``tests/pdf_factory.make_many_pages_pdf``, each with its own
metadata title, imported with ``import_paths(..., verify=False)`` into a fresh archive; then a generated
digest in the format of ``resources/demo/ai-executive-order-digest.txt`` (date line, title, summary,
body paragraphs with ``(cite index="S-N">…</cite>`` markers, headings, Cross-references, a Sources list
whose titles equal the PDFs' titles, so they auto-attach) holding ``--claims`` (500) claims:

* ``verbatim``: a sentence of a PDF, as ``extract_pdf`` + ``split_sentences`` give it (whitespace
  collapsed), cited with its real sentence number; a fifth are two consecutive sentences (``S-N,S-N+1``);
* ``altered``: such a sentence with one change: a content word swapped for another word of the
  documents, a "not" inserted, or a number put in place of a word; cited at the original's number;
* ``invented``: a sentence of words drawn from the documents' own text in a new random order, cited at
  a random sentence of a random source.

Timed: ``verify_articles(archive, [article_id])``, median of ``--runs`` (3), claim statuses reset to
what the import left before each run (so every run is a first verification); one re-verification
(nothing changes) is timed too, and, where ``verify_articles`` has a ``reindex`` parameter, the
verification without the search index update (as ``import_paths`` calls it).  Split by wrapping
(see ``Split``): ``DocumentMatcher`` construction (matcher preparation), ``DocumentMatcher.match``
(matching), ``page_locator`` (loading page word boxes), ``PageLocator.rects`` (link rectangles), the
search index update, and the UPDATE / DELETE / INSERT statements; the rest is catalog reads, building
the links and the commit.
Checked: the status of every claim against its kind (verbatim → verified, altered → partial, invented →
not_found), and the number of wrong "verified" (must be 0).  If the median misses the 2 s target, a
cProfile of one run is printed.  Figures go to ``benchmarks/out/verify.json``.
"""

from __future__ import annotations

import argparse
import cProfile
import inspect
import os
import pstats
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402  (puts the repository and tests/ on sys.path)
from _common import clock, measure, say, seconds, table  # noqa: E402

TARGET_SECONDS = 2.0
TITLES = [
    "Harbor Dredging Contracts Quarterly Review",
    "Rural Broadband Expansion Hearing Transcript",
    "Municipal Water Utilities Annual Audit",
    "Pesticide Residue Tolerance Rulemaking Notice",
]
PAGES_EACH = 50
EXPECTED = {"verbatim": "verified", "altered": "partial", "invented": "not_found"}
MIX = {"verbatim": 0.5, "altered": 0.3, "invented": 0.2}
_TOKEN = re.compile(r"[A-Za-z]+")


# --- the sources and the digest ----------------------------------------------------------------


def source_pdfs(pages: int) -> list[Path]:
    return [common.many_pages_pdf(pages, seed=100 + i, title=title) for i, title in enumerate(TITLES)]


def document_sentences(path: Path) -> tuple[str, list[str], int]:
    """Title, sentences (whitespace collapsed) and the hint offset, as verification will number them."""
    from archive.extract.pdf import extract_pdf
    from archive.sentences import split_sentences
    from archive.textnorm import normalize_text

    document = extract_pdf(path)
    spans = split_sentences(document.text)
    sentences = [" ".join(document.text[start:end].split()) for start, end in spans]
    # verify.py: when the first passage is the title, marker sentence numbers count from the body.
    offset = 1 if sentences and normalize_text(sentences[0]) == normalize_text(document.title) else 0
    return document.title, sentences, offset


def alter(sentence: str, rng: random.Random, vocabulary: list[str]) -> tuple[str, str]:
    """One meaningful change to a sentence: a swapped content word, an inserted "not", or a number."""
    from rapidfuzz import fuzz

    from archive.matching import STOPWORDS

    tokens = sentence.split()
    content = [i for i, token in enumerate(tokens) if (core := token.rstrip(".")).isalpha()
               and core.lower() not in STOPWORDS and len(core) > 3]
    if not content:
        content = list(range(1, len(tokens)))
    kind = rng.choices(["swap", "negation", "number"], weights=[0.6, 0.2, 0.2])[0]
    i = rng.choice(content)
    word = tokens[i]
    tail = "." if word.endswith(".") else ""
    core = word.rstrip(".")
    if kind == "swap":
        # A clearly different word: not a stopword, and not a near-spelling of the original (the matcher
        # rightly accepts spelling variants).
        replacement = rng.choice([w for w in vocabulary if w not in STOPWORDS and len(w) > 3
                                  and fuzz.ratio(w, core.lower()) < 70])
        if core[:1].isupper():
            replacement = replacement.capitalize()
        tokens[i] = replacement + tail
    elif kind == "negation":
        j = rng.randint(1, max(1, min(4, len(tokens) - 1)))
        tokens.insert(j, "not")
    else:
        tokens[i] = str(rng.randint(2, 999)) + tail
    return " ".join(tokens), kind


def invent(rng: random.Random, stream: list[str]) -> str:
    words = [rng.choice(stream) for _ in range(rng.randint(8, 22))]
    return " ".join([words[0].capitalize(), *words[1:]]) + "."


def make_digest(sources: list[tuple[str, list[str], int]], claims: int, seed: int
                ) -> tuple[str, list[dict[str, Any]]]:
    """The digest text and, in text order, what each claim is (kind, source, sentence numbers, text)."""
    rng = random.Random(seed)
    stream = [token.lower() for _, sentences, _ in sources for s in sentences for token in _TOKEN.findall(s)]
    vocabulary = sorted(set(stream))
    counts = {kind: int(round(share * claims)) for kind, share in MIX.items()}
    counts["verbatim"] += claims - sum(counts.values())
    kinds = [kind for kind, n in counts.items() for _ in range(n)]
    rng.shuffle(kinds)
    specs: list[dict[str, Any]] = []
    for kind in kinds:
        number = rng.randrange(len(sources))
        _, sentences, offset = sources[number]
        usable = [i for i in range(offset, len(sentences) - 1) if len(sentences[i].split()) >= 8]
        index = rng.choice(usable)
        cited = [index + 1 - offset]  # 1-based, counted as the marker counts
        if kind == "verbatim":
            text, detail = sentences[index], "one sentence"
            if rng.random() < 0.2:
                text, detail = f"{text} {sentences[index + 1]}", "two sentences"
                cited.append(cited[0] + 1)
        elif kind == "altered":
            text, detail = alter(sentences[index], rng, vocabulary)
        else:
            text, detail = invent(rng, stream), "invented"
        specs.append({"kind": kind, "detail": detail, "source": number + 1, "sentences": cited, "text": text})
    lines = ["5/26/2026, 1:02:44 PM \u00b7 benchmarks", "",
             "Verification benchmark digest of generated sources", "",
             "A generated digest whose claims quote, alter or invent sentences of four generated documents.", ""]
    per_paragraph = 5
    for p in range(0, len(specs), per_paragraph):
        if p and p % (per_paragraph * 6) == 0:
            lines += [f"Section {p // (per_paragraph * 6) + 1}", ""]
        parts = ["The documents say the following."]
        for spec in specs[p:p + per_paragraph]:
            index = ",".join(f"{spec['source']}-{n}" for n in spec["sentences"])
            parts.append(f'(cite index="{index}">{spec["text"]}</cite>')
        lines += [" ".join(parts), ""]
    lines += ["Cross-references", "", "Sources", ""]
    for number, (title, _, _) in enumerate(sources, start=1):
        lines += [f"  {number}. [{number}]", f"    {title}"]
    return "\n".join(lines) + "\n", specs


# --- the archive ---------------------------------------------------------------------------------


def build_archive(folder: Path, pdfs: list[Path], digest: str) -> tuple[Any, str, dict[str, Any]]:
    from archive.importing import Outcome, import_paths
    from archive.store import Archive

    archive = Archive.open(folder / "archive", create=True)
    start = clock()
    sources = import_paths(archive, pdfs, verify=False)
    import_sources = clock() - start
    bad = [r for r in sources.results if r.outcome is not Outcome.IMPORTED]
    if bad:
        raise SystemExit(f"importing the source PDFs failed: {[(r.path.name, r.message) for r in bad]}")
    article_path = folder / "verification-digest.txt"
    article_path.write_text(digest, encoding="utf-8")
    start = clock()
    report = import_paths(archive, [article_path], verify=False)
    import_article = clock() - start
    [result] = report.results
    if result.outcome is not Outcome.IMPORTED or not result.article_id:
        raise SystemExit(f"importing the digest failed: {result.message}")
    info = {"import_sources_seconds": import_sources, "import_article_seconds": import_article,
            "attached": len(report.attached), "ambiguous": len(report.ambiguous),
            "article_message": result.message, "warnings": list(result.warnings)}
    return archive, result.article_id, info


def claim_rows(archive, article_id: str) -> list[tuple[str, str, str]]:
    from sqlmodel import select

    from archive.models import Claim

    with archive.session() as session:
        return [(c.id, c.text, c.status) for c in session.exec(
            select(Claim).where(Claim.article_id == article_id).order_by(Claim.position))]


def reset_statuses(archive, rows: list[tuple[str, str, str]]) -> None:
    from sqlalchemy import update

    from archive.models import Claim

    by_status: dict[str, list[str]] = {}
    for claim_id, _, status in rows:
        by_status.setdefault(status, []).append(claim_id)
    with archive.session() as session:
        for status, ids in by_status.items():
            session.execute(update(Claim).where(Claim.id.in_(ids)).values(status=status))


# --- timing the parts of a verification -----------------------------------------------------------


class Split:
    """Wraps parts of a verification to time them; ``with Split() as split: ...``.

    Timed: ``DocumentMatcher`` construction and ``.match`` as ``archive.verify`` calls them,
    ``page_locator``, ``PageLocator.rects``, ``Archive.reindex`` (the search index update, when this
    version of the code has it), and the UPDATE / DELETE / INSERT statements a session executes.
    """

    def __init__(self) -> None:
        self.spent: Counter = Counter()
        self.calls: Counter = Counter()
        self._saved: list[tuple[Any, str, Any]] = []

    def _wrap(self, owner: Any, name: str, key: str | None = None) -> None:
        if not hasattr(owner, name):
            return
        original = getattr(owner, name)
        spent, calls = self.spent, self.calls

        def wrapper(*args, **kwargs):
            label = key or _statement_kind(args[1] if len(args) > 1 else kwargs.get("statement"))
            start = clock()
            try:
                return original(*args, **kwargs)
            finally:
                if label:
                    spent[label] += clock() - start
                    calls[label] += 1

        self._saved.append((owner, name, original))
        setattr(owner, name, wrapper)

    def __enter__(self) -> "Split":
        import sqlmodel

        import archive.verify as verify
        from archive.documents import PageLocator
        from archive.matching import DocumentMatcher
        from archive.store import Archive

        self._wrap(verify, "DocumentMatcher", "prepare (DocumentMatcher)")
        self._wrap(DocumentMatcher, "match", "match")
        self._wrap(verify, "page_locator", "page_locator")
        self._wrap(PageLocator, "rects", "link rects")
        self._wrap(Archive, "reindex", "search index (Archive.reindex)")
        self._wrap(sqlmodel.Session, "execute")  # labelled by statement kind; SELECTs are left in "other"
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved.clear()


def _statement_kind(statement: Any) -> str | None:
    from sqlalchemy.sql.dml import Delete, Insert, Update

    for kind, label in ((Update, "UPDATE statements (claim statuses)"), (Delete, "DELETE statements (old links)"),
                        (Insert, "INSERT statements (new links)")):
        if isinstance(statement, kind):
            return label
    return None


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 run")
    parser.add_argument("--runs", type=int, help="verification runs (default 3, 1 with --quick)")
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one run even if fast enough")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 3)
    started = clock()
    from archive.verify import verify_articles

    pdfs = source_pdfs(PAGES_EACH)
    sources = [document_sentences(path) for path in pdfs]
    pages = sum(common.page_count(path) for path in pdfs)
    digest, specs = make_digest(sources, args.claims, args.seed)
    say(f"Verification benchmark: {len(specs)} claims ({dict(Counter(s['kind'] for s in specs))}) against "
        f"{len(pdfs)} PDFs, {pages} pages, {sum(len(s) for _, s, _ in sources)} sentences; {runs} run(s)")
    results: dict[str, Any] = {"machine": common.machine(), "load_average_at_start": os.getloadavg(),
                               "runs": runs, "claims": len(specs), "pages": pages, "documents": len(pdfs)}
    with tempfile.TemporaryDirectory(prefix="fn-bench-verify-") as folder:
        archive, article_id, info = build_archive(Path(folder), pdfs, digest)
        results["setup"] = info
        say(f"set-up: sources imported in {seconds(info['import_sources_seconds'])}, digest in "
            f"{seconds(info['import_article_seconds'])}: {info['article_message']}; "
            f"{info['attached']} sources attached, {info['ambiguous']} ambiguous"
            + (f"; warnings: {info['warnings'][:3]}" if info["warnings"] else ""))
        rows = claim_rows(archive, article_id)
        if len(rows) != len(specs):
            raise SystemExit(f"the digest gave {len(rows)} claims, expected {len(specs)}")
        for (_, text, _), spec in zip(rows, specs):
            if " ".join(text.split()) != " ".join(spec["text"].split()):
                raise SystemExit(f"claim order mismatch: {text[:60]!r} vs {spec['text'][:60]!r}")

        try:
            splits: list[Split] = []
            cpu_times: list[float] = []

            def verify_once():
                cpu = time.process_time()
                with Split() as split:
                    report = verify_articles(archive, [article_id])
                cpu_times.append(time.process_time() - cpu)
                splits.append(split)
                return report

            median, times, report = measure(verify_once, runs, setup=lambda: reset_statuses(archive, rows))
            middle = splits[sorted(range(len(times)), key=times.__getitem__)[len(times) // 2]]
            statuses = claim_rows(archive, article_id)
            again, _, _ = measure(lambda: verify_articles(archive, [article_id]), 1)
            no_index = None
            if "reindex" in inspect.signature(verify_articles).parameters:
                # The verification proper, without the search index update (import_paths passes reindex=False
                # and updates the index once for everything it imported).
                no_index, no_index_times, _ = measure(lambda: verify_articles(archive, [article_id], reindex=False),
                                                      runs, setup=lambda: reset_statuses(archive, rows))
            profile_text = None
            if median > TARGET_SECONDS or args.profile:
                reset_statuses(archive, rows)
                profiler = cProfile.Profile()
                profiler.enable()
                verify_articles(archive, [article_id])
                profiler.disable()
                stream = __import__("io").StringIO()
                pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(25)
                profile_text = stream.getvalue()
        finally:
            archive.close()

    # --- correctness ---
    matrix: dict[str, Counter] = {kind: Counter() for kind in EXPECTED}
    by_detail: dict[str, Counter] = {}
    wrong_verified = []
    for spec, (_, text, status) in zip(specs, statuses):
        matrix[spec["kind"]][status] += 1
        by_detail.setdefault(f"{spec['kind']}: {spec['detail']}", Counter())[status] += 1
        if status == "verified" and spec["kind"] != "verbatim":
            wrong_verified.append({"kind": spec["kind"], "detail": spec["detail"], "claim": text})
    verbatim_missed = sum(n for status, n in matrix["verbatim"].items() if status != "verified")

    total = sum(middle.spent.values())
    parts = dict(middle.spent)
    results.update({
        "verify_seconds": median, "verify_runs": times, "claims_per_s": len(specs) / median,
        "verify_cpu_seconds": statistics.median(cpu_times), "verify_cpu_runs": cpu_times,
        "reverify_seconds": again,
        "verify_without_search_index_seconds": no_index,
        "split_seconds_of_median_run": parts, "split_calls": dict(middle.calls),
        "other_seconds": median - total,
        "statuses_by_kind": {k: dict(v) for k, v in matrix.items()},
        "statuses_by_detail": {k: dict(v) for k, v in by_detail.items()},
        "report_statuses": dict(report.articles[0].statuses) if report.articles else {},
        "wrong_verified": wrong_verified, "verbatim_not_verified": verbatim_missed,
        "profile": profile_text,
        "seconds": clock() - started, "load_average_at_end": os.getloadavg(),
    })

    say(f"\nverify_articles: {seconds(median)} median (runs: {', '.join(seconds(t) for t in times)}), "
        f"{len(specs) / median:.0f} claims/s; CPU time {seconds(statistics.median(cpu_times))} (less sensitive "
        f"to the machine's load); re-verification with nothing to change {seconds(again)}"
        + (f"; without the search index update {seconds(no_index)}" if no_index is not None else ""))
    rows_out = [[key, seconds(value), f"{value / median:.0%}", str(middle.calls[key])] for key, value in parts.items()]
    rows_out.append(["other (catalog reads, building links, commit)", seconds(median - total),
                     f"{(median - total) / median:.0%}", ""])
    say(table(["part of the median run", "time", "share", "calls"], rows_out))
    say("\nStatus by kind of claim (expected: verbatim -> verified, altered -> partial, invented -> not_found)")
    names = ["verified", "partial", "not_found", "no_source"]
    say(table(["kind", *names, "as expected"],
              [[kind, *(str(matrix[kind].get(n, 0)) for n in names),
                f"{matrix[kind].get(EXPECTED[kind], 0)}/{sum(matrix[kind].values())}"] for kind in EXPECTED]))
    say(table(["kind: detail", *names], [[key, *(str(c.get(n, 0)) for n in names)]
                                          for key, c in sorted(by_detail.items())]))
    if wrong_verified:
        say("\nWRONG 'verified':")
        for item in wrong_verified[:10]:
            say(f"  [{item['kind']}: {item['detail']}] {item['claim'][:120]}")
    checks = [
        [f"verify {len(specs)} claims in < {TARGET_SECONDS:.0f} s", seconds(median),
         "met" if median < TARGET_SECONDS else "MISSED"],
        ["the same in CPU time (the machine's load left out)", seconds(results["verify_cpu_seconds"]),
         "met" if results["verify_cpu_seconds"] < TARGET_SECONDS else "MISSED"],
        *([["the same without the search index update (reindex=False)", seconds(no_index),
            "met" if no_index < TARGET_SECONDS else "MISSED"]] if no_index is not None else []),
        ["wrong 'verified' = 0", str(len(wrong_verified)), "met" if not wrong_verified else "MISSED"],
    ]
    results["targets"] = {row[0]: {"value": row[1], "status": row[2]} for row in checks}
    say("\nTargets")
    say(table(["target", "value", ""], checks))
    if profile_text:
        say("\ncProfile of one verification (cumulative):")
        say("\n".join(profile_text.splitlines()[:45]))
    path = common.write_json("verify.json", results)
    say(f"\nwritten to {path.relative_to(common.REPO)} in {seconds(clock() - started)}")


if __name__ == "__main__":
    main()
