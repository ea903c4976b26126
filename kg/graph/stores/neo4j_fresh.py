"""Fresh Neo4j builds over Bolt: an empty graph filled with CREATE, in large batches.

When the graph is known empty, nothing needs MERGE's look-up-then-lock: every paper and edge
is new. The rows are read once, in batches of papers; per batch, flat statements, each an
UNWIND over plain rows, written from the schema (kg/graph/schema.py): the shared nodes no
earlier batch named that edges end at, the papers (CREATE, all properties), the nodes the
papers own (their Reuses), then each relationship type (MATCH both ends by their unique keys,
CREATE the edge). Keeping them flat keeps Neo4j's
planner from inserting Eager barriers (a dynamic `SET p += map` followed by a read of the
same label's properties forces one).

The rows are the loader's, so the graph is the one the MERGE loader and FalkorDB's bulk
build make. A statement the store refuses is halved until the refused rows are found (as in
kg/graph/loader.py); a paper whose outcome edges were refused is left as the MERGE loader
leaves a paper whose extraction it refused: its work loaded, no status, no outcome edges.
"""

from collections.abc import Callable, Iterator
from itertools import batched
from typing import Any

from extract.errors import QueryFailed
from kg.graph.schema import (
    SCHEMA,
    Nodes,
    NodeType,
    PaperRows,
    RelType,
    Row,
    Schema,
    edges_of,
    paper_node,
)
from kg.graph.stores.base import GraphStore

BATCH = 5000


def _create_nodes(node: NodeType) -> str:
    props = ", ".join(f"{p}: row.{p}" for p in node.properties)
    return f"UNWIND $rows AS row CREATE (n:{node.label} {{{props}}})"


def _create_papers(schema: Schema) -> str:
    return f"UNWIND $rows AS row CREATE (p:{schema.paper}) SET p = row.props"


def _create_edges(schema: Schema, rel: RelType) -> str:
    start, end = schema.node(rel.start), schema.node(rel.end)
    props = ", ".join(f"{p}: row.{p}" for p in rel.properties)
    return (f"UNWIND $rows AS row\n"
            f"MATCH (a:{start.label} {{{start.key}: row.start}})\n"
            f"MATCH (b:{end.label} {{{end.key}: row.end}})\n"
            f"CREATE (a)-[:{rel.type}" + (f" {{{props}}}" if props else "") + "]->(b)")  # fmt: skip


def _undo_outcome(schema: Schema) -> str:
    """A paper whose outcome edges were refused loses them all, the nodes it owns there,
    and its outcome properties."""
    paper = schema.node(schema.paper)
    types = [r.type for r in schema.part("outcome") if r.start == schema.paper]
    owned = [f"OPTIONAL MATCH (p)-[:{r.type}]->(gone:{r.end})\nDETACH DELETE gone\n"
             "WITH DISTINCT p, row\n" for r in schema.owned("outcome")]  # fmt: skip
    return (f"UNWIND $rows AS row\nMATCH (p:{paper.label} {{{paper.key}: row.id}})\n"
            + "".join(owned)
            + (f"OPTIONAL MATCH (p)-[old:{'|'.join(types)}]->()\nDELETE old\n" if types else "")
            + "WITH DISTINCT p, row\nSET p += row.cleared")  # fmt: skip


def _write(store: GraphStore, cypher: str, rows: list[Row]) -> dict[str, str]:
    """Write `rows`, halving on refusal; returns the refused rows' ids with the reason."""
    if not rows:
        return {}
    try:
        store.run(cypher, {"rows": rows})
        return {}
    except QueryFailed as error:
        if len(rows) == 1:
            row = rows[0]
            return {str(row.get("paper", row.get("id"))): str(error)}
    middle = len(rows) // 2
    return _write(store, cypher, rows[:middle]) | _write(store, cypher, rows[middle:])


def fresh_load(
    store: GraphStore, rows: Callable[[], Iterator[PaperRows]], schema: Schema = SCHEMA
) -> dict[str, str]:
    """Fill an empty store from (work row, outcome row) pairs, in one pass. Returns the ids
    of the papers the store refused (in part), with the reason. The hubs are the store's
    own (its `setup_schema` seeds them)."""
    created = Nodes()
    for node in schema.nodes:  # the hubs, seeded by setup_schema: never created here
        for seed in node.seeds() if node.seeds else ():
            created.add(node.label, seed[node.key], seed)
    refused: dict[str, str] = {}
    for papers_here in batched(rows(), BATCH):
        _write_new_nodes(store, schema, papers_here, created)
        refused |= _write_papers(store, schema, papers_here)
    return refused


def _write_new_nodes(
    store: GraphStore, schema: Schema, chunk: tuple[PaperRows, ...], created: Nodes
) -> None:
    """The nodes this batch's edges end at that earlier batches did not name; the first
    paper to name one sets its properties, as in FalkorDB's bulk build."""
    new: dict[str, list[Row]] = {}
    for work, outcome in chunk:
        for rel, _, edge in edges_of(schema, work, outcome):
            end = schema.node(rel.end)
            if end.owned:  # written with its paper, which its refusal fails
                continue
            if created.add(end.label, edge["end"][end.key], edge["end"]):
                new.setdefault(end.label, []).append(edge["end"])
    for label, nodes in new.items():
        store.run(_create_nodes(schema.node(label)), {"rows": nodes})


def _write_papers(
    store: GraphStore, schema: Schema, chunk: tuple[PaperRows, ...]
) -> dict[str, str]:
    """One batch of papers, then their edges, one statement per relationship type."""
    refused: dict[str, str] = {}
    papers = [{"id": w["id"], "props": paper_node(schema, w, o)} for w, o in chunk]
    refused |= _write(store, _create_papers(schema), papers)
    edges: dict[str, list[Row]] = {rel.type: [] for rel in schema.relationships}
    owned: dict[str, list[Row]] = {rel.end: [] for rel in schema.owned("outcome")}
    keys = {rel.type: schema.node(rel.end).key for rel in schema.relationships}
    for work, outcome in chunk:
        for rel, start, edge in edges_of(schema, work, outcome):
            end = edge["end"][keys[rel.type]]
            edges[rel.type].append({**edge["props"], "start": start, "end": end,
                                    "paper": work["id"]})  # fmt: skip
            if rel.end in owned:
                owned[rel.end].append({**edge["end"], "paper": work["id"]})
    lost: dict[str, str] = {}
    for label, nodes in owned.items():
        lost |= _write(store, _create_nodes(schema.node(label)), nodes)
    for rel in schema.relationships:
        failed = _write(store, _create_edges(schema, rel), edges[rel.type])
        if rel.part == "work":
            refused |= failed
        else:
            lost |= failed
    if lost:
        cleared: dict[str, Any] = {key: None for key in chunk[0][1]["props"]}
        store.run(_undo_outcome(schema), {"rows": [{"id": i, "cleared": cleared} for i in lost]})
        refused |= lost
    return refused
