"""The ``footnote`` command line.

Every failure a user can cause ends in one line on stderr and a non-zero exit
code; an unexpected one is logged with its traceback to ``footnote.log`` in the
archive folder and reported in one line that says where the details are.
Without a command, ``footnote`` starts the desktop application.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
from pathlib import Path
from typing import Any, Sequence, TextIO

from archive import __version__
from archive.errors import FootnoteError
from archive.importing import ImportReport, Outcome, import_paths
from archive.paths import ArchiveLayout, resolve_archive_dir
from archive.progress import Progress
from archive.queries import article_detail, list_articles
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

    p = commands.add_parser("import", help="import articles (.txt, .md digests) into the archive")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="files or folders to import")
    p.set_defaults(run=cmd_import)

    p = commands.add_parser("articles", help="list the articles in the archive")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(run=cmd_articles)

    p = commands.add_parser("show", help="show one article with its claims and sources")
    p.add_argument("article", metavar="ARTICLE", help="an article id or a unique prefix of one")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_show)

    p = commands.add_parser("gui", help="start the desktop application (the default)")
    p.set_defaults(run=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.run = cmd_gui
    root = resolve_archive_dir(args.archive)
    _log_to(root)
    try:
        return int(args.run(args, root) or EXIT_OK)
    except FootnoteError as error:
        print(f"footnote: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("footnote: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # a bug: one line for the user, the traceback in the log
        log.exception("unexpected error")
        print(f"footnote: unexpected error: {error!r} (details in {ArchiveLayout(root).log})", file=sys.stderr)
        return EXIT_BUG


def _log_to(root: Path) -> None:
    """Send log records to the archive's log file, when the archive folder exists."""
    if root.is_dir() and not log.handlers:
        try:
            handler = logging.FileHandler(ArchiveLayout(root).log, encoding="utf-8", delay=True)
        except OSError:
            return
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)


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
        report = import_paths(archive, present, progress=_progress_printer(sys.stderr))
    _print_report(report, sys.stdout)
    return EXIT_FAILED if report.failed or missing else EXIT_OK


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


def _print_report(report: ImportReport, out: TextIO) -> None:
    labels = {Outcome.IMPORTED: "imported", Outcome.DUPLICATE: "already in archive", Outcome.FAILED: "FAILED"}
    for result in report.results:
        print(f"{labels[result.outcome]}: {result.path}: {result.message}", file=out)
        for warning in result.warnings:
            print(f"  warning: {warning}", file=out)
    counts = ", ".join(f"{len(report.of(o))} {labels[o].lower()}" for o in Outcome if report.of(o))
    print(f"{counts or 'nothing to import'}{' (cancelled)' if report.cancelled else ''}", file=out)


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
        print(f"{source['number']:>3}. {source['title']}{publisher}{cited}", file=out)


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
