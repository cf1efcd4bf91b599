"""Reading an article file into its parts: the digest format, plain text and Markdown.

A digest looks like::

    5/26/2026, 1:02:44 PM · defense-government

    Title

    Summary paragraph.

    Body paragraph with (cite index="2-19,2-20">a cited claim</cite>

    Short heading

    ...

    Cross-references

    Sources

      1. [1]
        Title of source one | Publisher

Anything without the date line is read as a plain or Markdown article: title
from its first heading or first line.  Markers are honoured in every format.
The article's plain ``text`` is its summary followed by the body's headings and
paragraphs, separated by blank lines, with the markers removed; every claim's
``start``/``end`` index into it.  Parsing never fails on odd input: what it
cannot make sense of becomes a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from archive.markers import Citation, MarkedClaim, strip_markers

_HEADER = re.compile(
    r"^\s*(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}),?\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"\s*(?:[\u00b7\u2022|\u2013\u2014-]\s*(?P<category>\S.*))?$"  # lines arrive right-stripped
)
_SECTION_LINE = re.compile(r"^\s*(?:#{1,6}\s*)?(?P<name>cross[- ]references|sources)\s*:?\s*$", re.IGNORECASE)
_SOURCE_ENTRY = re.compile(
    r"^\s*(?:(?P<n1>\d{1,5})\s*[.)]\s*(?:\[\s*(?P<n2>\d{1,5})\s*\])?|\[\s*(?P<n3>\d{1,5})\s*\])\s*(?P<rest>.*)$"
)
_BULLET = re.compile(r"^\s*(?:[-*\u2022]\s+|\d{1,4}[.)]\s+|\[\d{1,4}\]\s*)")
# Greedy and anchored once: the closing hashes are stripped in Python (a lazy ".*?" before "\s*#*\s*$"
# backtracks cubically on long runs of spaces).
_MARKDOWN_HEADING_LINE = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(?P<title>.*))?$")
_MARKER_HINT = re.compile(r"[<(]\s*cite\b|</\s*cite", re.IGNORECASE)
_SENTENCE_END = tuple('.!?;:,"\u201d\u2019)')
_SMALL_WORDS = {"of", "the", "and", "for", "on", "in", "at", "&", "a", "de", "la", "le", "el"}

MAX_HEADING_CHARS = 80
MAX_HEADING_WORDS = 10


@dataclass(frozen=True)
class Source:
    number: int
    title: str
    publisher: str | None = None


@dataclass(frozen=True)
class Section:
    title: str
    start: int  # offset of the heading in the plain text


@dataclass
class ParsedArticle:
    format: str  # "digest" | "plain" | "markdown"
    title: str
    text: str
    summary: str = ""
    published: datetime | None = None
    category: str | None = None
    sections: list[Section] = field(default_factory=list)
    claims: list[MarkedClaim] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    cross_references: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def cited_sources(self) -> set[int]:
        return {citation.source for claim in self.claims for citation in claim.citations}


@dataclass
class _Paragraph:
    lines: list[str]
    first_line: int  # 1-based line number in the file

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def normalize_newlines(text: str) -> str:
    """Drop a BOM and turn CRLF and lone CR line endings into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_article(text: str, *, filename: str = "", markdown: bool = False) -> ParsedArticle:
    """Parse an article's text (already decoded) into a :class:`ParsedArticle`."""
    lines = [line.rstrip() for line in normalize_newlines(text).split("\n")]
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return ParsedArticle(format="plain", title=_title_from_filename(filename), text="",
                             warnings=["the file is empty"])
    header = _HEADER.match(lines[first])
    if header:
        return _parse_digest(lines, first, header)
    return _parse_plain(lines, first, filename, markdown)


# --- digest -----------------------------------------------------------------


def markdown_heading(line: str) -> str | None:
    """The text of a Markdown heading line ("## Title ##" → "Title"), or None."""
    found = _MARKDOWN_HEADING_LINE.match(line)
    if not found or found.group("title") is None:
        return None
    return found.group("title").strip().rstrip("#").rstrip() or None


