"""The smoke test of a built or installed Footnote: ``Footnote --selftest``.

It goes through what a user does first, in a temporary folder, offscreen, and
prints one line per step::

    selftest: ok   qt        Qt 6.12.0 (PySide6 6.12.0), offscreen, Python 3.11.7, frozen in /opt/Footnote (1072 ms)
    selftest: ok   resources 8 demo files, 12 expected claims, 8 icon sizes + SVG (3 ms)
    ...
    selftest: passed 12 steps in 4.4 s

It starts Qt with the shipped stylesheet (and, frozen, checks that nothing is
imported from outside the application's folder), finds the shipped resources,
creates an archive, imports the sample digest, a source PDF and a saved web
page (both read in the sandbox's child processes, so a frozen build that cannot
start its workers fails here), verifies the article against the expectations
shipped with the demo, searches, exports a bundle and validates it as a
receiving Footnote would, renders a PDF page with QtPdf and shows the main
window.  The first failing step prints ``FAIL`` with the reason (its traceback
on stderr), the later steps are skipped, and the exit code is 1.  A watchdog
ends a hung run with code 1 and every thread's traceback.

Nothing outside the temporary folder is touched: the user's archive, settings
and config folder are never read or written, and it works with an empty
environment (``env -i``).  ``--keep`` leaves the folder for inspection.

:func:`install_startup_probe` is the cold-start measurement used by the
packaged entry point when ``FOOTNOTE_STARTUP_PROBE`` is set.
"""

from __future__ import annotations

import argparse
import faulthandler
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO

WATCHDOG_SECONDS = 240.0
PDF_SOURCE = 2  # the demo's Fortune article: a two-page PDF
WEB_SOURCE = 3  # the demo's saved web page
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


class SelftestFailure(Exception):
    """A check did not hold; the message says what was expected and what came."""


def check(condition: object, message: str) -> None:
    if not condition:
        raise SelftestFailure(message)


@dataclass
class Context:
    folder: Path
    demo: dict[str, Any] = field(default_factory=dict)  # EXPECTED.json
    files: dict[str, Path] = field(default_factory=dict)
    archive: Any = None
    article: str = ""
    documents: dict[int, str] = field(default_factory=dict)  # source number -> document id
    bundle: Any = None  # the ExportReport

    @property
    def root(self) -> Path:
        return self.folder / "archive"


# --- the steps ----------------------------------------------------------------------------


def step_qt(ctx: Context) -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion
    from PySide6.QtGui import QGuiApplication

    from desktop.app import application

    app = application()  # styled with the shipped stylesheet, as the real start does
    platform = QGuiApplication.platformName()
    check(platform == "offscreen", f"expected the offscreen platform, got {platform!r}")
    check(app.styleSheet().strip(), "the application stylesheet is empty (resources/styles/app.qss not found?)")
    how = "from source"
    if getattr(sys, "frozen", False):  # everything must come from the bundle, nothing from a Python installed here
        bundle = Path(sys._MEIPASS).resolve()  # noqa: SLF001 (PyInstaller's documented attribute)
        outside = [p for p in sys.path if p and not Path(p).resolve().is_relative_to(bundle)]
        check(not outside, f"the frozen application imports from outside its folder: {outside}")
        how = f"frozen in {bundle.parent}"
    return (f"Qt {qVersion()} (PySide6 {pyside_version}), {platform}, "
            f"Python {sys.version.split()[0]}, {how}")


def step_resources(ctx: Context) -> str:
    from importlib import resources

    from PySide6.QtGui import QIcon

    from archive.demo import demo_files

    files = demo_files()
    check(len(files) >= 3, f"expected the digest and its sources in resources/demo, found {len(files)} files")
    for path in files:
        check(path.is_file() and path.stat().st_size > 0, f"demo file missing or empty: {path}")
    digest, sources = files[0], files[1:]
    ctx.files["digest"] = digest
    for number in (PDF_SOURCE, WEB_SOURCE):
        match = [p for p in sources if p.name.startswith(f"{number}-")]
        check(len(match) == 1, f"expected one demo source numbered {number}, found {[p.name for p in match]}")
        ctx.files[f"source {number}"] = match[0]
    ctx.demo = json.loads((digest.parent / "sources" / "EXPECTED.json").read_text(encoding="utf-8"))
    icons = resources.files("resources") / "icons"
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icons / f"footnote-{size}.png"))
    check(not icon.isNull() and len(icon.availableSizes()) == len(ICON_SIZES),
          f"expected {len(ICON_SIZES)} icon sizes, loaded {len(icon.availableSizes())}")
    check((icons / "footnote.svg").is_file(), "resources/icons/footnote.svg is missing")
    return f"{len(files)} demo files, {len(ctx.demo['claims'])} expected claims, {len(ICON_SIZES)} icon sizes + SVG"


