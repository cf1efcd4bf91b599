"""Citation markers: reading the index, stripping tags, keeping exact offsets."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.markers import Citation, parse_index, strip_markers


def test_index_groups_sentences_by_source_in_order() -> None:
    citations, bad = parse_index("2-19,2-20,5-4,2-21")
    assert citations == (Citation(2, (19, 20, 21)), Citation(5, (4,)))
    assert bad == []


def test_index_accepts_spaces_ranges_and_bare_sources() -> None:
    citations, bad = parse_index(" 3 - 4 , 3-6:8, 7 ")
    assert citations == (Citation(3, (4, 6, 7, 8)), Citation(7, ()))
    assert bad == []


def test_malformed_index_items_are_reported_and_the_rest_kept() -> None:
    citations, bad = parse_index("2-x,,4-5,-3,2-9:1")
    assert citations == (Citation(4, (5,)),)
    assert bad == ["2-x", "", "-3", "2-9:1"]


def test_strip_keeps_exact_offsets_and_removes_tags() -> None:
    result = strip_markers('A. (cite index="1-2">Claim one.</cite> B <cite index="2-3">Two</cite>.', base=10)
    assert result.text == "A. Claim one. B Two."
    assert [(c.text, c.start, c.end) for c in result.claims] == [("Claim one.", 13, 23), ("Two", 26, 29)]
    assert result.warnings == []


def test_extra_spaces_inside_the_tags_are_accepted() -> None:
    result = strip_markers('x ( cite   index = "4-1"  >spaced</ cite >y')
    assert result.text == "x spacedy"
    assert result.claims[0].citations == (Citation(4, (1,)),)


def test_single_quoted_and_bare_index_values() -> None:
    result = strip_markers("(cite index='1-1'>a</cite> (cite index=2-2>b</cite>")
    assert [c.citations for c in result.claims] == [(Citation(1, (1,)),), (Citation(2, (2,)),)]


def test_unclosed_marker_keeps_its_text_without_a_claim() -> None:
    result = strip_markers('Kept (cite index="1-1">text with no end. More text.')
    assert result.text == "Kept text with no end. More text."
    assert result.claims == []
    assert len(result.warnings) == 1 and "never closed" in result.warnings[0] and 'index="1-1"' in result.warnings[0]


def test_marker_reopened_before_closing_warns_and_keeps_the_second() -> None:
    result = strip_markers('(cite index="1-1">first (cite index="2-2">second</cite>')
    assert result.text == "first second"
    assert [(c.text, c.citations[0].source) for c in result.claims] == [("second", 2)]
    assert "never closed" in result.warnings[0]


def test_stray_closing_tag_is_removed_with_a_warning() -> None:
    result = strip_markers("text</cite> more")
    assert result.text == "text more"
    assert result.claims == [] and "stray" in result.warnings[0]


def test_missing_index_keeps_claim_without_citations() -> None:
    result = strip_markers("<cite>a claim</cite>")
    assert result.claims[0].text == "a claim" and result.claims[0].citations == ()
    assert "no index" in result.warnings[0]


def test_empty_marker_is_dropped_with_a_warning() -> None:
    result = strip_markers('a (cite index="1-1">  </cite>b')
    assert result.claims == [] and "empty" in result.warnings[0]


def test_claim_offsets_trim_surrounding_whitespace() -> None:
    result = strip_markers('x(cite index="1-1">  padded  </cite>y')
    claim = result.claims[0]
    assert claim.text == "padded" and result.text[claim.start : claim.end] == "padded"


def test_warnings_name_the_line_of_the_marker() -> None:
    result = strip_markers('one\ntwo (cite index="1-1">open\nthree', first_line=7)
    assert result.warnings[0].startswith("line 8:")


def test_ten_thousand_unclosed_markers_parse_quickly() -> None:
    paragraph = '(cite index="1-1">word ' * 10_000
    result = strip_markers(paragraph)
    assert len(result.warnings) == 10_000 and result.claims == []


def test_hostile_tag_without_closing_quote_or_bracket() -> None:
    paragraph = '(cite index="' * 20_000 + "tail"
    result = strip_markers(paragraph)
    assert result.text == paragraph and result.claims == []


# --- properties ------------------------------------------------------------------

# Text that cannot itself form a tag: no "cite" inside it.
plain_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40).filter(
    lambda s: "cite" not in s.lower()
)
claim_text = plain_text.filter(lambda s: s.strip() != "")
indexes = st.lists(st.tuples(st.integers(1, 30), st.integers(1, 200)), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(plain_text, claim_text, indexes), max_size=8), plain_text, st.integers(0, 10_000))
def test_random_markers_round_trip_their_offsets(segments, tail, base) -> None:
    source, expected_text, expected_claims = [], [], []
    for before, claim, index in segments:
        source.append(before)
        source.append(f'(cite index="{",".join(f"{s}-{n}" for s, n in index)}">{claim}</cite>')
        expected_text.append(before)
        expected_text.append(claim)
        expected_claims.append(claim.strip())
    source.append(tail)
    expected_text.append(tail)
    result = strip_markers("".join(source), base=base)
    assert result.text == "".join(expected_text)
    assert [c.text for c in result.claims] == expected_claims
    for claim in result.claims:
        assert result.text[claim.start - base : claim.end - base] == claim.text
    assert result.warnings == []
    assert not re.search(r"</?cite", result.text)
