"""Search: every query feature on the demo archive, incremental updates, damage, foreign folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.annotations import delete_article, delete_document, set_note, set_tags, set_user_status
from archive.importing import import_paths
from archive.queries import article_detail
from archive.search.index import MARKER, check_folder
from archive.search.query import QuerySyntaxError, parse, search
from archive.store import Archive


@pytest.fixture
def demo(demo_copy: Path):
    """A private copy of the demo archive, opened for writing."""
    with Archive.open(demo_copy) as archive:
        yield archive


def run(archive, text, **options):
    with archive.session() as session:
        return search(archive.search_index, session, text, **options)


def types_of(result) -> list[str]:
    return [hit.type for hit in result.hits]


def test_import_made_the_index_and_everything_is_in_it(demo) -> None:
    assert check_folder(demo.search_index.folder).ok
    assert demo.search_index.count("article") == 1
    assert demo.search_index.count("claim") == 12
    assert demo.search_index.count("source") >= 7 + 11  # one record per document, one per page or part


def test_stemming_finds_other_forms(demo) -> None:
    assert run(demo, "regulation").total == run(demo, "regulators").total > 0


def test_case_and_accents_fold(demo) -> None:
    assert run(demo, "Sacks").total == run(demo, "sacks").total == run(demo, "SACKS").total > 0
    assert run(demo, "Zúckerberg").total == run(demo, "Zuckerberg").total > 0


def test_phrase_prefix_fuzzy_boolean(demo) -> None:
    phrase = run(demo, '"de facto licensing regime"')
    assert phrase.total >= 2 and all("<mark>" in hit.snippet for hit in phrase.hits)
    assert run(demo, '"regime licensing de facto"').total == 0
    assert run(demo, "regul*").total >= run(demo, "regulatory").total > 0
    fuzzy = run(demo, "Zuckerburg~")
    assert fuzzy.total > 0 and any("<mark>Zuckerberg</mark>" in hit.snippet for hit in fuzzy.hits)
    both = run(demo, "Bessent AND Mythos").total
    assert 0 < both <= run(demo, "Bessent OR Mythos").total
    assert run(demo, "Bessent NOT Mythos").total < run(demo, "Bessent").total


def test_fuzzy_compares_the_stem_of_a_misspelled_word(demo) -> None:
    """Indexed words are stems: "compnies" is 2 edits from "compani" (companies), its stem "compni" is 1."""
    expected = run(demo, "companies").total
    assert expected > 0
    assert run(demo, "compnies~").total == expected
    licensing = run(demo, "licenseing~")  # stem "licens", as "licensing" is indexed
    assert licensing.total == run(demo, "licensing").total > 0
    assert any("<mark>licensing</mark>" in hit.snippet.lower() for hit in licensing.hits)


def test_facets_count_every_match_once_after_updates(demo) -> None:
    """Updates replace records: a replaced one (still in its segment, marked deleted) is never counted."""
    before = run(demo, "type:claim")
    claim = article_detail(demo, run(demo, "type:article").hits[0].document)["claims"][0]["id"]
    for note in ("first note", "second note", "third note"):
        set_note(demo, claim, note)
        result = run(demo, "type:claim")
        assert result.total == before.total == sum(result.facets["status"].values())


@pytest.mark.parametrize("text", [
    "Sacks", "regulation", "Sacks OR Musk", "Sacks AND Trump", "Trump NOT Sacks", "(Trump OR Musk) NOT Sacks",
    "type:claim", "type:claim status:verified", "type:claim NOT status:verified", '"executive order"',
    "regul*", "Zuckerburg~", "date:2026-05", "title:order", "tag:nothing", "category:defense-government AI",
    "source:fortune", "NOT Sacks", "Trump AND (Musk OR Sacks) NOT status:partial"])
def test_totals_and_facets_match_whooshs_own_matching(demo, text: str) -> None:
    """The totals and facet counts come from set operations over postings read a block at a time: they
    must count exactly what whoosh's matchers find (after updates have left deleted records behind)."""
    from whoosh import sorting

    from archive.search.matches import facet_counts
    from archive.search.query import _expand_multi_terms

    claim = article_detail(demo, run(demo, "type:article").hits[0].document)["claims"][1]["id"]
    set_note(demo, claim, "a note that replaces the claim's record")
    with demo.search_index.searching() as searcher:
        parsed = _expand_multi_terms(parse(text), searcher.reader())
        total, facets = facet_counts(searcher, parsed)
        facet_spec = sorting.Facets()
        for name in ("type", "status", "category"):
            facet_spec.add_field(name, allow_overlap=False)
        whoosh = searcher.search(parsed, limit=None, groupedby=facet_spec)
        assert total == len(whoosh)
        for name in ("type", "status", "category"):
            expected = {str(k): len(v) for k, v in whoosh.groups(name).items() if k not in (None, "")}
            assert facets[name] == expected, name
    searched = run(demo, text)  # by set operations, or by whoosh's matchers noting every match
    assert (searched.total, searched.facets) == (total, facets)


