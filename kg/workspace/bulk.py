"""What bulk full text needs kept: DOIs mapped to PMCIDs, and the bulk packages read to
their end (a package read again is skipped while its size and mtime are unchanged)."""

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.workspace.database import Database, _now


@dataclass(frozen=True)
class PackageRead:
    path: str
    kind: str
    articles: int
    stored: int
    failed: int


class Bulk(Database):
    def store_pmcids(self, mapped: dict[str, str | None], origin: str) -> None:
        """Each DOI's PMCID (None: the mapping knows none); a known PMCID is never replaced
        by a None."""
        now = _now()
        with self._write() as db:
            db.executemany(
                "INSERT INTO pmcids (doi, pmcid, origin, mapped_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(doi) DO UPDATE SET pmcid=excluded.pmcid, origin=excluded.origin,"
                " mapped_at=excluded.mapped_at WHERE excluded.pmcid IS NOT NULL",
                [(doi, pmcid, origin, now) for doi, pmcid in mapped.items()],
            )

    def store_pmc_versions(self, versions: dict[str, int], inventory: str) -> None:
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO pmc_versions VALUES (?, ?, ?)",
                           [(p, v, inventory) for p, v in versions.items()])  # fmt: skip

    def unmapped_dois(self) -> list[str]:
        """DOIs of kept works that have no PMCID from OpenAlex, no full text yet, and that
        no mapping has answered for."""
        rows = self._read(
            "SELECT w.doi FROM works w LEFT JOIN pmcids p ON p.doi = w.doi"
            " LEFT JOIN texts t ON t.work_id = w.id"
            " WHERE w.record IS NOT NULL AND w.dropped IS NULL AND w.doi IS NOT NULL"
            " AND p.doi IS NULL AND (t.text_source IS NULL OR t.text_source = 'abstract')"
            " AND json_extract(w.raw, '$.ids.pmcid') IS NULL ORDER BY w.doi"
        )
        return [row[0] for row in rows]

    def kept_dois(self) -> set[str]:
        rows = self._read("SELECT doi FROM works WHERE record IS NOT NULL AND dropped IS NULL"
                          " AND doi IS NOT NULL")  # fmt: skip
        return {row[0] for row in rows}

    def wanted_by_id(self) -> tuple[dict[str, str], dict[str, str]]:
        """Kept works with no full text yet: by DOI and by PMCID (OpenAlex's or mapped)."""
        rows = self._read(
            "SELECT w.id, w.doi, p.pmcid, json_extract(w.raw, '$.ids.pmcid') FROM works w"
            " LEFT JOIN pmcids p ON p.doi = w.doi LEFT JOIN texts t ON t.work_id = w.id"
            " WHERE w.record IS NOT NULL AND w.dropped IS NULL"
            " AND (t.text_source IS NULL OR t.text_source = 'abstract')"
        )
        by_doi: dict[str, str] = {}
        by_pmcid: dict[str, str] = {}
        for work_id, doi, mapped, openalex in rows:
            if doi:
                by_doi[doi] = work_id
            for pmcid in (mapped, openalex):
                if pmcid:
                    number = str(pmcid).rstrip("/").rsplit("/", 1)[-1].upper()
                    by_pmcid[number if number.startswith("PMC") else f"PMC{number}"] = work_id
        return by_doi, by_pmcid

    def packages_read(self, paths: Iterable[Path]) -> set[str]:
        """The packages of `paths` read to their end before, unchanged since."""
        done: set[str] = set()
        for path in paths:
            stat = os.stat(path)
            sql = "SELECT 1 FROM bulk_packages WHERE path = ? AND size = ? AND mtime_ns = ?"
            rows = self._read(sql, (str(path), stat.st_size, stat.st_mtime_ns))
            if rows:
                done.add(str(path))
        return done

    def package_read(self, path: Path, read: PackageRead) -> None:
        stat = os.stat(path)
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO bulk_packages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (str(path), stat.st_size, stat.st_mtime_ns, read.kind, read.articles,
                 read.stored, read.failed, _now()),
            )  # fmt: skip
