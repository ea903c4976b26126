"""`kg export DIR`: the graph as tidy tables for pandas, R or a spreadsheet, as CSV and
Parquet, with a README in the folder that is the data dictionary.

Each table is declared once below (columns, types, meanings): the CSV header, the Parquet
schema and the README are all written from that declaration, so they cannot disagree.
"""

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from extract.errors import InputRejected
from extract.taxonomy import NATURAL_SCIENCE_FIELDS
from kg.graph.statements import statement
from kg.graph.stores.base import GraphStore, Row
from kg.questions import render
from kg.questions.output import write_text, write_whole

UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    meaning: str


@dataclass(frozen=True)
class Table:
    name: str
    unit: str
    cypher: str
    columns: tuple[Column, ...]


STR, INT, BOOL = pa.string(), pa.int64(), pa.bool_()

PAPERS = Table(
    "papers",
    "one row per paper in the graph",
    statement("export/papers"),
    (
        Column("paper_id", STR, "OpenAlex work id (or one made from the DOI or title)"),
        Column("doi", STR, "DOI, when known"),
        Column("title", STR, "title"),
        Column("year", INT, "publication year"),
        Column("journal", STR, "journal or source name"),
        Column("primary_field_id", INT, "OpenAlex field id of the primary topic"),
        Column("primary_field", STR, "name of that field"),
        Column("fields", STR, "the paper's fields in topic-rank order, separated by '; '"),
        Column("status", STR, "extracted | failed | pending; only 'extracted' counts in shares"),
        Column("extractor", STR, "which extractor answered: rules, llm, prefilter"),
        Column("extractor_version", STR, "rules version or prompt version"),
        Column("uses_dl", BOOL, "the paper uses deep learning"),
        Column("uses_ptms", BOOL, "the paper reuses at least one pre-trained model"),
        Column("text_source", STR, "where its text came from: europepmc, plos, abstract, ..."),
        Column("cited_by_count", INT, "citations in OpenAlex; empty when not known (own papers)"),
    ),
)

REUSES = Table(
    "reuses",
    "one row per paper and model it reuses (a Reuse node)",
    statement("export/reuses"),
    (
        Column("paper_id", STR, "the paper (papers.paper_id)"),
        Column("doi", STR, "its DOI"),
        Column("year", INT, "its publication year"),
        Column("primary_field_id", INT, "its primary topic's field id"),
        Column("primary_field", STR, "that field's name"),
        Column("model", STR, "canonical model name (models.model)"),
        Column("family", STR, "model family"),
        Column("mention", STR, "the model as the paper wrote it"),
        Column("pattern", STR, "conceptual | adaptation | deployment (or undetermined)"),
        Column("pattern_evidenced", BOOL, "false when the pattern is undetermined"),
        Column("stage", STR, "Observation ... Conclusion (or undetermined)"),
        Column("stage_evidenced", BOOL, "false when the stage is undetermined"),
        Column("role", STR, "the mention's role (e.g. used), when the graph records one"),
        Column("form", STR, "what was done with the model, in a few words"),
        Column("evidence", STR, "the paper's sentence the reuse was read from"),
        Column("found_by", STR, "table | catalogue | pattern | shape | llm"),
    ),
)

INTRODUCTIONS = Table(
    "introductions",
    "one row per model a paper introduces itself (an INTRODUCES edge)",
    statement("export/introductions"),
    (
        Column("paper_id", STR, "the paper that made the model (papers.paper_id)"),
        Column("doi", STR, "its DOI"),
        Column("year", INT, "its publication year"),
        Column("model", STR, "the model's canonical name (models.model)"),
        Column("family", STR, "model family"),
        Column("mention", STR, "the model as the paper wrote it"),
        Column("evidence", STR, "the paper's sentence that shows it made the model"),
        Column("found_by", STR, "table | catalogue | pattern | shape | llm"),
        Column("reusing_papers", INT, "papers in the graph that reuse the model"),
        Column("first_reuse", INT, "the year of its first reuse, when it has one"),
    ),
)

