"""Your own Cypher (`kg cypher`, `kg query FILE.cypher`) runs read-only on both stores, and
`kg schema` prints the README's schema section."""

from pathlib import Path

import pytest

from extract.errors import QueryFailed
from kg.graph.describe import schema_markdown
from kg.graph.loader import counts, load_extractions, load_works
from kg.graph.stores.base import GraphStore
from kg.questions import queries
from tests.fixtures import kg, kg_env
from tests.graphs import EXTRACTIONS, WORKS

REPO = Path(__file__).parents[1]
WRITES = [
    "CREATE (n:Paper {id: 'W99'}) RETURN n.id AS id",
    "MATCH (p:Paper) SET p.title = 'x' RETURN count(p) AS n",
    "MATCH (m:Model) DETACH DELETE m",
    "MERGE (f:Field {id: 1}) RETURN f.id AS id",
]


@pytest.mark.parametrize("statement", WRITES)
def test_own_cypher_that_writes_is_refused_by_either_store(
    store: GraphStore, statement: str
) -> None:
    load_works(store, WORKS)
    load_extractions(store, EXTRACTIONS)
    before = counts(store)
    with pytest.raises(QueryFailed):
        queries.run_adhoc(store, queries.adhoc(statement, "mine"), {})
    assert counts(store) == before
    assert store.run("MATCH (p:Paper) WHERE p.title = 'x' RETURN count(p) AS n") == [{"n": 0}]


def test_own_cypher_reads_with_parameters_typed_and_names_resolved(store: GraphStore) -> None:
    load_works(store, WORKS)
    load_extractions(store, EXTRACTIONS)
    mine = queries.adhoc(
        "MATCH (p:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model) "
        "WHERE m.name = $model AND p.year >= $year RETURN p.id AS paper ORDER BY paper",
        "mine",
    )
    rows = queries.run_adhoc(store, mine, {"model": "esm2", "year": "2021"})
    assert rows == [{"paper": "W2"}, {"paper": "W3"}]  # esm2 is read as ESM-2, 2021 a number


def test_kg_cypher_and_kg_query_run_a_file_or_a_string(tmp_path: Path) -> None:
    assert kg(tmp_path, "demo").returncode == 0
    mine = REPO / "docs" / "examples" / "my_question.cypher"
    by_query = kg(tmp_path, "query", str(mine), "-p", "model=AlphaFold", "-f", "csv")
    assert by_query.returncode == 0, by_query.stderr
    assert by_query.stdout.splitlines()[0] == "paper,year,model,pattern"
    assert {"AlphaFold2", "AlphaFold-Multimer"} <= {
        line.split(",")[2] for line in by_query.stdout.splitlines()[1:]
    }
    by_cypher = kg(tmp_path, "cypher", str(mine), "-p", "model=AlphaFold", "-f", "csv")
    assert by_cypher.stdout == by_query.stdout
    text = kg(tmp_path, "cypher", "MATCH (s:Stage) RETURN s.name AS stage ORDER BY s.order",
              "-f", "csv")  # fmt: skip
    assert text.stdout.split() == ["stage", "Observation", "Background", "Hypothesis", "Test",
                                   "Analysis", "Conclusion"]  # fmt: skip
    empty = kg(tmp_path, "cypher", "MATCH (m:Model {name: 'none'}) RETURN m.name AS m")
    assert empty.returncode == 0 and "no rows" in empty.stderr
    write = kg(tmp_path, "cypher", "MATCH (p:Paper) DETACH DELETE p")
    assert write.returncode != 0 and "a write is refused" in write.stderr
    missing = kg_env(tmp_path, "query", "missing.cypher")
    assert missing.returncode != 0 and "no such file" in missing.stderr


def test_kg_schema_prints_the_readme_schema_section(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("<!-- kg schema -->\n", 1)[1].split("<!-- /kg schema -->", 1)[0]
    assert section == schema_markdown()
    printed = kg(tmp_path, "schema")
    assert printed.returncode == 0 and printed.stdout == section
    for words in ("`Reuse`", "(:Reuse)-[:WITH_PATTERN]->(:Pattern)", "`year` integer"):
        assert words in section
