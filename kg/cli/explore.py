"""Commands that read the graph: demo, query, queries, stats, report, flows, browser."""

import json
import sys
from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.markup import escape

from extract.errors import InputRejected
from kg.cli.app import (
    ConcurrencyOption,
    ExtractorOption,
    FormatOption,
    app,
    counts_line,
    emit,
    err,
    friendly,
    open_graph,
    out,
    print_failures,
    progress,
    require_workspace,
)
from kg.cli.cypher import looks_like_file, parse_params, run_cypher
from kg.demo import TABLES, run_demo
from kg.graph.loader import counts
from kg.pipeline.extract import ExtractOptions
from kg.pipeline.extractors import registered
from kg.pipeline.mixing import where_line
from kg.questions import queries, render
from kg.settings import Settings, load_settings
from kg.workspace import Workspace


@app.command()
@friendly
def demo(
    extractor: ExtractorOption = "rules",
    concurrency: ConcurrencyOption = 8,
    force: Annotated[
        bool, typer.Option("--force", help="Empty a graph that holds papers of your own too.")
    ] = False,
) -> None:
    """Build a fresh graph from the built-in synthetic corpus and answer the study's questions.

    Empties the configured store first (with KG_STORE=neo4j: the whole Neo4j database), and
    refuses to when the graph or the workspace holds papers of your own (--force to do it
    anyway). The demo's 51 papers are kept in the workspace, marked as the demo's: loading
    your own papers beside them is refused, so use another KG_WORKSPACE for a real study.
    """
    from kg.cli.extract import one_paying_run
    from kg.demo import corpus_path
    from kg.pipeline.mixing import refuse_wiping
    from kg.sources.corpus import read_corpus

    settings = load_settings()
    demo_ids = [p.work.id for p in read_corpus(corpus_path()).papers]
    total = len(demo_ids)
    workspace = Workspace(settings.kg_workspace)
    try:
        with (
            one_paying_run(extractor, settings),
            open_graph(settings, fresh=True, reads=False) as store,
            progress(total) as step,
        ):
            if not force:
                refuse_wiping(store, workspace, demo_ids)
            options = ExtractOptions(concurrency=concurrency, step=step)
            chosen = registered(extractor).make(settings, workspace, options)
            result = run_demo(store, workspace, chosen, step)
            name = store.name
    finally:
        workspace.close()
    for table_name in TABLES:
        module = queries.get(table_name)
        out.print(
            render.table(result.tables[table_name], title=f"{module.question} ({table_name})")
        )
    h = result.headlines
    out.print("\n[bold]The study's three questions, answered on the demo corpus:[/]")
    out.print(
        f"  Leading field:         [bold]{escape(h.leading_field)}[/] "
        f"({h.leading_field_ptm_papers} papers reusing PTMs)"
    )
    out.print(f"  Most common pattern:   [bold]{escape(h.pattern_name)}[/] {h.pattern_detail()}")
    out.print(f"  Most impacted stage:   [bold]{escape(h.stage_name)}[/] {h.stage_detail()}")
    built = result.built
    out.print(f"\n{built.papers} papers, {built.reuses} reuses → {counts_line(built.counts)}")
    print_failures(result.failures)
    out.print(f"The graph lives in {escape(name)}.")
    out.print("Ask it more: `kg queries` lists the questions, `kg query top_ptms` asks one.")
    if settings.kg_store == "neo4j":
        from kg.graph.stores.neo4j_server import background_server
        from kg.questions.browser import browser_line, browser_target

        line = browser_line(browser_target(background_server()))
        out.print(f"Explore it in {line}; `kg browser` says how.", markup=False,
                  highlight=False, soft_wrap=True)  # fmt: skip


