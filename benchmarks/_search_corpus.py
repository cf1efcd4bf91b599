"""A synthetic but realistic archive for the search benchmark, written straight into the catalog.

Everything comes from ``random.Random(seed)``: the same seed gives the same archive.

Text: sentences of 25–35 words.  About 45 % of the words are English function words drawn with
their real relative frequencies; the rest come from a content vocabulary drawn with a Zipf–Mandelbrot
law (weight ``1 / (rank + 2.7) ** 1.05``): ~1,100 real English words of news and public records at the
head, then pronounceable made-up words (``"telvicorn"``) for the long tail, up to ``VOCABULARY`` types.
Sentences carry people's names (``"Dana Whitfield"``, ``"Ms. Okafor"``), organisations, years, amounts
(``"$4.2 million"``), percentages, counts and dates, and the odd comma.

Catalog: ``documents`` PDF-like documents (kind ``pdf``, status ``ok``), each a run of pages of
sentences: ``document.text`` is the whole text (sentences joined by a space, a paragraph break now
and then, pages joined by a blank line), ``document_page`` rows give each page's span of it (``words``
empty) and ``passage`` rows each sentence's span, page and position.  ``articles`` digest-like articles:
a summary, headed paragraphs, ~10 claims (sentences of the text, with offsets) citing 1–3 of the
article's 4–10 numbered sources; most source entries carry the title of a document of the archive
(attached), some a web page's title; claims have statuses, a few notes and tags.  Rows go in with
SQLAlchemy Core into an archive made by ``Archive.open(path, create=True)``; each document and article
gets its ``stored_file`` row (fake SHA-256).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

VOCABULARY = 120_000  # content word types (real head + made-up tail)
ZIPF_S = 1.05
ZIPF_Q = 2.7

# Function words and their relative frequencies (per 1,000 words of English news text, rounded).
FUNCTION_WORDS = {
    "the": 60, "of": 29, "and": 27, "to": 26, "a": 22, "in": 20, "that": 11, "is": 10, "for": 9, "on": 7,
    "was": 7, "with": 7, "as": 6, "by": 6, "it": 6, "at": 5, "from": 5, "he": 5, "said": 5, "be": 5,
    "his": 4, "are": 4, "have": 4, "has": 4, "its": 4, "an": 4, "not": 3, "but": 3, "were": 3, "this": 3,
    "which": 3, "they": 3, "had": 3, "been": 3, "who": 3, "their": 3, "will": 3, "would": 3, "or": 3,
    "she": 2, "her": 2, "more": 2, "after": 2, "than": 2, "about": 2, "into": 2, "also": 2, "over": 2,
    "there": 2, "we": 2, "can": 2, "could": 2, "other": 2, "when": 2, "some": 2, "them": 1, "if": 1,
    "no": 1, "all": 1, "while": 1, "before": 1, "under": 1, "between": 1, "since": 1, "against": 1,
    "during": 1, "because": 1, "through": 1, "these": 1, "those": 1, "such": 1, "then": 1, "only": 1,
    "most": 1, "many": 1, "any": 1, "each": 1, "both": 1, "should": 1, "may": 1, "might": 1, "must": 1,
    "our": 1, "your": 1, "what": 1, "where": 1, "how": 1, "why": 1, "up": 1, "out": 1, "so": 1,
}

# The head of the content vocabulary, roughly by frequency in news and public-records text.
CONTENT_HEAD = """
government year people report state percent million officials company public new court program city
department federal president years time department health data system county court market policy
last first two three former national council budget agency law work service plan members business
school schools students police water energy security support money tax rules workers million billion
process information director committee region local group project research development economic
economy industry community children family families week month months days day news case cases
decision review hearing testimony administration house senate congress election vote voters campaign
percent rate rates increase decrease growth prices costs cost funding fund funds contract contracts
agreement deal plan plans proposal proposals order orders rule regulation regulations standard
standards investigation inquiry evidence record records statement statements letter letters
spokesman spokeswoman spokesperson secretary minister chairman chairwoman chief executive officer
director manager analyst analysts expert experts lawyer lawyers attorney attorneys judge judges
witness witnesses counsel company companies firm firms bank banks investors investment investments
trade exports imports tariffs chips semiconductors technology technologies software model models
systems network networks platform platforms users customers consumers service services product
products sales revenue revenues profit profits loss losses quarter annual fiscal spending deficit
debt bond bonds interest inflation employment unemployment jobs job wages wage labor union unions
strike housing rent homes home building buildings construction infrastructure roads bridges transit
transport transportation airport airline airlines rail railway port ports shipping fuel oil gas
electricity power grid climate emissions carbon pollution environment environmental weather storm
storms flood floods drought fire fires wildfire emergency response disaster relief hospital
hospitals patients doctors nurses care medical medicine drug drugs vaccine vaccines disease virus
outbreak study studies survey scientists science university universities college education teachers
teacher class classes district districts board boards meeting meetings session sessions members
member staff employees employee office offices agency agencies authority authorities commission
commissioner commissioners regulator regulators oversight compliance violation violations penalty
penalties fine fines settlement lawsuit lawsuits claim claims appeal appeals ruling rulings trial
charges charge prosecutors prosecution defense military army forces troops war conflict peace talks
negotiations allies ally sanctions security intelligence threat threats attack attacks border
immigration migrants refugees asylum visa visas citizens citizenship rights freedom speech press media
journalists newspaper television radio online internet website social platform content video videos
images artificial intelligence algorithm algorithms computing compute cloud chip chips processor
processors export controls license licensing licenses approval approvals permit permits review reviews
audit audits inspection inspections safety risk risks assessment assessments evaluation evaluations
testing tests test results findings analysis estimate estimates forecast forecasts figures figure
table appendix section paragraph provision provisions amendment amendments statute statutes bill
bills act acts legislation lawmakers legislators legislature governor governors mayor mayors
council councils county counties state states nation nations country countries world global
international domestic foreign european china chinese american washington london brussels beijing
europe asia africa america russia india japan germany france britain canada mexico brazil
market markets stock stocks shares share price index exchange currency dollar dollars euro euros
trillion thousand hundreds thousands dozens percent level levels average total number numbers amount
amounts part parts area areas place places site sites facility facilities plant plants factory
factories center centers institute institutes foundation foundations organization organizations
association associations coalition alliance partnership partners partner leaders leader leadership
team teams player players game games season league club clubs fans coach music film art arts culture
history museum library church religious community communities neighborhood neighborhoods residents
resident property properties land farmers farm farms food crops prices supply supplies demand shortage
shortages production output capacity manufacturing manufacturers industry industries sector sectors
small large major key new old early late high low long short full final initial recent current future
past next previous possible likely potential significant important critical serious major minor
private public political economic financial social legal medical federal regional local national
military civil criminal commercial industrial digital technical scientific environmental annual
monthly weekly daily quarterly voluntary mandatory temporary permanent independent official unofficial
said says told added noted asked argued warned claimed stated announced reported confirmed denied
declined refused agreed approved rejected proposed passed signed vetoed delayed postponed canceled
cancelled launched released published issued filed submitted received reviewed found showed shows
suggested indicated expected planned decided ordered required allowed blocked challenged appealed
ruled upheld overturned struck investigated charged accused sued settled paid raised cut reduced
increased expanded extended limited restricted banned lifted imposed introduced created established
formed built opened closed moved shifted changed improved worsened grew fell rose dropped jumped
climbed declined slowed accelerated continued remained stayed began started ended finished completed
failed succeeded managed led helped supported opposed criticized praised welcomed defended
acknowledged insisted suggested explained described called named appointed hired fired resigned
retired elected nominated confirmed testified briefed met visited traveled returned left joined
make made take taken give given get got go went come came see seen know known think thought
use used find found want wanted need needed try tried keep kept hold held bring brought begin
run ran pay paid meet met lead led set put show provide provided include included including continue
consider considered expect expected follow followed create allow allowed offer offered serve served
spend spent grow lose lost reach reached remain remained suggest raise raised pass passed sell sold
require required report reported decide decided pull pulled seek sought push pushed deliver delivered
very well even still just now already again often never always less least much several few
however although though despite according among within without across toward around along near
""".split()

FIRST_NAMES = """Dana Marcus Ines Ruth Tomas Grace Leon Priya Walter Helen Kevin Susie Scott David Elena James Maria
Robert Linda Michael Sarah Daniel Laura Thomas Emma Joseph Olivia Charles Sophia Anthony Mia Mark Nora
Steven Alice Paul Clara Andrew Julia Joshua Hannah Kenneth Amara Brian Chloe George Ingrid Edward Yuki
Ronald Fatima Timothy Leila Jason Mei Jeffrey Aisha Ryan Rosa Jacob Zara Gary Noor Nicholas Lucia Eric
Anya Jonathan Sana Stephen Ivana Larry Keiko Justin Farah Frank Nadia Raymond Elif Gregory Ayesha Samuel
Marta Patrick Beatriz Alexander Camille Jack Dmitri Henry Tariq Peter Kofi Adam Haruto Nathan Ahmed""".split()
LAST_NAMES = """Whitfield Oyelaran Carvalho Aldana Reyes Okafor Marchetti Natarajan Brennan Moravec Hassett Wiles
Bessent Sacks Lindqvist Park Nguyen Schmidt Rossi Kowalski Haddad Tanaka Osei Fernandez Dubois Novak Ibrahim
Johansson Petrov Silva Mendez Castillo Moreau Jensen Larsen Murphy Kelly Gallagher Brooks Foster Hughes
Patel Shah Singh Chen Wang Zhang Liu Kim Lee Choi Yamamoto Sato Suzuki Kaur Adeyemi Mensah Abara Chukwu
Mwangi Odhiambo Ochieng Banda Phiri Dlamini Nkosi Hoffmann Becker Wagner Weber Fischer Keller Vogel Lang
Romano Ricci Greco Bruno Conti Esposito Lombardi Moretti Barbieri Fontana Santoro Marino Ferrari Colombo
Horvath Nagy Toth Szabo Kovacs Varga Molnar Farkas Balogh Papadopoulos Georgiou Dimitriou Nikolaidis""".split()
TITLES = ["Mr.", "Ms.", "Dr.", "Senator", "Judge", "Commissioner", "Secretary", "Representative", "Mayor"]
ORGS = ["the Commerce Department", "the Treasury", "the Federal Trade Commission", "the Energy Department",
        "the Justice Department", "the European Commission", "the Environmental Protection Agency",
        "the Federal Reserve", "the Securities and Exchange Commission", "the National Institutes of Health",
        "the World Health Organization", "the International Monetary Fund", "the city council",
        "the county board", "the state legislature", "the Supreme Court", "the appeals court",
        "the Senate Commerce Committee", "the House Oversight Committee", "the Government Accountability Office"]
COMPANIES = ["Northwind Labs", "Helix AI", "Corvid Systems", "Aperture Compute", "Bluefin Semiconductors",
             "Lattice Robotics", "Meridian Cloud", "Quillon Research", "Solstice Data", "Tarn Analytics",
             "Harbor Freight Lines", "Granite Insurance", "Pinecrest Health", "Atlas Mining", "Summit Energy"]
PUBLISHERS = ["Reuters", "Associated Press", "Bloomberg", "Financial Times", "The Washington Post", "Politico",
              "Axios", "Semafor", "The Guardian", "Wired", "Nature", "Government Accountability Office",
              "Congressional Research Service", "European Parliament", "OECD", "World Bank", "Brookings",
              "RAND Corporation", "Pew Research Center", "Federal Register"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
CATEGORIES = ["defense-government", "economy", "technology", "science", "health", "climate", "law",
              "politics", "business", "world"]
STATUSES = ["verified"] * 50 + ["partial"] * 15 + ["not_found"] * 10 + ["no_source"] * 25
TAGS = ["followup", "budget", "disputed-figure", "check-quote", "key", "background", "timeline", "legal"]

_ONSETS = ["b", "br", "c", "ch", "cl", "cr", "d", "dr", "f", "fl", "fr", "g", "gr", "h", "j", "k", "l", "m",
           "n", "p", "pl", "pr", "r", "s", "sh", "sp", "st", "t", "th", "tr", "v", "w", ""]
_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ou"]
_CODAS = ["", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "nt", "st", "ck"]
# Suffixes of the made-up tail, with English-like shares, so that stemming folds word forms together.
_SUFFIXES = {"": 36, "s": 20, "ed": 8, "ing": 8, "er": 5, "ers": 3, "ation": 4, "al": 3, "ly": 3, "ment": 3,
             "ity": 2, "ive": 2, "ness": 1, "ist": 1, "ism": 1}


def _made_up_words(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """Pronounceable made-up words (``"brastonal"``, ``"trelvings"``): stems of 2–3 syllables plus a suffix."""
    suffixes, weights = list(_SUFFIXES), list(_SUFFIXES.values())
    stems: list[str] = []
    words: list[str] = []
    while len(words) < count:
        if not stems or rng.random() < 0.45:
            stem = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                           for _ in range(rng.choice((2, 2, 2, 3))))
            if not 4 <= len(stem) <= 10:
                continue
            stems.append(stem)
        else:
            stem = stems[rng.randrange(max(0, len(stems) - 2000), len(stems))]  # forms of a recent stem
        word = stem + rng.choices(suffixes, weights)[0]
        if word not in taken:
            taken.add(word)
            words.append(word)
    return words


@dataclass
class Stats:
    """What was generated, and enough about its words to choose queries that match."""

    documents: int = 0
    pages: int = 0
    passages: int = 0
    articles: int = 0
    claims: int = 0
    notes: int = 0
    source_entries: int = 0
    document_chars: int = 0
    article_chars: int = 0
    claim_chars: int = 0
    text_bytes: int = 0  # UTF-8 bytes of the documents' and articles' texts
    words: int = 0
    counts: Counter = field(default_factory=Counter)  # word -> occurrences (names and numbers aside)
    document_titles: list[str] = field(default_factory=list)
    source_titles: list[str] = field(default_factory=list)  # source entries' titles (for source: queries)
    sample_sentences: list[str] = field(default_factory=list)  # for phrase queries

    @property
    def text_chars(self) -> int:
        """Characters of catalog text: documents' and articles' full texts (claims are spans of these)."""
        return self.document_chars + self.article_chars


class TextMaker:
    """Sentences of Zipf-distributed English-like words, names and numbers."""

    FUNCTION_SHARE = 0.47  # of the words drawn from the vocabulary

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        head = list(dict.fromkeys(w.lower() for w in CONTENT_HEAD if w.lower() not in FUNCTION_WORDS))
        taken = set(head) | set(FUNCTION_WORDS) | {n.lower() for n in FIRST_NAMES + LAST_NAMES}
        self.content = head + _made_up_words(rng, VOCABULARY - len(head), taken)
        self.content_cum = list(itertools.accumulate(1.0 / (r + ZIPF_Q) ** ZIPF_S
                                                     for r in range(1, len(self.content) + 1)))
        # One distribution over function and content words: one ``choices`` call per sentence.
        function_total = sum(FUNCTION_WORDS.values())
        content_total = self.content_cum[-1]
        weights = [w / function_total * self.FUNCTION_SHARE for w in FUNCTION_WORDS.values()]
        weights += [1.0 / (r + ZIPF_Q) ** ZIPF_S / content_total * (1 - self.FUNCTION_SHARE)
                    for r in range(1, len(self.content) + 1)]
        self.vocabulary = list(FUNCTION_WORDS) + self.content
        self.cum = list(itertools.accumulate(weights))
        self.counts: Counter[str] = Counter()
        self.words = 0

    def word(self) -> str:
        return self.content[bisect.bisect(self.content_cum, self.rng.random() * self.content_cum[-1])]

    def person(self) -> str:
        rng = self.rng
        if rng.random() < 0.6:
            return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        return f"{rng.choice(TITLES)} {rng.choice(LAST_NAMES)}"

    def number(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.25:
            return str(rng.randint(1990, 2026))
        if kind < 0.45:
            return f"${rng.randint(1, 999)}.{rng.randint(0, 9)} {rng.choice(('million', 'billion'))}"
        if kind < 0.65:
            return f"{rng.randint(1, 99)}.{rng.randint(0, 9)} percent"
        if kind < 0.85:
            return f"{rng.randint(2, 99_999):,}"
        return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"

    def sentence(self, low: int = 25, high: int = 35) -> str:
        """A sentence of ``low``–``high`` words: vocabulary words, and now and then a name, an
        organisation or a number (each counts its words), a comma, a question mark."""
        rng = self.rng
        length = rng.randint(low, high)
        extras: list[str] = []
        while rng.random() < 0.55:
            roll = rng.random()
            if roll < 0.45:
                extras.append(self.person())
            elif roll < 0.65:
                extras.append(rng.choice(ORGS) if rng.random() < 0.6 else rng.choice(COMPANIES))
            else:
                extras.append(self.number())
        taken = sum(e.count(" ") + 1 for e in extras)
        words = rng.choices(self.vocabulary, cum_weights=self.cum, k=max(4, length - taken))
        self.counts.update(words)
        for extra in extras:
            words.insert(rng.randrange(len(words) + 1), extra)
        if rng.random() < 0.5:
            i = rng.randrange(2, len(words) - 2)
            words[i] += ","
        self.words += len(words) + taken - len(extras)
        first = words[0]
        words[0] = first[:1].upper() + first[1:]
        return " ".join(words) + ("?" if rng.random() < 0.02 else ".")

    def title(self, low: int = 4, high: int = 9) -> str:
        words = [self.word() for _ in range(self.rng.randint(low, high))]
        if self.rng.random() < 0.3:
            words.insert(self.rng.randint(1, len(words)), self.rng.choice(("of", "and", "for", "on", "in")))
        if self.rng.random() < 0.3:
            words.append(str(self.rng.randint(1998, 2026)))
        return " ".join(w if w in ("of", "and", "for", "on", "in") else w.capitalize() for w in words)


def _split_total(rng: random.Random, total: int, parts: int, low: int, high: int) -> list[int]:
    """``parts`` random sizes in [low, high] nudged (by ones, at random) to sum to ``total``."""
    low, high = min(low, total // parts), max(high, -(-total // parts))  # make the total reachable
    sizes = [rng.randint(low, high) for _ in range(parts)]
    difference = total - sum(sizes)
    step = 1 if difference > 0 else -1
    while difference:
        i = rng.randrange(parts)
        if low <= sizes[i] + step <= high:
            sizes[i] += step
            difference -= step
    return sizes


def _id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _fake_sha(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def populate(archive, *, passages: int, pages: int, documents: int, articles: int, seed: int = 1,
             batch: int = 20_000) -> Stats:
    """Generate and insert the whole corpus into ``archive`` (an open, writable, empty archive)."""
    from archive.models import (Article, Citation, Claim, ClaimTag, Document, DocumentPage, Passage,
                                SourceEntry, StoredFile)

    rng = random.Random(seed)
    maker = TextMaker(rng)
    stats = Stats()
    base = datetime(2026, 5, 1, 9, 0, 0)  # naive: article and document dates (NaiveDatetime)
    stamp = datetime(2026, 5, 1, 9, 0, 0, tzinfo=timezone.utc)  # aware: added_at, imported_at ...
    page_sizes = _split_total(rng, passages, pages, 6, 14)
    doc_sizes = _split_total(rng, pages, documents, 5, 35)

    tables = {model: model.__table__ for model in (StoredFile, Document, DocumentPage, Passage, Article, Claim,
                                                   Citation, SourceEntry, ClaimTag)}
    pending: dict[Any, list[dict]] = {model: [] for model in tables}

    def flush(connection, force: bool = False) -> None:
        """Insert what is pending, parents before children, once any table has a batch (or ``force``)."""
        if not force and max(len(rows) for rows in pending.values()) < batch:
            return
        for model in (StoredFile, Document, DocumentPage, Passage, Article, Claim, Citation, SourceEntry, ClaimTag):
            rows = pending[model]
            if rows:
                connection.execute(tables[model].insert(), rows)
                rows.clear()

    documents_made: list[tuple[str, str, str]] = []  # (id, title, publisher)
    page_iter = iter(page_sizes)
    with archive.engine.begin() as connection:
        for d in range(documents):
            doc_id = _id(rng)
            title = maker.title(5, 11)
            publisher = rng.choice(PUBLISHERS)
            sha = _fake_sha(f"document:{doc_id}")
            pieces: list[str] = []
            offset = 0
            position = 0
            for number in range(1, doc_sizes[d] + 1):
                if number > 1:
                    pieces.append("\n\n")
                    offset += 2
                page_start = offset
                for k in range(next(page_iter)):
                    if k:
                        separator = "\n" if rng.random() < 0.15 else " "
                        pieces.append(separator)
                        offset += 1
                    sentence = maker.sentence()
                    position += 1
                    pending[Passage].append(dict(document_id=doc_id, position=position, page=number, start=offset,
                                                 end=offset + len(sentence), rects=[]))
                    pieces.append(sentence)
                    offset += len(sentence)
                    if len(stats.sample_sentences) < 400 and rng.random() < 0.01:
                        stats.sample_sentences.append(sentence)
                pending[DocumentPage].append(dict(document_id=doc_id, number=number, width=612.0, height=792.0,
                                                  start=page_start, end=offset, words=b""))
            text = "".join(pieces)
            stats.document_chars += len(text)
            stats.text_bytes += len(text.encode())
            stats.pages += doc_sizes[d]
            stats.passages += position
            when = base - timedelta(days=rng.randint(0, 3650))
            pending[StoredFile].append(dict(sha256=sha, size=len(text) * 3, media_type="application/pdf",
                                            original_name=f"report-{d:05d}.pdf", added_at=stamp))
            pending[Document].append(dict(
                id=doc_id, file_sha256=sha, kind="pdf", title=title,
                author=maker.person() if rng.random() < 0.6 else None, publisher=publisher, published=when,
                url=None, page_count=doc_sizes[d], status="ok", status_detail="", text=text,
                imported_at=stamp, extracted_at=stamp))
            documents_made.append((doc_id, title, publisher))
            stats.document_titles.append(title)
            flush(connection)
        stats.documents = documents
        flush(connection, force=True)

        for a in range(articles):
            _article(rng, maker, stats, pending, documents_made, base, stamp, a)
            flush(connection)
        flush(connection, force=True)
    stats.articles = articles
    stats.counts = maker.counts
    stats.words = maker.words
    return stats


def _article(rng: random.Random, maker: TextMaker, stats: Stats, pending: dict, documents_made: list,
             base: datetime, stamp: datetime, a: int) -> None:
    from archive.models import Article, Citation, Claim, ClaimTag, SourceEntry, StoredFile

    article_id = _id(rng)
    sha = _fake_sha(f"article:{article_id}")
    title = maker.title(7, 13)
    published = base + timedelta(days=rng.randint(-500, 60), minutes=rng.randint(0, 1440))
    source_count = rng.randint(4, 10)
    sources = []
    for number in range(1, source_count + 1):
        if rng.random() < 0.6:
            doc_id, doc_title, publisher = rng.choice(documents_made)
            sources.append(dict(article_id=article_id, number=number, title=doc_title, publisher=publisher,
                                cited=False, document_id=doc_id, attached_by="auto"))
        else:
            sources.append(dict(article_id=article_id, number=number, title=maker.title(6, 12),
                                publisher=rng.choice(PUBLISHERS), cited=False, document_id=None, attached_by=None))
    summary = " ".join(maker.sentence(18, 30) for _ in range(2))
    parts = [summary]
    offset = len(summary)
    claims_wanted = rng.randint(8, 12)
    claims = []
    paragraphs = 0
    while len(claims) < claims_wanted:
        paragraphs += 1
        if paragraphs % 3 == 1:
            heading = maker.title(2, 5)
            parts.append("\n\n" + heading)
            offset += 2 + len(heading)
        parts.append("\n\n")
        offset += 2
        for k in range(rng.randint(1, 3)):
            if k:
                parts.append(" ")
                offset += 1
            sentence = maker.sentence()
            if rng.random() < 0.6 and len(claims) < claims_wanted:
                claims.append((sentence, offset))
            parts.append(sentence)
            offset += len(sentence)
    text = "".join(parts)
    stats.article_chars += len(text)
    stats.text_bytes += len(text.encode())
    now = stamp
    for position, (claim_text, start) in enumerate(claims):
        claim_id = _id(rng)
        status = rng.choice(STATUSES)
        note = maker.sentence(8, 20) if rng.random() < 0.05 else ""
        user_status = rng.choice(("confirmed", "disputed")) if rng.random() < 0.03 else None
        pending[Claim].append(dict(id=claim_id, article_id=article_id, position=position, text=claim_text,
                                   start=start, end=start + len(claim_text), status=status, user_status=user_status,
                                   note=note, origin="marker", created_at=now, updated_at=now))
        stats.claims += 1
        stats.claim_chars += len(claim_text)
        if note:
            stats.notes += 1
        for i, number in enumerate(sorted(rng.sample(range(1, source_count + 1), rng.randint(1, 3)))):
            sources[number - 1]["cited"] = True
            first = rng.randint(1, 40)
            pending[Citation].append(dict(claim_id=claim_id, position=i, source_number=number,
                                          sentences=list(range(first, first + rng.randint(1, 3)))))
        if rng.random() < 0.05:
            for tag in rng.sample(TAGS, rng.randint(1, 2)):
                pending[ClaimTag].append(dict(claim_id=claim_id, tag=tag))
    pending[StoredFile].append(dict(sha256=sha, size=len(text) + 2000, media_type="text/plain",
                                    original_name=f"digest-{a:05d}.txt", added_at=now))
    pending[Article].append(dict(id=article_id, file_sha256=sha, format="digest", title=title, summary=summary,
                                 published=published, category=rng.choice(CATEGORIES), text=text, imported_at=now))
    pending[SourceEntry].extend(sources)
    stats.source_entries += len(sources)
    if len(stats.source_titles) < 200:
        stats.source_titles.append(sources[0]["title"])


def digest_file(path: Path, maker: TextMaker, unique: str, source_titles: list[str]) -> Path:
    """A digest in the real format with ``unique`` in one claim, citing these source titles."""
    rng = maker.rng
    lines = [f"5/26/2026, 1:02:44 PM \u00b7 technology", "", maker.title(8, 12), "", maker.sentence(20, 30), ""]
    claim = 0
    for paragraph in range(12):
        if paragraph % 4 == 0:
            lines += [maker.title(2, 4), ""]
        sentences = []
        for k in range(rng.randint(1, 3)):
            sentence = maker.sentence()
            if paragraph == 5 and k == 0:
                sentence = sentence[:-1] + f" {unique}."
            if k == 0:
                claim += 1
                number = rng.randint(1, len(source_titles))
                sentence = f'(cite index="{number}-{rng.randint(1, 30)}">{sentence}</cite>'
            sentences.append(sentence)
        lines += [" ".join(sentences), ""]
    lines += ["Cross-references", "", "Sources", ""]
    for number, title in enumerate(source_titles, start=1):
        lines += [f"  {number}. [{number}]", f"    {title} | {rng.choice(PUBLISHERS)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
