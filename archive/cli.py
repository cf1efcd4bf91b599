"""The ``footnote`` command line.

Every failure a user can cause ends in one line on stderr and a non-zero exit
code; an unexpected one is logged with its traceback to ``footnote.log`` in the
archive folder and reported in one line that says where the details are.
Without a command, ``footnote`` starts the desktop application.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import json
import logging
import sqlite3
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from sqlalchemy.exc import SQLAlchemyError

from archive import __version__, recovery
from archive.errors import ArchiveInUse, FootnoteError
from archive.launcher import release_collector
from archive.attach import attach, detach
from archive.documents import find_document, list_documents
from archive.importing import ImportReport, Outcome, Role, import_paths
from archive.paths import ArchiveLayout, resolve_archive_dir
from archive.progress import Progress
from archive.queries import article_detail, find_article, list_articles
from archive.verify import verify_articles
from archive.store import Archive

log = logging.getLogger("footnote")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="footnote",
        description="Footnote: an offline archive that ties every claim to its source. "
                    "Without a command, the desktop application starts.",
    )
    parser.add_argument("--archive", metavar="DIR",
                        help="archive folder (default: $FOOTNOTE_ARCHIVE, else the user data folder)")
    parser.add_argument("--version", action="version", version=f"footnote {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = commands.add_parser("import", help="import articles and source documents (files or folders)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files or folders to import")
    p.add_argument("--as", dest="as_role", choices=[Role.ARTICLE.value, Role.SOURCE.value],
                   help="import web pages and text files as this (default: digests, text and Markdown are "
                        "articles; PDFs and web pages are sources)")
    p.add_argument("--password", help="password for encrypted PDFs")
    p.set_defaults(run=cmd_import)

    p = commands.add_parser("articles", help="list the articles in the archive")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(run=cmd_articles)

    p = commands.add_parser("show", help="show one article with its claims and sources")
    p.add_argument("article", metavar="ARTICLE", help="an article id or a unique prefix of one")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_show)

    p = commands.add_parser("documents", help="list the source documents")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(run=cmd_documents)

    p = commands.add_parser("verify", help="check every claim of an article against its attached sources")
    p.add_argument("article", metavar="ARTICLE", help="an article id or a unique prefix of one")
    p.add_argument("--json", action="store_true", help="print the claims with their statuses and links")
    p.set_defaults(run=cmd_verify)

    p = commands.add_parser("attach", help="attach a document to a numbered source of an article")
    p.add_argument("article", metavar="ARTICLE")
    p.add_argument("number", metavar="SOURCE_NUMBER", type=int)
    p.add_argument("document", metavar="DOCUMENT", help="a document id or a unique prefix of one")
    p.set_defaults(run=cmd_attach)

    p = commands.add_parser("detach", help="detach the document from a numbered source of an article")
    p.add_argument("article", metavar="ARTICLE")
    p.add_argument("number", metavar="SOURCE_NUMBER", type=int)
    p.set_defaults(run=cmd_detach)

    p = commands.add_parser("search", help="search articles, claims, sources and notes")
    p.add_argument("query", nargs="+", metavar="QUERY", help='words, "phrases", prefix*, fuzzy~, AND OR NOT, '
                   "title: type: status: category: tag: source: date:")
    p.add_argument("--json", action="store_true", help="print the results as one JSON object")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    p.add_argument("--type", action="append", choices=["article", "claim", "source", "note"],
                   help="only hits of this type (repeatable)")
    p.set_defaults(run=cmd_search)

    p = commands.add_parser("reindex", help="rebuild the search index from the catalog")
    p.set_defaults(run=cmd_reindex)

    p = commands.add_parser("export", help="export articles with their documents and annotations as a bundle")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("article", nargs="?", metavar="ARTICLE", help="an article id or a unique prefix of one")
    which.add_argument("--collection", metavar="NAME", help="a collection, by name or id")
    which.add_argument("--all", action="store_true", help="the whole archive")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.zip")
    p.set_defaults(run=cmd_export)

    p = commands.add_parser("export-pdf", help="a copy of a source PDF with its linked passages highlighted")
    p.add_argument("document", metavar="DOCUMENT", help="a document id or a unique prefix of one")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.pdf")
    p.set_defaults(run=cmd_export_pdf)

    p = commands.add_parser("settings", help="show or change archive settings (organization, user)")
    p.add_argument("key", nargs="?", choices=["organization", "user"])
    p.add_argument("value", nargs="?")
    p.set_defaults(run=cmd_settings)

    p = commands.add_parser("check", help="check the database, every stored file's SHA-256, and the catalog "
                                          "against files and search index; exits 1 on any problem")
    p.add_argument("--repair", action="store_true",
                   help="fix what can be fixed and say what was done: rebuild the index, remove orphans and "
                        "leftovers, re-link moved files, restore a damaged database from the newest good backup "
                        "(exits 0 when nothing is left to fix)")
    p.add_argument("--search", action="append", type=Path, default=[], metavar="DIR",
                   help="with --repair: look for missing stored files (by SHA-256) in this folder too")
    p.add_argument("--quick", action="store_true", help="check that stored files exist, without re-hashing them")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(run=cmd_check)

    p = commands.add_parser("gui", help="start the desktop application (the default)")
    p.set_defaults(run=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.run = cmd_gui
    if args.run is not cmd_gui:  # the desktop lets the collector go once its window is up
        release_collector()
    root = resolve_archive_dir(args.archive)
    _log_to(root)
    logging.raiseExceptions = False  # a log file on a full or read-only disk must not print tracebacks
    recovery.listeners.append(_print_notice)
    try:
        return int(args.run(args, root) or EXIT_OK)
    except FootnoteError as error:
        print(f"footnote: {error}", file=sys.stderr)
        return EXIT_FAILED
    except (OSError, sqlite3.Error, SQLAlchemyError) as error:
        if recovery.means_disk_full(error, root):
            # whatever was being written was rolled back and removed
            print(f"footnote: {recovery.disk_full_message(error, root)}", file=sys.stderr)
            return EXIT_FAILED
        if recovery.is_damage_error(error):
            print(f"footnote: the archive database is damaged ({str(error).splitlines()[0][:160]}): "
                  f"footnote check --repair restores the newest good backup", file=sys.stderr)
            return EXIT_FAILED
        if isinstance(error, OSError) and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            print(f"footnote: {error.strerror or error}: {error.filename or root}", file=sys.stderr)
            return EXIT_FAILED
        if isinstance(error, BrokenPipeError):
            return EXIT_OK
        log.exception("unexpected error")
        print(f"footnote: unexpected error: {error!r} (details in {ArchiveLayout(root).log})", file=sys.stderr)
        return EXIT_BUG
    except KeyboardInterrupt:
        print("footnote: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: one line for the user, the traceback in the log
        log.exception("unexpected error")
        print(f"footnote: unexpected error: {error!r} (details in {ArchiveLayout(root).log})", file=sys.stderr)
        return EXIT_BUG
    finally:
        recovery.listeners.remove(_print_notice)


def _print_notice(text: str) -> None:
    """What opening the archive found and did (crash recovery, a restored backup): one line on stderr."""
    print(f"footnote: {text}", file=sys.stderr)


def _log_to(root: Path) -> None:
    """Send log records to the archive's log file, when the archive folder exists and can be written."""
    if not root.is_dir() or recovery.read_only_reason(ArchiveLayout(root)):
        return
    path = ArchiveLayout(root).log
    logger = logging.getLogger()
    for handler in list(logger.handlers):
        if isinstance(handler, _ArchiveLog):
            if handler.baseFilename == str(path.absolute()):
                return
            logger.removeHandler(handler)  # another archive's, from an earlier command in this process
            handler.close()
    try:
        handler = _ArchiveLog(path, encoding="utf-8", delay=True)
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


