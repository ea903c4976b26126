from pathlib import Path
from typing import Any

from extract.records import Work
from extract.taxonomy import Pattern, Stage
from kg.graph.loader import counts, extraction_row, load_extractions, load_works, work_row
from kg.graph.stores.base import GraphStore
from tests.graphs import (
    EXTRACTIONS,
    ROLE_EXTRACTIONS,
    ROLE_WORKS,
    WORKS,
    extraction,
    reuse,
    work,
)

# A reuse's parts, read back through its Reuse node; a missing pattern or stage is none.
REUSES = ("MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model) "
          "OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern) "
          "OPTIONAL MATCH (u)-[:AT_STAGE]->(s:Stage) ")  # fmt: skip


def load(store: GraphStore, batch_size: int = 1000, roles: bool = False) -> None:
    load_works(store, WORKS + (ROLE_WORKS if roles else []), batch_size=batch_size)
    extractions = EXTRACTIONS + (ROLE_EXTRACTIONS if roles else [])
    load_extractions(store, extractions, batch_size=batch_size)


def test_loading_builds_the_schema_of_the_design(store: GraphStore) -> None:
    load(store)
    assert counts(store) == {
        "Paper": 6, "Model": 4, "Field": 4, "Pattern": 3, "Stage": 6,
        "Reuse": 6, "IN_FIELD": 8, "HAS_REUSE": 6, "REUSES": 6, "WITH_PATTERN": 6,
        "AT_STAGE": 6, "INTRODUCES": 0,
    }  # fmt: skip


def test_only_used_models_are_reuses_created_ones_are_introduced(store: GraphStore) -> None:
    load(store, roles=True)
    found = counts(store)
    # W7's PlanktoNet is INTRODUCES, its background AlexNet is in no edge, and its ESM-2
    # (pattern and stage undetermined) is a Reuse with no WITH_PATTERN and no AT_STAGE edge:
    # there is no hub for undetermined.
    assert (found["Model"], found["REUSES"], found["INTRODUCES"]) == (5, 9, 1)
    assert (found["Reuse"], found["WITH_PATTERN"], found["AT_STAGE"]) == (9, 8, 7)
    assert (found["Pattern"], found["Stage"]) == (3, 6)
    made = store.run("MATCH (p:Paper)-[i:INTRODUCES]->(m:Model) "
                     "RETURN p.id AS p, m.name AS m, i.role AS role")  # fmt: skip
    assert made == [{"p": "W7", "m": "PlanktoNet", "role": "created"}]
    w7 = store.run(REUSES + "WITH p, m, pat, s WHERE p.id = 'W7' "
                   "RETURN m.name AS m, pat.name AS pattern, s.name AS stage")  # fmt: skip
    assert w7 == [{"m": "ESM-2", "pattern": None, "stage": None}]
    assert store.run("MATCH (n) WHERE n.name = 'undetermined' RETURN count(n) AS n") == [{"n": 0}]


def test_loading_roles_twice_changes_no_counts(store: GraphStore) -> None:
    load(store, roles=True)
    first = counts(store)
    load(store, batch_size=2, roles=True)
    assert counts(store) == first


def test_loading_twice_changes_no_counts(store: GraphStore) -> None:
    load(store)
    first = counts(store)
    load(store, batch_size=2)
    assert counts(store) == first


def test_a_new_extraction_replaces_the_old_edges(store: GraphStore) -> None:
    load(store)
    load_extractions(store, [extraction(1, True, reuse("BERT", Pattern.deployment, Stage.Test))])
    found = store.run(REUSES + "WITH p, m, pat, s WHERE p.id = 'W1' "
                      "RETURN m.name AS model, pat.name AS p, s.name AS s")  # fmt: skip
    assert found == [{"model": "BERT", "p": "deployment", "s": "Test"}]
    assert counts(store)["Reuse"] == 6 - 2 + 1  # W1's two old reuses are gone, with their edges


def test_fields_are_rewritten_from_the_work(store: GraphStore) -> None:
    load(store)
    load_works(store, [work(1, 2020, 28)])
    rows = store.run(
        "MATCH (:Paper {id: 'W1'})-[r:IN_FIELD]->(f:Field) RETURN f.id AS id, r.rank AS rank"
    )
    assert rows == [{"id": 28, "rank": 0}]


