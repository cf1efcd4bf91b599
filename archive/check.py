"""``footnote check``: is the archive sound?  And ``--repair``: fix what can be fixed, and say what was done.

Four checks, in order:

* the database: SQLite's ``PRAGMA integrity_check``, ``PRAGMA foreign_key_check``,
  and claims that point outside their article's text;
* fixity: every stored file is re-hashed and compared with the SHA-256 it is
  named by (the throughput is measured and reported);
* files against the catalog: files no catalog row names (orphans), files in the
  wrong place, what interrupted operations left behind;
* the search index against the catalog: every article, claim, note, document and
  page has its record, no record is left of a deleted item, statuses and titles
  are current.

Repairs: damaged SQLite indexes are rebuilt (``REINDEX``), a damaged database
is set aside and the newest good backup restored; a missing or damaged file is
re-linked from a copy with the right SHA-256 found in the archive (a file in the
wrong place, a ``recovered-files-…`` folder) or in folders the user names; orphans
and leftovers are removed (stray files Footnote did not write are moved to a
``recovered-files-…`` folder, never deleted); the index is rebuilt.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from archive import backups, recovery
from archive.clock import now
from archive.filestore import sha256_file
from archive.progress import CancelToken, Progress, ProgressFn, no_progress

if TYPE_CHECKING:
    from archive.store import Archive


@dataclass
class Problem:
    area: str  # database | files | catalog | index | leftovers
    message: str
    repaired: str | None = None  # what --repair did about it

    def as_json(self) -> dict[str, Any]:
        return {"area": self.area, "message": self.message, "repaired": self.repaired}


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    repair: bool = False
    database: str = "not checked"
    files: int = 0  # stored files in the catalog
    hashed_bytes: int = 0
    fixity_seconds: float = 0.0
    fixity: bool = True
    index_records: int = 0
    cancelled: bool = False
    notes: list[str] = field(default_factory=list)

    def add(self, area: str, message: str) -> Problem:
        problem = Problem(area, message)
        self.problems.append(problem)
        return problem

    @property
    def remaining(self) -> list[Problem]:
        return [p for p in self.problems if not p.repaired]

    @property
    def ok(self) -> bool:
        return not self.remaining and not self.cancelled

    @property
    def throughput_mb_s(self) -> float:
        return self.hashed_bytes / 1e6 / self.fixity_seconds if self.fixity_seconds > 0 else 0.0

    def lines(self) -> list[str]:
        out = [f"database: {self.database}"]
        if self.fixity:
            out.append(f"files: {self.files} checked against their SHA-256, {self.hashed_bytes / 1e6:.1f} MB in "
                       f"{self.fixity_seconds:.1f} s ({self.throughput_mb_s:.0f} MB/s)")
        else:
            out.append(f"files: {self.files} present (not re-hashed)")
        out.append(f"search index: {self.index_records} records")
        out.extend(f"note: {n}" for n in self.notes)
        for problem in self.problems:
            out.append(f"PROBLEM ({problem.area}): {problem.message}")
            if problem.repaired:
                out.append(f"  repaired: {problem.repaired}")
        if self.cancelled:
            out.append("cancelled: the check did not finish")
        elif not self.problems:
            out.append("the archive is sound")
        elif self.remaining:
            hint = "" if self.repair else ": footnote check --repair fixes what can be fixed"
            out.append(f"{len(self.remaining)} problem(s){' left' if self.repair else ''}{hint}")
        else:
            out.append(f"all {len(self.problems)} problem(s) repaired")
        return out

    def as_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "database": self.database, "files": self.files, "hashed_bytes": self.hashed_bytes,
                "fixity_seconds": round(self.fixity_seconds, 3), "throughput_mb_s": round(self.throughput_mb_s, 1),
                "index_records": self.index_records, "problems": [p.as_json() for p in self.problems],
                "notes": self.notes, "cancelled": self.cancelled}


def check_archive(archive: "Archive", *, repair: bool = False, fixity: bool = True,
                  search_folders: Iterable[Path] = (), progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> CheckReport:
    """Check the archive (and repair it when asked: that needs it open for writing)."""
    if repair:
        archive.require_writable()
    report = CheckReport(repair=repair, fixity=fixity)
    restored = _check_database(archive, report, repair)
    if report.database.startswith("unreadable"):
        return report
    try:
        _Files(archive, report, repair, restored, [Path(p) for p in search_folders]).run(fixity, progress, cancel)
        if not report.cancelled:
            _check_index(archive, report, repair)
    except sqlite3.DatabaseError as error:  # a damaged database that even the repair could not restore
        report.add("database", f"the rest of the check could not read the catalog ({error})")
    return report


# --- the database ---------------------------------------------------------------------------------


def _connect(archive: "Archive") -> sqlite3.Connection:
    if archive.read_only:
        flags = recovery.read_only_uri_flags(archive.layout)
        return sqlite3.connect(f"file:{archive.layout.database}?mode=ro{flags}", uri=True)
    return sqlite3.connect(archive.layout.database)


def _check_database(archive: "Archive", report: CheckReport, repair: bool) -> bool:
    """Returns whether a backup was restored."""
    layout = archive.layout
    try:
        db = _connect(archive)
        try:
            problems = backups.integrity_problems(db)
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        problems = [str(error)]
    restored = False
    report.database = "ok"
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        problem = report.add("database", f"SQLite integrity check failed: {problems[0]}{more}")
        report.database = "damaged"
        if repair and recovery._only_index_damage(problems) and recovery.repair_indexes(layout.database):
            problem.repaired = "rebuilt SQLite's indexes (REINDEX); no data was lost"
            report.database = "ok (repaired)"
        elif repair:
            try:
                problem.repaired = backups.restore_newest(layout, problems[0])
                archive.drop_connections()  # pooled ones still read the file that was set aside
            except backups.DatabaseDamaged as error:
                report.notes.append(str(error))
            else:
                report.database = "ok (restored from a backup)"
                restored = True
    try:
        _check_rows(archive, report)
    except sqlite3.DatabaseError as error:
        report.database = f"unreadable ({error})"
    return restored


def _check_rows(archive: "Archive", report: CheckReport) -> None:
    db = _connect(archive)
    try:
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            tables = sorted({row[0] for row in broken})
            report.add("catalog", f"{len(broken)} row(s) refer to rows that do not exist (in {', '.join(tables)})")
        outside = db.execute('SELECT count(*) FROM claim JOIN article ON article.id = claim.article_id '
                             'WHERE claim.start < 0 OR claim."end" < claim.start '
                             'OR claim."end" > length(article.text)').fetchone()[0]
        if outside:
            report.add("catalog", f"{outside} claim(s) point outside their article's text")
    finally:
        db.close()


# --- files ----------------------------------------------------------------------------------------


class _Files:
    def __init__(self, archive: "Archive", report: CheckReport, repair: bool, restored: bool,
                 search_folders: list[Path]) -> None:
        self.archive = archive
        self.layout = archive.layout
        self.report = report
        self.repair = repair
        self.restored = restored
        self.search_folders = search_folders
        self._candidates: dict[str, Path] | None = None
        self._aside: Path | None = None

    def run(self, fixity: bool, progress: ProgressFn, cancel: CancelToken | None) -> None:
        db = _connect(self.archive)
        try:
            rows = db.execute("SELECT sha256 FROM stored_file ORDER BY sha256").fetchall()
            owners = self._owners(db)
        finally:
            db.close()
        known = {row[0] for row in rows}
        self.report.files = len(rows)
        bad: list[tuple[str, str]] = []  # (sha256, "missing" | "damaged")
        total = len(rows)
        step = max(1, total // 200)
        for done, (sha256,) in enumerate(rows):
            if done % step == 0:
                progress(Progress(done, total, "checking files"))
                if cancel is not None and cancel.cancelled:
                    self.report.cancelled = True
                    return
            path = self.archive.files.path_for(sha256)
            if not path.is_file():
                bad.append((sha256, "missing"))
            elif fixity:
                started = time.perf_counter()
                try:
                    actual = sha256_file(path)
                except OSError:
                    actual = None
                self.report.fixity_seconds += time.perf_counter() - started
                self.report.hashed_bytes += path.stat().st_size
                if actual != sha256:
                    bad.append((sha256, "damaged"))
        progress(Progress(total, total, "checking files"))
        for sha256, what in bad:
            self._bad_file(sha256, what, owners.get(sha256, "no catalog item"))
        self._strays(known)
        self._leftovers()

    @staticmethod
    def _owners(db: sqlite3.Connection) -> dict[str, str]:
        owners: dict[str, str] = {}
        for sha, item_id, title in db.execute("SELECT file_sha256, id, title FROM article"):
            owners.setdefault(sha, f"article {item_id[:8]} \u201c{title}\u201d")
        for sha, item_id, title in db.execute("SELECT file_sha256, id, title FROM document"):
            owners.setdefault(sha, f"document {item_id[:8]} \u201c{title}\u201d")
        return owners

    def _bad_file(self, sha256: str, what: str, owner: str) -> None:
        if what == "missing":
            problem = self.report.add("files", f"the stored file of {owner} is missing ({sha256[:12]}…)")
        else:
            problem = self.report.add("files", f"the stored file of {owner} is damaged: its SHA-256 is no longer "
                                               f"{sha256[:12]}…")
        if not self.repair:
            return
        source = self.candidates().get(sha256)
        if source is None:
            self.report.notes.append(f"no copy of {sha256[:12]}… was found: import the original file again"
                                     + ("" if self.search_folders else ", or name a folder holding it with --search"))
            return
        target = self.archive.files.path_for(sha256)
        if what == "damaged":
            self._set_aside(target)
        _place(source, target, self.layout.staging, move=_inside(source, self.layout.root))
        problem.repaired = f"re-linked from {source}"

    def candidates(self) -> dict[str, Path]:
        """Files that might be a lost stored file, by SHA-256: misplaced ones, recovered ones, the user's folders."""
        if self._candidates is None:
            found: dict[str, Path] = {}
            paths = [p for p, sha in recovery.stored_paths(self.layout) if sha is None]
            for folder in sorted(self.layout.root.glob(f"{recovery.RECOVERED_PREFIX}*")) + self.search_folders:
                if folder.is_dir():
                    paths.extend(p for p in sorted(folder.rglob("*")) if p.is_file())
            for path in paths:
                try:
                    found.setdefault(sha256_file(path), path)
                except OSError:
                    continue
            self._candidates = found
        return self._candidates

    def _strays(self, known: set[str]) -> None:
        orphans, strays = [], []
        for path, sha in recovery.stored_paths(self.layout):
            if sha is None:
                strays.append(path)
            elif sha not in known:
                orphans.append(path)
        if orphans:
            problem = self.report.add("files", f"{len(orphans)} stored file(s) belong to nothing in the catalog "
                                               f"(left by an interrupted import or deletion)")
            if self.repair:
                if self.restored:
                    folder = recovery.move_aside(self.layout, orphans)
                    problem.repaired = (f"moved to {folder.name}: they were stored after the restored backup "
                                        f"(import them again to get them back)")
                else:
                    for path in orphans:
                        recovery.remove_path(path)
                    problem.repaired = f"removed {len(orphans)} orphan file(s)"
        strays = [p for p in strays if p.exists()]  # re-linking may have moved some into place
        if strays:
            problem = self.report.add("files", f"{len(strays)} file(s) in {self.layout.files} were not put there "
                                               f"by Footnote (or are in the wrong place)")
            if self.repair:
                duplicates = [p for p in strays if self._is_stored_copy(p)]
                for path in duplicates:
                    recovery.remove_path(path)
                rest = [p for p in strays if p not in duplicates]
                moved = f"; moved {len(rest)} to {recovery.move_aside(self.layout, rest).name}" if rest else ""
                problem.repaired = f"removed {len(duplicates)} copies of stored files{moved}"

    def _is_stored_copy(self, path: Path) -> bool:
        try:
            sha = sha256_file(path)
        except OSError:
            return False
        return self.archive.files.path_for(sha).is_file() and self.archive.files.path_for(sha) != path

    def _leftovers(self) -> None:
        found = recovery.leftovers(self.layout)
        if not found:
            return
        problem = self.report.add("leftovers", f"{len(found)} unfinished file(s) or folder(s) of interrupted "
                                               f"operations: {', '.join(p.name for p in found[:3])}"
                                               + (", …" if len(found) > 3 else ""))
        if self.repair:
            for path in found:
                recovery.remove_path(path)
            problem.repaired = f"removed {len(found)}"

    def _set_aside(self, path: Path) -> None:
        if self._aside is None:
            self._aside = self.layout.root / f"damaged-files-{now():%Y%m%dT%H%M%S}"
            self._aside.mkdir(exist_ok=True)
        os.replace(path, self._aside / path.name)


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except OSError:
        return False