class _ArchiveLog(logging.FileHandler):
    """The archive's log file; a log that cannot be written (a full or vanished disk) never stops a command."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            super().emit(record)
        except OSError:
            self.handleError(record)


# --- commands ----------------------------------------------------------------


def cmd_import(args: argparse.Namespace, root: Path) -> int:
    missing = [path for path in args.files if not path.exists()]
    for path in missing:
        print(f"footnote: no such file or folder: {path}", file=sys.stderr)
    present = [path for path in args.files if path.exists()]
    if not present:
        return EXIT_FAILED
    with Archive.open(root, create=True) as archive:
        _log_to(root)
        report = import_paths(archive, present, as_role=Role(args.as_role) if args.as_role else None,
                              password=args.password, progress=_progress_printer(sys.stderr))
    _print_report(report, sys.stdout)
    if any(result.disk_full for result in report.failed):
        print(f"footnote: {recovery.disk_full_message(where=root)}", file=sys.stderr)
    return EXIT_FAILED if report.failed or missing else EXIT_OK


def cmd_documents(args: argparse.Namespace, root: Path) -> int:
    with Archive.open(root, read_only=True) as archive, archive.session() as session:
        documents = list_documents(session)
    if args.json:
        _print_json([d.as_json() for d in documents])
        return EXIT_OK
    if not documents:
        print("no documents yet: footnote import FILE.pdf")
    for d in documents:
        status = "" if d.status == "ok" else f"  [{d.reason}]"
        print(f"{d.id[:8]}  {d.kind:<8} {d.pages:>4} pages {d.passages:>5} passages  {d.title}{status}")
    return EXIT_OK


def cmd_verify(args: argparse.Namespace, root: Path) -> int:
    with Archive.open(root) as archive:
        with archive.session() as session:
            article_id = find_article(session, args.article).id
        report = verify_articles(archive, [article_id])
        detail = article_detail(archive, article_id)
    if args.json:
        _print_json({"id": detail["id"], "title": detail["title"], "statuses": dict(report.articles[0].statuses),
                     "claims": detail["claims"]})
        return EXIT_OK
    _print_verification(detail, sys.stdout)
    return EXIT_OK


def cmd_attach(args: argparse.Namespace, root: Path) -> int:
    with Archive.open(root) as archive:
        with archive.session() as session:
            article = find_article(session, args.article)
            document = find_document(session, args.document)
            attach(session, article.id, args.number, document.id)
            print(f"attached: [{args.number}] of article {article.id[:8]} \u2192 document {document.id[:8]} "
                  f"\u201c{document.title}\u201d")
        report = verify_articles(archive, [article.id])
    print(_status_line(report.articles[0].statuses))
    return EXIT_OK


def cmd_detach(args: argparse.Namespace, root: Path) -> int:
    with Archive.open(root) as archive:
        with archive.session() as session:
            article = find_article(session, args.article)
            detach(session, article.id, args.number)
            print(f"detached: [{args.number}] of article {article.id[:8]}")
        report = verify_articles(archive, [article.id])
    print(_status_line(report.articles[0].statuses))
    return EXIT_OK


def cmd_articles(args: argparse.Namespace, root: Path) -> int:
    with Archive.open(root, read_only=True) as archive:
        articles = list_articles(archive)
    if args.json:
        _print_json(articles)
        return EXIT_OK
    if not articles:
        print("no articles yet: footnote import FILE")
    for article in articles:
        date = (article["published"] or "")[:10] or "          "
        print(f"{article['id'][:8]}  {date}  {article['claims']:>3} claims  {article['title']}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace, root: Path) -> int:
    with Archive.open(root, read_only=True) as archive:
        detail = article_detail(archive, args.article)
    if args.json:
        _print_json(detail)
    else:
        _print_article(detail, sys.stdout)
    return EXIT_OK


def cmd_search(args: argparse.Namespace, root: Path) -> int:
    from archive.search.query import search

    text = " ".join(args.query)
    with _archive_with_index(root) as archive, archive.session() as session:
        result = search(archive.search_index, session, text, limit=max(1, args.limit), types=args.type)
    if args.json:
        _print_json(result.as_json())
        return EXIT_OK
    if result.error:
        print(f"footnote: {result.error}" + (f"; searching the words instead: {result.fallback}"
                                             if result.fallback else ""), file=sys.stderr)
        if not result.fallback:
            return EXIT_FAILED
    _print_search(result, sys.stdout)
    return EXIT_OK


def _archive_with_index(root: Path) -> Archive:
    """Open read-only when the index is sound; otherwise open for writing and rebuild it first."""
    archive = Archive.open(root, read_only=True)
    if archive.search_index.state().ok:
        return archive
    archive.close()
    archive = Archive.open(root)
    print("footnote: building the search index\u2026", file=sys.stderr)
    archive.search_index.ensure(archive, progress=_progress_printer(sys.stderr))
    return archive


def cmd_reindex(args: argparse.Namespace, root: Path) -> int:
    with Archive.open(root) as archive:
        count = archive.search_index.rebuild(archive, progress=_progress_printer(sys.stderr))
    print(f"search index rebuilt: {count} records")
    return EXIT_OK


def cmd_export(args: argparse.Namespace, root: Path) -> int:
    from archive.bundles.export import export_bundle
    from archive.collections import find_collection

    if args.output.suffix.lower() != ".zip":
        raise FootnoteError("the bundle file must end in .zip")
    with Archive.open(root, read_only=True) as archive:
        with archive.session() as session:
            article = find_article(session, args.article).id if args.article else None
            collection = find_collection(session, args.collection).id if args.collection else None
        report = export_bundle(archive, args.output, articles=[article] if article else [], collection=collection,
                               everything=args.all, progress=_progress_printer(sys.stderr))
    print(f"exported {report.articles} article(s), {report.documents} document(s), {report.claims} claim(s), "
          f"{report.links} link(s) to {report.path} ({report.size / 1024:.0f} KB)")
    return EXIT_OK


def cmd_export_pdf(args: argparse.Namespace, root: Path) -> int:
    from archive.bundles.pdfannot import export_annotated_pdf

    with Archive.open(root, read_only=True) as archive:
        with archive.session() as session:
            document = find_document(session, args.document)
        count = export_annotated_pdf(archive, document.id, args.output)
    print(f"wrote {args.output} with {count} highlight(s)")
    return EXIT_OK


SETTING_KEYS = {"organization": "source_organization", "user": "user_name"}


def cmd_settings(args: argparse.Namespace, root: Path) -> int:
    from archive.bundles.export import set_setting, setting

    if args.key and args.value is not None:
        with Archive.open(root, create=True) as archive:
            set_setting(archive, SETTING_KEYS[args.key], args.value)
    with Archive.open(root, read_only=True) as archive:
        for name, key in SETTING_KEYS.items():
            if args.key in (None, name):
                print(f"{name}: {setting(archive, key) or '(not set)'}")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, root: Path) -> int:
    from archive.check import check_archive, report_json

    if args.search and not args.repair:
        raise FootnoteError("--search only helps --repair find missing files")
    try:
        archive = Archive.open(root)
    except (ArchiveInUse, recovery.ArchiveReadOnly) as error:
        if args.repair:
            raise
        archive = Archive.open(root, read_only=True)
        print(f"footnote: checking read-only ({error}): files being imported right now may show as orphans",
              file=sys.stderr)
    with archive:
        report = check_archive(archive, repair=args.repair, fixity=not args.quick, search_folders=args.search,
                               progress=_progress_printer(sys.stderr))
    if args.json:
        print(report_json(report))
    else:
        for line in report.lines():
            print(line)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_gui(args: argparse.Namespace, root: Path) -> int:
    """Start the desktop application (imported late: the core never loads Qt)."""
    try:
        app = importlib.import_module("desktop.app")
    except ImportError as error:
        raise FootnoteError(f"the desktop application cannot start: {error}") from None
    return int(app.run(root, explicit=bool(args.archive)))


# --- output ------------------------------------------------------------------


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


STATUS_ORDER = ("verified", "partial", "not_found", "no_source")


def _status_line(statuses: dict[str, int]) -> str:
    parts = [f"{statuses.get(s, 0)} {s.replace('_', ' ')}" for s in STATUS_ORDER if statuses.get(s)]
    return "claims: " + (", ".join(parts) if parts else "none")


def _print_report(report: ImportReport, out: TextIO) -> None:
    labels = {Outcome.IMPORTED: "imported", Outcome.KEPT: "kept without text",
              Outcome.DUPLICATE: "already in archive", Outcome.SKIPPED: "skipped", Outcome.FAILED: "FAILED"}
    for result in report.results:
        print(f"{labels[result.outcome]}: {result.path}: {result.message}", file=out)
        for warning in result.warnings:
            print(f"  warning: {warning}", file=out)
    for a in report.attached:
        print(f"attached: [{a.number}] \u201c{a.entry_title}\u201d of article {a.article_id[:8]} "
              f"\u2192 document {a.document_id[:8]} ({a.score:.0f}% title match)", file=out)
    for a in report.ambiguous:
        print(f"not attached: [{a.number}] \u201c{a.entry_title}\u201d of article {a.article_id[:8]} matches "
              f"several documents ({', '.join(d[:8] for d in a.documents)}): attach one by hand", file=out)
    if report.verification:
        for article in report.verification.articles:
            print(f"verified article {article.article_id[:8]}: {_status_line(article.statuses)}", file=out)
    counts = ", ".join(f"{len(report.of(o))} {labels[o].lower()}" for o in Outcome if report.of(o))
    print(f"{counts or 'nothing to import'}{' (cancelled)' if report.cancelled else ''}", file=out)


def _print_search(result, out: TextIO) -> None:
    if result.suggestion:
        print(f"did you mean: {result.suggestion}?", file=out)
    print(f"{result.total} hit{'s' if result.total != 1 else ''} for {result.fallback or result.query}", file=out)
    marked = out.isatty()
    for document, hits in result.grouped():
        print(f"\n{hits[0].title}  [{document[:8]}]", file=out)
        for hit in hits:
            where = f"p. {hit.page} " if hit.page else ""
            snippet = _unmark(hit.snippet, marked)
            print(f"  {hit.type:<7} {where}{snippet}", file=out)
    facets = "; ".join(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                       for name, counts in result.facets.items() if counts)
    if facets:
        print(f"\n{facets}", file=out)


def _unmark(snippet: str, terminal: bool) -> str:
    """Matched words in bold on a terminal, between asterisks elsewhere."""
    import html as _html

    on, off = ("\033[1m", "\033[0m") if terminal else ("*", "*")
    return _html.unescape(snippet.replace("<mark>", on).replace("</mark>", off))


def _print_verification(detail: dict[str, Any], out: TextIO) -> None:
    print(detail["title"], file=out)
    for number, claim in enumerate(detail["claims"], start=1):
        print(f"{number:>3}. [{claim['status']}] {claim['text'][:100]}", file=out)
        for link in claim["links"]:
            page = f", page {link['page']}" if link["page"] else ""
            print(f"     [{link['source']}] {link['score']:.0%}{page}: \u201c{link['exact'][:90]}\u201d", file=out)
            print(f"         {link['reason']}", file=out)


def _print_article(detail: dict[str, Any], out: TextIO) -> None:
    print(detail["title"], file=out)
    meta = " · ".join(x for x in (detail["published"], detail["category"]) if x)
    if meta:
        print(meta, file=out)
    print(f"id {detail['id']}", file=out)
    for warning in detail["warnings"]:
        print(f"warning: {warning}", file=out)
    print(f"\nClaims ({len(detail['claims'])})", file=out)
    for number, claim in enumerate(detail["claims"], start=1):
        cites = "; ".join(
            f"[{c['source']}]" + (f" sentences {','.join(map(str, c['sentences']))}" if c["sentences"] else "")
            for c in claim["citations"]) or "no citation"
        print(f"{number:>3}. [{claim['status']}] {claim['text']}\n     cites {cites}", file=out)
    print(f"\nSources ({len(detail['sources'])})", file=out)
    for source in detail["sources"]:
        publisher = f" ({source['publisher']})" if source["publisher"] else ""
        cited = "" if source["cited"] else "  [not cited]"
        document = source["document"]
        attached = f"\n     \u2192 document {document['id'][:8]} \u201c{document['title']}\u201d" if document else ""
        print(f"{source['number']:>3}. {source['title']}{publisher}{cited}{attached}", file=out)


def _progress_printer(out: TextIO):
    """A progress bar on a terminal; nothing extra when output goes to a file or pipe."""
    if not out.isatty():
        return lambda progress: None

    def show(progress: Progress) -> None:
        width = 30
        filled = width * progress.done // max(progress.total, 1)
        out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {progress.done}/{progress.total} "
                  f"{progress.label[:40]:<40}")
        if progress.done >= progress.total:
            out.write("\n")
        out.flush()

    return show


if __name__ == "__main__":
    sys.exit(main())
