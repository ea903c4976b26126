"""Neo4j Browser, driven for real: the session's Neo4j serves Browser (its jar is on the
server's classpath), Debian's headless Chromium opens it through playwright-core
(tests/browser/drive.mjs), connects over Bolt, imports the favourites zip and the style
file that `kg browser` writes, sets a module's parameters, runs the module from the
favourites, and reads the result frame's table; then plays the ptm-kg guide (served as `make
neo4j` serves it), runs a slide's blocks, expands a Pattern node to its reuses and draws the
start graph, styled: the screenshot is docs/browser.png."""

import json
import subprocess
import threading
import zipfile
from pathlib import Path

import pytest

from kg.graph.statements import statement
from kg.graph.stores.neo4j import Neo4jStore
from kg.graph.stores.neo4j_server import Neo4jServer
from kg.questions import queries
from kg.questions.browser import export_kit
from kg.questions.browser.serve import guide_server, guide_url, write_guide
from tests.corpora import load_demo

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

DRIVER = Path(__file__).parent / "browser" / "drive.mjs"
SCREENSHOT = Path(__file__).parents[1] / "docs" / "browser.png"
MODULE, PARAMS = "top_ptms", {"limit": 5, "max_rank": 0}
GUIDED, PATTERN = "patterns_overall", "adaptation"  # a guide slide to run; a Pattern to expand


def cells(row: str) -> list[object]:
    """A row of Browser's table as text (row number, then tab-separated JSON values)."""
    return [json.loads(cell) for cell in row.split("\t")[1:]]


def test_browser_runs_a_favourite_with_its_parameters_and_the_style(
    neo4j: Neo4jServer, tmp_path: Path
) -> None:
    with Neo4jStore(neo4j.uri, "neo4j", neo4j.password) as store:
        load_demo(store, tmp_path / "ws")
        expected = queries.run(store, MODULE, {k: str(v) for k, v in PARAMS.items()})
    module = queries.get(MODULE)
    params = module.defaults() | PARAMS  # Browser needs every parameter the module reads
    guided = queries.get(GUIDED)
    with Neo4jStore(neo4j.uri, "neo4j", neo4j.password) as store:
        guide_rows = queries.run(store, GUIDED)
        (reuses,) = store.run(f"MATCH (:Pattern {{name: '{PATTERN}'}})<-[:WITH_PATTERN]-(u:Reuse) "
                              "RETURN count(u) AS n")  # fmt: skip
    guide = guide_server(tmp_path / "guide")
    write_guide(tmp_path / "guide")
    threading.Thread(target=guide.serve_forever, daemon=True).start()
    favourites, style = export_kit(tmp_path / "kit")
    with zipfile.ZipFile(favourites) as kit:
        assert f"ptm-kg/{MODULE}.cypher" in kit.namelist()
    request = {
        "chromium": "/usr/bin/chromium",
        "url": f"{neo4j.browser_url}?dbms=bolt://neo4j@127.0.0.1:{neo4j.bolt_port}"
        "&preselectAuthMethod=NATIVE",
        "password": neo4j.password,
        "favourites": str(favourites),
        "style": str(style),
        "params": params,
        "folder": "ptm-kg",
        "question": module.question,
        "guide": guide_url(guide),
        "guideQuestion": guided.question,
        "pattern": PATTERN,
        "start": statement("browser/field_graph"),
        "screenshot": str(tmp_path / "browser.png"),
    }
    try:
        done = subprocess.run(["node", str(DRIVER)], input=json.dumps(request),
                              capture_output=True, text=True, timeout=600)  # fmt: skip
    finally:
        guide.shutdown()
        guide.server_close()
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "error" not in report, report["error"]
    assert "node.Paper" in report["style"] and "#C6D6E8" in report["style"]  # ours, applied
    assert report["command"].startswith(f"// {module.question}")  # the favourite ran
    header, *rows = report["rows"]
    assert header.split() == list(module.columns)
    assert [cells(row) for row in rows] == [list(row.values()) for row in expected]
    assert len(rows) == PARAMS["limit"]
    # the guide played, its slide's blocks set the parameters and ran the question
    assert report["guideTitle"] == "ptm-kg"
    assert report["guideCommand"].startswith(f"// {guided.question}")
    header, *rows = report["guideRows"]
    assert header.split() == list(guided.columns)
    assert [cells(row) for row in rows] == [list(row.values()) for row in guide_rows]
    # a Pattern node's neighbours are its reuses, one relationship each
    assert report["expanded"] == {"nodes": 1 + reuses["n"], "relationships": reuses["n"]}
    assert report["startNodes"] > 20  # a field, its papers, reuses, models, patterns, stages
    SCREENSHOT.write_bytes((tmp_path / "browser.png").read_bytes())
