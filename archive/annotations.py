"""A person's own work on claims: decisions, notes, tags; and removing articles and documents.

Each operation changes the catalog in one transaction, brings the search index
up to date, and returns what it changed, so a caller (the desktop's undo
stack, the command line) knows what to refresh and how to undo it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import delete
from sqlmodel import select

from archive import clock
from archive.errors import FootnoteError, NotFound
from archive.models import Article, Claim, ClaimTag, CollectionItem, Document, Link, StoredFile
from archive.store import Archive

USER_STATUSES = ("confirmed", "disputed", "rejected")
LINK_DECISIONS = ("confirmed", "rejected")
RELATIONS = ("supports", "contradicts", "context")


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


def trim(text: str) -> str:
    """``text`` without whitespace, control and invisible format characters at either end.

    Format characters (a byte-order mark, direction marks, zero-width spaces) cannot be seen, and Qt drops a
    leading byte-order mark from any string it is given: kept at an edge, a note or tag would come back from
    the editor different from what is stored, and be saved again.
    """
    start, end = 0, len(text)
    while start < end and _edge_junk(text[start]):
        start += 1
    while end > start and _edge_junk(text[end - 1]):
        end -= 1
    return text[start:end]


def _edge_junk(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in ("Cc", "Cf")


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags as they are kept: trimmed, lowercase, no commas, each once, sorted."""
    return sorted({tag for tag in (trim(t.lower().replace(",", " ")) for t in tags) if tag})


def set_note(archive: Archive, claim_id: str, note: str) -> Changes:
    return _edit_claim(archive, claim_id, note=trim(note))


def set_tags(archive: Archive, claim_id: str, tags: list[str]) -> Changes:
    """Replace a claim's tags (see :func:`clean_tags`)."""
    clean = clean_tags(tags)
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


def create_claim(archive: Archive, article_id: str, start: int, end: int) -> tuple[str, Changes]:
    """Make the span ``start:end`` of an article's text a claim of the reader's own."""
    with archive.session() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFound(f"no article {article_id}")
        raw = article.text[start:end] if 0 <= start < end <= len(article.text) else ""
        if not raw.strip():
            raise FootnoteError("select some text of the article to make it a claim")
        start += len(raw) - len(raw.lstrip())
        end -= len(raw) - len(raw.rstrip())
        overlapping = session.exec(select(Claim).where(Claim.article_id == article_id, Claim.start < end,
                                                       Claim.end > start)).first()
        if overlapping is not None:
            raise FootnoteError("the selection overlaps a claim already: select text outside it")
        position = len(session.exec(select(Claim.id).where(Claim.article_id == article_id, Claim.start < start)
                                    ).all())
        for later in session.exec(select(Claim).where(Claim.article_id == article_id,
                                                      Claim.position >= position)):
            later.position += 1
            session.add(later)
        now = clock.now()
        claim = Claim(article_id=article_id, position=position, text=article.text[start:end], start=start,
                      end=end, origin="user", created_at=now, updated_at=now)
        session.add(claim)
        claim_id = claim.id
    archive.reindex(articles=[article_id])
    return claim_id, Changes(articles=(article_id,))


def delete_claim(archive: Archive, claim_id: str) -> Changes:
    """Remove a claim with its links, tags and citations; ``before`` holds all of it for undo."""
    from archive.models import Citation

    with archive.session() as session:
        claim = _claim(session, claim_id)
        snapshot = {
            "claim": claim.model_dump(),
            "citations": [c.model_dump() for c in session.exec(select(Citation).where(Citation.claim_id == claim_id))],
            "links": [link.model_dump() for link in session.exec(select(Link).where(Link.claim_id == claim_id))],
            "tags": list(session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim_id))),
        }
        article_id = claim.article_id
        session.delete(claim)
        session.flush()
        for later in session.exec(select(Claim).where(Claim.article_id == article_id,
                                                      Claim.position > snapshot["claim"]["position"])):
            later.position -= 1
            session.add(later)
    archive.reindex(articles=[article_id])
    return Changes(articles=(article_id,), before=snapshot)


