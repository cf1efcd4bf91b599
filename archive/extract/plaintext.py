"""Plain-text and Markdown sources: title from the first heading or line, text as written."""

from __future__ import annotations

import re
from pathlib import Path

from archive.digest import normalize_newlines
from archive.extract import ExtractedDocument, Extraction, Kind
from archive.sentences import split_sentences
from archive.textcodec import decode_text

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def extract_text(path: Path, kind: Kind) -> ExtractedDocument:
    text = normalize_newlines(decode_text(path.read_bytes(), path.name)).strip()
    result = ExtractedDocument(kind=kind, title=path.stem, text=text)
    if not text:
        result.status, result.detail = Extraction.NO_TEXT, "the file is empty"
        return result
    first = text.split("\n", 1)[0]
    heading = _HEADING.match(first)
    result.title = (heading.group(1) if heading else first).strip()[:300] or path.stem
    result.passages = split_sentences(text)
    return result
