"""Fixtures: a temporary workspace, a real embedded FalkorDB store, and a real Neo4j.

The Neo4j tests share one Neo4j 5.26 community server, started once per session from the
jars Maven resolves for neo4j-maven/pom.xml (kg/graph/stores/neo4j_server.py); they skip only where
java or mvn is missing, and say so.
"""

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kg.graph.stores.base import GraphStore
from kg.graph.stores.falkor import FalkorStore
from kg.graph.stores.neo4j_server import NEO4J_VERSION, Neo4jServer, classpath, tools_missing
from kg.workspace import Workspace

NEO4J_HOME_PREFIX = "kg-neo4j-"  # the folders of the servers neo4j_server() starts
_NEO4J_TIMES: list[str] = []
_NEO4J_HOMES: list[str] = []  # every home neo4j_server() made in this run


@contextmanager
def neo4j_server(**options: str) -> Iterator[Neo4jServer]:
    """A fresh Neo4j server for the duration of the block; skipped without java or mvn."""
    if reason := tools_missing():
        pytest.skip(f"no Neo4j on this machine: {reason}")
    began = time.monotonic()
    classpath()  # the first call resolves the jars with Maven
    resolved = time.monotonic() - began
    home = Path(tempfile.mkdtemp(prefix=NEO4J_HOME_PREFIX))
    _NEO4J_HOMES.append(str(home))
    server = Neo4jServer(home / "neo4j", **options)
    try:
        server.create()
        server.start()
        _NEO4J_TIMES.append(f"Neo4j {NEO4J_VERSION} started in {server.started_in:.1f} s "
                            f"(Maven classpath {resolved:.1f} s)")  # fmt: skip
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """An empty workspace in the test's own folder, closed afterwards."""
    opened = Workspace(tmp_path / "ws")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def neo4j() -> Iterator[Neo4jServer]:
    """The session's Neo4j server."""
    with neo4j_server() as server:
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in _NEO4J_TIMES:
        terminalreporter.write_line(line)


@pytest.fixture
def falkor(tmp_path: Path) -> Iterator[GraphStore]:
    store = FalkorStore(tmp_path / "ws")
    store.setup_schema()
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["falkor", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """Each store, emptied: the embedded FalkorDB, and the session's Neo4j."""
    if request.param == "falkor":
        opened: GraphStore = FalkorStore(tmp_path / "ws")
    else:
        from kg.graph.stores.neo4j import Neo4jStore

        server: Neo4jServer = request.getfixturevalue("neo4j")
        opened = Neo4jStore(server.uri, "neo4j", server.password)
    try:
        opened.reset()
        yield opened
    finally:
        opened.close()


def _our_servers(session: pytest.Session) -> list[str]:
    """The redis-server and Neo4j processes this run started and that still run: those
    working in (or naming) a folder of the run's temporary tree or a Neo4j home it made. A
    user's own `make neo4j` or `kg` in another terminal works elsewhere, and is not ours."""
    roots = [str(session.config._tmp_path_factory.getbasetemp()), *_NEO4J_HOMES]
    found = subprocess.run(["pgrep", "-af", "kg-falkor-|kg-neo4j-|redis-server"],
                           capture_output=True, text=True)  # fmt: skip
    ours = []
    for line in found.stdout.splitlines():
        if "redis-server" not in line and "CommunityEntryPoint" not in line:
            continue
        try:
            cwd = os.readlink(f"/proc/{line.split()[0]}/cwd")
        except OSError:
            cwd = ""
        if any(root in line or cwd.startswith(root) for root in roots):
            ours.append(line)
    return ours


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No redis-server or Neo4j started by the tests may outlive the test run."""
    left = _our_servers(session)
    if left:
        print("\nservers left behind by the tests:\n" + "\n".join(left))
        session.exitstatus = 1
