"""Converting between Python string offsets and Qt text positions.

The core stores claim offsets as Python indexes (code points); Qt counts UTF-16
code units, so every character outside the Basic Multilingual Plane (emoji,
some CJK) counts twice there.  Mixing the two shifts every highlight after the
first emoji, so all conversions go through here.
"""

from __future__ import annotations


def utf16_length(text: str) -> int:
    """Length of ``text`` as Qt counts it."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def utf16_slice(text: str, start: int, end: int) -> str:
    """The part of ``text`` between two Qt positions."""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le", "replace")
