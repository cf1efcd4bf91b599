"""Importing a bundle: validate it fully in a staging folder, then merge it in one transaction.

Validation comes first and changes nothing: the zip is checked and unpacked
into a private staging folder, the bag is validated with bagit in full
(every checksum, not the fast Payload-Oxum check), and the catalog is read
with strict types.  Then documents new to this archive are stored and
extracted in the sandbox, and everything is merged in one database
transaction: documents by SHA-256, articles, claims and links by id.  When
both sides changed the same claim or link, the newer wins and the other is
kept in ``annotation_history``.  On any failure the archive is as it was:
the transaction rolls back and files stored by this import are removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import bagit
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from archive import backups, clock
from archive.bundles import BAG_FOLDER, BUNDLE_FORMAT, BUNDLE_VERSION
from archive.bundles.unpack import BundleRefused, check_zip, extract
from archive.documents import write_document
from archive.extract import ExtractedDocument, Kind
from archive.extract.sandbox import ExtractionPool, Task
from archive.filestore import sha256_file
from archive.models import (
    AnnotationHistory,
    Article,
    ArticleSection,
    Citation,
    Claim,
    ClaimTag,
    Collection,
    CollectionItem,
    CrossReference,
    Document,
    ImportWarning,
    Link,
    SourceEntry,
    StoredFile,
)
from archive.progress import CancelToken, Progress, ProgressFn, no_progress
from archive.store import Archive

KINDS = {kind.value: kind for kind in Kind}


@dataclass
class MergeReport:
    bundle_id: str = ""
    added: dict[str, int] = field(default_factory=dict)
    merged: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    def count(self, bucket: str, kind: str, n: int = 1) -> None:
        table = getattr(self, bucket)
        table[kind] = table.get(kind, 0) + n

    def summary(self) -> str:
        def part(name: str, table: dict[str, int]) -> str:
            return f"{name} " + (", ".join(f"{n} {k}" for k, n in table.items() if n) or "nothing")

        return "; ".join([part("added", self.added), part("merged", self.merged), part("unchanged", self.skipped),
                          f"{len(self.conflicts)} conflict(s)"])


def import_bundle(archive: Archive, path: Path, *, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None, pool: ExtractionPool | None = None) -> MergeReport:
    archive.require_writable()
    staging = Path(tempfile.mkdtemp(prefix=".bundle-", dir=archive.root))
    stored: list[str] = []
    try:
        progress(Progress(0, 4, "checking the bundle"))
        bag_dir = extract(path, check_zip(path), staging)
        progress(Progress(1, 4, "checking every checksum"))
        _validate_bag(bag_dir)
        catalog = read_catalog(bag_dir)
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress(2, 4, "storing documents"))
        extracted = _store_and_extract(archive, bag_dir, catalog, stored, cancel, pool)
        progress(Progress(3, 4, "merging"))
        report = MergeReport(bundle_id=catalog["id"])
        with backups.around_bundle_merge(archive.layout) as keep, archive.session() as session:
            _merge(session, catalog, extracted, report)  # a checked backup is taken first, kept if this changes
            keep(report.added or report.merged or report.conflicts)
    except BaseException as error:
        for sha256 in stored:
            folder = archive.files.path_for(sha256).parent
            archive.files.remove(sha256)
            try:
                folder.rmdir()  # its fan-out folder too, when that file was all it held
            except OSError:
                pass
        if isinstance(error, IntegrityError):  # its ids collide with this archive's (or repeat in it)
            raise BundleRefused(f"it clashes with this archive ({str(error.orig).splitlines()[0][:160]})") from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    archive.reindex(articles=report.articles, documents=report.documents)
    progress(Progress(4, 4, ""))
    return report


def _validate_bag(bag_dir: Path) -> None:
    def said(error: object) -> str:  # bagit names files by their staging path: keep them relative to the bag
        text = str(error).replace(f"{bag_dir}{os.sep}", "").replace(str(bag_dir), BAG_FOLDER)
        return (text.splitlines() or [type(error).__name__])[0][:400]

    try:
        bag = bagit.Bag(str(bag_dir))
        oxum = bag.info.get("Payload-Oxum")
        if oxum is not None and not re.fullmatch(r"\d+\.\d+", str(oxum)):  # bagit would fail on an unpacking
            raise bagit.BagError(f"Malformed Payload-Oxum value: {oxum}")
        bag.validate(fast=False)
    except bagit.BagValidationError as error:
        details = getattr(error, "details", None) or []
        raise BundleRefused(f"it does not match its checksums ({said(details[0] if details else error)})") from None
    except (bagit.BagError, ValueError, OSError, UnicodeDecodeError) as error:
        raise BundleRefused(f"it is not a valid BagIt bag ({said(error)})") from None
    for name in ("manifest-sha256.txt", "tagmanifest-sha256.txt"):
        if not (bag_dir / name).is_file():
            raise BundleRefused(f"its {name} is missing: the bag cannot be checked")


# --- the catalog, read strictly ---------------------------------------------------


def read_catalog(bag_dir: Path) -> dict[str, Any]:
    path = bag_dir / "data" / "catalog.json"
    try:
        catalog = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BundleRefused(f"its catalog.json cannot be read ({str(error)[:120]})") from None
    try:
        _expect(catalog, dict, "catalog")
        if catalog.get("format") != BUNDLE_FORMAT:
            raise BundleRefused("it is not a Footnote bundle (catalog.json has another format)")
        if not isinstance(catalog.get("version"), int) or catalog["version"] > BUNDLE_VERSION:
            raise BundleRefused(f"it was made by a newer Footnote (bundle version {catalog.get('version')}, "
                                f"this Footnote reads up to {BUNDLE_VERSION})")
        _expect(catalog.get("id"), str, "id")
        for document in _expect(catalog.get("documents"), list, "documents"):
            _fields(document, "document", id=str, sha256=str, file=str, kind=str, title=str)
            _optional(document, "document", size=int, media_type=str, original_name=str)
            if document["kind"] not in KINDS:
                raise BundleRefused(f"document {document['id']!r} has an unknown kind {document['kind']!r}")
            _file_in_bag(bag_dir, document["file"])
        for article in _expect(catalog.get("articles"), list, "articles"):
            _fields(article, "article", id=str, sha256=str, file=str, title=str, text=str, format=str)
            _optional(article, "article", size=int, media_type=str, original_name=str, summary=str, category=str)
            _file_in_bag(bag_dir, article["file"])
            for section in _list(article, "sections", "section"):
                _fields(section, "section", title=str, start=int)
            _list(article, "cross_references", "cross reference", str)
            _list(article, "warnings", "warning", str)
            for source in _list(article, "sources", "source"):
                _fields(source, "source", number=int, title=str)
                _optional(source, "source", publisher=str, document=str, attached_by=str)
            for claim in _expect(article.get("claims"), list, "claims"):
                _fields(claim, "claim", id=str, text=str, start=int, end=int, status=str)
                _optional(claim, "claim", position=int, user_status=str, origin=str, note=str)
                if not 0 <= claim["start"] <= claim["end"] <= len(article["text"]):
                    raise BundleRefused(f"claim {claim['id']!r} points outside its article's text")
                _list(claim, "tags", "tag", str)
                for citation in _list(claim, "citations", "citation"):
                    _fields(citation, "citation", source=int)
                    _list(citation, "sentences", "sentence", int)
                for link in _expect(claim.get("links"), list, "links"):
                    _fields(link, "link", id=str, document=str, start=int, end=int, exact=str)
                    _optional(link, "link", source_number=int, page=int, prefix=str, suffix=str, score=float,
                              coverage=float, verdict=str, reason=str, origin=str, relation=str, decision=str,
                              rects=list)
        for collection in _expect(catalog.get("collections", []), list, "collections"):
            _fields(collection, "collection", id=str, name=str)
            for item in _list(collection, "items", "collection item"):
                _fields(item, "collection item", id=str, type=str)
    except (KeyError, TypeError, AttributeError) as error:
        raise BundleRefused(f"its catalog.json is malformed ({error})") from None
    return catalog


def _is(value: Any, kind: type) -> bool:
    """``float`` means any number; a bool is not a number here."""
    return isinstance(value, (int, float) if kind is float else kind) and (kind is bool or not isinstance(value, bool))


def _a(kind: type) -> str:
    name = "number" if kind is float else kind.__name__
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _expect(value: Any, kind: type, what: str) -> Any:
    if not _is(value, kind):
        raise BundleRefused(f"its catalog.json is malformed ({what} should be {_a(kind)})")
    return value


def _fields(record: Any, what: str, **kinds: type) -> None:
    _expect(record, dict, what)
    for name, kind in kinds.items():
        if not _is(record.get(name), kind):
            raise BundleRefused(f"its catalog.json is malformed ({what} {name!r} is missing or not {_a(kind)})")


def _optional(record: dict[str, Any], what: str, **kinds: type) -> None:
    """Fields the merge uses when present (null or absent is fine)."""
    for name, kind in kinds.items():
        if record.get(name) is not None and not _is(record[name], kind):
            raise BundleRefused(f"its catalog.json is malformed ({what} {name!r} is not {_a(kind)})")


def _list(record: dict[str, Any], name: str, what: str, kind: type = dict) -> list[Any]:
    """An optional list (absent means empty), each item of ``kind``."""
    values = _expect(record.get(name, []), list, name)
    for value in values:
        _expect(value, kind, what)
    return values


def _file_in_bag(bag_dir: Path, name: str) -> Path:
    path = (bag_dir / "data" / name).resolve()
    if not path.is_relative_to((bag_dir / "data").resolve()) or not path.is_file():
        raise BundleRefused(f"its catalog names a file that is not in the bundle ({name!r})")
    return path


# --- files ---------------------------------------------------------------------------


def _store_and_extract(archive: Archive, bag_dir: Path, catalog: dict[str, Any], stored: list[str],
                       cancel: CancelToken | None, pool: ExtractionPool | None) -> dict[str, ExtractedDocument]:
    """Store every file new to the archive (checking its hash) and extract new documents."""
    with archive.session() as session:
        known_files = set(session.exec(select(StoredFile.sha256)))
        known_documents = set(session.exec(select(Document.file_sha256)))
    for record in [*catalog["articles"], *catalog["documents"]]:
        path = _file_in_bag(bag_dir, record["file"])
        if sha256_file(path) != record["sha256"]:
            raise BundleRefused(f"file {record['file']!r} does not have the SHA-256 its catalog says")
        if record["sha256"] not in known_files and not archive.files.contains(record["sha256"]):
            archive.files.put_bytes(path.read_bytes(), record["sha256"])
            stored.append(record["sha256"])
            known_files.add(record["sha256"])
    tasks = {record["sha256"]: Task(archive.files.path_for(record["sha256"]), KINDS[record["kind"]])
             for record in catalog["documents"] if record["sha256"] not in known_documents}
    if not tasks:
        return {}
    own = pool is None
    pool = pool or ExtractionPool()
    try:
        results = {task.path.name: result for task, result in pool.extract(list(tasks.values()), cancel)}
    finally:
        if own:
            pool.close()
    if len(results) < len(tasks):
        raise BundleRefused("cancelled before its documents were read")
    return results


# --- the merge -----------------------------------------------------------------------


def _dt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _merge(session: Session, catalog: dict[str, Any], extracted: dict[str, ExtractedDocument],
           report: MergeReport) -> None:
    document_ids = _merge_documents(session, catalog, extracted, report)
    for article in catalog["articles"]:
        _merge_article(session, article, document_ids, report)
    for collection in catalog.get("collections", []):
        _merge_collection(session, collection, document_ids, report)


def _merge_documents(session: Session, catalog: dict[str, Any], extracted: dict[str, ExtractedDocument],
                     report: MergeReport) -> dict[str, str]:
    """Bundle document id → this archive's id (documents are the same when their files are)."""
    mapping: dict[str, str] = {}
    for record in catalog["documents"]:
        local = session.exec(select(Document).where(Document.file_sha256 == record["sha256"])).first()
        if local is not None:
            mapping[record["id"]] = local.id
            report.count("skipped", "documents")
            continue
        result = extracted[record["sha256"]]
        if record.get("title"):
            result.title = record["title"]
        for name in ("author", "publisher", "url"):
            if isinstance(record.get(name), str) and not getattr(result, name):
                setattr(result, name, record[name])
        # Keep the bundle's id (links and later bundles then agree), unless it is taken here.
        keep = record["id"] if session.get(Document, record["id"]) is None else None
        new_id = write_document(session, result, sha256=record["sha256"], size=int(record.get("size") or 0),
                                media_type=str(record.get("media_type") or "application/octet-stream"),
                                name=str(record.get("original_name") or record["file"]), new_document_id=keep)
        mapping[record["id"]] = new_id
        report.documents.append(new_id)
        report.count("added", "documents")
    return mapping


