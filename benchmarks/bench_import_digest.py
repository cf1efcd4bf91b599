"""Benchmark: importing digests into a Footnote archive, each figure beside a floor.

Run from the repository root::

    .venv/bin/python benchmarks/bench_import_digest.py [--quick] [--seed N]

What it measures, each Footnote figure printed beside a floor measured in the
same process, so that ratios hold on a noisy machine:

1. The demo digest: parse only (``archive.digest.parse_article``) and
   ``archive.importing.import_paths`` into a fresh on-disk archive, median of 5
   runs, each in a new archive (and again into an archive that has already
   imported one small digest, to separate first-use costs).
2. A generated 5 MB digest in the same format (date line, title, summary, body
   paragraphs with citation markers on sources 1..20, short headings,
   Cross-references, a Sources list of 20): size, claims, parse time, import
   time (with and without verification, which ``import_paths`` now runs), MB/s,
   claims/s, and a step-by-step breakdown of the import.
   Floors: read + decode + one ``re.sub`` that strips the markers (parsing); a
   plain ``write`` + ``fsync`` of the same bytes (the file store); raw
   ``sqlite3.executemany`` of the same claim, citation, section... rows into a
   WAL database made by the archive's own schema code (the catalog write).
3. Scaling: parse time per MB for 1, 2, 4, 5 (and 50, unless ``--quick``) MB,
   and for inputs with 10,000 / 20,000 unclosed markers and stray ``</cite>``,
   spread over the paragraphs or packed into one paragraph.  A linear parser
   shows a flat ms/MB column.
4. A small, bounded probe of lines with a long whitespace run, where some of
   the digest parser's regular expressions backtrack (growth per doubling:
   2 linear, 4 quadratic, 8 cubic).

Everything is generated deterministically from ``random.Random(seed)``; nothing
touches the network.  "MB" is 2**20 bytes.  Figures are printed as a table and
written to ``benchmarks/out/import_digest.json``.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import inspect
import json
import os
import platform
import random
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from archive import importing, schema  # noqa: E402
from archive.digest import ParsedArticle, parse_article  # noqa: E402
from archive.filestore import sha256_bytes  # noqa: E402
from archive.importing import Outcome, import_paths  # noqa: E402
from archive.store import Archive  # noqa: E402
from archive.textcodec import decode_text  # noqa: E402

MB = 1 << 20
OUT = REPO / "benchmarks" / "out" / "import_digest.json"
SAMPLE_CANDIDATES = (
    REPO / "resources" / "demo" / "ai-executive-order-digest.txt",
    REPO.parent / "shared" / "samples" / "ai-executive-order-digest.txt",
)

# The floor of parsing: one pass that removes every opening and closing tag.
_FLOOR_TAG = re.compile(r"[<(]\s*cite[^<>\n]*>|</\s*cite\s*>", re.IGNORECASE)


# --- timing -------------------------------------------------------------------


def clock() -> float:
    return time.perf_counter()


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    """Median seconds of ``repeat`` calls of ``fn``, all times, and the last result."""
    times = []
    result = None
    gc.collect()  # once: a full collection costs tens of ms with SQLAlchemy loaded
    for _ in range(repeat):
        start = clock()
        result = fn()
        times.append(clock() - start)
    return statistics.median(times), times, result


def measure_pair(fn: Callable[[], Any], reference: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Medians of ``fn`` and ``reference``, run alternately so that both see the same machine load."""
    times: list[float] = []
    ref_times: list[float] = []
    result = None
    gc.collect()
    for _ in range(repeat):
        start = clock()
        result = fn()
        times.append(clock() - start)
        start = clock()
        reference()
        ref_times.append(clock() - start)
    return statistics.median(times), statistics.median(ref_times), result


def ms(seconds: float) -> str:
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 0.01:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds * 1000:.2f} ms"


def ratio(value: float, reference: float) -> str:
    return f"{value / reference:.1f}x" if reference > 0 else "-"


def say(line: str = "") -> None:
    print(line, flush=True)


# --- a deterministic digest generator ------------------------------------------

ORGS = [
    "the Commerce Department", "the Treasury", "the National Security Council",
    "the Office of Science and Technology Policy", "the Federal Trade Commission",
    "the intelligence community", "the Senate Commerce Committee", "a House oversight panel",
    "the Center for AI Standards and Innovation", "the Pentagon", "European regulators",
    "the Department of Energy", "the Justice Department", "state attorneys general",
]
PEOPLE = [
    ("Commerce Secretary", "Dana Whitfield"), ("Treasury Secretary", "Marcus Oyelaran"),
    ("Senator", "In\u00eas Carvalho"), ("White House chief of staff", "Ruth Aldana"),
    ("former AI adviser", "Tom\u00e1s Reyes"), ("Representative", "Grace Okafor"),
    ("national security adviser", "Leon Marchetti"), ("economic adviser", "Priya Natarajan"),
    ("FTC chair", "Walter Brennan-Sato"), ("deputy commerce secretary", "Helen Moravec"),
]
COMPANIES = [
    "Northwind Labs", "Helix AI", "Corvid Systems", "Aperture Compute", "Bluefin Semiconductors",
    "Lattice Robotics", "Meridian Cloud", "Quillon Research", "Solstice Data", "Tarn Analytics",
]
OUTLETS = ["Reuters", "the Post", "Axios", "Semafor", "Bloomberg", "the Financial Times", "Politico",
           "The Information", "the Journal", "Wired"]
VERBS = ["said", "confirmed", "warned", "argued", "told reporters", "wrote in a memo",
         "acknowledged", "insisted", "suggested", "noted"]
