"""The catalog's schema version and its upgrade steps.

The version lives in SQLite's ``user_version``.  Each step moves the schema up
by one version with explicit SQL, so that an archive written by any earlier
Footnote can be brought forward.  All pending steps run in one transaction,
after a backup copy of the database is taken: either the archive ends at the
new version, or it is exactly as it was.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from archive.errors import SchemaTooNew, UpgradeFailed


@dataclass(frozen=True)
class Step:
    """Upgrade from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[sqlite3.Connection], None]


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    """A step that runs the statements of ``sql`` (separated by ";" at line ends) in order."""

    def run(db: sqlite3.Connection) -> None:
        for statement in sql.split(";\n"):
            if statement.strip():
                db.execute(statement)

    return run


V1_SQL = """
CREATE TABLE stored_file (
    sha256 VARCHAR(64) NOT NULL PRIMARY KEY,
    size INTEGER NOT NULL,
    media_type VARCHAR NOT NULL,
    original_name VARCHAR NOT NULL,
    added_at DATETIME NOT NULL
);
CREATE TABLE article (
    id VARCHAR NOT NULL PRIMARY KEY,
    file_sha256 VARCHAR NOT NULL REFERENCES stored_file (sha256),
    format VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    summary VARCHAR NOT NULL,
    published DATETIME,
    category VARCHAR,
    text VARCHAR NOT NULL,
    imported_at DATETIME NOT NULL
);
CREATE INDEX ix_article_file_sha256 ON article (file_sha256);
CREATE TABLE article_section (
    id INTEGER NOT NULL PRIMARY KEY,
    article_id VARCHAR NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    start INTEGER NOT NULL
);
CREATE INDEX ix_article_section_article_id ON article_section (article_id);
CREATE TABLE cross_reference (
    id INTEGER NOT NULL PRIMARY KEY,
    article_id VARCHAR NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title VARCHAR NOT NULL
);
CREATE INDEX ix_cross_reference_article_id ON cross_reference (article_id);
CREATE TABLE import_warning (
    id INTEGER NOT NULL PRIMARY KEY,
    article_id VARCHAR NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    message VARCHAR NOT NULL
);
CREATE INDEX ix_import_warning_article_id ON import_warning (article_id);
CREATE TABLE source_entry (
    id INTEGER NOT NULL PRIMARY KEY,
    article_id VARCHAR NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    title VARCHAR NOT NULL,
    publisher VARCHAR,
    cited BOOLEAN NOT NULL,
    UNIQUE (article_id, number)
);
CREATE INDEX ix_source_entry_article_id ON source_entry (article_id);
CREATE TABLE claim (
    id VARCHAR NOT NULL PRIMARY KEY,
    article_id VARCHAR NOT NULL REFERENCES article (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text VARCHAR NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    CHECK (start >= 0 AND "end" >= start)
);
CREATE INDEX ix_claim_article_id ON claim (article_id);
CREATE TABLE citation (
    id INTEGER NOT NULL PRIMARY KEY,
    claim_id VARCHAR NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    source_number INTEGER NOT NULL,
    sentences JSON NOT NULL
);
CREATE INDEX ix_citation_claim_id ON citation (claim_id)
"""

V2_SQL = """
CREATE TABLE document (
    id VARCHAR NOT NULL PRIMARY KEY,
    file_sha256 VARCHAR NOT NULL REFERENCES stored_file (sha256),
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    author VARCHAR,
    publisher VARCHAR,
    published DATETIME,
    url VARCHAR,
    page_count INTEGER NOT NULL,
    status VARCHAR NOT NULL,
    status_detail VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    imported_at DATETIME NOT NULL,
    extracted_at DATETIME NOT NULL
);
CREATE INDEX ix_document_file_sha256 ON document (file_sha256);
CREATE TABLE document_page (
    id INTEGER NOT NULL PRIMARY KEY,
    document_id VARCHAR NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    width FLOAT NOT NULL,
    height FLOAT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    words BLOB NOT NULL
);
CREATE INDEX ix_document_page_document_id ON document_page (document_id);
CREATE TABLE passage (
    id INTEGER NOT NULL PRIMARY KEY,
    document_id VARCHAR NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    page INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    rects JSON NOT NULL
);
CREATE INDEX ix_passage_document_id ON passage (document_id);
CREATE TABLE link (
    id VARCHAR NOT NULL PRIMARY KEY,
    claim_id VARCHAR NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
    document_id VARCHAR NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    source_number INTEGER,
    page INTEGER,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    exact VARCHAR NOT NULL,
    prefix VARCHAR NOT NULL,
    suffix VARCHAR NOT NULL,
    rects JSON NOT NULL,
    score FLOAT NOT NULL,
    coverage FLOAT NOT NULL,
    verdict VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    relation VARCHAR NOT NULL,
    decision VARCHAR,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL
);
CREATE INDEX ix_link_claim_id ON link (claim_id);
CREATE INDEX ix_link_document_id ON link (document_id);
ALTER TABLE source_entry ADD COLUMN document_id VARCHAR REFERENCES document (id) ON DELETE SET NULL;
ALTER TABLE source_entry ADD COLUMN attached_by VARCHAR;
CREATE INDEX ix_source_entry_document_id ON source_entry (document_id);
ALTER TABLE claim ADD COLUMN user_status VARCHAR
"""