@app.command()
@friendly
def query(
    name: Annotated[
        str, typer.Argument(help="A query module (`kg queries` lists them) or a .cypher file.")
    ],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value, repeatable.")
    ] = None,
    format: FormatOption = "table",
    all_fields: Annotated[
        bool,
        typer.Option(
            "--all-fields",
            help="Let max_rank widen into every field, not only the eight natural-science ones.",
        ),
    ] = False,
) -> None:
    """Run one query module and print its answer (a table, or CSV / JSON for machines).

    A model is found as the loader finds it (any case, hyphens, sizes; a family gives its
    members), a field by id or name. A table cut by its limit says so on stderr. A .cypher
    file of your own runs as `kg cypher FILE` runs it (read-only).
    """
    values = parse_params(param or [])
    if looks_like_file(name):
        run_cypher(name, values, format)
        return
    module = queries.get(name)
    if all_fields and "science_fields" in module.parameters:
        values["science_fields"] = "null"
    queries.parameters_for(module, values)  # reject bad parameters before starting a store
    with open_graph(load_settings()) as store:
        answer = queries.run_counted(store, name, values)
    emit(answer.rows, format, module.question, module.columns)
    if not answer.rows:
        given = ", ".join(f"{k}={v}" for k, v in values.items()) or "the defaults"
        err.print(f"no rows: nothing in the graph answers {name} with {given}", markup=False,
                  highlight=False)  # fmt: skip
    if answer.total is not None and answer.limit is not None and answer.total > answer.limit:
        more = "more than " if answer.total >= queries.CAP else ""
        err.print(
            f"showing {len(answer.rows)} of {more}{answer.total} rows; "
            f"`-p limit={answer.total}` shows them all",
            markup=False,
            highlight=False,
        )


@app.command("queries")
@friendly
def list_queries(format: FormatOption = "table") -> None:
    """List the query modules with their questions, parameters and columns."""
    listing = [
        {
            "name": m.name,
            "question": m.question,
            "parameters": ", ".join(
                f"{p.name}={json.dumps(p.default)}" for p in m.parameters.values()
            ),
            "columns": ", ".join(m.columns),
        }
        for m in queries.modules().values()
    ]
    emit(listing, format, "Query modules (kg query NAME --param name=value)")
    if format == "table":
        from kg.questions.glossary import COLUMNS

        out.print("What the share columns and max_rank mean:", markup=False)
        for name, meaning in COLUMNS.items():
            out.print(f"  {name}: {meaning}", markup=False, highlight=False)


@app.command()
@friendly
def stats(format: FormatOption = "table") -> None:
    """Show node and relationship counts, extraction status, full-text coverage, papers per
    field and year, and the share of undetermined patterns and stages (--format json: all of
    them as one object; csv: pick one table with `kg query NAME -f csv`)."""
    if format == "csv":
        raise InputRejected("kg stats prints several tables: use --format json, or "
                            "`kg query ptm_reuse_by_field -f csv` for one of them")  # fmt: skip
    settings = load_settings()
    with open_graph(settings) as store:
        found = counts(store)
        statuses = queries.run(store, "corpus_summary")
        by_field = queries.run(store, "ptm_reuse_by_field")
        by_year = queries.run(store, "papers_by_year")
        evidenced = queries.run(store, "evidenced_values")
        name = store.name
    workspace = Workspace(settings.kg_workspace)
    try:
        coverage = [{"text_read_from": k, "kept_works": v} for k, v in workspace.coverage().items()]
    finally:
        workspace.close()
    tables = {  # key (for --format json): title (for people)
        "graph": (f"Graph: {name}", [found]),
        "papers_by_status": (
            "Papers by extraction status, extractor and text source (only "
            "'extracted' papers count in shares)",
            statuses,
        ),
        "text_sources": ("Workspace: where each kept work's text comes from", coverage),
        "papers_per_field": ("Papers per field (primary topic)", by_field),
        "papers_per_year": ("Papers per year", by_year),
        "evidenced_values": (
            "Reuses whose pattern and stage the papers evidence, and the share left "
            "undetermined (left out of every share)",
            evidenced,
        ),
    }
    if format == "json":
        found_json: dict[str, object] = {"workspace": str(settings.kg_workspace.resolve())}
        found_json |= {"store": name} | {k: rows for k, (_, rows) in tables.items()}
        sys.stdout.write(json.dumps(found_json, indent=2, ensure_ascii=False) + "\n")
        return
    out.print(where_line(settings), markup=False, highlight=False, soft_wrap=True)
    for title, rows in tables.values():
        if rows:
            out.print(render.table(rows, title=title))


