"""The path from papers to graph: extract each paper (rules or LLM), then load works and
extractions."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from extract import rules
from extract.corpus import Failure
from extract.errors import ConfigError
from extract.ledger import Ledger
from extract.records import Extraction, Paper
from kg.loader import load_extractions, load_works
from kg.settings import Settings
from kg.stores.base import GraphStore

if TYPE_CHECKING:  # instructor and openai take seconds to import: only LLM runs pay for them
    from extract.llm import LLMConfig, RunStats

Step = Callable[[str, int], None]  # (what was done, how many) for progress bars
ExtractorName = Literal["rules", "llm"]


@dataclass
class ExtractRun:
    extractions: list[Extraction] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    llm: "RunStats | None" = None  # set for LLM runs


@dataclass
class BuildSummary:
    papers: int = 0
    reuses: int = 0
    failures: list[Failure] = field(default_factory=list)


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
        **({"budget": budget} if budget else {}),
    )


def extract_rules(papers: Sequence[Paper], step: Step | None = None) -> ExtractRun:
    """Rules extraction of every paper; a paper that breaks the extractor is recorded, not fatal."""
    run = ExtractRun()
    for paper in papers:
        try:
            run.extractions.append(rules.extract(paper.text))
        except Exception as error:  # one bad paper must not end the run
            run.failures.append(Failure(paper.work.id, f"rules extractor failed: {error!r}"))
        if step:
            step("extracted", 1)
    return run


def extract_with(
    extractor: ExtractorName,
    papers: Sequence[Paper],
    settings: Settings,
    concurrency: int = 8,
    budget: int | None = None,
    step: Step | None = None,
) -> ExtractRun:
    if extractor == "rules":
        return extract_rules(papers, step)
    from extract.llm import extract_papers

    config = llm_config(settings, budget)
    ledger = Ledger(settings.kg_workspace)
    try:
        progress = (lambda kind, tokens: step(kind, 1)) if step else None
        extractions, stats = extract_papers(papers, config, ledger, concurrency, progress)
    finally:
        ledger.close()
    return ExtractRun(extractions, list(stats.failures), stats)


def load_graph(
    store: GraphStore,
    papers: Sequence[Paper],
    extractions: Sequence[Extraction],
    step: Step | None = None,
) -> BuildSummary:
    """Load works and extractions into `store` (idempotent)."""
    load_works(store, [p.work for p in papers], progress=step and (lambda n: step("loaded", n)))
    load_extractions(store, extractions)
    return BuildSummary(papers=len(papers), reuses=sum(len(e.reuses) for e in extractions))