MODELS = Table(
    "models",
    "one row per model in the graph",
    statement("export/models"),
    (
        Column("model", STR, "canonical model name"),
        Column("family", STR, "model family (ResNet, BERT, ESM, ...)"),
        Column("modality", STR, "vision, text, protein, ...; unknown for models in no table"),
        Column("papers", INT, "papers reusing it"),
    ),
)

FIELDS = Table(
    "fields",
    "one row per OpenAlex field in the graph",
    statement("export/fields"),
    (
        Column("field_id", INT, "OpenAlex field id"),
        Column("field", STR, "field name"),
        Column("domain", STR, "OpenAlex domain"),
        Column("natural_science", BOOL, "one of the study's eight natural-science fields"),
        Column("primary_papers", INT, "papers whose primary topic is in this field"),
        Column("papers", INT, "papers with any of their top topics in this field"),
    ),
)

TABLES = (PAPERS, REUSES, INTRODUCTIONS, MODELS, FIELDS)


def _tidy(table: Table, rows: list[Row]) -> list[dict[str, Any]]:
    tidied = []
    for row in rows:
        row = dict(row)
        if table is PAPERS:
            row["fields"] = "; ".join(row["fields"] or [])
        if table is REUSES:
            row["pattern_evidenced"] = row["pattern"] != UNDETERMINED
            row["stage_evidenced"] = row["stage"] != UNDETERMINED
        if table is FIELDS:
            row["natural_science"] = row["field_id"] in NATURAL_SCIENCE_FIELDS
        tidied.append({c.name: row.get(c.name) for c in table.columns})
    return tidied


def _cell(text: str) -> str:
    return text.replace("|", "\\|")  # a literal bar inside a markdown table cell


def _dictionary(counts: dict[str, int]) -> str:
    lines = [
        README_TITLE,
        "",
        "Tidy tables of the graph, each as CSV (UTF-8, header row) and Parquet, with the same",
        "columns. Join them on `paper_id`, `model` and `field_id`. Written by `kg export`.",
    ]
    for table in TABLES:
        lines += ["", f"## {table.name} ({counts[table.name]} rows)", "", f"Unit: {table.unit}."]
        lines += ["", "| column | type | meaning |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {_cell(c.meaning)} |" for c in table.columns]
    return "\n".join(lines) + "\n"


README_TITLE = "# ptm-kg export"


def refuse_foreign_readme(folder: Path) -> None:
    """A README.md in `folder` that `kg export` did not write (a user's own, or a symlink)
    is never replaced: one line, before anything is written."""
    readme = folder / "README.md"
    if not readme.exists() and not readme.is_symlink():
        return
    ours = False
    if readme.is_file() and not readme.is_symlink():
        with readme.open(encoding="utf-8", errors="replace") as opened:
            ours = opened.readline().rstrip("\n") == README_TITLE
    if not ours:
        raise InputRejected(
            f"{readme} was not written by kg export and would be replaced: give a new or "
            "empty folder, or move that file"
        )


def export(store: GraphStore, folder: Path) -> dict[str, int]:
    """Write every table as CSV and Parquet, and the README; returns rows per table. Each
    file is written under a hidden name and renamed into place (kg/questions/output.py):
    whole or not at all, and never through a symlink standing at its name."""
    refuse_foreign_readme(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in TABLES:
        rows = _tidy(table, store.run(table.cypher, {}))
        columns = tuple(c.name for c in table.columns)
        write_text(folder / f"{table.name}.csv", render.to_csv(rows, columns))
        schema = pa.schema([(c.name, c.type) for c in table.columns])
        arrow = pa.Table.from_pylist(rows, schema=schema)
        write_whole(folder / f"{table.name}.parquet", partial(pq.write_table, arrow))
        counts[table.name] = len(rows)
    write_text(folder / "README.md", _dictionary(counts))
    return counts