ACTIONS = [
    "delayed the signing of the draft order", "proposed a voluntary review of frontier models",
    "pushed for mandatory testing of advanced systems", "asked for a 90-day notice period before releases",
    "rejected a licensing regime for model developers", "backed new export controls on advanced chips",
    "sought oversight of model evaluations", "called for a pause on the rule-making",
    "circulated a revised draft of the order", "lobbied against the reporting requirements",
    "opened an inquiry into the training-data deals", "requested a briefing on the security review",
]
OBJECTS = [
    "the draft executive order", "the voluntary review mechanism", "the security evaluation program",
    "the proposed reporting rules", "the chip export framework", "the model licensing proposal",
    "the inter-agency testing agreement", "the procurement guidance", "the incident disclosure rule",
]
TIMES = [
    "on Thursday", "late on Wednesday night", "last week", "on May 21", "earlier this month",
    "hours before the ceremony", "in a closed-door meeting", "over the weekend", "in early 2026",
    "on Monday morning", "during a hearing on Capitol Hill", "in a call with industry leaders",
]
CONCERNS = [
    "the rules could slow development of frontier systems",
    "a voluntary process would quietly become a mandatory one",
    "competitors abroad would gain ground while companies waited for approvals",
    "the review would duplicate work already done by the agencies",
    "smaller developers could not afford the compliance costs",
    "the order left open which agency would have the final say",
    "the testing regime lacked clear deadlines",
    "sensitive model weights could leak during government evaluations",
]
QUOTES = [
    "We are not in the business of picking winners and losers",
    "This gets in the way of our lead, and I don't want to do anything to slow it down",
    "Voluntary today means mandatory tomorrow",
    "Nobody has explained who would run the tests",
    "We want the safest models in the world, and we want them built here",
    "The details matter more than the ceremony",
]
HEAD_A = ["Industry", "Regulatory", "Congressional", "Market", "Inter-agency", "Legal", "International",
          "Budget", "Security", "Public", "Early", "Current", "State"]
HEAD_B = ["lobbying", "response", "reaction", "disputes", "posture", "outlook", "questions", "timeline",
          "concerns", "background", "pressure", "review"]
HEAD_FIXED = ["The draft order", "What comes next", "Trump's rationale", "Who would run the tests",
              "The 90-day window", "Reactions abroad"]
CATEGORIES = ["defense-government", "technology", "policy", "markets", "science"]


def _person(rng: random.Random) -> str:
    role, name = rng.choice(PEOPLE)
    return f"{role} {name}"


def _sentence(rng: random.Random) -> str:
    """One realistic news sentence, 80-220 characters, with no marker characters in it."""
    sentence = _raw_sentence(rng)
    return sentence[0].upper() + sentence[1:]


def _raw_sentence(rng: random.Random) -> str:
    kind = rng.randrange(12)
    if kind == 0:
        return f"{_person(rng)} {rng.choice(VERBS)} that {rng.choice(CONCERNS)}."
    if kind == 1:
        return f"According to {rng.choice(OUTLETS)}, {rng.choice(ORGS)} {rng.choice(ACTIONS)} {rng.choice(TIMES)}."
    if kind == 2:
        return f"\u201c{rng.choice(QUOTES)},\u201d {_person(rng)} {rng.choice(VERBS)} {rng.choice(TIMES)}."
    if kind == 3:
        first, second = rng.sample(COMPANIES, 2)
        return (f"{first} and {second} {rng.choice(ACTIONS)}, "
                f"arguing that {rng.choice(CONCERNS)}.")
    if kind == 4:
        return (f"The proposal would have required developers to submit models up to {rng.randint(14, 120)} "
                f"days before release, with {rng.choice(ORGS)} running the evaluations.")
    if kind == 5:
        return (f"Officials put the cost of {rng.choice(OBJECTS)} at ${rng.randint(2, 90)}.{rng.randint(0, 9)} "
                f"billion over {rng.randint(2, 10)} years, or about {rng.randint(3, 40)} percent of the request.")
    if kind == 6:
        return f"{rng.choice(ORGS)} {rng.choice(VERBS)} {rng.choice(TIMES)} that {rng.choice(CONCERNS)}."
    if kind == 7:
        return (f"{_person(rng)} spoke with {rng.choice(COMPANIES)} executives {rng.choice(TIMES)} "
                f"about {rng.choice(OBJECTS)}.")
    if kind == 8:
        return (f"It is not clear when \u2014 or whether \u2014 {rng.choice(OBJECTS)} will take effect, "
                f"{rng.choice(OUTLETS)} reported.")
    if kind == 9:
        return (f"At least {rng.randint(3, 60)} companies had signed up for {rng.choice(OBJECTS)} by "
                f"{rng.choice(['March', 'April', 'May', 'June'])} {rng.randint(1, 28)}, {rng.randint(2024, 2026)}.")
    if kind == 10:
        return (f"{rng.choice(COMPANIES)} said in a statement that it {rng.choice(ACTIONS)} "
                f"and would keep sharing models with {rng.choice(ORGS)}.")
    return (f"The dispute over {rng.choice(OBJECTS)} pitted {rng.choice(ORGS)} against {rng.choice(ORGS)} "
            f"{rng.choice(TIMES)}.")


def _index(rng: random.Random, sentences: int) -> str:
    """An index like ``6-4`` or ``5-4,5-5,2-19``: one to three sources out of 1..20."""
    roll = rng.random()
    count = 1 if roll < 0.8 else 2 if roll < 0.97 else 3
    items = []
    for position, source in enumerate(rng.sample(range(1, 21), count)):
        first = rng.randint(1, 60)
        span = sentences if position == 0 else rng.randint(1, 2)
        items.extend(f"{source}-{first + offset}" for offset in range(span))
    return ",".join(items)


