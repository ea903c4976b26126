"""Every LLM call, and every extraction, in the workspace's SQLite file.

The ledger is the cache: a call is keyed by the hash of model, prompt version, mode, schema
and the selected text, so a rerun with nothing changed makes no request. Failed calls are
recorded too, but are not answers, so a rerun tries them again.
"""

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from extract.records import Extraction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_calls (
    key TEXT PRIMARY KEY,
    work_id TEXT NOT NULL,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    mode TEXT NOT NULL,
    status TEXT NOT NULL,           -- ok | failed
    request TEXT NOT NULL,          -- the messages sent (no headers, no keys)
    response TEXT,                  -- the last raw completion
    answer TEXT,                    -- the validated answer, after dropped reuses
    dropped TEXT,                   -- reuses dropped for evidence not found, with reasons
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    latency_s REAL NOT NULL DEFAULT 0,
    cost_usd REAL,                  -- estimated; NULL when the model's price is unknown
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS extractions (
    work_id TEXT NOT NULL,
    extractor TEXT NOT NULL,        -- rules | llm | prefilter
    version TEXT NOT NULL,
    record TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (work_id, extractor, version)
);
"""


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


class Ledger:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(directory / "corpus.sqlite", timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    def answered(self, key: str) -> Call | None:
        row = self._db.execute(
            f"SELECT {', '.join(Call.__dataclass_fields__)} FROM llm_calls"
            " WHERE key = ? AND status = 'ok'",
            (key,),
        ).fetchone()
        return Call(*row) if row else None

    def record(self, call: Call) -> None:
        columns = list(Call.__dataclass_fields__)
        with self._db:
            self._db.execute(
                f"INSERT OR REPLACE INTO llm_calls ({', '.join(columns)}, created_at)"
                f" VALUES ({', '.join('?' * len(columns))}, ?)",
                [getattr(call, c) for c in columns] + [datetime.now(UTC).isoformat()],
            )

    def store_extraction(self, extraction: Extraction) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?)",
                (
                    extraction.work_id,
                    extraction.extractor,
                    extraction.extractor_version,
                    extraction.model_dump_json(),
                    datetime.now(UTC).isoformat(),
                ),
            )

    def costs(self) -> list[CostLine]:
        rows = self._db.execute(
            "SELECT model, count(*), sum(status = 'failed'), sum(input_tokens),"
            " sum(output_tokens), CASE WHEN count(cost_usd) = count(*) THEN sum(cost_usd) END,"
            " sum(latency_s) FROM llm_calls GROUP BY model ORDER BY model"
        ).fetchall()
        return [CostLine(*row) for row in rows]

    def dropped(self) -> list[tuple[str, list[dict[str, str]]]]:
        rows = self._db.execute(
            "SELECT work_id, dropped FROM llm_calls WHERE dropped IS NOT NULL AND dropped != '[]'"
        ).fetchall()
        return [(work_id, json.loads(dropped)) for work_id, dropped in rows]
