"""The path from papers to graph: extract each paper, then load works and extractions."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extract import rules
from extract.corpus import Failure
from extract.records import Extraction, Paper
from kg.loader import load_extractions, load_works
from kg.stores.base import GraphStore

Step = Callable[[str, int], None]  # (what was done, how many) for progress bars


@dataclass
class BuildSummary:
    papers: int = 0
    reuses: int = 0
    failures: list[Failure] = field(default_factory=list)


def extract_all(
    papers: Sequence[Paper], step: Step | None = None
) -> tuple[list[Extraction], list[Failure]]:
    """Rules extraction of every paper; a paper that breaks the extractor is recorded, not fatal."""
    extractions: list[Extraction] = []
    failures: list[Failure] = []
    for paper in papers:
        try:
            extractions.append(rules.extract(paper.text))
        except Exception as error:  # one bad paper must not end the run
            failures.append(Failure(paper.work.id, f"rules extractor failed: {error!r}"))
        if step:
            step("extracted", 1)
    return extractions, failures


def build_graph(
    store: GraphStore, papers: Sequence[Paper], step: Step | None = None
) -> BuildSummary:
    """Extract with the rules extractor and load everything into `store` (idempotent)."""
    extractions, failures = extract_all(papers, step)
    load_works(store, [p.work for p in papers], progress=step and (lambda n: step("loaded", n)))
    load_extractions(store, extractions)
    return BuildSummary(
        papers=len(papers),
        reuses=sum(len(e.reuses) for e in extractions),
        failures=failures,
    )