def test_one_searcher_is_kept_until_the_index_changes(demo, tmp_path: Path) -> None:
    index = demo.search_index
    with index.searching() as first:
        pass
    with index.searching() as again:
        assert again is first
    path = tmp_path / "extra.md"
    path.write_text("# Extra\n\nA numbat appears.\n", encoding="utf-8")
    import_paths(demo, [path])
    with index.searching() as after_update:
        assert after_update is not first and first.is_closed
    assert run(demo, "numbat").total == 1
    index.rebuild(demo)
    with index.searching() as after_rebuild:
        assert after_rebuild is not after_update
    assert run(demo, "numbat").total == 1


def test_field_queries(demo) -> None:
    assert set(types_of(run(demo, "type:claim Sacks"))) == {"claim"}
    assert set(types_of(run(demo, "type:article"))) == {"article"}
    verified = run(demo, "status:verified", limit=50)
    assert len(verified.hits) == 10 and set(types_of(verified)) == {"claim"}
    assert run(demo, "status:partial").total == 1 and run(demo, "status:not_found").total == 1
    assert run(demo, "title:Engadget").total == 0 and run(demo, 'title:"oversight executive order"').total >= 1
    assert run(demo, "category:defense-government").total == 13  # the article and its claims
    fortune = run(demo, "source:Fortune", limit=50)
    assert fortune.total > 0 and {h.type for h in fortune.hits} <= {"article", "claim", "source"}
    claims_citing_fortune = run(demo, "type:claim source:Fortune", limit=50)
    assert len(claims_citing_fortune.hits) == 4


def test_dates_and_ranges(demo) -> None:
    assert run(demo, "type:article date:2026-05").total == 1
    assert run(demo, "type:article date:2026-05-26").total == 1
    assert run(demo, "type:article date:[2026-01 TO 2026-04]").total == 0
    assert run(demo, "type:article date:[2026-05 TO 2026-06]").total == 1
    assert run(demo, "type:article date:>2026-04").total == 1
    assert run(demo, "type:article date:<2026-05").total == 0


def test_source_hits_are_shown_at_their_passage_and_page(demo) -> None:
    result = run(demo, '"heated wrangling"', types=["source"])
    [hit] = result.hits
    assert hit.page == 1 and hit.passage is not None
    assert "<mark>heated</mark> <mark>wrangling</mark>" in hit.snippet
    assert hit.snippet.startswith("The discussion over the now-postponed")
    with demo.session() as session:
        from archive.models import Document

        text = session.get(Document, hit.document).text
    assert "heated wrangling" in " ".join(text[hit.start:hit.end].split())


def test_results_group_by_document_and_carry_facets(demo) -> None:
    result = run(demo, "Sacks", limit=50)
    groups = result.grouped()
    assert len(groups) == len({hit.document for hit in result.hits}) > 1
    assert result.facets["type"]["claim"] == 3 and sum(result.facets["type"].values()) == result.total
    assert result.facets["category"] == {"defense-government": 4}