def test_titles_and_model_names_with_cypher_syntax_load_verbatim(store: GraphStore) -> None:
    nasty = 'a "quoted" \\ back\'slash {brace} (paren) MATCH (n) DETACH DELETE n //'
    load_works(store, [Work(id="W9", title=nasty, year=2020)])
    load_extractions(store, [extraction(9, True, reuse(nasty, Pattern.adaptation, Stage.Test))])
    assert store.run("MATCH (p:Paper {id: 'W9'}) RETURN p.title AS t") == [{"t": nasty}]
    assert store.run("MATCH (m:Model) RETURN m.name AS n") == [{"n": nasty}]


def test_a_field_listed_twice_keeps_its_best_rank() -> None:
    row = work_row(work(1, 2020, 13, 17, 13))
    edges = row["edges"]["IN_FIELD"]
    assert [(e["end"]["id"], e["props"]["rank"]) for e in edges] == [(13, 0), (17, 1)]


def test_a_model_reused_twice_in_one_paper_is_one_edge() -> None:
    twice = extraction(1, True, reuse("ESM-2", Pattern.adaptation, Stage.Test),
                       reuse("ESM-2", Pattern.deployment, Stage.Analysis))  # fmt: skip
    edges = extraction_row(twice)["edges"]
    assert [e["start"] for e in edges["REUSES"]] == ["W1/ESM-2"]
    assert [e["end"]["name"] for e in edges["WITH_PATTERN"]] == ["adaptation"]


def _pairs() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    works, extractions = WORKS + ROLE_WORKS, EXTRACTIONS + ROLE_EXTRACTIONS
    return [(work_row(w), extraction_row(e)) for w, e in zip(works, extractions, strict=True)]


def test_a_bulk_build_is_the_merge_build(falkor: GraphStore, tmp_path: Path) -> None:
    pairs = _pairs()
    assert falkor.load_fresh(lambda: iter(pairs)) == []
    bulk = counts(falkor)
    query = (REUSES + "RETURN p.id AS p, p.uses_ptms AS u, p.year AS y, m.name AS m, "
             "m.family AS f, pat.name AS pattern, s.name AS stage, s.order AS o, "
             "u.evidence AS e ORDER BY p, m")  # fmt: skip
    made = ("MATCH (p:Paper)-[i:INTRODUCES]->(m:Model) RETURN p.id AS p, m.name AS m, "
            "i.evidence AS e, i.role AS role")  # fmt: skip
    bulk_rows, bulk_made = falkor.run(query), falkor.run(made)
    falkor.reset()
    load(falkor, roles=True)
    assert counts(falkor) == bulk
    assert (falkor.run(query), falkor.run(made)) == (bulk_rows, bulk_made)
    assert falkor.load_fresh(lambda: iter(pairs)) == [] and counts(falkor) == bulk  # again: fresh


def test_neo4j_import_files_hold_the_same_graph(tmp_path: Path) -> None:
    from kg.graph.stores.neo4j_import import write_import

    pairs = _pairs()
    command = write_import(lambda: iter(pairs), tmp_path / "csv")
    assert command.startswith("neo4j-admin database import full --nodes=Pattern=")
    lines = {f.stem: f.read_text().splitlines() for f in (tmp_path / "csv").glob("*.csv")}
    assert lines["Paper"][0].startswith(":ID(Paper),id,doi,title,year:int")
    assert lines["Field"][0] == ":ID(Field),id:int,name,domain"
    assert lines["Reuse"][0] == ":ID(Reuse),id,mention,form,evidence,found_by,role"
    assert lines["REUSES"][0] == ":START_ID(Reuse),:END_ID(Model)"
    assert lines["INTRODUCES"][0].startswith(":START_ID(Paper),mention,")
    assert {k: len(v) - 1 for k, v in lines.items()} == {
        "Pattern": 3, "Stage": 6, "Field": 4, "Model": 5, "Paper": 9, "Reuse": 9,
        "IN_FIELD": 11, "HAS_REUSE": 9, "REUSES": 9, "WITH_PATTERN": 8, "AT_STAGE": 7,
        "INTRODUCES": 1}  # fmt: skip


def test_a_paper_records_which_extractor_version_answered(store: GraphStore) -> None:
    load(store)
    load_extractions(store, [extraction(1, False).model_copy(update={"extractor_version": "r7"})])
    rows = store.run(
        "MATCH (p:Paper {id: 'W1'}) "
        "RETURN p.extractor AS e, p.extractor_version AS v, p.prompt_version AS old"
    )
    assert rows == [{"e": "hand", "v": "r7", "old": None}]
