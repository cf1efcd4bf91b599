"""Build the seven source documents of the sample digest into ``resources/demo/sources/``.

Run from the repository root::

    .venv/bin/python resources/demo/build_demo_sources.py

The documents are invented reconstructions (plausible news articles, neutral tone), each laid out to
exercise one difficulty of linking a claim to its source:

1. PDF, justified narrow column, explicit line-end hyphenation, curly quotes, a cited sentence across a
   page break.
2. PDF, two columns per page (left column drawn first, then the right one).
3. HTML page as saved from a browser (navigation, cookie banner, related stories, footer boilerplate).
4. PDF without a metadata title (the title is the first, large bold line); the body uses the ligature
   characters U+FB01 "fi" and U+FB02 "fl".
5. PDF holding only a paraphrase of the claim it is cited for (expected status "partial").
6. Plain text that does not contain the claim it is cited for (expected status "not_found").
7. One-page PDF that no claim cites.

Sentence numbering: the digest's ``(cite index="S-N">`` markers name sentence N of source S, counted from
1 in reading order over the body text (the title is not a sentence).  Every source below is written as
paragraphs of explicit sentences, so each cited sentence sits at exactly its cited position; the script
checks this against the digest before writing anything, and writes ``EXPECTED.json`` (expected status of
each claim, expected file of each source, and the layout facts of every cited sentence).

The output is deterministic: running the script twice gives byte-identical files.
"""

from __future__ import annotations

import difflib
import html
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
DIGEST = HERE / "ai-executive-order-digest.txt"
OUT = HERE / "sources"

FOOTER = "Demo reconstruction for Footnote \u2014 not the original article."
DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
PAGE_W, PAGE_H = letter

# --------------------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------------------

LIGATURES = {"fi": "\ufb01", "fl": "\ufb02"}
_STRAIGHTEN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def smarten(text: str) -> str:
    """Typographic quotes: every ' becomes U+2019; a " becomes U+201C after a space or at the start,
    else U+201D."""
    out = []
    for i, ch in enumerate(text):
        if ch == "'":
            out.append("\u2019")
        elif ch == '"':
            opening = i == 0 or text[i - 1] in " \t\n(\u2014"
            out.append("\u201c" if opening else "\u201d")
        else:
            out.append(ch)
    return "".join(out)


def ligate(text: str) -> str:
    for plain, lig in LIGATURES.items():
        text = text.replace(plain, lig)
    return text


