"""Neo4j Browser, driven for real: the session's Neo4j serves Browser (its jar is on the
server's classpath), Debian's headless Chromium opens it through playwright-core
(tests/browser/drive.mjs), connects over Bolt, imports the favourites zip and the style
file that `kg browser` writes, sets a module's parameters, runs the module from the
favourites, and reads the result frame's table. The screenshot is docs/browser.png."""

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from kg.graph.stores.neo4j import Neo4jStore
from kg.graph.stores.neo4j_server import Neo4jServer
from kg.questions import queries
from kg.questions.browser import export_kit
from tests.corpora import load_demo

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

DRIVER = Path(__file__).parent / "browser" / "drive.mjs"
SCREENSHOT = Path(__file__).parents[1] / "docs" / "browser.png"
MODULE, PARAMS = "top_ptms", {"limit": 5, "max_rank": 0}


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
        "screenshot": str(tmp_path / "browser.png"),
    }
    done = subprocess.run(["node", str(DRIVER)], input=json.dumps(request), capture_output=True,
                          text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert "error" not in report, report["error"]
    assert "node.Paper" in report["style"] and "#C6D6E8" in report["style"]  # ours, applied
    assert report["command"].startswith(f"// {module.question}")  # the favourite ran
    header, *rows = report["rows"]
    assert header.split() == list(module.columns)
    assert [cells(row) for row in rows] == [list(row.values()) for row in expected]
    assert len(rows) == PARAMS["limit"]
    SCREENSHOT.write_bytes((tmp_path / "browser.png").read_bytes())
