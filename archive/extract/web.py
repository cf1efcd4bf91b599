"""Web pages saved from a browser: the article's text without navigation and boilerplate.

trafilatura does the hard part (main-content detection, metadata: title,
canonical URL, author, site name, publication date); this module turns its
output into Footnote's passage model.  Each block it returns becomes a
paragraph, so sentences never run across blocks.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from archive.extract import ExtractedDocument, Extraction, Kind
from archive.sentences import split_sentences

MAX_HTML_BYTES = 50 * 1024 * 1024


def extract_html(path: Path) -> ExtractedDocument:
    import trafilatura  # heavy: imported in the sandbox only

    data = path.read_bytes()
    result = ExtractedDocument(kind=Kind.HTML, title=path.stem)
    if len(data) > MAX_HTML_BYTES:
        result.status, result.detail = Extraction.TOO_LARGE, f"{len(data) // 1_048_576} MB of HTML"
        return result
    document = trafilatura.bare_extraction(
        data, with_metadata=True, include_comments=False, include_tables=True, favor_precision=True,
        date_extraction_params={"extensive_search": True, "original_date": True,
                                "outputformat": "%Y-%m-%dT%H:%M:%S"},
    )
    if document is None or not (document.text or "").strip():
        result.status = Extraction.NO_TEXT
        result.detail = "no article text found in the page"
        return result
    blocks = [" ".join(line.split()) for line in document.text.split("\n")]
    result.text = "\n\n".join(block for block in blocks if block)
    result.passages = split_sentences(result.text)
    result.title = " ".join((document.title or "").split()) or path.stem
    result.author = document.author or None
    result.publisher = document.sitename or None
    result.url = document.url or None
    result.published = _date(document.date)
    return result


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern)
        except ValueError:
            continue
    return None
