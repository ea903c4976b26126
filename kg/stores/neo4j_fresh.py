"""Fresh Neo4j builds over Bolt: an empty graph filled with CREATE, in large batches.

When the graph is known empty, nothing needs MERGE's look-up-then-lock: every paper and edge
is new. The rows are read once, in batches of papers; per batch, flat statements, each an
UNWIND over plain rows: the fields and models no earlier batch named, the papers (CREATE,
all properties), then IN_FIELD, REUSES (with APPLIES and IMPACTS) and INTRODUCES (MATCH both
ends by their unique keys, CREATE the edge). Keeping them flat keeps Neo4j's
planner from inserting Eager barriers (a dynamic `SET p += map` followed by a read of the
same label's properties forces one).

The rows are the loader's, so the graph is the one the MERGE loader and FalkorDB's bulk
build make. A statement the store refuses is halved until the refused rows are found (as in
kg/loader.py); a paper whose reuses were refused is left as the MERGE loader leaves a paper
whose extraction it refused: its work loaded, no status, no REUSES, APPLIES, IMPACTS or
INTRODUCES edges.
"""

from collections.abc import Callable, Iterator
from itertools import batched
from typing import Any

from extract.errors import QueryFailed
from kg.stores.base import GraphStore, Row

PaperRows = tuple[Row, Row]
BATCH = 5000

_FIELDS = "UNWIND $rows AS row CREATE (f:Field {id: row.id, name: row.name, domain: row.domain})"
_MODELS = """UNWIND $rows AS row
CREATE (m:Model {name: row.name, family: row.family, modality: row.modality})"""
_PAPERS = "UNWIND $rows AS row CREATE (p:Paper) SET p = row.props"
_IN_FIELD = """UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
MATCH (f:Field {id: row.field})
CREATE (p)-[:IN_FIELD {rank: row.rank, score: row.score}]->(f)"""
# An undetermined pattern or stage has no hub: no APPLIES or IMPACTS edge then.
_REUSES = """UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
MATCH (m:Model {name: row.model})
OPTIONAL MATCH (pattern:Pattern {name: row.pattern})
OPTIONAL MATCH (stage:Stage {name: row.stage})
CREATE (p)-[:REUSES {mention: row.mention, pattern: row.pattern, stage: row.stage,
                     form: row.form, evidence: row.evidence, found_by: row.found_by,
                     role: row.role}]->(m)
FOREACH (hub IN CASE WHEN pattern IS NULL THEN [] ELSE [pattern] END |
  CREATE (p)-[:APPLIES {model: row.model}]->(hub))
FOREACH (hub IN CASE WHEN stage IS NULL THEN [] ELSE [stage] END |
  CREATE (p)-[:IMPACTS {model: row.model}]->(hub))"""
_INTRODUCES = """UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
MATCH (m:Model {name: row.model})
CREATE (p)-[:INTRODUCES {mention: row.mention, evidence: row.evidence,
                         found_by: row.found_by, role: row.role}]->(m)"""
_UNDO_OUTCOME = """UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
OPTIONAL MATCH (p)-[old:REUSES|APPLIES|IMPACTS|INTRODUCES]->()
DELETE old
WITH DISTINCT p, row
SET p += row.cleared"""


def _write(store: GraphStore, cypher: str, rows: list[Row]) -> dict[str, str]:
    """Write `rows`, halving on refusal; returns the refused rows' ids with the reason."""
    if not rows:
        return {}
    try:
        store.run(cypher, {"rows": rows})
        return {}
    except QueryFailed as error:
        if len(rows) == 1:
            return {str(rows[0]["id"]): str(error)}
    middle = len(rows) // 2
    return _write(store, cypher, rows[:middle]) | _write(store, cypher, rows[middle:])


def fresh_load(store: GraphStore, rows: Callable[[], Iterator[PaperRows]]) -> dict[str, str]:
    """Fill an empty store from (work row, outcome row) pairs, in one pass. Returns the ids
    of the papers the store refused (in part), with the reason."""
    created: set[tuple[str, Any]] = set()  # the fields and models already in the store
    refused: dict[str, str] = {}
    for papers_here in batched(rows(), BATCH):
        _write_new_nodes(store, papers_here, created)
        refused |= _write_papers(store, papers_here)
    return refused


def _write_new_nodes(
    store: GraphStore, chunk: tuple[PaperRows, ...], created: set[tuple[str, Any]]
) -> None:
    """The fields and models this batch names that earlier batches did not; the first
    paper to name one sets its properties, as in FalkorDB's bulk build."""
    fields: dict[Any, Row] = {}
    models: dict[str, Row] = {}
    for work, outcome in chunk:
        for field in work["fields"]:
            if ("Field", field["id"]) not in created:
                fields.setdefault(field["id"], field)
        for reuse in (*outcome["reuses"], *outcome["introduces"]):
            if ("Model", reuse["model"]) not in created:
                models.setdefault(reuse["model"], {"name": reuse["model"], **reuse})
    if fields:
        store.run(_FIELDS, {"rows": list(fields.values())})
    if models:
        store.run(_MODELS, {"rows": list(models.values())})
    created.update(("Field", key) for key in fields)
    created.update(("Model", key) for key in models)


def _write_papers(store: GraphStore, chunk: tuple[PaperRows, ...]) -> dict[str, str]:
    """One batch of papers with their IN_FIELD, REUSES, APPLIES and IMPACTS edges."""
    refused: dict[str, str] = {}
    papers = [{"id": w["id"], "props": {"id": w["id"], **w["props"], **o["props"]}}
              for w, o in chunk]  # fmt: skip
    refused |= _write(store, _PAPERS, papers)
    in_field = [{"id": w["id"], "field": f["id"], "rank": f["rank"], "score": f["score"]}
                for w, _ in chunk for f in w["fields"]]  # fmt: skip
    refused |= _write(store, _IN_FIELD, in_field)
    reuses = [{**r, "id": w["id"]} for w, o in chunk for r in o["reuses"]]
    made = [{**r, "id": w["id"]} for w, o in chunk for r in o["introduces"]]
    lost: dict[str, str] = {}
    for cypher, edges in ((_REUSES, reuses), (_INTRODUCES, made)):
        lost |= _write(store, cypher, edges)
    if lost:
        cleared = {key: None for key in chunk[0][1]["props"]}
        store.run(_UNDO_OUTCOME, {"rows": [{"id": i, "cleared": cleared} for i in lost]})
        refused |= lost
    return refused
