"""The trust behaviours of tests/test_trust.py, on the real Neo4j: `kg` run as a user runs it,
with KG_STORE=neo4j against the session's server."""

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from kg.graph.loader import counts, extraction_row, load_outcomes, load_works, work_row
from kg.graph.stores.base import GraphStore
from kg.graph.stores.neo4j import Neo4jStore
from kg.graph.stores.neo4j_server import Neo4jServer
from tests.fixtures import a_paper, env_for, kg_env, one_line_error, run_until, write_corpus
from tests.graphs import EXTRACTIONS, WORKS

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def neo4j_env(server: Neo4jServer) -> dict[str, str]:
    return {"KG_STORE": "neo4j", "NEO4J_URI": server.uri, "NEO4J_PASSWORD": server.password}


def graph_counts(server: Neo4jServer) -> dict[str, int]:
    with Neo4jStore(server.uri, "neo4j", server.password) as store:
        return counts(store)


def test_reload_is_idempotent_and_reset_waits_for_valid_input(
    neo4j: Neo4jServer, tmp_path: Path
) -> None:
    env = neo4j_env(neo4j)
    good = write_corpus(tmp_path / "good.jsonl", [a_paper(n) for n in range(1, 31)])
    assert kg_env(tmp_path, "load", "--reset", str(good), **env).returncode == 0
    first = graph_counts(neo4j)
    assert first["Paper"] == 30 and first["REUSES"] == first["Reuse"] == 30
    again = kg_env(tmp_path, "load", str(good), **env)  # the MERGE path, into a full graph
    assert again.returncode == 0, again.stderr
    assert graph_counts(neo4j) == first
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"work": {}}\nnot json\n{"text": 1}\n')
    line = one_line_error(kg_env(tmp_path, "load", "--reset", str(bad), **env))
    assert "no valid paper" in line
    assert graph_counts(neo4j) == first


def test_a_killed_load_warns_as_incomplete_and_rebuild_recovers(
    neo4j: Neo4jServer, tmp_path: Path
) -> None:
    env = neo4j_env(neo4j)
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 4001)])
    clean = kg_env(tmp_path, "load", "--reset", str(corpus), **env)
    assert clean.returncode == 0, clean.stderr
    expected = graph_counts(neo4j)
    db = tmp_path / "ws" / "corpus.sqlite"

    def builds() -> int:
        with sqlite3.connect(db) as conn:
            return int(conn.execute("SELECT count(*) FROM builds").fetchone()[0])

    before, began = builds(), time.monotonic()
    run_until(tmp_path, ["load", "--rebuild"], env_for(tmp_path, **env),
              lambda: builds() > before and time.monotonic() - began > 0.5)  # fmt: skip
    stats = kg_env(tmp_path, "stats", **env)
    assert "incomplete build" in stats.stderr and "kg load --rebuild" in stats.stderr
    rebuilt = kg_env(tmp_path, "load", "--rebuild", **env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert graph_counts(neo4j) == expected
    assert "incomplete build" not in kg_env(tmp_path, "stats", **env).stderr


def _poison(row: dict[str, Any], evidence: object) -> dict[str, Any]:
    """`row` with its first reuse's evidence replaced by a value no store takes."""
    (first, *rest) = row["edges"]["HAS_REUSE"]
    bad = dict(first, end=dict(first["end"], evidence=evidence))
    return dict(row, edges=dict(row["edges"], HAS_REUSE=[bad, *rest]))


def test_one_refused_record_does_not_sink_its_batch(store: GraphStore) -> None:
    """A map is no property value in either store: that record alone is refused."""
    load_works(store, WORKS)
    rows = [extraction_row(e) for e in EXTRACTIONS]
    poisoned = _poison(rows[2], {"not": "a value"})
    refused = load_outcomes(store, [*rows[:2], poisoned, *rows[3:]])
    assert [r.id for r in refused] == ["W3"]
    assert "refused" in refused[0].reason
    found = store.run("MATCH (p:Paper) WHERE p.status = 'extracted' RETURN count(p) AS n")
    assert found[0]["n"] == len(WORKS) - 1


def test_one_refused_record_does_not_sink_a_fresh_neo4j_batch(neo4j: Neo4jServer) -> None:
    """The CREATE path into an empty Neo4j: the refused paper is left as the MERGE path
    leaves it (work loaded, no status, no reuse), every other paper loads whole."""
    pairs = [(work_row(w), extraction_row(e)) for w, e in zip(WORKS, EXTRACTIONS, strict=True)]
    pairs[2] = (pairs[2][0], _poison(pairs[2][1], {"not": "a value"}))
    with Neo4jStore(neo4j.uri, "neo4j", neo4j.password) as store:
        refused = store.load_fresh(lambda: iter(pairs))
        assert [r.id for r in refused] == ["W3"]
        rows = store.run("MATCH (p:Paper) OPTIONAL MATCH (p)-[:HAS_REUSE]->(r:Reuse) "
                         "RETURN p.id AS id, p.status AS status, count(r) AS reuses")  # fmt: skip
        found = {row["id"]: (row["status"], row["reuses"]) for row in rows}
        assert found.pop("W3") == (None, 0)
        expected = {w.id: ("extracted", len(e.reuses)) for w, e in zip(WORKS, EXTRACTIONS,
                                                                        strict=True)}  # fmt: skip
        del expected["W3"]
        assert found == expected
