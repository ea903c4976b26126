"""Every query file passes Neo4j's own Cypher linter (@neo4j-cypher/language-support)."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kg.questions import queries
from kg.schema import LABELS, PROPERTY_KEYS, RELATIONSHIP_TYPES

LINT_DIR = Path(__file__).parent / "cypherlint"
SCHEMA = {
    "labels": list(LABELS),
    "relationshipTypes": list(RELATIONSHIP_TYPES),
    "propertyKeys": list(PROPERTY_KEYS),
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


def test_the_loader_and_schema_statements_pass_the_neo4j_linter() -> None:
    from kg.loader import EXTRACTIONS_CYPHER, WORKS_CYPHER
    from kg.schema import SEED_HUBS, seed_parameters

    files = [
        {"path": "works", "text": WORKS_CYPHER, "parameters": {"rows": []}},
        {"path": "extractions", "text": EXTRACTIONS_CYPHER, "parameters": {"rows": []}},
        {"path": "seed", "text": SEED_HUBS, "parameters": seed_parameters()},
    ]
    assert {path: d for path, d in lint(files).items() if d} == {}
