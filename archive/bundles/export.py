"""Exporting a bundle: gather, write the payload, bag it with bagit, zip it.

Everything is written in a private staging folder next to the target and the
zip is renamed into place only when complete, so a cancelled or failed export
leaves nothing behind.  Paths inside are relative; nothing of the exporting
machine's folders gets in.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import bagit

from archive import __version__
from archive.bundles import BAG_FOLDER
from archive.bundles.catalog import build_catalog, resolve_selection
from archive.bundles.report import render_csv, render_report
from archive.bundles.webanno import annotation_collection, claim_annotation, link_annotation
from archive.errors import FootnoteError
from archive.models import Document, Meta
from archive.progress import CancelToken, Progress, ProgressFn, no_progress
from archive.store import Archive

ORGANIZATION_KEY = "source_organization"
USER_KEY = "user_name"


@dataclass(frozen=True)
class ExportReport:
    path: Path
    articles: int
    documents: int
    claims: int
    links: int
    size: int
    bundle_id: str


def setting(archive: Archive, key: str, default: str | None = None) -> str | None:
    with archive.session() as session:
        row = session.get(Meta, key)
        return row.value if row else default


def set_setting(archive: Archive, key: str, value: str) -> None:
    with archive.session() as session:
        row = session.get(Meta, key) or Meta(key=key, value=value)
        row.value = value
        session.add(row)


def export_bundle(archive: Archive, target: Path, *, articles: list[str] = (), collection: str | None = None,
                  everything: bool = False, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> ExportReport:
    """Write a bundle of the chosen articles (with their documents), a collection, or everything."""
    target = Path(target)
    bundle_id = uuid.uuid4().hex
    with archive.session() as session:
        article_ids, document_ids, collection_ids = resolve_selection(
            session, articles=articles, collection=collection, everything=everything)
        if not article_ids and not document_ids:
            raise FootnoteError("nothing to export: the selection holds no articles or documents")
        catalog = build_catalog(session, article_ids, document_ids, collection_ids, bundle_id)
        texts = {d: session.get(Document, d).text for d in document_ids}
    organization = setting(archive, ORGANIZATION_KEY, "Footnote user")
    user = setting(archive, USER_KEY)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".footnote-export-", dir=target.parent))
    try:
        bag = staging / BAG_FOLDER
        documents_dir = bag / "documents"
        documents_dir.mkdir(parents=True)
        files = [(a["sha256"], a["file"]) for a in catalog["articles"]] + \
                [(d["sha256"], d["file"]) for d in catalog["documents"]]
        total = len(files) + 3
        for done, (sha256, name) in enumerate(dict.fromkeys(files)):
            progress(Progress(done, total, name))
            if cancel is not None:
                cancel.raise_if_cancelled()
            shutil.copyfile(archive.files.path_for(sha256), bag / name)
        documents = {d["id"]: d for d in catalog["documents"]}
        annotations = []
        for article in catalog["articles"]:
            for claim in article["claims"]:
                annotations.append(claim_annotation(article, claim, user))
                for link in claim["links"]:
                    annotations.append(link_annotation(article, claim, link, documents.get(link["document"]),
                                                       texts.get(link["document"]), user))
        _write_json(bag / "annotations.jsonld", annotation_collection(bundle_id, annotations))
        _write_json(bag / "catalog.json", catalog)
        (bag / "report.html").write_text(render_report(catalog, texts), encoding="utf-8")
        (bag / "claims.csv").write_text(render_csv(catalog), encoding="utf-8", newline="")
        progress(Progress(total - 1, total, "checksums"))
        bagit.make_bag(str(bag), {
            "Source-Organization": organization,
            "External-Identifier": f"urn:uuid:{uuid.UUID(bundle_id)}",
            "External-Description": f"Footnote bundle: {len(catalog['articles'])} article(s), "
                                    f"{len(catalog['documents'])} document(s)",
            "Bag-Software-Agent": f"Footnote {__version__} with bagit {bagit.VERSION}",
        }, checksums=["sha256"])
        (bag / "manifest-sha512.txt").unlink(missing_ok=True)
        zip_path = staging / "bundle.zip"
        _zip(bag, zip_path)
        os.replace(zip_path, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    progress(Progress(total, total, ""))
    claims = sum(len(a["claims"]) for a in catalog["articles"])
    links = sum(len(c["links"]) for a in catalog["articles"] for c in a["claims"])
    return ExportReport(target, len(catalog["articles"]), len(catalog["documents"]), claims, links,
                        target.stat().st_size, bundle_id)


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False), encoding="utf-8")


def _zip(bag: Path, target: Path) -> None:
    """Zip the bag folder (one top folder inside), in a stable order, without absolute paths."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive_zip:
        for path in sorted(p for p in bag.rglob("*") if p.is_file()):
            name = f"{BAG_FOLDER}/{path.relative_to(bag).as_posix()}"
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if path.suffix == ".pdf" else zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            with open(path, "rb") as handle:
                archive_zip.writestr(info, handle.read())
