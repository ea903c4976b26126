"""The `kg` command. Thin: each command builds settings, calls one function, renders the result."""

import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extract.corpus import Failure, read_corpus
from extract.errors import InputRejected, KgError
from kg import queries, render
from kg.build import Step, build_graph
from kg.demo import TABLES, run_demo
from kg.loader import counts
from kg.settings import Settings
from kg.stores import GraphStore, open_store

app = typer.Typer(
    help=(
        "Build and query a knowledge graph of how natural scientists reuse pre-trained deep "
        "learning models (PTMs).\n\n"
        "Start with `kg demo`, then `kg queries` to see the questions and "
        "`kg query NAME` to ask one. Settings come from the environment or a .env file: "
        "KG_STORE (embedded | neo4j), KG_WORKSPACE (default ./.kg), NEO4J_URI, NEO4J_USER, "
        "NEO4J_PASSWORD."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)
_state = {"debug": False}


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


def _friendly[**P, R](command: Callable[P, R]) -> Callable[P, R]:
    """Turn our errors into one clear line and exit code 2; a traceback only with --debug."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except KgError as error:
            if _state["debug"]:
                raise
            err.print(f"[bold red]error:[/] {error}", highlight=False)
            raise typer.Exit(2) from None

    return wrapper


@contextmanager
def _store(settings: Settings) -> Iterator[GraphStore]:
    with err.status(f"starting the {settings.kg_store} store…"):
        store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _progress(total: int) -> Iterator[Step]:
    bars = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def step(what: str, n: int) -> None:
        if what not in tasks:
            tasks[what] = bars.add_task(what, total=total)
        bars.advance(tasks[what], n)

    with bars:
        yield step


def _print_failures(failures: list[Failure]) -> None:
    if failures:
        err.print(f"[yellow]{len(failures)} paper(s) failed and were skipped:[/]")
        for failure in failures[:20]:
            err.print(f"  {failure.where}: {failure.reason}", highlight=False, markup=False)
        if len(failures) > 20:
            err.print(f"  … and {len(failures) - 20} more")


def _counts_line(found: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in found.items())


@app.command()
@_friendly
def demo() -> None:
    """Build a fresh graph from the built-in synthetic corpus and answer the study's questions.

    Wipes the configured store first (with KG_STORE=neo4j: the whole Neo4j database).
    """
    settings = Settings()
    with _store(settings) as store:
        from kg.demo import corpus_path

        total = sum(1 for line in corpus_path().open() if line.strip())
        with _progress(total) as step:
            result = run_demo(store, step)
        name = store.name
    for table_name in TABLES:
        module = queries.get(table_name)
        out.print(
            render.table(result.tables[table_name], title=f"{module.question} ({table_name})")
        )
    h = result.headlines
    out.print("\n[bold]The study's three questions, answered on the demo corpus:[/]")
    out.print(
        f"  Leading field:         [bold]{h.leading_field}[/] "
        f"({h.leading_field_ptm_papers} papers reusing PTMs)"
    )
    out.print(
        f"  Most common pattern:   [bold]{h.top_pattern}[/] ({h.top_pattern_share:.0%} of reuses)"
    )
    out.print(
        f"  Most impacted stage:   [bold]{h.top_stage}[/] ({h.top_stage_share:.0%} of reuses)"
    )
    out.print(
        f"\n{result.summary.papers} papers, {result.summary.reuses} reuses → "
        f"{_counts_line(result.counts)}"
    )
    _print_failures(result.summary.failures)
    out.print(f"The graph lives in {name}.")
    out.print("Ask it more: `kg queries` lists the questions, `kg query top_ptms` asks one.")
    if settings.kg_store == "neo4j":
        out.print("Explore it in Neo4j Browser: http://localhost:7474")


@app.command()
@_friendly
def load(
    corpus: Annotated[
        Path, typer.Argument(help="A .jsonl file of papers, one {work, text} per line.")
    ],
    reset: Annotated[bool, typer.Option(help="Wipe the store before loading.")] = False,
) -> None:
    """Extract PTM reuse from a corpus file with the rules extractor and load it into the graph.

    Loading is idempotent: loading the same file twice changes no count. Malformed papers are
    reported and skipped; the exit code is 1 when any paper failed.
    """
    settings = Settings()
    read = read_corpus(corpus)
    with _store(settings) as store:
        if reset:
            store.reset()
        with _progress(len(read.papers)) as step:
            summary = build_graph(store, read.papers, step)
        found = counts(store)
    failures = read.failures + summary.failures
    out.print(f"Loaded {summary.papers} papers ({summary.reuses} reuses): {_counts_line(found)}")
    _print_failures(failures)
    if failures:
        raise typer.Exit(1)


def _parse_params(raw: list[str]) -> dict[str, str]:
    parsed = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputRejected(f"--param {item!r}: write it as name=value, e.g. --param limit=20")
        parsed[key.strip()] = value.strip()
    return parsed


@app.command()
@_friendly
def query(
    name: Annotated[str, typer.Argument(help="A query module; `kg queries` lists them.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value, repeatable.")
    ] = None,
    format: Annotated[render.Format, typer.Option("--format", "-f")] = "table",
) -> None:
    """Run one query module and print its answer (a table, or CSV / JSON for machines)."""
    module = queries.get(name)
    values = _parse_params(param or [])
    queries.parameters_for(module, values)  # reject bad parameters before starting a store
    with _store(Settings()) as store:
        rows = queries.run(store, name, values)
    if format == "csv":
        sys.stdout.write(render.to_csv(rows, module.columns))
    elif format == "json":
        sys.stdout.write(render.to_json(rows) + "\n")
    else:
        out.print(render.table(rows, title=module.question, columns=module.columns))


@app.command("queries")
@_friendly
def list_queries() -> None:
    """List the query modules with their questions and parameters."""
    listing = [
        {
            "name": m.name,
            "question": m.question,
            "parameters": ", ".join(f"{p.name}={p.default}" for p in m.parameters.values()) or "",
        }
        for m in queries.modules().values()
    ]
    out.print(render.table(listing, title="Query modules (kg query NAME --param name=value)"))


@app.command()
@_friendly
def stats() -> None:
    """Show node and relationship counts, and papers per field and per year."""
    with _store(Settings()) as store:
        found = counts(store)
        by_field = queries.run(store, "ptm_reuse_by_field")
        by_year = queries.run(store, "papers_by_year")
        name = store.name
    out.print(render.table([found], title=f"Graph: {name}"))
    out.print(render.table(by_field, title="Papers per field (primary topic)"))
    out.print(render.table(by_year, title="Papers per year"))
