"""Importing files into an archive, one by one, in a batch that never stops on a bad file.

Each file is read, hashed, parsed, stored under its SHA-256 and written to the
catalog in one transaction.  If the catalog write fails, a file stored by this
import is removed again, so nothing half-imported remains.  The same content
imported twice is a no-op that says which article already holds it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import insert
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select

from archive import clock, recovery
from archive.attach import Ambiguity, Attachment, auto_attach
from archive.digest import ParsedArticle, parse_article
from archive.documents import write_document
from archive.errors import Cancelled, FootnoteError, ImportFailed
from archive.extract import SUFFIX_KINDS, ExtractedDocument, Extraction, Kind
from archive.extract.sandbox import ExtractionPool, Task
from archive.filestore import sha256_bytes
from archive.textcodec import decode_text
from archive.verify import VerifyReport, verify_articles
from archive.models import (
    Article,
    ArticleSection,
    Citation,
    Claim,
    ClaimStatus,
    CrossReference,
    Document,
    ImportWarning,
    SourceEntry,
    StoredFile,
    new_id,
)
from archive.progress import CancelToken, Progress, ProgressFn, no_progress
from archive.store import Archive

log = logging.getLogger(__name__)

MEDIA_TYPES = {Kind.TEXT: "text/plain", Kind.MARKDOWN: "text/markdown", Kind.HTML: "text/html",
               Kind.PDF: "application/pdf"}


class Outcome(StrEnum):
    IMPORTED = "imported"
    KEPT = "kept"  # stored, but its text could not be read (the reason says why)
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"  # found in a folder, of a type Footnote does not import
    FAILED = "failed"


class Role(StrEnum):
    ARTICLE = "article"
    SOURCE = "source"
    BUNDLE = "bundle"  # a .zip made by footnote export


@dataclass(frozen=True)
class FileResult:
    path: Path
    outcome: Outcome
    message: str
    article_id: str | None = None
    warnings: tuple[str, ...] = ()
    document_id: str | None = None

    @property
    def disk_full(self) -> bool:
        """Not imported for lack of disk space (the message says ``disk full: …``)."""
        return self.outcome is Outcome.FAILED and self.message.startswith("disk full:")


def _failed(archive: Archive, path: Path, error: BaseException, message: str) -> FileResult:
    """A file that could not be imported: ``message``, or ``disk full: …`` when that is what ``error`` means
    (the same words on the command line and in the desktop, never SQLite's or the OS's raw text)."""
    if recovery.means_disk_full(error, archive.root):
        return FileResult(path, Outcome.FAILED, recovery.disk_full_import_message(error, archive.root))
    return FileResult(path, Outcome.FAILED, message)


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)
    attached: list[Attachment] = field(default_factory=list)
    ambiguous: list[Ambiguity] = field(default_factory=list)
    verification: VerifyReport | None = None
    bundles: list = field(default_factory=list)  # MergeReport of each bundle imported
    cancelled: bool = False

    def of(self, outcome: Outcome) -> list[FileResult]:
        return [result for result in self.results if result.outcome is outcome]

    @property
    def failed(self) -> list[FileResult]:
        return self.of(Outcome.FAILED)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the files inside folders (recursively, sorted, hidden ones skipped)."""
    return [path for path, _ in _expand(paths)]


def _expand(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """``(file, found_in_a_folder)`` for every file to consider."""
    files: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                (p, True) for p in sorted(p for p in path.rglob("*") if p.is_file() and not any(
                    part.startswith(".") for part in p.relative_to(path).parts)))
        else:
            files.append((path, False))
    return files


def classify(path: Path, as_role: Role | None = None) -> tuple[Role, Kind]:
    """Digests, text and Markdown are articles; PDFs and web pages are sources; ``as_role`` overrides."""
    suffix = path.suffix.lower()
    kind = SUFFIX_KINDS.get(suffix)
    if kind is None:
        if suffix == ".zip":
            return Role.BUNDLE, Kind.TEXT
        if suffix:
            raise ImportFailed(f"{path.name}: files of type {path.suffix} are not supported "
                               "(Footnote imports .txt, .md, .pdf and .html)")
        kind = Kind.TEXT
    if kind is Kind.PDF:
        if as_role is Role.ARTICLE:
            raise ImportFailed(f"{path.name}: a PDF can only be a source document")
        return Role.SOURCE, kind
    if kind is Kind.HTML:
        return as_role or Role.SOURCE, kind
    return as_role or Role.ARTICLE, kind


