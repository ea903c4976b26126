"""`kg report` and `kg flows` on the demo graph; the report opened in real headless Chromium."""

import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import networkx as nx
import pytest
from matplotlib.image import imread

from extract.rules import extract
from kg.demo import corpus_path
from kg.graph.loader import load_extractions, load_works
from kg.graph.stores.base import GraphStore
from kg.questions import flows, queries
from kg.questions.figures import FIGURES
from kg.questions.report import TITLE, write_report
from kg.sources.corpus import read_corpus

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
            "adoption_over_time.png", "ptm_field_flows.png", "patterns_over_time.png",
            "top_ptms.csv", "patterns_by_year.csv"} <= names  # fmt: skip
    url = report.html.as_uri()

    dom = chromium(tmp_path, "--dump-dom", url)
    assert f"<title>{TITLE}</title>" in dom
    assert "Biochemistry, Genetics and Molecular Biology" in dom.split('id="leading-field"')[1]
    assert "Corpus: 51 papers; 51 counted in the shares, read by rules (rules-3)" in dom
    assert "adaptation" in dom.split('id="top-pattern"')[1][:200]
    assert "Test" in dom.split('id="top-stage"')[1][:200]
    assert dom.count("<img") == len(FIGURES) == 6 and dom.count("<table>") == 9
    assert "<b>Reuse patterns over time.</b>" in dom
    assert "Showing 10 of 37 rows; <code>kg query top_ptms -p limit=37</code>" in dom

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


def test_figures_for_a_paper_svg_pdf_and_dpi(demo_graph: GraphStore, tmp_path: Path) -> None:
    """Issue 19, friction 6: vector formats, a resolution, no title inside the image."""
    svg = write_report(demo_graph, tmp_path / "svg", "demo", format="svg")
    for spec in FIGURES:
        root = ElementTree.parse(tmp_path / "svg" / f"{spec.name}.svg").getroot()
        assert root.tag.endswith("svg"), spec.name
    assert 'src="data:image/svg+xml;base64,' in svg.html.read_text()
    write_report(demo_graph, tmp_path / "pdf", "demo", format="pdf")
    for spec in FIGURES:
        data = (tmp_path / "pdf" / f"{spec.name}.pdf").read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:], spec.name
    write_report(demo_graph, tmp_path / "png", "demo", dpi=300)
    width = imread(tmp_path / "png" / "stages.png").shape[1]
    assert width == 8 * 300  # 8 inches at 300 dpi


def test_figures_carry_no_title_and_their_axes_start_at_zero(demo_graph: GraphStore) -> None:
    tables = {spec.source: queries.run(demo_graph, spec.source) for spec in FIGURES}
    for spec in FIGURES:
        figure = spec.draw(tables[spec.source])
        assert figure.get_suptitle() == "", spec.name
        assert spec.title and spec.title not in spec.caption
        for axes in figure.axes:
            if axes.axison and spec.name not in ("ptm_field_flows",):
                assert spec.title not in axes.get_title()
                low = axes.get_ylim()[0] if spec.name in VERTICAL else axes.get_xlim()[0]
                assert low == 0, spec.name
    panels = FIGURES[4].draw(tables[FIGURES[4].source]).axes
    assert len([a for a in panels if a.axison]) == 8  # one panel per field: nothing hidden


VERTICAL = {"stages", "patterns_over_time", "adoption_over_time"}
