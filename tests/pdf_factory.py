"""Real PDFs for tests, made on the fly with ReportLab.

Every helper is a pure function of its arguments: it writes one PDF to the given path and returns that
path, and the same arguments always give the same bytes (``invariant=1``: fixed dates and document id).
Text is laid out by a small line breaker of our own (``wrap_paragraph``), so a test knows exactly which
words end a line, which word is hyphenated and which page a line lands on.

Fonts: the built-in Helvetica family needs nothing installed; ``"DejaVuSans"`` (ligatures U+FB01 "ﬁ" and
U+FB02 "ﬂ", curly quotes, dashes) is read from ``/usr/share/fonts/truetype/dejavu`` (Debian package
``fonts-dejavu-core``, installed by ``packaging/bootstrap.sh``); any other ``.ttf`` path works too.

What the extractors make of it: pypdfium2 reports a line-end hyphen as U+FFFE and joins the two lines
("execu" U+FFFE "tive"); pypdfium2 and pdfplumber (``expand_ligatures=True`` by default) both give "fi" for
the U+FB01 glyph although the PDF maps it to U+FB01; pdfplumber's ``extract_text()`` sorts by position, so
it mixes two columns line by line unless ``use_text_flow=True``.

Document information: ReportLab writes ``Title (untitled)`` and ``Author (anonymous)`` unless told
otherwise; here Title and Author are written only when given, so "no title" really means no /Title.
"""

from __future__ import annotations

import math
import random
from io import BytesIO
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

__all__ = [
    "DEJAVU_SANS",
    "make_encrypted_pdf",
    "make_image_only_pdf",
    "make_many_pages_pdf",
    "make_text_pdf",
    "make_two_column_pdf",
    "make_unicode_pdf",
    "page_texts",
    "wrap_paragraph",
]

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PAGE_WIDTH, PAGE_HEIGHT = letter
MARGIN = 72.0
PARAGRAPH_GAP = 0.5  # in lines
CREATED = "D:20260101120000+00'00'"


# --------------------------------------------------------------------------------------------------
# Shared machinery
# --------------------------------------------------------------------------------------------------


class _Info(PDFInfo):
    """Document information holding only what was given (plus producer and fixed dates)."""

    def __init__(self, title: str | None = None, author: str | None = None):
        super().__init__()
        self.title, self.author = title, author

    def digest(self, md5object) -> None:
        for value in (self.title, self.author):
            md5object.update((value or "").encode("utf-8"))

    def format(self, document):
        entries = {"Producer": PDFString("ReportLab (Footnote test factory)"),
                   "CreationDate": PDFString(CREATED), "ModDate": PDFString(CREATED)}
        if self.title is not None:
            entries["Title"] = PDFString(self.title)
        if self.author is not None:
            entries["Author"] = PDFString(self.author)
        return PDFDictionary(entries).format(document)


def _canvas(path: Path, *, title: str | None = None, author: str | None = None,
            encrypt: StandardEncryption | None = None) -> canvas.Canvas:
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1, pageCompression=1, encrypt=encrypt)
    c._doc.info = _Info(title, author)
    return c


def _font(font: str | Path) -> str:
    """The ReportLab name of ``font``: a built-in name, "DejaVuSans", or a path to a .ttf file."""
    if isinstance(font, str) and font in pdfmetrics.standardFonts:
        return font
    path = DEJAVU_SANS if font == "DejaVuSans" else Path(font)
    name = "DejaVuSans" if font == "DejaVuSans" else path.stem
    if name not in pdfmetrics.getRegisteredFontNames():
        if not path.is_file():
            raise FileNotFoundError(f"font file not found: {path} (Debian: apt-get install fonts-dejavu-core)")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    return name


def _hyphenation_split(word: str, room: float, font: str, size: float) -> tuple[str, str] | None:
    """Split a long alphabetic word as "prefix-" + rest, the longest prefix that fits in ``room``.

    Only words of at least 7 letters (surrounding punctuation aside) are split, at a rough syllable
    boundary leaving at least 3 letters before and 4 after; words holding a hyphen or a digit are never split.
    Note: pypdfium2 reports such a line-end hyphen as U+FFFE and joins the two lines
    ("execu" U+FFFE "tive"); pdfplumber keeps "execu-" and the line break."""
    start = 0
    while start < len(word) and not word[start].isalpha():
        start += 1
    end = len(word)
    while end > start and not word[end - 1].isalpha():
        end -= 1
    core = word[start:end]
    if len(core) < 7 or not core.isalpha():
        return None
    for cut in range(len(core) - 4, 2, -1):
        if not _syllable_break(core.lower(), cut):
            continue
        head = word[:start + cut] + "-"
        if pdfmetrics.stringWidth(head, font, size) <= room:
            return head, word[start + cut:]
    return None