@app.command()
@friendly
def report(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for report.html, figures and CSVs.")
    ] = None,
    format: Annotated[
        Literal["png", "svg", "pdf"],
        typer.Option("--format", "-f", help="The figures' format: png, svg or pdf."),
    ] = "png",
    dpi: Annotated[int, typer.Option(min=50, max=1200, help="Resolution of PNG figures.")] = 150,
) -> None:
    """Write one self-contained HTML report (answers, tables, figures) with the figures and
    CSVs beside it.

    Open report.html in any browser; no server is needed. The figures carry no title: their
    titles and captions are in the report, so a journal's caption can take them as they are.
    """
    from kg.questions.report import write_report  # matplotlib loads only when a report is asked for

    settings = load_settings()
    if out_dir is None:  # the default folder is in the workspace: never make one for it
        require_workspace(settings)
    target = out_dir or settings.kg_workspace / "report"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputRejected(f"--out {target}: cannot make that folder ({error})") from error
    with open_graph(settings) as store:
        build = _build_line(settings, store.name)
        written = write_report(store, target, store.name, build, format, dpi)
    h = written.headlines
    out.print(
        f"Leading field: {h.leading_field}; pattern: {h.pattern_name} {h.pattern_detail()}; "
        f"stage: {h.stage_name} {h.stage_detail()}",
        markup=False,
    )
    out.print(f"Wrote {len(written.files)} files to {target}; open {written.html}", markup=False)


def _build_line(settings: Settings, store_name: str) -> str:
    workspace = Workspace(settings.kg_workspace)
    try:
        build = workspace.last_build(store_name)
    finally:
        workspace.close()
    if build is None:
        return "Build: none recorded in this workspace (built by another tool or workspace)."
    if build.completed_at is None:
        return (f"Build: INCOMPLETE. The last build ({build.mode}, started {build.started_at}) "
                "did not complete; the figures may show part of the corpus.")  # fmt: skip
    return (f"Build: {build.mode} with the {build.extractor or '—'} extractions, started "
            f"{build.started_at}, completed {build.completed_at}.")  # fmt: skip


@app.command()
@friendly
def flows(
    by: Annotated[str, typer.Option(help="model or family.")] = "model",
    top: Annotated[int, typer.Option(min=1, help="How many bridging PTMs to list.")] = 10,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for flows.graphml.")] = None,
    format: Annotated[
        Literal["table", "json"],
        typer.Option("--format", "-f", help="table (for people) or json (both tables at once)."),
    ] = "table",
) -> None:
    """PTM flows between fields: bridging PTMs, the diffusion timeline, and GraphML for Gephi.

    Builds the model-field graph (edge weight: papers) from the flow query, ranks models by
    the field pairs they alone connect and by betweenness, and writes flows.graphml.
    """
    from kg.questions import flows as flow_graph

    if by not in {"model", "family"}:
        raise InputRejected("--by takes model or family")
    settings = load_settings()
    with open_graph(settings) as store:
        rows = queries.run(store, "ptm_field_flows" if by == "model" else "family_field_flows")
    graph = flow_graph.bipartite(rows, by=by)
    every = flow_graph.bridges(graph)
    ranked = [_named(vars(b), by) for b in every[:top]]
    latest = flow_graph.timeline(graph)[::-1][:top]  # newest first
    adoptions = [_named(vars(a), by) for a in latest]
    path = flow_graph.write_graphml(graph, (out_dir or settings.kg_workspace) / "flows.graphml")
    if format == "json":
        sys.stdout.write(json.dumps({"bridges": ranked, "latest_adoptions": adoptions,
                                     "graphml": str(path)}, indent=2) + "\n")  # fmt: skip
        return
    out.print(render.table(ranked, title=f"PTMs bridging fields (by {by})"))
    out.print(
        render.table(adoptions, title=f"Latest first adoptions ({by} reaches field), newest first")
    )
    out.print(
        f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges → {path} "
        "(Gephi opens it)",
        markup=False,
    )
    if len(every) > top:
        kinds = "families" if by == "family" else "models"
        err.print(f"showing the top {top} of {len(every)} {kinds} in each table; `--top "
                  f"{len(every)}` shows them all", markup=False, highlight=False)  # fmt: skip


def _named(row: dict[str, object], by: str) -> dict[str, object]:
    """A flows row with its first column headed by what it holds: model or family."""
    return {(by if key == "model" else key): value for key, value in row.items()}
