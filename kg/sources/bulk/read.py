"""Bulk packages into the workspace: one worker process per core, each reading whole
packages (decompressing, cutting out articles, matching each to a kept work by PMCID or DOI
read from its `<article-meta>` on the bytes, parsing it), and this process storing what they
send, 50 texts to a transaction.

Only articles of kept works still without full text are parsed: the rest of a dump is
skipped on a regular-expression look at its front matter. A package read to its end is
recorded (path, size, mtime) once all its texts are stored, and a rerun skips it; a run
killed inside a package reads that package again but parses only what it had not stored.
Memory stays flat in corpus size: a worker holds one article and one batch, and at most
`4 × workers` batches wait to be stored. (A worker per package, not a task per article:
articles sent between processes cost the storing process more than the parse saves.)
"""

import multiprocessing
import queue
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from pathlib import Path
from typing import Any

from extract.errors import InputRejected
from extract.parse_fulltext import full_text_of, normalise_doi, parse_xml
from extract.records import PaperText
from kg.sources.bulk.packages import filelist_of, kind_of, members, packages_in
from kg.sources.fulltext import Found
from kg.workspace import PackageRead, Workspace

STORE_EVERY = 50  # full texts per transaction (and per message from a worker)
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


@dataclass(frozen=True)
class Wanted:
    """Kept works without full text, by DOI and by PMCID; handed to the workers at fork."""

    by_doi: dict[str, str]
    by_pmcid: dict[str, str]
    dois: dict[str, str]  # work id -> its DOI

    @classmethod
    def of(cls, workspace: Workspace) -> "Wanted":
        by_doi, by_pmcid = workspace.wanted_by_id()
        return cls(by_doi, by_pmcid, {work_id: doi for doi, work_id in by_doi.items()})

    def match(self, xml: bytes) -> tuple[str, str | None] | None:
        """The work this article is (and the work's DOI), if it is one we want."""
        doi, pmcid = article_ids(xml)
        work_id = (self.by_pmcid.get(pmcid) if pmcid else None) or (
            self.by_doi.get(doi) if doi else None
        )
        return None if work_id is None else (work_id, self.dois.get(work_id))


def _read_package(package: Path, wanted: Wanted, max_bytes: int, results: "Queue[Any]") -> None:
    """In a worker: one package's matched articles, parsed, sent STORE_EVERY at a time."""
    parsed: list[Parsed] = []
    failures: list[tuple[str, str]] = []
    articles = 0
    for member in members(package, max_bytes):
        articles += 1
        where = f"{package}:{member.name}"
        if member.xml is None:
            failures.append((where, member.error or "unreadable"))
            continue
        matched = wanted.match(member.xml)
        if matched is None:
            continue
        parsed += parse_batch([(matched[0], where, matched[1], member.xml)])
        if len(parsed) >= STORE_EVERY:
            results.put(("texts", str(package), parsed, failures))
            parsed, failures = [], []
    if parsed or failures:
        results.put(("texts", str(package), parsed, failures))
    results.put(("done", str(package), articles))


def _work(
    tasks: "Queue[str | None]", results: "Queue[Any]", wanted: Wanted, max_bytes: int
) -> None:
    while (package := tasks.get()) is not None:
        try:
            _read_package(Path(package), wanted, max_bytes, results)
        except Exception as error:  # one package's surprise never ends the run
            results.put(("error", package, f"{type(error).__name__}: {error}"))
    results.put(("exit",))