def _parse_digest(lines: list[str], first: int, header: re.Match[str]) -> ParsedArticle:
    warnings: list[str] = []
    published = _read_date(header, warnings, first + 1)
    category = header.group("category")
    body_end, xref_at, sources_at = _find_back_matter(lines, first + 1)
    paragraphs = _paragraphs(lines, first + 1, body_end)
    article = ParsedArticle(format="digest", title="", text="", published=published,
                            category=category.strip() if category else None, warnings=warnings)
    if not paragraphs:
        article.warnings.append("the digest has a date line but no title")
        return article
    title_paragraph = paragraphs.pop(0)
    article.title = _plain_title(title_paragraph, article.warnings)
    summary = paragraphs.pop(0) if paragraphs else None
    _assemble_text(article, paragraphs, summary=summary)
    if xref_at is not None:
        article.cross_references = _cross_references(lines, xref_at + 1, sources_at or len(lines))
    if sources_at is not None:
        article.sources = _sources(lines, sources_at + 1, article.warnings)
    _check_citations(article)
    return article


def _read_date(header: re.Match[str], warnings: list[str], line: int) -> datetime | None:
    hour = int(header.group("hour"))
    ampm = (header.group("ampm") or "").replace(".", "").upper()
    if ampm:
        if not 1 <= hour <= 12:
            warnings.append(f"line {line}: the hour {hour} is not valid with {ampm}; no date was set")
            return None
        hour = hour % 12 + (12 if ampm == "PM" else 0)
    try:
        return datetime(int(header.group("year")), int(header.group("month")), int(header.group("day")),
                        hour, int(header.group("minute")), int(header.group("second") or 0))
    except ValueError as error:
        warnings.append(f"line {line}: the date line is not a valid date ({error}); no date was set")
        return None


def _find_back_matter(lines: list[str], start: int) -> tuple[int, int | None, int | None]:
    """Where the body ends, and the lines of the Cross-references and Sources headings.

    The last such heading of each kind wins, so an article may use the word
    "Sources" as a heading of its own earlier on.
    """
    xref_at = sources_at = None
    for number in range(start, len(lines)):
        match = _SECTION_LINE.match(lines[number])
        if match:
            if match.group("name").lower().startswith("cross"):
                xref_at = number
            else:
                sources_at = number
    if xref_at is not None and sources_at is not None and xref_at > sources_at:
        xref_at = None  # a "Cross-references" line inside the Sources list is just text
    ends = [at for at in (xref_at, sources_at) if at is not None]
    return (min(ends) if ends else len(lines)), xref_at, sources_at


def _cross_references(lines: list[str], start: int, end: int) -> list[str]:
    titles = []
    for line in lines[start:end]:
        title = _BULLET.sub("", line).strip()
        if title:
            titles.append(title)
    return titles


def _sources(lines: list[str], start: int, warnings: list[str]) -> list[Source]:
    """Read entries ``N. [N]`` whose title is on the same line or the next one."""
    sources: dict[int, Source] = {}
    pending: int | None = None  # entry number still waiting for its title line
    pending_line = 0
    for offset, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        entry = _SOURCE_ENTRY.match(line)
        if entry and (entry.group("n1") or entry.group("n3")):
            if pending is not None:
                warnings.append(f"line {pending_line}: source {pending} has no title")
            number = int(entry.group("n1") or entry.group("n3"))
            if entry.group("n2") and int(entry.group("n2")) != number:
                warnings.append(f"line {offset}: source entry numbered both {number} and [{entry.group('n2')}]; "
                                f"{number} was used")
            rest = entry.group("rest")
            if rest:
                _add_source(sources, number, rest, offset, warnings)
                pending = None
            else:
                pending, pending_line = number, offset
        elif pending is not None:
            _add_source(sources, pending, line.strip(), offset, warnings)
            pending = None
        else:
            warnings.append(f"line {offset}: unrecognised line in the Sources list was ignored: {line.strip()[:60]!r}")
    if pending is not None:
        warnings.append(f"line {pending_line}: source {pending} has no title")
    return sorted(sources.values(), key=lambda source: source.number)


def _add_source(sources: dict[int, Source], number: int, line: str, line_no: int, warnings: list[str]) -> None:
    if number in sources:
        warnings.append(f"line {line_no}: source {number} is listed twice; the first entry was kept")
        return
    title, publisher = split_publisher(line)
    sources[number] = Source(number, title, publisher)


def split_publisher(title: str) -> tuple[str, str | None]:
    """Split ``"Title | Publisher"`` or ``"Title - Publisher"`` into its parts.

    After a pipe anything is a publisher; after a dash only a short, capitalised
    name is ("- The Washington Post", not "- what it means for you").
    """
    title = title.strip()
    head, sep, tail = title.rpartition(" | ")
    if sep and head.strip() and tail.strip():
        return head.strip(), tail.strip()
    for dash in (" - ", " \u2013 ", " \u2014 "):
        head, sep, tail = title.rpartition(dash)
        if sep and head.strip() and _looks_like_publisher(tail.strip()):
            return head.strip(), tail.strip()
    return title, None


