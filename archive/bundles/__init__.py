"""Annotated bundles: a collection's documents, claims and links in one self-checking file.

A bundle is a BagIt bag (RFC 8493, made and checked with the ``bagit``
library) in a zip: the original files, ``catalog.json`` (Footnote's full
record, the authority for merging), ``annotations.jsonld`` (the same claims
and links as W3C Web Annotations, for other tools), a readable
``report.html`` and ``claims.csv`` for spreadsheets.
"""

BUNDLE_FORMAT = "footnote-bundle"
BUNDLE_VERSION = 1
BAG_FOLDER = "footnote-bundle"
