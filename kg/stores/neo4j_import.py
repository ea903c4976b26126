"""Fresh Neo4j builds at bulk speed: CSV files for `neo4j-admin database import full`.

Neo4j's import tool writes its store files directly, with the database offline, from CSV
files whose header rows name each column's role and type (per its operations manual):
`:ID(space)` for a node's key within an id space, `name:int` / `:float` / `:boolean` for a
typed property (strings need no type), `:START_ID(space)` and `:END_ID(space)` for a
relationship's ends; the label and type come from `--nodes=Label=file` and
`--relationships=TYPE=file`. The rows are the loader's own, as for FalkorDB's GRAPH.BULK, so
the imported graph is the one `kg load` would MERGE.

The command is checked against the real tool (5.26, `org.neo4j.cli.AdminTool`) by
tests/test_neo4j_import.py: `--multiline-fields=true` because quoted cells may span lines,
`--overwrite-destination=true` spelt with its value so that the database name after it is
not read as the option's argument.
"""

import csv
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from extract.taxonomy import PATTERNS, STAGE_ORDER
from kg.stores.falkor_bulk import SCHEMA, PaperRows

_TYPES = {"year": "int", "cited_by_count": "int", "is_oa": "boolean", "uses_dl": "boolean",
          "uses_ptms": "boolean", "order": "int", "rank": "int", "score": "float"}  # fmt: skip
_KEYS = {"Pattern": "name", "Stage": "name", "Field": "id", "Model": "name", "Paper": "id"}
_ENDS = {"IN_FIELD": "Field", "REUSES": "Model", "APPLIES": "Pattern", "IMPACTS": "Stage",
         "INTRODUCES": "Model"}  # fmt: skip


def _header(names: tuple[str, ...], label: str) -> list[str]:
    types = _TYPES | ({"id": "int"} if label == "Field" else {})  # a field's id is a number
    return [f"{n}:{types[n]}" if n in types else n for n in names]


def _cell(value: Any) -> Any:
    if value is None:
        return ""  # an empty field sets no property
    return str(value).lower() if isinstance(value, bool) else value


def write_import(rows: Callable[[], Iterator[PaperRows]], folder: Path) -> str:
    """Write one CSV per label and relationship type into `folder`; return the command."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any] = {}
    writers: dict[str, Any] = {}
    seen: dict[str, set[Any]] = {label: set() for label in _KEYS}
    for name, props in SCHEMA.items():
        files[name] = (folder / f"{name}.csv").open("w", newline="", encoding="utf-8")
        writers[name] = csv.writer(files[name])
        if name in _KEYS:
            writers[name].writerow([f":ID({name})", *_header(props, name)])
        else:
            ends = [":START_ID(Paper)", f":END_ID({_ENDS[name]})"]
            writers[name].writerow([ends[0], *_header(props, name), ends[1]])

    def node(label: str, props: dict[str, Any]) -> None:
        key = props[_KEYS[label]]
        if key not in seen[label]:
            seen[label].add(key)
            writers[label].writerow([key, *(_cell(props.get(n)) for n in SCHEMA[label])])

    def relation(rel: str, paper: str, props: dict[str, Any], end: Any) -> None:
        writers[rel].writerow([paper, *(_cell(props.get(n)) for n in SCHEMA[rel]), end])

    hubs = {p.value for p in PATTERNS} | {s.value for s in STAGE_ORDER}
    try:
        for pattern in PATTERNS:
            node("Pattern", {"name": pattern.value})
        for stage, order in STAGE_ORDER.items():
            node("Stage", {"name": stage.value, "order": order})
        for work, outcome in rows():
            paper = work["id"]
            node("Paper", {"id": paper, **work["props"], **outcome["props"]})
            for field in work["fields"]:
                node("Field", field)
                relation("IN_FIELD", paper, field, field["id"])
            for reuse in (*outcome["reuses"], *outcome["introduces"]):
                node("Model", {"name": reuse["model"], "family": reuse["family"],
                               "modality": reuse["modality"]})  # fmt: skip
            for reuse in outcome["reuses"]:
                relation("REUSES", paper, reuse, reuse["model"])
                link = {"model": reuse["model"]}
                if reuse["pattern"] in hubs:  # no hub, no edge for undetermined
                    relation("APPLIES", paper, link, reuse["pattern"])
                if reuse["stage"] in hubs:
                    relation("IMPACTS", paper, link, reuse["stage"])
            for made in outcome["introduces"]:
                relation("INTRODUCES", paper, made, made["model"])
    finally:
        for handle in files.values():
            handle.close()
    nodes = " ".join(f"--nodes={n}={folder / n}.csv" for n in _KEYS)
    rels = " ".join(f"--relationships={r}={folder / r}.csv" for r in _ENDS)
    # Titles and quotes can hold line breaks: the importer must read quoted fields across lines.
    options = "--multiline-fields=true --overwrite-destination=true"
    return f"neo4j-admin database import full {nodes} {rels} {options} neo4j"
