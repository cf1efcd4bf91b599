"""Sentence splitting into passages: abbreviations, quotes, paragraphs."""

from __future__ import annotations

from archive.sentences import split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_initials_and_decimals_do_not_end_sentences() -> None:
    text = ("Mr. Smith met the U.S. Senate on Jan. 5. It cost $3.5 million! Was it J. R. Tolkien? "
            "\u201cYes,\u201d she said. \u201cIt was.\u201d Done.")
    assert sentences(text) == ["Mr. Smith met the U.S. Senate on Jan. 5.", "It cost $3.5 million!",
                               "Was it J. R. Tolkien?", "\u201cYes,\u201d she said.", "\u201cIt was.\u201d",
                               "Done."]


def test_blank_lines_end_sentences_and_line_breaks_do_not() -> None:
    text = "A Heading\n\nThe first sentence runs\nacross a line. The second one\n\nanother paragraph"
    assert sentences(text) == ["A Heading", "The first sentence runs\nacross a line.", "The second one",
                               "another paragraph"]


def test_lowercase_after_a_period_continues_the_sentence() -> None:
    assert sentences("See fig. three for details. ok then.") == ["See fig. three for details. ok then."]


def test_spans_cover_no_surrounding_whitespace() -> None:
    text = "  One.   Two.  \n"
    assert split_sentences(text) == [(2, 6), (9, 13)]
