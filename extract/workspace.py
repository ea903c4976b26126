"""The workspace's SQLite file, `corpus.sqlite`: everything a graph is built from.

One class over one file (WAL): OpenAlex works with the request that returned them, texts,
search cursors, the LLM ledger (every call, keyed so that a rerun makes no request), the
extraction runs with one stored outcome per paper and run, and the graph builds. The schema
has numbered migrations (`PRAGMA user_version`, in extract/migrations.py), so a workspace made
by an older ptm-kg opens and is brought up to date, and one made by a newer ptm-kg is refused.
Each write is one transaction; SQLite and file-system errors become one `WorkspaceUnusable`
line that says what to do.
"""

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import batched
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import TypeAdapter

from extract.errors import WorkspaceUnusable
from extract.migrations import migrate, refuse_newer
from extract.records import ExtractionFailure, Outcome, Paper, PaperText, Work
from extract.secrets import mask

_OUTCOME: TypeAdapter[Outcome] = TypeAdapter(Outcome)

if TYPE_CHECKING:
    from extract.oa_fulltext import Found


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def text_sha(text: PaperText) -> str:
    """What a stored extraction was read from: a changed text means a new extraction."""
    return hashlib.sha256(text.model_dump_json().encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Search:
    key: str
    next_cursor: str | None
    fetched: int
    total: int | None


@dataclass(frozen=True)
class Run:
    id: int
    extractor: str
    version: str
    settings: dict[str, Any]


@dataclass(frozen=True)
class Build:
    id: int
    store: str
    mode: str
    extractor: str | None
    started_at: str
    completed_at: str | None
    papers: int | None
    failed: int | None


@dataclass(frozen=True)
class Call:
    key: str
    work_id: str
    model: str
    prompt_version: str
    mode: str
    status: str
    request: str
    response: str | None = None
    answer: str | None = None
    dropped: str | None = None
    error: str | None = None
    attempts: int = 1
    input_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float | None = None


@dataclass(frozen=True)
class CostLine:
    model: str
    calls: int
    failed: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    seconds: float


_BUSY_S = 60  # how long a write waits for another process's write to finish


def _no_space(path: Path) -> bool:
    """Is the disk holding `path` (a file or directory) full, or nearly (under 1 MiB)?"""
    try:
        disk = os.statvfs(path if path.is_dir() else path.parent)
    except OSError:
        return False
    return disk.f_bavail * disk.f_frsize < 1 << 20


def _unusable(path: Path, error: BaseException) -> WorkspaceUnusable:
    text = str(error)
    if "disk I/O error" in text and _no_space(path):  # SQLite's word for a failed shm/wal
        text = f"disk full ({text})"
    if "disk is full" in text or "disk full" in text or getattr(error, "errno", None) == 28:
        hint = "free some disk space (or set KG_WORKSPACE elsewhere) and run the command again"
    elif "readonly" in text or "read-only" in text or getattr(error, "errno", None) in (13, 30):
        hint = "the workspace is not writable: fix its permissions or set KG_WORKSPACE"
    elif "locked" in text or "busy" in text:
        hint = (f"another kg command kept it busy for over {_BUSY_S} s: let it finish (or "
                "stop it) and run this one again")  # fmt: skip
    elif "not a database" in text or "malformed" in text:
        hint = "the file is damaged: move it aside and run `kg fetch` / `kg load` again"
    else:
        hint = "check KG_WORKSPACE"
    return WorkspaceUnusable(f"workspace {path}: {text}; {hint}")


def _masked(text: str | None) -> str | None:
    return None if text is None else mask(text)


def _masked_reason(outcome: Outcome) -> Outcome:
    """A failure's reason may quote an endpoint's error text: masked before it is stored."""
    if isinstance(outcome, ExtractionFailure):
        return outcome.model_copy(update={"reason": mask(outcome.reason)})
    return outcome


class Workspace:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "corpus.sqlite"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if not directory.is_dir():
                raise NotADirectoryError(f"{directory} is a file, not a directory")
            self._db = sqlite3.connect(self.path, timeout=_BUSY_S)  # `with self._db:` = one tx
            refuse_newer(self._db, self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate(self._db, self.path)
        except (OSError, sqlite3.Error) as error:
            where = self.path if directory.is_dir() else directory
            raise _unusable(where, error) from error

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; a full disk or a read-only file is one clear error. It takes the
        write lock first (IMMEDIATE), so while another process writes it waits (up to the
        busy timeout) instead of failing half-way."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            with self._db:
                yield self._db
        except sqlite3.Error as error:
            raise _unusable(self.path, error) from error

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as error:
            raise _unusable(self.path, error) from error

    # --- works and texts ---------------------------------------------------------------

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
        as extract.openalex_budget.call_kind: a search, a singleton under /works/, a list)."""
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

    def import_texts(self, texts: Sequence[PaperText], origin: str) -> None:
        """Texts from a corpus file: the file is the user's choice, so it replaces."""
        now = _now()
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO texts (work_id, source, origin, record, stored_at,"
                " text_source) VALUES (?, ?, ?, ?, ?, 'corpus')",
                [(t.work_id, t.source, origin, t.model_dump_json(), now) for t in texts],
            )

    def store_text(self, text: PaperText, origin: str, text_source: str) -> None:
        """Store a text read from `text_source` (archive, europepmc, plos, biorxiv, medrxiv,
        abstract); a full text is never replaced by an abstract."""
        with self._write() as db:
            self._upsert_text(db, text, origin, text_source)

    @staticmethod
    def _upsert_text(db: sqlite3.Connection, text: PaperText, origin: str, where: str) -> None:
        db.execute(
            "INSERT INTO texts (work_id, source, origin, record, stored_at, text_source)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(work_id) DO UPDATE SET"
            " source=excluded.source, origin=excluded.origin, record=excluded.record,"
            " stored_at=excluded.stored_at, text_source=excluded.text_source"
            " WHERE excluded.source != 'abstract' OR texts.source = 'abstract'",
            (text.work_id, text.source, origin, text.model_dump_json(), _now(), where),
        )

    def fulltext_todo(self, refresh: bool = False) -> Iterator[tuple[Work, dict[str, Any]]]:
        """Kept works with no full text yet, not already known to be missing (unless
        `refresh`); a failed lookup is always tried again."""
        missing = "" if refresh else " AND (f.status IS NULL OR f.status = 'failed')"
        rows = self._read(
            "SELECT w.record, w.raw FROM works w LEFT JOIN texts t ON t.work_id = w.id"
            " LEFT JOIN fulltext f ON f.work_id = w.id"
            " WHERE w.record IS NOT NULL AND w.dropped IS NULL"
            " AND (t.text_source IS NULL OR t.text_source = 'abstract')"
            + missing
            + " ORDER BY w.id"
        )
        for record, raw in rows:
            yield Work.model_validate_json(record), json.loads(raw)

    def store_found(self, found: "Found") -> None:
        """One work's full-text lookup, and its text when found, in one transaction."""
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO fulltext VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (found.work_id, found.status, found.source, found.url, found.http_status,
                 _masked(found.reason), found.compressed(), _now()),
            )  # fmt: skip
            if found.text is not None and found.source:
                self._upsert_text(db, found.text, found.url or found.source, found.source)

    def coverage(self) -> dict[str, int]:
        """Kept works by where their text came from, and, for the rest, why not."""
        rows = self._read(
            "SELECT CASE WHEN t.text_source IS NOT NULL AND t.text_source != 'abstract'"
            " THEN t.text_source ELSE coalesce(t.text_source, 'nothing') ||"
            " coalesce(' (full text ' || replace(f.status, '_', ' ') || ')', '') END,"
            " count(*) FROM works w LEFT JOIN texts t ON t.work_id = w.id"
            " LEFT JOIN fulltext f ON f.work_id = w.id"
            " WHERE w.record IS NOT NULL AND w.dropped IS NULL GROUP BY 1 ORDER BY 2 DESC"
        )
        return dict(rows)

    def text_sources(self, ids: Sequence[str]) -> dict[str, str]:
        """Where each stored text of `ids` came from."""
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._read(
                f"SELECT work_id, text_source FROM texts WHERE work_id IN ({marks})", chunk
            )
            found.update({work_id: source for work_id, source in rows if source})
        return found

    def texts(self, ids: Sequence[str]) -> dict[str, PaperText]:
        marks = ",".join("?" * len(ids))
        rows = self._read(f"SELECT work_id, record FROM texts WHERE work_id IN ({marks})", ids)
        return {work_id: PaperText.model_validate_json(record) for work_id, record in rows}

    def text(self, work_id: str) -> PaperText | None:
        rows = self._read("SELECT record FROM texts WHERE work_id = ?", (work_id,))
        return PaperText.model_validate_json(rows[0][0]) if rows else None

    # --- the LLM ledger ----------------------------------------------------------------

    def answered(self, key: str) -> Call | None:
        rows = self._read(
            f"SELECT {', '.join(Call.__dataclass_fields__)} FROM llm_calls"
            " WHERE key = ? AND status = 'ok'",
            (key,),
        )
        return Call(*rows[0]) if rows else None

    def record_call(self, call: Call) -> None:
        """One call in the ledger; a failed call's error text is masked (an endpoint may
        echo the key it was sent)."""
        if call.status != "ok":
            call = replace(call, error=_masked(call.error), response=_masked(call.response))
        columns = list(Call.__dataclass_fields__)
        with self._write() as db:
            db.execute(
                f"INSERT OR REPLACE INTO llm_calls ({', '.join(columns)}, created_at)"
                f" VALUES ({', '.join('?' * len(columns))}, ?)",
                [getattr(call, c) for c in columns] + [_now()],
            )

    def costs(self) -> list[CostLine]:
        rows = self._read(
            "SELECT model, count(*), sum(status = 'failed'), sum(input_tokens),"
            " sum(output_tokens), CASE WHEN count(cost_usd) = count(*) THEN sum(cost_usd) END,"
            " sum(latency_s) FROM llm_calls GROUP BY model ORDER BY model"
        )
        return [CostLine(*row) for row in rows]

    def dropped(self) -> list[tuple[str, list[dict[str, str]]]]:
        """Reuses dropped from LLM answers for evidence not found, by paper."""
        rows = self._read(
            "SELECT work_id, dropped FROM llm_calls WHERE dropped IS NOT NULL AND dropped != '[]'"
        )
        return [(work_id, json.loads(dropped)) for work_id, dropped in rows]

    # --- extraction runs and their outcomes -------------------------------------------

    def run_for(self, extractor: str, version: str, settings: dict[str, Any]) -> Run:
        """The run with these settings, made on first use."""
        material = json.dumps(settings, sort_keys=True)
        key = f"{extractor}|{version}|{material}"
        now = _now()
        with self._write() as db:
            db.execute(
                "INSERT INTO runs (extractor, version, settings, key, created_at, used_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET used_at=excluded.used_at",
                (extractor, version, material, key, now, now),
            )
        (run_id,) = self._read("SELECT id FROM runs WHERE key = ?", (key,))[0]
        return Run(run_id, extractor, version, settings)

    def latest_run(self, extractor: str) -> Run | None:
        """The run of this extractor used last (by `kg extract` or `kg load`)."""
        rows = self._read(
            "SELECT id, extractor, version, settings FROM runs WHERE extractor = ?"
            " ORDER BY used_at DESC, id DESC LIMIT 1",
            (extractor,),
        )
        if not rows:
            return None
        run_id, name, version, settings = rows[0]
        return Run(run_id, name, version, json.loads(settings))

    def store_outcomes(self, run: Run, outcomes: Sequence[tuple[Outcome, str | None]]) -> None:
        """Outcomes of `run` with the sha of the text each was read from, one transaction."""
        now = _now()
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?, ?)",
                [(run.id, o.work_id, "failed" if isinstance(o, ExtractionFailure) else "extracted",
                  sha, _masked_reason(o).model_dump_json(), now) for o, sha in outcomes],
            )  # fmt: skip

    def outcomes(self, run: Run, ids: Sequence[str]) -> dict[str, tuple[Outcome, str | None]]:
        """The stored outcome of each of `ids` that has one, with the text it was read from."""
        found: dict[str, tuple[Outcome, str | None]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._read(
                f"SELECT work_id, record, text_sha FROM extractions WHERE run_id = ?"
                f" AND work_id IN ({marks})",
                [run.id, *chunk],
            )
            for work_id, record, sha in rows:
                found[work_id] = (_OUTCOME.validate_json(record), sha)
        return found

    # --- graph builds ------------------------------------------------------------------

    def start_build(self, store: str, mode: str, run: Run | None) -> int:
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO builds (store, mode, run_id, extractor, started_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (store, mode, run.id if run else None, run.extractor if run else None, _now()),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def finish_build(self, build_id: int, papers: int, failed: int, counts: dict[str, int]) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE builds SET completed_at = ?, papers = ?, failed = ?, counts = ?"
                " WHERE id = ?",
                (_now(), papers, failed, json.dumps(counts), build_id),
            )

    def last_build(self, store: str | None = None) -> Build | None:
        """The latest build of the graph `store` names (of any graph when None)."""
        rows = self._read(
            "SELECT id, store, mode, extractor, started_at, completed_at, papers, failed"
            " FROM builds WHERE ? IS NULL OR store = ? ORDER BY id DESC LIMIT 1",
            (store, store),
        )
        return Build(*rows[0]) if rows else None


def papers(workspace: Workspace, ids: Sequence[str] | None = None) -> Iterator[Paper]:
    """Kept works (all, or those of `ids`) with their stored texts (or just the title when
    none was found), read in chunks: the corpus is never in memory at once."""
    for chunk in batched(workspace.kept_works(ids), 100):  # full texts: ~0.3 MB each parsed
        texts = workspace.texts([w.id for w in chunk])
        for work in chunk:
            text = texts.get(work.id) or PaperText(work_id=work.id, title=work.title)
            yield Paper(work=work, text=text)
