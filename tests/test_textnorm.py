"""Normalisation for matching, and the offsets it keeps back to the original text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.textnorm import normalize


@pytest.mark.parametrize("text, expected", [
    ("\u201cQuoted\u201d \u2018x\u2019", '"quoted" \'x\''),
    ("a \u2014 b \u2013 c \u2212 d", "a - b - c - d"),
    ("\ufb01ne \ufb02ow \ufb03ce", "fine flow ffice"),
    ("re-\nporters", "reporters"),
    ("re-\n   porters", "reporters"),
    ("Anglo-\nSaxon", "anglo-saxon"),
    ("2019-\n2020", "2019-2020"),
    ("soft\u00adhyphen", "softhyphen"),
    ("soft\u00ad\nbreak", "softbreak"),
    ("  many \t spaces\n\nand lines  ", "many spaces and lines"),
    ("non\u00a0breaking", "non breaking"),
    ("wait\u2026", "wait..."),
    ("CAF\u00c9", "caf\u00e9"),
])
def test_folding(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def test_offsets_point_back_at_the_original() -> None:
    text = "\u201cI postponed it,\u201d Trump told re-\nporters in the Oﬃce."
    norm = normalize(text)
    start = norm.text.index("reporters")
    a, b = norm.span(start, start + len("reporters"))
    assert text[a:b] == "re-\nporters"
    start = norm.text.index("office")
    a, b = norm.span(start, start + len("office"))
    assert text[a:b] == "Oﬃce"


@given(st.text(max_size=200))
def test_origin_is_monotonic_and_in_bounds(text: str) -> None:
    norm = normalize(text)
    assert len(norm.origin) == len(norm.text) + 1
    assert list(norm.origin) == sorted(norm.origin)
    assert all(0 <= o <= len(text) for o in norm.origin)
    assert not norm.text.startswith(" ") and not norm.text.endswith(" ") and "  " not in norm.text
