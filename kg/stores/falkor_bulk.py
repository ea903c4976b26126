"""Fresh builds at bulk speed: an empty FalkorDB graph written with GRAPH.BULK.

The rows are the loader's own (`work_row`, `extraction_row`, `pending_row`), so a bulk build
and a MERGE build of the same records give the same nodes, relationships and properties.

The command's format (learnt from FalkorDB's bulk-loader documentation and source; the
writer below is ours):

    GRAPH.BULK <graph> [BEGIN] <nodes> <relations> <labels> <types> <label blobs> <type blobs>

BEGIN on the first call only, which must create the graph. A blob is the label's (or type's)
name and a NUL, a uint32 count of property names, each name and a NUL, then one record per
entity: for a node its properties, for a relation its source and destination node ids
(uint64: the order of creation over the whole load, from 0) then its properties. A property
is a type byte and its value: 0 null, 1 bool (one byte), 2 double, 4 long (eight bytes),
3 string (UTF-8 and a NUL). Blobs are sent in calls of at most `max_bytes`.
"""

import struct
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import redis

from extract.errors import QueryFailed
from extract.taxonomy import PATTERNS, STAGE_ORDER

Row = dict[str, Any]
# One paper: its work row (loader.work_row) and its outcome row (extraction_ or pending_row).
PaperRows = tuple[Row, Row]

PAPER = ("id", "doi", "title", "year", "journal", "cited_by_count", "is_oa", "status",
         "uses_dl", "uses_ptms", "extractor", "prompt_version", "text_source")  # fmt: skip
SCHEMA: dict[str, tuple[str, ...]] = {
    "Pattern": ("name",),
    "Stage": ("name", "order"),
    "Field": ("id", "name", "domain"),
    "Model": ("name", "family", "modality"),
    "Paper": PAPER,
    "IN_FIELD": ("rank", "score"),
    "REUSES": ("mention", "pattern", "stage", "form", "evidence", "found_by", "role"),
    "APPLIES": ("model",),
    "IMPACTS": ("model",),
    "INTRODUCES": ("mention", "evidence", "found_by", "role"),
}
_LONG, _DOUBLE = struct.Struct("=Bq"), struct.Struct("=Bd")
_ENDS = struct.Struct("=QQ")


def value(v: Any) -> bytes:
    """One property in the bulk format."""
    if v is None:
        return b"\x00"
    if isinstance(v, bool):
        return b"\x01\x01" if v else b"\x01\x00"
    if isinstance(v, int):
        if not -(2**63) <= v < 2**63:  # records keep to int64; say so if one did not
            raise QueryFailed(f"{v} does not fit the 64-bit integer a property holds")
        return _LONG.pack(4, v)
    if isinstance(v, float):
        return _DOUBLE.pack(2, v)
    if isinstance(v, str):
        return b"\x03" + v.encode() + b"\x00"
    raise TypeError(f"cannot bulk-load a {type(v).__name__} property")


class _Blob:
    def __init__(self, name: str) -> None:
        names = SCHEMA[name]
        self.header = (name.encode() + b"\x00" + struct.pack("=I", len(names))
                       + b"".join(n.encode() + b"\x00" for n in names))  # fmt: skip
        self.names = names
        self.records: list[bytes] = []
        self.size = len(self.header)

    def add(self, record: bytes) -> None:
        self.records.append(record)
        self.size += len(record)