def _merge_article(session: Session, record: dict[str, Any], document_ids: dict[str, str],
                   report: MergeReport) -> None:
    article = session.get(Article, record["id"])
    if article is None:
        _add_article(session, record, document_ids)
        report.count("added", "articles")
        report.count("added", "claims", len(record["claims"]))
        report.articles.append(record["id"])
        return
    changed = False
    entries = {e.number: e for e in session.exec(select(SourceEntry).where(SourceEntry.article_id == article.id))}
    for source in record.get("sources", []):
        entry = entries.get(source.get("number"))
        document = document_ids.get(source.get("document") or "")
        if entry is not None and entry.document_id is None and document and entry.attached_by != "detached":
            entry.document_id, entry.attached_by = document, source.get("attached_by") or "auto"
            session.add(entry)
            changed = True
    for claim_record in record["claims"]:
        changed |= _merge_claim(session, article.id, claim_record, document_ids, report)
    if changed:
        report.count("merged", "articles")
        report.articles.append(article.id)
    else:
        report.count("skipped", "articles")


def _add_article(session: Session, record: dict[str, Any], document_ids: dict[str, str]) -> None:
    now = clock.now()
    if session.get(StoredFile, record["sha256"]) is None:
        session.add(StoredFile(sha256=record["sha256"], size=int(record.get("size") or 0),
                               media_type=str(record.get("media_type") or "text/plain"),
                               original_name=str(record.get("original_name") or record["file"]), added_at=now))
        session.flush()
    session.add(Article(id=record["id"], file_sha256=record["sha256"], format=record["format"],
                        title=record["title"], summary=str(record.get("summary") or ""),
                        published=_naive(record.get("published")), category=record.get("category"),
                        text=record["text"], imported_at=_dt(record.get("imported_at")) or now))
    session.flush()
    for position, section in enumerate(record.get("sections", [])):
        session.add(ArticleSection(article_id=record["id"], position=position, title=str(section["title"]),
                                   start=int(section["start"])))
    for position, title in enumerate(record.get("cross_references", [])):
        session.add(CrossReference(article_id=record["id"], position=position, title=str(title)))
    for position, message in enumerate(record.get("warnings", [])):
        session.add(ImportWarning(article_id=record["id"], position=position, message=str(message)))
    for source in record.get("sources", []):
        session.add(SourceEntry(article_id=record["id"], number=int(source["number"]), title=str(source["title"]),
                                publisher=source.get("publisher"), cited=bool(source.get("cited")),
                                document_id=document_ids.get(source.get("document") or ""),
                                attached_by=source.get("attached_by")))
    session.flush()
    for claim_record in record["claims"]:
        _add_claim(session, record["id"], claim_record, document_ids)


