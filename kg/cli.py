"""The `kg` command. Thin: each command builds settings, calls one function, renders the result."""

import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from extract import fetch as fetching
from extract.archive import Archive, store_texts
from extract.corpus import Failure, read_corpus
from extract.errors import InputRejected, KgError
from extract.ledger import Ledger
from extract.openalex import STUDY_TERMS, StudyFilter
from extract.records import Paper
from extract.taxonomy import NATURAL_SCIENCE_FIELDS
from extract.workspace import Workspace
from extract.workspace import papers as stored_papers
from kg import queries, render
from kg.build import ExtractorName, ExtractRun, Step, extract_with, load_graph
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


ExtractorOption = Annotated[
    ExtractorName,
    typer.Option(help="rules (no model needed) or llm (KG_LLM_MODEL, KG_LLM_BASE_URL...)."),
]
ConcurrencyOption = Annotated[int, typer.Option(min=1, help="LLM requests in flight at once.")]


@app.command()
@_friendly
def demo(extractor: ExtractorOption = "rules", concurrency: ConcurrencyOption = 8) -> None:
    """Build a fresh graph from the built-in synthetic corpus and answer the study's questions.

    Wipes the configured store first (with KG_STORE=neo4j: the whole Neo4j database).
    """
    settings = Settings()
    with _store(settings) as store:
        from kg.demo import corpus_path

        total = sum(1 for line in corpus_path().open() if line.strip())
        with _progress(total) as step:

            def extract(papers: Sequence[Paper]) -> ExtractRun:
                return extract_with(extractor, papers, settings, concurrency, step=step)

            result = run_demo(store, step, extract)
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
def fetch(
    search: Annotated[
        list[str] | None,
        typer.Option(
            "--search", "-s", help="A search phrase, repeatable. Default: the study's six."
        ),
    ] = None,
    dois: Annotated[
        Path | None, typer.Option(help="A file of DOIs, one per line, looked up 50 per request.")
    ] = None,
    from_year: Annotated[int, typer.Option(help="First publication year.")] = 2000,
    to_year: Annotated[int, typer.Option(help="Last publication year.")] = 2025,
    source: Annotated[
        str | None, typer.Option(help="Only this OpenAlex source (journal), e.g. S202381698.")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Stop after this many works.")] = None,
    field: Annotated[
        list[int] | None,
        typer.Option(
            help="Keep works with a top-3 topic in this field id, repeatable. "
            "Default: the eight natural-science fields."
        ),
    ] = None,
    all_fields: Annotated[bool, typer.Option(help="Keep works of every field.")] = False,
    min_citations: Annotated[int, typer.Option(help="Keep works cited at least this often.")] = 1,
    fulltext: Annotated[
        Path | None,
        typer.Option(help="A directory or zip of JATS / TEI XML files, matched by DOI."),
    ] = None,
    refresh: Annotated[bool, typer.Option(help="Ask OpenAlex again for what is stored.")] = False,
) -> None:
    """Find papers in OpenAlex and store them, with their full text where it is open.

    By default searches the study's six phrases in open-access articles of 2000-2025 and keeps
    works with a top-3 topic in a natural-science field and at least one citation. Everything
    goes to the workspace's corpus.sqlite; a rerun sends no request for what is stored, and an
    interrupted fetch resumes. Then run `kg load`.
    """
    settings = Settings()
    fetching.configure(
        settings.openalex_email,
        settings.openalex_api_key.get_secret_value() if settings.openalex_api_key else None,
        settings.openalex_url,
    )
    study = StudyFilter(
        fields=frozenset() if all_fields else frozenset(field or NATURAL_SCIENCE_FIELDS),
        min_citations=min_citations,
    )
    workspace = Workspace(settings.kg_workspace)
    try:
        if dois is not None:
            wanted = _read_dois(dois)
            with _progress(len(wanted)) as step:
                report = fetching.fetch_dois(workspace, wanted, refresh, lambda n: step("DOIs", n))
        else:
            query = fetching.search_query(search or STUDY_TERMS, from_year, to_year, source)
            with _progress(limit or 0) as step:
                report = fetching.fetch_search(
                    workspace, query, limit, refresh, lambda n: step("works", n)
                )
        kept = fetching.apply_filter(workspace, [w for w, _ in workspace.works()], study)
        archive = Archive(fulltext) if fulltext else None
        texts = store_texts(
            workspace, ((w, r) for w, r in workspace.works(kept_only=True)), archive
        )
        failures = workspace.failures()
    finally:
        workspace.close()
    out.print(
        f"OpenAlex: {report.requests} request(s), {report.fetched} works received, "
        f"{report.stored} stored for this query"
        + (f" of {report.total} matching" if report.total is not None else "")
    )
    if report.missing:
        out.print(f"{len(report.missing)} DOI(s) not found in OpenAlex, e.g. {report.missing[0]}")
    out.print(render.table([kept], title="Study filters over every work in the workspace"))
    out.print(
        f"Texts: {texts.full_text} full text, {texts.abstract_only} abstract only, "
        f"{texts.nothing} with neither"
    )
    bad = [Failure(w, r) for w, r in failures] + [Failure(w, r) for w, r in texts.failures]
    _print_failures(bad)
    out.print(f"Stored in {settings.kg_workspace / 'corpus.sqlite'}. Next: `kg load`.")


def _read_dois(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        raise InputRejected(f"cannot read the DOI file {path}: {error}") from error
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


CorpusArgument = Annotated[
    Path | None,
    typer.Argument(
        help="A .jsonl file of papers ({work, text} per line). "
        "Default: the works `kg fetch` stored and kept."
    ),
]


def _papers(corpus: Path | None, settings: Settings) -> tuple[list[Paper], list[Failure]]:
    if corpus is not None:
        read = read_corpus(corpus)
        return read.papers, read.failures
    workspace = Workspace(settings.kg_workspace)
    try:
        papers = list(stored_papers(workspace))
    finally:
        workspace.close()
    if not papers:
        raise InputRejected("the workspace holds no kept works: run `kg fetch` first")
    return papers, []


def _extract(
    extractor: ExtractorName,
    papers: list[Paper],
    settings: Settings,
    concurrency: int,
    budget: int | None,
) -> ExtractRun:
    with _progress(len(papers)) as step:
        run = extract_with(extractor, papers, settings, concurrency, budget, step)
    if run.llm is not None:
        stats = run.llm
        cost = "unknown price" if stats.cost_usd is None else f"${stats.cost_usd:.4f}"
        out.print(
            f"LLM: {stats.calls} call(s), {stats.cache_hits} from the ledger, "
            f"{stats.prefiltered} decided by the prefilter; {stats.input_tokens} input and "
            f"{stats.output_tokens} output tokens ({cost}); "
            f"{len(stats.dropped)} reuse(s) dropped for evidence not found"
        )
    return run


@app.command()
@_friendly
def extract(
    corpus: CorpusArgument = None,
    extractor: ExtractorOption = "llm",
    concurrency: ConcurrencyOption = 8,
    budget: Annotated[
        int | None, typer.Option(help="Tokens of paper text per LLM call (default 3000).")
    ] = None,
) -> None:
    """Answer the study's questions for each paper and store the answers in the workspace.

    With the LLM: one call per paper over the paragraphs that can hold evidence, every quote
    checked against the paper, every call in the ledger; a rerun makes no request for what
    was answered. `kg cost` shows the bill, `kg load --extractor llm` builds the graph.
    """
    settings = Settings()
    papers, failures = _papers(corpus, settings)
    run = _extract(extractor, papers, settings, concurrency, budget)
    with_ptms = sum(e.uses_ptms for e in run.extractions)
    reuses = sum(len(e.reuses) for e in run.extractions)
    out.print(
        f"Extracted {len(run.extractions)} of {len(papers)} papers: {with_ptms} reuse PTMs "
        f"({reuses} reuses, each with a checked quote)."
    )
    _print_failures(failures + run.failures)
    if failures or run.failures:
        raise typer.Exit(1)


@app.command()
@_friendly
def load(
    corpus: CorpusArgument = None,
    extractor: ExtractorOption = "rules",
    concurrency: ConcurrencyOption = 8,
    reset: Annotated[bool, typer.Option(help="Wipe the store before loading.")] = False,
) -> None:
    """Extract PTM reuse (rules, or the LLM's stored answers) and load papers into the graph.

    Loading is idempotent: loading the same papers twice changes no count. Malformed papers
    are reported and skipped; the exit code is 1 when any paper failed.
    """
    settings = Settings()
    papers, failures = _papers(corpus, settings)
    run = _extract(extractor, papers, settings, concurrency, None)
    with _store(settings) as store:
        if reset:
            store.reset()
        summary = load_graph(store, papers, run.extractions)
        found = counts(store)
    failures = failures + run.failures
    out.print(f"Loaded {summary.papers} papers ({summary.reuses} reuses): {_counts_line(found)}")
    _print_failures(failures)
    if failures:
        raise typer.Exit(1)


@app.command()
@_friendly
def cost() -> None:
    """What the LLM calls recorded in the workspace cost: calls, tokens, dollars by model."""
    ledger = Ledger(Settings().kg_workspace)
    try:
        lines = ledger.costs()
    finally:
        ledger.close()
    rows = [
        {
            "model": line.model,
            "calls": line.calls,
            "failed": line.failed,
            "input_tokens": line.input_tokens,
            "output_tokens": line.output_tokens,
            "cost_usd": "unknown" if line.cost_usd is None else round(line.cost_usd, 4),
            "seconds": round(line.seconds, 1),
        }
        for line in lines
    ]
    out.print(render.table(rows, title="LLM calls in the ledger (cost is an estimate)",
                           columns=("model", "calls", "failed", "input_tokens",
                                    "output_tokens", "cost_usd", "seconds")))  # fmt: skip


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
