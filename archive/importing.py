"""Importing files into an archive, one by one, in a batch that never stops on a bad file.

Each file is read, hashed, parsed, stored under its SHA-256 and written to the
catalog in one transaction.  If the catalog write fails, a file stored by this
import is removed again, so nothing half-imported remains.  The same content
imported twice is a no-op that says which article already holds it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Iterable

from sqlalchemy import insert
from sqlmodel import select

from archive import clock
from archive.digest import ParsedArticle, parse_article
from archive.errors import Cancelled, FootnoteError, ImportFailed
from archive.filestore import sha256_bytes
from archive.models import (
    Article,
    ArticleSection,
    Citation,
    Claim,
    ClaimStatus,
    CrossReference,
    ImportWarning,
    SourceEntry,
    StoredFile,
    new_id,
)
from archive.progress import CancelToken, Progress, ProgressFn, no_progress
from archive.store import Archive

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = {".txt": "text/plain", ".text": "text/plain", ".md": "text/markdown", ".markdown": "text/markdown"}


class Outcome(StrEnum):
    IMPORTED = "imported"
    DUPLICATE = "duplicate"
    FAILED = "failed"


@dataclass(frozen=True)
class FileResult:
    path: Path
    outcome: Outcome
    message: str
    article_id: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class ImportReport:
    results: list[FileResult] = field(default_factory=list)
    cancelled: bool = False

    def of(self, outcome: Outcome) -> list[FileResult]:
        return [result for result in self.results if result.outcome is outcome]

    @property
    def failed(self) -> list[FileResult]:
        return self.of(Outcome.FAILED)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and the files inside folders (recursively, sorted, hidden ones skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and not any(
                    part.startswith(".") for part in p.relative_to(path).parts))
            )
        else:
            files.append(path)
    return files


def import_paths(
    archive: Archive,
    paths: Iterable[Path],
    *,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> ImportReport:
    """Import every file under ``paths``; a failing file is reported and the batch goes on.

    Cancelling stops between files: what was imported stays, nothing is half-done.
    """
    archive.require_writable()
    files = expand_paths(Path(p) for p in paths)
    report = ImportReport()
    for done, path in enumerate(files):
        progress(Progress(done, len(files), path.name))
        if cancel is not None and cancel.cancelled:
            report.cancelled = True
            break
        report.results.append(import_file(archive, path))
    progress(Progress(len(report.results), len(files), ""))
    return report


def import_file(archive: Archive, path: Path) -> FileResult:
    """Import one file and say what happened; never raises for a bad file."""
    try:
        return _import_article(archive, path)
    except (Cancelled, KeyboardInterrupt):
        raise
    except FootnoteError as error:
        return FileResult(path, Outcome.FAILED, str(error))
    except OSError as error:
        return FileResult(path, Outcome.FAILED, f"cannot read {path.name}: {error.strerror or error}")
    except Exception as error:  # a bug: keep the batch going, log the traceback
        log.exception("unexpected error importing %s", path)
        return FileResult(path, Outcome.FAILED, f"unexpected error importing {path.name}: {error!r}")


def _media_type(path: Path) -> str:
    media_type = ARTICLE_SUFFIXES.get(path.suffix.lower())
    if media_type is None:
        if path.suffix:
            raise ImportFailed(f"{path.name}: files of type {path.suffix} are not supported "
                               "(Footnote imports .txt and .md articles)")
        media_type = "text/plain"  # no suffix: try it as text
    return media_type


def _import_article(archive: Archive, path: Path) -> FileResult:
    from archive.textcodec import decode_text

    media_type = _media_type(path)
    data = path.read_bytes()
    sha256 = sha256_bytes(data)
    with archive.session() as session:
        existing = session.exec(select(Article).where(Article.file_sha256 == sha256)).first()
    if existing is not None:
        return FileResult(path, Outcome.DUPLICATE,
                          f"already in the archive as article {existing.id[:8]} \u201c{existing.title}\u201d",
                          article_id=existing.id)
    text = decode_text(data, path.name)
    parsed = parse_article(text, filename=path.name, markdown=media_type == "text/markdown")
    blob = archive.files.put_bytes(data, sha256)
    try:
        article_id = _write_article(archive, parsed, sha256, len(data), media_type, path.name)
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
