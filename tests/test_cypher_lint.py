"""Every query file passes Neo4j's own Cypher linter (@neo4j-cypher/language-support)."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kg.graph.schema import LABELS, PROPERTY_KEYS, RELATIONSHIP_TYPES
from kg.questions import queries

LINT_DIR = Path(__file__).parent / "cypherlint"
SCHEMA = {
    "labels": list(LABELS),
    "relationshipTypes": list(RELATIONSHIP_TYPES),
    # the graph's properties, and the keys of the rows the writers send (kg/graph/schema.py)
    "propertyKeys": [*PROPERTY_KEYS, "props", "edges", "end", "start", "cleared"],
}


def lint(files: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    if not (LINT_DIR / "node_modules").is_dir() or not shutil.which("node"):
        pytest.fail("the Cypher linter is not installed: run `make test` (it runs npm ci)")
    done = subprocess.run(
        ["node", "lint.mjs"],
        cwd=LINT_DIR,
        input=json.dumps({"schema": SCHEMA, "files": files}),
        capture_output=True,
        text=True,
        check=True,
    )
    return {entry["path"]: entry["diagnostics"] for entry in json.loads(done.stdout)}


def test_every_query_file_passes_the_neo4j_linter() -> None:
    files = [
        {"path": name, "text": m.cypher, "parameters": m.defaults()}
        for name, m in queries.modules().items()
    ]
    report = lint(files)
    assert set(report) == set(queries.modules())
    assert {path: d for path, d in report.items() if d} == {}


def test_the_linter_catches_what_we_rely_on_it_for() -> None:
    files = [
        {"path": "typo", "text": "MATCH (p:Papr) RETURN p", "parameters": {}},
        {"path": "syntax", "text": "MATCH (p:Paper RETURN p", "parameters": {}},
        {"path": "param", "text": "MATCH (p:Paper) RETURN p LIMIT $limit", "parameters": {}},
    ]
    report = lint(files)
    assert [d["severity"] for d in report["typo"]] == [2]
    assert 1 in [d["severity"] for d in report["syntax"]]
    assert report["param"] and "limit" in report["param"][0]["message"]


def test_the_statements_written_from_the_schema_pass_the_neo4j_linter() -> None:
    from kg.graph.loader import EXTRACTIONS_CYPHER, WORKS_CYPHER
    from kg.graph.schema import SCHEMA as GRAPH
    from kg.graph.stores import neo4j_fresh
    from kg.graph.stores.base import seed_statements

    rows = {"rows": []}
    files = [
        {"path": "works", "text": WORKS_CYPHER, "parameters": rows},
        {"path": "extractions", "text": EXTRACTIONS_CYPHER, "parameters": rows},
        {"path": "fresh papers", "text": neo4j_fresh._create_papers(GRAPH), "parameters": rows},
        {"path": "fresh undo", "text": neo4j_fresh._undo_outcome(GRAPH), "parameters": rows},
    ]
    files += [{"path": f"seed {i}", "text": cypher, "parameters": parameters}
              for i, (cypher, parameters) in enumerate(seed_statements(GRAPH))]  # fmt: skip
    files += [{"path": f"fresh {n.label}", "text": neo4j_fresh._create_nodes(n), "parameters": rows}
              for n in GRAPH.nodes]  # fmt: skip
    files += [{"path": f"fresh {r.type}", "text": neo4j_fresh._create_edges(GRAPH, r),
               "parameters": rows} for r in GRAPH.relationships]  # fmt: skip
    assert {path: d for path, d in lint(files).items() if d} == {}


def test_the_statements_beside_the_modules_pass_the_neo4j_linter() -> None:
    folder = Path(__file__).parents[1] / "queries"
    parameters = {"ids": [], "id": "W1", "doi": "10.1/x"}
    files = [{"path": str(path.relative_to(folder)), "text": path.read_text(),
              "parameters": parameters} for path in sorted(folder.glob("*/*.cypher"))]  # fmt: skip
    assert len(files) >= 10
    assert {path: d for path, d in lint(files).items() if d} == {}