def _place(source: Path, target: Path, staging: Path, *, move: bool) -> None:
    """Put a copy of ``source`` at ``target`` the way the file store does: staged, flushed, renamed, read-only."""
    staging.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    if move:
        os.chmod(source, 0o444)
        os.replace(source, target)
        return
    handle = tempfile.NamedTemporaryFile(dir=staging, delete=False)
    try:
        with handle, open(source, "rb") as original:
            while chunk := original.read(1 << 20):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o444)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


# --- the search index -----------------------------------------------------------------------------


def _check_index(archive: "Archive", report: CheckReport, repair: bool) -> None:
    index = archive.search_index
    state = index.state()
    if state.ok:
        problems = index_consistency(archive)
        report.index_records = _count(archive)
        if not problems:
            return
        problem = report.add("index", "the search index does not match the catalog: " + "; ".join(problems))
    else:
        problem = report.add("index", f"the search index is {state.reason}")
    if repair:
        count = index.rebuild(archive, keep_aside=not state.ok and state.reason != "missing")
        report.index_records = count
        problem.repaired = f"rebuilt the search index ({count} records)"


def _count(archive: "Archive") -> int:
    try:
        return archive.search_index.count()
    except Exception:
        return 0


def expected_records(archive: "Archive") -> dict[str, tuple[str | None, str | None]]:
    """Every index record the catalog calls for: key → (heading, status)."""
    from archive.search.records import PART_PASSAGES

    expected: dict[str, tuple[str | None, str | None]] = {}
    db = _connect(archive)
    try:
        titles = dict(db.execute("SELECT id, title FROM article"))
        for article_id, title in titles.items():
            expected[f"article:{article_id}"] = (title, None)
        for claim_id, article_id, status, user_status, note in db.execute(
                "SELECT id, article_id, status, user_status, note FROM claim"):
            effective = user_status or status
            expected[f"claim:{claim_id}"] = (titles.get(article_id), effective)
            if (note or "").strip():
                expected[f"note:{claim_id}"] = (titles.get(article_id), effective)
        documents = {row[0]: (row[1], row[2]) for row in db.execute(
            "SELECT id, title, text != '' FROM document")}
        pages: dict[str, list[tuple[int, bool]]] = defaultdict(list)
        for document_id, number, spans in db.execute('SELECT document_id, number, "end" > start FROM document_page'):
            pages[document_id].append((number, bool(spans)))
        passages = dict(db.execute("SELECT document_id, count(*) FROM passage GROUP BY document_id"))
    finally:
        db.close()
    for document_id, (title, has_text) in documents.items():
        expected[f"source:{document_id}"] = (title, None)
        if not has_text:
            continue
        if pages.get(document_id):
            for number, spans in pages[document_id]:
                if spans:
                    expected[f"page:{document_id}:{number}"] = (title, None)
        else:
            for part in range(math.ceil(passages.get(document_id, 0) / PART_PASSAGES)):
                expected[f"part:{document_id}:{part}"] = (title, None)
    return expected


def index_consistency(archive: "Archive") -> list[str]:
    """How the (usable) search index differs from the catalog; empty when it matches, or is not usable at all."""
    index = archive.search_index
    if not index.state().ok:
        return []  # missing, foreign or damaged: SearchIndex.ensure() rebuilds it
    expected = expected_records(archive)
    found: dict[str, tuple[str | None, str | None]] = {}
    duplicates = 0
    with index.searcher() as searcher:
        for fields in searcher.reader().all_stored_fields():
            key = fields.get("key")
            if key in found:
                duplicates += 1
            found[key] = (fields.get("heading") or None, fields.get("status") or None)
    problems = []
    missing = len(expected.keys() - found.keys())
    extra = len(found.keys() - expected.keys())
    stale = sum(1 for key in expected.keys() & found.keys()
                if tuple(value or None for value in expected[key]) != found[key])  # whoosh keeps no empty values
    if missing:
        problems.append(f"{missing} item(s) missing from the index")
    if extra:
        problems.append(f"{extra} record(s) of items no longer in the catalog")
    if stale:
        problems.append(f"{stale} record(s) out of date")
    if duplicates:
        problems.append(f"{duplicates} duplicate record(s)")
    return problems


def report_json(report: CheckReport) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False)
