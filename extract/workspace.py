"""The workspace's SQLite file: raw OpenAlex JSON with its request, parsed works and texts.

One file per workspace (`corpus.sqlite`, WAL). Upserts are idempotent, and what is stored is
never asked for again unless the caller says refresh. Each method is one transaction.
"""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extract.records import Paper, PaperText, Work

_SCHEMA = """
CREATE TABLE IF NOT EXISTS works (
    id TEXT PRIMARY KEY,
    doi TEXT,
    raw TEXT NOT NULL,          -- the OpenAlex work object as received
    request_url TEXT NOT NULL,  -- the request that returned it
    fetched_at TEXT NOT NULL,
    record TEXT,                -- the parsed Work (JSON), NULL when parsing failed
    failure TEXT,               -- why parsing failed
    dropped TEXT                -- why the study's filters dropped it, NULL when kept
);
CREATE INDEX IF NOT EXISTS works_doi ON works(doi);
CREATE TABLE IF NOT EXISTS texts (
    work_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,       -- jats | tei | abstract
    origin TEXT NOT NULL,       -- the file or URL it was read from
    record TEXT NOT NULL,       -- the PaperText (JSON)
    stored_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS searches (
    key TEXT PRIMARY KEY,       -- the query URL without paging
    next_cursor TEXT,           -- NULL once the search is exhausted
    fetched INTEGER NOT NULL DEFAULT 0,
    total INTEGER,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS missing_dois (doi TEXT PRIMARY KEY, checked_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    results INTEGER NOT NULL,
    at TEXT NOT NULL
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Search:
    key: str
    next_cursor: str | None
    fetched: int
    total: int | None


class Workspace:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "corpus.sqlite"
        self._db = sqlite3.connect(self.path)  # `with self._db:` = one transaction
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # --- works -------------------------------------------------------------------------

    def store_page(
        self,
        url: str,
        raw_works: list[dict[str, Any]],
        parsed: list[Work | str],
        search: Search | None = None,
    ) -> None:
        """One OpenAlex response: its works (parsed, or the reason parsing failed), the
        request log line, and the search's new cursor, in one transaction."""
        now = _now()
        with self._db:
            for raw, work in zip(raw_works, parsed, strict=True):
                record = work.model_dump_json() if isinstance(work, Work) else None
                failure = work if isinstance(work, str) else None
                self._db.execute(
                    "INSERT INTO works (id, doi, raw, request_url, fetched_at, record, failure)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET doi=excluded.doi,"
                    " raw=excluded.raw, request_url=excluded.request_url,"
                    " fetched_at=excluded.fetched_at, record=excluded.record,"
                    " failure=excluded.failure",
                    (
                        work.id if isinstance(work, Work) else str(raw.get("id")),
                        work.doi if isinstance(work, Work) else None,
                        json.dumps(raw, ensure_ascii=False),
                        url,
                        now,
                        record,
                        failure,
                    ),
                )
            self._db.execute(
                "INSERT INTO requests (url, results, at) VALUES (?, ?, ?)",
                (url, len(raw_works), now),
            )
            if search is not None:
                self._db.execute(
                    "INSERT INTO searches (key, next_cursor, fetched, total, updated_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                    " next_cursor=excluded.next_cursor, fetched=excluded.fetched,"
                    " total=excluded.total, updated_at=excluded.updated_at",
                    (search.key, search.next_cursor, search.fetched, search.total, now),
                )

    def search(self, key: str) -> Search | None:
        row = self._db.execute(
            "SELECT key, next_cursor, fetched, total FROM searches WHERE key = ?", (key,)
        ).fetchone()
        return Search(*row) if row else None

    def known_dois(self, dois: Iterable[str]) -> set[str]:
        """The DOIs already stored as works or already known to be missing from OpenAlex."""
        wanted = list(dois)
        known: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for table in ("works", "missing_dois"):
                rows = self._db.execute(
                    f"SELECT doi FROM {table} WHERE doi IN ({marks})", chunk
                ).fetchall()
                known.update(row[0] for row in rows)
        return known

    def mark_missing(self, dois: Iterable[str]) -> None:
        now = _now()
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO missing_dois (doi, checked_at) VALUES (?, ?)",
                [(doi, now) for doi in dois],
            )

    def set_dropped(self, decisions: dict[str, str | None]) -> None:
        with self._db:
            self._db.executemany(
                "UPDATE works SET dropped = ? WHERE id = ?",
                [(reason, work_id) for work_id, reason in decisions.items()],
            )

    def works(self, kept_only: bool = False) -> Iterator[tuple[Work, dict[str, Any]]]:
        """Parsed works with their raw JSON, in id order."""
        where = "record IS NOT NULL" + (" AND dropped IS NULL" if kept_only else "")
        for record, raw in self._db.execute(
            f"SELECT record, raw FROM works WHERE {where} ORDER BY id"
        ):
            yield Work.model_validate_json(record), json.loads(raw)

    def works_by_doi(self, dois: Iterable[str]) -> list[Work]:
        wanted = list(dict.fromkeys(dois))
        found: list[Work] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT record FROM works WHERE record IS NOT NULL AND doi IN ({marks})", chunk
            )
            found.extend(Work.model_validate_json(row[0]) for row in rows)
        return found

    def failures(self) -> list[tuple[str, str]]:
        return self._db.execute(
            "SELECT id, failure FROM works WHERE failure IS NOT NULL ORDER BY id"
        ).fetchall()

    def store_text(self, text: PaperText, origin: str) -> None:
        """Store a text; a full text is never replaced by an abstract."""
        with self._db:
            self._db.execute(
                "INSERT INTO texts (work_id, source, origin, record, stored_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT(work_id) DO UPDATE SET"
                " source=excluded.source, origin=excluded.origin, record=excluded.record,"
                " stored_at=excluded.stored_at"
                " WHERE excluded.source != 'abstract' OR texts.source = 'abstract'",
                (text.work_id, text.source, origin, text.model_dump_json(), _now()),
            )

    def text(self, work_id: str) -> PaperText | None:
        row = self._db.execute("SELECT record FROM texts WHERE work_id = ?", (work_id,)).fetchone()
        return PaperText.model_validate_json(row[0]) if row else None


def papers(workspace: Workspace) -> Iterator[Paper]:
    """Every kept work with its stored text (or just its title when none was found)."""
    for work, _ in workspace.works(kept_only=True):
        text = workspace.text(work.id) or PaperText(work_id=work.id, title=work.title)
        yield Paper(work=work, text=text)
