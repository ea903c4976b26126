"""The demo: a fresh graph from the synthetic corpus in this folder, and the study's answers.

The demo goes the way every build goes: its papers are kept in the workspace, extracted into
a stored run, and the graph is built from the workspace (emptied first) as a recorded build.
"""

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from extract.extractor import Extractor
from kg.graph.stores.base import GraphStore, Row
from kg.pipeline.build import BuildSummary, build_graph
from kg.pipeline.extract import Step, extract_run
from kg.questions import queries
from kg.questions.answers import Headlines, evidenced_row, headlines
from kg.sources.corpus import Failure, read_corpus
from kg.workspace import Workspace

# The tables the demo prints, behind the three headline answers.
TABLES = ("ptm_reuse_by_field", "patterns_overall", "patterns_by_field", "stages_overall")


def corpus_path() -> Path:
    return Path(str(resources.files("kg.demo") / "papers.jsonl"))


@dataclass(frozen=True)
class DemoResult:
    built: BuildSummary
    failures: list[Failure]
    tables: dict[str, list[Row]]
    headlines: Headlines


def run_demo(
    store: GraphStore, workspace: Workspace, extractor: Extractor, step: Step | None = None
) -> DemoResult:
    """Empty `store`, build the graph from the demo corpus, and answer the study's questions."""
    corpus = read_corpus(corpus_path())
    origin = "demo:kg/demo/papers.jsonl"
    workspace.import_works([p.work for p in corpus.papers], origin)
    workspace.import_texts([p.text for p in corpus.papers], origin)
    extracted = extract_run(workspace, extractor, corpus.papers, step)
    ids = [p.work.id for p in corpus.papers]
    built = build_graph(store, workspace, extracted.run, "demo", ids, reset=True, step=step)
    tables = {name: queries.run(store, name) for name in TABLES}
    answers = headlines(tables, evidenced_row(store))
    return DemoResult(built, corpus.failures + extracted.failures, tables, answers)