def _naive(value: Any) -> datetime | None:
    moment = _dt(value)
    return moment.replace(tzinfo=None) if moment else None


def _add_claim(session: Session, article_id: str, record: dict[str, Any], document_ids: dict[str, str]) -> None:
    now = clock.now()
    session.add(Claim(id=record["id"], article_id=article_id, position=int(record.get("position", 0)),
                      text=record["text"], start=record["start"], end=record["end"], status=record["status"],
                      user_status=record.get("user_status"), origin=str(record.get("origin") or "marker"),
                      note=str(record.get("note") or ""), created_at=_dt(record.get("created_at")) or now,
                      updated_at=_dt(record.get("updated_at")) or now))
    session.flush()
    for position, citation in enumerate(record.get("citations", [])):
        session.add(Citation(claim_id=record["id"], position=position, source_number=int(citation["source"]),
                             sentences=[int(n) for n in citation.get("sentences", [])]))
    for tag in dict.fromkeys(record.get("tags", [])):
        session.add(ClaimTag(claim_id=record["id"], tag=str(tag)))
    for link in record.get("links", []):
        _add_link(session, record["id"], link, document_ids)


def _add_link(session: Session, claim_id: str, record: dict[str, Any], document_ids: dict[str, str]) -> None:
    document_id = document_ids.get(record["document"])
    if document_id is None or session.get(Link, record["id"]) is not None:
        return
    now = clock.now()
    session.add(Link(id=record["id"], claim_id=claim_id, document_id=document_id,
                     source_number=record.get("source_number"), page=record.get("page"), start=record["start"],
                     end=record["end"], exact=record["exact"], prefix=str(record.get("prefix") or ""),
                     suffix=str(record.get("suffix") or ""), rects=list(record.get("rects") or []),
                     score=float(record.get("score") or 0), coverage=float(record.get("coverage") or 0),
                     verdict=str(record.get("verdict") or "partial"), reason=str(record.get("reason") or ""),
                     origin=str(record.get("origin") or "auto"), relation=str(record.get("relation") or "supports"),
                     decision=record.get("decision"), created_at=_dt(record.get("created_at")) or now,
                     updated_at=_dt(record.get("updated_at")) or now))