def test_type_filter_option(demo) -> None:
    assert set(types_of(run(demo, "Sacks", types=["claim", "article"]))) == {"claim", "article"}
    assert run(demo, "Sacks", types=["bogus"]).error.startswith("unknown type")


@pytest.mark.parametrize("text, message", [
    ('"unclosed', "quotation mark is not closed"),
    ("(Sacks OR Musk", "parenthesis is not closed"),
    ("Sacks)", "closing parenthesis has no opening"),
    ("Sacks AND", "AND / OR needs words"),
    ("date:2026-13", "is not a date"),
    ("date:[2026 TO", "range [ … ] is not closed"),
])
def test_syntax_errors_get_a_message_and_a_plain_words_search(demo, text, message) -> None:
    with pytest.raises(QuerySyntaxError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse(text)
    result = run(demo, text)
    assert message in result.error
    if result.fallback:
        assert result.total == run(demo, result.fallback).total


def test_did_you_mean_for_a_misspelled_word(demo) -> None:
    result = run(demo, "Zuckerbrg")
    assert result.total == 0 and result.suggestion == "zuckerberg"
    assert run(demo, "Zuckerberg").suggestion is None


def test_a_fresh_import_is_searchable_at_once(demo, tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Quokka census\n\nThe quokka population rose (cite index=\"1-1\">sharply on Rottnest</cite>.\n",
                    encoding="utf-8")
    import_paths(demo, [path])
    assert set(types_of(run(demo, "quokka"))) == {"article"}
    assert set(types_of(run(demo, "Rottnest"))) == {"article", "claim"}


def test_notes_tags_statuses_and_deletes_reach_the_index(demo) -> None:
    article = run(demo, "type:article").hits[0].document
    claim = article_detail(demo, article)["claims"][4]["id"]
    set_note(demo, claim, "Check the wombat angle with the desk.")
    notes = run(demo, "wombat")
    assert sorted(types_of(notes)) == ["claim", "note"] and run(demo, "type:note").total == 1
    set_tags(demo, claim, ["Follow-Up", "lobbying"])
    assert run(demo, "tag:follow-up").total == 2 and run(demo, "tag:lobbying type:claim").hits[0].claim == claim
    set_user_status(demo, claim, "disputed")
    assert run(demo, "status:disputed").hits[0].claim == claim
    assert run(demo, "status:verified").total == 9
    document = run(demo, '"heated wrangling"', types=["source"]).hits[0].document
    delete_document(demo, document)
    assert run(demo, '"heated wrangling"', types=["source"]).total == 0
    assert run(demo, "status:verified").total == 5  # the four claims citing it lost their source
    delete_article(demo, article)
    assert run(demo, "type:claim OR type:article OR type:note").total == 0


def test_searching_while_writing(demo, tmp_path: Path) -> None:
    with demo.search_index.searcher() as before:
        count = before.doc_count()
        path = tmp_path / "extra.md"
        path.write_text("# Extra\n\nAn okapi appears.\n", encoding="utf-8")
        import_paths(demo, [path])
        assert before.doc_count() == count  # an open searcher keeps its view
    assert run(demo, "okapi").total == 1


@pytest.mark.parametrize("damage", ["delete", "truncate", "garble", "foreign-marker", "old-format"])
def test_a_damaged_missing_or_foreign_index_is_rebuilt(demo, damage: str) -> None:
    folder = demo.search_index.folder
    expected = run(demo, "Sacks").total
    demo.search_index.close()
    if damage == "delete":
        shutil.rmtree(folder)
    elif damage == "truncate":
        for segment in folder.glob("*.seg"):
            segment.write_bytes(segment.read_bytes()[:100])
    elif damage == "garble":
        for toc in folder.glob("*.toc"):
            toc.write_bytes(b"\x80\x04garbage" * 10)
    elif damage == "foreign-marker":
        marker = json.loads((folder / MARKER).read_text())
        marker["mac"] = "0" * 64
        (folder / MARKER).write_text(json.dumps(marker))
    else:
        marker = json.loads((folder / MARKER).read_text())
        marker["format"] = 0
        (folder / MARKER).write_text(json.dumps(marker))
    state = demo.search_index.state()
    assert not state.ok
    demo.search_index.ensure(demo)
    assert demo.search_index.state().ok
    assert run(demo, "Sacks").total == expected
    if damage != "delete":
        assert list(folder.parent.glob("index.aside-*")), "the bad index was not kept aside"


def test_a_folder_footnote_did_not_create_is_never_opened(demo, monkeypatch) -> None:
    from whoosh import index as whoosh_index

    folder = demo.search_index.folder
    (folder / MARKER).unlink()
    demo.search_index.close()
    opened = []
    monkeypatch.setattr(whoosh_index, "open_dir", lambda *a, **k: opened.append(a) or pytest.fail("opened"))
    assert not demo.search_index.state().ok
    assert opened == []


@pytest.fixture
def parallel(monkeypatch) -> list:
    """Rebuilds in child processes (``archive.search.build``), as a large archive's would run;
    the list it gives receives the worker count of each such build."""
    from archive.search import build, index as index_module

    monkeypatch.setattr(index_module, "PARALLEL_MIN_CHARS", 0)
    monkeypatch.setattr(index_module, "REBUILD_PROCESSES", 2)
    builds: list = []
    real = build.build_in_workers

    def counted(*args, **kwargs):
        builds.append(args[5])
        return real(*args, **kwargs)

    monkeypatch.setattr(build, "build_in_workers", counted)
    return builds


def _view(archive) -> list:
    """What some queries find (hits in any order: records of equal score come in index order) and count."""
    return [(sorted((h.type, h.document, h.claim or "", h.page or 0, h.snippet, round(h.score, 3))
                    for h in run(archive, q, limit=100).hits), run(archive, q).facets)
            for q in ("Sacks", "type:claim", '"de facto"', "regul*", "date:2026-05")]


def test_an_import_indexes_each_document_as_it_is_written_and_commits_once(demo, tmp_path: Path,
                                                                            monkeypatch) -> None:
    from archive.check import index_consistency
    from archive.search.batch import IndexBatch
    from pdf_factory import make_text_pdf

    paths = [make_text_pdf(tmp_path / f"{word}.pdf", [f"The {word} walked along the shore at dawn."])
             for word in ("quokka", "numbat", "bilby")]
    added, finished = [], []
    real_add, real_finish = IndexBatch.add, IndexBatch.finish
    monkeypatch.setattr(IndexBatch, "add", lambda self, **items: (added.append(items), real_add(self, **items)))
    monkeypatch.setattr(IndexBatch, "finish",
                        lambda self, **items: (finished.append(len(added)), real_finish(self, **items)))
    report = import_paths(demo, paths)
    documents = [r.document_id for r in report.results]
    assert sorted(d for items in added for d in items.get("documents", ())) == sorted(documents)
    assert finished == [3]  # every document was added before the one commit
    for word in ("quokka", "numbat", "bilby"):
        assert [h.document for h in run(demo, word).hits if h.type == "source"], word
    assert index_consistency(demo) == []
    # The writer was released: an edit reindexes as usual.
    set_note(demo, run(demo, "type:claim").hits[0].claim, "quokka sighting")
    assert any(h.type == "note" for h in run(demo, "quokka").hits)


def test_a_parallel_rebuild_makes_the_same_index(demo, parallel) -> None:
    before, count = _view(demo), demo.search_index.count()
    assert demo.search_index.rebuild(demo) == count
    assert parallel == [2]
    with demo.search_index.searching() as searcher:
        assert 1 <= len(searcher.reader().segments()) <= 2  # one per worker that got work
    assert demo.search_index.count() == count and _view(demo) == before
    assert not list(demo.search_index.folder.parent.glob("index.new-*"))
    assert not list(demo.search_index.folder.glob("*.tmp")), "a worker's scratch folder was left behind"


@pytest.mark.parametrize("in_workers", [False, True], ids=["one process", "worker processes"])
def test_a_change_made_during_a_rebuild_reaches_the_new_index(demo, tmp_path: Path, monkeypatch,
                                                              in_workers: bool) -> None:
    if in_workers:
        from archive.search import index as index_module

        monkeypatch.setattr(index_module, "PARALLEL_MIN_CHARS", 0)
    path = tmp_path / "during.md"
    path.write_text("# During\n\nA quoll appears.\n", encoding="utf-8")
    imported = []

    def import_meanwhile(_progress) -> None:
        if not imported:  # after the rebuild has listed what to index
            imported.append(import_paths(demo, [path]))

    demo.search_index.rebuild(demo, progress=import_meanwhile)
    assert imported and run(demo, "quoll").total == 1


def test_a_cancelled_parallel_rebuild_keeps_the_old_index(demo, parallel) -> None:
    from archive.progress import CancelToken, Cancelled

    before = _view(demo)
    token = CancelToken()
    with pytest.raises(Cancelled):
        demo.search_index.rebuild(demo, progress=lambda _p: token.cancel(), cancel=token)
    assert _view(demo) == before and check_folder(demo.search_index.folder).ok
    assert not list(demo.search_index.folder.parent.glob("index.new-*"))


def test_reindex_rebuilds_the_same_content(demo) -> None:
    before = run(demo, "Sacks", limit=100)
    count = demo.search_index.rebuild(demo)
    assert count == demo.search_index.count()
    assert [(h.type, h.document, h.claim, h.page) for h in run(demo, "Sacks", limit=100).hits] == \
        [(h.type, h.document, h.claim, h.page) for h in before.hits]


@pytest.mark.parametrize("text", [
    '"executive order"', '"AI executive order"', '"the executive order"', 'title:"executive order"',
    '"executive order" AND Sacks', '"executive order" NOT Musk', '"executive order" OR "industry pressure"',
    '"order order"', '"industry pressure" type:article', '"no such phrase appears"'])
def test_phrases_found_beforehand_match_and_rank_as_whoosh_does(demo, text: str) -> None:
    """Phrases are looked up a block of postings at a time (archive.search.phrases); the matches and their
    scores must be whoosh's own, in an index whose updates left deleted records in an older segment."""
    from archive.search.matches import facet_counts, set_computable
    from archive.search.phrases import KnownPhrase, prefilter_phrases
    from archive.search.query import _expand_multi_terms

    claim = article_detail(demo, run(demo, "type:article").hits[0].document)["claims"][1]["id"]
    set_note(demo, claim, "a note that replaces the claim's record, as does the executive order")
    with demo.search_index.searching() as searcher:
        assert len(searcher.subsearchers or []) > 1 or searcher.reader().has_deletions()
        parsed = _expand_multi_terms(parse(text), searcher.reader())
        fast = prefilter_phrases(parsed, searcher)
        assert any(isinstance(node, KnownPhrase) for node in fast.leaves()) or fast is parsed
        assert set_computable(fast)
        theirs = sorted((hit.docnum, round(hit.score, 9)) for hit in searcher.search(parsed, limit=None))
        ours = sorted((hit.docnum, round(hit.score, 9)) for hit in searcher.search(fast, limit=None))
        assert ours == theirs
        assert facet_counts(searcher, fast)[0] == len(theirs)
        top = [round(hit.score, 9) for hit in searcher.search(fast, limit=3)]  # with whoosh's quality skipping
        assert top == sorted((score for _, score in theirs), reverse=True)[:3]
    assert run(demo, text).total == len(theirs)
    assert (len(theirs) > 0) == ("no such" not in text)


@pytest.mark.parametrize("text", [
    "Sacks", "regulation", "Sacks OR Musk", "Sacks AND Trump", "Trump NOT Sacks", "(Trump OR Musk) NOT Sacks",
    "type:claim", "type:claim status:verified", "type:claim status:verified order", '"executive order"',
    '"executive order" OR Sacks', "regul*", "Zuckerburg~", "title:order", "category:defense-government AI",
    "source:fortune", "Trump AND (Musk OR Sacks) NOT status:partial", "title:order^2 OR text:order",
    "tag:nothing"])
def test_known_matches_rank_as_whoosh_ranks_them(demo, text: str) -> None:
    """archive.search.ranking scores the matches found as sets with whoosh's own scorers: the same
    documents with the same scores as whoosh's matchers give, after updates left deleted records behind."""
    from archive.search.matches import live_matches
    from archive.search.phrases import prefilter_phrases
    from archive.search.query import _expand_multi_terms
    from archive.search.ranking import rankable, score_matches, top_matches

    claim = article_detail(demo, run(demo, "type:article").hits[0].document)["claims"][1]["id"]
    set_note(demo, claim, "a note that replaces the claim's record: Sacks and the executive order")
    with demo.search_index.searching() as searcher:
        parsed = prefilter_phrases(_expand_multi_terms(parse(text), searcher.reader()), searcher)
        assert rankable(parsed)
        theirs = {hit.docnum: hit.score for hit in searcher.search(parsed, limit=None)}
        docs = live_matches(searcher, parsed)
        ours = {}
        for (subsearcher, offset), found in zip(searcher.subsearchers or [(searcher, 0)], docs):
            matched, scores = score_matches(parsed, subsearcher, found)
            ours.update({offset + d: s for d, s in zip(matched.tolist(), scores.tolist())})
        assert ours.keys() == theirs.keys()
        assert all(abs(ours[d] - theirs[d]) <= 1e-9 * max(1.0, abs(theirs[d])) for d in theirs)
        best = sorted(theirs.items(), key=lambda item: (-round(item[1], 9), item[0]))[:5]
        top = top_matches(searcher, parsed, docs, 5)
        assert [round(score, 9) for score, _ in top] == [round(score, 9) for _, score in best]


@pytest.mark.parametrize("text", ["Sacks", "type:claim status:verified order", '"executive order"', "regul*",
                                  "Trump NOT Sacks", "title:order OR Musk"])
def test_search_ranks_alike_whichever_way_it_ranks(demo, text: str, monkeypatch) -> None:
    """search() ranks what it can itself (archive.search.ranking) and leaves the rest to whoosh's matchers:
    both ways give the same hits with the same scores."""
    import archive.search.query as query_module
    from archive.search.ranking import rankable

    set_note(demo, article_detail(demo, run(demo, "type:article").hits[0].document)["claims"][1]["id"],
             "a replacing note about Sacks and the executive order")
    results = []
    for ours in (True, False):
        monkeypatch.setattr(query_module, "rankable", rankable if ours else (lambda parsed: False))
        result = run(demo, text, limit=500)
        results.append(sorted((round(hit.score, 9), hit.type, hit.document, hit.claim or "", hit.page or 0,
                               hit.start or 0, hit.snippet)
                              for hit in result.hits))
        assert result.total == len(result.hits) > 0
    assert results[0] == results[1]


@pytest.mark.parametrize("text", ["regul*", "type:claim", "type:claim OR type:article"])
def test_equal_scores_rank_in_document_order_as_whoosh_ranks_them(demo, text: str) -> None:
    """Every match of a prefix or a field filter scores the same: the top N are then the first N documents,
    whoosh's order, also when only the matches that reach the N-th score are sorted."""
    from archive.search.matches import live_matches
    from archive.search.query import _expand_multi_terms
    from archive.search.ranking import top_matches

    with demo.search_index.searching() as searcher:
        parsed = _expand_multi_terms(parse(text), searcher.reader())
        theirs = [(round(hit.score, 9), hit.docnum) for hit in searcher.search(parsed, limit=3)]
        ours = [(round(score, 9), docnum) for score, docnum in top_matches(searcher, parsed,
                                                                           live_matches(searcher, parsed), 3)]
        assert len(ours) == 3 and len({score for score, _ in ours}) < 3  # ties among them
        assert ours == theirs


def _highlight_reference(text: str, terms: set[str], width: int = 240) -> str:
    """highlight() as it was written first, over every word of the text (the property test's reference)."""
    import html as html_module

    from archive.search.analysis import term_spans

    spans = term_spans(text, terms)
    begin = 0
    if spans:
        begin = max(0, spans[0][0] - width // 3)
        begin = text.rfind(" ", 0, begin) + 1 if begin else 0
    end = min(len(text), begin + width)
    if end < len(text):
        end = text.rfind(" ", begin, end) if text.rfind(" ", begin, end) > begin else end
    pieces, cursor = [], begin
    for s, e in spans:
        if s < begin or e > end:
            continue
        pieces.append(html_module.escape(text[cursor:s]))
        pieces.append(f"<mark>{html_module.escape(text[s:e])}</mark>")
        cursor = e
    pieces.append(html_module.escape(text[cursor:end]))
    snippet = " ".join("".join(pieces).split())
    return ("\u2026" if begin > 0 else "") + snippet + ("\u2026" if end < len(text) else "")


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(["regulators", "regulation", "order", "the", "AI", "Sacks", "x" * 30,
                                       "<b>", "café", "-", "rules.", "\n"]), max_size=400),
       separators=st.sampled_from([" ", "", "  ", "\u00a0"]),
       terms=st.sets(st.sampled_from(["regul", "order", "sack", "ai", "cafe", "rule"]), max_size=3),
       width=st.sampled_from([20, 240]))
def test_highlight_reads_only_the_excerpt_and_shows_what_it_showed(words, separators, terms, width) -> None:
    from archive.search.query import highlight

    text = separators.join(words)
    assert highlight(text, set(terms), width) == _highlight_reference(text, set(terms), width)


def test_no_garbage_collection_during_a_search(demo, monkeypatch) -> None:
    """A search pauses the cyclic collector (its objects form no cycles) and leaves it as it found it."""
    import gc

    import archive.search.query as query_module

    during: list[bool] = []
    searching = query_module._search

    def watched(*args, **kwargs):
        during.append(gc.isenabled())
        return searching(*args, **kwargs)

    monkeypatch.setattr(query_module, "_search", watched)
    try:
        with demo.session() as session:
            assert gc.isenabled()
            assert search(demo.search_index, session, "executive order").total > 0
            assert during == [False] and gc.isenabled()
            gc.disable()
            search(demo.search_index, session, "Sacks")
            assert during == [False, False] and not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("text", ["type:claim status:verified order", "date:2026-05 Sacks", "regul* AND Trump",
                                  '"executive order" Musk', "(Trump OR Musk) AND status:verified"])
def test_the_and_order_is_whooshs_estimate(demo, text: str) -> None:
    """ranking._estimate (the order an AND's scores are added in) is whoosh's estimate_size, node by node."""
    from archive.search.phrases import prefilter_phrases
    from archive.search.query import _expand_multi_terms
    from archive.search.ranking import _estimate
    from archive.search.segments import leaves, postings_read_once

    set_note(demo, article_detail(demo, run(demo, "type:article").hits[0].document)["claims"][1]["id"],
             "a replacing note about Sacks and the executive order")
    with demo.search_index.searching() as searcher, postings_read_once():
        parsed = prefilter_phrases(_expand_multi_terms(parse(text), searcher.reader()), searcher)
        nodes = [parsed, *parsed.children(), *(grandchild for child in parsed.children() for grandchild in child.children())]
        for subsearcher, _offset in leaves(searcher):
            reader = subsearcher.reader()
            for node in nodes:
                assert _estimate(node, reader) == node.estimate_size(reader), node


def test_a_date_inside_parentheses(demo) -> None:
    """The closing parenthesis after a date belongs to the query, not to the date."""
    grouped = run(demo, "(date:2026-05-21 OR date:2026-05-26)")
    plain = run(demo, "date:2026-05-21 OR date:2026-05-26")
    assert grouped.error is None and grouped.total == plain.total > 0
    narrowed = run(demo, "(date:2026-05-26 OR date:2026-05-21) AND Sacks")
    assert narrowed.error is None and 0 < narrowed.total < plain.total
    assert run(demo, "(date:2026-05-26)").total == run(demo, "date:2026-05-26").total
