"""Fresh builds at bulk speed: an empty FalkorDB graph written with GRAPH.BULK.

The rows are the loader's own (kg/graph/schema.py: `work_row`, `extraction_row`,
`pending_row`) and the labels, types and property names come from the schema, so a bulk
build and a MERGE build of the same records give the same nodes, relationships and
properties.

The command's format (learnt from FalkorDB's bulk-loader documentation and source; the
writer below is ours):

    GRAPH.BULK <graph> [BEGIN] <nodes> <relations> <labels> <types> <label blobs> <type blobs>

BEGIN on the first call only, which must create the graph. A blob is the label's (or type's)
name and a NUL, a uint32 count of property names, each name and a NUL, then one record per
entity: for a node its properties, for a relation its source and destination node ids
(uint64: the order of creation over the whole load, from 0) then its properties. A property
is a type byte and its value: 0 null, 1 bool (one byte), 2 double, 4 long (eight bytes),
3 string (UTF-8 and a NUL), 5 array (an int64 count, then each item as a property). Blobs
are sent in calls of at most `max_bytes`.
"""

import struct
from collections.abc import Callable, Iterator
from typing import Any

import redis

from extract.errors import QueryFailed
from kg.graph.schema import SCHEMA, PaperRows, Row, Schema, edges_of, end_nodes, paper_node

_LONG, _DOUBLE = struct.Struct("=Bq"), struct.Struct("=Bd")
_ENDS = struct.Struct("=QQ")


def _long(v: int) -> bytes:
    if not -(2**63) <= v < 2**63:  # records keep to int64; say so if one did not
        raise QueryFailed(f"{v} does not fit the 64-bit integer a property holds")
    return _LONG.pack(4, v)


_ENCODE: dict[type, Callable[[Any], bytes]] = {
    type(None): lambda v: b"\x00",
    bool: lambda v: b"\x01\x01" if v else b"\x01\x00",
    int: _long,
    float: lambda v: _DOUBLE.pack(2, v),
    str: lambda v: b"\x03" + v.encode() + b"\x00",
    list: lambda v: _LONG.pack(5, len(v)) + b"".join(value(e) for e in v),
}


def value(v: Any) -> bytes:
    """One property in the bulk format (dispatched on the exact type: a build encodes
    millions of them)."""
    encode = _ENCODE.get(type(v))
    if encode is None:
        raise TypeError(f"cannot bulk-load a {type(v).__name__} property")
    return encode(v)


def _record(props: Row, names: tuple[str, ...]) -> bytes:
    """The properties `names` of one entity; strings and nulls, most of them, inline."""
    out = []
    for name in names:
        v = props.get(name)
        if type(v) is str:
            out.append(b"\x03" + v.encode() + b"\x00")
        elif v is None:
            out.append(b"\x00")
        else:
            out.append(value(v))
    return b"".join(out)


class _Blob:
    """One label's (or type's) header and records, as the bytes a call sends."""

    def __init__(self, name: str, names: tuple[str, ...]) -> None:
        self.header = (name.encode() + b"\x00" + struct.pack("=I", len(names))
                       + b"".join(n.encode() + b"\x00" for n in names))  # fmt: skip
        self.names = names
        self.data = bytearray()
        self.count = 0


class BulkWriter:
    """Buffers nodes and relations and sends them in GRAPH.BULK calls."""

    def __init__(
        self, client: redis.Redis, graph: str, max_bytes: int = 32 << 20, schema: Schema = SCHEMA
    ) -> None:
        self.client, self.graph, self.max_bytes = client, graph, max_bytes
        self.properties: dict[str, tuple[str, ...]] = {n.label: tuple(n.properties)
                                                       for n in schema.nodes}  # fmt: skip
        self.properties |= {r.type: tuple(r.properties) for r in schema.relationships}
        self.next_id = 0
        self.begun = False
        self.nodes: dict[str, _Blob] = {}
        self.relations: dict[str, _Blob] = {}
        self.size = 0

    def node(self, label: str, props: Row) -> int:
        blob = self.nodes.get(label) or self.nodes.setdefault(label, self._blob(label))
        self._add(blob, _record(props, blob.names))
        self.next_id += 1
        return self.next_id - 1

    def relation(self, rel_type: str, source: int, target: int, props: Row) -> None:
        blob = self.relations.get(rel_type) or self.relations.setdefault(
            rel_type, self._blob(rel_type)
        )
        ends = _ENDS.pack(source, target)
        if blob.names:
            ends += _record(props, blob.names)
        self._add(blob, ends)

    def _blob(self, name: str) -> _Blob:
        return _Blob(name, self.properties[name])

    def _add(self, blob: _Blob, record: bytes) -> None:
        blob.data += record
        blob.count += 1
        self.size += len(record)
        if self.size >= self.max_bytes:
            self.flush()

    def flush(self) -> None:
        node_blobs = [b for b in self.nodes.values() if b.count]
        rel_blobs = [b for b in self.relations.values() if b.count]
        if not node_blobs and not rel_blobs and self.begun:
            return
        args: list[Any] = ["BEGIN"] if not self.begun else []
        args += [sum(b.count for b in node_blobs), sum(b.count for b in rel_blobs),
                 len(node_blobs), len(rel_blobs)]  # fmt: skip
        args += [b.header + b.data for b in (*node_blobs, *rel_blobs)]
        try:
            self.client.execute_command("GRAPH.BULK", self.graph, *args)  # type: ignore[no-untyped-call]
        except redis.ResponseError as error:
            raise QueryFailed(f"FalkorDB refused the bulk load: {error}") from error
        self.begun = True
        self.nodes.clear()
        self.relations.clear()
        self.size = 0


def bulk_load(
    writer: BulkWriter, rows: Callable[[], Iterator[PaperRows]], schema: Schema = SCHEMA
) -> None:
    """Write a whole graph: the hubs and every node an edge ends at first, owned nodes too
    (one pass to find them), then papers and their edges (a second pass). `rows()` must give
    the same stream twice."""
    ids: dict[tuple[str, Any], int] = {}
    for label, nodes in end_nodes(schema, rows()).by_label.items():
        for key, props in nodes.items():
            ids[(label, key)] = writer.node(label, props)
    end_key = {rel.type: schema.node(rel.end).key for rel in schema.relationships}
    for work, outcome in rows():
        paper = writer.node(schema.paper, paper_node(schema, work, outcome))
        for rel, start, edge in edges_of(schema, work, outcome):
            source = paper if rel.start == schema.paper else ids[(rel.start, start)]
            end = ids[(rel.end, edge["end"][end_key[rel.type]])]
            writer.relation(rel.type, source, end, edge["props"])
    writer.flush()
