"""Rows to what a reader sees: rich tables for people, CSV and JSON for machines."""

import csv
import io
import json
from collections.abc import Sequence
from typing import Literal

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from kg.stores.base import Row

Format = Literal["table", "csv", "json"]
SHORT = 14  # values up to this long are never cut or wrapped


def cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list | tuple):
        return "; ".join(cell(v) for v in value)  # never a Python list repr
    return str(value)


def _flat(value: object) -> object:
    return "; ".join(map(str, value)) if isinstance(value, list | tuple) else value


def table(rows: Sequence[Row], title: str | None = None, columns: Sequence[str] = ()) -> Table:
    """A rich table that fits the terminal: short values (pattern and stage names, counts)
    are never cut, headers wrap at their underscores, and long text wraps whole words."""
    columns = list(rows[0]) if rows else list(columns)
    out = Table(
        title=title and escape(title),
        title_justify="left",
        show_lines=False,
        min_width=len(title) if title else None,  # a narrow table does not fold its title
    )
    for column in columns:
        numeric = bool(rows) and isinstance(rows[0].get(column), int | float)
        longest = max((len(cell(row.get(column))) for row in rows), default=0)
        header = column.replace("_", " ")
        widest_word = max(len(word) for word in header.split())
        out.add_column(
            header,
            justify="right" if numeric else "left",
            min_width=longest if longest <= SHORT else None,
            # a column of short values is no wider than they and its header's longest word
            max_width=max(longest, widest_word) if longest <= SHORT else None,
            overflow="fold",
        )
    for row in rows:
        # Text, not str: a value from a paper is shown as written, never read as markup
        out.add_row(*(Text(cell(row.get(c))) for c in columns))
    return out


def to_csv(rows: Sequence[Row], columns: Sequence[str] = ()) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else list(columns))
    writer.writeheader()
    writer.writerows({k: _flat(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def to_json(rows: Sequence[Row]) -> str:
    return json.dumps(list(rows), indent=2, ensure_ascii=False)
