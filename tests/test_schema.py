"""The schema is declared once (kg/graph/schema.py): a node type added there, here a
test-only Dataset with its USES_DATASET edge, goes through every writer unchanged, and no
other module in kg/ or bench/ spells a label or relationship type in its Cypher or CSV."""

import re
import shlex
from pathlib import Path

import pytest

from extract.records import ExtractionFailure, Outcome
from extract.taxonomy import Role
from kg.graph.loader import counts, load_outcomes, load_works
from kg.graph.schema import (
    SCHEMA,
    NodeType,
    PaperRows,
    RelType,
    Row,
    extraction_row,
    work_row,
)
from kg.graph.stores.base import GraphStore
from kg.graph.stores.falkor import FalkorStore
from kg.graph.stores.falkor_bulk import BulkWriter, bulk_load
from kg.graph.stores.neo4j import Neo4jStore
from kg.graph.stores.neo4j_fresh import fresh_load
from kg.graph.stores.neo4j_import import write_import
from kg.graph.stores.neo4j_server import Neo4jServer
from tests.conftest import neo4j_server
from tests.graphs import EXTRACTIONS, ROLE_EXTRACTIONS, ROLE_WORKS, WORKS

REPO = Path(__file__).parents[1]
NAMES = (SCHEMA.labels, SCHEMA.relationship_types)


def _datasets(outcome: Outcome) -> list[Row]:
    """Test-only: a paper reusing a model of family F is said to use the dataset "F corpus"."""
    if isinstance(outcome, ExtractionFailure):
        return []
    families = dict.fromkeys(r.family for r in outcome.with_role(Role.used))
    return [{"end": {"name": f"{family} corpus", "size": len(family)},
             "props": {"evidence": f"trained on {family} data"}}
            for family in families]  # fmt: skip


DATASET = NodeType("Dataset", "name", {"name": str, "size": int})
USES_DATASET = RelType("USES_DATASET", "Paper", "Dataset", {"evidence": str}, "outcome", _datasets)
WITH_DATASETS = SCHEMA.with_types(DATASET, USES_DATASET)
USES = "MATCH (p:Paper)-[u:USES_DATASET]->(d:Dataset) RETURN p.id AS paper, d.name AS dataset, \
d.size AS size, u.evidence AS evidence ORDER BY paper, dataset"


def _pairs() -> list[PaperRows]:
    works, extractions = WORKS + ROLE_WORKS, EXTRACTIONS + ROLE_EXTRACTIONS
    return [(work_row(w, WITH_DATASETS), extraction_row(e, WITH_DATASETS))
            for w, e in zip(works, extractions, strict=True)]  # fmt: skip


def _merge(store: GraphStore) -> tuple[dict[str, int], list[Row]]:
    pairs = _pairs()
    load_works(store, WORKS + ROLE_WORKS, schema=WITH_DATASETS)
    load_outcomes(store, [o for _, o in pairs], schema=WITH_DATASETS)
    load_outcomes(store, [o for _, o in pairs], schema=WITH_DATASETS)  # idempotent too
    return counts(store, WITH_DATASETS), store.run(USES)


def test_a_new_node_type_is_merged_from_the_schema_alone(falkor: GraphStore) -> None:
    found, uses = _merge(falkor)
    used = {(e.work_id, r.family) for e in EXTRACTIONS + ROLE_EXTRACTIONS
            for r in e.reuses if r.role is Role.used}  # fmt: skip
    assert {(u["paper"], u["dataset"]) for u in uses} == {(p, f"{f} corpus") for p, f in used}
    assert found["Dataset"] == len({f for _, f in used}) and found["USES_DATASET"] == len(used)
    assert {"dataset": "ESM corpus", "size": 3, "evidence": "trained on ESM data"}.items() <= next(
        u for u in uses if u["dataset"] == "ESM corpus"
    ).items()


def test_a_new_node_type_is_bulk_loaded_from_the_schema_alone(falkor: FalkorStore) -> None:
    merged = _merge(falkor)
    falkor.reset()
    falkor._graph.delete()  # GRAPH.BULK creates the graph
    pairs = _pairs()
    bulk_load(BulkWriter(falkor._db.connection, falkor._graph.name, schema=WITH_DATASETS),
              lambda: iter(pairs), WITH_DATASETS)  # fmt: skip
    assert (counts(falkor, WITH_DATASETS), falkor.run(USES)) == merged


@pytest.mark.neo4j
def test_a_new_node_type_reaches_neo4j_by_create_and_by_import(
    falkor: GraphStore, neo4j: Neo4jServer, tmp_path: Path
) -> None:
    merged = _merge(falkor)
    pairs = _pairs()
    with Neo4jStore(neo4j.uri, "neo4j", neo4j.password) as store:
        store.reset()
        assert fresh_load(store, lambda: iter(pairs), WITH_DATASETS) == {}
        assert (counts(store, WITH_DATASETS), store.run(USES)) == merged
        store.reset()
        assert _merge(store) == merged
        store.reset()
    command = write_import(lambda: iter(pairs), tmp_path / "csv", WITH_DATASETS)
    header = (tmp_path / "csv" / "USES_DATASET.csv").read_text().splitlines()[0]
    assert header == ":START_ID(Paper),evidence,:END_ID(Dataset)"
    with neo4j_server() as server:
        server.stop()
        assert "IMPORT DONE" in server.admin(*shlex.split(command)[1:])
        server.start()
        with Neo4jStore(server.uri, "neo4j", server.password) as imported:
            imported.setup_schema()
            assert (counts(imported, WITH_DATASETS), imported.run(USES)) == merged


def _spelt_by_hand(text: str, labels: tuple[str, ...], types: tuple[str, ...]) -> list[str]:
    """Labels and types written into Cypher patterns (`(p:Paper`, `[:REUSES`, `|IN_FIELD`)
    or into CSV headers and file names (`:ID(Paper)`, `"Paper.csv"`). A count looked up by
    name (`counts["Paper"]`) is neither."""
    names = "|".join((*labels, *types))
    cypher = rf"[(\[]\w*:(?:{names})\b|\|(?:{'|'.join(types)})\b"
    header = rf"ID\((?:{names})\)|[\"'/](?:{names})\.csv\b"
    return re.findall(rf"{cypher}|{header}", text)


def test_no_module_but_the_schema_spells_a_label_or_type() -> None:
    sources = [*(REPO / "kg").rglob("*.py"), *(REPO / "bench").rglob("*.py")]
    found = {str(path.relative_to(REPO)): hits for path in sources
             if path != REPO / "kg" / "graph" / "schema.py"
             and (hits := _spelt_by_hand(path.read_text(), *NAMES))}  # fmt: skip
    assert found == {}


def test_the_check_finds_what_it_looks_for() -> None:
    for spelt in ("MATCH (p:Paper)", "-[r:REUSES]->", "[old:IN_FIELD|INTRODUCES]", "(:Model)",
                  '":ID(Field)"', 'open("Stage.csv")', '"/tmp/REUSES.csv"'):  # fmt: skip
        assert _spelt_by_hand(spelt, *NAMES), spelt
    for plain in ("MATCH (p:Papers)", "a Paper's title", "list[Paper]", 'counts["Paper"]'):
        assert not _spelt_by_hand(plain, *NAMES), plain
