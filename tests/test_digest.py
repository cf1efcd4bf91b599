"""The digest format, plain text and Markdown: every rule of the format, and every malformed case."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.digest import parse_article, split_publisher
from archive.errors import ImportFailed
from archive.markers import Citation
from archive.textcodec import decode_text
from conftest import SAMPLE, SHARED

SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")

MINIMAL = """1/2/2026, 9:05:00 AM · science

A title

The summary.

Body with (cite index="1-1">a claim</cite> in it.

Sources

  1. [1]
    Only source | Publisher
"""


@pytest.fixture(scope="module")
def sample():
    return parse_article(SAMPLE_TEXT, filename=SAMPLE.name)


def test_shipped_sample_is_the_shared_one() -> None:
    shared = SHARED / "samples" / SAMPLE.name
    if not shared.exists():
        pytest.skip(f"{shared} is absent")
    assert shared.read_bytes() == SAMPLE.read_bytes()


def test_sample_header(sample) -> None:
    assert sample.format == "digest"
    assert sample.published == datetime(2026, 5, 26, 13, 2, 44)
    assert sample.category == "defense-government"
    assert sample.title == "Trump postpones AI executive order after industry pressure from Zuckerberg, Musk, Sacks"
    assert sample.summary.startswith("President Trump indefinitely delayed signing a draft order")
    assert sample.warnings == []


def test_sample_has_twelve_claims_whose_offsets_round_trip(sample) -> None:
    assert len(sample.claims) == 12
    for claim in sample.claims:
        assert sample.text[claim.start : claim.end] == claim.text
    assert "(cite" not in sample.text and "</cite" not in sample.text
    assert sample.claims[0].text.startswith("Trump canceled the signing ceremony")
    assert sample.claims[0].citations == (Citation(6, (4,)),)
    assert sample.claims[8].citations == (Citation(2, (19, 20, 21)),)
    assert sample.claims[-1].text == "It is not clear when \u2014 or whether \u2014 the executive order will be signed."


def test_sample_sources(sample) -> None:
    assert [s.number for s in sample.sources] == [1, 2, 3, 4, 5, 6, 7]
    assert sample.cited_sources == {1, 2, 3, 4, 5, 6}  # source 7 is listed but never cited
    by_number = {s.number: s for s in sample.sources}
    assert by_number[2].title == "Tech billionaires convinced Trump to back off AI executive order"
    assert by_number[2].publisher == "Fortune"
    assert by_number[4].publisher == "Engadget"
    # The same " - Publisher" rule holds for these two:
    assert by_number[5].publisher == "AI News"
    assert by_number[7].publisher == "The Washington Post"
    assert by_number[1].publisher is None and by_number[3].publisher is None and by_number[6].publisher is None


def test_sample_sections_and_empty_cross_references(sample) -> None:
    assert [s.title for s in sample.sections] == [
        "The draft order", "Industry lobbying", "Trump's rationale", "Inter-agency disputes", "Current posture"]
    for section in sample.sections:
        assert sample.text[section.start : section.start + len(section.title)] == section.title
    assert sample.cross_references == []


def test_text_starts_with_the_summary_and_separates_paragraphs_with_blank_lines(sample) -> None:
    assert sample.text.startswith(sample.summary + "\n\n")
    assert "\n\n\n" not in sample.text
    assert sample.title not in sample.text.split("\n\n")


@pytest.mark.parametrize("transform", [
    pytest.param(lambda t: "\ufeff" + t, id="bom"),
    pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
    pytest.param(lambda t: t.replace("\n", "\r"), id="lone-cr"),
    pytest.param(lambda t: t.replace("\n", "  \n"), id="trailing-spaces"),
])
def test_line_endings_and_bom_give_the_same_article(sample, transform) -> None:
    other = parse_article(transform(SAMPLE_TEXT))
    assert other.text == sample.text
    assert [(c.text, c.start, c.end, c.citations) for c in other.claims] == \
        [(c.text, c.start, c.end, c.citations) for c in sample.claims]
    assert other.sources == sample.sources and other.warnings == []


def test_extra_spaces_inside_marker_tags(sample) -> None:
    spaced = SAMPLE_TEXT.replace('(cite index="', '( cite  index = "').replace('">', '" >').replace("</cite>", "</ cite >")
    other = parse_article(spaced)
    assert [c.text for c in other.claims] == [c.text for c in sample.claims]
    assert other.warnings == []


def test_cross_references_are_listed() -> None:
    text = MINIMAL.replace("Sources\n", "Cross-references\n\n- Related story one\n* Related story two\n\nSources\n")
    article = parse_article(text)
    assert article.cross_references == ["Related story one", "Related story two"]
    assert len(article.claims) == 1 and article.warnings == []


def test_source_title_on_the_same_line_and_bracket_only_entries() -> None:
    text = MINIMAL.replace("  1. [1]\n    Only source | Publisher\n", "1. [1] First - Reuters\n[2]\nSecond one\n")
    article = parse_article(text)
    assert [(s.number, s.title, s.publisher) for s in article.sources] == [(1, "First", "Reuters"), (2, "Second one", None)]


def test_unclosed_marker_warns_and_the_rest_still_imports() -> None:
    text = MINIMAL.replace('(cite index="1-1">a claim</cite>', '(cite index="1-1">a claim') \
        .replace("Sources", 'Later (cite index="1-2">second claim</cite>.\n\nSources')
    article = parse_article(text)
    assert [c.text for c in article.claims] == ["second claim"]
    assert "Body with a claim in it." in article.text
    assert len(article.warnings) == 1 and "line 7" in article.warnings[0] and "never closed" in article.warnings[0]


def test_marker_never_spans_paragraphs() -> None:
    text = MINIMAL.replace("a claim</cite> in it.", "a claim in it.\n\nNext paragraph</cite> here.")
    article = parse_article(text)
    assert article.claims == []
    assert any("never closed" in w for w in article.warnings) and any("stray" in w for w in article.warnings)


def test_citation_of_a_source_not_in_the_list_warns() -> None:
    article = parse_article(MINIMAL.replace('index="1-1"', 'index="1-1,9-2"'))
    assert article.claims[0].citations == (Citation(1, (1,)), Citation(9, (2,)))
    assert article.warnings == ["line 7: claim 1 cites source 9, which is not in the Sources list"]


def test_malformed_index_warns_and_keeps_the_claim() -> None:
    article = parse_article(MINIMAL.replace('index="1-1"', 'index="1-one"'))
    assert article.claims[0].text == "a claim" and article.claims[0].citations == ()
    assert len(article.warnings) == 1 and "malformed citation index" in article.warnings[0]


def test_invalid_date_warns_but_imports() -> None:
    article = parse_article(MINIMAL.replace("1/2/2026", "13/45/2026"))
    assert article.published is None and article.format == "digest"
    assert "not a valid date" in article.warnings[0]
    assert len(article.claims) == 1


@pytest.mark.parametrize("line, expected", [
    ("12/31/2025, 11:59:59 PM · world", datetime(2025, 12, 31, 23, 59, 59)),
    ("1/1/2026, 12:00:00 AM · x", datetime(2026, 1, 1, 0, 0, 0)),
    ("1/1/2026, 12:30 PM · x", datetime(2026, 1, 1, 12, 30, 0)),
])
def test_twelve_hour_clock(line, expected) -> None:
    assert parse_article(f"{line}\n\nT\n\nS\n").published == expected


def test_text_not_in_the_digest_format_is_a_plain_article() -> None:
    article = parse_article("Just a note\n\nSome words here. And more.\n", filename="note.txt")
    assert article.format == "plain" and article.title == "Just a note"
    assert article.text == "Some words here. And more." and article.claims == [] and article.warnings == []


def test_markdown_title_and_headings() -> None:
    article = parse_article("# The Title\n\nIntro paragraph.\n\n## A section\n\nText (cite index=\"1-1\">claimed</cite>.\n",
                            markdown=True)
    assert article.format == "markdown" and article.title == "The Title"
    assert [s.title for s in article.sections] == ["A section"]
    assert article.claims[0].text == "claimed"


def test_empty_file_is_a_plain_article_with_a_warning() -> None:
    article = parse_article("\n\n  \n", filename="empty-notes.txt")
    assert article.title == "empty notes" and article.text == "" and article.warnings == ["the file is empty"]


def test_markers_in_the_title_are_removed_with_a_warning() -> None:
    article = parse_article(MINIMAL.replace("A title", 'A (cite index="1-1">title</cite>'))
    assert article.title == "A title" and any("title" in w for w in article.warnings)


@pytest.mark.parametrize("title, expected", [
    ("Story | Fortune", ("Story", "Fortune")),
    ("Story - The Washington Post", ("Story", "The Washington Post")),
    ("Story \u2014 BBC News", ("Story", "BBC News")),
    ("Trump postpones order - what it means for you", ("Trump postpones order - what it means for you", None)),
    ("Last-minute lobbying", ("Last-minute lobbying", None)),
    ("A - B - Reuters", ("A - B", "Reuters")),
])
def test_split_publisher(title, expected) -> None:
    assert split_publisher(title) == expected


# --- encodings -------------------------------------------------------------------------


def test_non_utf8_bytes_are_refused_naming_the_file_and_line() -> None:
    data = "Title\n\nCaf\u00e9 cr\u00e8me\n".encode("latin-1")
    with pytest.raises(ImportFailed) as error:
        decode_text(data, "menu.txt")
    message = str(error.value)
    assert "menu.txt" in message and "0xE9" in message and "line 3" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_unicode_with_bom_decodes(encoding) -> None:
    assert decode_text("Caf\u00e9 \u2014 \u201cq\u201d".encode(encoding), "x.txt") == "Caf\u00e9 \u2014 \u201cq\u201d"


def test_bytes_that_only_look_like_a_utf16_bom_are_refused() -> None:
    with pytest.raises(ImportFailed, match="does not decode to readable characters"):
        decode_text(b"\xff\xfe\xfa not text", "odd.txt")


def test_binary_file_is_refused() -> None:
    with pytest.raises(ImportFailed, match="binary"):
        decode_text(b"\x00\x01\x02PK\x00", "x.txt")


# --- size and hostile shapes -----------------------------------------------------------


def test_large_digest_with_many_unclosed_markers_does_not_hang() -> None:
    body = "\n\n".join('Para (cite index="1-1">never closed.' for _ in range(10_000))
    article = parse_article(MINIMAL.replace("Sources", body + "\n\nSources"))
    assert len(article.warnings) == 10_000 and len(article.claims) == 1


def test_five_megabyte_digest_parses(sample) -> None:
    body_start = SAMPLE_TEXT.index("US President")
    body_end = SAMPLE_TEXT.index("Cross-references")
    body = SAMPLE_TEXT[body_start:body_end]
    copies = 5_000_000 // len(body) + 1
    big = SAMPLE_TEXT[:body_start] + body * copies + SAMPLE_TEXT[body_end:]
    article = parse_article(big)
    assert len(article.claims) == 12 * copies
    last = article.claims[-1]
    assert article.text[last.start : last.end] == last.text and article.warnings == []


# --- property: markers anywhere in random text ------------------------------------------

words = st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P", "Zs"), blacklist_characters="<>()\u2028\u2029\x85"),
                min_size=1, max_size=30).filter(lambda s: "cite" not in s.lower() and s.strip())
paragraph_pieces = st.lists(st.tuples(words, st.booleans()), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(paragraph_pieces, min_size=1, max_size=6), st.booleans())
def test_random_articles_round_trip_claim_offsets(paragraphs, as_digest) -> None:
    expected = []
    blocks = []
    for pieces in paragraphs:
        block = []
        for text, marked in pieces:
            if marked:
                block.append(f'(cite index="1-{len(expected) + 1}">{text}</cite>')
                expected.append(" ".join(text.split()))
            else:
                block.append(text)
        blocks.append(" ".join(block))
    header = "3/4/2026, 10:00:00 AM · test\n\nTitle\n\n" if as_digest else "Title\n\n"
    article = parse_article(header + "\n\n".join(blocks) + "\n\nSources\n\n1. [1]\nSource one\n")
    assert [" ".join(c.text.split()) for c in article.claims] == expected
    for claim in article.claims:
        assert article.text[claim.start : claim.end] == claim.text


@pytest.mark.parametrize("text", [
    pytest.param("# a" + " " * 20_000 + "b\n\nbody", id="markdown-heading"),
    pytest.param("1/1/2026, 1:00 PM \u00b7 x" + " " * 20_000 + "y\n\nT\n\nS\n", id="date-line"),
    pytest.param("1/1/2026, 1:00 PM \u00b7 x\n\nT\n\nS\n\nSources\n\n1. [1] a" + " " * 20_000 + "b\n", id="source-entry"),
])
def test_long_runs_of_spaces_do_not_make_the_patterns_backtrack(text) -> None:
    # Once cubic (a lazy group before optional spaces and hashes): 20,000 spaces took minutes.
    article = parse_article(text)
    assert article.title


def test_markdown_heading_with_closing_hashes() -> None:
    assert parse_article("## Title here ##\n\nText.\n").title == "Title here"


def test_a_marked_line_that_looks_like_a_markdown_heading_keeps_its_claim() -> None:
    article = parse_article('Title\n\n# (cite index="1-1">0</cite>\n')
    assert [c.text for c in article.claims] == ["0"]
