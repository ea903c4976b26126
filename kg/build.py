"""From papers to graph in two stages that hand over stored records.

`extract_run`: an extractor, chosen by name, reads papers; each outcome (an extraction or a
failure) is stored in the workspace under the run's settings as it completes. Papers whose
stored extraction was read from the same text are not read again.

`build_graph`: the graph is built from the workspace alone (kept works and one run's stored
outcomes) and recorded as a build: started, then completed with its counts once the store
has saved. It never calls an LLM. A build that was interrupted stays "not completed", which
every command that reads the graph reports; `kg load --rebuild` starts over from the
workspace.
"""

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import batched
from typing import TYPE_CHECKING, Any

from extract.corpus import Failure
from extract.errors import ConfigError
from extract.extractor import Extractor
from extract.records import Extraction, ExtractionFailure, Outcome, Paper, Work
from extract.rules import RulesExtractor
from extract.taxonomy import Role
from extract.workspace import Run, Workspace, text_sha
from kg.graph.loader import (
    BATCH_SIZE,
    Refused,
    counts,
    extraction_row,
    load_outcomes,
    load_works,
    pending_row,
    work_row,
)
from kg.graph.statements import statement
from kg.graph.stores.base import GraphStore
from kg.settings import Settings

if TYPE_CHECKING:  # instructor and openai take seconds to import: only LLM runs pay for them
    from extract.llm import LLMConfig, RunStats

Step = Callable[[str, int], None]  # (what was done, how many) for progress bars


@dataclass(frozen=True)
class ExtractOptions:
    concurrency: int = 8
    budget: int | None = None  # LLM: tokens of paper text per call
    step: Step | None = None
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)  # offline extractors


def llm_config(settings: Settings, budget: int | None = None) -> "LLMConfig":
    from extract.llm import LLMConfig

    if not settings.kg_llm_model:
        raise ConfigError(
            "the LLM extractor needs KG_LLM_MODEL (and KG_LLM_BASE_URL for a non-OpenAI "
            "endpoint, OPENAI_API_KEY for OpenAI); or use --extractor rules"
        )
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return LLMConfig(
        model=settings.kg_llm_model,
        base_url=settings.kg_llm_base_url,
        api_key=key,
        mode=settings.kg_llm_mode,
        timeout_s=settings.kg_llm_timeout,
        http_retries=settings.kg_llm_retries,
        temperature=settings.kg_llm_temperature,
        seed=settings.kg_llm_seed,
        strict=settings.kg_llm_strict,
        max_reuses=settings.kg_llm_max_reuses,
        context_window=settings.kg_llm_context_window,
        **({"budget": budget} if budget else {}),
    )


def _rules(settings: Settings, workspace: Workspace, options: ExtractOptions) -> Extractor:
    return RulesExtractor(workers=options.workers)


def _llm(settings: Settings, workspace: Workspace, options: ExtractOptions) -> Extractor:
    from extract.llm import LLMExtractor

    step = options.step
    progress = (lambda kind, tokens: step(kind, 1)) if step else None
    return LLMExtractor(llm_config(settings, options.budget), workspace, options.concurrency,
                        progress)  # fmt: skip


# Extractors by name. `offline` ones may run inside `kg load` for papers not yet extracted.
EXTRACTORS: dict[str, Callable[[Settings, Workspace, ExtractOptions], Extractor]] = {
    "rules": _rules,
    "llm": _llm,
}
OFFLINE = frozenset({"rules"})


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


@dataclass
class BuildSummary:
    papers: int = 0  # Paper nodes written
    extracted: int = 0
    failed: int = 0  # the extractor could not answer: left out of every share
    pending: int = 0  # no stored extraction: left out of every share
    reuses: int = 0
    refused: list[Refused] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def paper_rows(
    workspace: Workspace,
    run: Run | None,
    ids: Sequence[str] | None,
    summary: BuildSummary | None,
) -> Iterator[tuple[Work, dict[str, Any]]]:
    """Each kept work with its outcome row (stored outcome, or pending), read in chunks;
    tallied into `summary` when one is given."""
    for chunk in batched(workspace.kept_works(ids), BATCH_SIZE):
        ids_here = [w.id for w in chunk]
        outcomes = workspace.outcomes(run, ids_here) if run else {}
        sources = workspace.text_sources(ids_here)
        for work in chunk:
            known = outcomes.get(work.id)
            row = pending_row(work.id) if known is None else extraction_row(known[0])
            row["props"]["text_source"] = sources.get(work.id)  # where the text was read
            if summary is not None:
                if known is None:
                    summary.pending += 1
                elif isinstance(known[0], ExtractionFailure):
                    summary.failed += 1
                else:
                    summary.extracted += 1
                    summary.reuses += len(row["edges"]["REUSES"])
            yield work, row


def build_graph(
    store: GraphStore,
    workspace: Workspace,
    run: Run | None,
    mode: str,
    ids: Sequence[str] | None = None,
    reset: bool = False,
    step: Step | None = None,
) -> BuildSummary:
    """Load the kept works (all, or `ids`) with `run`'s stored outcomes, as one recorded
    build. With `reset` the store is emptied first and, where it can, filled by its bulk
    path (FalkorDB's GRAPH.BULK, Neo4j's CREATE batches) rather than MERGE statements: the
    same graph, faster. The store is saved before the build is marked completed: a build
    that says completed is on disk. A graph without papers is filled by the bulk path too."""
    build_id = workspace.start_build(store.name, mode, run)
    summary = BuildSummary()
    bulk = False
    if reset or not store.run(statement("lookup/paper_count"))[0]["n"]:
        tallied: list[BuildSummary] = []

        def stream() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
            tally = BuildSummary() if not tallied else None
            for work, row in paper_rows(workspace, run, ids, tally):
                yield work_row(work), row
            if tally is not None:
                tallied.append(tally)

        refused = store.load_fresh(stream)
        bulk = refused is not None
        if refused is not None:
            summary = tallied[0]
            summary.refused = refused
            if step:
                step("loaded", summary.extracted + summary.failed + summary.pending)
        else:
            store.reset()
    if not bulk:
        for chunk in batched(paper_rows(workspace, run, ids, summary), BATCH_SIZE):
            refused_works = load_works(store, [work for work, _ in chunk])
            summary.refused += refused_works + load_outcomes(store, [row for _, row in chunk])
            summary.papers += len(chunk) - len(refused_works)
            if step:
                step("loaded", len(chunk))
    store.save()
    summary.counts = counts(store)
    if bulk:
        summary.papers = summary.counts["Paper"]  # a fresh graph holds just these papers
    workspace.finish_build(build_id, summary.papers, summary.failed, summary.counts)
    return summary
