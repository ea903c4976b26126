"""The extract stage: an extractor reads papers; each outcome (an extraction or a failure)
is stored in the workspace under the run's settings as it completes. Papers whose stored
extraction was read from the same text are not read again."""

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import batched
from typing import TYPE_CHECKING

from extract.extractor import Extractor
from extract.records import Extraction, ExtractionFailure, Outcome, Paper
from extract.taxonomy import Role
from kg.sources.corpus import Failure
from kg.workspace import Run, Workspace, text_sha

if TYPE_CHECKING:  # instructor and openai take seconds to import: only LLM runs pay for them
    from extract.llm import RunStats

Step = Callable[[str, int], None]  # (what was done, how many) for progress bars


@dataclass(frozen=True)
class ExtractOptions:
    concurrency: int | None = None  # LLM requests at once; None: the server's slots, or 8
    budget: int | None = None  # LLM: tokens of paper text per call
    retry_failed: bool = False  # LLM: ask again for calls that failed or timed out before
    reuse_from: str | None = None  # LLM: another endpoint whose stored answers may stand
    step: Step | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # offline extractors


@dataclass
class ExtractSummary:
    run: Run
    papers: int = 0  # papers asked for
    stored_before: int = 0  # already extracted from the same text: not read again
    extracted: int = 0
    with_ptms: int = 0
    reuses: int = 0
    failures: list[Failure] = field(default_factory=list)
    llm: "RunStats | None" = None


def extract_run(
    workspace: Workspace,
    extractor: Extractor,
    papers: Iterable[Paper],
    step: Step | None = None,
) -> ExtractSummary:
    """Extract the papers not yet extracted from their current text, storing each outcome
    under the run as it completes (in batches of `extractor.batch`)."""
    run = workspace.run_for(extractor.name, extractor.version, extractor.settings())
    summary = ExtractSummary(run)
    shas: dict[str, str] = {}
    buffer: list[tuple[Outcome, str | None]] = []

    def todo() -> Iterator[Paper]:
        for chunk in batched(papers, 100):
            stored = workspace.outcomes(run, [p.work.id for p in chunk])
            for paper in chunk:
                summary.papers += 1
                sha = text_sha(paper.text)
                known = stored.get(paper.work.id)
                if known and isinstance(known[0], Extraction) and known[1] in (sha, None):
                    summary.stored_before += 1
                    _tally(summary, known[0])
                    if step:
                        step("extracted", 1)
                    continue
                shas[paper.work.id] = sha
                yield paper

    def done(outcome: Outcome) -> None:
        buffer.append((outcome, shas.pop(outcome.work_id, None)))
        if isinstance(outcome, ExtractionFailure):
            summary.failures.append(Failure(outcome.work_id, outcome.reason))
        else:
            summary.extracted += 1
            _tally(summary, outcome)
        if step and extractor.batch > 1:  # the LLM extractor reports its own progress
            step("extracted", 1)
        if len(buffer) >= extractor.batch:
            flush()

    def flush() -> None:
        if buffer:
            workspace.store_outcomes(run, buffer)
            buffer.clear()

    try:
        extractor.extract_all(todo(), done)
    finally:
        flush()
        summary.llm = getattr(extractor, "stats", None)
    return summary


def _tally(summary: ExtractSummary, extraction: Extraction) -> None:
    summary.with_ptms += extraction.uses_ptms
    summary.reuses += len(extraction.with_role(Role.used))
