"""Text normalised for matching, with a map back to the original offsets.

A claim quoted in a digest and the same sentence in a PDF rarely agree to the
character: the PDF wraps lines, hyphenates at line ends, uses ligatures
(ﬁ, ﬂ), curly quotes and long dashes, and its case may differ.  ``normalize``
folds all of that away and remembers, for every character it produces, which
original character it came from, so a match found in the normalised text can
be reported at its exact place in the real one.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

_QUOTES = {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc"}
_QUOTES.update({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"})
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_DROP = {"\u00ad", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060"}  # soft hyphen, zero-width characters
_FOLD = {**_QUOTES, **_DASHES, "\u2026": "...", "\u00a0": " ", "\u2009": " ", "\u202f": " "}
_HYPHENS = {"-", "\u2010", "\u00ad"}


@dataclass(frozen=True)
class Normalized:
    """Normalised text; ``origin[i]`` is the offset in the original of ``text[i]``."""

    text: str
    origin: array  # array('l'), one entry per normalised character, plus one past the end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span covered by the normalised span ``start:end``."""
        if end <= start:
            at = self.origin[min(start, len(self.text))]
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def _fold_char(char: str) -> str:
    if char in _FOLD:
        return _FOLD[char]
    if char in _DROP:
        return ""
    if ord(char) < 128:
        return char.lower()
    folded = unicodedata.normalize("NFKC", char)
    return "".join(_FOLD.get(c, c) for c in folded).lower()


# Everything that is not plain lowercase-able ASCII with single spaces.
_SPECIAL = re.compile(r" \s+|[^\S ]\s*|[^\x00-\x7f]")


def normalize(text: str) -> Normalized:
    """Fold case, quotes, dashes, ligatures and spacing; join words hyphenated at line ends.

    A hyphen at the end of a line after a letter and before a lowercase letter
    is a line-end hyphenation ("re-\\nporters" → "reporters"); other hyphens at
    a line end stay ("Anglo-\\nSaxon", "2019-\\n2020" keep the hyphen, lose the
    break).  Plain ASCII stretches are copied in bulk, so the cost is in the
    (few) line breaks and non-ASCII characters, not in every character.
    """
    parts: list[str] = []
    origin = array("l")
    cursor = 0

    def ends_with(char: str) -> bool:
        return bool(parts) and parts[-1].endswith(char)

    def plain(start: int, end: int) -> None:
        if not parts:
            while start < end and text[start] == " ":
                start += 1
        if start < end:
            parts.append(text[start:end].lower())
            origin.extend(range(start, end))

    for match in _SPECIAL.finditer(text):
        start, end = match.span()
        plain(cursor, start)
        cursor = end
        first = text[start]
        if not first.isspace():
            for piece in _fold_char(first):
                if piece != " ":
                    parts.append(piece)
                    origin.append(start)
                elif parts and not ends_with(" "):
                    parts.append(" ")
                    origin.append(start)
            continue
        if not parts or ends_with(" "):
            continue
        if "\n" in match.group() or "\r" in match.group():
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            if before == "\u00ad":
                continue  # a soft hyphen marked the break: the word continues
            if ends_with("-") and start >= 2 and text[start - 2].isalnum():
                if text[start - 2].isalpha() and after.islower():
                    parts[-1] = parts[-1][:-1]  # hyphenated word: drop the hyphen too
                    origin.pop()
                continue
        parts.append(" ")
        origin.append(start)
    plain(cursor, len(text))
    if ends_with(" "):
        parts[-1] = parts[-1][:-1]
        origin.pop()
    origin.append(len(text))
    return Normalized("".join(parts), origin)


def normalize_text(text: str) -> str:
    """Just the normalised text, for comparisons that need no offsets."""
    return normalize(text).text
