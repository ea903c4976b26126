"""The demo: a fresh graph from the synthetic corpus in this folder, and the study's answers."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from extract.corpus import read_corpus
from extract.records import Paper
from kg import queries
from kg.build import BuildSummary, ExtractRun, Step, extract_rules, load_graph
from kg.loader import counts
from kg.stores.base import GraphStore, Row

# The tables behind the three headline answers, in the order the demo prints them.
TABLES = ("ptm_reuse_by_field", "patterns_overall", "patterns_by_field", "stages_overall")


def corpus_path() -> Path:
    return Path(str(resources.files("kg.demo") / "papers.jsonl"))


@dataclass(frozen=True)
class Headlines:
    leading_field: str
    leading_field_ptm_papers: int
    top_pattern: str
    top_pattern_share: float
    top_stage: str
    top_stage_share: float


@dataclass(frozen=True)
class DemoResult:
    summary: BuildSummary
    counts: dict[str, int]
    tables: dict[str, list[Row]]
    headlines: Headlines


def headlines(tables: dict[str, list[Row]]) -> Headlines:
    """The study's three answers, read off the first row of each ordered table."""
    field, pattern, stage = (
        tables["ptm_reuse_by_field"][0],
        tables["patterns_overall"][0],
        tables["stages_overall"][0],
    )
    return Headlines(
        leading_field=field["field"],
        leading_field_ptm_papers=field["ptm_papers"],
        top_pattern=pattern["pattern"],
        top_pattern_share=pattern["reuse_share"],
        top_stage=stage["stage"],
        top_stage_share=stage["reuse_share"],
    )


def run_demo(
    store: GraphStore,
    step: Step | None = None,
    extract: Callable[[Sequence[Paper]], ExtractRun] = extract_rules,
) -> DemoResult:
    """Wipe `store`, build the graph from the demo corpus, and answer the study's questions.
    `extract` is the rules extractor unless the caller passes an LLM run."""
    corpus = read_corpus(corpus_path())
    run = extract(corpus.papers)
    store.reset()
    summary = load_graph(store, corpus.papers, run.extractions, step)
    summary.failures = corpus.failures + run.failures
    tables = {name: queries.run(store, name) for name in TABLES}
    return DemoResult(summary, counts(store), tables, headlines(tables))
