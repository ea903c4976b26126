"""The `kg` app and what its commands share: consoles, errors as one line, the store,
progress bars."""

import functools
import logging
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from extract.errors import InputRejected, KgError
from extract.secrets import mask
from kg.graph.stores import GraphStore, open_store
from kg.os_errors import os_error_hint
from kg.pipeline.extract import Step
from kg.questions import render
from kg.settings import Settings, mask_url
from kg.sources.corpus import Failure
from kg.workspace import Workspace
from kg.workspace.lock import held

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
    # click's plain help: it reflows every paragraph to the terminal and never cuts an
    # option's name, where rich panels kept the docstrings' line breaks and cut options
    rich_markup_mode=None,
)
out = Console()
err = Console(stderr=True)
_state = {"debug": False}


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        out.print(f"ptm-kg {version('ptm-kg')}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    _state["debug"] = debug
    _log_masked(debug)


def _masked_record(record: logging.LogRecord) -> bool:
    record.msg, record.args = mask(record.getMessage()), ()
    return True


def _log_masked(debug: bool) -> None:
    """Libraries' log lines (instructor logs every failed call, with the endpoint's text)
    go through the secret mask; shown with --debug, otherwise only when critical: our own
    errors are the one line `friendly` prints."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_masked_record)
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    level = logging.WARNING if debug else logging.CRITICAL
    logging.basicConfig(handlers=[handler], level=level, force=True)


def _hint(error: BaseException) -> str:
    return os_error_hint(error) or "run again with --debug for the traceback"


def say_error(message: str) -> None:
    """One line on stderr; the message may hold paper text, so it is shown literally."""
    shown = escape(mask(mask_url(message)))
    err.print(f"[bold red]error:[/] {shown}", highlight=False, soft_wrap=True)


def friendly[**P, R](command: Callable[P, R]) -> Callable[P, R]:
    """Turn every error into one clear line and a non-zero exit: 2 for ours (bad setting,
    input or service), 3 for anything unexpected; a traceback only with --debug."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except KgError as error:
            if _state["debug"]:
                raise
            say_error(str(error))
            raise typer.Exit(2) from None
        except (OSError, sqlite3.Error) as error:
            if _state["debug"]:
                raise
            say_error(f"{error}; {_hint(error)}")
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            say_error("interrupted; what was stored stays stored, and a rerun resumes")
            raise typer.Exit(130) from None
        except Exception as error:
            if _state["debug"]:
                raise
            say_error(f"unexpected {type(error).__name__}: {error} (rerun with --debug)")
            raise typer.Exit(3) from None

    return wrapper


def warn_if_incomplete(settings: Settings, store_name: str | None) -> None:
    """Say so on stderr when the last build of this graph (of any graph in the workspace
    when `store_name` is None) did not complete."""
    workspace = Workspace(settings.kg_workspace)
    try:
        build = workspace.last_build(store_name)
    finally:
        workspace.close()
    if build is not None and build.completed_at is None:
        err.print(
            f"[bold yellow]warning: incomplete build[/]: the last build of this graph "
            f"({build.mode}, started {build.started_at}) did not complete, so the graph may "
            "hold only part of the corpus and every share may be wrong. Finish it with "
            "`kg load --rebuild`.",
            highlight=False,
            soft_wrap=True,
        )


def require_workspace(settings: Settings) -> None:
    """A command that reads the graph in a folder without a workspace says so, instead of
    making an empty one and answering with empty tables."""
    path = settings.kg_workspace
    made = (path / "graph.rdb").exists() or (path / "corpus.sqlite").exists()
    if settings.kg_store == "embedded" and not made:
        raise InputRejected(
            f"no workspace at {path.resolve()}: make one here with `kg demo` or "
            "`kg load FILE`, or point KG_WORKSPACE at an existing one"
        )


@contextmanager
def open_graph(settings: Settings, fresh: bool = False, reads: bool = True) -> Iterator[GraphStore]:
    """The configured store. `fresh`: the caller empties it (a damaged embedded graph file
    is then set aside); `reads`: warn first when the graph's last build did not complete."""
    if reads:
        require_workspace(settings)
    writer: AbstractContextManager[None] = nullcontext()
    if not reads and settings.kg_store == "neo4j":  # the embedded store holds its own lock
        settings.kg_workspace.mkdir(parents=True, exist_ok=True)
        writer = held(settings.kg_workspace / "neo4j.lock", "writing the Neo4j graph")
    with writer:
        with err.status(f"starting the {settings.kg_store} store…"):
            store = open_store(settings, fresh)
        try:
            if reads:
                warn_if_incomplete(settings, store.name)
            yield store
        finally:
            store.close()


class _Rate(ProgressColumn):
    """Items a second, over rich's recent window."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")


@contextmanager
def progress(total: int) -> Iterator[Step]:
    """Bars with count, rate, elapsed time and (for a known total) the time left."""
    bars = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,  # piped or captured: no bar, and no blank line left over
    )
    tasks: dict[str, Any] = {}

    def step(what: str, n: int) -> None:
        if what not in tasks:
            tasks[what] = bars.add_task(what, total=total)
        bars.advance(tasks[what], n)

    with bars:
        yield step


def print_failures(failures: list[Failure], full_list: Path | None = None) -> None:
    """The first 20 failures on stderr; all of them in `full_list` (TSV) when given."""
    if not failures:
        return
    count = plural(len(failures), "failure")
    err.print(f"[yellow]{count}, each skipped while the rest went on:[/]")
    for failure in failures[:20]:
        err.print(f"  {failure.where}: {mask(mask_url(failure.reason))}", highlight=False,
                  markup=False)  # fmt: skip
    if full_list is not None:
        safe = render.spreadsheet_safe
        lines = [f"{safe(f.where)}\t{safe(mask(mask_url(f.reason)))}" for f in failures]
        full_list.write_text("where\treason\n" + "\n".join(lines) + "\n", encoding="utf-8")
        err.print(f"  every one, with its reason: {full_list}", highlight=False, markup=False)
    elif len(failures) > 20:
        err.print(f"  … and {len(failures) - 20} more")


def regular_file(path: Path, what: str) -> Path:
    """`path` when it is a regular file; a FIFO, device or directory would hang or fail the
    read, so it is one line instead."""
    if not path.is_file():
        kind = "does not exist" if not path.exists() else "is not a regular file"
        raise InputRejected(f"{what} {path} {kind}")
    return path


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def counts_line(found: dict[str, int]) -> str:
    return ", ".join(f"{n} {name}" for name, n in found.items())


ExtractorName = str  # a name in kg/pipeline/extractors.py's registry, checked there
ExtractorOption = Annotated[
    ExtractorName,
    typer.Option(help="rules (no model needed) or llm (KG_LLM_MODEL, KG_LLM_BASE_URL...)."),
]
ConcurrencyOption = Annotated[int, typer.Option(min=1, help="LLM requests in flight at once.")]


FormatOption = Annotated[
    render.Format,
    typer.Option("--format", "-f", help="table (for people), csv or json (for machines)."),
]


def emit(
    rows: list[dict[str, Any]], format: render.Format, title: str, columns: tuple[str, ...] = ()
) -> None:
    """One table of rows, in the chosen format, on stdout."""
    if format == "csv":
        sys.stdout.write(render.to_csv(rows, columns))
    elif format == "json":
        sys.stdout.write(render.to_json(rows) + "\n")
    else:
        out.print(render.table(rows, title=title, columns=columns))
