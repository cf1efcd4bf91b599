"""Small helpers shared by the benchmarks: timing, tables, JSON output, generated PDFs, pdftotext.

Import it first thing in a benchmark: it puts the repository root and ``tests/`` (for
``pdf_factory``) on ``sys.path``.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "benchmarks" / "out"
CACHE = OUT / "pdfs"  # generated PDFs are kept here between runs (generation is not what we measure)
for _path in (REPO, REPO / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


# --- timing and printing -------------------------------------------------------------------


def clock() -> float:
    return time.perf_counter()


def measure(fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None
            ) -> tuple[float, list[float], Any]:
    """Median seconds of ``repeat`` calls of ``fn`` (``setup`` runs untimed before each), all times, last result."""
    times, result = [], None
    for _ in range(repeat):
        if setup is not None:
            setup()
        gc.collect()
        start = clock()
        result = fn()
        times.append(clock() - start)
    return statistics.median(times), times, result


def say(line: str = "") -> None:
    print(line, flush=True)


def seconds(value: float) -> str:
    if value >= 10:
        return f"{value:.1f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.0f} ms"


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) if i == 0 else c.rjust(w)  # noqa: E731
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line([str(h) for h in headers]), "  ".join("-" * w for w in widths),
                      *(line(r) for r in rows)])


def machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "when": time.strftime("%Y-%m-%d %H:%M:%S")}


def write_json(name: str, data: dict[str, Any]) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path


# --- PDFs -----------------------------------------------------------------------------------


def page_count(path: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def pdftotext_seconds(files: Sequence[Path]) -> float:
    """One ``pdftotext`` process per file, text to /dev/null, one after the other (as poppler is used)."""
    start = clock()
    for path in files:
        subprocess.run([PDFTOTEXT, "-q", str(path), "/dev/null"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
    return clock() - start


def _tag(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:8]


def cached(name: str, make: Callable[[Path], Path]) -> Path:
    """``CACHE/name``, made by ``make(path)`` unless a previous run left it there."""
    path = CACHE / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part.pdf")
        make(partial)
        partial.replace(path)
    return path


def many_pages_pdf(pages: int, *, seed: int = 0, title: str | None = None) -> Path:
    """``tests/pdf_factory.make_many_pages_pdf`` (one Helvetica size, one column, a text object per page)."""
    from pdf_factory import make_many_pages_pdf

    tag = f"-{_tag(title)}" if title else ""
    return cached(f"many-{pages}-s{seed}{tag}.pdf",
                  lambda path: make_many_pages_pdf(path, pages, seed=seed, title=title))


_WORDS = (
    "the of and to in a is that for on with as was by it at from are be this an which or has have not but "
    "were its had their been also after more said would than new two who over into about government report "
    "court market policy officials company data system public model state agency federal county council "
    "budget contract review hearing testimony committee members district schools program funding million "
    "percent increase decrease year years month quarter annual fiscal revenue expenditure tax rate rates "
    "water energy housing transport health education safety police fire emergency services department "
    "secretary director chairman president senator representative judge attorney counsel witness "
    "evidence record motion order ruling appeal statute section paragraph provision amendment regulation "
    "notice comment period proposed final rule tolerance pesticide residue exposure assessment risk "
    "analysis estimate methodology sample survey respondents findings results table figure appendix "
    "infrastructure maintenance construction project schedule delay cost overrun inspection audit "
    "compliance violation penalty settlement agreement negotiation union employees workers layoffs "
    "facility plant closure relocation notification effective date location city address county"
).split()


def make_realistic_pdf(path: Path, pages: int, *, seed: int = 0, title: str | None = None) -> Path:
    """A report-like PDF laid out by ReportLab's platypus: two justified columns of Times body text with
    italic and bold runs, Helvetica-Bold headings in three sizes, Courier figures, small footnote-size
    notes, and a running header and page number in another size.  Many font switches, word spacing set
    per line (``Tw``), text objects per paragraph: closer to a real report than one text object per page."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    rng = random.Random(seed)
    width, height = letter
    margin, gutter = 54.0, 18.0
    column = (width - 2 * margin - gutter) / 2
    body = ParagraphStyle("body", fontName="Times-Roman", fontSize=9.5, leading=11.5, alignment=TA_JUSTIFY,
                          spaceAfter=4)
    note = ParagraphStyle("note", parent=body, fontName="Times-Roman", fontSize=7.5, leading=9)
    heads = [ParagraphStyle(f"h{i}", fontName="Helvetica-Bold", fontSize=size, leading=size * 1.2,
                            spaceBefore=6, spaceAfter=3) for i, size in enumerate((15, 12, 10.5))]

    def sentence() -> str:
        words = rng.choices(_WORDS, k=rng.randint(8, 26))
        out = []
        for i, word in enumerate(words):
            roll = rng.random()
            if roll < 0.05:
                word = f"<i>{word}</i>"
            elif roll < 0.07:
                word = f"<b>{word}</b>"
            elif roll < 0.10:
                word = f"{rng.randint(2, 9999):,}"
            elif roll < 0.11:
                word = f'<font name="Courier">{rng.randint(100, 999)}-{rng.randint(10, 99)}</font>'
            out.append(word.capitalize() if i == 0 else word)
        if rng.random() < 0.15:
            out.insert(rng.randint(1, len(out) - 1), f"({rng.choice(_WORDS)} {rng.randint(1, 40)})")
        return " ".join(out) + ("?" if rng.random() < 0.05 else ".")

    spec: list[tuple[str, ParagraphStyle]] = []
    words_needed = pages * 1100  # a little more than fits on a two-column page of 9.5 pt Times
    written = section = 0
    while written < words_needed:
        section += 1
        spec.append((f"{section}. " + " ".join(rng.choices(_WORDS, k=rng.randint(3, 7))).title(),
                     heads[0 if section % 5 == 1 else 1]))
        for _ in range(rng.randint(3, 8)):
            if rng.random() < 0.2:
                spec.append((" ".join(rng.choices(_WORDS, k=rng.randint(2, 5))).capitalize(), heads[2]))
            text = " ".join(sentence() for _ in range(rng.randint(2, 7)))
            written += len(text.split())
            spec.append((text, note if rng.random() < 0.08 else body))

    def decorate(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica-Oblique", 7)
        canvas.drawString(margin, height - 34, (title or "Generated report")[:90])
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(width - margin, 30, f"Page {document.page}")
        canvas.restoreState()

    frames = [Frame(margin, margin, column, height - 2 * margin, id="left"),
              Frame(margin + column + gutter, margin, column, height - 2 * margin, id="right")]
    path.parent.mkdir(parents=True, exist_ok=True)
    document = BaseDocTemplate(str(path), pagesize=letter, invariant=1, title=title or "",
                               pageTemplates=[PageTemplate(id="two", frames=frames, onPage=decorate)])
    document.build([Paragraph(text, style) for text, style in spec])
    _keep_pages(path, pages)  # the recipe overshoots: drop the pages past ``pages``
    return path


def _keep_pages(path: Path, pages: int) -> None:
    """Cut a PDF to its first ``pages`` pages (PDFium rewrites the file)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        total = len(document)
        if total < pages:
            raise ValueError(f"the generated report has {total} pages, fewer than {pages}")
        if total == pages:
            return
        for index in range(total - 1, pages - 1, -1):
            document.del_page(index)
        trimmed = path.with_suffix(".trim.pdf")
        document.save(str(trimmed))
    finally:
        document.close()
    trimmed.replace(path)


def realistic_pdf(pages: int, *, seed: int = 0, title: str | None = None) -> Path:
    tag = f"-{_tag(title)}" if title else ""
    return cached(f"report-{pages}-s{seed}{tag}.pdf",
                  lambda path: make_realistic_pdf(path, pages, seed=seed, title=title))
