"""Rows to what a reader sees: rich tables for people, CSV and JSON for machines."""

import csv
import io
import json
from collections.abc import Sequence
from typing import Literal

from rich import box, get_console
from rich.console import Group, RenderableType
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


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """`text` with a leading ' when it begins like a spreadsheet formula (=, +, -, @, tab or
    CR), so that a title such as `=HYPERLINK(...)` opens as text, never as a formula."""
    return "'" + text if text.startswith(_FORMULA) else text


def _flat(value: object) -> object:
    if isinstance(value, list | tuple):
        value = "; ".join(map(str, value))
    return spreadsheet_safe(value) if isinstance(value, str) else value


def _widths(rows: Sequence[Row], columns: Sequence[str]) -> dict[str, tuple[int, int | None]]:
    """Per column: the least width at which nothing is cut, and the most it needs (None:
    long text, which wraps)."""
    widths: dict[str, tuple[int, int | None]] = {}
    for column in columns:
        longest = max((len(cell(row.get(column))) for row in rows), default=0)
        widest_word = max(len(word) for word in column.replace("_", " ").split())
        if longest <= SHORT:
            widths[column] = (max(longest, widest_word), max(longest, widest_word))
        else:
            widths[column] = (max(12, widest_word), None)
    return widths


def table(
    rows: Sequence[Row],
    title: str | None = None,
    columns: Sequence[str] = (),
    width: int | None = None,
) -> RenderableType:
    """A rich table that fits `width` (the terminal's by default): short values (pattern and
    stage names, counts) are never cut, headers wrap at their underscores, long text wraps
    whole words; a table that cannot fit so is shown one record at a time, a line a value."""
    columns = list(rows[0]) if rows else list(columns)
    widths = _widths(rows, columns)
    room = width if width is not None else get_console().width
    if rows and sum(least + 3 for least, _ in widths.values()) + 1 > room:
        return _titled(title, _vertical(rows, columns))
    out = Table(show_lines=False)
    for column in columns:
        numeric = bool(rows) and isinstance(rows[0].get(column), int | float)
        least, most = widths[column]
        out.add_column(column.replace("_", " "), justify="right" if numeric else "left",
                       min_width=least, max_width=most, overflow="fold")  # fmt: skip
    for row in rows:
        # Text, not str: a value from a paper is shown as written, never read as markup
        out.add_row(*(Text(cell(row.get(c))) for c in columns))
    return _titled(title, out)


def _titled(title: str | None, table: Table) -> RenderableType:
    """The title on its own line(s), as wide as the terminal, whatever the table's width."""
    return Group(Text(title, style="italic"), table) if title else table


def _vertical(rows: Sequence[Row], columns: Sequence[str]) -> Table:
    out = Table(show_header=False, box=box.SIMPLE)
    out.add_column("column", style="dim", no_wrap=True)
    out.add_column("value", overflow="fold")
    for number, row in enumerate(rows, start=1):
        for i, column in enumerate(columns):
            label = f"{number}. {column}" if i == 0 else f"   {column}"
            out.add_row(label, Text(cell(row.get(column))), end_section=i == len(columns) - 1)
    return out


def to_csv(rows: Sequence[Row], columns: Sequence[str] = ()) -> str:
    """Rows as CSV; text cells that begin like a formula are neutralised (numbers are not:
    -3 stays a number)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else list(columns))
    writer.writeheader()
    writer.writerows({k: _flat(v) for k, v in row.items()} for row in rows)
    return buffer.getvalue()


def to_json(rows: Sequence[Row]) -> str:
    return json.dumps(list(rows), indent=2, ensure_ascii=False)