def normalize(text: str) -> str:
    """What a verifier should treat as equal: NFKC (undoes ligatures), straight quotes, collapsed spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_STRAIGHTEN)
    return " ".join(text.split())


def char_differences(claim: str, source: str) -> list[str]:
    """The character substitutions turning the digest's claim text into the source's text."""
    found: Counter[str] = Counter()
    matcher = difflib.SequenceMatcher(a=claim, b=source, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            found[f"{claim[a0:a1]!r} -> {source[b0:b1]!r}"] += 1
    return [f"{change} (x{count})" if count > 1 else change for change, count in sorted(found.items())]


# --------------------------------------------------------------------------------------------------
# The seven sources: title, file, metadata and paragraphs of explicit sentences
# --------------------------------------------------------------------------------------------------


@dataclass
class Source:
    number: int
    file: str
    heading: str  # the title as shown at the top of the document
    paragraphs: list[list[str]]  # ASCII-typed sentences, before smarten/ligate
    meta_title: str | None = None
    author: str | None = None
    curly: bool = False
    ligatures: bool = False
    title_from: str = ""
    layout: dict[int, dict] = field(default_factory=dict)  # sentence number -> layout facts (PDFs)

    def render(self, sentence: str) -> str:
        if self.curly:
            sentence = smarten(sentence)
        if self.ligatures:
            sentence = ligate(sentence)
        return sentence

    @property
    def sentences(self) -> list[str]:
        """The body sentences as they appear in the document, numbered from 1 (index 0 is sentence 1)."""
        return [self.render(s) for paragraph in self.paragraphs for s in paragraph]

    def numbered_paragraphs(self) -> list[list[tuple[int, str]]]:
        number, out = 0, []
        for paragraph in self.paragraphs:
            row = []
            for sentence in paragraph:
                number += 1
                row.append((number, self.render(sentence)))
            out.append(row)
        return out


S1 = Source(
    1, "1-why-trumps-ai-executive-order-was-pulled.pdf", "Why Trump's AI executive order was pulled",
    meta_title="Why Trump's AI executive order was pulled", author="Dana Whitfield", curly=True,
    title_from="pdf metadata Title",
    paragraphs=[
        ['"I postponed it," Trump told reporters in the Oval Office on Thursday.',
         '"I think it gets in the way of \u2014 you know, we\'re leading China, we\'re leading everybody, and I '
         'didn\'t want to do anything to get in the way of that lead," he said.'],
        ["Meta CEO Mark Zuckerberg, xAI CEO Elon Musk and Sacks all spoke with Trump between Wednesday night "
         "and Thursday morning.",
         "David Sacks, who stepped down as the White House's AI and crypto czar earlier this year, has remained "
         "one of the president's most influential advisers on technology."],
        ["The calls came as staff were preparing for a signing event that had been planned for Thursday "
         "afternoon.",
         "By late morning, aides had told invited guests that the event would not go ahead.",
         "The draft order had been in the works for months and had gone through several rounds of revisions.",
         "People involved in those discussions said its backers believed the final version was modest enough "
         "to win over skeptics in the industry."],
        ["It is not clear when \u2014 or whether \u2014 the executive order will be signed.",
         "A White House spokesperson said the president continues to support American leadership in artificial "
         "intelligence and would review the proposal further.",
         "The spokesperson did not give a timeline."],
        ["At the heart of the draft was a voluntary arrangement for AI developers to share their most capable "
         "models with federal agencies before public release.",
         "Government experts would have tested those models for risks to national security, including their "
         "potential use in cyberattacks.",
         "An earlier version would have made that review mandatory, but the requirement was dropped after "
         "pushback from companies."],
        ["Even the voluntary approach worried some of the president's allies in Silicon Valley.",
         "They argued that a review process run by Washington could become a gatekeeper over time, whatever the "
         "order said on paper.",
         "Sacks made that case directly to the president, according to two people familiar with the "
         "conversation.",
         "Zuckerberg and Musk raised similar concerns about the pace of product releases, the people said."],
        ["Supporters of the order inside the administration were caught off guard by the reversal.",
         "Several officials had spent the week briefing lawmakers and industry groups on the plan.",
         "One of them described the outcome as frustrating but said the work would not go to waste."],
        ["The episode shows how much weight a small circle of technology executives carries with this White "
         "House.",
         "Trump has repeatedly framed artificial intelligence as a race with China that the United States "
         "cannot afford to lose.",
         "That argument appears to have carried the day again this week."],
        ["Safety researchers and some members of Congress had welcomed the draft as a first step toward closer "
         "scrutiny of the most powerful systems.",
         "They said the delay leaves the government without a formal way to examine new models before they "
         "reach the public.",
         "Industry groups, by contrast, praised the president for taking more time."],
        ["For now, the government's testing of frontier models will continue under existing voluntary "
         "agreements with individual companies.",
         "Officials said those arrangements remain in place regardless of the fate of the order."],
    ],
)

S2 = Source(
    2, "2-fortune.pdf", "Tech billionaires convinced Trump to back off AI executive order",
    meta_title="Tech billionaires convinced Trump to back off AI executive order - Fortune",
    author="Fortune staff", title_from="pdf metadata Title (publisher split off at ' - ')",
    paragraphs=[
        ["David Sacks, the venture capitalist who until recently served as the White House's AI and crypto "
         "czar, first raised objections to a draft executive order on AI model oversight in calls with senior "
         "aides earlier this week, according to people familiar with the matter.",
         "Sacks later told Trump that he feared the voluntary vetting would act as a de facto licensing "
         "regime, slowing down AI companies' releases of new AI models.",
         "He also worried that a future administration might easily turn the voluntary procedure into a "
         "mandatory one."],
        ["On Thursday, hours before he was due to sign the order, President Donald Trump put it on hold.",
         "Meta CEO Mark Zuckerberg and xAI founder Elon Musk also spoke with the president in the run-up to "
         "the planned signing, the people said.",
         "Trump told reporters he did not want to do anything that might slow America's lead over China."],
        ["The order would have invited developers of the most advanced AI systems to submit their models to "
         "federal agencies for security testing before release.",
         "Participation would have been voluntary.",
         "An earlier draft had gone further, requiring companies to share models with the government ahead "
         "of launch.",
         "That provision was softened after objections from industry."],
        ["The about-face underscores the tension inside the administration over how to handle a new "
         "generation of AI systems.",
         "Some officials have grown alarmed by the capabilities of the latest models, particularly in "
         "cybersecurity.",
         "Others argue that any federal review, however light, would hand an advantage to China.",
         "The White House did not respond to a request for comment."],
        ["The question has taken on new urgency since Anthropic said last month that its newest model was "
         "capable enough at finding software vulnerabilities that it would not be released to the public.",
         "The company has instead given access to a small number of outside organizations."],
        ["The Trump administration is, for the moment, continuing to exercise a kind of ad hoc licensing "
         "process for just that one AI model, Anthropic's Mythos.",
         "Anthropic has shared the model with the U.S. government and, under what Anthropic calls Project "
         "Glasswing, with a select handful of U.S. technology companies and financial institutions who make "
         "software that underpins much of the internet and other critical infrastructure."],
        ["The discussion over the now-postponed executive order involved heated wrangling between different "
         "branches of the U.S. government over who should be in charge of testing and approving AI models.",
         "The Commerce Department wanted to hold on to its leadership on model evaluation with the CAISI, but "
         "the U.S. intelligence community was also vying for responsibility.",
         "Meanwhile, it is Treasury Secretary Scott Bessent who has been leading much of the administration's "
         "response to Mythos so far."],
        ["Some officials had floated an even more hands-on approach.",
         "Kevin Hassett, the director of the National Economic Council, suggested last week that the "
         "administration would set up a licensing system similar to how the Food and Drug Administration "
         "reviews testing of drugs before approving them for sale.",
         'That brought a rebuke on social media from White House Chief of Staff Susie Wiles, who said the '
         'president was not "in the business of picking winners and losers."'],
        ["The episode was a reminder of how much influence a handful of tech leaders wield over the "
         "administration's technology agenda.",
         "Musk, Zuckerberg and Sacks have all cultivated close ties with Trump since his return to the White "
         "House.",
         "Their companies are also among the biggest developers of the very models the order would have "
         "covered."],
        ["Policy analysts said the delay leaves open how the government will assess the risks of future "
         "models.",
         "Some safety advocates had hoped the order would give formal footing to the work of the Center for "
         "AI Standards and Innovation, which currently tests models under voluntary agreements with companies.",
         "For now, that work will continue on an informal basis.",
         "It is not yet known whether the White House plans to revive the order in a different form.",
         "A person close to the discussions said a revised draft was possible but that no meetings had been "
         "scheduled."],
    ],
)

S3 = Source(
    3, "3-trump-postpones-ai-executive-order.html",
    "Trump postpones AI executive order after David Sacks warns of regulatory risks",
    meta_title="Trump postpones AI executive order after David Sacks warns of regulatory risks",
    author="Morgan Hale", curly=True, title_from="html <title>",
    paragraphs=[
        ["President Donald Trump has postponed the signing of an executive order on artificial intelligence "
         "after David Sacks, his former AI and crypto adviser, warned that it could open the door to "
         "heavy-handed regulation.",
         "The order had been expected to be signed at a White House event on Thursday."],
        ["Early on the morning of May 21, Sacks called Trump directly to flag his concerns about the executive "
         "order's regulatory framework.",
         "He argued that even a voluntary review of AI models by federal agencies could slow the release of "
         "new products, according to two people briefed on the call.",
         "Sacks also questioned whether the safeguards in the draft would survive a change of administration."],
        ["Trump later confirmed that he had decided to hold off.",
         "Speaking to reporters, he said he did not want the order to get in the way of America's lead over "
         "China in the technology.",
         "He did not say whether he would sign a revised version."],
        ["The draft would have set up a process for AI companies to share advanced models with government "
         "experts for security testing ahead of release.",
         "Officials involved in drafting it had stressed that participation would be optional.",
         "The text also called for closer coordination between agencies that study the risks of advanced AI."],
        ["Sacks was not the only voice urging caution.",
         "Meta's Mark Zuckerberg and xAI's Elon Musk also spoke with the president in the hours before the "
         "scheduled event, according to people familiar with the matter.",
         "Both companies are developing large AI models that could have been covered by the order."],
        ["Sacks, a venture investor and longtime podcast host, left his formal White House role earlier this "
         "year.",
         "He has continued to advise the president informally on technology policy.",
         "Throughout his time in government, he argued that the United States should avoid rules that could "
         "slow its AI industry."],
        ["Supporters of the order said the postponement was a setback for efforts to understand the risks of "
         "the most capable systems.",
         '"A voluntary review is about as light a touch as you can get," said a researcher at a Washington '
         "think tank who has advised lawmakers on AI policy.",
         "Industry groups welcomed the pause and said they would keep working with the administration."],
        ["The decision leaves existing arrangements in place.",
         "The Center for AI Standards and Innovation at the Commerce Department already evaluates some models "
         "under voluntary agreements with developers.",
         "Those agreements are not affected by the delay."],
        ["White House officials did not say when the president might revisit the issue.",
         'One official described the order as "paused, not dead."',
         "Another said the administration remains committed to keeping the United States ahead in artificial "
         "intelligence."],
    ],
)

S4 = Source(
    4, "4-engadget.pdf", "Trump postpones AI oversight executive order",
    meta_title=None, author="Engadget", curly=True, ligatures=True,
    title_from="first line of page 1 (large bold heading); the PDF has no metadata Title",
    paragraphs=[
        ["President Donald Trump has postponed the signing of an executive order that would have created a "
         "framework for federal oversight of advanced AI models.",
         "The event had been planned for Thursday, but the White House called it off at the last minute after "
         "several tech figures voiced their objections."],
        ["Originally, the order would have compelled AI companies to share advanced models with the government "
         "ahead of launch to ensure their safety, but it was later watered down to make tech company "
         "participation voluntary.",
         "Even so, Meta's Mark Zuckerberg, xAI's Elon Musk and former White House AI adviser David Sacks "
         "reportedly called the president to argue against the plan.",
         "They told Trump that the new system could slow development of AI tech that has become integral to "
         "the US economy, anonymous insiders told The Washington Post.",
         "Trump confirmed the delay on Thursday, saying the order could get in the way of America's lead over "
         "China."],
        ["The final draft would have let AI firms offer their most powerful models to federal agencies for "
         "testing up to 90 days before release.",
         "The goal was to identify risks to national security, such as the potential for a model to help "
         "attackers find flaws in critical software.",
         "Companies would not have been required to take part."],
        ["The White House has not said when, or if, it will revisit the order.",
         "A spokesperson said only that the president remains focused on keeping the US first in the field."],
        ["The decision is the latest sign of how much influence the tech industry holds over the "
         "administration's approach to AI.",
         "Since returning to office, Trump has rolled back several AI safety measures put in place by his "
         "predecessor.",
         "He has also pushed to limit the ability of states to pass their own AI rules."],
        ["Safety advocates criticized the delay.",
         "They argued that a voluntary testing program was the bare minimum the government could do to "
         "understand the risks posed by the most capable systems.",
         "Some pointed to recent reports that new models can find software flaws faster than human experts."],
        ["The debate has taken on new urgency in recent weeks.",
         "Anthropic has withheld its latest model, Mythos, from public release over concerns about its cyber "
         "capabilities, sharing it instead with a small group of companies and government agencies.",
         "Officials have been working with the company on a case-by-case basis."],
        ["It's not the first time a big AI policy move has been reshaped at the eleventh hour.",
         "Earlier drafts of the order circulated for weeks, with officials trading edits over which agency "
         "would be in charge.",
         "The Commerce Department's Center for AI Standards and Innovation had been expected to play a central "
         "role.",
         "For now, that office will continue its existing voluntary work with developers."],
        ["Meta and xAI did not immediately respond to requests for comment.",
         "We've reached out to the White House for comment and will update this story if we hear back."],
    ],
)

S5 = Source(
    5, "5-ai-news.pdf", "Musk and Zuckerberg convinced Trump to scrap AI executive order",
    meta_title="Musk and Zuckerberg convinced Trump to scrap AI executive order", author="AI News",
    title_from="pdf metadata Title",
    paragraphs=[
        ["Elon Musk and Mark Zuckerberg were among the tech leaders who persuaded President Donald Trump to "
         "shelve an executive order on AI oversight, just hours before it was due to be signed.",
         "Trump told reporters on Thursday that he had postponed the order because it could get in the way of "
         "America's lead over China.",
         "The reversal caught many in Washington by surprise, as the order had been presented as a light-touch "
         "measure."],
        # Sentences 4-7: a PARAPHRASE of the digest's claim for 5-4..5-7 (never its wording).
        ["Under the draft, AI developers could have worked with federal agencies on a voluntary basis and "
         "handed over their advanced models for a security review as much as 90 days before a public launch.",
         "There would have been no licensing regime.",
         "Nor would there have been any mandatory waiting periods.",
         "Participation would have been entirely voluntary."],
        ["Even so, critics in the industry argued that the arrangement could become mandatory in practice.",
         "David Sacks, the former White House AI and crypto czar, was reported to have raised that concern "
         "with the president directly.",
         "Musk and Zuckerberg are said to have made similar arguments in separate conversations."],
        ["The order had already been softened during drafting.",
         "Earlier versions would have required companies to share their models with the government before "
         "release.",
         "That requirement was removed after pushback from developers."],
        ["The episode highlights the competing pressures on the administration as AI systems grow more "
         "capable.",
         "National security officials have pushed for more visibility into frontier models, especially those "
         "with advanced cyber capabilities.",
         "Many in the industry see any form of pre-release review as a threat to the pace of innovation."],
        ["Several government bodies had been vying to lead the testing effort.",
         "The Commerce Department's Center for AI Standards and Innovation currently carries out voluntary "
         "evaluations of frontier models.",
         "Intelligence agencies had also sought a larger role, according to reports."],
        ["For businesses building on top of large AI models, the delay means little immediate change.",
         "Existing voluntary testing agreements between developers and the government remain in place.",
         "However, the absence of a formal framework leaves open questions about how future models will be "
         "assessed."],
        ["Safety groups expressed disappointment at the decision.",
         "Some said the administration had missed an opportunity to set basic expectations for the most "
         "powerful systems.",
         "Industry associations, on the other hand, welcomed the pause."],
        ["The White House has not said whether a revised order is being prepared.",
         "Trump indicated that he remained open to the idea but gave no timeline."],
    ],
)

S6 = Source(
    6, "6-trump-postpones-ai-oversight-order.pdf",
    "Trump postpones AI oversight order amid lobbying from tech leaders",
    curly=True, title_from="first heading of the PDF (no metadata title)",
    paragraphs=[
        ["President Donald Trump has put off an executive order on oversight of advanced artificial "
         "intelligence after a wave of lobbying from prominent technology executives.",
         "The order, which had been in development for months, would have created a voluntary process for AI "
         "companies to share powerful models with federal agencies before release.",
         "The White House said the president wanted more time to consider its effect on American "
         "competitiveness."],
        # Sentence 4 is deliberately NOT the digest's claim for 6-4: it is a senator's reaction.
        ['A Democratic senator who has pushed for stronger AI safeguards called the delay "a gift to the '
         'largest companies in the industry" and urged the administration to publish the draft text.',
         "Several Republican lawmakers, by contrast, said they welcomed a closer look at the order's potential "
         "costs."],
        ["Meta CEO Mark Zuckerberg, xAI CEO Elon Musk and investor David Sacks were among those who spoke with "
         "the president about the order this week, according to multiple reports.",
         "They argued that even a voluntary review could slow the release of new models and give China an "
         "opening.",
         "Trump later said he did not want to do anything that might get in the way of America's lead."],
        ["The proposal had already been scaled back.",
         "An earlier version would have required developers to submit their models for government testing.",
         "The final draft made participation optional."],
        ["Who would run the reviews was itself a matter of dispute.",
         "The Commerce Department and the intelligence community had each sought to lead the effort, "
         "according to people familiar with the discussions.",
         "The Treasury Department has also taken an active role in the government's response to recent "
         "advances in AI."],
        ["Technology companies have grown more vocal in Washington as the stakes of AI policy have risen.",
         "Several of the largest developers have expanded their lobbying operations over the past year.",
         "Industry leaders have frequently argued that strict rules would hand an advantage to foreign "
         "competitors.",
         "Meta and xAI did not respond to requests for comment."],
        ["Safety researchers have warned that the most advanced systems pose new risks, particularly in "
         "cybersecurity.",
         "They say a voluntary testing program is a modest step that would give the government a clearer "
         "picture of what new models can do.",
         "Some had hoped the order would also fund additional staff for government testing teams."],
        ["It remains unclear whether the order will return in a revised form.",
         "A White House official said discussions with industry would continue in the coming weeks.",
         "Trump has not set a new date for a decision.",
         "For now, existing voluntary agreements between AI developers and the government remain in effect.",
         "Those agreements allow some companies to share models with government testers on a case-by-case "
         "basis."],
    ],
)

S7 = Source(
    7, "7-washington-post.pdf",
    "Last-minute lobbying by tech industry officials led Trump to cancel AI order",
    meta_title="Last-minute lobbying by tech industry officials led Trump to cancel AI order",
    author="The Washington Post", curly=True, title_from="pdf metadata Title",
    paragraphs=[
        ["A flurry of last-minute calls from technology executives and a former White House adviser persuaded "
         "President Donald Trump to set aside an executive order on artificial intelligence that his staff "
         "had spent months preparing, according to people familiar with the decision.",
         "The order, which would have created a voluntary system for testing powerful AI models before their "
         "release, was due to be signed on Thursday."],
        ["Instead, the president told reporters that he had postponed it.",
         "He said he did not want to do anything that would interfere with America's lead over China."],
        ["The people, who spoke on the condition of anonymity to describe private conversations, said Meta CEO "
         "Mark Zuckerberg, xAI CEO Elon Musk and David Sacks each reached the president in the preceding hours.",
         "They warned that the new system could slow the development of technology that has become central to "
         "the economy.",
         "Several senior officials who supported the order learned of the change only shortly before it was "
         "announced."],
        ["The draft had been narrowed repeatedly during months of negotiations.",
         "An early version would have required companies to share advanced models with the government ahead "
         "of launch.",
         "Later drafts made that step voluntary and limited the review to national security risks.",
         "Officials who worked on the order considered the final text a compromise that most of the industry "
         "could accept."],
        ["The reversal exposed divisions within the administration over how to approach the technology.",
         "Some national security officials have pressed for more visibility into the most capable models.",
         "Others, including several of the president's economic advisers, have argued that government review "
         "would slow American companies.",
         "Agencies also disagreed about which of them should lead any testing program."],
        ["Outside groups reacted along familiar lines.",
         "Safety organizations said the delay left the government without a basic tool for assessing new "
         "risks.",
         "Trade associations representing technology companies praised the decision."],
        ["The White House did not respond to questions about whether the order would be revived.",
         "Representatives for Meta and xAI declined to comment.",
         "Sacks did not respond to a request for comment."],
        ["The episode is likely to intensify scrutiny of the influence that a small number of technology "
         "leaders have over federal policy.",
         "Several lawmakers said they would seek briefings on the contents of the draft.",
         "Others said Congress should write its own rules rather than wait for the White House.",
         "For now, oversight of frontier AI models remains a patchwork of voluntary agreements."],
    ],
)

SOURCES = [S1, S2, S3, S4, S5, S6, S7]

# Syllable break points offered to the line breaker of source 1 ("-" marks where a word may be split).
HYPHENATION = {w.replace("-", "").lower(): w.lower() for w in """
re-porters ad-min-is-tra-tion gov-ern-ment ex-ec-u-tive tech-nol-o-gy pres-i-dent pres-i-dent's in-flu-en-tial
con-ver-sa-tion ar-ti-fi-cial in-tel-li-gence de-vel-op-ers Wednes-day ev-ery-body na-tion-al se-cu-ri-ty
morn-ing Thurs-day spokes-per-son ar-range-ments re-vi-sions dis-cus-sions in-dus-try fron-tier re-gard-less
law-mak-ers scru-ti-ny ex-am-ine agen-cies ca-pa-ble po-ten-tial cy-ber-at-tacks re-quire-ment com-pa-nies
ap-proach Wash-ing-ton gate-keep-er di-rect-ly fa-mil-iar sim-i-lar re-leas-es Sup-port-ers re-ver-sal
Sev-er-al of-fi-cials brief-ing frus-trat-ing ep-i-sode ex-ec-u-tives re-peat-ed-ly ar-gu-ment re-search-ers
wel-comed con-trast ex-ist-ing agree-ments in-di-vid-u-al af-ter-noon in-vit-ed pre-par-ing lead-er-ship
sup-port pro-pos-al vol-un-tary ar-range-ment man-da-to-ry push-back in-volved Zuck-er-berg
mem-bers con-tin-ues pow-er-ful re-search-ers to-ward sys-tems Sil-i-con Val-ley re-mained con-cerns
time-line mod-est skep-tics spo-ken ad-vis-ers re-view fur-ther ex-perts prod-uct Amer-i-can ear-li-er
""".split()}

# --------------------------------------------------------------------------------------------------
# PDF machinery: fonts, metadata, a small line breaker and a flow of lines through frames
# --------------------------------------------------------------------------------------------------

# Only the body font is embedded (each DejaVu subset costs about 20 KB); titles and footers use the
# built-in Helvetica, whose WinAnsi encoding has the curly quotes and the em dash.
_FONTS = {"DejaVuSans": "DejaVuSans.ttf"}


def register_fonts() -> None:
    for name, file in _FONTS.items():
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(DEJAVU_DIR / file)))


class Info(PDFInfo):
    """Document information that writes only the fields given (ReportLab always writes "untitled")."""

    def __init__(self, title: str | None, author: str | None, created: str):
        super().__init__()
        self.title, self.author, self.created = title, author, created

    def digest(self, md5object) -> None:
        for value in (self.title, self.author, self.created):
            md5object.update((value or "").encode("utf-8"))

    def format(self, document):
        entries = {}
        if self.title is not None:
            entries["Title"] = PDFString(self.title)
        if self.author is not None:
            entries["Author"] = PDFString(self.author)
        entries["Creator"] = PDFString("Footnote demo builder")
        entries["Producer"] = PDFString("ReportLab PDF Library")
        entries["CreationDate"] = entries["ModDate"] = PDFString(self.created)
        return PDFDictionary(entries).format(document)


def new_canvas(path: Path, source: Source, created: str) -> canvas.Canvas:
    c = canvas.Canvas(str(path), pagesize=letter, invariant=1, pageCompression=1)
    c._doc.info = Info(source.meta_title, source.author, created)
    return c


@dataclass
class Token:
    text: str
    sentence: int  # 0: not a body sentence (footer)


@dataclass
class Line:
    tokens: list[Token]
    last_of_paragraph: bool = False
    hyphenated: str | None = None  # "re-|porters" when the line ends with the first part of a split word


def _split_core(word: str) -> tuple[str, str, str]:
    m = re.match(r"^([^\w]*)(.*?)([^\w]*)$", word)
    return m.group(1), m.group(2), m.group(3)


def _cut(text: str, lengths: list[int]) -> list[str]:
    out, start = [], 0
    for length in lengths:
        out.append(text[start:start + length])
        start += length
    return out


def break_lines(paragraph: list[tuple[int, str]], font: str, size: float, width: float,
                hyphenation: dict[str, str] | None = None) -> list[Line]:
    """Greedy line breaking; with ``hyphenation``, a word that does not fit is split at its last
    allowed syllable break whose first part (plus "-") still fits."""
    def w(text: str) -> float:
        return pdfmetrics.stringWidth(text, font, size)

    space = w(" ")
    words = [Token(word, number) for number, sentence in paragraph for word in sentence.split()]
    lines: list[Line] = []
    current: list[Token] = []
    used = 0.0
    queue = list(words)
    while queue:
        token = queue.pop(0)
        needed = w(token.text) + (space if current else 0)
        if used + needed <= width or not current:
            current.append(token)
            used += needed
            continue
        split = None
        if hyphenation:
            lead, core, trail = _split_core(token.text)
            pattern = hyphenation.get(core.lower().replace("\u2019", "'"))
            if pattern:
                parts = pattern.split("-")
                parts[0] = core[: len(parts[0])]  # keep the word's own capital and apostrophe
                parts[1:] = _cut(core[len(parts[0]):], [len(part) for part in parts[1:]])
                for k in range(len(parts) - 1, 0, -1):
                    first = lead + "".join(parts[:k])
                    if used + space + w(first + "-") <= width:
                        split = (first, "".join(parts[k:]) + trail)
                        break
        if split:
            current.append(Token(split[0] + "-", token.sentence))
            lines.append(Line(current, hyphenated=f"{split[0]}-|{split[1]}"))
            queue.insert(0, Token(split[1], token.sentence))
        else:
            lines.append(Line(current))
            queue.insert(0, token)
        current, used = [], 0.0
    if current:
        lines.append(Line(current))
    lines[-1].last_of_paragraph = True
    return lines


@dataclass
class Frame:
    page: int
    x: float
    top: float
    bottom: float
    width: float
    name: str


@dataclass
class Placed:
    frame: Frame
    y: float
    line: Line


def flow(paragraph_lines: list[list[Line]], frames, leading: float, paragraph_gap: float) -> list[Placed]:
    """Place lines top-down through the frames (an iterator), a paragraph gap between paragraphs."""
    frames = iter(frames)
    frame = next(frames)
    y = frame.top
    placed: list[Placed] = []
    for p_index, lines in enumerate(paragraph_lines):
        if p_index and y != frame.top:
            y -= paragraph_gap
        for line in lines:
            if y - leading < frame.bottom - 0.01:
                frame = next(frames)
                y = frame.top
            y -= leading
            placed.append(Placed(frame, y, line))
    return placed


def draw_line(c: canvas.Canvas, placed: Placed, font: str, size: float, justify: bool) -> None:
    """Draw one line word by word (a real space after each word but the last); justified lines spread
    the remaining width over the gaps."""
    tokens = placed.line.tokens
    x = placed.frame.x
    natural = pdfmetrics.stringWidth(" ".join(t.text for t in tokens), font, size)
    extra = 0.0
    if justify and not placed.line.last_of_paragraph and len(tokens) > 1:
        extra = (placed.frame.width - natural) / (len(tokens) - 1)
    c.setFont(font, size)
    if extra <= 0:
        c.drawString(x, placed.y, " ".join(t.text for t in tokens))
        return
    for i, token in enumerate(tokens):
        text = token.text if i == len(tokens) - 1 else token.text + " "
        c.drawString(x, placed.y, text)
        x += pdfmetrics.stringWidth(text, font, size) + extra


def record_layout(source: Source, placed: list[Placed]) -> None:
    """Per sentence: the lines, pages and frames it occupies and its hyphenated words."""
    facts: dict[int, dict] = {}
    for p in placed:
        for number in sorted({t.sentence for t in p.line.tokens if t.sentence}):
            entry = facts.setdefault(number, {"lines": 0, "pages": [], "frames": [], "hyphenated": []})
            entry["lines"] += 1
            if p.frame.page not in entry["pages"]:
                entry["pages"].append(p.frame.page)
            if p.frame.name not in entry["frames"]:
                entry["frames"].append(p.frame.name)
        if p.line.hyphenated and p.line.tokens[-1].sentence:
            facts[p.line.tokens[-1].sentence]["hyphenated"].append(p.line.hyphenated)
    source.layout = facts


def wrap_title(text: str, font: str, size: float, width: float) -> list[str]:
    return [" ".join(t.text for t in line.tokens) for line in break_lines([(0, text)], font, size, width)]


def draw_footer_line(c: canvas.Canvas, x: float, y: float) -> None:
    c.setFillGray(0.45)
    c.setFont("Helvetica-Oblique", 7.5)
    c.drawString(x, y, FOOTER)
    c.setFillGray(0)


# --------------------------------------------------------------------------------------------------
# Source 1: justified narrow column, hyphenation, curly quotes, sentence 9 across the page break
# --------------------------------------------------------------------------------------------------


def build_source1(path: Path) -> None:
    src = S1
    font, size, leading, gap = "DejaVuSans", 11.5, 15.5, 7.0
    width = 216.0  # a narrow justified column, centred under a wider title and photo
    x = (PAGE_W - width) / 2
    wide = 320.0
    wide_x = (PAGE_W - wide) / 2
    top, bottom = PAGE_H - 66, 66
    paragraphs = [break_lines(p, font, size, width, HYPHENATION) for p in src.numbered_paragraphs()]

    # Page 1 ends after the first line of the paragraph holding sentence 9, so sentence 9 crosses the break.
    rows_before = 0.0
    for p_index, lines in enumerate(paragraphs):
        if any(t.sentence == 9 for t in lines[0].tokens):
            rows_before += gap + leading  # the gap before this paragraph and its first line
            break
        rows_before += (gap if p_index else 0) + leading * len(lines)
    title_lines = wrap_title(smarten(src.heading), "Helvetica-Bold", 21, wide)
    title_bottom = top - 26 * len(title_lines)
    text_top_page1 = bottom + rows_before
    photo_top, photo_bottom = title_bottom - 14, text_top_page1 + 14
    assert 90 <= photo_top - photo_bottom <= 380, ("photo height out of range", photo_top - photo_bottom)

    def frames():
        yield Frame(1, x, text_top_page1, bottom, width, "page 1")
        page = 2
        while True:
            yield Frame(page, x, top, bottom, width, f"page {page}")
            page += 1

    placed = flow(paragraphs, frames(), leading, gap)
    record_layout(src, placed)
    assert len(src.layout[9]["pages"]) == 2, "sentence 9 must cross the page break"
    assert any(h.startswith("re-|") for h in src.layout[1]["hyphenated"]), src.layout[1]

    c = new_canvas(path, src, "D:20260522143000+00'00'")
    c.setFont("Helvetica-Bold", 21)
    for i, line in enumerate(title_lines):
        c.drawString(wide_x, top - 21 - 26 * i, line)
    draw_photo(c, wide_x, photo_bottom, wide, photo_top - photo_bottom)
    page = 1
    for p in placed:
        if p.frame.page != page:
            c.showPage()
            page = p.frame.page
        draw_line(c, p, font, size, justify=True)
    draw_footer_line(c, x, placed[-1].y - 28)
    c.showPage()
    c.save()


def draw_photo(c: canvas.Canvas, x: float, y: float, w: float, h: float) -> None:
    """A news photo stand-in: shapes only, no text (a building with columns under a sky)."""
    c.saveState()
    c.setFillColorRGB(0.78, 0.84, 0.9)
    c.rect(x, y, w, h, stroke=0, fill=1)
    c.setFillColorRGB(0.55, 0.62, 0.55)
    c.rect(x, y, w, h * 0.18, stroke=0, fill=1)
    bw, bh = w * 0.7, h * 0.42
    bx, by = x + (w - bw) / 2, y + h * 0.18
    c.setFillColorRGB(0.95, 0.95, 0.93)
    c.rect(bx, by, bw, bh, stroke=0, fill=1)
    path = c.beginPath()
    path.moveTo(bx + bw * 0.3, by + bh)
    path.lineTo(bx + bw * 0.5, by + bh + h * 0.16)
    path.lineTo(bx + bw * 0.7, by + bh)
    path.close()
    c.drawPath(path, stroke=0, fill=1)
    c.setFillColorRGB(0.82, 0.82, 0.8)
    for k in range(7):
        c.rect(bx + bw * (0.08 + k * 0.13), by + 4, bw * 0.04, bh - 10, stroke=0, fill=1)
    c.restoreState()


# --------------------------------------------------------------------------------------------------
# Source 2: two columns, left column of a page drawn completely before the right one
# --------------------------------------------------------------------------------------------------


def build_source2(path: Path) -> None:
    src = S2
    font, size, leading, gap = "DejaVuSans", 10.5, 15.0, 8.0
    margin, gutter = 54.0, 22.0
    col_w = (PAGE_W - 2 * margin - gutter) / 2
    title_lines = wrap_title(src.heading, "Helvetica-Bold", 22, PAGE_W - 2 * margin)
    top, bottom = PAGE_H - 60, 60
    first_top = top - 28 * len(title_lines) - 22

    def frames():
        page = 1
        while True:
            t = first_top if page == 1 else top
            yield Frame(page, margin, t, bottom, col_w, f"page {page} left")
            yield Frame(page, margin + col_w + gutter, t, bottom, col_w, f"page {page} right")
            page += 1

    paragraphs = [break_lines(p, font, size, col_w) for p in src.numbered_paragraphs()]
    placed = flow(paragraphs, frames(), leading, gap)
    record_layout(src, placed)
    pages = placed[-1].frame.page
    assert 2 <= pages <= 3, pages
    # Cited sentence 23 runs from the foot of page 1's right column to the top of page 2's left column.
    assert src.layout[23]["frames"] == ["page 1 right", "page 2 left"], src.layout[23]

    c = new_canvas(path, src, "D:20260521210000+00'00'")
    c.setFont("Helvetica-Bold", 22)
    for i, line in enumerate(title_lines):
        c.drawString(margin, top - 22 - 28 * i, line)
    c.setLineWidth(0.6)
    c.line(margin, first_top + 10, PAGE_W - margin, first_top + 10)
    page = 1
    for p in placed:  # placed is in reading order: page 1 left, page 1 right, page 2 left, ...
        if p.frame.page != page:
            c.showPage()
            page = p.frame.page
        draw_line(c, p, font, size, justify=False)
    last = placed[-1]
    draw_footer_line(c, last.frame.x, last.y - 24)
    c.showPage()
    c.save()


# --------------------------------------------------------------------------------------------------
# Sources 4, 5, 7: single-column PDFs
# --------------------------------------------------------------------------------------------------


def build_single_column(path: Path, src: Source, *, font: str, bold: str, size: float, leading: float,
                        title_size: float, created: str, max_pages: int | None = None,
                        justify: bool = False) -> None:
    margin, gap = 72.0, 7.0
    width = PAGE_W - 2 * margin
    top, bottom = PAGE_H - 66, 66
    heading = src.render(src.heading)
    title_lines = wrap_title(heading, bold, title_size, width)
    first_top = top - (title_size + 6) * len(title_lines) - 18
    if src.meta_title is None:  # the importer must take the title from the first line: keep it one line
        assert len(title_lines) == 1, title_lines

    def frames():
        page = 1
        while True:
            yield Frame(page, margin, first_top if page == 1 else top, bottom, width, f"page {page}")
            page += 1

    paragraphs = [break_lines(p, font, size, width) for p in src.numbered_paragraphs()]
    placed = flow(paragraphs, frames(), leading, gap)
    record_layout(src, placed)
    if max_pages:
        assert placed[-1].frame.page <= max_pages, placed[-1].frame.page

    c = new_canvas(path, src, created)
    c.setFont(bold, title_size)
    for i, line in enumerate(title_lines):
        c.drawString(margin, top - title_size - (title_size + 6) * i, line)
    page = 1
    for p in placed:
        if p.frame.page != page:
            c.showPage()
            page = p.frame.page
        draw_line(c, p, font, size, justify=justify)
    draw_footer_line(c, margin, placed[-1].y - 26)
    c.showPage()
    c.save()


# --------------------------------------------------------------------------------------------------
# Source 3 (HTML) and source 6 (plain text)
# --------------------------------------------------------------------------------------------------

HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="canonical" href="https://example.com/news/trump-postpones-ai-order">
<meta name="author" content="{author}">
<meta name="description" content="The president held off on an AI oversight order after a call from David Sacks.">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2026-05-22T08:00:00Z">
<meta property="article:section" content="Technology">
<link rel="stylesheet" href="/static/site.css">
<style>
body {{ font-family: Georgia, serif; margin: 0; color: #222; }}
.site-nav ul {{ list-style: none; display: flex; gap: 1.2em; margin: 0; padding: .8em 1.5em; background: #111; }}
.site-nav a {{ color: #fff; text-decoration: none; font-family: sans-serif; font-size: 14px; }}
.cookie-banner {{ position: fixed; bottom: 0; left: 0; right: 0; background: #f3f3f3; padding: 1em; font-family: sans-serif; }}
main {{ display: flex; gap: 3em; max-width: 1100px; margin: 2em auto; }}
article {{ max-width: 680px; line-height: 1.6; font-size: 19px; }}
aside.related {{ width: 280px; font-family: sans-serif; font-size: 14px; }}
.byline {{ color: #666; font-family: sans-serif; font-size: 14px; }}
.disclaimer {{ color: #888; font-size: 13px; font-style: italic; }}
footer.site-footer {{ background: #111; color: #aaa; padding: 2em; font-family: sans-serif; font-size: 13px; }}
</style>
<script>window.dataLayer = window.dataLayer || []; window.dataLayer.push({{"section": "technology"}});</script>
</head>
<body>
<header class="masthead">
<a class="logo" href="https://example.com/">Example News</a>
<nav class="site-nav" aria-label="Main menu">
<ul>
<li><a href="https://example.com/politics">Politics</a></li>
<li><a href="https://example.com/business">Business</a></li>
<li><a href="https://example.com/technology">Technology</a></li>
<li><a href="https://example.com/world">World</a></li>
<li><a href="https://example.com/opinion">Opinion</a></li>
<li><a href="https://example.com/newsletters">Newsletters</a></li>
<li><a href="https://example.com/subscribe">Subscribe</a></li>
</ul>
</nav>
</header>
<div class="cookie-banner" id="cookie-banner" role="dialog" aria-label="Cookie consent">
<p>We use cookies and similar technologies to improve your experience, measure traffic and show relevant ads. You can change your choices at any time in Privacy Settings.</p>
<button type="button">Accept all</button> <button type="button">Manage preferences</button>
</div>
<main>
<article>
<h1>{title}</h1>
<div class="byline">By <span class="author">{author}</span> &middot; <time datetime="2026-05-22T08:00:00Z">May 22, 2026</time></div>
{paragraphs}
<p class="disclaimer">{footer}</p>
</article>
<aside class="related" aria-label="Related stories">
<h2>Related stories</h2>
<ul>
<li><a href="https://example.com/news/ai-chip-export-rules">Commerce weighs new limits on AI chip exports</a></li>
<li><a href="https://example.com/news/state-ai-laws">States press ahead with their own AI rules</a></li>
<li><a href="https://example.com/news/frontier-model-testing">Inside the government lab that tests AI models</a></li>
<li><a href="https://example.com/news/ai-lobbying-spending">Tech lobbying spending hits a record</a></li>
</ul>
<div class="newsletter">
<h3>Tech Briefing</h3>
<p>Get the day's most important technology news in your inbox every weekday morning.</p>
<a href="https://example.com/newsletters/tech">Sign up</a>
</div>
</aside>
</main>
<footer class="site-footer">
<ul>
<li><a href="https://example.com/about">About us</a></li>
<li><a href="https://example.com/contact">Contact</a></li>
<li><a href="https://example.com/terms">Terms of use</a></li>
<li><a href="https://example.com/privacy">Privacy policy</a></li>
<li><a href="https://example.com/cookies">Cookie settings</a></li>
</ul>
<p>&copy; 2026 Example News Media Group. All rights reserved. Reproduction of material from this site without written permission is prohibited.</p>
</footer>
</body>
</html>
"""