def import_paths(
    archive: Archive,
    paths: Iterable[Path],
    *,
    as_role: Role | None = None,
    password: str | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    pool: ExtractionPool | None = None,
    verify: bool = True,
) -> ImportReport:
    """Import every file under ``paths``, attach sources, verify what changed.

    A failing file is reported and the batch goes on.  Articles are parsed here;
    source documents are extracted in sandboxed workers, several at once.
    Cancelling stops between files: what was imported stays, nothing is
    half-done.
    """
    archive.require_writable()
    found = _expand(Path(p) for p in paths)
    report = ImportReport()
    files = []
    for path, in_folder in found:
        if in_folder and path.suffix.lower() not in SUFFIX_KINDS:
            report.results.append(FileResult(path, Outcome.SKIPPED, f"{path.suffix or 'no'} files are not imported"))
        else:
            files.append(path)
    own_pool = pool is None
    pool = pool or ExtractionPool(os.cpu_count() or 1)  # workers start only when needed; long PDFs use all
    try:
        return _import_files(archive, files, as_role, password, progress, cancel, pool, own_pool, verify, report)
    finally:
        if own_pool:
            pool.close()


def _import_files(archive: Archive, files: list[Path], as_role: Role | None, password: str | None,
                  progress: ProgressFn, cancel: CancelToken | None, pool: ExtractionPool, own_pool: bool,
                  verify: bool, report: ImportReport) -> ImportReport:
    total = len(files)
    sources: list[_PendingSource] = []
    new_articles: list[str] = []
    done = 0
    for path in files:
        progress(Progress(done, total, path.name))
        if cancel is not None and cancel.cancelled:
            report.cancelled = True
            break
        try:
            role, kind = classify(path, as_role)
            if role is Role.BUNDLE:
                result = _import_bundle(archive, path, report, progress, cancel)
                report.results.append(result)
                done += 1
                continue
            if role is Role.SOURCE:
                if not sources:  # start the readers while this file and the next ones are stored
                    pool.start(total - done)
                pending = _prepare_source(archive, path, kind, password)
                if isinstance(pending, FileResult):
                    report.results.append(pending)
                    done += 1
                else:
                    sources.append(pending)
                continue
            result = import_file(archive, path, kind)
        except ImportFailed as error:
            result = FileResult(path, Outcome.FAILED, str(error))
        except OSError as error:  # reading it, or storing it (a full disk)
            result = _failed(archive, path, error, f"cannot read {path.name}: {error.strerror or error}")
        report.results.append(result)
        if result.outcome is Outcome.IMPORTED and result.article_id:
            new_articles.append(result.article_id)
        done += 1
    # Documents go into the search index as they are written, while the workers read the next ones.
    batch = archive.search_index.begin_batch(archive) if sources else None
    changed = list(new_articles)
    try:
        new_documents = _extract_sources(archive, sources, report, password, progress, cancel, pool, done, total,
                                         indexed=batch.add if batch is not None else None)
        if own_pool:
            pool.close()  # its workers are done: free their memory before verifying and indexing
        if new_documents or new_articles:
            with archive.session() as session:
                report.attached, report.ambiguous = auto_attach(
                    session, documents=[d for d, _ in new_documents], articles=new_articles)
                changed += [a.article_id for a in report.attached]
                changed += _articles_citing(session, [d for d, reextracted in new_documents if reextracted])
        if verify and changed and not report.cancelled:
            report.verification = verify_articles(archive, changed, progress=progress, cancel=cancel,
                                                  reindex=False)
    finally:
        if batch is not None:  # also when something failed: what was written is in the catalog
            batch.finish(articles=changed)
    if batch is None:
        archive.reindex(articles=changed, documents=[d for d, _ in new_documents])
    progress(Progress(total, total, ""))
    return report


@dataclass
class _PendingSource:
    path: Path
    kind: Kind
    sha256: str
    size: int
    created: bool  # this import stored the file (remove it if extraction never lands)
    document_id: str | None  # set when re-extracting a document already in the archive


def _prepare_source(archive: Archive, path: Path, kind: Kind, password: str | None) -> "_PendingSource | FileResult":
    data = path.read_bytes()
    sha256 = sha256_bytes(data)
    with archive.session() as session:
        existing = session.exec(select(Document).where(Document.file_sha256 == sha256)).first()
    if existing is not None:
        if password and existing.status == Extraction.PASSWORD.value:
            return _PendingSource(path, kind, sha256, len(data), False, existing.id)
        return FileResult(path, Outcome.DUPLICATE,
                          f"already in the archive as document {existing.id[:8]} \u201c{existing.title}\u201d",
                          document_id=existing.id)
    blob = archive.files.put_bytes(data, sha256)
    return _PendingSource(path, kind, sha256, len(data), blob.created, None)


