"""The numbered migrations of a workspace's corpus.sqlite: a list that only grows.

Migration n (1-based) brings a file from schema n-1 to schema n (`PRAGMA user_version`).
Each runs in one IMMEDIATE transaction together with the version it sets, statement by
statement (never `executescript`, which commits on its own first), so a migration killed
half-way leaves the file at its old version, whole, and the next command runs it again. The
version is read again inside the transaction, so two commands opening one old workspace at
once migrate it once. A file of a newer schema than this ptm-kg knows is refused.
"""

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from extract.errors import WorkspaceUnusable

# Version 1 is the schema ptm-kg 0.1 created (tables made with IF NOT EXISTS, user_version 0).
V1 = """
CREATE TABLE IF NOT EXISTS works (
    id TEXT PRIMARY KEY, doi TEXT,
    raw TEXT NOT NULL,          -- the OpenAlex work object (or corpus line's work) as received
    request_url TEXT NOT NULL,  -- the request (or corpus file) that returned it
    fetched_at TEXT NOT NULL,
    record TEXT,                -- the parsed Work (JSON), NULL when parsing failed
    failure TEXT,               -- why parsing failed
    dropped TEXT                -- why the study's filters dropped it, NULL when kept
);
CREATE INDEX IF NOT EXISTS works_doi ON works(doi);
CREATE TABLE IF NOT EXISTS texts (
    work_id TEXT PRIMARY KEY, source TEXT NOT NULL, origin TEXT NOT NULL,
    record TEXT NOT NULL, stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS searches (
    key TEXT PRIMARY KEY, next_cursor TEXT, fetched INTEGER NOT NULL DEFAULT 0, total INTEGER,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS missing_dois (doi TEXT PRIMARY KEY, checked_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL, results INTEGER NOT NULL, at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS llm_calls (
    key TEXT PRIMARY KEY, work_id TEXT NOT NULL, model TEXT NOT NULL,
    prompt_version TEXT NOT NULL, mode TEXT NOT NULL,
    status TEXT NOT NULL,           -- ok | failed
    request TEXT NOT NULL,          -- the messages sent (no headers, no keys)
    response TEXT, answer TEXT, dropped TEXT, error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1, input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0, latency_s REAL NOT NULL DEFAULT 0,
    cost_usd REAL, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS extractions (
    work_id TEXT NOT NULL, extractor TEXT NOT NULL, version TEXT NOT NULL,
    record TEXT NOT NULL, stored_at TEXT NOT NULL, PRIMARY KEY (work_id, extractor, version)
);
"""
# Version 2: extraction runs with their settings, one outcome per paper and run (failures
# too), and graph builds.
_V2 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    extractor TEXT NOT NULL,        -- rules | llm
    version TEXT NOT NULL,          -- rules version or prompt version
    settings TEXT NOT NULL,         -- JSON: model, mode, budget...
    key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    used_at TEXT NOT NULL
);
ALTER TABLE extractions RENAME TO extractions_v1;
CREATE TABLE extractions (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    work_id TEXT NOT NULL,
    status TEXT NOT NULL,           -- extracted | failed
    text_sha TEXT,                  -- the text it was read from; NULL when unknown
    record TEXT NOT NULL,           -- the Extraction or ExtractionFailure (JSON)
    stored_at TEXT NOT NULL,
    PRIMARY KEY (run_id, work_id)
);
CREATE TABLE builds (
    id INTEGER PRIMARY KEY,
    store TEXT NOT NULL,            -- which graph: "embedded FalkorDB at ...", "Neo4j at ..."
    mode TEXT NOT NULL,             -- load | rebuild | demo
    run_id INTEGER,
    extractor TEXT,
    started_at TEXT NOT NULL,
    completed_at TEXT,              -- NULL: the build did not complete
    papers INTEGER, failed INTEGER, counts TEXT
);
"""
# Version 3: full text from the open-access web, and where each stored text came from.
_V3 = """
CREATE TABLE fulltext (
    work_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,           -- fulltext | not_oa | not_found | failed
    source TEXT,                    -- europepmc | plos | biorxiv | medrxiv (v4: service)
    url TEXT,
    http_status INTEGER,
    reason TEXT,                    -- why it failed
    xml BLOB,                       -- the raw XML as received, zlib-compressed
    fetched_at TEXT NOT NULL
);
ALTER TABLE texts ADD COLUMN text_source TEXT;
UPDATE texts SET text_source = CASE source WHEN 'abstract' THEN 'abstract'
    WHEN 'corpus' THEN 'corpus' ELSE 'archive' END;