def build_source3(path: Path) -> None:
    src = S3
    paragraphs = "\n".join("<p>" + html.escape(" ".join(s for _, s in p), quote=False) + "</p>"
                           for p in src.numbered_paragraphs())
    page = HTML_TEMPLATE.format(title=html.escape(src.heading), author=src.author, paragraphs=paragraphs,
                                footer=html.escape(FOOTER))
    path.write_text(page, encoding="utf-8", newline="\n")


# --------------------------------------------------------------------------------------------------
# Checks against the digest and EXPECTED.json
# --------------------------------------------------------------------------------------------------

_MARKER = re.compile(r"[(<]cite\s+index=\"([^\"]*)\"\s*>(.*?)</cite>", re.S)


def digest_claims() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in _MARKER.finditer(DIGEST.read_text(encoding="utf-8"))]


def parse_index(index: str) -> tuple[int, list[int]]:
    pairs = [tuple(int(n) for n in part.split("-")) for part in index.split(",")]
    sources = {s for s, _ in pairs}
    assert len(sources) == 1, index
    return pairs[0][0], [n for _, n in pairs]


def expected_claims() -> list[dict]:
    by_number = {s.number: s for s in SOURCES}
    claims = []
    for order, (index, text) in enumerate(digest_claims(), start=1):
        number, positions = parse_index(index)
        src = by_number[number]
        sentences = src.sentences
        assert max(positions) <= len(sentences), (index, len(sentences))
        at_positions = " ".join(sentences[n - 1] for n in positions)
        whole = normalize(" ".join(sentences))
        entry = {"order": order, "index": index, "source": number, "file": src.file, "sentences": positions,
                 "claim_text": text}
        if normalize(at_positions) == normalize(text):
            entry["status"] = "verified"
            entry["source_text"] = at_positions
            entry["differences"] = char_differences(text, at_positions)
            layout = {n: src.layout[n] for n in positions if n in src.layout}
            if layout:
                entry["layout"] = layout
        elif (number, tuple(positions)) == (5, (4, 5, 6, 7)):
            assert normalize(text) not in whole
            for claim_sentence in re.split(r"(?<=\.)\s+", text):
                assert normalize(claim_sentence) not in whole, claim_sentence
            entry["status"] = "partial"
            entry["source_text"] = at_positions
            entry["reason"] = "the cited sentences are a paraphrase (same facts, different wording)"
        elif (number, tuple(positions)) == (6, (4,)):
            words = set(re.findall(r"[a-z]+", normalize(text).lower())) - set(
                "the a for on of just before was to an ai".split())
            for sentence in sentences:
                overlap = words & set(re.findall(r"[a-z]+", normalize(sentence).lower()))
                assert len(overlap) <= 4, (sentence, overlap)
            for phrase in ("canceled", "cancelled", "ceremony", "pulling the plug", "hours before", "Oval Office",
                           "sweeping"):
                assert phrase.lower() not in whole.lower(), phrase
            entry["status"] = "not_found"
            entry["source_text"] = None
            entry["reason"] = "the source does not contain the claim; its sentence 4 is about a senator's reaction"
        else:
            raise AssertionError(f"claim {index} does not match sentence(s) {positions} of source {number}:\n"
                                 f"  claim:  {text}\n  source: {at_positions}")
        claims.append(entry)
    assert len(claims) == 12, len(claims)
    return claims