class _Store:
    """This process's side: what the workers send, into the workspace."""

    def __init__(
        self, workspace: Workspace, report: BulkReport, step: Callable[[int], None]
    ) -> None:
        self.workspace, self.report, self.step = workspace, report, step
        self.stored: dict[str, int] = {}
        self.failed: dict[str, int] = {}
        self.filelists: dict[str, dict[str, tuple[str | None, bool]]] = {}

    def texts(self, package: str, parsed: list[Parsed], failures: list[tuple[str, str]]) -> None:
        kind = kind_of(Path(package)) or "bulk"
        if kind == "pmc-oa-bulk" and package not in self.filelists:
            self.filelists[package] = filelist_of(Path(package))
        listed = self.filelists.get(package, {})
        founds: list[Found] = []
        for work_id, where, text, packed, error in parsed:
            if text is None:
                failures.append((where, error or "unreadable"))
                founds.append(Found(work_id, "failed", reason=f"{where}: {error}"))
            else:
                licence, retracted = listed.get(where.removeprefix(f"{package}:"), (None, False))
                founds.append(Found(work_id, "fulltext", kind, where, text=text, packed=packed,
                                    license=licence, retracted=retracted))  # fmt: skip
        self.workspace.store_founds(founds)
        stored = sum(1 for f in founds if f.status == "fulltext")
        self.stored[package] = self.stored.get(package, 0) + stored
        self.failed[package] = self.failed.get(package, 0) + len(failures)
        self.report.parsed += len(parsed)
        self.report.stored += stored
        self.report.by_service[kind] = self.report.by_service.get(kind, 0) + stored
        self.report.failures += failures
        self.step(len(parsed))

    def done(self, package: str, articles: int) -> None:
        self.report.articles += articles
        kind = kind_of(Path(package)) or "bulk"
        stored, failed = self.stored.get(package, 0), self.failed.get(package, 0)
        read = PackageRead(package, kind, articles, stored, failed)
        self.workspace.package_read(Path(package), read)


class BulkRun:
    """One run over the packages. Entering it forks the workers, before the caller starts
    any thread of its own (a progress bar): a fork copies only the forking thread, so the
    children hold no lock another thread held. `consume` then stores what they send."""

    def __init__(self, workspace: Workspace, paths: Iterable[Path], max_bytes: int,
                 workers: int) -> None:  # fmt: skip
        self.workspace, self.max_bytes = workspace, max_bytes
        self.report = BulkReport()
        packages = packages_in(paths)
        done = workspace.packages_read(packages)
        self.report.packages, self.report.skipped = len(packages), len(done)
        self.todo = [str(p) for p in packages if str(p) not in done]
        self.count = min(workers, len(self.todo))
        self.processes: list[multiprocessing.process.BaseProcess] = []

    def __enter__(self) -> "BulkRun":
        if not self.todo:
            return self
        wanted = Wanted.of(self.workspace)
        # fork: the workers inherit `wanted` without a copy sent to each; they touch neither
        # the workspace's connection nor any lock of this process
        context = multiprocessing.get_context("fork")
        self.tasks: Queue[str | None] = context.Queue()
        self.results: Queue[Any] = context.Queue(maxsize=4 * self.count)
        args = (self.tasks, self.results, wanted, self.max_bytes)
        self.processes = [context.Process(target=_work, args=args, daemon=True)
                          for _ in range(self.count)]  # fmt: skip
        for process in self.processes:
            process.start()
        for package in [*self.todo, *[None] * self.count]:  # the queue's feeder thread starts
            self.tasks.put(package)  # only now, after the forks
        return self

    def consume(self, step: Callable[[int], None] = lambda n: None) -> BulkReport:
        """Store what the workers send until they are done; `step` is told of each article
        parsed."""
        report = self.report
        store = _Store(self.workspace, report, step)
        exited = 0
        while exited < len(self.processes):
            try:
                message = self.results.get(timeout=1.0)
            except queue.Empty:
                if not any(p.is_alive() for p in self.processes):
                    report.failures.append(("bulk", "a worker ended without finishing"))
                    break
                continue
            if message[0] == "texts":
                store.texts(*message[1:])
            elif message[0] == "done":
                store.done(*message[1:])
            elif message[0] == "error":
                report.failures.append((message[1], message[2]))
            else:
                exited += 1
        return report

    def __exit__(self, *exc: object) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join()


def read_packages(
    workspace: Workspace,
    paths: Iterable[Path],
    max_bytes: int,
    workers: int,
    step: Callable[[int], None] = lambda n: None,
) -> BulkReport:
    """Read the packages of `paths` (packages_in) into the workspace; `step` is told of
    each article parsed."""
    with BulkRun(workspace, paths, max_bytes, workers) as run:
        return run.consume(step)