def _claim(rng: random.Random) -> str:
    sentences = rng.choice((1, 1, 1, 2, 2, 3))
    text = " ".join(_sentence(rng) for _ in range(sentences))
    return f'(cite index="{_index(rng, sentences)}">{text}</cite>'


def _paragraph(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.12:
        lead, claims = rng.randint(2, 4), 0
    elif roll < 0.27:
        lead, claims = 0, rng.randint(1, 2)
    else:
        lead, claims = rng.randint(1, 2), rng.randint(1, 3)
    parts = [_sentence(rng) for _ in range(lead)]
    parts.extend(_claim(rng) for _ in range(claims))
    return " ".join(parts)


def _heading(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return rng.choice(HEAD_FIXED)
    return f"{rng.choice(HEAD_A)} {rng.choice(HEAD_B)}"


def _title(rng: random.Random) -> str:
    first, second = rng.sample(COMPANIES, 2)
    return (f"{first} and {second} press {rng.choice(ORGS)} "
            f"to rethink {rng.choice(OBJECTS)}")


@dataclass
class Body:
    """Generated body blocks (paragraphs and headings), extended on demand, reused by prefix."""

    rng: random.Random
    blocks: list[str] = field(default_factory=list)
    is_heading: list[bool] = field(default_factory=list)
    chars: list[int] = field(default_factory=list)  # running total of len(block) + 2
    _until_heading: int = 0

    def extend_to(self, chars: int) -> None:
        total = self.chars[-1] if self.chars else 0
        while total < chars:
            if self._until_heading <= 0:
                block, heading = _heading(self.rng), True
                self._until_heading = self.rng.randint(3, 7)
            else:
                block, heading = _paragraph(self.rng), False
                self._until_heading -= 1
            self.blocks.append(block)
            self.is_heading.append(heading)
            total += len(block) + 2
            self.chars.append(total)

    def prefix(self, chars: int) -> int:
        """How many blocks make up at least ``chars`` characters."""
        self.extend_to(chars)
        low, high = 0, len(self.chars) - 1
        while low < high:
            middle = (low + high) // 2
            if self.chars[middle] < chars:
                low = middle + 1
            else:
                high = middle
        return low + 1


def _front_matter(rng: random.Random) -> str:
    return (f"5/26/2026, 1:02:44 PM \u00b7 {rng.choice(CATEGORIES)}\n\n{_title(rng)}\n\n"
            f"{_sentence(rng)} {_sentence(rng)}\n\n")


def _back_matter(rng: random.Random) -> str:
    lines = ["", "Cross-references", ""]
    lines.extend(f"  - {_title(rng)}" for _ in range(5))
    lines += ["", "Sources", ""]
    for number in range(1, 21):
        title = _title(rng)
        style = number % 3
        if style == 0:
            title += f" | {rng.choice(OUTLETS).removeprefix('the ').title()}"
        elif style == 1:
            title += f" - {rng.choice(OUTLETS).removeprefix('the ').title()}"
        lines += [f"  {number}. [{number}]", f"    {title}"]
    return "\n".join(lines) + "\n"


def build_digest(body: Body, target_bytes: int, seed: int, *, unclosed: int = 0, stray: int = 0) -> str:
    """A digest of about ``target_bytes``; defects are spread evenly over the body paragraphs."""
    rng = random.Random(seed)
    front, back = _front_matter(rng), _back_matter(rng)
    count = body.prefix(max(0, target_bytes - len(front) - len(back)))
    blocks = body.blocks[:count]
    defects = unclosed + stray
    if defects:
        paragraphs = [i for i in range(count) if not body.is_heading[i]]
        extra: dict[int, list[str]] = {}
        for number in range(defects):
            at = paragraphs[number * len(paragraphs) // defects]
            if number < unclosed:  # an opening marker that is never closed
                piece = f' (cite index="{rng.randint(1, 20)}-{rng.randint(1, 60)}">{_sentence(rng)}'
            else:  # a closing tag without an opening one
                piece = f" {_sentence(rng)}</cite>"
            extra.setdefault(at, []).append(piece)
        blocks = [block + "".join(extra.get(i, ())) for i, block in enumerate(blocks)]
    return front + "\n\n".join(blocks) + "\n" + back


def build_one_paragraph(seed: int, *, unclosed: int = 0, stray: int = 0) -> str:
    """A small digest whose body is one paragraph (no blank line) holding every defect."""
    rng = random.Random(seed)
    front, back = _front_matter(rng), _back_matter(rng)
    lines = []
    for number in range(unclosed + stray):
        if number < unclosed:
            lines.append(f'{_sentence(rng)} (cite index="{rng.randint(1, 20)}-{rng.randint(1, 60)}">{_sentence(rng)}')
        else:
            lines.append(f"{_sentence(rng)} {_sentence(rng)}</cite>")
    return front + "\n".join(lines) + "\n" + back


# --- floors -------------------------------------------------------------------


def floor_parse(path: Path) -> str:
    """Read, decode and strip every marker with a single re.sub: the least a parser must do."""
    return _FLOOR_TAG.sub("", path.read_bytes().decode("utf-8"))


def floor_store(data: bytes, folder: Path) -> None:
    """Write the bytes to a new file and fsync it: the least the file store must do."""
    target = folder / f"floor-{uuid.uuid4().hex}"
    with open(target, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    target.unlink()


_FLOOR_DATABASES: list[sqlite3.Connection] = []  # closed at the end of the run


def _floor_database(folder: Path) -> sqlite3.Connection:
    """A WAL database with the archive's own current schema, connection set up like Footnote's."""
    path = folder / f"floor-{uuid.uuid4().hex}.db"
    schema.upgrade(path, folder / "floor-backups")  # the archive's own upgrade steps, to the current version
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    _FLOOR_DATABASES.append(db)
    return db


def floor_catalog(folder: Path, parsed: ParsedArticle, size: int, *, claims_only: bool) -> Callable[[], None]:
    """A callable that writes the parsed rows with raw executemany (the database is made beforehand)."""
    db = _floor_database(folder)

    def write() -> None:
        now = time.strftime("%Y-%m-%d %H:%M:%S.000000")
        sha = uuid.uuid4().hex * 2
        article_id = uuid.uuid4().hex
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO stored_file (sha256, size, media_type, original_name, added_at) "
                   "VALUES (?, ?, ?, ?, ?)", (sha, size, "text/plain", "x.txt", now))
        db.execute("INSERT INTO article (id, file_sha256, format, title, summary, published, category, text, "
                   "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (article_id, sha, parsed.format, parsed.title, parsed.summary, now, parsed.category,
                    parsed.text, now))
        claim_ids = [uuid.uuid4().hex for _ in parsed.claims]
        db.executemany(
            'INSERT INTO claim (id, article_id, position, text, start, "end", status, origin, created_at, '
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(claim_ids[i], article_id, i, c.text, c.start, c.end, "no_source", "marker", now, now)
             for i, c in enumerate(parsed.claims)])
        if not claims_only:
            db.executemany(
                "INSERT INTO citation (claim_id, position, source_number, sentences) VALUES (?, ?, ?, ?)",
                [(claim_ids[i], j, citation.source, json.dumps(list(citation.sentences)))
                 for i, c in enumerate(parsed.claims) for j, citation in enumerate(c.citations)])
            db.executemany("INSERT INTO article_section (article_id, position, title, start) VALUES (?, ?, ?, ?)",
                           [(article_id, i, s.title, s.start) for i, s in enumerate(parsed.sections)])
            db.executemany("INSERT INTO cross_reference (article_id, position, title) VALUES (?, ?, ?)",
                           [(article_id, i, t) for i, t in enumerate(parsed.cross_references)])
            db.executemany("INSERT INTO import_warning (article_id, position, message) VALUES (?, ?, ?)",
                           [(article_id, i, m) for i, m in enumerate(parsed.warnings)])
            cited = parsed.cited_sources
            db.executemany(
                "INSERT INTO source_entry (article_id, number, title, publisher, cited) VALUES (?, ?, ?, ?, ?)",
                [(article_id, s.number, s.title, s.publisher, s.number in cited) for s in parsed.sources])
        db.execute("COMMIT")

    return write


# --- Footnote figures -----------------------------------------------------------

# import_paths has grown steps after the catalog write (attaching sources,
# verification, the search index); find out which ones this version has.
IMPORT_HAS_VERIFY = "verify" in inspect.signature(import_paths).parameters
IMPORT_HAS_ATTACH = hasattr(importing, "auto_attach")
IMPORT_HAS_INDEX = hasattr(Archive, "reindex")
IMPORT_STEPS = " + ".join(["parse", "store", "catalog write"] + ["attach"] * IMPORT_HAS_ATTACH
                          + ["verify"] * IMPORT_HAS_VERIFY + ["search index"] * IMPORT_HAS_INDEX)


class Archives:
    """Fresh archives in a temporary folder, one per run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self.open_times: list[float] = []

    def fresh(self) -> Archive:
        self.count += 1
        start = clock()
        opened = Archive.open(self.root / f"archive-{self.count}", create=True)
        self.open_times.append(clock() - start)
        return opened


def _watch_index(archive: Archive, index: bool, spent: list[float]) -> None:
    """Time ``archive.reindex`` (the search index step), or skip it when ``index`` is false.

    Only this archive object is touched (an instance attribute); Footnote's code is unchanged.
    """
    if not IMPORT_HAS_INDEX:
        return
    original = archive.reindex

    def reindex(**kwargs: Any) -> None:
        if not index:
            return
        start = clock()
        try:
            original(**kwargs)
        finally:
            spent.append(clock() - start)

    archive.reindex = reindex  # type: ignore[method-assign]


def _import_once(archive: Archive, path: Path, **options: Any) -> tuple[float, str]:
    gc.collect()
    start = clock()
    report = import_paths(archive, [path], **options)
    seconds = clock() - start
    result = report.results[0]
    if result.outcome is not Outcome.IMPORTED:
        raise SystemExit(f"import of {path.name} did not succeed: {result.outcome}: {result.message}")
    return seconds, result.message


@dataclass
class ImportRuns:
    median: float
    runs: list[float]
    message: str
    index_s: list[float]  # time spent in the search index step, per run (empty when skipped)


def footnote_import(archives: Archives, path: Path, repeat: int, *, warm_with: Path | None = None,
                    index: bool = True, **options: Any) -> ImportRuns:
    """Median time of ``import_paths`` (archive creation not included), each run in a new archive.

    With ``warm_with``, that file is imported first in the same archive (untimed), so the
    figure is an import into an archive already in use rather than the first one.  With
    ``index=False`` the search index step is skipped (to time the rest on its own).
    """
    times: list[float] = []
    index_times: list[float] = []
    message = ""
    for _ in range(repeat):
        archive = archives.fresh()
        spent: list[float] = []
        _watch_index(archive, index, spent)
        try:
            if warm_with is not None:
                _import_once(archive, warm_with, **options)
                spent.clear()
            seconds, message = _import_once(archive, path, **options)
        finally:
            archive.close()
        times.append(seconds)
        if spent:
            index_times.append(sum(spent))
    return ImportRuns(statistics.median(times), times, message, index_times)


def import_breakdown(archives: Archives, path: Path) -> dict[str, float]:
    """The steps ``import_paths`` takes for one text article, but the search index, one by one.

    Mirrors ``importing._import_article`` (read, hash, duplicate check, decode,
    parse, file store, catalog write) and what ``import_paths`` does after it
    (attach sources to documents, verify the new article).  The search index
    step is timed inside the real ``import_paths`` runs instead.
    """
    from sqlmodel import select

    from archive.models import Article

    archive = archives.fresh()
    _watch_index(archive, False, [])
    steps: dict[str, float] = {}
    try:
        gc.collect()
        t0 = clock()
        data = path.read_bytes()
        t1 = clock()
        sha = sha256_bytes(data)
        t2 = clock()
        with archive.session() as session:
            session.exec(select(Article).where(Article.file_sha256 == sha)).first()
        t3 = clock()
        text = decode_text(data, path.name)
        t4 = clock()
        parsed = parse_article(text, filename=path.name)
        t5 = clock()
        archive.files.put_bytes(data, sha)
        t6 = clock()
        article_id = importing._write_article(archive, parsed, sha, len(data), "text/plain", path.name)
        t7 = clock()
        steps.update(read=t1 - t0, sha256=t2 - t1, duplicate_check=t3 - t2, decode=t4 - t3, parse=t5 - t4,
                     file_store=t6 - t5, catalog_write=t7 - t6)
        if IMPORT_HAS_ATTACH:
            with archive.session() as session:
                importing.auto_attach(session, documents=[], articles=[article_id])
            steps["attach"] = clock() - t7
        if IMPORT_HAS_VERIFY:
            options = {"reindex": False} if "reindex" in inspect.signature(importing.verify_articles).parameters else {}
            t8 = clock()
            importing.verify_articles(archive, [article_id], **options)
            steps["verify"] = clock() - t8
        steps["total"] = clock() - t0
    finally:
        archive.close()
    return steps


# --- the whitespace probe -------------------------------------------------------

_DIGEST_HEAD = "5/26/2026, 1:02:44 PM \u00b7 probe\n\nTitle\n\nSummary sentence.\n\n"
PROBES: list[tuple[str, Callable[[int], str], tuple[int, ...]]] = [
    ("Markdown heading line '# a' + N spaces + 'b' (digest body)",
     lambda n: _DIGEST_HEAD + "# a" + " " * n + "b\n", (100, 200, 400)),
    ("Sources entry '1. [1] a' + N spaces + 'b'",
     lambda n: _DIGEST_HEAD + "Sources\n\n  1. [1] a" + " " * n + "b\n", (1000, 2000, 4000)),
    ("date line '... \u00b7 a' + N spaces + 'b'",
     lambda n: "5/26/2026, 1:02:44 PM \u00b7 a" + " " * n + "b\n\nTitle\n\nSummary.\n", (1000, 2000, 4000)),
    ("control: body paragraph 'a' + N spaces + 'b'",
     lambda n: _DIGEST_HEAD + "Some text a" + " " * n + "b.\n", (1000, 2000, 4000)),
]


def whitespace_probe() -> list[dict[str, Any]]:
    rows = []
    for label, make, sizes in PROBES:
        times = []
        for n in sizes:
            text = make(n)
            best, _, _ = measure(lambda: parse_article(text), 3)
            times.append(best)
        growth = [later / earlier if earlier > 0 else 0.0 for earlier, later in zip(times, times[1:])]
        rows.append(dict(input=label, sizes=list(sizes), seconds=times, growth_per_doubling=growth))
    return rows


# --- main ---------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no 50 MB input")
    parser.add_argument("--seed", type=int, default=20260526)
    args = parser.parse_args()
    quick = args.quick
    wall = clock()
    laps: dict[str, float] = {}
    lap_at = [wall]

    def lap(name: str) -> None:
        now = clock()
        laps[name] = now - lap_at[0]
        lap_at[0] = now
    results: dict[str, Any] = {
        "meta": dict(
            python=platform.python_version(), sqlite=sqlite3.sqlite_version, platform=platform.platform(),
            cpus=os.cpu_count(), quick=quick, seed=args.seed, mb_bytes=MB,
            started=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        ),
    }
    table: list[tuple[str, str, str, str, str]] = []  # figure, footnote, reference name, reference, ratio

    def row(figure: str, value: float, ref_name: str, reference: float | None) -> None:
        table.append((figure, ms(value), ref_name, ms(reference) if reference is not None else "-",
                      ratio(value, reference) if reference is not None else "-"))

    sample = next((p for p in SAMPLE_CANDIDATES if p.is_file()), None)
    if sample is None:
        raise SystemExit("the demo digest was not found in resources/demo/")

    with tempfile.TemporaryDirectory(prefix="footnote-bench-") as tmp:
        work = Path(tmp)
        archives = Archives(work / "archives")
        inputs = work / "inputs"
        inputs.mkdir()
        say(f"Footnote import benchmark  (python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, "
            f"{os.cpu_count()} cpus, temp {work}{', quick' if quick else ''})")

        # 1. the demo digest -------------------------------------------------
        say(f"\n1. Demo digest {sample.relative_to(REPO) if sample.is_relative_to(REPO) else sample} "
            f"({sample.stat().st_size:,} bytes); import_paths does: {IMPORT_STEPS}")
        body = Body(random.Random(args.seed))
        warm = inputs / "warm-up.txt"  # a small, different digest imported first for the "warm" figure
        warm.write_text(build_digest(body, 4000, args.seed + 1), encoding="utf-8")
        sample_data = sample.read_bytes()
        sample_text = decode_text(sample_data, sample.name)
        sample_parsed = parse_article(sample_text, filename=sample.name)
        parse_repeat = 200
        parse_s, floor_s, _ = measure_pair(lambda: parse_article(sample_text, filename=sample.name),
                                           lambda: floor_parse(sample), parse_repeat)
        fresh = footnote_import(archives, sample, 5)
        open_s = statistics.median(archives.open_times)
        warm_runs = footnote_import(archives, sample, 5, warm_with=warm)
        store_floor, _, _ = measure(lambda: floor_store(sample_data, work), 5)
        catalog_floor, _, _ = measure(floor_catalog(work, sample_parsed, len(sample_data), claims_only=False), 5)
        sample_floor = floor_s + store_floor + catalog_floor

        def index_note(runs: ImportRuns) -> str:
            return f"; search index step {ms(statistics.median(runs.index_s))}" if runs.index_s else ""

        say(f"   parse_article                 {ms(parse_s):>9}   (median of {parse_repeat})   "
            f"floor read+re.sub {ms(floor_s)} -> {ratio(parse_s, floor_s)}")
        say(f"   import_paths, fresh archive   {ms(fresh.median):>9}   median of 5: "
            f"{', '.join(ms(t) for t in fresh.runs)}{index_note(fresh)}")
        say(f"   import_paths, warm archive    {ms(warm_runs.median):>9}   median of 5: "
            f"{', '.join(ms(t) for t in warm_runs.runs)}{index_note(warm_runs)}  (a small digest imported first)")
        say(f"   floor: read+re.sub + write/fsync + raw sqlite rows = {ms(sample_floor)}"
            f"  -> fresh {ratio(fresh.median, sample_floor)}, warm {ratio(warm_runs.median, sample_floor)}")
        say(f"   Archive.open(create=True), not included above: {ms(open_s)} median")
        say(f"   result: {fresh.message}; {len(sample_parsed.claims)} claims, {len(sample_parsed.sources)} sources, "
            f"{len(sample_parsed.sections)} sections, {len(sample_parsed.warnings)} warnings")
        results["sample"] = dict(
            path=str(sample), bytes=len(sample_data), claims=len(sample_parsed.claims),
            warnings=len(sample_parsed.warnings), import_steps=IMPORT_STEPS, parse_s=parse_s, parse_floor_s=floor_s,
            import_median_s=fresh.median, import_runs_s=fresh.runs, import_index_s=fresh.index_s,
            import_warm_median_s=warm_runs.median, import_warm_runs_s=warm_runs.runs,
            import_warm_index_s=warm_runs.index_s, import_floor_s=sample_floor, store_floor_s=store_floor,
            catalog_floor_s=catalog_floor, archive_open_median_s=open_s,
        )
        row("demo: parse", parse_s, "read + re.sub", floor_s)
        row("demo: import, fresh archive (median 5)", fresh.median, "re.sub+fsync+sqlite", sample_floor)
        row("demo: import, warm archive (median 5)", warm_runs.median, "re.sub+fsync+sqlite", sample_floor)
        row("demo: Archive.open(create=True)", open_s, "", None)

        # 2. generated 5 MB digest -------------------------------------------
        lap("1_demo")
        say("\n2. Generated 5 MB digest")
        start = clock()
        big_text = build_digest(body, 5 * MB, args.seed)
        gen_s = clock() - start
        big = inputs / "generated-5mb.txt"
        big.write_text(big_text, encoding="utf-8")
        big_data = big.read_bytes()
        size = len(big_data)
        mb = size / MB
        big_parsed = parse_article(big_text, filename=big.name)
        claims = len(big_parsed.claims)
        citations = sum(len(c.citations) for c in big_parsed.claims)
        if big_parsed.warnings:
            say(f"   NOTE: the generated digest gave {len(big_parsed.warnings)} warnings, "
                f"first: {big_parsed.warnings[0]}")
        repeat = 3
        parse_big, floor_big, _ = measure_pair(lambda: parse_article(big_text, filename=big.name),
                                               lambda: floor_parse(big), repeat)
        read_s, _, _ = measure(big.read_bytes, repeat)
        sha_s, _, _ = measure(lambda: hashlib.sha256(big_data).hexdigest(), repeat)
        decode_s, _, _ = measure(lambda: big_data.decode("utf-8"), repeat)
        store_big, _, _ = measure(lambda: floor_store(big_data, work), repeat)
        cat_claims, _, _ = measure(floor_catalog(work, big_parsed, size, claims_only=True), repeat)
        cat_all, _, _ = measure(floor_catalog(work, big_parsed, size, claims_only=False), repeat)
        import_floor = floor_big + sha_s + store_big + cat_all
        say(f"   size {size:,} bytes ({mb:.2f} MB), {claims:,} claims, {citations:,} citations, "
            f"{len(big_parsed.sections):,} sections, {len(big_parsed.sources)} sources, "
            f"{len(big_parsed.warnings)} warnings (generated in {ms(gen_s)})")
        say(f"   {'parse_article (text in memory)':<50}{ms(parse_big):>9}  {mb / parse_big:6.2f} MB/s  "
            f"{claims / parse_big:8,.0f} claims/s   floor read+re.sub {ms(floor_big)} -> {ratio(parse_big, floor_big)}")
        # The core of the import, without verification and the search index: the brief's "full import".
        core_options = {"verify": False} if IMPORT_HAS_VERIFY else {}
        core = footnote_import(archives, big, 1 if quick else 3, index=False, **core_options)
        core_label = "import_paths(" + ("verify=False" if IMPORT_HAS_VERIFY else "") + \
            (", search index skipped" if IMPORT_HAS_INDEX else "") + ")"
        say(f"   {core_label:<50}{ms(core.median):>9}  {mb / core.median:6.2f} MB/s  "
            f"{claims / core.median:8,.0f} claims/s   runs: {', '.join(ms(t) for t in core.runs)}")
        say(f"      = parse + store + catalog write{' + attach' if IMPORT_HAS_ATTACH else ''}; "
            f"floor (read+re.sub + sha256 + write/fsync + raw sqlite rows) {ms(import_floor)} "
            f"-> {ratio(core.median, import_floor)}")
        full = footnote_import(archives, big, 1)  # one run: the search index step makes it long
        index_s = sum(full.index_s) if full.index_s else None
        say(f"   {'import_paths (default, 1 run)':<50}{ms(full.median):>9}  {mb / full.median:6.2f} MB/s  "
            f"{claims / full.median:8,.0f} claims/s   -> {ratio(full.median, import_floor)} the floor")
        say(f"      = {IMPORT_STEPS}"
            + (f"; of which the search index step {ms(index_s)} ({index_s / full.median:.0%}, "
               f"{index_s / mb:.1f} s/MB)" if index_s is not None else ""))
        say(f"   result: {full.message}")
        breakdown = import_breakdown(archives, big)
        if index_s is not None:  # keep "total" last
            total_s = breakdown.pop("total") + index_s
            breakdown["search_index (from the default run)"] = index_s
            breakdown["total"] = total_s
        say("   step by step (one run, fresh archive)             Footnote   floor                      ratio")
        refs = dict(read=("read_bytes", read_s), sha256=("hashlib.sha256", sha_s), decode=("bytes.decode", decode_s),
                    parse=("read+re.sub", floor_big), file_store=("write+fsync", store_big),
                    catalog_write=("raw executemany", cat_all))
        for step, seconds in breakdown.items():
            ref_name, ref = refs.get(step, ("", None))
            say(f"     {step:<36} {ms(seconds):>12}   {ref_name:<16} {ms(ref) if ref is not None else '':>9}"
                f"   {ratio(seconds, ref) if ref is not None else ''}")
        say(f"     (raw executemany of the {claims:,} claim rows alone: {ms(cat_claims)}; "
            f"catalog write / claims-only floor = {ratio(breakdown['catalog_write'], cat_claims)})")
        results["generated_5mb"] = dict(
            bytes=size, mb=mb, claims=claims, citations=citations, sections=len(big_parsed.sections),
            sources=len(big_parsed.sources), warnings=len(big_parsed.warnings), generate_s=gen_s,
            parse_s=parse_big, parse_floor_s=floor_big,
            parse_mb_per_s=mb / parse_big, parse_claims_per_s=claims / parse_big,
            import_core=dict(what=core_label, median_s=core.median, runs_s=core.runs, mb_per_s=mb / core.median,
                             claims_per_s=claims / core.median),
            import_default=dict(what=IMPORT_STEPS, seconds=full.median, mb_per_s=mb / full.median,
                                claims_per_s=claims / full.median, search_index_s=index_s),
            import_floor_s=import_floor,
            floors=dict(read_s=read_s, sha256_s=sha_s, decode_s=decode_s, write_fsync_s=store_big,
                        sqlite_claims_only_s=cat_claims, sqlite_all_rows_s=cat_all),
            breakdown_s=breakdown,
        )
        row(f"5 MB: parse ({mb / parse_big:.1f} MB/s, {claims / parse_big:,.0f} claims/s)", parse_big,
            "read + re.sub", floor_big)
        row(f"5 MB: import core ({claims / core.median:,.0f} claims/s)", core.median, "sum of floors", import_floor)
        row(f"5 MB: import_paths default ({claims / full.median:,.0f} claims/s)", full.median, "sum of floors",
            import_floor)
        row("5 MB: file store", breakdown["file_store"], "write + fsync", store_big)
        row(f"5 MB: catalog write ({claims:,} claims)", breakdown["catalog_write"], "raw executemany", cat_all)
        if "verify" in breakdown:
            row("5 MB: verify (no documents attached)", breakdown["verify"], "", None)
        if index_s is not None:
            row("5 MB: search index step", index_s, "", None)

        # 3. scaling ------------------------------------------------------------
        lap("2_generated_5mb")
        say("\n3. Scaling (parse only; linear = flat ms/MB)")
        cases: list[tuple[str, Callable[[], str] | None, int]] = [
            ("clean 1 MB", lambda: build_digest(body, 1 * MB, args.seed), 5),
            ("clean 2 MB", lambda: build_digest(body, 2 * MB, args.seed), 5),
            ("clean 4 MB", lambda: build_digest(body, 4 * MB, args.seed), 3),
            ("clean 5 MB (figures of section 2)", None, 0),
            ("10k unclosed, spread, 2 MB", lambda: build_digest(body, 2 * MB, args.seed, unclosed=10_000), 3),
            ("20k unclosed, spread, 4 MB", lambda: build_digest(body, 4 * MB, args.seed, unclosed=20_000), 2),
            ("10k stray, spread, 2 MB", lambda: build_digest(body, 2 * MB, args.seed, stray=10_000), 3),
            ("20k stray, spread, 4 MB", lambda: build_digest(body, 4 * MB, args.seed, stray=20_000), 2),
            ("10k unclosed, one paragraph", lambda: build_one_paragraph(args.seed, unclosed=10_000), 5),
            ("20k unclosed, one paragraph", lambda: build_one_paragraph(args.seed, unclosed=20_000), 3),
            ("10k stray, one paragraph", lambda: build_one_paragraph(args.seed, stray=10_000), 5),
            ("20k stray, one paragraph", lambda: build_one_paragraph(args.seed, stray=20_000), 3),
        ]
        if not quick:
            cases.append(("clean 50 MB", lambda: build_digest(body, 50 * MB, args.seed), 1))
        say(f"   {'input':<34} {'MB':>6} {'claims':>8} {'warn':>6} {'parse':>9} {'ms/MB':>7} "
            f"{'floor ms/MB':>11} {'ratio':>6}")
        scaling = []
        for label, make, reps in cases:
            if make is None:  # the 5 MB digest was measured above
                text, size_mb, seconds, floor, parsed = big_text, mb, parse_big, floor_big, big_parsed
            else:
                text = make()
                path = inputs / "scaling.txt"
                path.write_text(text, encoding="utf-8")
                size_mb = path.stat().st_size / MB
                seconds, floor, parsed = measure_pair(lambda: parse_article(text), lambda: floor_parse(path), reps)
            per_mb = seconds * 1000 / size_mb
            floor_per_mb = floor * 1000 / size_mb
            say(f"   {label:<34} {size_mb:6.2f} {len(parsed.claims):8,} {len(parsed.warnings):6,} {ms(seconds):>9} "
                f"{per_mb:7.1f} {floor_per_mb:11.1f} {ratio(seconds, floor):>6}")
            scaling.append(dict(input=label, mb=size_mb, claims=len(parsed.claims), warnings=len(parsed.warnings),
                                parse_s=seconds, ms_per_mb=per_mb, floor_s=floor, floor_ms_per_mb=floor_per_mb))
            table.append((f"scale: {label}", f"{per_mb:.0f} ms/MB", "re.sub", f"{floor_per_mb:.0f} ms/MB",
                          ratio(seconds, floor)))
            del text, parsed
        results["scaling"] = scaling
        clean = [s for s in scaling if s["input"].startswith("clean")]
        spread = max(s["ms_per_mb"] for s in clean) / min(s["ms_per_mb"] for s in clean)
        ratios = [s["parse_s"] / s["floor_s"] for s in clean]
        ratio_spread = max(ratios) / min(ratios)
        growth = clean[-1]["ms_per_mb"] / clean[0]["ms_per_mb"]
        say(f"   clean inputs {clean[0]['mb']:.0f} -> {clean[-1]['mb']:.0f} MB: ms/MB changes x{growth:.2f} "
            f"(quadratic would be x{clean[-1]['mb'] / clean[0]['mb']:.0f}); largest/smallest ms/MB {spread:.2f}, "
            f"of the ratio to the floor {ratio_spread:.2f} (1.0 = perfectly linear)")
        results["scaling_clean"] = dict(ms_per_mb_growth_first_to_last=growth, ms_per_mb_spread=spread,
                                        ratio_to_floor_spread=ratio_spread)

        # import of the 10k-unclosed input (10,000 warnings become rows), beside the same input clean
        clean_path = inputs / "clean-2mb.txt"
        clean_path.write_text(build_digest(body, 2 * MB, args.seed), encoding="utf-8")
        warn_path = inputs / "unclosed-10k.txt"
        warn_path.write_text(build_digest(body, 2 * MB, args.seed, unclosed=10_000), encoding="utf-8")
        clean_run = footnote_import(archives, clean_path, 1, index=False)
        warn_run = footnote_import(archives, warn_path, 1, index=False)
        clean_import, warn_import = clean_run.median, warn_run.median
        say(f"   import_paths{' (search index skipped)' if IMPORT_HAS_INDEX else ''} of 'clean 2 MB' "
            f"({clean_path.stat().st_size / MB:.2f} MB): {ms(clean_import)}; of '10k unclosed, spread, 2 MB' "
            f"({warn_path.stat().st_size / MB:.2f} MB, 1 run each): {ms(warn_import)} -> "
            f"{ratio(warn_import, clean_import)} ({warn_run.message.split(': ', 1)[-1]})")
        results["import_clean_2mb_s"] = clean_import
        results["import_10k_unclosed_2mb_s"] = warn_import
        row("import 2 MB + 10k unclosed (10k warnings)", warn_import, "same 2 MB clean", clean_import)

        # 4. whitespace probe -----------------------------------------------------
        lap("3_scaling")
        say("\n4. Lines with a long whitespace run (parse only; growth per doubling of N: 2 linear, "
            "4 quadratic, 8 cubic)")
        probe = whitespace_probe()
        for entry in probe:
            cells = ", ".join(f"N={n}: {ms(t)}" for n, t in zip(entry["sizes"], entry["seconds"]))
            growth = " ".join(f"x{g:.1f}" for g in entry["growth_per_doubling"])
            say(f"   {entry['input']:<58} {cells}   growth {growth}")
            table.append((f"ws run: {entry['input'][:34]}", ms(entry["seconds"][-1]), f"N={entry['sizes'][-1]}",
                          "", " ".join(f"x{g:.1f}" for g in entry["growth_per_doubling"])))
        results["whitespace_probe"] = probe
        for db in _FLOOR_DATABASES:
            db.close()

    total = clock() - wall
    lap("4_whitespace_probe")
    results["meta"]["wall_s"] = total
    results["meta"]["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    results["meta"]["section_s"] = laps
    results["table"] = [dict(figure=f, footnote=v, reference_name=rn, reference=r, ratio=q)
                        for f, v, rn, r, q in table]

    say("\nSummary")
    widths = [max(len(r[i]) for r in table + [("figure", "Footnote", "reference", "", "ratio")]) for i in range(5)]
    header = ("figure", "Footnote", "reference", "", "ratio")
    say("  " + "  ".join(cell.ljust(w) if i in (0, 2) else cell.rjust(w) for i, (cell, w) in enumerate(zip(header, widths))))
    for entry in table:
        say("  " + "  ".join(cell.ljust(w) if i in (0, 2) else cell.rjust(w)
                             for i, (cell, w) in enumerate(zip(entry, widths))))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    say(f"\npeak RSS {results['meta']['peak_rss_mb']:.0f} MB; wall time {total:.0f} s ({', '.join(f'{k} {v:.0f} s' for k, v in laps.items())}); "
        f"figures written to {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