V3_SQL = """
ALTER TABLE claim ADD COLUMN note VARCHAR NOT NULL DEFAULT '';
CREATE TABLE claim_tag (
    claim_id VARCHAR NOT NULL REFERENCES claim (id) ON DELETE CASCADE,
    tag VARCHAR NOT NULL,
    PRIMARY KEY (claim_id, tag)
);
CREATE INDEX ix_claim_tag_tag ON claim_tag (tag);
CREATE TABLE meta (
    "key" VARCHAR NOT NULL PRIMARY KEY,
    value VARCHAR NOT NULL
)
"""

V4_SQL = """
CREATE TABLE collection (
    id VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL UNIQUE,
    created_at DATETIME NOT NULL
);
CREATE TABLE collection_item (
    collection_id VARCHAR NOT NULL REFERENCES collection (id) ON DELETE CASCADE,
    item_id VARCHAR NOT NULL,
    item_type VARCHAR NOT NULL,
    added_at DATETIME NOT NULL,
    PRIMARY KEY (collection_id, item_id)
);
CREATE INDEX ix_collection_item_item_id ON collection_item (item_id)
"""

V5_SQL = """
CREATE TABLE annotation_history (
    id INTEGER NOT NULL PRIMARY KEY,
    item_type VARCHAR NOT NULL,
    item_id VARCHAR NOT NULL,
    data JSON NOT NULL,
    reason VARCHAR NOT NULL,
    recorded_at DATETIME NOT NULL
);
CREATE INDEX ix_annotation_history_item_id ON annotation_history (item_id)
"""

V6_SQL = """
CREATE INDEX ix_article_listing ON article (published DESC, title, id);
CREATE INDEX ix_document_listing ON document (title COLLATE NOCASE, id);
CREATE INDEX ix_document_status ON document (status);
CREATE INDEX ix_claim_article_status ON claim (article_id, status, user_status)
"""

STEPS: tuple[Step, ...] = (
    Step(1, "catalog of files, articles, sources, claims and citations", _script(V1_SQL)),
    Step(2, "source documents, pages, passages, links; sources attach to documents", _script(V2_SQL)),
    Step(3, "notes and tags on claims; a key-value table for archive settings", _script(V3_SQL)),
    Step(4, "collections of articles and documents", _script(V4_SQL)),
    Step(5, "history of annotations replaced when bundles merge", _script(V5_SQL)),
    Step(6, "indexes for the library's paged lists on large archives", _script(V6_SQL)),
)

CURRENT_VERSION = STEPS[-1].version


def read_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def pending_steps(found: int, steps: Sequence[Step] = STEPS) -> list[Step]:
    """The steps still to run on a database at version ``found``; refuses newer ones."""
    latest = steps[-1].version
    if found > latest:
        raise SchemaTooNew(found, latest)
    return [step for step in steps if step.version > found]


def upgrade(database: Path, backups: Path, steps: Sequence[Step] = STEPS) -> int | None:
    """Bring ``database`` to the newest version; return the old version if it changed.

    A non-empty database gets a backup copy (SQLite's backup API, consistent
    even in WAL mode) before anything is touched.  The steps run in a single
    transaction: a failing step rolls the whole upgrade back.
    """
    db = sqlite3.connect(database, isolation_level=None)
    try:
        found = read_version(db)
        todo = pending_steps(found, steps)
        if not todo:
            return None
        if found > 0:  # checked before it is kept, and rotated with the other backups
            from archive.backups import UPGRADE, backup_database

            backup_database(database, backups, UPGRADE, prefix=f"archive-v{found}", connection=db)
        db.execute("PRAGMA foreign_keys = OFF")  # steps may rebuild tables
        db.execute("BEGIN IMMEDIATE")
        try:
            for step in todo:
                step.apply(db)
                db.execute(f"PRAGMA user_version = {int(step.version)}")
            problems = db.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise UpgradeFailed(f"upgrade left {len(problems)} broken references")
            db.execute("COMMIT")
        except Exception as error:
            db.execute("ROLLBACK")
            if isinstance(error, UpgradeFailed):
                raise
            raise UpgradeFailed(
                f"could not upgrade the archive from schema version {found} to "
                f"{todo[-1].version} ({error}); it was left unchanged"
            ) from error
        return found
    finally:
        db.close()


def backup_copy(db: sqlite3.Connection, target: Path) -> Path:
    """Copy a live database to ``target`` with SQLite's online backup API."""
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(target)
    try:
        db.backup(copy)
    finally:
        copy.close()
    return target
