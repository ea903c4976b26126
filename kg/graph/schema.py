"""The graph schema of DESIGN.md, declared once, and the expansion of records into rows.

Every writer reads this module and only serialises: the MERGE loader (kg/graph/loader.py),
FalkorDB's GRAPH.BULK build, the Neo4j CREATE build and the neo4j-admin CSV files
(kg/graph/stores/), the constraints and indexes of both stores, the counts, and the benches.
A new node type is one `NodeType` and one `RelType` here (with the function that reads its
edges from the records); no writer changes.

A paper's records become two rows, one per part: `work_row` (its Paper properties and the
edges read from the work) and `extraction_row` / `pending_row` (the Paper properties and the
edges read from its extraction outcome). Loading a part replaces that part's edges, so a row
lists every edge type of its part, empty or not. An edge is `{"end": end node properties,
"props": edge properties}` and starts at the row's paper, or, with a `"start"` key, at the
node of its start label with that key: an owned node the same row's edges create.

A reuse is one fact with several parts (paper, model, pattern, stage, quote), so it is a node
of its own, a Reuse, owned by its paper (an n-ary relation): (Paper)-[:HAS_REUSE]->(Reuse),
and from the Reuse one edge to each part, (Reuse)-[:REUSES]->(Model),
(Reuse)-[:WITH_PATTERN]->(Pattern), (Reuse)-[:AT_STAGE]->(Stage). Each part is stated once,
and every node is a click away from the others in Neo4j Browser. An owned node lives and dies
with its paper's part: loading the part again deletes it and writes it anew. Pattern and
Stage are small fixed hubs, there even before any reuse is loaded (Stage gives the order).
There is no hub for `undetermined`: a reuse whose pattern (or stage) nothing decides has no
WITH_PATTERN (or AT_STAGE) edge, and the queries count it beside the findings.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal

from extract.catalogue import spellings
from extract.model_kinds import model_kind
from extract.records import ExtractionFailure, Outcome, Reuse, Work
from extract.taxonomy import PATTERNS, STAGE_ORDER, Pattern, Role, Stage

Row = dict[str, Any]
Part = Literal["work", "outcome"]
PaperRows = tuple[Row, Row]  # (work row, outcome row) of one paper
PropertyType = type  # str, int, float, bool, or list (of strings)


@dataclass(frozen=True)
class NodeType:
    """A label, its unique key, its properties with their types, and the further indexed
    properties the query modules filter on. `seeds` gives the fixed nodes of a hub label;
    an `owned` node is part of one paper's records (a fact about it, such as a Reuse): loading
    that part again deletes it with its edges before writing it anew."""

    label: str
    key: str
    properties: Mapping[str, PropertyType]
    indexes: tuple[str, ...] = ()
    seeds: Callable[[], list[Row]] | None = None
    owned: bool = False


@dataclass(frozen=True)
class RelType:
    """A relationship type, its ends, its properties with their types, the part of a paper's
    records it is read from, and the function that reads it: records -> edges."""

    type: str
    start: str
    end: str
    properties: Mapping[str, PropertyType]
    part: Part
    read: Callable[[Any], list[Row]]


@dataclass(frozen=True)
class Schema:
    nodes: tuple[NodeType, ...]
    relationships: tuple[RelType, ...]
    paper: str = "Paper"  # the label every row is about and every edge starts at

    def node(self, label: str) -> NodeType:
        return self._by_label[label]

    @cached_property
    def _by_label(self) -> dict[str, NodeType]:  # node() runs once per edge in bulk builds
        return {n.label: n for n in self.nodes}

    def part(self, part: Part) -> tuple[RelType, ...]:
        return tuple(r for r in self.relationships if r.part == part)

    def owned(self, part: Part) -> tuple[RelType, ...]:
        """The edges from the paper to the nodes it owns in `part` (HAS_REUSE)."""
        return tuple(r for r in self.part(part)
                     if r.start == self.paper and self.node(r.end).owned)  # fmt: skip

    def with_types(self, *types: NodeType | RelType) -> "Schema":
        """This schema and further node and relationship types (a test adds one this way)."""
        nodes = tuple(t for t in types if isinstance(t, NodeType))
        rels = tuple(t for t in types if isinstance(t, RelType))
        return replace(self, nodes=self.nodes + nodes, relationships=self.relationships + rels)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(n.label for n in self.nodes)

    @property
    def relationship_types(self) -> tuple[str, ...]:
        return tuple(r.type for r in self.relationships)


def _edge(end: Row, props: Row) -> Row:
    return {"end": end, "props": props}


def _fields(work: Work) -> list[Row]:
    """One IN_FIELD edge per field; a field named twice keeps its lowest rank."""
    fields: dict[int, Row] = {}
    for ref in sorted(work.fields, key=lambda f: f.rank):
        fields.setdefault(ref.id, ref.model_dump())
    return [_edge({k: f[k] for k in ("id", "name", "domain")},
                  {"rank": f["rank"], "score": f["score"]}) for f in fields.values()]  # fmt: skip


def _one_per_model(reuses: Iterable[Reuse]) -> Iterator[Reuse]:
    seen: set[str] = set()
    for reuse in reuses:
        if reuse.model not in seen:
            seen.add(reuse.model)
            yield reuse


def _with_role(role: Role, outcome: Outcome) -> list[Reuse]:
    """The models an extraction gives `role`, one per model; none for a failure."""
    if isinstance(outcome, ExtractionFailure):
        return []
    return list(_one_per_model(outcome.with_role(role)))


def _model(reuse: Reuse) -> Row:
    return {"name": reuse.model, "family": reuse.family, "modality": reuse.modality,
            "kind": model_kind(reuse.family, reuse.modality),
            "aliases": list(spellings(reuse.model, reuse.family))}  # fmt: skip


def reuse_id(work_id: str, model: str) -> str:
    """The key of a Reuse node: its paper and model, e.g. "W2741809807/ESM-2"."""
    return f"{work_id}/{model}"


def _introduced(outcome: Outcome) -> list[Row]:
    return [_edge(_model(made), made.model_dump(mode="json", include=set(_EVIDENCE)))
            for made in _with_role(Role.created, outcome)]  # fmt: skip


def _reuse_nodes(outcome: Outcome) -> list[Row]:
    return [_edge({"id": reuse_id(outcome.work_id, used.model),
                   **used.model_dump(mode="json", include=set(_REUSE))}, {})
            for used in _with_role(Role.used, outcome)]  # fmt: skip


def _from_reuse(end: Callable[[Reuse], Row | None]) -> Callable[[Outcome], list[Row]]:
    """Edges from each Reuse of an outcome to the node `end` names (None: no edge)."""

    def read(outcome: Outcome) -> list[Row]:
        return [{"start": reuse_id(outcome.work_id, used.model), "end": node, "props": {}}
                for used in _with_role(Role.used, outcome)
                if (node := end(used)) is not None]  # fmt: skip

    return read


def _pattern(reuse: Reuse) -> Row | None:
    return None if reuse.pattern is Pattern.undetermined else {"name": reuse.pattern.value}


def _stage(reuse: Reuse) -> Row | None:
    if reuse.stage is Stage.undetermined:
        return None
    return {"name": reuse.stage.value, "order": STAGE_ORDER[reuse.stage]}


_EVIDENCE = {"mention": str, "evidence": str, "found_by": str, "role": str}
_REUSE = {"mention": str, "form": str, "evidence": str, "found_by": str, "role": str}

SCHEMA = Schema(
    nodes=(
        NodeType(
            "Pattern", "name", {"name": str}, seeds=lambda: [{"name": p.value} for p in PATTERNS]
        ),
        NodeType(
            "Stage",
            "name",
            {"name": str, "order": int},
            seeds=lambda: [{"name": s.value, "order": o} for s, o in STAGE_ORDER.items()],
        ),
        NodeType("Field", "id", {"id": int, "name": str, "domain": str}),
        NodeType(
            "Model",
            "name",
            {"name": str, "family": str, "modality": str, "kind": str, "aliases": list},
            indexes=("family", "kind"),
        ),
        NodeType("Reuse", "id", {"id": str, **_REUSE}, owned=True),
        NodeType(
            "Paper",
            "id",
            {
                "id": str,
                "doi": str,
                "title": str,
                "year": int,
                "journal": str,
                "cited_by_count": int,
                "is_oa": bool,
                "status": str,
                "uses_dl": bool,
                "uses_ptms": bool,
                "extractor": str,
                "extractor_version": str,
                "text_source": str,
            },
            indexes=("year",),
        ),
    ),
    relationships=(
        RelType("IN_FIELD", "Paper", "Field", {"rank": int, "score": float}, "work", _fields),
        RelType("HAS_REUSE", "Paper", "Reuse", {}, "outcome", _reuse_nodes),
        RelType("REUSES", "Reuse", "Model", {}, "outcome", _from_reuse(_model)),
        RelType("WITH_PATTERN", "Reuse", "Pattern", {}, "outcome", _from_reuse(_pattern)),
        RelType("AT_STAGE", "Reuse", "Stage", {}, "outcome", _from_reuse(_stage)),
        RelType("INTRODUCES", "Paper", "Model", _EVIDENCE, "outcome", _introduced),
    ),
)

# The names, for the callers that only count or list them.
LABELS = SCHEMA.labels
RELATIONSHIP_TYPES = SCHEMA.relationship_types
PROPERTY_KEYS = tuple(
    dict.fromkeys(
        [
            *(p for n in SCHEMA.nodes for p in n.properties),
            *(p for r in SCHEMA.relationships for p in r.properties),
        ]
    )
)


def work_row(work: Work, schema: Schema = SCHEMA) -> Row:
    """A paper's work part: its Paper properties and the edges read from the work."""
    edges = {rel.type: rel.read(work) for rel in schema.part("work")}
    return {"id": work.id, "props": work.model_dump(exclude={"id", "fields"}), "edges": edges}


