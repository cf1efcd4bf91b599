"""Verification: for every claim, look for its text in the documents of the sources it cites.

Matching is done outside any write transaction (it is the slow part); the
results of one article are then written in one short transaction: automatic
links replaced, statuses updated.  Links a person made or decided on are never
touched, and a person's own claim status (``user_status``) is kept apart from
the automatic one, so re-verification never overwrites a human decision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import delete, insert, update
from sqlmodel import Session, col, select

from archive import clock
from archive.documents import READABLE, PageLocator, page_locator
from archive.matching import DocumentMatcher, Verdict
from archive.models import Citation, Claim, ClaimStatus, Document, Link, LinkOrigin, Passage, SourceEntry, new_id
from archive.progress import CancelToken, Progress, ProgressFn, no_progress
from archive.store import Archive
from archive.textnorm import normalize_text

CONTEXT_CHARS = 32  # TextQuoteSelector prefix and suffix
_RANK = {Verdict.VERIFIED: 3, Verdict.PARTIAL: 2, Verdict.NOT_FOUND: 1}


@dataclass
class PreparedDocument:
    """A document ready for matching many claims (built once per verification run)."""

    document: Document
    matcher: DocumentMatcher
    hint_offset: int  # 1 when the first passage is the title: sentence numbers count from the body
    locator: PageLocator | None = None


@dataclass
class ArticleVerification:
    article_id: str
    statuses: Counter = field(default_factory=Counter)


@dataclass
class VerifyReport:
    articles: list[ArticleVerification] = field(default_factory=list)
    cancelled: bool = False


def verify_articles(archive: Archive, article_ids: Iterable[str], *, progress: ProgressFn = no_progress,
                    cancel: CancelToken | None = None, reindex: bool = True) -> VerifyReport:
    """Verify the claims of these articles; statuses and links are updated, and the search index."""
    archive.require_writable()
    ids = list(dict.fromkeys(article_ids))
    prepared: dict[str, PreparedDocument | None] = {}
    report = VerifyReport()
    for done, article_id in enumerate(ids):
        progress(Progress(done, len(ids), "verifying"))
        if cancel is not None and cancel.cancelled:
            report.cancelled = True
            break
        report.articles.append(_verify_article(archive, article_id, prepared))
    progress(Progress(len(report.articles), len(ids), ""))
    if reindex:
        archive.reindex(articles=[a.article_id for a in report.articles])
    return report


def _nothing_attached(session: Session, article_id: str, result: ArticleVerification, now) -> ArticleVerification:
    """No cited source has a document: every claim is "no source" (one statement, not one per claim)."""
    from sqlalchemy import func

    article_claims = select(Claim.id).where(Claim.article_id == article_id)
    session.execute(delete(Link).where(col(Link.claim_id).in_(article_claims), Link.origin == LinkOrigin.AUTO.value,
                                       col(Link.decision).is_(None)))
    session.execute(update(Claim).where(Claim.article_id == article_id,
                                        Claim.status != ClaimStatus.NO_SOURCE.value)
                    .values(status=ClaimStatus.NO_SOURCE.value, updated_at=now))
    count = session.exec(select(func.count()).select_from(Claim).where(Claim.article_id == article_id)).one()
    if count:
        result.statuses[ClaimStatus.NO_SOURCE.value] = count
    return result


def _prepare(session: Session, document_id: str) -> PreparedDocument | None:
    document = session.get(Document, document_id)
    if document is None or document.status not in READABLE or not document.text.strip():
        return None
    spans = session.exec(select(Passage.start, Passage.end).where(Passage.document_id == document_id)
                         .order_by(Passage.position)).all()
    spans = [(start, end) for start, end in spans]
    offset = 0
    if spans and normalize_text(document.text[spans[0][0]:spans[0][1]]) == normalize_text(document.title):
        offset = 1
    return PreparedDocument(document, DocumentMatcher(document.text, spans), offset)


def _verify_article(archive: Archive, article_id: str, prepared: dict[str, PreparedDocument | None]
                    ) -> ArticleVerification:
    result = ArticleVerification(article_id)
    now = clock.now()
    with archive.session() as session:
        entries = {e.number: e.document_id for e in session.exec(
            select(SourceEntry).where(SourceEntry.article_id == article_id))}
        if not any(entries.values()):
            return _nothing_attached(session, article_id, result, now)
        claims = session.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)).all()
        citations: dict[str, list[Citation]] = {}
        for citation in session.exec(select(Citation).join(Claim).where(Claim.article_id == article_id)
                                     .order_by(Citation.position)):
            citations.setdefault(citation.claim_id, []).append(citation)
        kept = {(link.claim_id, link.document_id) for link in session.exec(
            select(Link).join(Claim).where(Claim.article_id == article_id)
            .where((Link.origin == LinkOrigin.USER.value) | col(Link.decision).is_not(None)))}
        for document_id in {d for d in entries.values() if d} - set(prepared):
            prepared[document_id] = _prepare(session, document_id)
        new_links: list[dict] = []
        statuses: dict[str, str] = {}
        for claim in claims:
            best: Verdict | None = None
            for citation in citations.get(claim.id, []):
                document_id = entries.get(citation.source_number)
                target = prepared.get(document_id) if document_id else None
                if target is None:
                    continue
                hint = [n + target.hint_offset for n in citation.sentences]
                match = target.matcher.match(claim.text, hint)
                if best is None or _RANK[match.verdict] > _RANK[best]:
                    best = match.verdict
                if match.verdict is Verdict.NOT_FOUND or (claim.id, document_id) in kept:
                    continue
                if target.locator is None:
                    target.locator = page_locator(session, document_id)
                text = target.document.text
                new_links.append(dict(
                    id=new_id(), claim_id=claim.id, document_id=document_id, source_number=citation.source_number,
                    page=target.locator.page_of(match.start), start=match.start, end=match.end,
                    exact=text[match.start:match.end], prefix=text[max(0, match.start - CONTEXT_CHARS):match.start],
                    suffix=text[match.end:match.end + CONTEXT_CHARS], rects=target.locator.rects(match.start, match.end),
                    score=match.score, coverage=match.coverage, verdict=match.verdict.value, reason=match.reason,
                    origin=LinkOrigin.AUTO.value, relation="supports", decision=None, created_at=now, updated_at=now))
            statuses[claim.id] = best.value if best is not None else ClaimStatus.NO_SOURCE.value
            result.statuses[statuses[claim.id]] += 1
        article_claims = select(Claim.id).where(Claim.article_id == article_id)  # a subquery: no variable limit
        session.execute(delete(Link).where(col(Link.claim_id).in_(article_claims), Link.origin == LinkOrigin.AUTO.value,
                                           col(Link.decision).is_(None)))
        if new_links:
            session.execute(insert(Link), new_links)
        changed = [{"id": claim.id, "status": statuses[claim.id], "updated_at": now}
                   for claim in claims if claim.status != statuses[claim.id]]
        if changed:  # one executemany by primary key (a statement per claim re-checked every loaded claim)
            session.execute(update(Claim), changed)
    return result
