"""Fresh Neo4j builds over Bolt: an empty graph filled with CREATE, in large batches.

When the graph is known empty, nothing needs MERGE's look-up-then-lock: every paper and edge
is new. Fields and models (few) are created first from one pass over the rows; then, per
batch of papers, flat statements, each an UNWIND over plain rows: papers (CREATE, all
properties), then IN_FIELD, REUSES, APPLIES, IMPACTS and INTRODUCES, one statement each
(MATCH both ends by their unique keys, CREATE the edge). Keeping them flat keeps Neo4j's
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
_REUSES = """UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
MATCH (m:Model {name: row.model})
CREATE (p)-[:REUSES {mention: row.mention, pattern: row.pattern, stage: row.stage,
                     form: row.form, evidence: row.evidence, found_by: row.found_by,
                     role: row.role}]->(m)"""
# An undetermined pattern or stage has no hub: MATCH finds none, and no edge is made.
_APPLIES = """UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
MATCH (pattern:Pattern {name: row.pattern})
CREATE (p)-[:APPLIES {model: row.model}]->(pattern)"""
_IMPACTS = """UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
MATCH (stage:Stage {name: row.stage})
CREATE (p)-[:IMPACTS {model: row.model}]->(stage)"""
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
    """Fill an empty store from (work row, outcome row) pairs; `rows()` is read twice.
    Returns the ids of the papers the store refused (in part), with the reason."""
    fields: dict[Any, Row] = {}
    models: dict[str, Row] = {}
    for work, outcome in rows():
        for field in work["fields"]:
            fields.setdefault(field["id"], field)
        for reuse in (*outcome["reuses"], *outcome["introduces"]):
            models.setdefault(reuse["model"], {"name": reuse["model"], **reuse})
    for table, cypher in ((list(fields.values()), _FIELDS), (list(models.values()), _MODELS)):
        for nodes in batched(table, BATCH):
            store.run(cypher, {"rows": list(nodes)})
    refused: dict[str, str] = {}
    for papers_here in batched(rows(), BATCH):
        refused |= _write_papers(store, papers_here)
    return refused


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
    for cypher, edges in ((_REUSES, reuses), (_APPLIES, reuses), (_IMPACTS, reuses),
                          (_INTRODUCES, made)):  # fmt: skip
        lost |= _write(store, cypher, edges)
    if lost:
        cleared = {key: None for key in chunk[0][1]["props"]}
        store.run(_UNDO_OUTCOME, {"rows": [{"id": i, "cleared": cleared} for i in lost]})
        refused |= lost
    return refused
