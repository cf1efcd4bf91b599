"""The bundle's human-readable parts: a self-contained HTML report and a CSV for spreadsheets.

The report has no scripts and no remote resources: each article with its
claims marked and footnoted to the quoted source passages, with their status.
"""

from __future__ import annotations

import csv
import io
from html import escape
from typing import Any

STATUS_LABELS = {"verified": "verified", "partial": "partial — needs a look", "not_found": "not found in the source",
                 "no_source": "no source attached", "confirmed": "confirmed", "disputed": "disputed",
                 "rejected": "rejected"}
STATUS_COLOURS = {"verified": "#0072b2", "partial": "#e69f00", "not_found": "#d55e00", "no_source": "#888",
                  "confirmed": "#009e73", "disputed": "#cc79a7", "rejected": "#555"}

STYLE = """
body { font: 16px/1.6 Georgia, 'DejaVu Serif', serif; max-width: 46em; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-family: 'DejaVu Sans', sans-serif; font-size: 1.6em; line-height: 1.25; }
h2 { font-family: 'DejaVu Sans', sans-serif; font-size: 1.15em; margin-top: 1.6em; }
.meta { color: #666; font: 0.85em 'DejaVu Sans', sans-serif; text-transform: uppercase; letter-spacing: .04em; }
mark { background: #fdf1cf; padding: 0 .1em; }
sup a { text-decoration: none; font-family: 'DejaVu Sans', sans-serif; font-size: .75em; }
ol.notes { font-size: .92em; }
ol.notes li { margin: .6em 0; }
blockquote { margin: .3em 0 .3em 1em; padding-left: .8em; border-left: 3px solid #ccc; color: #333; }
.status { font: bold .8em 'DejaVu Sans', sans-serif; color: #fff; padding: .05em .45em; border-radius: .3em; }
.article { border-bottom: 1px solid #ddd; padding-bottom: 2em; }
"""


def render_report(catalog: dict[str, Any], document_texts: dict[str, str]) -> str:
    documents = {d["id"]: d for d in catalog["documents"]}
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Footnote report</title>"
             f"<style>{STYLE}</style></head><body>"]
    parts.append(f"<p class=\"meta\">Footnote bundle · exported {escape(catalog['exported_at'] or '')} · "
                 f"{len(catalog['articles'])} article(s) · {len(catalog['documents'])} document(s)</p>")
    for article in catalog["articles"]:
        parts.append(_article(article, documents))
    parts.append("</body></html>")
    return "".join(parts)


def _status(claim: dict[str, Any]) -> str:
    status = claim["user_status"] or claim["status"]
    return (f"<span class=\"status\" style=\"background:{STATUS_COLOURS.get(status, '#888')}\">"
            f"{escape(STATUS_LABELS.get(status, status))}</span>")


def _article(article: dict[str, Any], documents: dict[str, dict[str, Any]]) -> str:
    text = article["text"]
    claims = sorted(article["claims"], key=lambda c: c["start"])
    headings = {escape(s["title"]) for s in article["sections"]}
    body, cursor = [], 0
    anchor = f"a-{article['id'][:8]}"
    for number, claim in enumerate(claims, start=1):
        body.append(escape(text[cursor:claim["start"]]))
        body.append(f"<mark>{escape(text[claim['start']:claim['end']])}</mark>"
                    f"<sup><a href=\"#{anchor}-n{number}\" id=\"{anchor}-r{number}\">[{number}]</a></sup>")
        cursor = claim["end"]
    body.append(escape(text[cursor:]))
    html_text = "".join(body)
    paragraphs = "".join(
        f"<h3>{p}</h3>" if p in headings else f"<p>{p.replace(chr(10), '<br>')}</p>"
        for p in html_text.split("\n\n"))
    notes = []
    for number, claim in enumerate(claims, start=1):
        cites = ", ".join(f"[{c['source']}]" for c in claim["citations"]) or "no citation"
        item = [f"<li id=\"{anchor}-n{number}\">{_status(claim)} cites {cites} "
                f"<a href=\"#{anchor}-r{number}\">↩</a>"]
        for link in claim["links"]:
            document = documents.get(link["document"], {})
            page = f", p. {link['page']}" if link["page"] else ""
            item.append(f"<blockquote>{escape(link['exact'])}<br><small>— {escape(document.get('title', ''))}{page}"
                        f" · {escape(link['verdict'])} {link['score']:.0%}"
                        f"{' · ' + escape(link['decision']) + ' by a person' if link['decision'] else ''}"
                        f"</small></blockquote>")
        if claim["note"]:
            item.append(f"<p><em>Note:</em> {escape(claim['note'])}</p>")
        item.append("</li>")
        notes.append("".join(item))
    sources = "".join(
        f"<li>{escape(s['title'])}{' — ' + escape(s['publisher']) if s['publisher'] else ''}"
        f"{'' if s['document'] else ' <em>(no document)</em>'}</li>" for s in article["sources"])
    meta = " · ".join(escape(x) for x in (article["published"] or "", article["category"] or "") if x)
    return (f"<section class=\"article\"><p class=\"meta\">{meta}</p><h1>{escape(article['title'])}</h1>"
            f"{paragraphs}<h2>Claims</h2><ol class=\"notes\">{''.join(notes)}</ol>"
            f"<h2>Sources</h2><ol>{sources}</ol></section>")


CSV_FIELDS = ["article_id", "article_title", "claim_id", "claim_number", "claim_text", "status", "user_status",
              "citations", "note", "tags", "link_id", "source_number", "document_title", "page", "quote", "score",
              "verdict", "relation", "decision"]


def render_csv(catalog: dict[str, Any]) -> str:
    documents = {d["id"]: d for d in catalog["documents"]}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for article in catalog["articles"]:
        for number, claim in enumerate(article["claims"], start=1):
            base = {"article_id": article["id"], "article_title": article["title"], "claim_id": claim["id"],
                    "claim_number": number, "claim_text": claim["text"], "status": claim["status"],
                    "user_status": claim["user_status"] or "", "note": claim["note"], "tags": ", ".join(claim["tags"]),
                    "citations": "; ".join(f"{c['source']}:{','.join(map(str, c['sentences']))}"
                                           for c in claim["citations"])}
            if not claim["links"]:
                writer.writerow(base)
            for link in claim["links"]:
                writer.writerow({**base, "link_id": link["id"], "source_number": link["source_number"] or "",
                                 "document_title": documents.get(link["document"], {}).get("title", ""),
                                 "page": link["page"] or "", "quote": link["exact"], "score": link["score"],
                                 "verdict": link["verdict"], "relation": link["relation"],
                                 "decision": link["decision"] or ""})
    return out.getvalue()
