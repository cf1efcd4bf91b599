"""Turning an article file's bytes into text without ever guessing wrong.

UTF-8 (with or without a BOM) and UTF-16/32 with a BOM decode; anything else
is refused with the offending byte and its line, rather than decoded into
mojibake by a guess.
"""

from __future__ import annotations

import codecs
import unicodedata

from archive.errors import ImportFailed

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, name: str) -> str:
    """Decode an article file, or raise :class:`ImportFailed` naming the file."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise ImportFailed(
            f"{name} is not valid {encoding.upper().replace('-SIG', '')} text: byte 0x{byte:02X} "
            f"on line {line} (offset {error.start}) cannot be decoded; save it as UTF-8 and import it again"
        ) from None
    if "\x00" in text:
        raise ImportFailed(f"{name} contains NUL characters: it looks like a binary file, not text")
    if encoding != "utf-8" and not _plausible(text):
        # Random bytes that happen to start like a UTF-16/32 BOM decode without
        # error, into nonsense: refuse rather than store mojibake.
        raise ImportFailed(f"{name} starts like {encoding.upper()} text but does not decode to readable "
                           "characters; save it as UTF-8 and import it again")
    return text.removeprefix("\ufeff")


_ALLOWED_CONTROLS = set("\t\n\r\f\v")


def _plausible(text: str) -> bool:
    """No unassigned, private-use or surrogate code points and no stray control characters."""
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cn", "Co", "Cs") or (category == "Cc" and char not in _ALLOWED_CONTROLS):
            return False
    return True
