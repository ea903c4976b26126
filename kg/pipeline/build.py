"""The build stage: the graph is built from the workspace alone (kept works and one run's
stored outcomes) and recorded as a build: started, then completed with its counts once the
store has saved. It never calls an LLM. A build that was interrupted stays "not completed",
which every command that reads the graph reports; `kg load --rebuild` starts over from the
workspace.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import batched
from typing import Any

from extract.records import ExtractionFailure, Work
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
from kg.pipeline.extract import Step
from kg.workspace import Run, Workspace


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
