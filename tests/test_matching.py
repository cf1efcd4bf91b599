"""The matcher's test set: every difficulty of finding a claim in a source, and every trap.

The thresholds in archive.matching were chosen on these cases.  The rule that
matters most: nothing that is not the claim's own words may ever be
"verified" — not a paraphrase, not a changed number, not a negation, not an
unrelated sentence from the same story.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.matching import DocumentMatcher, Verdict, meaningful_differences
from archive.sentences import split_sentences
from archive.textnorm import normalize

SOURCE = """Tech billionaires convinced Trump to back off AI executive order

President Donald Trump shelved a draft order on artificial intelligence on Thursday. Sacks later told Trump that \
he feared the volun-
tary vetting would act as a de facto licensing regime, slowing down AI companies\u2019 releases of new AI models. \
He also worried that a future administration might easily turn the voluntary procedure into a mandatory one.

The discussion over the now-postponed executive order involved heated wrangling between different branches \
of the U.S. government over who should be in charge of testing and approving AI models. The Commerce \
Department wanted to hold on to its leadership on model evaluation with the CAISI, but the U.S.
intelligence community was also vying for responsibility. Meanwhile, it is Treasury Secretary Scott Bessent \
who has been leading much of the administration\u2019s response to Mythos so far.

\u201cI postponed it,\u201d Trump told reporters in the Oval Oﬃce on Thursday. The company conﬁrmed the \
ﬁgures \u2014 roughly 90 days of review \u2014 in a ﬁling. Nobody at the agency would comment on the \
timeline. It was the third delay this year.
"""

CASES = [
    # (id, claim, expected verdict)
    ("verbatim", "President Donald Trump shelved a draft order on artificial intelligence on Thursday.",
     Verdict.VERIFIED),
    ("wrapped-and-hyphenated",
     "Sacks later told Trump that he feared the voluntary vetting would act as a de facto licensing regime, "
     "slowing down AI companies' releases of new AI models.", Verdict.VERIFIED),
    ("two-sentences", "Sacks later told Trump that he feared the voluntary vetting would act as a de facto "
     "licensing regime, slowing down AI companies' releases of new AI models. He also worried that a future "
     "administration might easily turn the voluntary procedure into a mandatory one.", Verdict.VERIFIED),
    ("across-a-line-break", "The Commerce Department wanted to hold on to its leadership on model evaluation "
     "with the CAISI, but the U.S. intelligence community was also vying for responsibility.", Verdict.VERIFIED),
    ("curly-quotes-and-ligatures", '"I postponed it," Trump told reporters in the Oval Office on Thursday.',
     Verdict.VERIFIED),
    ("dashes-and-ligatures", "The company confirmed the figures - roughly 90 days of review - in a filing.",
     Verdict.VERIFIED),
    ("case-and-spacing", "  the COMPANY confirmed   the figures \u2014 roughly 90 days of review \u2014 in a filing. ",
     Verdict.VERIFIED),
    ("part-of-a-sentence", "it is Treasury Secretary Scott Bessent who has been leading much of the "
     "administration's response to Mythos", Verdict.VERIFIED),
    ("british-spelling-variant", "The discussion over the now-postponed executive order involved heated "
     "wrangling between different branches of the U.S. government over who should be in charge of testing and "
     "approving AI modells.", Verdict.VERIFIED),
    ("changed-number", "The company confirmed the figures - roughly 60 days of review - in a filing.",
     Verdict.PARTIAL),
    ("added-negation", "He also worried that a future administration might not easily turn the voluntary "
     "procedure into a mandatory one.", Verdict.PARTIAL),
    ("swapped-name", "Meanwhile, it is Commerce Secretary Scott Bessent who has been leading much of the "
     "administration's response to Mythos so far.", Verdict.PARTIAL),
    ("swapped-word", "Sacks later told Trump that he feared the voluntary vetting would act as a de facto "
     "licensing regime, speeding up AI companies' releases of new AI models.", Verdict.PARTIAL),
    ("close-paraphrase", "Sacks later told Trump he was afraid the voluntary vetting could work as a de facto "
     "licensing regime and slow down the release of new AI models by AI companies.", Verdict.PARTIAL),
    ("heavy-paraphrase", "Trump heard from Sacks that optional government checks might turn into permits in "
     "all but name and hold back new launches.", Verdict.NOT_FOUND),
    ("absent-same-topic", "Trump canceled the signing ceremony for a sweeping AI oversight executive order on "
     "May 21, pulling the plug just hours before the Oval Office event was scheduled to begin.",
     Verdict.NOT_FOUND),
    ("absent-unrelated", "The central bank raised interest rates by half a point to curb inflation.",
     Verdict.NOT_FOUND),
]


@pytest.fixture(scope="module")
def matcher() -> DocumentMatcher:
    return DocumentMatcher(SOURCE, split_sentences(SOURCE))


@pytest.mark.parametrize("case_id, claim, expected", CASES, ids=[c[0] for c in CASES])
def test_matching_difficulties(matcher: DocumentMatcher, case_id: str, claim: str, expected: Verdict) -> None:
    match = matcher.match(claim)
    assert match.verdict is expected, (match.reason, match.score, match.coverage, SOURCE[match.start:match.end])
    assert 0.0 <= match.score <= 1.0 and 0.0 <= match.coverage <= 1.0
    if expected is Verdict.VERIFIED:
        assert match.score >= 0.9
        found = normalize(SOURCE[match.start:match.end]).text
        assert normalize(claim.strip()).text.rstrip(".") in found or match.score < 1


def test_verified_span_points_at_the_real_text(matcher: DocumentMatcher) -> None:
    match = matcher.match("Sacks later told Trump that he feared the voluntary vetting would act as a de facto "
                          "licensing regime, slowing down AI companies' releases of new AI models.")
    exact = SOURCE[match.start:match.end]
    assert exact.startswith("Sacks later told Trump") and exact.endswith("new AI models.")
    assert "volun-\ntary" in exact


def test_sentence_numbers_are_only_a_hint(matcher: DocumentMatcher) -> None:
    claim = "It was the third delay this year."
    wrong_hint = matcher.match(claim, hint=[1, 2])
    assert wrong_hint.verdict is Verdict.VERIFIED
    assert SOURCE[wrong_hint.start:wrong_hint.end] == claim


def test_paraphrase_at_the_cited_sentences_needs_a_look() -> None:
    source = ("Title line\n\nThe weather was mild. Under the draft, AI developers could have worked with federal "
              "agencies on a voluntary basis and handed over their advanced models for a security review as much "
              "as 90 days before a public launch. There would have been no licensing regime. Nor would there have "
              "been any mandatory waiting periods. Participation would have been entirely voluntary. Sports "
              "results followed.")
    matcher = DocumentMatcher(source, split_sentences(source))
    claim = ("It would have established a voluntary mechanism for AI developers to engage with federal agencies "
             "and submit advanced models for security review up to 90 days before their public release. No "
             "licensing regime. No mandatory hold periods. Voluntary.")
    match = matcher.match(claim, hint=[3, 4, 5, 6])
    assert match.verdict is Verdict.PARTIAL


@pytest.mark.parametrize("claim, passage, expected", [
    ("the u.s. government", "the u.s. government", []),
    ("ai models", "ai modells", []),
    ("tech nology firms", "technology firms", []),
    ("90 days", "60 days", [("90", "60")]),
    ("he did go", "he did not go", [("", "not")]),
    ("the treasury secretary", "the commerce secretary", [("treasury", "commerce")]),
    ("a review of the rules", "the review of a rules", []),
])
def test_meaningful_differences(claim, passage, expected) -> None:
    assert meaningful_differences(claim, passage) == expected


def test_empty_inputs() -> None:
    assert DocumentMatcher("", []).match("anything").verdict is Verdict.NOT_FOUND
    assert DocumentMatcher("Some text here.", [(0, 15)]).match("  ").verdict is Verdict.NOT_FOUND


sentence = st.lists(st.sampled_from("alpha beta gamma delta epsilon zeta theta kappa lambda sigma omega "
                                    "river stone cloud market senator budget".split()),
                    min_size=6, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(sentence, min_size=3, max_size=12, unique=True), st.data())
def test_any_sentence_of_a_document_is_found_verbatim_where_it_is(sentences, data) -> None:
    text = " ".join(sentences)
    matcher = DocumentMatcher(text, split_sentences(text))
    index = data.draw(st.integers(0, len(sentences) - 1))
    match = matcher.match(sentences[index])
    assert match.verdict is Verdict.VERIFIED
    assert normalize(text[match.start:match.end]).text == normalize(sentences[index]).text
