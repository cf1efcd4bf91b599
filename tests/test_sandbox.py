"""Extraction runs in child processes that a hostile file cannot take down with it."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from archive.extract import Extraction, Kind
from archive.extract.sandbox import CHUNK_PAGES, ExtractionPool, Task, page_chunks
from archive.progress import CancelToken
from pdf_factory import make_compression_bomb_pdf, make_many_pages_pdf, make_text_pdf


def test_results_come_back_for_every_task(tmp_path: Path) -> None:
    paths = [make_text_pdf(tmp_path / f"{n}.pdf", [f"Document number {n}."]) for n in range(4)]
    with ExtractionPool(2) as pool:
        results = dict(pool.run([Task(p, Kind.PDF) for p in paths]))
    assert {task.path for task in results} == set(paths)
    assert all(r.status is Extraction.OK for r in results.values())


def test_a_file_over_the_time_limit_is_stopped_and_the_pool_goes_on(tmp_path: Path) -> None:
    slow = make_many_pages_pdf(tmp_path / "slow.pdf", 300)
    quick = make_text_pdf(tmp_path / "quick.pdf", ["Quick one."])
    with ExtractionPool(1, time_limit=0.3) as pool:
        results = {task.path.name: r for task, r in pool.run([Task(slow, Kind.PDF), Task(quick, Kind.PDF)])}
    assert results["slow.pdf"].status is Extraction.TIMEOUT
    assert results["slow.pdf"].reason == "extraction timed out: stopped after 0 s"
    assert results["quick.pdf"].status is Extraction.OK


def test_a_compression_bomb_costs_only_itself(tmp_path: Path) -> None:
    bomb = make_compression_bomb_pdf(tmp_path / "bomb.pdf", expanded_mb=300)
    quick = make_text_pdf(tmp_path / "quick.pdf", ["Quick one."])
    with ExtractionPool(1, memory_limit=200 * 1024**2) as pool:
        results = {task.path.name: r for task, r in pool.run([Task(bomb, Kind.PDF), Task(quick, Kind.PDF)])}
    assert results["bomb.pdf"].status in (Extraction.TOO_LARGE, Extraction.DAMAGED)
    assert "compression bomb" in results["bomb.pdf"].reason or "needed more than" in results["bomb.pdf"].reason
    assert results["quick.pdf"].status is Extraction.OK


def test_long_pdfs_are_split_across_workers_and_put_back_together(tmp_path: Path) -> None:
    from archive.extract.pdf import extract_pdf

    path = make_many_pages_pdf(tmp_path / "long.pdf", 120)
    with ExtractionPool(2) as pool:
        [(task, merged)] = list(pool.extract([Task(path, Kind.PDF)]))
    whole = extract_pdf(path)
    assert task.pages is None and merged.status is Extraction.OK
    assert merged.text == whole.text and merged.passages == whole.passages
    assert [(p.number, p.start, p.end, p.words) for p in merged.pages] == \
        [(p.number, p.start, p.end, p.words) for p in whole.pages]


def test_a_worker_extracts_a_short_pdf_at_once_and_answers_a_long_one_with_its_page_count(
        tmp_path: Path) -> None:
    from archive.extract.sandbox import extract_here

    short = make_many_pages_pdf(tmp_path / "short.pdf", 2 * CHUNK_PAGES)
    long = make_many_pages_pdf(tmp_path / "long.pdf", 2 * CHUNK_PAGES + 1)
    extracted = extract_here(Task(short, Kind.PDF, split_over=2 * CHUNK_PAGES))
    assert not isinstance(extracted, int) and len(extracted.pages) == 2 * CHUNK_PAGES
    assert extract_here(Task(long, Kind.PDF, split_over=2 * CHUNK_PAGES)) == 2 * CHUNK_PAGES + 1
    # A mix: results are given for the tasks as asked, the long one in one piece.
    quick = make_text_pdf(tmp_path / "quick.pdf", ["Quick one."])
    asked = [Task(long, Kind.PDF), Task(quick, Kind.PDF), Task(short, Kind.PDF)]
    with ExtractionPool(2) as pool:
        results = dict(pool.extract(asked))
    assert set(results) == set(asked)
    assert [len(results[task].pages) for task in asked] == [2 * CHUNK_PAGES + 1, 1, 2 * CHUNK_PAGES]


def test_cancel_stops_without_waiting_for_running_work(tmp_path: Path) -> None:
    paths = [make_many_pages_pdf(tmp_path / f"{n}.pdf", 60, seed=n) for n in range(3)]
    token = CancelToken()
    seen = []
    with ExtractionPool(1) as pool:
        for task, result in pool.run([Task(p, Kind.PDF) for p in paths], token):
            seen.append(task)
            token.cancel()
    assert len(seen) == 1


@settings(max_examples=200, deadline=None)
@given(count=st.integers(2 * CHUNK_PAGES + 1, 5000), workers=st.integers(2, 8))
def test_a_long_pdf_is_cut_into_chunks_every_worker_gets_an_equal_share_of(count: int, workers: int) -> None:
    chunks = page_chunks(count, workers)
    assert chunks[0][0] == 0 and chunks[-1][1] == count
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:]))  # every page once, in order
    sizes = [last - first for first, last in chunks]
    assert max(sizes) <= CHUNK_PAGES and min(sizes) > 0
    shares = [sum(sizes[n::workers]) for n in range(workers)]  # handed out in turn
    assert max(shares) <= -(-count // workers) + len(chunks) // workers  # (chunks of 48: 96 of 150 pages)