def digest_source_titles() -> dict[int, str]:
    text = DIGEST.read_text(encoding="utf-8")
    tail = text[text.rindex("\nSources") :]
    return {int(m.group(1)): m.group(2).strip() for m in re.finditer(r"\[(\d+)\]\s*\n\s*(.+)", tail)}


def write_expected(claims: list[dict]) -> None:
    titles = digest_source_titles()
    cited: dict[int, set[int]] = {}
    for claim in claims:
        cited.setdefault(claim["source"], set()).update(claim["sentences"])
    sources = []
    for src in SOURCES:
        sources.append({
            "number": src.number,
            "file": src.file,
            "digest_title": titles[src.number],
            "document_title": src.meta_title or src.heading,
            "heading": src.render(src.heading),
            "title_from": src.title_from,
            "body_sentences": len(src.sentences),
            "cited_sentences": sorted(cited.get(src.number, ())),
        })
    expected = {
        "digest": DIGEST.name,
        "about": "Expected verification of each claim of the sample digest when all seven sources are attached. "
                 "Written by build_demo_sources.py; sentence numbers count body sentences from 1, the title "
                 "excluded. 'differences' lists character substitutions from the digest's claim text to the "
                 "source's text; 'layout' gives, for PDF sources, the lines, pages and columns each cited "
                 "sentence occupies and the words hyphenated at a line end (first part-|rest).",
        "sources": sources,
        "claims": claims,
    }
    (OUT / "EXPECTED.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8", newline="\n")


