"""`kg cypher` (and `kg query FILE.cypher`): your own Cypher, read-only; `kg schema`: what
there is to ask about."""

from pathlib import Path
from typing import Annotated

import typer

from extract.errors import InputRejected, QueryFailed
from kg.cli.app import FormatOption, app, emit, err, friendly, open_graph, out
from kg.graph.describe import schema_markdown
from kg.questions import queries
from kg.settings import load_settings

ParamOption = Annotated[
    list[str] | None, typer.Option("--param", "-p", help="name=value, repeatable.")
]


def parse_params(raw: list[str]) -> dict[str, str]:
    """`name=value` pairs from the command line."""
    parsed = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputRejected(f"--param {item!r}: write it as name=value, e.g. --param limit=20")
        parsed[key.strip()] = value.strip()
    return parsed


def looks_like_file(source: str) -> bool:
    return source.endswith(".cypher") or Path(source).is_file()


def run_cypher(source: str, params: dict[str, str], format: str) -> None:
    """Run a .cypher file or a Cypher string read-only and print its rows."""
    path = Path(source)
    if looks_like_file(source):
        if not path.is_file():
            raise InputRejected(f"no such file: {source}")
        module = queries.adhoc(path.read_text(encoding="utf-8"), path.stem)
    else:
        module = queries.adhoc(source, "cypher")
    with open_graph(load_settings()) as store:
        try:
            rows = queries.run_adhoc(store, module, params)
        except QueryFailed as error:
            raise QueryFailed(f"{error} (kg cypher only reads: a write is refused)") from error
    emit(rows, format, module.question or module.name, module.columns)  # type: ignore[arg-type]
    if not rows:
        given = ", ".join(f"{k}={v}" for k, v in params.items()) or "no parameters"
        err.print(f"no rows: nothing in the graph answers {module.name} with {given}",
                  markup=False, highlight=False)  # fmt: skip


@app.command()
@friendly
def cypher(
    source: Annotated[str, typer.Argument(help="A .cypher file, or Cypher text in quotes.")],
    param: ParamOption = None,
    format: FormatOption = "table",
) -> None:
    """Run your own Cypher (a file or a string) against the graph, read-only.

    Parameters go with -p name=value (numbers, true/false, null and [lists] as JSON, else
    text; a header like a query module's gives defaults). Model, field and paper names are
    read as `kg query` reads them. A statement that would write is refused, on either store.
    `kg schema` lists what the graph holds.
    """
    run_cypher(source, parse_params(param or []), format)


@app.command()
@friendly
def schema() -> None:
    """Print the graph's schema: labels, keys, typed properties, indexes, and relationships
    with their ends and properties (kg/graph/schema.py; the README shows the same)."""
    out.print(schema_markdown(), markup=False, highlight=False, soft_wrap=True, end="")