_VOWELS = set("aeiouy")
_DIGRAPHS = {"ch", "ck", "gh", "ph", "sh", "th", "wh", "qu"}


def _syllable_break(word: str, cut: int) -> bool:
    """A rough English syllable boundary before ``word[cut]``: between two consonants (not a digraph) that
    sit between vowels ("lob|bying", "com|panies"), or between a vowel and a consonant followed by a
    vowel ("execu|tive")."""
    before, at, after = word[cut - 1], word[cut], word[cut + 1]
    if before + at in _DIGRAPHS:
        return False
    consonant = lambda ch: ch not in _VOWELS  # noqa: E731
    if consonant(before) and consonant(at):
        return after in _VOWELS and word[cut - 2] in _VOWELS
    return before in _VOWELS and consonant(at) and after in _VOWELS


def wrap_paragraph(text: str, *, font: str = "Helvetica", font_size: float = 11, width: float,
                   hyphenate: bool = False) -> list[str]:
    """Break one paragraph into lines no wider than ``width`` points (greedy; a single over-long word gets
    a line of its own).  With ``hyphenate``, a word that does not fit is split at the line end with an
    explicit "-" (see ``_hyphenation_split``); the hyphen is a real character of the line."""
    font = _font(font)
    space = pdfmetrics.stringWidth(" ", font, font_size)
    lines: list[str] = []
    current: list[str] = []
    used = 0.0
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        needed = pdfmetrics.stringWidth(word, font, font_size) + (space if current else 0)
        if not current or used + needed <= width:
            current.append(word)
            used += needed
            i += 1
            continue
        split = _hyphenation_split(word, width - used - space, font, font_size) if hyphenate else None
        if split:
            current.append(split[0])
            words[i] = split[1]
        lines.append(" ".join(current))
        current, used = [], 0.0
    if current:
        lines.append(" ".join(current))
    return lines


def _rows(paragraphs: list[str], font: str, font_size: float, width: float, hyphenate: bool) -> list[str | None]:
    """Lines of all paragraphs in order, ``None`` standing for the gap between two paragraphs."""
    rows: list[str | None] = []
    for index, paragraph in enumerate(paragraphs):
        if index:
            rows.append(None)
        rows.extend(wrap_paragraph(paragraph, font=font, font_size=font_size, width=width, hyphenate=hyphenate))
    return rows