class BulkWriter:
    """Buffers nodes and relations and sends them in GRAPH.BULK calls."""

    def __init__(self, client: redis.Redis, graph: str, max_bytes: int = 32 << 20) -> None:
        self.client, self.graph, self.max_bytes = client, graph, max_bytes
        self.next_id = 0
        self.begun = False
        self.nodes: dict[str, _Blob] = {}
        self.relations: dict[str, _Blob] = {}
        self.size = 0

    def node(self, label: str, props: Row) -> int:
        blob = self.nodes.setdefault(label, _Blob(label))
        self._add(blob, b"".join(value(props.get(n)) for n in blob.names))
        self.next_id += 1
        return self.next_id - 1

    def relation(self, rel_type: str, source: int, target: int, props: Row) -> None:
        blob = self.relations.setdefault(rel_type, _Blob(rel_type))
        self._add(blob, _ENDS.pack(source, target)
                  + b"".join(value(props.get(n)) for n in blob.names))  # fmt: skip

    def _add(self, blob: _Blob, record: bytes) -> None:
        blob.add(record)
        self.size += len(record)
        if self.size >= self.max_bytes:
            self.flush()

    def flush(self) -> None:
        node_blobs = [b for b in self.nodes.values() if b.records]
        rel_blobs = [b for b in self.relations.values() if b.records]
        if not node_blobs and not rel_blobs and self.begun:
            return
        args: list[Any] = ["BEGIN"] if not self.begun else []
        args += [sum(len(b.records) for b in node_blobs), sum(len(b.records) for b in rel_blobs),
                 len(node_blobs), len(rel_blobs)]  # fmt: skip
        args += [b.header + b"".join(b.records) for b in (*node_blobs, *rel_blobs)]
        try:
            self.client.execute_command("GRAPH.BULK", self.graph, *args)  # type: ignore[no-untyped-call]
        except redis.ResponseError as error:
            raise QueryFailed(f"FalkorDB refused the bulk load: {error}") from error
        self.begun = True
        self.nodes.clear()
        self.relations.clear()
        self.size = 0


def bulk_load(writer: BulkWriter, rows: Callable[[], Iterator[PaperRows]]) -> None:
    """Write a whole graph: hubs, fields and models first (one pass to find them), then
    papers and their relations (a second pass). `rows()` must give the same stream twice."""
    fields: dict[Any, Row] = {}
    models: dict[str, Row] = {}
    for work, outcome in rows():
        for field in work["fields"]:
            fields.setdefault(field["id"], field)
        for reuse in (*outcome["reuses"], *outcome["introduces"]):
            models.setdefault(reuse["model"], reuse)
    ids: dict[tuple[str, Any], int] = {}
    for pattern in PATTERNS:
        ids[("Pattern", pattern.value)] = writer.node("Pattern", {"name": pattern.value})
    for stage, order in STAGE_ORDER.items():
        ids[("Stage", stage.value)] = writer.node("Stage", {"name": stage.value, "order": order})
    for key, field in fields.items():
        ids[("Field", key)] = writer.node("Field", field)
    for name, reuse in models.items():
        ids[("Model", name)] = writer.node("Model", {"name": name, "family": reuse["family"],
                                                     "modality": reuse["modality"]})  # fmt: skip
    for work, outcome in rows():
        paper = writer.node("Paper", {"id": work["id"], **work["props"], **outcome["props"]})
        _relations(writer, ids, paper, work["fields"], outcome)
    writer.flush()


def _relations(
    writer: BulkWriter,
    ids: dict[tuple[str, Any], int],
    paper: int,
    fields: Iterable[Row],
    outcome: Row,
) -> None:
    for field in fields:
        writer.relation("IN_FIELD", paper, ids[("Field", field["id"])], field)
    for reuse in outcome["reuses"]:
        writer.relation("REUSES", paper, ids[("Model", reuse["model"])], reuse)
        link = {"model": reuse["model"]}
        if ("Pattern", reuse["pattern"]) in ids:  # no hub, no edge for undetermined
            writer.relation("APPLIES", paper, ids[("Pattern", reuse["pattern"])], link)
        if ("Stage", reuse["stage"]) in ids:
            writer.relation("IMPACTS", paper, ids[("Stage", reuse["stage"])], link)
    for made in outcome["introduces"]:
        writer.relation("INTRODUCES", paper, ids[("Model", made["model"])], made)
