"""Offline full-text search over articles, claims, notes and source documents (whoosh).

The index is derived data: it lives in the archive's ``index/`` folder, carries
its own format version, and can always be rebuilt from the catalog.  Source
documents are indexed page by page (a tenth of the documents of indexing every
sentence, which keeps building and searching fast) and hits are then shown at
passage precision by locating the matched words among the page's sentences.
"""
