"""Records -> graph: UNWIND batches of MERGE, one statement (one transaction) per batch.

Loading is idempotent: a paper's IN_FIELD edges are rewritten from its work, and its REUSES,
APPLIES, IMPACTS and INTRODUCES edges from its extraction, so loading the same records twice
changes no count, and loading a newer extraction replaces the older one's edges instead of
adding to them. Only reuses (role `used`) are REUSES edges, and only evidenced patterns and
stages get an APPLIES or IMPACTS edge (there is no `undetermined` hub); a model the paper
created is an INTRODUCES edge; a model it only mentions is not in the graph (the stored
extraction keeps it, for scoring and for the LLM comparison).

Every paper gets a `status`: extracted, failed (the extractor could not answer: uses_dl and
uses_ptms stay unset, so no query reads it as "no reuse"), or pending (no extraction stored
yet). When the store refuses a batch, the batch is split in halves until the refused records
are found; each is reported with its id and the store's reason, and the rest is loaded.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import batched
from typing import Any

from extract.errors import QueryFailed
from extract.records import Extraction, ExtractionFailure, Outcome, Reuse, Work
from extract.taxonomy import Role
from kg.schema import LABELS, RELATIONSHIP_TYPES
from kg.stores.base import GraphStore, Refused

__all__ = ["Refused"]  # kept here too: where the loader's callers have always found it


BATCH_SIZE = 1000

WORKS_CYPHER = """
UNWIND $rows AS row
MERGE (p:Paper {id: row.id})
SET p += row.props
WITH p, row
OPTIONAL MATCH (p)-[old:IN_FIELD]->()
DELETE old
WITH DISTINCT p, row
UNWIND row.fields AS field
MERGE (f:Field {id: field.id})
SET f.name = field.name, f.domain = field.domain
MERGE (p)-[r:IN_FIELD]->(f)
SET r.rank = field.rank, r.score = field.score
"""

EXTRACTIONS_CYPHER = """
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
SET p += row.props
WITH p, row
OPTIONAL MATCH (p)-[old:REUSES|APPLIES|IMPACTS|INTRODUCES]->()
DELETE old
WITH DISTINCT p, row
FOREACH (reuse IN row.reuses |
  MERGE (m:Model {name: reuse.model})
  SET m.family = reuse.family, m.modality = reuse.modality
  MERGE (p)-[r:REUSES]->(m)
  SET r.mention = reuse.mention, r.pattern = reuse.pattern, r.stage = reuse.stage,
      r.form = reuse.form, r.evidence = reuse.evidence, r.found_by = reuse.found_by,
      r.role = reuse.role
)
FOREACH (reuse IN [x IN row.reuses WHERE x.pattern <> 'undetermined'] |
  MERGE (pattern:Pattern {name: reuse.pattern})
  MERGE (p)-[:APPLIES {model: reuse.model}]->(pattern)
)
FOREACH (reuse IN [x IN row.reuses WHERE x.stage <> 'undetermined'] |
  MERGE (stage:Stage {name: reuse.stage})
  MERGE (p)-[:IMPACTS {model: reuse.model}]->(stage)
)
FOREACH (made IN row.introduces |
  MERGE (m:Model {name: made.model})
  SET m.family = made.family, m.modality = made.modality
  MERGE (p)-[i:INTRODUCES]->(m)
  SET i.mention = made.mention, i.evidence = made.evidence, i.found_by = made.found_by,
      i.role = made.role
)
"""

Progress = Callable[[int], None]  # called with the number of records just written


def work_row(work: Work) -> dict[str, Any]:
    """Cypher parameters for one work: Paper properties and its fields (lowest rank wins)."""
    fields: dict[int, dict[str, Any]] = {}
    for ref in sorted(work.fields, key=lambda f: f.rank):
        fields.setdefault(ref.id, ref.model_dump())
    return {
        "id": work.id,
        "props": work.model_dump(exclude={"id", "fields"}),
        "fields": list(fields.values()),
    }


def extraction_row(outcome: Outcome) -> dict[str, Any]:
    """Cypher parameters for one outcome: Paper status and flags, one entry per reused model.
    A failure sets uses_dl and uses_ptms to null (unset), never to false."""
    if isinstance(outcome, ExtractionFailure):
        flags: dict[str, Any] = {"status": "failed", "uses_dl": None, "uses_ptms": None}
        reuses: list[dict[str, Any]] = []
        introduces: list[dict[str, Any]] = []
    else:
        flags = {"status": "extracted", "uses_dl": outcome.uses_dl,
                 "uses_ptms": outcome.uses_ptms}  # fmt: skip
        reuses = [r.model_dump(mode="json") for r in _one_per_model(outcome.with_role(Role.used))]
        introduces = [made.model_dump(mode="json")
                      for made in _one_per_model(outcome.with_role(Role.created))]  # fmt: skip
    props = flags | {"extractor": outcome.extractor, "prompt_version": outcome.extractor_version}
    return {"id": outcome.work_id, "props": props, "reuses": reuses, "introduces": introduces}


def pending_row(work_id: str) -> dict[str, Any]:
    """A paper with no stored extraction yet: in the graph, but in no denominator."""
    props = {"status": "pending", "uses_dl": None, "uses_ptms": None, "extractor": None,
             "prompt_version": None}  # fmt: skip
    return {"id": work_id, "props": props, "reuses": [], "introduces": []}


def _one_per_model(reuses: Iterable[Reuse]) -> Iterator[Reuse]:
    seen: set[str] = set()
    for reuse in reuses:
        if reuse.model not in seen:
            seen.add(reuse.model)
            yield reuse


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
) -> list[Refused]:
    """Paper, Field and IN_FIELD from works. Returns the works the store refused."""
    return _write(store, WORKS_CYPHER, map(work_row, works), batch_size, progress)


def load_outcomes(
    store: GraphStore,
    rows: Iterable[dict[str, Any]],
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> list[Refused]:
    """Paper status and flags, Model, REUSES, APPLIES, IMPACTS and INTRODUCES from
    `extraction_row` or `pending_row` rows. Papers must be loaded first. Returns the rows
    the store refused."""
    return _write(store, EXTRACTIONS_CYPHER, rows, batch_size, progress)


def load_extractions(
    store: GraphStore, extractions: Sequence[Extraction], batch_size: int = BATCH_SIZE
) -> list[Refused]:
    """`load_outcomes` for extractions held in memory (tests, benches)."""
    return load_outcomes(store, map(extraction_row, extractions), batch_size)


def counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label and relationships per type, for summaries and idempotency checks."""
    found: dict[str, int] = {}
    for label in LABELS:
        found[label] = store.run(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
    for rel in RELATIONSHIP_TYPES:
        found[rel] = store.run(f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n")[0]["n"]
    return found
