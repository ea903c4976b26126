"""Extraction runs (an extractor with its version and settings), one stored outcome per
paper and run, and the graph builds."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from extract.records import ExtractionFailure, Outcome
from kg.workspace.database import Database, _masked_reason, _now

_OUTCOME: TypeAdapter[Outcome] = TypeAdapter(Outcome)


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


class Runs(Database):
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
