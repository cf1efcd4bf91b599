"""The drag payload of library items: rows dragged from the item list onto a sidebar collection.

Kept apart so the item list (which encodes) and the sidebar (which decodes)
agree on one format without depending on each other.
"""

from __future__ import annotations

import json
from typing import Iterable

from PySide6.QtCore import QByteArray, QMimeData

MIME_TYPE = "application/x-footnote-items"


def encode_items(items: Iterable[tuple[str, str]]) -> QMimeData:
    """``(item_type, id)`` pairs as a drag payload of :data:`MIME_TYPE`."""
    mime = QMimeData()
    payload = [{"type": kind, "id": item_id} for kind, item_id in items]
    mime.setData(MIME_TYPE, QByteArray(json.dumps(payload).encode("utf-8")))
    return mime


def decode_items(mime: QMimeData) -> list[tuple[str, str]]:
    """The ``(item_type, id)`` pairs of a drag payload; empty when it is not ours or is malformed."""
    if not mime.hasFormat(MIME_TYPE):
        return []
    try:
        payload = json.loads(bytes(mime.data(MIME_TYPE).data()).decode("utf-8"))
        return [(str(item["type"]), str(item["id"])) for item in payload
                if item.get("type") in ("article", "document") and item.get("id")]
    except (ValueError, TypeError, AttributeError, KeyError):
        return []