def extraction_row(outcome: Outcome, schema: Schema = SCHEMA) -> Row:
    """A paper's outcome part: status and flags, and the edges read from the outcome. A
    failure sets uses_dl and uses_ptms to null (unset), never to false, and has no edges."""
    if isinstance(outcome, ExtractionFailure):
        flags: Row = {"status": "failed", "uses_dl": None, "uses_ptms": None}
    else:
        flags = {"status": "extracted", "uses_dl": outcome.uses_dl,
                 "uses_ptms": outcome.uses_ptms}  # fmt: skip
    props = flags | {"extractor": outcome.extractor,
                     "extractor_version": outcome.extractor_version}  # fmt: skip
    edges = {rel.type: rel.read(outcome) for rel in schema.part("outcome")}
    return {"id": outcome.work_id, "props": props, "edges": edges}


def pending_row(work_id: str, schema: Schema = SCHEMA) -> Row:
    """A paper with no stored extraction yet: in the graph, but in no denominator."""
    props = {"status": "pending", "uses_dl": None, "uses_ptms": None, "extractor": None,
             "extractor_version": None}  # fmt: skip
    return {"id": work_id, "props": props,
            "edges": {rel.type: [] for rel in schema.part("outcome")}}  # fmt: skip


@dataclass
class Nodes:
    """The distinct nodes a stream of rows names, per label, first mention first."""

    by_label: dict[str, dict[Any, Row]] = field(default_factory=dict)

    def add(self, label: str, key: Any, props: Row) -> bool:
        """Remember a node; False if it was already known (its first properties stay)."""
        known = self.by_label.setdefault(label, {})
        if key in known:
            return False
        known[key] = props
        return True


def paper_node(schema: Schema, work: Row, outcome: Row) -> Row:
    """The Paper node's properties from its two rows."""
    return {schema.node(schema.paper).key: work["id"], **work["props"], **outcome["props"]}


def edges_of(schema: Schema, work: Row, outcome: Row) -> Iterator[tuple[RelType, Any, Row]]:
    """Every edge of one paper, with its type and its start node's key, in schema order (an
    owned node's edge to it comes before the edges from it)."""
    for rel in schema.relationships:
        row = work if rel.part == "work" else outcome
        for edge in row["edges"].get(rel.type, ()):
            yield rel, edge.get("start", work["id"]), edge


def end_nodes(schema: Schema, rows: Iterable[PaperRows]) -> Nodes:
    """The seeded hubs and every node the edges of `rows` end at, once each."""
    found = Nodes()
    for node in schema.nodes:
        for seed in node.seeds() if node.seeds else ():
            found.add(node.label, seed[node.key], seed)
    for work, outcome in rows:
        for rel, _, edge in edges_of(schema, work, outcome):
            end = schema.node(rel.end)
            found.add(end.label, edge["end"][end.key], edge["end"])
    return found
