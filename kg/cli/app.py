"""The `kg` app and what its commands share: consoles, errors as one line, the store,
progress bars."""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extract.corpus import Failure
from extract.errors import KgError
from kg.build import ExtractorName, Step
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


def friendly[**P, R](command: Callable[P, R]) -> Callable[P, R]:
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
def open_graph(settings: Settings) -> Iterator[GraphStore]:
    with err.status(f"starting the {settings.kg_store} store…"):
        store = open_store(settings)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def progress(total: int) -> Iterator[Step]:
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


def print_failures(failures: list[Failure]) -> None:
    if failures:
        err.print(f"[yellow]{len(failures)} paper(s) failed and were skipped:[/]")
        for failure in failures[:20]:
            err.print(f"  {failure.where}: {failure.reason}", highlight=False, markup=False)
        if len(failures) > 20:
            err.print(f"  … and {len(failures) - 20} more")


def counts_line(found: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in found.items())


ExtractorOption = Annotated[
    ExtractorName,
    typer.Option(help="rules (no model needed) or llm (KG_LLM_MODEL, KG_LLM_BASE_URL...)."),
]
ConcurrencyOption = Annotated[int, typer.Option(min=1, help="LLM requests in flight at once.")]
