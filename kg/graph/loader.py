"""Records -> graph: UNWIND batches of MERGE, one statement (one transaction) per batch.

The statements are written from the schema (kg/graph/schema.py): one per part of a paper's
records. Loading is idempotent: a paper's work row rewrites the edges read from its work
(IN_FIELD), and its outcome row those read from its extraction (its Reuse nodes with their
edges, INTRODUCES), so loading the same records twice changes no count, and loading a newer
extraction replaces the older one's reuses instead of adding to them. Only reuses (role
`used`) are Reuse nodes; a model the paper created is an INTRODUCES edge; a model it only
mentions is not in the graph (the stored extraction keeps it, for scoring and for the LLM
comparison).

Every paper gets a `status`: extracted, failed (the extractor could not answer: uses_dl and
uses_ptms stay unset, so no query reads it as "no reuse"), or pending (no extraction stored
yet). When the store refuses a batch, the batch is split in halves until the refused records
are found; each is reported with its id and the store's reason, and the rest is loaded.
"""

from collections.abc import Callable, Iterable, Sequence
from itertools import batched
from typing import Any

from extract.errors import QueryFailed
from extract.records import Extraction, Work
from kg.graph.schema import (
    SCHEMA,
    Part,
    RelType,
    Schema,
    extraction_row,
    pending_row,
    work_row,
)
from kg.graph.stores.base import GraphStore, Refused

__all__ = ["Refused", "extraction_row", "pending_row", "work_row"]  # where callers find them


BATCH_SIZE = 1000


def _merge_edges(schema: Schema, rel: RelType) -> str:
    """One FOREACH over a row's edges of `rel`: from the paper, or from the owned node the
    edge names as its start (written by an earlier FOREACH of the same statement)."""
    start, end = schema.node(rel.start), schema.node(rel.end)
    sets = ", ".join(f"n.{p} = e.end.{p}" for p in end.properties if p != end.key)
    props = ", ".join(f"r.{p} = e.props.{p}" for p in rel.properties)
    source = "p" if rel.start == schema.paper else "s"
    return (f"FOREACH (e IN row.edges.{rel.type} |\n"
            + (f"  MERGE (s:{start.label} {{{start.key}: e.start}})\n" if source == "s" else "")
            + f"  MERGE (n:{end.label} {{{end.key}: e.end.{end.key}}})\n"
            + (f"  SET {sets}\n" if sets else "")
            + f"  MERGE ({source})-[r:{rel.type}]->(n)\n"
            + (f"  SET {props}\n" if props else "") + ")")  # fmt: skip


def _forget(schema: Schema, part: Part) -> list[str]:
    """The clauses that delete what a part wrote before: the nodes the paper owns there
    (with their edges), then the paper's edges of that part."""
    lines = []
    for rel in schema.owned(part):
        owned = schema.node(rel.end)
        lines += [f"OPTIONAL MATCH (p)-[:{rel.type}]->(gone:{owned.label})",
                  "DETACH DELETE gone", "WITH DISTINCT p, row"]  # fmt: skip
    types = [r.type for r in schema.part(part) if r.start == schema.paper]
    if types:
        lines += [f"OPTIONAL MATCH (p)-[old:{'|'.join(types)}]->()", "DELETE old",
                  "WITH DISTINCT p, row"]  # fmt: skip
    return ["WITH p, row", *lines] if lines else []


def merge_cypher(part: Part, schema: Schema = SCHEMA) -> str:
    """The statement that writes rows of one part: the paper (MERGEd from its work, MATCHed
    for its outcome, which needs the work loaded first), then that part's edges, anew."""
    paper = schema.node(schema.paper)
    find = "MERGE" if part == "work" else "MATCH"
    lines = ["UNWIND $rows AS row", f"{find} (p:{paper.label} {{{paper.key}: row.id}})",
             "SET p += row.props"]  # fmt: skip
    lines += _forget(schema, part)
    lines += [_merge_edges(schema, rel) for rel in schema.part(part)]
    return "\n".join(lines)


WORKS_CYPHER = merge_cypher("work")
EXTRACTIONS_CYPHER = merge_cypher("outcome")

Progress = Callable[[int], None]  # called with the number of records just written


def _write_batch(store: GraphStore, cypher: str, rows: list[dict[str, Any]]) -> list[Refused]:
    """Write `rows` in one statement; if the store refuses, halve until the refused rows
    are found. Returns them; everything else is written."""
    try:
        store.run(cypher, {"rows": rows})
        return []
    except QueryFailed as error:
        if len(rows) == 1:
            return [Refused(str(rows[0]["id"]), str(error))]
    middle = len(rows) // 2
    return _write_batch(store, cypher, rows[:middle]) + _write_batch(store, cypher, rows[middle:])


def _write(
    store: GraphStore,
    cypher: str,
    rows: Iterable[dict[str, Any]],
    batch_size: int,
    progress: Progress | None,
) -> list[Refused]:
    refused: list[Refused] = []
    for batch in batched(rows, batch_size):
        refused += _write_batch(store, cypher, list(batch))
        if progress:
            progress(len(batch))
    return refused


def load_works(
    store: GraphStore,
    works: Iterable[Work],
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    schema: Schema = SCHEMA,
) -> list[Refused]:
    """Papers and their work's edges (Field, IN_FIELD). Returns the works the store refused."""
    rows = (work_row(work, schema) for work in works)
    return _write(store, merge_cypher("work", schema), rows, batch_size, progress)


def load_outcomes(
    store: GraphStore,
    rows: Iterable[dict[str, Any]],
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    schema: Schema = SCHEMA,
) -> list[Refused]:
    """Paper status and flags and the outcome's nodes and edges (Reuse, Model, INTRODUCES) from
    `extraction_row` or `pending_row` rows. Papers must be loaded first. Returns the rows
    the store refused."""
    return _write(store, merge_cypher("outcome", schema), rows, batch_size, progress)


def load_extractions(
    store: GraphStore, extractions: Sequence[Extraction], batch_size: int = BATCH_SIZE
) -> list[Refused]:
    """`load_outcomes` for extractions held in memory (tests, benches)."""
    return load_outcomes(store, map(extraction_row, extractions), batch_size)


def counts(store: GraphStore, schema: Schema = SCHEMA) -> dict[str, int]:
    """Nodes per label and relationships per type, for summaries and idempotency checks."""
    found: dict[str, int] = {}
    for label in schema.labels:
        found[label] = store.run(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
    for rel in schema.relationship_types:
        found[rel] = store.run(f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n")[0]["n"]
    return found
