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


def cell(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(rows: Sequence[Row], title: str | None = None, columns: Sequence[str] = ()) -> Table:
    columns = list(rows[0]) if rows else list(columns)
    out = Table(title=title and escape(title), title_justify="left", show_lines=False)
    for column in columns:
        numeric = bool(rows) and isinstance(rows[0].get(column), int | float)
        out.add_column(column, justify="right" if numeric else "left")
    for row in rows:
        # Text, not str: a value from a paper is shown as written, never read as markup
        out.add_row(*(Text(cell(row.get(c))) for c in columns))
    return out


def to_csv(rows: Sequence[Row], columns: Sequence[str] = ()) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def to_json(rows: Sequence[Row]) -> str:
    return json.dumps(list(rows), indent=2, ensure_ascii=False)
