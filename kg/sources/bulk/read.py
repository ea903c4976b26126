"""Bulk packages into the workspace: each article matched to a kept work (by PMCID or DOI,
read from its `<article-meta>` on the bytes), parsed in a process pool, stored 50 to a
transaction.

Only articles of kept works still without full text are parsed: the rest of a dump is
skipped on a regular-expression look at its front matter. A package read to its end is
recorded (path, size, mtime), and a rerun skips it; a run killed inside a package reads that
package again but parses only what it had not stored. Memory stays flat in corpus size:
one article is held per reader, and at most `8 × workers` small batches are in flight.
"""

import multiprocessing
import re
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from extract.errors import InputRejected
from extract.parse_fulltext import full_text_of, normalise_doi, parse_xml
from extract.records import PaperText
from kg.sources.bulk.packages import kind_of, members, packages_in
from kg.sources.fulltext import Found
from kg.workspace import PackageRead, Workspace

BATCH = 8  # articles per task sent to a worker: small tasks keep every worker busy
STORE_EVERY = 50  # full texts per transaction
_ID = re.compile(rb"""<article-id\b[^>]*?pub-id-type\s*=\s*["'](doi|pmc|pmcid)["'][^>]*>"""
                 rb"\s*([^<]{1,300}?)\s*</article-id>")  # fmt: skip
_META_END = b"</article-meta>"

Job = tuple[str, str, str | None, bytes]  # work id, where, the work's DOI, the XML
Parsed = tuple[str, str, PaperText | None, bytes | None, str | None]


def article_ids(xml: bytes) -> tuple[str | None, str | None]:
    """The article's own DOI and PMCID, from its front matter (not its references')."""
    end = xml.find(_META_END)
    head = xml[: end if end > 0 else 200_000]
    doi = pmcid = None
    for kind, value in _ID.findall(head):
        text = value.decode("utf-8", "replace").strip()
        if kind == b"doi" and doi is None:
            doi = normalise_doi(text)
        elif kind != b"doi" and pmcid is None:
            number = text.upper().removeprefix("PMC")
            pmcid = f"PMC{number}" if number.isdigit() else None
    return doi, pmcid


def parse_batch(jobs: list[Job]) -> list[Parsed]:
    """In a worker: each article as its work's full text (and its XML compressed), or why
    it is not."""
    results: list[Parsed] = []
    for work_id, where, doi, xml in jobs:
        try:
            text = full_text_of(parse_xml(xml.lstrip(), work_id), doi)
            results.append((work_id, where, text, zlib.compress(xml, 1), None))
        except InputRejected as error:
            results.append((work_id, where, None, None, str(error)))
    return results


@dataclass
class BulkReport:
    packages: int = 0
    skipped: int = 0  # packages read to their end before, unchanged since
    articles: int = 0
    parsed: int = 0
    stored: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    by_service: dict[str, int] = field(default_factory=dict)


class _Reader:
    """One run over the packages: the wanted works, the pool, the batches in flight."""

    def __init__(
        self,
        workspace: Workspace,
        pool: ProcessPoolExecutor,
        workers: int,
        max_bytes: int,
        report: BulkReport,
        step: Callable[[int], None],
    ) -> None:
        self.workspace, self.pool, self.report, self.step = workspace, pool, report, step
        self.max_bytes = max_bytes
        self.window = 8 * workers
        self.by_doi, self.by_pmcid = workspace.wanted_by_id()
        self.dois = {work_id: doi for doi, work_id in self.by_doi.items()}
        self.taken: set[str] = set()  # works sent to the pool in this run
        self.in_flight: list[tuple[str, Future[list[Parsed]]]] = []
        self.to_store: list[Found] = []
        self.counts: dict[str, int] = {}

    def _match(self, xml: bytes) -> str | None:
        doi, pmcid = article_ids(xml)
        work_id = (self.by_pmcid.get(pmcid) if pmcid else None) or (
            self.by_doi.get(doi) if doi else None
        )
        return None if work_id is None or work_id in self.taken else work_id

    def read(self, package: Path) -> None:
        kind = kind_of(package) or "bulk"
        self.counts = {"articles": 0, "stored": 0, "failed": 0}
        jobs: list[Job] = []
        for member in members(package, self.max_bytes):
            self.counts["articles"] += 1
            self.report.articles += 1
            where = f"{package}:{member.name}"
            if member.xml is None:
                self._failed(where, member.error or "unreadable")
                continue
            work_id = self._match(member.xml)
            if work_id is None:
                continue
            self.taken.add(work_id)
            jobs.append((work_id, where, self.dois.get(work_id), member.xml))
            if len(jobs) == BATCH:
                self._submit(kind, jobs)
                jobs = []
        if jobs:
            self._submit(kind, jobs)
        self._drain(0)
        self._store()
        self.workspace.package_read(package, PackageRead(str(package), kind,
                                    self.counts["articles"], self.counts["stored"],
                                    self.counts["failed"]))  # fmt: skip

    def _failed(self, where: str, reason: str) -> None:
        self.counts["failed"] += 1
        self.report.failures.append((where, reason))

    def _submit(self, kind: str, jobs: list[Job]) -> None:
        self._drain(self.window - 1)
        self.in_flight.append((kind, self.pool.submit(parse_batch, jobs)))

    def _drain(self, keep: int) -> None:
        while len(self.in_flight) > keep:
            kind, future = self.in_flight.pop(0)
            for work_id, where, text, packed, error in future.result():
                self.report.parsed += 1
                if text is None:
                    self._failed(where, error or "unreadable")
                    self.to_store.append(Found(work_id, "failed", reason=f"{where}: {error}"))
                else:
                    self.counts["stored"] += 1
                    self.report.stored += 1
                    self.report.by_service[kind] = self.report.by_service.get(kind, 0) + 1
                    self.to_store.append(Found(work_id, "fulltext", kind, where, text=text,
                                               packed=packed))  # fmt: skip
                self.step(1)
            if len(self.to_store) >= STORE_EVERY:
                self._store()

    def _store(self) -> None:
        if self.to_store:
            self.workspace.store_founds(self.to_store)
            self.to_store = []


def read_packages(
    workspace: Workspace,
    paths: Iterable[Path],
    max_bytes: int,
    workers: int,
    step: Callable[[int], None] = lambda n: None,
) -> BulkReport:
    """Read the packages of `paths` (packages_in) into the workspace; `step` is told of
    each article parsed."""
    report = BulkReport()
    packages = packages_in(paths)
    done = workspace.packages_read(packages)
    report.packages, report.skipped = len(packages), len(done)
    todo = [p for p in packages if str(p) not in done]
    if not todo:
        return report
    # forkserver: workers start from a clean process that imported the parser once, not
    # from a fork of this (possibly threaded) one
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        reader = _Reader(workspace, pool, workers, max_bytes, report, step)
        for package in todo:
            reader.read(package)
    return report
