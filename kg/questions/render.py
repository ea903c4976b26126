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

from kg.graph.stores.base import Row

Format = Literal["table", "csv", "json"]
SHORT = 14  # values up to this long are never cut or wrapped
TOKEN = 60  # nor single words (DOIs, ids) up to this long


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
    long text, which wraps between words). A column of single tokens (DOIs, ids) is never
    broken inside one."""
    widths: dict[str, tuple[int, int | None]] = {}
    for column in columns:
        values = [cell(row.get(column)) for row in rows]
        longest = max(map(len, values), default=0)
        widest_word = max(len(word) for word in column.replace("_", " ").split())
        if longest <= SHORT or (longest <= TOKEN and not any(" " in v for v in values)):
            # the header on one line when there is room, wrapped at its words when not
            widths[column] = (max(longest, widest_word), max(longest, len(column)))
        else:  # rich never breaks a word it can wrap around, so the longest word is the least
            longest_word = max((len(w) for v in values for w in v.split()), default=0)
            widths[column] = (max(12, widest_word, longest_word), None)
    return widths


def _fits(widths: dict[str, tuple[int, int | None]], shown: Sequence[str], room: int) -> bool:
    return sum(widths[c][0] + 3 for c in shown) + 1 <= room


def _numeric(rows: Sequence[Row], column: str) -> bool:
    return bool(rows) and isinstance(rows[0].get(column), int | float)


def key_columns(rows: Sequence[Row], columns: Sequence[str]) -> list[str]:
    """The columns that say what a row is about: those before the first number that follows
    a text column (field_id, field, pattern; model, family, modality; stage); in a table
    without such a number, the first column. They are never left out."""
    seen_text = False
    for i, column in enumerate(columns):
        if _numeric(rows, column) and seen_text:
            return list(columns[:i])
        seen_text = seen_text or not _numeric(rows, column)
    return list(columns[:1])


def _shown(rows: Sequence[Row], columns: list[str], widths: dict[str, tuple[int, int | None]],
           room: int) -> list[str]:  # fmt: skip
    """The columns that fit `room`: all of them, else without the other text columns (from
    the right), then without the other numbers (from the right); the key columns always."""
    shown = list(columns)
    keys = set(key_columns(rows, columns))
    rest = [c for c in columns if c not in keys]
    for dropping in ([c for c in rest if not _numeric(rows, c)], rest):
        for column in reversed(dropping):
            if _fits(widths, shown, room):
                return shown
            if column in shown:
                shown.remove(column)
    return shown


def _sizes(rows: Sequence[Row], shown: Sequence[str], widths: dict[str, tuple[int, int | None]],
           room: int) -> dict[str, int]:  # fmt: skip
    """Each column's width: what it needs, narrowed towards its least (long text first,
    then headers, which wrap at their words) until the table fits `room`."""
    longest = {c: max((len(cell(row.get(c))) for row in rows), default=0) for c in shown}
    size = {c: most if most is not None else max(least, longest[c])
            for c, (least, most) in ((c, widths[c]) for c in shown)}  # fmt: skip
    excess = sum(size[c] + 3 for c in shown) + 1 - room
    for column in sorted(shown, key=lambda c: widths[c][1] is not None):  # long text first
        if excess <= 0:
            break
        give = min(excess, size[column] - widths[column][0])
        size[column] -= give
        excess -= give
    return size


def table(
    rows: Sequence[Row],
    title: str | None = None,
    columns: Sequence[str] = (),
    width: int | None = None,
) -> RenderableType:
    """A rich table that fits `width` (the terminal's by default): short values (pattern and
    stage names, counts, DOIs) are never cut, headers wrap at their underscores, long text
    wraps whole words; when it cannot fit, columns are left out (other text first, then
    numbers, from the right, named under the table; never the key columns that say what a
    row is), and only a table that still cannot fit is shown one record at a time, a line a
    value. A whole-table count repeated on every row (`undetermined`) is said once, under it."""
    columns = list(rows[0]) if rows else list(columns)
    every = columns
    once = _said_once(rows, columns)
    columns = [c for c in columns if c not in once]
    widths = _widths(rows, columns)
    room = width if width is not None else get_console().width
    shown = _shown(rows, columns, widths, room) if rows else columns
    if rows and not _fits(widths, shown, room):
        return _titled(title, _vertical(rows, every))
    size = _sizes(rows, shown, widths, room) if rows else {}
    out = Table(show_lines=False)
    for column in shown:
        least, most = widths[column]
        out.add_column(column.replace("_", " "), justify="right" if _numeric(rows, column)
                       else "left", min_width=least, max_width=most, width=size.get(column),
                       overflow="fold")  # fmt: skip
    for row in rows:
        # Text, not str: a value from a paper is shown as written, never read as markup
        out.add_row(*(Text(cell(row.get(c))) for c in shown))
    left_out = [c for c in columns if c not in shown]
    notes = [f"{c.replace('_', ' ')}: {cell(v)} on every row" for c, v in once.items()]
    if left_out:
        notes.append(f"not shown at this width: {', '.join(left_out)} (-f csv shows every column)")
    out.caption = "\n".join(notes) or None
    return _titled(title, out)


# Columns a module repeats on every row because they count the whole answer (reuses whose
# pattern or stage nothing decided, beside the shares they are left out of).
_WHOLE_TABLE_COUNTS = ("undetermined",)


def _said_once(rows: Sequence[Row], columns: Sequence[str]) -> dict[str, object]:
    """The whole-table counts that hold one value on every row: said once, under the table."""
    return {c: rows[0].get(c) for c in columns
            if c in _WHOLE_TABLE_COUNTS and len(rows) > 1
            and len({cell(row.get(c)) for row in rows}) == 1}  # fmt: skip


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