def restore_claim(archive: Archive, snapshot: dict) -> Changes:
    """Put back a claim removed by :func:`delete_claim` (undo), with the same id."""
    from archive.models import Citation

    data = snapshot["claim"]
    with archive.session() as session:
        for later in session.exec(select(Claim).where(Claim.article_id == data["article_id"],
                                                      Claim.position >= data["position"])):
            later.position += 1
            session.add(later)
        session.add(Claim(**data))
        session.flush()
        for citation in snapshot["citations"]:
            session.add(Citation(**{k: v for k, v in citation.items() if k != "id"}))
        for link in snapshot["links"]:
            session.add(Link(**link))
        for tag in snapshot["tags"]:
            session.add(ClaimTag(claim_id=data["id"], tag=tag))
    archive.reindex(articles=[data["article_id"]])
    return Changes(articles=(data["article_id"],))


def create_link(archive: Archive, claim_id: str, document_id: str, start: int, end: int,
                relation: str = "supports") -> tuple[str, Changes]:
    """Link a claim to the span ``start:end`` of a document's text, by hand."""
    from archive.documents import page_locator
    from archive.verify import CONTEXT_CHARS

    if relation not in RELATIONS:
        raise FootnoteError(f"a link supports, contradicts or gives context; not {relation!r}")
    with archive.session() as session:
        claim = _claim(session, claim_id)
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"no document {document_id}")
        text = document.text
        if not (0 <= start < end <= len(text)) or not text[start:end].strip():
            raise FootnoteError("select some text of the source to link it")
        locator = page_locator(session, document_id)
        now = clock.now()
        link = Link(claim_id=claim_id, document_id=document_id, page=locator.page_of(start), start=start, end=end,
                    exact=text[start:end], prefix=text[max(0, start - CONTEXT_CHARS):start],
                    suffix=text[end:end + CONTEXT_CHARS], rects=locator.rects(start, end), score=1.0,
                    coverage=1.0, verdict="verified" if relation == "supports" else relation,
                    reason="linked by hand", origin="user", relation=relation, decision="confirmed",
                    created_at=now, updated_at=now)
        from archive.models import SourceEntry

        entry = session.exec(select(SourceEntry).where(SourceEntry.article_id == claim.article_id,
                                                       SourceEntry.document_id == document_id)).first()
        link.source_number = entry.number if entry else None
        session.add(link)
        link_id, article_id = link.id, claim.article_id
    archive.reindex(articles=[article_id])
    return link_id, Changes(articles=(article_id,))


def delete_link(archive: Archive, link_id: str) -> Changes:
    with archive.session() as session:
        link = session.get(Link, link_id)
        if link is None:
            raise NotFound(f"no link {link_id}")
        snapshot = link.model_dump()
        article_id = session.get(Claim, link.claim_id).article_id
        session.delete(link)
    archive.reindex(articles=[article_id])
    return Changes(articles=(article_id,), before={"link": snapshot})


def restore_link(archive: Archive, snapshot: dict) -> Changes:
    with archive.session() as session:
        session.add(Link(**snapshot))
        article_id = session.get(Claim, snapshot["claim_id"]).article_id
    archive.reindex(articles=[article_id])
    return Changes(articles=(article_id,))


def delete_article(archive: Archive, article_id: str) -> Changes:
    """Remove an article with its claims and links; its file goes when nothing else uses it."""
    with archive.session() as session:
        article = session.get(Article, article_id)
        if article is None:
            raise NotFound(f"no article {article_id}")
        sha = article.file_sha256
        session.delete(article)
        session.execute(delete(CollectionItem).where(CollectionItem.item_id == article_id))
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
        session.execute(delete(CollectionItem).where(CollectionItem.item_id == document_id))
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