def _looks_like_publisher(name: str) -> bool:
    words = name.split()
    if not words or len(words) > 5 or len(name) > 40:
        return False
    return all(word[0].isupper() or word[0].isdigit() or word.lower() in _SMALL_WORDS for word in words)


def _check_citations(article: ParsedArticle) -> None:
    listed = {source.number for source in article.sources}
    for position, claim in enumerate(article.claims, start=1):
        for citation in claim.citations:
            if citation.source not in listed:
                article.warnings.append(
                    f"line {claim.line}: claim {position} cites source {citation.source}, "
                    "which is not in the Sources list"
                )


# --- plain text and Markdown --------------------------------------------------


def _parse_plain(lines: list[str], first: int, filename: str, markdown: bool) -> ParsedArticle:
    heading = markdown_heading(lines[first])
    article = ParsedArticle(format="markdown" if markdown or heading else "plain", title="", text="")
    title_line = heading if heading else lines[first].strip()
    article.title = _plain_title(_Paragraph([title_line], first + 1), article.warnings) or _title_from_filename(filename)
    paragraphs = _paragraphs(lines, first + 1, len(lines))
    _assemble_text(article, paragraphs, summary=None)
    return article


def _title_from_filename(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("_", " ").replace("-", " ").strip() or "Untitled"


# --- shared ------------------------------------------------------------------


def _paragraphs(lines: list[str], start: int, end: int) -> list[_Paragraph]:
    """Runs of non-blank lines between ``start`` and ``end`` (0-based, end excluded)."""
    paragraphs: list[_Paragraph] = []
    current: list[str] = []
    current_first = 0
    for number in range(start, end):
        line = lines[number]
        if line.strip():
            if not current:
                current_first = number + 1
            current.append(line.strip())
        elif current:
            paragraphs.append(_Paragraph(current, current_first))
            current = []
    if current:
        paragraphs.append(_Paragraph(current, current_first))
    return paragraphs


def _plain_title(paragraph: _Paragraph, warnings: list[str]) -> str:
    """A title or heading line: markers are not allowed there and are removed."""
    stripped = strip_markers(" ".join(paragraph.lines), first_line=paragraph.first_line)
    if stripped.claims or stripped.warnings:
        warnings.append(f"line {paragraph.first_line}: citation markers in the title were removed")
    return stripped.text.strip()


def _heading_title(paragraph: _Paragraph) -> str | None:
    """The heading's text when ``paragraph`` is a short section heading, else ``None``."""
    if len(paragraph.lines) != 1:
        return None
    line = paragraph.lines[0]
    if _MARKER_HINT.search(line):
        return None  # a line with a citation marker is text with a claim, never a heading
    markdown = markdown_heading(line)
    if markdown:
        return markdown
    if len(line) > MAX_HEADING_CHARS:
        return None
    if len(line.split()) > MAX_HEADING_WORDS or line.endswith(_SENTENCE_END):
        return None
    if not (line[0].isupper() or line[0].isdigit()):
        return None
    return line


def _assemble_text(article: ParsedArticle, paragraphs: list[_Paragraph], *, summary: _Paragraph | None) -> None:
    """Build the plain text from the summary and the body, collecting claims and sections."""
    parts: list[str] = []
    length = 0

    def append(piece: str) -> int:
        nonlocal length
        if parts:
            parts.append("\n\n")
            length += 2
        start = length
        parts.append(piece)
        length += len(piece)
        return start

    if summary is not None:
        stripped = strip_markers(summary.text, base=0, first_line=summary.first_line)
        article.summary = stripped.text
        append(stripped.text)
        article.claims.extend(stripped.claims)
        article.warnings.extend(stripped.warnings)
    for paragraph in paragraphs:
        heading = _heading_title(paragraph)
        if heading is not None:
            article.sections.append(Section(heading, append(heading)))
            continue
        base = length + (2 if parts else 0)
        stripped = strip_markers(paragraph.text, base=base, first_line=paragraph.first_line)
        append(stripped.text)
        article.claims.extend(stripped.claims)
        article.warnings.extend(stripped.warnings)
    article.text = "".join(parts)


__all__ = ["Citation", "MarkedClaim", "ParsedArticle", "Section", "Source", "parse_article", "split_publisher"]
