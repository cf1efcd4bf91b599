"""Claims and links as W3C Web Annotations (https://www.w3.org/TR/annotation-model/).

A claim is an annotation on its article: a TextQuoteSelector and a
TextPositionSelector on the article's text, its status as an "assessing" body,
its note as "commenting", its tags as "tagging".  A link is an annotation with
two targets, the claim's span and the source passage (page, quote, position),
as a plain array.  Who made it and when: ``creator`` (a person, or Footnote's
verification as Software), ``created``, ``modified``.
"""

from __future__ import annotations

from typing import Any

from archive import __version__

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"
SOFTWARE = {"id": "urn:footnote:software", "type": "Software", "name": f"Footnote {__version__}"}


def urn(kind: str, item_id: str) -> str:
    return f"urn:footnote:{kind}:{item_id}"


def _utc(value: str | None) -> str | None:
    """xsd:dateTime with a timezone, as the model asks (stored times are UTC)."""
    if not value:
        return None
    return value.replace("+00:00", "Z") if value.endswith("+00:00") else value + ("" if "Z" in value else "Z")


def _person(name: str | None) -> dict[str, Any]:
    return {"type": "Person", "name": name or "Footnote user"}


def claim_annotation(article: dict[str, Any], claim: dict[str, Any], user: str | None) -> dict[str, Any]:
    text = article["text"]
    bodies: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "assessing", "format": "text/plain",
                                     "value": claim["user_status"] or claim["status"]}]
    if claim["note"]:
        bodies.append({"type": "TextualBody", "purpose": "commenting", "format": "text/plain", "value": claim["note"]})
    bodies += [{"type": "TextualBody", "purpose": "tagging", "value": tag} for tag in claim["tags"]]
    annotation = {
        "@context": CONTEXT,
        "id": urn("claim", claim["id"]),
        "type": "Annotation",
        "motivation": "highlighting",
        "created": _utc(claim["created_at"]),
        "modified": _utc(claim["updated_at"]),
        "creator": _person(user) if claim["origin"] == "user" else SOFTWARE,
        "generator": SOFTWARE,
        "body": bodies,
        "target": _article_target(article, claim["start"], claim["end"], text),
    }
    return annotation


def link_annotation(article: dict[str, Any], claim: dict[str, Any], link: dict[str, Any],
                    document: dict[str, Any] | None, document_text: str | None, user: str | None) -> dict[str, Any]:
    selectors: list[dict[str, Any]] = [_quote(link["exact"], link["prefix"], link["suffix"]),
                                       {"type": "TextPositionSelector", "start": link["start"], "end": link["end"]}]
    if link["page"]:
        selectors.insert(0, {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": f"page={link['page']}",
                             "refinedBy": _quote(link["exact"], link["prefix"], link["suffix"])})
    source_target = {
        "type": "SpecificResource",
        "source": {"id": f"urn:sha256:{document['sha256']}" if document else urn("document", link["document"]),
                   "type": "Text", "format": document["media_type"] if document else "application/pdf"},
        "selector": selectors,
    }
    description = f"{link['verdict']} ({link['score']:.0%}): {link['reason']}" if link["reason"] else link["verdict"]
    bodies: list[dict[str, Any]] = [
        {"type": "TextualBody", "purpose": "assessing", "format": "text/plain", "value": description},
        {"type": "TextualBody", "purpose": "classifying", "value": link["relation"]},
    ]
    if link["decision"]:
        bodies.append({"type": "TextualBody", "purpose": "moderating", "value": link["decision"]})
    return {
        "@context": CONTEXT,
        "id": urn("link", link["id"]),
        "type": "Annotation",
        "motivation": "linking",
        "created": _utc(link["created_at"]),
        "modified": _utc(link["updated_at"]),
        "creator": _person(user) if link["origin"] == "user" else SOFTWARE,
        "generator": SOFTWARE,
        "body": bodies,
        "target": [_article_target(article, claim["start"], claim["end"], article["text"]), source_target],
    }


def _article_target(article: dict[str, Any], start: int, end: int, text: str) -> dict[str, Any]:
    return {
        "type": "SpecificResource",
        "source": {"id": urn("article", article["id"]), "type": "Text", "format": "text/plain"},
        "selector": [_quote(text[start:end], text[max(0, start - 32):start], text[end:end + 32]),
                     {"type": "TextPositionSelector", "start": start, "end": end}],
    }


def _quote(exact: str, prefix: str, suffix: str) -> dict[str, Any]:
    selector = {"type": "TextQuoteSelector", "exact": exact}
    if prefix:
        selector["prefix"] = prefix
    if suffix:
        selector["suffix"] = suffix
    return selector


def annotation_collection(bundle_id: str, annotations: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": f"urn:footnote:bundle:{bundle_id}:annotations",
        "type": "AnnotationCollection",
        "label": "Footnote claims and links",
        "total": len(annotations),
        "first": {"id": f"urn:footnote:bundle:{bundle_id}:page1", "type": "AnnotationPage", "startIndex": 0,
                  "items": annotations},
    }
