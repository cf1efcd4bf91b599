"""Index what an import writes as it writes it, in one commit at the end.

While the extraction workers read the PDFs, the import's own process mostly waits for them: adding
each document to an open index writer as it is written takes that work off the end of the import
(importing 24 small PDFs into the demo archive: 1.66 -> 1.57 s).  Only into an index that exists and
is sound: a new archive's first import, or one after the index was lost, rebuilds it at the end, from
the whole catalog at once.

A batch holds the index's write lock until it is finished: there is one writer per archive anyway
(the archive's lock), and in the desktop all archive work goes through one task runner.  Like
:meth:`archive.store.Archive.reindex`, a failure never fails the import: it is logged, and the index
is rebuilt at its next use.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable, Iterable

from archive.search.records import article_records, document_records

if TYPE_CHECKING:
    from archive.search.index import SearchIndex
    from archive.search.writing import FootnoteSegmentWriter
    from archive.store import Archive

log = logging.getLogger(__name__)


class IndexBatch:
    """An open index writer for one import: :meth:`add` as items are written, :meth:`finish` once."""

    def __init__(self, index: "SearchIndex", archive: "Archive", writer: "FootnoteSegmentWriter",
                 release: Callable[[], None]) -> None:
        self._index = index
        self._archive = archive
        self._writer: FootnoteSegmentWriter | None = writer
        self._release = release
        self._added: set[str] = set()

    def add(self, *, articles: Iterable[str] = (), documents: Iterable[str] = ()) -> None:
        """Index these (again): their records as the catalog has them now."""
        if self._writer is None:
            return
        articles = [key for key in dict.fromkeys(articles) if key not in self._added]
        documents = [key for key in dict.fromkeys(documents) if key not in self._added]
        if not (articles or documents):
            return
        try:
            for key in [*articles, *documents]:
                self._writer.delete_by_term("document", key)
            with self._archive.session() as session:
                for record in article_records(session, articles):
                    self._writer.add_document(**record)
                for record in document_records(session, documents):
                    self._writer.add_document(**record)
        except Exception:
            log.exception("search index update failed; it will be rebuilt")
            self._abandon()
            return
        self._added.update(articles)
        self._added.update(documents)

    def finish(self, *, articles: Iterable[str] = (), documents: Iterable[str] = ()) -> None:
        """Index these as well (the import's articles, once verified), then commit everything."""
        self.add(articles=articles, documents=documents)
        writer, self._writer = self._writer, None
        if writer is None:
            return
        try:
            writer.commit()
        except Exception:
            log.exception("search index update failed; it will be rebuilt")
            self._index.invalidate()
        finally:
            self._release()

    def _abandon(self) -> None:
        writer, self._writer = self._writer, None
        try:
            if writer is not None:
                writer.cancel()
        except Exception:
            log.exception("could not cancel the search index writer")
        finally:
            self._release()
            self._index.invalidate()


__all__ = ["IndexBatch"]
