"""`kg browser`, `kg demo` and the cannot-reach error point at the Neo4j that runs: the one
`make neo4j` started (what it wrote in .neo4j/), else docker compose's; `kg where` names the
build of the store it points at."""

import os
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from kg.graph.stores.neo4j_server import (
    Neo4jServer,
    background_server,
    record_background,
    start_guide,
    stop_background,
)
from kg.questions.browser import browser_line, browser_target
from tests.fixtures import kg, kg_env


@pytest.mark.neo4j
def test_the_server_make_neo4j_started_is_where_browser_points(
    neo4j: Neo4jServer, tmp_path: Path
) -> None:
    record_background(neo4j, tmp_path / ".neo4j")
    running = background_server(tmp_path / ".neo4j")
    assert running is not None and running["uri"] == neo4j.uri
    target = browser_target(running)
    assert target.connect_url == (f"{neo4j.browser_url}?dbms=bolt://neo4j@127.0.0.1:"
                                  f"{neo4j.bolt_port}&preselectAuthMethod=NATIVE")  # fmt: skip
    line = browser_line(target)
    assert neo4j.browser_url in line and neo4j.uri in line and "make neo4j" in line
    assert str(tmp_path / ".neo4j" / "env") in line
    assert neo4j.password not in (tmp_path / ".neo4j" / "server.json").read_text()


def test_without_a_running_server_browser_is_docker_composes(tmp_path: Path) -> None:
    state = tmp_path / ".neo4j"
    state.mkdir()
    (state / "pid").write_text(str(os.getpid()))  # alive, but no Neo4j
    (state / "server.json").write_text('{"uri": "bolt://127.0.0.1:1", "user": "neo4j", '
                                       '"browser_url": "http://127.0.0.1:2/browser/"}')  # fmt: skip
    assert background_server(state) is None
    line = browser_line(browser_target(None))
    assert "http://localhost:7474/browser/" in line and "bolt://localhost:7687" in line
    assert "docker compose up -d" in line and ".env" in line


def test_kg_where_names_the_build_of_the_store_it_points_at(tmp_path: Path) -> None:
    assert kg(tmp_path, "demo").returncode == 0
    embedded = kg(tmp_path, "where").stdout
    assert "Last build of this store: bulk" in embedded or "Last build of this store" in embedded
    neo = kg_env(tmp_path, "where", KG_STORE="neo4j", NEO4J_URI="bolt://127.0.0.1:1").stdout
    assert "Last build of this store" not in neo
    assert "No build of this store from this workspace yet" in neo and "FalkorDB" in neo


def test_the_guide_make_neo4j_serves_is_fetched_cross_origin_and_stopped_with_it(
    tmp_path: Path,
) -> None:
    state = tmp_path / ".neo4j"
    state.mkdir()
    url = start_guide(state)
    pid = int((state / "guide.pid").read_text())
    threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True).start()  # reap it
    try:
        for _ in range(100):  # the process writes the page, then listens
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    page, headers = response.read().decode(), response.headers
                break
            except OSError:
                time.sleep(0.1)
        assert (
            "<title>ptm-kg" in page and page.count("<slide") == 9
        )  # the start, 7 questions, the schema
        assert headers["Access-Control-Allow-Origin"] == "*"
        preflight = urllib.request.Request(url, method="OPTIONS")
        with urllib.request.urlopen(preflight, timeout=2) as response:
            assert response.status == 204
    finally:
        assert stop_background(state) == "No Neo4j was running."
    time.sleep(0.5)
    assert not Path(f"/proc/{pid}").exists() and not (state / "guide.pid").exists()
