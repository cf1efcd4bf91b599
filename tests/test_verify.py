"""The headline, end to end: the sample digest and its sources import in one go, attach, and verify.

Uses the demo sources shipped in resources/demo/sources (built by
build_demo_sources.py): verbatim sentences in wrapped, hyphenated, two-column,
ligature and web-page layouts, a paraphrase, and a source without the claim.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlmodel import select

from archive import clock
from archive.attach import attach, auto_attach, detach
from archive.demo import demo_files
from archive.importing import Outcome, import_paths
from archive.models import Claim, Link, SourceEntry
from archive.queries import article_detail
from archive.verify import verify_articles
from conftest import REPO

SOURCES = REPO / "resources" / "demo" / "sources"
EXPECTED = json.loads((SOURCES / "EXPECTED.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_archive(tmp_path_factory):
    """One archive with the demo imported (module scope: extraction takes a second)."""
    from archive.store import Archive

    root = tmp_path_factory.mktemp("demo") / "archive"
    with Archive.open(root, create=True) as archive:
        report = import_paths(archive, demo_files())
    return root, report


def test_demo_imports_in_one_call_and_attaches_every_source(demo_archive) -> None:
    _, report = demo_archive
    assert [r.outcome for r in report.results] == [Outcome.IMPORTED] * 8
    assert sorted(a.number for a in report.attached) == [1, 2, 3, 4, 5, 6, 7]
    assert report.ambiguous == []
    by_number = {a.number: a for a in report.attached}
    files = {s["number"]: s["file"] for s in EXPECTED["sources"]}
    names = {r.document_id: r.path.name for r in report.results if r.document_id}
    for number, attachment in by_number.items():
        assert names[attachment.document_id] == files[number]


def test_every_claim_gets_the_status_we_expect(demo_archive) -> None:
    from archive.store import Archive

    root, report = demo_archive
    with Archive.open(root, read_only=True) as archive:
        article_id = next(r.article_id for r in report.results if r.article_id)
        detail = article_detail(archive, article_id)
    expected = [claim["status"] for claim in EXPECTED["claims"]]
    assert [claim["status"] for claim in detail["claims"]] == expected
    assert expected.count("verified") == 10


def test_links_carry_page_selectors_rects_and_score(demo_archive) -> None:
    from archive.store import Archive

    root, report = demo_archive
    with Archive.open(root, read_only=True) as archive:
        article_id = next(r.article_id for r in report.results if r.article_id)
        detail = article_detail(archive, article_id)
        with archive.session() as session:
            documents = {link.document_id for link in session.exec(select(Link))}
            texts = {d: session.get(__import__("archive.models", fromlist=["Document"]).Document, d).text
                     for d in documents}
    for claim in detail["claims"]:
        for link in claim["links"]:
            text = texts[link["document"]]
            assert text[link["start"]:link["end"]] == link["exact"]
            assert text[:link["start"]].endswith(link["prefix"]) and text[link["end"]:].startswith(link["suffix"])
            assert 0 <= link["score"] <= 1
    hyphenated = detail["claims"][7]  # "I postponed it," … told re-porters … (source 1, wrapped and hyphenated)
    [link] = hyphenated["links"]
    assert link["verdict"] == "verified" and link["page"] == 1 and "re-\nporters" in link["exact"]
    assert link["rects"] and all(r[0] == 1 and r[1] < r[3] and r[2] < r[4] for r in link["rects"])
    crossing = detail["claims"][11]  # crosses the page break in source 1
    [link] = crossing["links"]
    assert {r[0] for r in link["rects"]} == {1, 2}
    two_column = detail["claims"][8]  # in the right column of source 2
    assert two_column["links"][0]["verdict"] == "verified"
    web = detail["claims"][4]  # in the HTML page: no page, no rects
    assert web["links"][0]["page"] is None and web["links"][0]["rects"] == []
    paraphrase = detail["claims"][1]
    assert paraphrase["status"] == "partial" and paraphrase["links"][0]["verdict"] == "partial"
    absent = detail["claims"][0]
    assert absent["status"] == "not_found" and absent["links"] == []


def test_detach_attach_and_reverification(archive, sample_path: Path) -> None:
    report = import_paths(archive, [sample_path, SOURCES / "2-fortune.pdf"])
    article_id = report.results[0].article_id
    document_id = report.results[1].document_id
    statuses = lambda: [c["status"] for c in article_detail(archive, article_id)["claims"]]  # noqa: E731
    assert statuses().count("verified") == 4  # the four claims citing source 2
    with archive.session() as session:
        detach(session, article_id, 2)
    verify_articles(archive, [article_id])
    assert statuses().count("verified") == 0 and set(statuses()) == {"no_source"}
    with archive.session() as session:  # a person's detach is not undone by automatic attachment
        attached, _ = auto_attach(session)
    assert attached == []
    with archive.session() as session:
        attach(session, article_id, 2, document_id)
        entry = session.exec(select(SourceEntry).where(SourceEntry.article_id == article_id,
                                                       SourceEntry.number == 2)).one()
        assert entry.attached_by == "user"
    verify_articles(archive, [article_id])
    assert statuses().count("verified") == 4


def test_a_persons_links_and_decisions_survive_reverification(archive, sample_path: Path) -> None:
    report = import_paths(archive, [sample_path, SOURCES / "2-fortune.pdf"])
    article_id, document_id = report.results[0].article_id, report.results[1].document_id
    with archive.session() as session:
        claims = session.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)).all()
        first, verified = claims[0], claims[6]
        now = clock.now()
        session.execute(insert(Link), [dict(
            id="user-link", claim_id=first.id, document_id=document_id, source_number=2, page=1, start=0, end=10,
            exact="x", prefix="", suffix="", rects=[], score=0.0, coverage=0.0, verdict="partial", reason="by hand",
            origin="user", relation="context", decision=None, created_at=now, updated_at=now)])
        auto = session.exec(select(Link).where(Link.claim_id == verified.id)).one()
        auto.decision = "rejected"
        session.add(auto)
        first.user_status = "disputed"
        session.add(first)
    verify_articles(archive, [article_id])
    with archive.session() as session:
        assert session.get(Link, "user-link") is not None
        kept = session.exec(select(Link).where(Link.claim_id == verified.id)).all()
        assert [link.decision for link in kept] == ["rejected"]  # not duplicated by a fresh automatic link
        assert session.get(Claim, first.id).user_status == "disputed"


def test_a_document_arriving_later_attaches_and_verifies(archive, sample_path: Path) -> None:
    first = import_paths(archive, [sample_path])
    article_id = first.results[0].article_id
    later = import_paths(archive, [SOURCES / "4-engadget.pdf"])
    assert [a.number for a in later.attached] == [4]
    assert later.verification is not None
    statuses = [c["status"] for c in article_detail(archive, article_id)["claims"]]
    assert statuses[2] == "verified" and statuses[5] == "verified"


def test_two_documents_with_the_same_title_are_left_for_a_person(archive, sample_path: Path, tmp_path: Path) -> None:
    from pdf_factory import make_text_pdf

    title = "Trump postpones AI oversight executive order"
    one = make_text_pdf(tmp_path / "one.pdf", ["First copy of the story."], title=title)
    two = make_text_pdf(tmp_path / "two.pdf", ["Second, different copy."], title=title + " - Engadget")
    report = import_paths(archive, [sample_path, one, two])
    assert [a.number for a in report.ambiguous] == [4]
    assert 4 not in [a.number for a in report.attached]
