"""Records -> graph: UNWIND batches of MERGE, one statement (one transaction) per batch.

Loading is idempotent: a paper's IN_FIELD edges are rewritten from its work, and its REUSES,
APPLIES and IMPACTS edges from its extraction, so loading the same records twice changes no
count, and loading a newer extraction replaces the older one's edges instead of adding to them.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import batched
from typing import Any

from extract.records import Extraction, Reuse, Work
from kg.schema import LABELS, RELATIONSHIP_TYPES
from kg.stores.base import GraphStore

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
OPTIONAL MATCH (p)-[old:REUSES|APPLIES|IMPACTS]->()
DELETE old
WITH DISTINCT p, row
UNWIND row.reuses AS reuse
MERGE (m:Model {name: reuse.model})
SET m.family = reuse.family, m.modality = reuse.modality
MERGE (pattern:Pattern {name: reuse.pattern})
MERGE (stage:Stage {name: reuse.stage})
MERGE (p)-[r:REUSES]->(m)
SET r.mention = reuse.mention, r.pattern = reuse.pattern, r.stage = reuse.stage,
    r.form = reuse.form, r.evidence = reuse.evidence
MERGE (p)-[:APPLIES {model: reuse.model}]->(pattern)
MERGE (p)-[:IMPACTS {model: reuse.model}]->(stage)
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


def extraction_row(extraction: Extraction) -> dict[str, Any]:
    """Cypher parameters for one extraction: Paper flags and one entry per reused model."""
    return {
        "id": extraction.work_id,
        "props": {
            "uses_dl": extraction.uses_dl,
            "uses_ptms": extraction.uses_ptms,
            "extractor": extraction.extractor,
            "prompt_version": extraction.extractor_version,
        },
        "reuses": [reuse.model_dump(mode="json") for reuse in _one_per_model(extraction)],
    }


def _one_per_model(extraction: Extraction) -> Iterator[Reuse]:
    seen: set[str] = set()
    for reuse in extraction.reuses:
        if reuse.model not in seen:
            seen.add(reuse.model)
            yield reuse


def _write(
    store: GraphStore,
    cypher: str,
    rows: Iterable[dict[str, Any]],
    batch_size: int,
    progress: Progress | None,
) -> int:
    written = 0
    for batch in batched(rows, batch_size):
        store.run(cypher, {"rows": list(batch)})
        written += len(batch)
        if progress:
            progress(len(batch))
    return written


def load_works(
    store: GraphStore,
    works: Sequence[Work],
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> int:
    """Paper, Field and IN_FIELD from works. Returns how many works were written."""
    return _write(store, WORKS_CYPHER, map(work_row, works), batch_size, progress)


def load_extractions(
    store: GraphStore,
    extractions: Sequence[Extraction],
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> int:
    """Paper flags, Model, REUSES, APPLIES and IMPACTS. Papers must be loaded first."""
    return _write(store, EXTRACTIONS_CYPHER, map(extraction_row, extractions), batch_size, progress)


def counts(store: GraphStore) -> dict[str, int]:
    """Nodes per label and relationships per type, for summaries and idempotency checks."""
    found: dict[str, int] = {}
    for label in LABELS:
        found[label] = store.run(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
    for rel in RELATIONSHIP_TYPES:
        found[rel] = store.run(f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n")[0]["n"]
    return found
