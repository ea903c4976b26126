"""`kg report` and `kg flows` on the demo graph; the report opened in real headless Chromium."""

import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from matplotlib.image import imread

from extract.corpus import read_corpus
from extract.rules import extract
from kg import flows, queries
from kg.demo import corpus_path
from kg.loader import load_extractions, load_works
from kg.report import TITLE, write_report
from kg.stores.base import GraphStore

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars",
]  # fmt: skip


@pytest.fixture
def demo_graph(falkor: GraphStore) -> GraphStore:
    papers = read_corpus(corpus_path()).papers
    load_works(falkor, [p.work for p in papers])
    load_extractions(falkor, [extract(p.text) for p in papers])
    return falkor


def chromium(tmp_path: Path, *args: str) -> str:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it")
    done = subprocess.run(
        [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chrome'}", *args],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def test_the_report_renders_in_chromium_with_its_answers(
    demo_graph: GraphStore, tmp_path: Path
) -> None:
    report = write_report(demo_graph, tmp_path / "report", "the demo graph")
    names = {p.name for p in report.files}
    assert {"report.html", "ptm_share_by_field.png", "patterns_by_field.png", "stages.png",
            "adoption_over_time.png", "ptm_field_flows.png", "top_ptms.csv"} <= names  # fmt: skip
    url = report.html.as_uri()

    dom = chromium(tmp_path, "--dump-dom", url)
    assert f"<title>{TITLE}</title>" in dom
    assert "Biochemistry, Genetics and Molecular Biology" in dom.split('id="leading-field"')[1]
    assert "Corpus: 49 papers; 49 counted in the shares, read by rules (rules-3)" in dom
    assert "adaptation" in dom.split('id="top-pattern"')[1][:200]
    assert "Test" in dom.split('id="top-stage"')[1][:200]
    assert dom.count("<img") == 5 and dom.count("<table>") == 9

    shot = tmp_path / "report.png"
    chromium(tmp_path, "--window-size=1100,1400", f"--screenshot={shot}", url)
    pixels = imread(shot)[..., :3]
    assert pixels.std() > 0.05  # not one colour
    assert (pixels.mean(axis=2) < 0.9).mean() > 0.02  # and not a blank white page


def test_flows_graphml_reads_back_with_the_same_counts(
    demo_graph: GraphStore, tmp_path: Path
) -> None:
    graph = flows.bipartite(queries.run(demo_graph, "ptm_field_flows"))
    path = flows.write_graphml(graph, tmp_path / "flows.graphml")
    again = nx.read_graphml(path)
    assert (again.number_of_nodes(), again.number_of_edges()) == (
        graph.number_of_nodes(), graph.number_of_edges()
    )  # fmt: skip
    assert graph.number_of_edges() > 30


def test_bridges_rank_models_that_alone_join_fields() -> None:
    rows = [
        {"model": "ESM-2", "field": "Bio", "first_year": 2021, "papers": 3},
        {"model": "ESM-2", "field": "Immuno", "first_year": 2022, "papers": 1},
        {"model": "ResNet", "field": "Bio", "first_year": 2018, "papers": 2},
        {"model": "ResNet", "field": "Physics", "first_year": 2019, "papers": 1},
        {"model": "ResNet", "field": "Immuno", "first_year": 2020, "papers": 1},
    ]
    ranked = flows.bridges(flows.bipartite(rows))
    assert [(b.model, b.fields, b.field_pairs_only_via) for b in ranked] == [
        ("ResNet", 3, 2),  # Bio-Physics and Physics-Immuno only through ResNet
        ("ESM-2", 2, 0),  # Bio-Immuno is joined by ResNet too
    ]
    assert [a.model for a in flows.timeline(flows.bipartite(rows))][:2] == ["ResNet", "ResNet"]


def test_the_flows_module_examples_hold() -> None:
    import doctest

    assert doctest.testmod(flows).failed == 0