def step_archive(ctx: Context) -> str:
    from archive.paths import ArchiveLayout
    from archive.store import Archive

    ctx.archive = Archive.open(ctx.root, create=True)
    check(ArchiveLayout(ctx.root).exists(), f"no archive was created at {ctx.root}")
    return f"created {ctx.root}"


def step_digest(ctx: Context) -> str:
    from archive.importing import Outcome, import_paths

    report = import_paths(ctx.archive, [ctx.files["digest"]])
    result = report.results[0]
    check(result.outcome is Outcome.IMPORTED and result.article_id, f"the digest was not imported: {result.message}")
    ctx.article = result.article_id
    detail = _detail(ctx)
    expected = len(ctx.demo["claims"])
    check(len(detail["claims"]) == expected, f"expected {expected} claims, the digest gave {len(detail['claims'])}")
    check(len(detail["sources"]) == len(ctx.demo["sources"]),
          f"expected {len(ctx.demo['sources'])} sources, the digest gave {len(detail['sources'])}")
    return f"article {ctx.article[:8]}: {len(detail['claims'])} claims, {len(detail['sources'])} sources"


def _import_source(ctx: Context, number: int, kind: str) -> str:
    from archive.importing import Outcome, import_paths

    path = ctx.files[f"source {number}"]
    started = time.monotonic()
    report = import_paths(ctx.archive, [path])
    result = report.results[0]
    check(result.outcome is Outcome.IMPORTED and result.document_id,
          f"{path.name} was not imported ({result.outcome.value}): {result.message}")
    attached = [a for a in report.attached if a.article_id == ctx.article]
    check([a.number for a in attached] == [number],
          f"{path.name} should attach to source [{number}], attached to {[a.number for a in attached]}")
    ctx.documents[number] = result.document_id
    document = _detail(ctx)["sources"][number - 1]["document"]
    check(document and document["status"] == "ok", f"{path.name} is not readable in the archive: {document}")
    return (f"{kind} {path.name} \u2192 source [{number}], read in a worker process in "
            f"{time.monotonic() - started:.1f} s")


def step_pdf(ctx: Context) -> str:
    return _import_source(ctx, PDF_SOURCE, "PDF")


def step_web_page(ctx: Context) -> str:
    return _import_source(ctx, WEB_SOURCE, "web page")


def step_verify(ctx: Context) -> str:
    from archive.verify import verify_articles

    report = verify_articles(ctx.archive, [ctx.article])
    claims = _detail(ctx)["claims"]
    attached = set(ctx.documents)
    wrong = []
    for expected, claim in zip(ctx.demo["claims"], claims):
        want = expected["status"] if expected["source"] in attached else "no_source"
        if claim["status"] != want:
            wrong.append(f"claim {expected['order']}: {claim['status']} (expected {want})")
    check(not wrong, "; ".join(wrong))
    statuses = report.articles[0].statuses
    check(statuses.get("verified"), "no claim was verified")
    return ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(statuses.items())) + ", as expected"


def step_search(ctx: Context) -> str:
    from archive.search.query import search

    word = "billionaires"  # in the PDF's title and text
    with ctx.archive.session() as session:
        result = search(ctx.archive.search_index, session, word, limit=20)
        phrase = search(ctx.archive.search_index, session, '"executive order"', limit=20)
    check(result.error is None, f"the query {word!r} failed: {result.error}")
    documents = {hit.document for hit in result.hits}
    check(ctx.documents[PDF_SOURCE] in documents, f"searching {word!r} did not find the PDF (hits: {documents})")
    check(phrase.total > 0, "the phrase \"executive order\" found nothing")
    return f"{word!r}: {result.total} hits, the PDF among them; \"executive order\": {phrase.total} hits"


def step_export(ctx: Context) -> str:
    from archive.bundles.export import export_bundle

    target = ctx.folder / "bundle.zip"
    ctx.bundle = report = export_bundle(ctx.archive, target, articles=[ctx.article])
    check(target.is_file() and report.size > 0, f"no bundle was written at {target}")
    check(report.articles == 1 and report.documents == len(ctx.documents),
          f"expected 1 article and {len(ctx.documents)} documents, exported {report.articles} and {report.documents}")
    return (f"{report.articles} article, {report.documents} documents, {report.claims} claims, "
            f"{report.links} links, {report.size / 1024:.0f} KB")


