"""Works: what OpenAlex returned (and corpus files brought), the request log, search cursors
and DOIs known to be missing."""

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from extract.records import Work
from extract.secrets import mask
from kg.workspace.database import Database, _now


@dataclass(frozen=True)
class Search:
    key: str
    next_cursor: str | None
    fetched: int
    total: int | None


class Works(Database):
    def store_page(
        self,
        url: str,
        raw_works: list[Any],
        parsed: list[Work | str],
        search: Search | None = None,
    ) -> None:
        """One OpenAlex response: its works (parsed, or the reason parsing failed), the
        request log line, and the search's new cursor, in one transaction."""
        now = _now()
        with self._write() as db:
            for n, (raw, work) in enumerate(zip(raw_works, parsed, strict=True)):
                raw_id = raw.get("id") if isinstance(raw, dict) else None
                failed_id = f"{raw_id or f'result {n}'} of {url}"
                db.execute(
                    "INSERT INTO works (id, doi, raw, request_url, fetched_at, record, failure)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET doi=excluded.doi,"
                    " raw=excluded.raw, request_url=excluded.request_url,"
                    " fetched_at=excluded.fetched_at, record=excluded.record,"
                    " failure=excluded.failure",
                    (
                        work.id if isinstance(work, Work) else failed_id,
                        work.doi if isinstance(work, Work) else None,
                        json.dumps(raw, ensure_ascii=False),
                        url,
                        now,
                        work.model_dump_json() if isinstance(work, Work) else None,
                        None if isinstance(work, Work) else mask(work),
                    ),
                )
            db.execute(
                "INSERT INTO requests (url, results, at) VALUES (?, ?, ?)",
                (url, len(raw_works), now),
            )
            if search is not None:
                db.execute(
                    "INSERT INTO searches (key, next_cursor, fetched, total, updated_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                    " next_cursor=excluded.next_cursor, fetched=excluded.fetched,"
                    " total=excluded.total, updated_at=excluded.updated_at",
                    (search.key, search.next_cursor, search.fetched, search.total, now),
                )

    def import_works(self, works: Sequence[Work], origin: str) -> None:
        """Works from a corpus file, kept as they are (the file is the user's choice)."""
        now = _now()
        with self._write() as db:
            db.executemany(
                "INSERT INTO works (id, doi, raw, request_url, fetched_at, record)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET doi=excluded.doi,"
                " raw=excluded.raw, request_url=excluded.request_url,"
                " fetched_at=excluded.fetched_at, record=excluded.record, failure=NULL,"
                " dropped=NULL",
                [(w.id, w.doi, w.model_dump_json(), origin, now, w.model_dump_json())
                 for w in works],
            )  # fmt: skip

    def openalex_calls(self) -> dict[str, int]:
        """OpenAlex calls in the request log by what OpenAlex charges them as (the same rule
        as kg.sources.openalex_budget.call_kind: a search, a singleton under /works/, a list)."""
        rows = self._read(
            "SELECT CASE WHEN instr(substr(url, instr(url, '?')), 'search=') > 0"
            " AND instr(url, '?') > 0 THEN 'search'"
            " WHEN instr(CASE WHEN instr(url, '?') > 0 THEN substr(url, 1, instr(url, '?'))"
            " ELSE url END, '/works/') > 0 THEN 'singleton' ELSE 'list' END, count(*)"
            " FROM requests GROUP BY 1"
        )
        return dict(rows)

    def search(self, key: str) -> Search | None:
        rows = self._read(
            "SELECT key, next_cursor, fetched, total FROM searches WHERE key = ?", (key,)
        )
        return Search(*rows[0]) if rows else None

    def known_dois(self, dois: Iterable[str]) -> set[str]:
        """The DOIs already stored as works or already known to be missing from OpenAlex."""
        wanted = list(dois)
        known: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for table in ("works", "missing_dois"):
                rows = self._read(f"SELECT doi FROM {table} WHERE doi IN ({marks})", chunk)
                known.update(row[0] for row in rows)
        return known

    def mark_missing(self, dois: Iterable[str]) -> None:
        now = _now()
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO missing_dois (doi, checked_at) VALUES (?, ?)",
                [(doi, now) for doi in dois],
            )

    def set_dropped(self, decisions: dict[str, str | None]) -> None:
        with self._write() as db:
            db.executemany(
                "UPDATE works SET dropped = ? WHERE id = ?",
                [(reason, work_id) for work_id, reason in decisions.items()],
            )

    def works(self, kept_only: bool = False) -> Iterator[tuple[Work, dict[str, Any]]]:
        """Parsed works with their raw JSON, in id order."""
        where = "record IS NOT NULL" + (" AND dropped IS NULL" if kept_only else "")
        for _, record, raw in self._pages(f"SELECT id, record, raw FROM works WHERE {where}"):
            yield Work.model_validate_json(record), json.loads(raw)

    def _pages(self, select: str, size: int = 500) -> Iterator[Any]:
        """The rows of `select` (a SELECT of works whose first column is the id, with a WHERE
        clause) in id order, a page at a time. No statement stays open between pages: an
        open read would pin this connection to an old snapshot, and its next write would
        fail at once ("database is locked") whenever another process had written since."""
        last = ""
        while rows := self._read(f"{select} AND id > ? ORDER BY id LIMIT {size}", (last,)):
            yield from rows
            last = rows[-1][0]

    def count_kept(self) -> int:
        """How many works the study filters kept (counted by SQLite, nothing parsed)."""
        sql = "SELECT count(*) FROM works WHERE record IS NOT NULL AND dropped IS NULL"
        return int(self._read(sql)[0][0])

    def kept_by_origin(self, prefix: str) -> tuple[int, int]:
        """Kept works whose origin (request or corpus file) starts with `prefix`, and the
        others: how the demo's papers are told from a user's own."""
        sql = ("SELECT count(CASE WHEN request_url LIKE ? || '%' THEN 1 END), count(*) FROM works"
               " WHERE record IS NOT NULL AND dropped IS NULL")  # fmt: skip
        marked, total = self._read(sql, (prefix,))[0]
        return int(marked), int(total) - int(marked)

    def forget(self, prefix: str) -> int:
        """Remove the works (and their texts) whose origin starts with `prefix`."""
        with self._write() as db:
            db.execute("DELETE FROM texts WHERE work_id IN (SELECT id FROM works WHERE"
                       " request_url LIKE ? || '%')", (prefix,))  # fmt: skip
            gone = db.execute("DELETE FROM works WHERE request_url LIKE ? || '%'", (prefix,))
            return gone.rowcount

    def kept_works(self, ids: Sequence[str] | None = None) -> Iterator[Work]:
        """Kept works (all, or those of `ids`), in id order, read in chunks."""
        if ids is None:
            sql = "SELECT id, record FROM works WHERE record IS NOT NULL AND dropped IS NULL"
            for _, record in self._pages(sql):
                yield Work.model_validate_json(record)
            return
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._read(
                f"SELECT record FROM works WHERE record IS NOT NULL AND id IN ({marks})"
                " ORDER BY id",
                chunk,
            )
            yield from (Work.model_validate_json(r[0]) for r in rows)

    def works_by_doi(self, dois: Iterable[str]) -> list[Work]:
        wanted = list(dict.fromkeys(dois))
        found: list[Work] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._read(
                f"SELECT record FROM works WHERE record IS NOT NULL AND doi IN ({marks})", chunk
            )
            found.extend(Work.model_validate_json(row[0]) for row in rows)
        return found

    def failures(self) -> list[tuple[str, str]]:
        return [
            (row[0], row[1])
            for row in self._read("SELECT id, failure FROM works WHERE failure IS NOT NULL")
        ]