CLAIM_FIELDS = ("text", "start", "end", "status", "user_status", "note")
LINK_FIELDS = ("start", "end", "exact", "verdict", "relation", "decision", "score")


def _merge_claim(session: Session, article_id: str, record: dict[str, Any], document_ids: dict[str, str],
                 report: MergeReport) -> bool:
    """Returns whether anything changed."""
    from archive.bundles.catalog import claim_record, link_record

    claim = session.get(Claim, record["id"])
    if claim is None:
        _add_claim(session, article_id, record, document_ids)
        report.count("added", "claims")
        return True
    changed = False
    tags = sorted(session.exec(select(ClaimTag.tag).where(ClaimTag.claim_id == claim.id)))
    ours = {name: getattr(claim, name) for name in CLAIM_FIELDS} | {"tags": tags}
    theirs = {name: record.get(name) for name in CLAIM_FIELDS} | {"tags": sorted(record.get("tags", []))}
    if ours != theirs:
        newer = (_dt(record.get("updated_at")) or datetime.min.replace(tzinfo=None)).replace(tzinfo=None) > \
            claim.updated_at.replace(tzinfo=None)
        loser = claim_record(claim, [], tags, []) if newer else record
        session.add(AnnotationHistory(item_type="claim", item_id=claim.id, data=json.loads(json.dumps(
            loser, default=str)), reason="replaced by a newer version from a bundle" if newer
            else "an older version in a bundle"))
        report.conflicts.append(f"claim {claim.id[:8]}: kept the {'bundle' if newer else 'local'} version "
                                f"(newer); the other is in the history")
        if newer:
            for name in ("status", "user_status", "note"):
                setattr(claim, name, record.get(name) if name != "note" else str(record.get("note") or ""))
            claim.updated_at = _dt(record.get("updated_at")) or clock.now()
            session.add(claim)
            for tag in session.exec(select(ClaimTag).where(ClaimTag.claim_id == claim.id)):
                session.delete(tag)
            session.flush()
            for tag in dict.fromkeys(record.get("tags", [])):
                session.add(ClaimTag(claim_id=claim.id, tag=str(tag)))
            changed = True
    for link in record.get("links", []):
        local = session.get(Link, link["id"])
        if local is None:
            if link["document"] in document_ids:
                _add_link(session, claim.id, link, document_ids)
                report.count("added", "links")
                changed = True
            continue
        if {n: getattr(local, n) for n in LINK_FIELDS} == {n: link.get(n) for n in LINK_FIELDS}:
            continue
        newer = (_dt(link.get("updated_at")) or datetime.min).replace(tzinfo=None) > \
            local.updated_at.replace(tzinfo=None)
        loser = link_record(local) if newer else link
        session.add(AnnotationHistory(item_type="link", item_id=local.id,
                                      data=json.loads(json.dumps(loser, default=str)),
                                      reason="replaced by a newer version from a bundle" if newer
                                      else "an older version in a bundle"))
        report.conflicts.append(f"link {local.id[:8]}: kept the {'bundle' if newer else 'local'} version (newer)")
        if newer:
            for name in ("decision", "relation", "verdict", "reason"):
                setattr(local, name, link.get(name))
            local.updated_at = _dt(link.get("updated_at")) or clock.now()
            session.add(local)
            changed = True
    if changed:
        report.count("merged", "claims")
    else:
        report.count("skipped", "claims")
    return changed


def _merge_collection(session: Session, record: dict[str, Any], document_ids: dict[str, str],
                      report: MergeReport) -> None:
    collection = session.get(Collection, record["id"])
    if collection is None:
        name = record["name"]
        if session.exec(select(Collection).where(Collection.name == name)).first() is not None:
            name = f"{name} (imported)"
        collection = Collection(id=record["id"], name=name, created_at=_dt(record.get("created_at")) or clock.now())
        session.add(collection)
        session.flush()
        report.count("added", "collections")
    present = set(session.exec(select(CollectionItem.item_id).where(CollectionItem.collection_id == collection.id)))
    for item in record.get("items", []):
        item_id = document_ids.get(item.get("id"), item.get("id"))
        kind = item.get("type")
        exists = session.get(Article, item_id) if kind == "article" else session.get(Document, item_id)
        if item_id not in present and exists is not None:
            session.add(CollectionItem(collection_id=collection.id, item_id=item_id, item_type=kind))
            present.add(item_id)
