"""A person's own work in the core: claims and links by hand, decisions, notes, tags, collections, undo data."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from archive.annotations import (create_claim, create_link, decide_link, delete_article, delete_claim,
                                 delete_link, restore_claim, restore_link, set_note, set_tags, set_user_status)
from archive.collections import (add_items, create_collection, delete_collection, find_collection, items,
                                 list_collections, remove_items, rename_collection)
from archive.errors import FootnoteError
from archive.importing import import_paths
from archive.models import ClaimTag, Link
from archive.queries import article_detail
from archive.verify import verify_articles
from conftest import REPO

FORTUNE = REPO / "resources" / "demo" / "sources" / "2-fortune.pdf"


@pytest.fixture
def imported(archive, sample_path: Path):
    report = import_paths(archive, [sample_path, FORTUNE])
    return report.results[0].article_id, report.results[1].document_id


def test_a_claim_made_by_hand_from_a_selection(archive, imported) -> None:
    article_id, _ = imported
    detail = article_detail(archive, article_id)
    start = detail["text"].index("The order would not have created")
    end = start + len("The order would not have created a sweeping regulatory framework.")
    claim_id, changes = create_claim(archive, article_id, start - 1, end + 1)  # spaces around are trimmed
    assert changes.articles == (article_id,)
    claims = article_detail(archive, article_id)["claims"]
    mine = next(c for c in claims if c["id"] == claim_id)
    assert mine["text"] == "The order would not have created a sweeping regulatory framework."
    assert mine["status"] == "no_source" and mine["citations"] == []
    assert [c["start"] for c in claims] == sorted(c["start"] for c in claims)  # kept in text order
    with pytest.raises(FootnoteError, match="overlaps"):
        create_claim(archive, article_id, start + 3, end + 20)
    with pytest.raises(FootnoteError, match="select some text"):
        create_claim(archive, article_id, 5, 5)


def test_delete_and_restore_a_claim_with_everything_it_had(archive, imported) -> None:
    article_id, _ = imported
    claim = article_detail(archive, article_id)["claims"][6]
    set_tags(archive, claim["id"], ["b", "a"])
    changes = delete_claim(archive, claim["id"])
    assert len(article_detail(archive, article_id)["claims"]) == 11
    restore_claim(archive, changes.before)
    again = article_detail(archive, article_id)["claims"][6]
    assert again["id"] == claim["id"] and again["citations"] == claim["citations"]
    assert [link["id"] for link in again["links"]] == [link["id"] for link in claim["links"]]
    with archive.session() as session:
        assert sorted(session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim["id"]))) == ["a", "b"]


def test_a_link_made_by_hand_survives_verification_and_can_be_undone(archive, imported) -> None:
    article_id, document_id = imported
    claim = article_detail(archive, article_id)["claims"][0]
    with archive.session() as session:
        from archive.models import Document

        text = session.get(Document, document_id).text
    start = text.index("David Sacks, the venture capitalist")
    link_id, _ = create_link(archive, claim["id"], document_id, start, start + 40, relation="context")
    verify_articles(archive, [article_id])
    [link] = [l for l in article_detail(archive, article_id)["claims"][0]["links"] if l["id"] == link_id]
    assert link["origin"] == "user" and link["relation"] == "context" and link["page"] == 1 and link["rects"]
    assert link["exact"] == text[start:start + 40] and link["source"] == 2
    changes = delete_link(archive, link_id)
    assert all(l["id"] != link_id for l in article_detail(archive, article_id)["claims"][0]["links"])
    restore_link(archive, changes.before["link"])
    assert any(l["id"] == link_id for l in article_detail(archive, article_id)["claims"][0]["links"])
    with pytest.raises(FootnoteError):
        create_link(archive, claim["id"], document_id, 0, 10, relation="likes")


def test_decisions_notes_and_tags_return_what_they_replaced(archive, imported) -> None:
    article_id, _ = imported
    claim = article_detail(archive, article_id)["claims"][6]
    assert set_user_status(archive, claim["id"], "disputed").before == {"user_status": None}
    assert set_user_status(archive, claim["id"], None).before == {"user_status": "disputed"}
    with pytest.raises(FootnoteError):
        set_user_status(archive, claim["id"], "maybe")
    assert set_note(archive, claim["id"], "  call the desk ").before == {"note": ""}
    assert set_tags(archive, claim["id"], ["Lobbying", "lobbying ", "a,b"]).before == {"tags": []}
    with archive.session() as session:
        tags = sorted(session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim["id"])))
    assert tags == ["a b", "lobbying"]
    link = claim["links"][0]
    assert decide_link(archive, link["id"], "rejected").before == {"decision": None}
    verify_articles(archive, [article_id])
    with archive.session() as session:
        assert session.get(Link, link["id"]).decision == "rejected"


def test_collections(archive, imported) -> None:
    article_id, document_id = imported
    cid = create_collection(archive, "  AI  policy ")
    with pytest.raises(FootnoteError, match="already exists"):
        create_collection(archive, "AI policy")
    assert add_items(archive, cid, [article_id, document_id, article_id]) == [article_id, document_id]
    assert add_items(archive, cid, [article_id]) == []
    with archive.session() as session:
        assert [s.name for s in list_collections(session)] == ["AI policy"]
        assert list_collections(session)[0].articles == 1 and list_collections(session)[0].documents == 1
        assert items(session, cid) == [(article_id, "article"), (document_id, "document")]
        assert find_collection(session, "ai POLICY").id == cid
    assert rename_collection(archive, cid, "Policy") == "AI policy"
    remove_items(archive, cid, [document_id])
    delete_article(archive, article_id)
    with archive.session() as session:
        assert items(session, cid) == []
    delete_collection(archive, cid)
    with archive.session() as session:
        assert list_collections(session) == []


def test_notes_and_tags_are_trimmed_of_invisible_characters_at_their_edges() -> None:
    """Whitespace, control and format characters (a byte-order mark, direction marks) at either end are
    dropped: Qt drops a leading byte-order mark itself, so an editor would never show what was stored."""
    from archive.annotations import clean_tags, trim

    assert trim("\ufeff\u2028 note \u200e\x07\n") == "note"
    assert trim("\u200fשלום\u200e") == "שלום"
    assert trim("a\ufeffb \x00 c") == "a\ufeffb \x00 c"  # inside, everything is kept
    assert trim("\U0001F468\u200d\U0001F469") == "\U0001F468\u200d\U0001F469"  # a joiner between emoji stays
    assert trim("\ufeff\u200b") == ""
    assert clean_tags(["\ufeffTAG", " tag", "Tag\u200e", "a,b", "\u2028", ""]) == ["a b", "tag"]
