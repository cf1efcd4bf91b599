"""Words and numbers as the desktop shows them: dates, counts, citations, tooltips.

Kept apart from the widgets so the reader, the claims panel and the status bar
say the same thing the same way.  Month names are fixed English words rather
than the C library's locale, so the interface never mixes languages.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from desktop.theme import status_label

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _parse(iso: str | None) -> datetime | None:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def format_date(iso: str | None) -> str:
    """``2026-05-26T13:02:44`` → ``26 May 2026``; empty when there is no date."""
    value = _parse(iso)
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}" if value else ""


def format_datetime(iso: str | None) -> str:
    """``2026-05-26T13:02:44`` → ``26 May 2026, 13:02``."""
    value = _parse(iso)
    return f"{format_date(iso)}, {value:%H:%M}" if value else ""


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def number_ranges(numbers: Iterable[int]) -> str:
    """``[4, 5, 6, 7, 9]`` → ``4–7, 9``."""
    values = sorted(set(numbers))
    parts: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and values[j + 1] == values[j] + 1:
            j += 1
        parts.append(str(values[i]) if i == j else f"{values[i]}–{values[j]}")
        i = j + 1
    return ", ".join(parts)


def cited_sources(claim: Mapping[str, Any]) -> list[int]:
    """The numbers of the sources a claim cites, in citing order, each once."""
    return list(dict.fromkeys(c["source"] for c in claim["citations"]))


def citations_summary(claim: Mapping[str, Any]) -> str:
    """``cites [2] [4]``, or ``no citation``."""
    numbers = cited_sources(claim)
    return "cites " + " ".join(f"[{n}]" for n in numbers) if numbers else "no citation"


def claim_tooltip_html(number: int, claim: Mapping[str, Any], sources: Mapping[int, Mapping[str, Any]]) -> str:
    """Rich-text tooltip for a claim: its status and, per citation, the source's number, title and sentences."""
    rows = []
    for citation in claim["citations"]:
        source = sources.get(citation["source"])
        title = source["title"] if source else "(not in the Sources list)"
        publisher = f" — {source['publisher']}" if source and source.get("publisher") else ""
        sentences = citation["sentences"]
        where = (f"<br><span style='color:#57606a'>{'sentence' if len(sentences) == 1 else 'sentences'} "
                 f"{number_ranges(sentences)}</span>" if sentences else "")
        rows.append(f"<p style='margin:4px 0 0 0'><b>[{citation['source']}]</b> {html.escape(title)}"
                    f"{html.escape(publisher)}{where}</p>")
    cites = "".join(rows) or "<p style='margin:4px 0 0 0'>No citation.</p>"
    return (f"<div style='max-width:420px'><b>Claim {number}</b> · {html.escape(status_label(claim['status']))}"
            f"{cites}</div>")


def error_line(error: BaseException, root: Path | None = None) -> str | None:
    """The one line a user is told of ``error``: a :class:`FootnoteError`'s first line, ``disk full: …`` for
    a full disk (in the command line's words), ``None`` for anything else (a bug: the caller says so)."""
    from archive import recovery
    from archive.errors import FootnoteError

    if isinstance(error, FootnoteError):
        return (str(error).strip().splitlines() or [""])[0] or type(error).__name__
    if recovery.means_disk_full(error, root):
        return recovery.disk_full_message(error, root)
    return None
