"""Fixtures: a temporary workspace, a real embedded FalkorDB store, and Neo4j when configured."""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.stores.base import GraphStore
from kg.stores.falkor import FalkorStore

NEO4J_URI = os.environ.get("NEO4J_URI")
NEO4J_SKIP = "Neo4j tests need a running Neo4j 5: set NEO4J_URI (and NEO4J_PASSWORD)"


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
    """Each store the tests can reach, emptied; Neo4j is skipped with a reason when unset."""
    if request.param == "falkor":
        opened: GraphStore = FalkorStore(tmp_path / "ws")
    else:
        if not NEO4J_URI:
            pytest.skip(NEO4J_SKIP)  # visible reason: NEO4J_URI is unset
        from kg.stores.neo4j import Neo4jStore

        opened = Neo4jStore(
            NEO4J_URI,
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
        )
    try:
        opened.reset()
        yield opened
    finally:
        opened.close()


def _our_servers() -> list[str]:
    found = subprocess.run(["pgrep", "-af", "kg-falkor-"], capture_output=True, text=True)
    return [line for line in found.stdout.splitlines() if "redis-server" in line]


_ALREADY_RUNNING: set[str] = set()


def pytest_sessionstart(session: pytest.Session) -> None:
    _ALREADY_RUNNING.update(_our_servers())  # e.g. a benchmark running beside the tests


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No embedded redis-server started by the tests may outlive the test run."""
    left = [line for line in _our_servers() if line not in _ALREADY_RUNNING]
    if left:
        print("\nredis-server processes left behind by the tests:\n" + "\n".join(left))
        session.exitstatus = 1
