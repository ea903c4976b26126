"""Issue 19, friction 5: `kg export` writes tidy tables that pandas reads back, one row per
reuse with its evidence, with counts equal to the graph's."""

from pathlib import Path

import pandas as pd
import pytest

from extract.rules import extract
from kg.demo import corpus_path
from kg.graph.loader import counts, load_extractions, load_works
from kg.graph.stores.base import GraphStore
from kg.questions.export import TABLES, export
from kg.sources.corpus import read_corpus


@pytest.fixture
def demo_graph(falkor: GraphStore) -> GraphStore:
    papers = read_corpus(corpus_path()).papers
    load_works(falkor, [p.work for p in papers])
    load_extractions(falkor, [extract(p.text) for p in papers])
    return falkor


def test_export_reads_back_in_pandas_with_the_graphs_counts(
    demo_graph: GraphStore, tmp_path: Path
) -> None:
    written = export(demo_graph, tmp_path / "out")
    graph = counts(demo_graph)
    expected = {"papers": graph["Paper"], "reuses": graph["REUSES"], "models": graph["Model"],
                "fields": graph["Field"], "introductions": graph["INTRODUCES"]}  # fmt: skip
    assert expected["introductions"] > 0  # the demo's PlanktoNet
    assert written == expected
    for table in TABLES:
        from_csv = pd.read_csv(tmp_path / "out" / f"{table.name}.csv")
        from_parquet = pd.read_parquet(tmp_path / "out" / f"{table.name}.parquet")
        assert len(from_csv) == len(from_parquet) == expected[table.name], table.name
        assert list(from_csv.columns) == list(from_parquet.columns)
        assert list(from_csv.columns) == [c.name for c in table.columns]

    reuses = pd.read_parquet(tmp_path / "out" / "reuses.parquet")
    assert not reuses.duplicated(["paper_id", "model"]).any()  # one row per paper x model
    assert reuses["evidence"].str.len().min() > 20  # every reuse carries its sentence
    assert set(reuses["pattern"]) <= {"conceptual", "adaptation", "deployment", "undetermined"}
    for value in ("pattern", "stage"):  # evidenced exactly when not undetermined
        assert (reuses[f"{value}_evidenced"] == (reuses[value] != "undetermined")).all()
    assert not reuses["stage_evidenced"].all()  # the demo holds undetermined stages
    papers = pd.read_parquet(tmp_path / "out" / "papers.parquet")
    assert set(reuses["paper_id"]) <= set(papers["paper_id"])
    assert papers["uses_ptms"].sum() == reuses["paper_id"].nunique()
    made = pd.read_parquet(tmp_path / "out" / "introductions.parquet")
    assert made.set_index("model").loc[
        "PlanktoNet", ["reusing_papers", "first_reuse"]
    ].tolist() == [1, 2023]
    fields = pd.read_parquet(tmp_path / "out" / "fields.parquet")
    assert fields["natural_science"].sum() == 8

    readme = (tmp_path / "out" / "README.md").read_text()
    for table in TABLES:
        assert f"## {table.name} ({expected[table.name]} rows)" in readme
        for column in table.columns:
            assert f"| `{column.name}` |" in readme
