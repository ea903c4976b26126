"""Fresh Neo4j builds at bulk speed: CSV files for `neo4j-admin database import full`.

Neo4j's import tool writes its store files directly, with the database offline, from CSV
files whose header rows name each column's role and type (per its operations manual):
`:ID(space)` for a node's key within an id space, `name:int` / `:float` / `:boolean` /
`:string[]` for a typed property (strings need no type; an array's items are split at ';'),
`:START_ID(space)` and `:END_ID(space)` for a relationship's ends; the label and type come
from `--nodes=Label=file` and `--relationships=TYPE=file`. The rows are the loader's own, as
for FalkorDB's GRAPH.BULK, and the files, columns and types come from the schema
(kg/graph/schema.py), so the imported graph is the one `kg load` would MERGE.

The command is checked against the real tool (5.26, `org.neo4j.cli.AdminTool`) by
tests/test_neo4j_import.py: `--multiline-fields=true` because quoted cells may span lines,
`--overwrite-destination=true` spelt with its value so that the database name after it is
not read as the option's argument. Every string cell is quoted, so that an empty string
stays one (an empty unquoted cell sets no property), and the printed command quotes its
paths. Each file is written under a hidden name and renamed into place once all are whole.
"""

import contextlib
import csv
import os
import shlex
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kg.graph.schema import SCHEMA, PaperRows, Schema, edges_of, end_nodes, paper_node

# the import tool's names for the property types; a string needs none
_TYPES: dict[type, str] = {int: "int", float: "float", bool: "boolean", list: "string[]"}


def _header(properties: dict[str, type]) -> list[str]:
    return [f"{n}:{_TYPES[t]}" if t in _TYPES else n for n, t in properties.items()]


def _cell(value: Any) -> Any:
    """A property as a cell: None is an empty unquoted field (no property), and every
    string is quoted, so that "" is an empty string, as `kg load` stores it; a list is its
    strings joined by the import tool's array delimiter (';', which aliases never hold)."""
    if isinstance(value, list):
        return ";".join(value)
    return str(value).lower() if isinstance(value, bool) else value


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")


def write_import(
    rows: Callable[[], Iterator[PaperRows]], folder: Path, schema: Schema = SCHEMA
) -> str:
    """Write one CSV per label and relationship type into `folder`; return the command.
    One pass: the hubs, then each paper, the nodes its edges end at that no earlier paper
    named, and its edges (the import tool reads all nodes before any relationship)."""
    folder.mkdir(parents=True, exist_ok=True)
    targets = {
        name: folder / f"{name}.csv" for name in (*schema.labels, *schema.relationship_types)
    }
    files = {name: _partial(path).open("x", newline="", encoding="utf-8")
             for name, path in targets.items()}  # fmt: skip
    try:
        headers = {name: csv.writer(handle) for name, handle in files.items()}
        writers = {name: csv.writer(handle, quoting=csv.QUOTE_STRINGS)
                   for name, handle in files.items()}  # fmt: skip
        for node in schema.nodes:
            headers[node.label].writerow([f":ID({node.label})", *_header(dict(node.properties))])
        for rel in schema.relationships:
            ends = [f":START_ID({rel.start})", f":END_ID({rel.end})"]
            headers[rel.type].writerow([ends[0], *_header(dict(rel.properties)), ends[1]])
        columns = {node.label: tuple(node.properties) for node in schema.nodes}
        columns |= {rel.type: tuple(rel.properties) for rel in schema.relationships}
        end_key = {rel.type: schema.node(rel.end).key for rel in schema.relationships}
        written = end_nodes(schema, ())  # the hubs
        for label, by_key in written.by_label.items():
            writers[label].writerows([key, *(_cell(props.get(n)) for n in columns[label])]
                                     for key, props in by_key.items())  # fmt: skip
        for work, outcome in rows():
            props = paper_node(schema, work, outcome)
            paper = [_cell(props.get(n)) for n in columns[schema.paper]]
            writers[schema.paper].writerow([work["id"], *paper])
            for rel, start, edge in edges_of(schema, work, outcome):
                end = edge["end"][end_key[rel.type]]
                if written.add(rel.end, end, edge["end"]):
                    writers[rel.end].writerow([end, *(_cell(edge["end"].get(n))
                                                      for n in columns[rel.end])])  # fmt: skip
                cells = (_cell(edge["props"].get(n)) for n in columns[rel.type])
                writers[rel.type].writerow([start, *cells, end])
        for handle in files.values():
            handle.close()
        for path in targets.values():  # whole files, never written through a symlink
            os.replace(_partial(path), path)
    finally:
        for name, handle in files.items():
            handle.close()
            with contextlib.suppress(OSError):
                _partial(targets[name]).unlink()
    node_files = " ".join(shlex.quote(f"--nodes={n}={targets[n]}") for n in schema.labels)
    rel_files = " ".join(shlex.quote(f"--relationships={r}={targets[r]}")
                         for r in schema.relationship_types)  # fmt: skip
    # Titles and quotes can hold line breaks: the importer must read quoted fields across lines.
    options = "--multiline-fields=true --overwrite-destination=true"
    return f"neo4j-admin database import full {node_files} {rel_files} {options} neo4j"