def _extract_sources(archive: Archive, sources: list[_PendingSource], report: ImportReport, password: str | None,
                     progress: ProgressFn, cancel: CancelToken | None, pool: ExtractionPool,
                     done: int, total: int, indexed: Callable[..., None] | None = None) -> list[tuple[str, bool]]:
    """Extract in the sandbox and write each document as it comes back; returns (id, re-extracted).

    ``indexed(documents=[id])`` is called for each document written (to index it at once)."""
    if not sources:
        return []
    by_path = {archive.files.path_for(s.sha256): s for s in sources}
    tasks = [Task(archive.files.path_for(s.sha256), s.kind, password) for s in sources]
    written: list[tuple[str, bool]] = []
    finished: set[Path] = set()
    try:
        for task, extracted in pool.extract(tasks, cancel):
            source = by_path[task.path]
            finished.add(task.path)
            done += 1
            progress(Progress(done, total, source.path.name))
            count = len(written)
            report.results.append(_write_source(archive, source, extracted, written))
            if indexed is not None and len(written) > count:
                indexed(documents=[written[-1][0]])
    finally:
        for path, source in by_path.items():
            if path not in finished and source.created:
                archive.files.remove(source.sha256)  # cancelled before extraction: leave nothing behind
    if len(finished) < len(by_path):
        report.cancelled = True
    return written


def _write_source(archive: Archive, source: _PendingSource, extracted: ExtractedDocument,
                  written: list[tuple[str, bool]]) -> FileResult:
    media_type = MEDIA_TYPES.get(source.kind, "application/octet-stream")
    if extracted.title == source.sha256:  # extracted from the stored copy: its name is its hash
        extracted.title = source.path.stem
    try:
        with archive.session() as session:
            document_id = write_document(session, extracted, sha256=source.sha256, size=source.size,
                                         media_type=media_type, name=source.path.name,
                                         document_id=source.document_id)
    except Exception as error:
        if source.created:
            archive.files.remove(source.sha256)
        if recovery.means_disk_full(error, archive.root):
            log.warning("could not write document %s: disk full (%s)", source.path, error)
        else:
            log.exception("could not write document %s", source.path)
        return _failed(archive, source.path, error, f"could not store {source.path.name}: {error!r}")
    written.append((document_id, source.document_id is not None))
    title = f"document {document_id[:8]} \u201c{extracted.title}\u201d"
    if extracted.status in (Extraction.OK, Extraction.PARTIAL):
        pages = f"{len(extracted.pages)} page{'s' if len(extracted.pages) != 1 else ''}, " if extracted.pages else ""
        message = f"{title}: {pages}{len(extracted.passages)} passages"
        warnings = (extracted.reason,) if extracted.status is Extraction.PARTIAL else ()
        return FileResult(source.path, Outcome.IMPORTED, message, warnings=warnings, document_id=document_id)
    return FileResult(source.path, Outcome.KEPT, f"{title} kept without text: {extracted.reason}",
                      document_id=document_id)


def _import_bundle(archive: Archive, path: Path, report: ImportReport, progress: ProgressFn,
                   cancel: CancelToken | None) -> FileResult:
    from archive.bundles.merge import import_bundle

    try:
        merged = import_bundle(archive, path, progress=progress, cancel=cancel)
    except FootnoteError as error:
        return FileResult(path, Outcome.FAILED, str(error))
    except (OSError, sqlite3.Error, SQLAlchemyError) as error:
        if not recovery.means_disk_full(error, archive.root):
            raise
        return _failed(archive, path, error, "")
    report.bundles.append(merged)
    return FileResult(path, Outcome.IMPORTED, f"bundle {merged.bundle_id[:8]}: {merged.summary()}",
                      warnings=tuple(merged.conflicts))


def _articles_citing(session, document_ids: list[str]) -> list[str]:
    if not document_ids:
        return []
    return list(session.exec(select(SourceEntry.article_id).where(
        col(SourceEntry.document_id).in_(document_ids))).all())