def _draw_rows(c: canvas.Canvas, rows: list[str | None], font: str, font_size: float,
               pages: list[list[str | None]] | None = None) -> None:
    """Draw rows top-down from the top margin, a new page whenever the page is full (or per ``pages``)."""
    leading = font_size * 1.35
    capacity = int((PAGE_HEIGHT - 2 * MARGIN) // leading)
    if pages is None:
        pages = []
        for row in rows:
            if not pages or len(pages[-1]) >= capacity:
                if row is None:  # never start a page with a paragraph gap
                    continue
                pages.append([])
            pages[-1].append(row)
    for page_number, page in enumerate(pages):
        if page_number:
            c.showPage()
        c.setFont(font, font_size)
        y = PAGE_HEIGHT - MARGIN
        for row in page:
            y -= leading * (PARAGRAPH_GAP if row is None else 1)
            if row is not None:
                c.drawString(MARGIN, y, row)
    c.showPage()


# --------------------------------------------------------------------------------------------------
# The factories
# --------------------------------------------------------------------------------------------------


def make_text_pdf(path: str | Path, paragraphs: list[str], *, title: str | None = None,
                  author: str | None = None, font: str | Path = "Helvetica", font_size: float = 11,
                  width_chars: int | None = None, hyphenate: bool = False,
                  pages_hint: int | None = None) -> Path:
    """A text PDF: the paragraphs wrapped into left-aligned lines on US Letter pages.

    ``width_chars`` narrows the text column to about that many average characters (default: the full
    width between 1-inch margins).  ``hyphenate`` splits long words at line ends with a real "-".
    ``pages_hint`` spreads the lines evenly over that many pages (each page gets a share, so page breaks
    fall inside paragraphs and sentences) instead of filling each page; a page never overflows, so more
    pages may result if the text is too long for the hint.  Title/author go into the document information
    only when given.
    """
    path = Path(path)
    font = _font(font)
    width = PAGE_WIDTH - 2 * MARGIN
    if width_chars:
        average = pdfmetrics.stringWidth("abcdefghijklmnopqrstuvwxyz ", font, font_size) / 27
        width = min(width, width_chars * average)
    rows = _rows(paragraphs, font, font_size, width, hyphenate)
    pages = None
    if pages_hint:
        lines = [row for row in rows if row is not None]
        if pages_hint > len(lines):
            raise ValueError(f"pages_hint={pages_hint} but the text has only {len(lines)} lines")
        capacity = int((PAGE_HEIGHT - 2 * MARGIN) // (font_size * 1.35))
        per_page = min(capacity, math.ceil(len(rows) / pages_hint))
        pages = []
        for row in rows:
            if not pages or len(pages[-1]) >= per_page:
                if row is None:
                    continue
                pages.append([])
            pages[-1].append(row)
    c = _canvas(path, title=title, author=author)
    _draw_rows(c, rows, font, font_size, pages)
    c.save()
    return path


def make_unicode_pdf(path: str | Path, paragraphs: list[str], title: str | None = None) -> Path:
    """A text PDF in DejaVuSans, so ligatures (ﬁ ﬂ), curly quotes and dashes are drawn as themselves
    (and map back to the same code points in the PDF's ToUnicode table)."""
    return make_text_pdf(path, paragraphs, title=title, font="DejaVuSans")


def make_two_column_pdf(path: str | Path, left: list[str], right: list[str], *,
                        interleaved_stream: bool = False, title: str | None = None) -> Path:
    """One page with two columns of paragraphs (Helvetica 10, baselines on one grid).

    By default the content stream holds the whole left column, then the right one (reading order).  With
    ``interleaved_stream=True`` it holds left line 1, right line 1, left line 2, ... so an extractor that
    follows the stream, or one that sorts by position without finding columns, mixes the two columns."""
    path = Path(path)
    font, size, gutter = "Helvetica", 10.0, 24.0
    column = (PAGE_WIDTH - 2 * MARGIN - gutter) / 2
    left_rows = _rows(left, font, size, column, False)
    right_rows = _rows(right, font, size, column, False)
    leading = size * 1.35
    capacity = int((PAGE_HEIGHT - 2 * MARGIN) // leading)
    if max(len(left_rows), len(right_rows)) > capacity:
        raise ValueError(f"two-column text does not fit on one page ({capacity} lines per column)")

    def baselines(rows: list[str | None]) -> list[tuple[float, str]]:
        y, out = PAGE_HEIGHT - MARGIN, []
        for row in rows:
            y -= leading
            if row is not None:
                out.append((y, row))
        return out

    placed_left = [(MARGIN, y, text) for y, text in baselines(left_rows)]
    placed_right = [(MARGIN + column + gutter, y, text) for y, text in baselines(right_rows)]
    if interleaved_stream:
        order = []
        for i in range(max(len(placed_left), len(placed_right))):
            order.extend(side[i] for side in (placed_left, placed_right) if i < len(side))
    else:
        order = placed_left + placed_right
    c = _canvas(path, title=title)
    c.setFont(font, size)
    for x, y, text in order:
        c.drawString(x, y, text)
    c.showPage()
    c.save()
    return path


def make_image_only_pdf(path: str | Path, *, pages: int = 1, title: str | None = None) -> Path:
    """Pages that look scanned — a grey image of text-like bars plus a few drawn shapes — with no text
    layer: no text is drawn (ReportLab still lists its default Helvetica in the page resources)."""
    from PIL import Image, ImageDraw  # Pillow comes with ReportLab

    path = Path(path)
    rng = random.Random(1234)
    image = Image.new("L", (612, 792), 246)
    draw = ImageDraw.Draw(image)
    draw.rectangle((72, 60, 420, 84), fill=40)  # a "headline"
    y = 110
    while y < 720:
        x = 72
        while x < 530:
            word = rng.randint(14, 60)
            draw.rectangle((x, y, min(x + word, 540), y + 7), fill=rng.randint(30, 90))
            x += word + rng.randint(5, 9)
        y += rng.choice((14, 14, 14, 26))
    for _ in range(600):  # speckle, as on a photocopy
        px, py = rng.randrange(612), rng.randrange(792)
        draw.point((px, py), fill=rng.randint(120, 200))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    reader = ImageReader(BytesIO(buffer.getvalue()))
    c = _canvas(path, title=title)
    for _ in range(pages):
        c.drawImage(reader, 0, 0, width=PAGE_WIDTH, height=PAGE_HEIGHT)
        c.setStrokeColorRGB(0.6, 0.6, 0.6)
        c.setLineWidth(2)
        c.rect(36, 36, PAGE_WIDTH - 72, PAGE_HEIGHT - 72, stroke=1, fill=0)
        c.circle(PAGE_WIDTH - 90, 90, 24, stroke=1, fill=0)
        c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: str | Path, paragraphs: list[str], user_password: str = "secret") -> Path:
    """A text PDF that opens only with ``user_password`` (standard security handler, RC4 128-bit; the
    owner password is different, so the user password is really needed to read it)."""
    path = Path(path)
    encryption = StandardEncryption(user_password, ownerPassword=user_password + "-owner", strength=128)
    c = _canvas(path, encrypt=encryption)
    font = _font("Helvetica")
    _draw_rows(c, _rows(paragraphs, font, 11, PAGE_WIDTH - 2 * MARGIN, False), font, 11)
    c.save()
    return path


_COMMON = ("the of and to in a is that for on with as was by it at from are be this an which or has have "
           "not but were its had their been also after more said would than new two who over into about "
           "government report court market policy officials company data system public model state").split()


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    syllables = ("ba be bi bo bu ca ce co cu da de di do du fa fe fi fo ga ge go ha he hi ho la le li lo lu "
                 "ma me mi mo mu na ne ni no nu pa pe pi po ra re ri ro ru sa se si so su ta te ti to tu va "
                 "ve vi vo za ze zo an en in on ar er ir or al el il ol st tr pr gr ch sh th").split()
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)


def make_many_pages_pdf(path: str | Path, pages: int, words_per_page: int = 450, *, seed: int = 0,
                        title: str | None = None) -> Path:
    """A long, text-heavy PDF for benchmarks: ``pages`` pages of about ``words_per_page`` words each, in
    sentences drawn from a fixed pseudo-random vocabulary (common English words plus invented ones), so
    the same arguments give the same bytes.  Fast: about a second per few hundred pages."""
    path = Path(path)
    rng = random.Random(seed)
    vocabulary = _COMMON + _vocabulary(rng)
    weights = [40.0] * len(_COMMON) + [1.0] * (len(vocabulary) - len(_COMMON))
    font, size = "Helvetica", 9.5
    leading = size * 1.25
    chars_per_line = 90  # Helvetica 9.5 pt: about 4.6 pt a character on average, 468 pt of line
    capacity = int((PAGE_HEIGHT - 2 * MARGIN + 18) // leading)
    c = _canvas(path, title=title)
    for _ in range(pages):
        words = rng.choices(vocabulary, weights, k=words_per_page)
        sentences, start = [], 0
        while start < len(words):
            length = rng.randint(8, 22)
            sentence = words[start:start + length]
            sentences.append(" ".join([sentence[0].capitalize(), *sentence[1:]]) + ".")
            start += length
        lines, current = [], ""
        for word in " ".join(sentences).split():
            if current and len(current) + 1 + len(word) > chars_per_line:
                lines.append(current)
                current = word
            else:
                current = f"{current} {word}" if current else word
        if current:
            lines.append(current)
        if len(lines) > capacity:
            raise ValueError(f"words_per_page={words_per_page} does not fit on a page ({capacity} lines)")
        text = c.beginText(MARGIN, PAGE_HEIGHT - MARGIN + 18)
        text.setFont(font, size, leading)
        for line in lines:
            text.textLine(line)
        c.drawText(text)
        c.showPage()
    c.save()
    return path


def page_texts(path: str | Path, password: str | None = None) -> list[str]:
    """The text of each page as pypdfium2 extracts it (content-stream order)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path), password=password)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def make_compression_bomb_pdf(path: str | Path, expanded_mb: int = 400) -> Path:
    """A one-page PDF whose content stream is ~1 MB compressed and ``expanded_mb`` MB decompressed
    (drawing operators repeated), the shape of the compression bombs that take parsers to gigabytes."""
    import zlib

    path = Path(path)
    compressor = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * 100_000
    data = b"".join(compressor.compress(chunk) for _ in range(expanded_mb * 1024 * 1024 // len(chunk)))
    data += compressor.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