def step_validate(ctx: Context) -> str:
    import bagit

    from archive.bundles.merge import read_catalog
    from archive.bundles.unpack import check_zip, extract

    path = ctx.bundle.path
    entries = check_zip(path)  # what a receiving Footnote checks before unpacking
    bag_dir = extract(path, entries, ctx.folder / "unpacked")
    bag = bagit.Bag(str(bag_dir))
    bag.validate(fast=False)  # every checksum
    catalog = read_catalog(bag_dir)
    check(catalog["id"] == ctx.bundle.bundle_id, "the catalog's id is not the exported bundle's")
    check([a["id"] for a in catalog["articles"]] == [ctx.article], "the catalog does not hold the exported article")
    for record in catalog["documents"]:
        data = (bag_dir / "data" / record["file"]).read_bytes()
        check(hashlib.sha256(data).hexdigest() == record["sha256"], f"{record['file']} does not match its SHA-256")
    for name in ("annotations.jsonld", "report.html", "claims.csv"):
        check((bag_dir / "data" / name).is_file(), f"the bundle has no {name}")
    return f"{len(entries)} entries, BagIt checksums and catalog valid"


def step_render(ctx: Context) -> str:
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    with ctx.archive.session() as session:
        from archive.models import Document

        sha256 = session.get(Document, ctx.documents[PDF_SOURCE]).file_sha256
    pdf = QPdfDocument(None)
    try:
        error = pdf.load(str(ctx.archive.files.path_for(sha256)))
        check(error == QPdfDocument.Error.None_, f"QtPdf could not open the stored PDF: {error}")
        check(pdf.pageCount() >= 1, "QtPdf sees no pages")
        points = pdf.pagePointSize(0)
        size = QSize(round(points.width() * 96 / 72), round(points.height() * 96 / 72))  # 96 dpi
        image = pdf.render(0, size)
        check(not image.isNull() and image.size() == size, f"rendering page 1 gave {image.size()}, wanted {size}")
        page = QImage(size, QImage.Format.Format_RGB32)  # on white paper: the render may be transparent
        page.fill(QColor("white"))
        painter = QPainter(page)
        painter.drawImage(0, 0, image)
        painter.end()
        ink = _dark_share(page.convertToFormat(QImage.Format.Format_Grayscale8))
        check(0.002 < ink < 0.5, f"page 1 did not render as a page of text ({ink:.2%} dark pixels)")
        return f"page 1 of {pdf.pageCount()} at {size.width()}\u00d7{size.height()} px, {ink:.1%} ink"
    finally:
        pdf.close()


def step_window(ctx: Context) -> str:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from archive.store import Archive
    from desktop.main_window import MainWindow

    ctx.archive.close()  # the window opens the archive for itself, as the application does
    ctx.archive = None
    settings = QSettings(str(ctx.folder / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Archive.open(ctx.root), settings=settings)
    try:
        window.resize(1200, 800)
        window.show()
        deadline = time.monotonic() + 10
        while not window.windowHandle().isExposed() and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.01)
        check(window.windowHandle().isExposed(), "the main window was not shown within 10 s")
        for _ in range(20):
            QApplication.processEvents()
        grab = window.grab()
        check(not grab.isNull(), "the main window could not be drawn")
        return f"\u201c{window.windowTitle()}\u201d shown and drawn at {grab.width()}\u00d7{grab.height()}"
    finally:
        window.close()  # saves the layout to the private settings file and closes the archive
        QApplication.processEvents()


STEPS: list[tuple[str, Callable[[Context], str]]] = [
    ("qt", step_qt),
    ("resources", step_resources),
    ("archive", step_archive),
    ("digest", step_digest),
    ("pdf", step_pdf),
    ("web page", step_web_page),
    ("verify", step_verify),
    ("search", step_search),
    ("export", step_export),
    ("validate", step_validate),
    ("render", step_render),
    ("window", step_window),
]


def _detail(ctx: Context) -> dict[str, Any]:
    from archive.queries import article_detail

    return article_detail(ctx.archive, ctx.article)


def _dark_share(gray) -> float:
    """The share of pixels darker than mid-grey in a Grayscale8 image."""
    width, height, stride = gray.width(), gray.height(), gray.bytesPerLine()
    data = bytes(gray.constBits())
    light = bytes(range(128, 256))
    dark = sum(len(data[row * stride: row * stride + width].translate(None, light)) for row in range(height))
    return dark / max(width * height, 1)


# --- running -------------------------------------------------------------------------------