def import_file(archive: Archive, path: Path, kind: Kind = Kind.TEXT) -> FileResult:
    """Import one article file and say what happened; never raises for a bad file."""
    try:
        return _import_article(archive, path, kind)
    except (Cancelled, KeyboardInterrupt):
        raise
    except FootnoteError as error:
        return FileResult(path, Outcome.FAILED, str(error))
    except OSError as error:
        return _failed(archive, path, error, f"cannot read {path.name}: {error.strerror or error}")
    except Exception as error:  # a bug: keep the batch going, log the traceback (a full disk is no bug)
        if recovery.means_disk_full(error, archive.root):
            return _failed(archive, path, error, "")
        log.exception("unexpected error importing %s", path)
        return FileResult(path, Outcome.FAILED, f"unexpected error importing {path.name}: {error!r}")


def _article_text(path: Path, kind: Kind, data: bytes) -> str:
    if kind is Kind.HTML:
        from archive.extract.sandbox import ExtractionPool as _Pool

        with _Pool(1) as pool:
            [(_, extracted)] = list(pool.run([Task(path, Kind.HTML)]))
        if extracted.status is not Extraction.OK:
            raise ImportFailed(f"{path.name}: {extracted.reason}")
        return f"{extracted.title}\n\n{extracted.text}"
    return decode_text(data, path.name)


def _import_article(archive: Archive, path: Path, kind: Kind) -> FileResult:
    data = path.read_bytes()
    sha256 = sha256_bytes(data)
    with archive.session() as session:
        existing = session.exec(select(Article).where(Article.file_sha256 == sha256)).first()
    if existing is not None:
        return FileResult(path, Outcome.DUPLICATE,
                          f"already in the archive as article {existing.id[:8]} \u201c{existing.title}\u201d",
                          article_id=existing.id)
    text = _article_text(path, kind, data)
    parsed = parse_article(text, filename=path.name, markdown=kind is Kind.MARKDOWN)
    blob = archive.files.put_bytes(data, sha256)
    try:
        article_id = _write_article(archive, parsed, sha256, len(data), MEDIA_TYPES[kind], path.name)
    except BaseException:
        if blob.created:
            archive.files.remove(sha256)
        raise
    claims = len(parsed.claims)
    message = f"article {article_id[:8]} \u201c{parsed.title}\u201d: {claims} claim{'s' if claims != 1 else ''}"
    if parsed.warnings:
        message += f", {len(parsed.warnings)} warning{'s' if len(parsed.warnings) != 1 else ''}"
    return FileResult(path, Outcome.IMPORTED, message, article_id=article_id, warnings=tuple(parsed.warnings))


def _write_article(archive: Archive, parsed: ParsedArticle, sha256: str, size: int,
                   media_type: str, name: str) -> str:
    """Write the article and everything parsed from it in one transaction."""
    now = clock.now()
    article_id = new_id()
    cited = parsed.cited_sources
    with archive.session() as session:
        if session.get(StoredFile, sha256) is None:
            session.add(StoredFile(sha256=sha256, size=size, media_type=media_type, original_name=name, added_at=now))
            session.flush()  # no ORM relationship tells the unit of work to write the file row first
        session.add(Article(
            id=article_id, file_sha256=sha256, format=parsed.format, title=parsed.title,
            summary=parsed.summary, published=parsed.published, category=parsed.category,
            text=parsed.text, imported_at=now,
        ))
        session.flush()
        rows = [
            (ArticleSection, [dict(article_id=article_id, position=i, title=s.title, start=s.start)
                              for i, s in enumerate(parsed.sections)]),
            (CrossReference, [dict(article_id=article_id, position=i, title=t)
                              for i, t in enumerate(parsed.cross_references)]),
            (ImportWarning, [dict(article_id=article_id, position=i, message=m)
                             for i, m in enumerate(parsed.warnings)]),
            (SourceEntry, [dict(article_id=article_id, number=s.number, title=s.title, publisher=s.publisher,
                                cited=s.number in cited) for s in parsed.sources]),
        ]
        claim_rows, citation_rows = [], []
        for position, claim in enumerate(parsed.claims):
            claim_id = new_id()
            claim_rows.append(dict(id=claim_id, article_id=article_id, position=position, text=claim.text,
                                   start=claim.start, end=claim.end, status=ClaimStatus.NO_SOURCE.value,
                                   origin="marker", created_at=now, updated_at=now))
            citation_rows.extend(dict(claim_id=claim_id, position=i, source_number=c.source,
                                      sentences=list(c.sentences)) for i, c in enumerate(claim.citations))
        rows += [(Claim, claim_rows), (Citation, citation_rows)]
        for model, values in rows:
            if values:  # bulk insert: the ORM's unit of work is ten times slower here
                session.execute(insert(model), values)
    return article_id
