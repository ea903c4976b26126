"""Texts: each kept work's text (full text, abstract, or a corpus file's), where it came
from, and each full-text lookup with its raw XML."""

import hashlib
import json
import sqlite3
from collections.abc import Iterator, Sequence
from itertools import batched
from typing import TYPE_CHECKING, Any

from extract.records import Paper, PaperText, Work
from kg.workspace.database import Database, _masked, _now

if TYPE_CHECKING:
    from kg.sources.fulltext import Found
    from kg.workspace import Workspace


def text_sha(text: PaperText) -> str:
    """What a stored extraction was read from: a changed text means a new extraction."""
    return hashlib.sha256(text.model_dump_json().encode()).hexdigest()[:16]


def with_pmcid(
    raw: dict[str, Any], pmcid: str | None, versions: dict[str, int] | None = None
) -> dict[str, Any]:
    """The raw work with a PMCID mapped from its DOI (table pmcids) where OpenAlex gave none,
    so every service that reads `ids.pmcid` uses it; and, when the bucket's inventory gave
    the PMCID's latest version (table pmc_versions), that as `ids.pmc_version`."""
    if not isinstance(raw, dict):
        return raw
    ids = raw.get("ids")
    ids = ids if isinstance(ids, dict) else {}
    if pmcid and not ids.get("pmcid"):
        ids = {**ids, "pmcid": pmcid}
    number = str(ids.get("pmcid") or "").rstrip("/").rsplit("/", 1)[-1].upper()
    key = number if number.startswith("PMC") else f"PMC{number}"
    if versions and key in versions:
        ids = {**ids, "pmc_version": versions[key]}
    if ids:
        raw["ids"] = ids
    return raw


class Texts(Database):
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
            "SELECT w.record, w.raw, p.pmcid FROM works w LEFT JOIN texts t ON t.work_id = w.id"
            " LEFT JOIN fulltext f ON f.work_id = w.id LEFT JOIN pmcids p ON p.doi = w.doi"
            " WHERE w.record IS NOT NULL AND w.dropped IS NULL"
            " AND (t.text_source IS NULL OR t.text_source = 'abstract')"
            + missing
            + " ORDER BY w.id"
        )
        versions = dict(self._read("SELECT pmcid, version FROM pmc_versions"))
        for record, raw, pmcid in rows:
            yield Work.model_validate_json(record), with_pmcid(json.loads(raw), pmcid, versions)

    def store_found(self, found: "Found") -> None:
        """One work's full-text lookup, and its text when found, in one transaction."""
        self.store_founds([found])

    def store_founds(self, founds: Sequence["Found"]) -> None:
        """Several works' lookups (a bulk reader's batch) in one transaction."""
        with self._write() as db:
            for found in founds:
                db.execute(
                    "INSERT OR REPLACE INTO fulltext (work_id, status, service, url, http_status,"
                    " reason, xml, fetched_at, license, retracted) VALUES (?, ?, ?, ?, ?, ?, ?,"
                    " ?, ?, ?)",
                    (found.work_id, found.status, found.service, found.url, found.http_status,
                     _masked(found.reason), found.compressed(), _now(), found.license,
                     int(found.retracted)),
                )  # fmt: skip
                if found.text is not None and found.service:
                    self._upsert_text(db, found.text, found.url or found.service, found.service)

    def retracted(self) -> int:
        """Kept works whose full text a service marked retracted (kept, marked)."""
        return int(self._read("SELECT count(*) FROM fulltext WHERE retracted = 1")[0][0])

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


def papers(workspace: "Workspace", ids: Sequence[str] | None = None) -> Iterator[Paper]:
    """Kept works (all, or those of `ids`) with their stored texts (or just the title when
    none was found), read in chunks: the corpus is never in memory at once."""
    for chunk in batched(workspace.kept_works(ids), 100):  # full texts: ~0.3 MB each parsed
        texts = workspace.texts([w.id for w in chunk])
        for work in chunk:
            text = texts.get(work.id) or PaperText(work_id=work.id, title=work.title)
            yield Paper(work=work, text=text)