"""

# Version 4: one meaning per name. The ledger's `prompt_version` becomes `extractor_version`
# (the name runs and extractions use), and a full-text lookup's `source` becomes `service`
# (the service that found the text; `texts.source` stays the text's XML format).
_V4 = """
ALTER TABLE llm_calls RENAME COLUMN prompt_version TO extractor_version;
ALTER TABLE fulltext RENAME COLUMN source TO service;
"""

# Version 5: full text at bulk speed. A lookup records the text's licence and whether the
# paper is retracted (PMC's metadata JSON says both: a retracted paper is kept and marked);
# DOIs mapped to PMCIDs (from Europe PMC's mapping file or the ID Converter; a NULL pmcid is
# a DOI known to have none); each PMCID's latest version from the bucket's inventory (one GET
# a paper saved); and the bulk packages read to the end, so a killed run resumes.
_V5 = """
ALTER TABLE fulltext ADD COLUMN license TEXT;
ALTER TABLE fulltext ADD COLUMN retracted INTEGER NOT NULL DEFAULT 0;
CREATE TABLE pmcids (
    doi TEXT PRIMARY KEY,
    pmcid TEXT,                     -- NULL: the mapping knows no PMCID for this DOI
    origin TEXT NOT NULL,           -- the mapping file, or the ID Converter
    mapped_at TEXT NOT NULL
);
CREATE TABLE pmc_versions (
    pmcid TEXT PRIMARY KEY,
    version INTEGER NOT NULL,       -- the latest version the inventory lists
    inventory TEXT NOT NULL         -- which daily inventory said so
);
CREATE TABLE bulk_packages (
    path TEXT PRIMARY KEY,          -- the package as given (absolute)
    size INTEGER NOT NULL,          -- with mtime_ns: the same file, unchanged
    mtime_ns INTEGER NOT NULL,
    kind TEXT NOT NULL,             -- europepmc-dump | pmc-oa-bulk | allofplos | meca
    articles INTEGER NOT NULL,      -- articles in it
    stored INTEGER NOT NULL,        -- full texts stored from it
    failed INTEGER NOT NULL,
    read_at TEXT NOT NULL
);
"""

# Version 6: the LLM ledger keyed by what answered, and the provider batches (touching
# only the ledger's tables, so that it applies in any order with others): each call's
# endpoint identity (base URL and the weights the probe reported) and the batch that
# answered it; a batch between upload and download, so that an interrupted run resumes it.
_LLM_ENDPOINT = """
ALTER TABLE llm_calls ADD COLUMN endpoint TEXT;
ALTER TABLE llm_calls ADD COLUMN batch_id TEXT;
CREATE TABLE IF NOT EXISTS llm_batches (
    id TEXT PRIMARY KEY,            -- the provider's batch id
    input_file_id TEXT NOT NULL,
    endpoint TEXT NOT NULL,         -- what will answer (identity)
    model TEXT NOT NULL,
    status TEXT NOT NULL,           -- the provider's: validating, in_progress, completed...
    requests TEXT NOT NULL,         -- JSON: custom_id (the ledger key) -> work id
    created_at TEXT NOT NULL,
    stored_at TEXT                  -- NULL until its results are in the ledger
);
"""


def _migrate_llm_endpoint(db: sqlite3.Connection) -> None:
    run_script(db, _LLM_ENDPOINT)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_script(db: sqlite3.Connection, script: str) -> None:
    """Run `script` one statement at a time inside the caller's transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in a migration: {statement.strip()[:80]}")


def _migrate_v2(db: sqlite3.Connection) -> None:
    run_script(db, _V2)
    now = _now()
    old = db.execute("SELECT work_id, extractor, version, record, stored_at FROM extractions_v1")
    for work_id, extractor, version, record, stored_at in old.fetchall():
        name = "rules" if extractor == "rules" else "llm"  # prefilter decisions belong to llm
        settings = json.dumps({"migrated_from": "ptm-kg 0.1"})
        db.execute(
            "INSERT OR IGNORE INTO runs (extractor, version, settings, key, created_at, used_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, version, settings, f"{name}|{version}|migrated", now, now),
        )
        (run_id,) = db.execute(
            "SELECT id FROM runs WHERE key = ?", (f"{name}|{version}|migrated",)
        ).fetchone()
        db.execute(
            "INSERT OR REPLACE INTO extractions VALUES (?, ?, 'extracted', NULL, ?, ?)",
            (run_id, work_id, record, stored_at),
        )
    db.execute("DROP TABLE extractions_v1")


Migration = Callable[[sqlite3.Connection], None]
MIGRATIONS: list[Migration] = [
    lambda db: run_script(db, V1),
    _migrate_v2,
    lambda db: run_script(db, _V3),
    lambda db: run_script(db, _V4),
    lambda db: run_script(db, _V5),
    _migrate_llm_endpoint,
]
SCHEMA_VERSION = len(MIGRATIONS)


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def refuse_newer(db: sqlite3.Connection, path: Path) -> None:
    """One line when the file's schema is newer than this ptm-kg knows; call it before
    anything changes the file (even its journal mode)."""
    _refuse_newer(_version(db), path)


def _refuse_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise WorkspaceUnusable(
            f"workspace {path} was made by a newer ptm-kg (schema {version}); upgrade ptm-kg "
            f"(this one reads schema {SCHEMA_VERSION} and older), or set KG_WORKSPACE to "
            "another directory"
        )


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the open file `path` up to SCHEMA_VERSION, one atomic migration at a time."""
    _refuse_newer(_version(db), path)
    while _version(db) < SCHEMA_VERSION:
        db.execute("BEGIN IMMEDIATE")  # waits (busy timeout) for another writer to finish
        try:
            version = _version(db)  # another command may have migrated meanwhile
            _refuse_newer(version, path)
            if version < SCHEMA_VERSION:
                MIGRATIONS[version](db)
                db.execute(f"PRAGMA user_version = {version + 1}")
            db.commit()
        except BaseException:
            db.rollback()
            raise
