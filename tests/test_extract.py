"""Source extraction on real PDFs made in the tests: text, reading order, boxes, titles, bad files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.documents import PageLocator
from archive.extract import Extraction, Kind
from archive.extract.boxes import pack, rects_for_span, unpack
from archive.extract.pdf import extract_pdf
from archive.extract.plaintext import extract_text
from archive.extract.web import extract_html
from archive.textnorm import normalize_text
from pdf_factory import (make_encrypted_pdf, make_image_only_pdf, make_text_pdf, make_two_column_pdf,
                         make_unicode_pdf)

LEFT = [f"Left column sentence number {n} talks about rivers and stones." for n in range(1, 9)]
RIGHT = [f"Right column sentence number {n} talks about markets and budgets." for n in range(1, 9)]


def _sentences(document) -> list[str]:
    return [" ".join(document.text[a:b].split()) for a, b in document.passages]


@pytest.mark.parametrize("interleaved", [False, True], ids=["stream-in-order", "stream-interleaved"])
def test_two_columns_are_read_column_by_column(tmp_path: Path, interleaved: bool) -> None:
    path = make_two_column_pdf(tmp_path / "columns.pdf", [" ".join(LEFT)], [" ".join(RIGHT)],
                               interleaved_stream=interleaved)
    document = extract_pdf(path)
    assert document.status is Extraction.OK
    assert _sentences(document) == LEFT + RIGHT


def test_wrapped_and_hyphenated_text_keeps_the_page_and_the_words(tmp_path: Path) -> None:
    paragraph = ("Extraordinarily comprehensive documentation accompanied the internationalization "
                 "announcement. ") * 6
    path = make_text_pdf(tmp_path / "hyphen.pdf", [paragraph], width_chars=30, hyphenate=True)
    document = extract_pdf(path)
    assert "-\n" in document.text  # the hyphen at the line end is kept as the page shows it
    assert normalize_text(document.text).count(
        "extraordinarily comprehensive documentation accompanied the internationalization announcement.") == 6


def test_sentence_crossing_a_page_break_is_one_passage(tmp_path: Path) -> None:
    sentences = [f"Sentence {n} of the long report describes one more finding in some detail." for n in range(40)]
    path = make_text_pdf(tmp_path / "pages.pdf", [" ".join(sentences)], pages_hint=3)
    document = extract_pdf(path)
    assert len(document.pages) == 3
    assert _sentences(document) == sentences
    locator = PageLocator([(p.number, p.start, unpack(p.words)) for p in document.pages])
    crossing = [(a, b) for a, b in document.passages if locator.page_of(a) != locator.page_of(b - 1)]
    assert crossing, "expected at least one sentence across a page break"
    rects = locator.rects(*crossing[0])
    assert {r[0] for r in rects} == {locator.page_of(crossing[0][0]), locator.page_of(crossing[0][1] - 1)}


def test_word_boxes_are_on_the_page_and_in_reading_order(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "boxes.pdf", ["Alpha beta gamma. Delta epsilon zeta."], title="Boxes")
    document = extract_pdf(path)
    [page] = document.pages
    words = unpack(page.words)
    assert [document.text[s:e] for s, e, *_ in words] == ["Alpha", "beta", "gamma.", "Delta", "epsilon", "zeta."]
    for _, _, x0, y0, x1, y1 in words:
        assert 0 <= x0 < x1 <= page.width and 0 <= y0 < y1 <= page.height
        assert y0 < page.height / 3  # top-left origin: the first line is near the top
    rects = rects_for_span([(1, 0, words)], *document.passages[0])
    assert len(rects) == 1 and rects[0][0] == 1


def test_packed_boxes_round_trip() -> None:
    boxes = [(0, 5, 10.0, 20.5, 30.25, 40.0), (6, 9, 1.5, 2.5, 3.5, 4.5)]
    assert unpack(pack(boxes)) == [(0, 5, 10.0, 20.5, 30.2, 40.0), (6, 9, 1.5, 2.5, 3.5, 4.5)]
    assert unpack(b"") == []


def test_ligatures_curly_quotes_and_metadata(tmp_path: Path) -> None:
    path = make_unicode_pdf(tmp_path / "unicode.pdf", ["\u201cThe ﬁrst ﬂight\u201d \u2014 conﬁrmed."],
                            title="A Unicode Title")
    document = extract_pdf(path)
    assert document.title == "A Unicode Title"
    assert normalize_text(document.text) == '"the first flight" - confirmed.'


def test_title_falls_back_to_the_first_heading_then_the_file_name(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "heading.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("Helvetica-Bold", 20)
    c.drawString(72, 720, "A Report on Rivers")
    c.setFont("Helvetica", 11)
    for n in range(5):
        c.drawString(72, 690 - 15 * n, f"Body line {n} about rivers and stones.")
    c.save()
    assert extract_pdf(path).title == "A Report on Rivers"
    plain = make_text_pdf(tmp_path / "plain-notes.pdf", ["Just some body text here."])
    assert extract_pdf(plain).title == "plain-notes"


def test_author_and_creation_date(tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "a.pdf", ["Text."], title="T", author="Jane Doe")
    document = extract_pdf(path)
    assert document.author == "Jane Doe"
    assert document.published is None or isinstance(document.published, datetime)


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    document = extract_pdf(make_image_only_pdf(tmp_path / "scan.pdf"))
    assert document.status is Extraction.NO_TEXT and document.reason == "no text layer \u2014 scanned?"
    assert len(document.pages) == 1


def test_encrypted_pdf_needs_its_password(tmp_path: Path) -> None:
    path = make_encrypted_pdf(tmp_path / "locked.pdf", ["Secret text of the locked file."], "secret")
    locked = extract_pdf(path)
    assert locked.status is Extraction.PASSWORD and locked.reason.startswith("password-protected")
    assert extract_pdf(path, "wrong").detail == "wrong password"
    opened = extract_pdf(path, "secret")
    assert opened.status is Extraction.OK and "Secret text" in opened.text


def test_not_a_pdf_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not really a pdf\n")
    document = extract_pdf(path)
    assert document.status is Extraction.DAMAGED and document.reason.startswith("damaged: ")


WEB_PAGE = """<!doctype html><html><head><title>Storm hits the coast | Daily Planet</title>
<link rel="canonical" href="https://planet.example/storm">
<meta property="article:published_time" content="2026-05-22T08:00:00Z">
<meta name="author" content="Lois Lane"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<article><h1>Storm hits the coast</h1>
<p>A powerful storm reached the coast on Thursday night, flooding several towns and cutting power to thousands.</p>
<p>Officials said the damage was the worst in a decade. Repairs are expected to take weeks.</p></article>
<aside>Related stories: Ten tips for summer travel</aside>
<footer>Copyright 2026 Daily Planet. All rights reserved.</footer></body></html>"""


def test_web_page_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "storm.html"
    path.write_text(WEB_PAGE, encoding="utf-8")
    document = extract_html(path)
    assert document.status is Extraction.OK and document.kind is Kind.HTML
    assert document.title.startswith("Storm hits the coast")
    assert document.url == "https://planet.example/storm"
    assert document.published is not None and document.published.date().isoformat() == "2026-05-22"
    assert "Repairs are expected to take weeks." in _sentences(document)
    for boilerplate in ("cookies", "Copyright", "Sport", "Related stories"):
        assert boilerplate not in document.text


def test_text_and_markdown_sources(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# Field notes\n\nThe river rose. It rained all day.\n", encoding="utf-8")
    document = extract_text(path, Kind.MARKDOWN)
    assert document.title == "Field notes"
    assert _sentences(document) == ["# Field notes", "The river rose.", "It rained all day."]


def _rects_reference(pages, start: int, end: int) -> list:
    """rects_for_span as first written (min and max over every word): the property test's reference."""
    rects = []
    for number, page_start, boxes in pages:
        current = None
        for word_start, word_end, x0, y0, x1, y1 in boxes:
            if word_start + page_start >= end:
                break
            if word_end + page_start <= start:
                continue
            if current is not None and min(current[4], y1) - max(current[2], y0) > 0.5 * (y1 - y0) \
                    and x0 >= current[1] - 1:
                current[1], current[2] = min(current[1], x0), min(current[2], y0)
                current[3], current[4] = max(current[3], x1), max(current[4], y1)
            else:
                current = [number, x0, y0, x1, y1]
                rects.append(current)
    return [(r[0], round(r[1], 1), round(r[2], 1), round(r[3], 1), round(r[4], 1)) for r in rects]


_word = st.tuples(st.integers(1, 9), st.floats(0, 500), st.sampled_from([0.0, 0.0, 0.5, 3.0, 14.0, -20.0]),
                  st.floats(5, 60), st.sampled_from([9.5, 10.0, 12.0]))


@settings(max_examples=300, deadline=None)
@given(page_words=st.lists(st.lists(_word, max_size=40), min_size=1, max_size=3),
       span=st.tuples(st.integers(0, 700), st.integers(0, 300)))
def test_passage_rectangles_are_one_per_line_as_the_reference_draws_them(page_words, span) -> None:
    pages, page_start = [], 0
    for number, words in enumerate(page_words, start=1):
        boxes, offset, y = [], 0, 50.0
        for length, x0, dy, width, height in words:
            y += dy
            boxes.append((offset, offset + length, round(x0, 1), round(y, 1), round(x0 + width, 1),
                          round(y + height, 1)))
            offset += length + 1
        pages.append((number, page_start, boxes))
        page_start += offset + 2
    start, length = span
    assert rects_for_span(pages, start, start + length) == _rects_reference(pages, start, start + length)
