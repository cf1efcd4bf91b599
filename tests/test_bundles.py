"""Bundles: export checks itself, round trips exactly, merges without duplicates, keeps conflicts."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import bagit
import pytest
from sqlmodel import select

from archive import clock
from archive.annotations import set_note, set_user_status
from archive.bundles.export import ORGANIZATION_KEY, export_bundle, set_setting
from archive.bundles.merge import import_bundle
from archive.bundles.pdfannot import export_annotated_pdf
from archive.collections import add_items, create_collection
from archive.demo import ensure_demo_archive
from archive.models import AnnotationHistory, Claim, Link
from archive.queries import article_detail, list_articles
from archive.store import Archive
import webanno_conformance


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bundles") / "demo"
    ensure_demo_archive(root)
    return root


@pytest.fixture
def demo(demo_root: Path, tmp_path: Path):
    root = tmp_path / "demo"
    shutil.copytree(demo_root, root, ignore=shutil.ignore_patterns("archive.lock"))
    with Archive.open(root) as archive:
        yield archive


@pytest.fixture
def bundle(demo, tmp_path: Path) -> Path:
    set_setting(demo, ORGANIZATION_KEY, "Example Newsroom")
    return export_bundle(demo, tmp_path / "out" / "demo.zip", everything=True).path


def unzip(bundle: Path, target: Path) -> Path:
    with zipfile.ZipFile(bundle) as archive_zip:
        archive_zip.extractall(target)
    return target / "footnote-bundle"


def test_the_bundle_is_a_valid_bag_with_everything_in_it(bundle: Path, tmp_path: Path) -> None:
    bag_dir = unzip(bundle, tmp_path / "x")
    bag = bagit.Bag(str(bag_dir))
    bag.validate(fast=False)
    assert bag.algorithms == ["sha256"] and (bag_dir / "tagmanifest-sha256.txt").is_file()
    assert bag.info["Source-Organization"] == "Example Newsroom"
    assert re.fullmatch(r"\d+\.\d+", bag.info["Payload-Oxum"])
    assert bag.info["External-Identifier"].startswith("urn:uuid:") and bag.info["Bagging-Date"]
    payload = sorted(p.relative_to(bag_dir / "data").as_posix() for p in (bag_dir / "data").rglob("*") if p.is_file())
    assert {"annotations.jsonld", "catalog.json", "report.html", "claims.csv"} <= set(payload)
    assert len([p for p in payload if p.startswith("documents/")]) == 8  # the digest and its 7 sources


def test_nothing_of_the_exporting_machine_is_inside(bundle: Path, demo) -> None:
    with zipfile.ZipFile(bundle) as archive_zip:
        for info in archive_zip.infolist():
            assert not info.filename.startswith("/") and ".." not in info.filename
            data = archive_zip.read(info)
            for secret in (str(demo.root), str(Path.home()), str(demo.root.parent)):
                assert secret.encode() not in data, (info.filename, secret)


def test_every_annotation_passes_the_w3c_must_assertions(bundle: Path, tmp_path: Path) -> None:
    if not webanno_conformance.available():
        pytest.skip("the W3C test suite in ../shared/conformance is absent")
    bag_dir = unzip(bundle, tmp_path / "x")
    collection = json.loads((bag_dir / "data" / "annotations.jsonld").read_text(encoding="utf-8"))
    items = collection["first"]["items"]
    assert len(items) == 12 + 11  # the claims and their links
    for annotation in items:
        assert webanno_conformance.violations(annotation) == [], annotation["id"]
    links = [a for a in items if a["motivation"] == "linking"]
    assert all(isinstance(a["target"], list) and len(a["target"]) == 2 for a in links)  # a plain array
    assert any(s.get("value", "").startswith("page=") for a in links for s in a["target"][1]["selector"])


def test_the_validator_itself_tells_good_from_bad_samples() -> None:
    if not webanno_conformance.available():
        pytest.skip("the W3C test suite in ../shared/conformance is absent")
    incorrect = [name for name, a in webanno_conformance.sample("incorrect") if isinstance(a, dict)
                 and a.get("type") == "Annotation"]
    caught = [name for name, a in webanno_conformance.sample("incorrect") if isinstance(a, dict)
              and a.get("type") == "Annotation" and webanno_conformance.violations(a)]
    assert incorrect and caught == incorrect
    # The suite's own MUSTs reject the old Composite / List / Independents targets its samples still use.
    plain = [a for _, a in webanno_conformance.sample("correct") if a.get("type") == "Annotation"
             and not (isinstance(a.get("target"), dict)
                      and a["target"].get("type") in ("Composite", "List", "Independents"))]
    assert plain and all(webanno_conformance.violations(a) == [] for a in plain)


def test_report_and_csv(bundle: Path, tmp_path: Path) -> None:
    bag_dir = unzip(bundle, tmp_path / "x")
    report = (bag_dir / "data" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in report.lower() and "http://" not in report and "https://" not in report
    assert report.count("<mark>") == 12 and "heated wrangling" in report and "not found in the source" in report
    rows = list(csv.DictReader(io.StringIO((bag_dir / "data" / "claims.csv").read_text(encoding="utf-8"))))
    assert len({r["claim_id"] for r in rows}) == 12 and len([r for r in rows if r["link_id"]]) == 11


def test_round_trip_into_an_empty_archive_is_identical_and_idempotent(demo, bundle: Path, tmp_path: Path) -> None:
    before = [article_detail(demo, a["id"]) for a in list_articles(demo)]
    with Archive.open(tmp_path / "empty", create=True) as other:
        first = import_bundle(other, bundle)
        assert first.added == {"documents": 7, "articles": 1, "claims": 12} and first.conflicts == []
        assert [article_detail(other, a["id"]) for a in list_articles(other)] == before
        db = (tmp_path / "empty" / "archive.db")
        second = import_bundle(other, bundle)
        assert second.added == {} and second.merged == {} and second.conflicts == []
        assert [article_detail(other, a["id"]) for a in list_articles(other)] == before
        with other.session() as session:
            assert session.exec(select(AnnotationHistory)).all() == []
        from archive.search.query import search

        with other.session() as session:
            assert search(other.search_index, session, "heated wrangling").total > 0
    assert db.exists()


def test_a_teammates_changes_merge_and_conflicts_keep_the_newer(demo, bundle: Path, tmp_path: Path) -> None:
    shutil.copytree(demo.root, tmp_path / "mate", ignore=shutil.ignore_patterns("archive.lock"))
    article = list_articles(demo)[0]["id"]
    claims = article_detail(demo, article)["claims"]
    with Archive.open(tmp_path / "mate") as mate:
        clock.set_clock(lambda: __import__("datetime").datetime(2030, 1, 1, tzinfo=__import__("datetime").timezone.utc))
        try:
            set_note(mate, claims[0]["id"], "Teammate: the ceremony story is not in source 6.")
            set_user_status(mate, claims[1]["id"], "disputed")
        finally:
            clock.set_clock(None)
        theirs = export_bundle(mate, tmp_path / "mate.zip", everything=True).path
    set_user_status(demo, claims[1]["id"], "confirmed")  # ours is older than theirs
    report = import_bundle(demo, theirs)
    # Without a common base version, every claim that differs is treated as changed on both sides:
    # the newer wins and the other is kept, so nothing a person wrote is ever lost.
    assert report.merged.get("claims") == 2 and len(report.conflicts) == 2
    detail = article_detail(demo, article)
    assert detail["claims"][1]["user_status"] == "disputed"  # the newer side won
    with demo.session() as session:
        note = session.get(Claim, claims[0]["id"]).note
        history = {h.item_id: h for h in session.exec(select(AnnotationHistory))}
    assert note.startswith("Teammate")
    assert history[claims[1]["id"]].data["user_status"] == "confirmed"  # ours, kept in the history
    assert history[claims[0]["id"]].data["note"] == ""
    assert len(detail["claims"]) == 12  # nothing duplicated


def test_export_of_one_article_or_a_collection(demo, tmp_path: Path) -> None:
    article = list_articles(demo)[0]["id"]
    one = export_bundle(demo, tmp_path / "one.zip", articles=[article])
    assert one.articles == 1 and one.documents == 7
    with demo.session() as session:
        from archive.documents import list_documents

        document = list_documents(session)[0].id
    collection = create_collection(demo, "Just one source")
    add_items(demo, collection, [document])
    only = export_bundle(demo, tmp_path / "c.zip", collection=collection)
    assert only.articles == 0 and only.documents == 1
    catalog = json.loads(zipfile.ZipFile(only.path).read("footnote-bundle/data/catalog.json"))
    assert catalog["collections"][0]["name"] == "Just one source"
    with Archive.open(tmp_path / "fresh", create=True) as fresh:
        import_bundle(fresh, only.path)
        from archive.collections import list_collections

        with fresh.session() as session:
            assert [(c.name, c.documents) for c in list_collections(session)] == [("Just one source", 1)]


def test_annotated_pdf_carries_highlights_with_the_claims(demo, tmp_path: Path) -> None:
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    with demo.session() as session:
        link = session.exec(select(Link).where(Link.page == 1, Link.verdict == "verified")).first()
        claim = session.get(Claim, link.claim_id).text
    count = export_annotated_pdf(demo, link.document_id, tmp_path / "annotated.pdf")
    assert count >= 1
    pdf = pdfium.PdfDocument(str(tmp_path / "annotated.pdf"))
    page = pdf[0]
    contents = []
    for index in range(raw.FPDFPage_GetAnnotCount(page.raw)):
        annotation = raw.FPDFPage_GetAnnot(page.raw, index)
        assert raw.FPDFAnnot_GetSubtype(annotation) == raw.FPDF_ANNOT_HIGHLIGHT
        size = raw.FPDFAnnot_GetStringValue(annotation, b"Contents", None, 0)
        buffer = ctypes.create_string_buffer(size)
        raw.FPDFAnnot_GetStringValue(annotation, b"Contents", ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)),
                                     size)
        contents.append(buffer.raw.decode("utf-16-le").rstrip("\x00"))
        raw.FPDFPage_CloseAnnot(annotation)
    assert claim in contents
    page.close()
    pdf.close()
