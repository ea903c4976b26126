"""The demo: a fresh graph from the synthetic corpus in this folder, and the study's answers."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from extract.corpus import read_corpus
from extract.records import Paper
from kg import queries
from kg.answers import Headlines, headlines
from kg.build import BuildSummary, ExtractRun, Step, extract_rules, load_graph
from kg.loader import counts
from kg.stores.base import GraphStore, Row

# The tables the demo prints, behind the three headline answers.
TABLES = ("ptm_reuse_by_field", "patterns_overall", "patterns_by_field", "stages_overall")


def corpus_path() -> Path:
    return Path(str(resources.files("kg.demo") / "papers.jsonl"))


@dataclass(frozen=True)
class DemoResult:
    summary: BuildSummary
    counts: dict[str, int]
    tables: dict[str, list[Row]]
    headlines: Headlines


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