def main() -> int:
    for src in SOURCES:
        assert 25 <= len(src.sentences) <= 40, (src.file, len(src.sentences))
    OUT.mkdir(exist_ok=True)
    register_fonts()
    build_source1(OUT / S1.file)
    build_source2(OUT / S2.file)
    build_source3(OUT / S3.file)
    build_single_column(OUT / S4.file, S4, font="DejaVuSans", bold="Helvetica-Bold", size=11, leading=15.5,
                        title_size=21, created="D:20260521190000+00'00'")
    build_single_column(OUT / S5.file, S5, font="Helvetica", bold="Helvetica-Bold", size=11, leading=15,
                        title_size=20, created="D:20260522110000+00'00'")
    build_single_column(OUT / S6.file, S6, font="Helvetica", bold="Helvetica-Bold", size=11, leading=15,
                        title_size=13, created="D:20260522090000+00'00'")
    build_single_column(OUT / S7.file, S7, font="Times-Roman", bold="Times-Bold", size=10.5, leading=13.5,
                        title_size=19, created="D:20260522013000+00'00'", max_pages=1, justify=True)
    write_expected(expected_claims())
    for file in sorted(OUT.iterdir()):
        size = file.stat().st_size
        assert size < 60_000, (file.name, size)
        print(f"{size:>7}  {file.relative_to(HERE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