@contextmanager
def private_environment(folder: Path) -> Iterator[None]:
    """Offscreen Qt and XDG folders inside ``folder`` for the run; the environment is restored after."""
    wanted = {
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(folder / "config"),
        "XDG_DATA_HOME": str(folder / "data"),
        "XDG_CACHE_HOME": str(folder / "cache"),
        "XDG_RUNTIME_DIR": str(folder / "runtime"),
    }
    (folder / "runtime").mkdir(mode=0o700, exist_ok=True)
    if not any(os.environ.get(name) for name in ("LC_ALL", "LC_CTYPE", "LANG")):
        wanted["LC_ALL"] = "C.UTF-8"  # what Qt would switch to anyway, saying so on stderr (env -i)
    saved = {name: os.environ.get(name) for name in [*wanted, "FOOTNOTE_ARCHIVE"]}
    os.environ.update(wanted)
    os.environ.pop("FOOTNOTE_ARCHIVE", None)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run(out: TextIO | None = None, *, keep: bool = False, steps: list[tuple[str, Callable]] | None = None) -> int:
    """Run the steps in a fresh temporary folder; 0 when every step passed, else 1."""
    out = out or sys.stdout
    steps = STEPS if steps is None else steps
    width = max(len(name) for name, _ in steps)
    folder = Path(tempfile.mkdtemp(prefix="footnote-selftest-"))
    ctx = Context(folder)
    started = time.monotonic()
    failed = False
    try:
        with private_environment(folder):
            for name, step in steps:
                begun = time.monotonic()
                try:
                    detail = step(ctx)
                except Exception as error:  # every failure is reported, not raised
                    reason = str(error) if isinstance(error, SelftestFailure) else f"{type(error).__name__}: {error}"
                    print(f"selftest: FAIL {name:<{width}} {reason}", file=out, flush=True)
                    if not isinstance(error, SelftestFailure):
                        traceback.print_exc(file=sys.stderr)
                    failed = True
                    break
                print(f"selftest: ok   {name:<{width}} {detail} ({(time.monotonic() - begun) * 1000:.0f} ms)",
                      file=out, flush=True)
    finally:
        if ctx.archive is not None:
            ctx.archive.close()
        if keep:
            print(f"selftest: kept {folder}", file=out, flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.monotonic() - started
    if failed:
        print(f"selftest: FAILED after {elapsed:.1f} s", file=out, flush=True)
        return 1
    print(f"selftest: passed {len(steps)} steps in {elapsed:.1f} s", file=out, flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="Footnote --selftest",
                                     description="Smoke-test this Footnote offscreen in a temporary folder.")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    parser.add_argument("--timeout", type=float, default=WATCHDOG_SECONDS, metavar="SECONDS",
                        help=f"end a hung run after this long, with exit code 1 (default {WATCHDOG_SECONDS:.0f})")
    args = parser.parse_args(argv)
    faulthandler.dump_traceback_later(args.timeout, exit=True)  # prints every thread's stack, exits 1
    try:
        return run(keep=args.keep)
    finally:
        faulthandler.cancel_dump_traceback_later()


# --- cold start ----------------------------------------------------------------------------


def install_startup_probe(launched: str, out: TextIO | None = None) -> None:
    """Make the desktop application report when its main window has been drawn, then close it.

    ``launched`` is the launch time in seconds since the epoch (from the
    caller, e.g. ``date +%s.%N``); anything else counts from this process's
    start as the kernel recorded it.  The line printed is
    ``startup: main window shown after 1.234 s (interpreter ready after 0.123 s)``.
    """
    origin = _launch_time(launched)
    ready = time.time()  # the interpreter runs: what comes after is importing and building the window
    import desktop.app as desktop_app

    original = desktop_app.application
    probes: list[Any] = []

    def application(**options: Any):
        app = original(**options)
        if not probes:
            probes.append(_StartupProbe(app, origin, ready, out or sys.stdout))
        return app

    desktop_app.application = application


def _launch_time(value: str) -> float:
    try:
        stamp = float(value)
        if stamp > 1e9:
            return stamp
    except ValueError:
        pass
    try:  # the process start time, in clock ticks after boot
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        return time.time() - (uptime - ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return time.time()


def _startup_probe_class():
    from PySide6.QtCore import QEvent, QObject, QTimer

    class StartupProbe(QObject):
        """Waits for the first paint of the main window, then reports and closes the window."""

        def __init__(self, app, origin: float, ready: float, out: TextIO) -> None:
            super().__init__(app)
            self.origin, self.ready, self.out, self.done = origin, ready, out, False
            app.installEventFilter(self)

        def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
            if not self.done and event.type() == QEvent.Type.Paint and type(watched).__name__ == "MainWindow":
                self.done = True
                QTimer.singleShot(0, lambda: self.report(watched))  # after this paint has finished
            return False

        def report(self, window) -> None:
            print(f"startup: main window shown after {time.time() - self.origin:.3f} s "
                  f"(interpreter ready after {self.ready - self.origin:.3f} s)", file=self.out, flush=True)
            window.close()

    return StartupProbe


def _StartupProbe(app, origin: float, ready: float, out: TextIO):  # noqa: N802 (made on first use: Qt loads late)
    return _startup_probe_class()(app, origin, ready, out)


if __name__ == "__main__":
    sys.exit(main())
