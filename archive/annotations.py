"""A person's own work on claims: decisions, notes, tags; and removing articles and documents.

Each operation changes the catalog in one transaction, brings the search index
up to date, and returns what it changed, so a caller (the desktop's undo
stack, the command line) knows what to refresh and how to undo it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlmodel import select

from archive import clock
from archive.errors import FootnoteError, NotFound
from archive.models import Article, Claim, ClaimTag, Document, Link, StoredFile
from archive.store import Archive

USER_STATUSES = ("confirmed", "disputed", "rejected")
LINK_DECISIONS = ("confirmed", "rejected")


@dataclass(frozen=True)
class Changes:
    """What an operation touched: enough to refresh views and the index."""

    articles: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    before: dict = field(default_factory=dict)  # the previous values, for undo


def set_user_status(archive: Archive, claim_id: str, status: str | None) -> Changes:
    """Mark a claim confirmed, disputed or rejected (``None`` hands it back to verification)."""
    if status is not None and status not in USER_STATUSES:
        raise FootnoteError(f"a claim can be marked {', '.join(USER_STATUSES)}, not {status!r}")
    return _edit_claim(archive, claim_id, user_status=status)


def set_note(archive: Archive, claim_id: str, note: str) -> Changes:
    return _edit_claim(archive, claim_id, note=note.strip())


def set_tags(archive: Archive, claim_id: str, tags: list[str]) -> Changes:
    """Replace a claim's tags (trimmed, lowercase, no duplicates, no commas)."""
    clean = sorted({t.strip().lower().replace(",", " ") for t in tags if t.strip()})
    with archive.session() as session:
        claim = _claim(session, claim_id)
        before = sorted(t for t in session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim_id)))
        session.execute(delete(ClaimTag).where(ClaimTag.claim_id == claim_id))
        for tag in clean:
            session.add(ClaimTag(claim_id=claim_id, tag=tag))
        claim.updated_at = clock.now()
        session.add(claim)
        article_id = claim.article_id
    archive.reindex(articles=[article_id])
    return Changes(articles=(article_id,), before={"tags": before})


def decide_link(archive: Archive, link_id: str, decision: str | None) -> Changes:
    """Confirm or reject a link; a decided link is never replaced by verification."""
    if decision is not None and decision not in LINK_DECISIONS:
        raise FootnoteError(f"a link can be {' or '.join(LINK_DECISIONS)}, not {decision!r}")
    with archive.session() as session:
        link = session.get(Link, link_id)
        if link is None:
            raise NotFound(f"no link {link_id}")
        before = link.decision
        link.decision, link.updated_at = decision, clock.now()
        session.add(link)
        article_id = session.get(Claim, link.claim_id).article_id
    archive.reindex(articles=[article_id])
    return Changes(articles=(article_id,), before={"decision": before})


def delete_article(archive: Archive, article_id: str) -> Changes:
    """Remove an article with its claims and links; its file goes when nothing else uses it."""
    with archive.session() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFound(f"no article {article_id}")
        sha = article.file_sha256
        session.delete(article)
        session.flush()
        orphan = _drop_file_if_unused(session, sha)
    if orphan:
        archive.files.remove(sha)
    archive.reindex(removed=[article_id])
    return Changes(removed=(article_id,))


def delete_document(archive: Archive, document_id: str) -> Changes:
    """Remove a source document; entries it was attached to become open again."""
    from archive.models import SourceEntry

    with archive.session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"no document {document_id}")
        articles = tuple(session.exec(select(SourceEntry.article_id).where(
            SourceEntry.document_id == document_id)).all())
        sha = document.file_sha256
        session.delete(document)
        session.flush()
        orphan = _drop_file_if_unused(session, sha)
    if orphan:
        archive.files.remove(sha)
    if articles:
        from archive.verify import verify_articles

        verify_articles(archive, articles, reindex=False)
    archive.reindex(articles=articles, removed=[document_id])
    return Changes(articles=articles, removed=(document_id,))


def _edit_claim(archive: Archive, claim_id: str, **values: object) -> Changes:
    with archive.session() as session:
        claim = _claim(session, claim_id)
        before = {name: getattr(claim, name) for name in values}
        for name, value in values.items():
            setattr(claim, name, value)
        claim.updated_at = clock.now()
        session.add(claim)
        article_id = claim.article_id
    archive.reindex(articles=[article_id])
    return Changes(articles=(article_id,), before=before)


def _claim(session, claim_id: str) -> Claim:
    claim = session.get(Claim, claim_id)
    if claim is None:
        raise NotFound(f"no claim {claim_id}")
    return claim


def _drop_file_if_unused(session, sha256: str) -> bool:
    used = session.exec(select(Article.id).where(Article.file_sha256 == sha256)).first() or \
        session.exec(select(Document.id).where(Document.file_sha256 == sha256)).first()
    if used:
        return False
    stored = session.get(StoredFile, sha256)
    if stored is not None:
        session.delete(stored)
    return True
