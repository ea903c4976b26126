"""Commands that read the graph: demo, query, queries, stats, report, flows, browser."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from extract.errors import InputRejected
from extract.workspace import Workspace
from kg import queries, render
from kg.build import EXTRACTORS, ExtractOptions
from kg.cli.app import (
    ConcurrencyOption,
    ExtractorOption,
    FormatOption,
    app,
    counts_line,
    emit,
    friendly,
    open_graph,
    out,
    print_failures,
    progress,
    warn_if_incomplete,
)
from kg.demo import TABLES, run_demo
from kg.loader import counts
from kg.settings import Settings, load_settings


@app.command()
@friendly
def demo(extractor: ExtractorOption = "rules", concurrency: ConcurrencyOption = 8) -> None:
    """Build a fresh graph from the built-in synthetic corpus and answer the study's questions.

    Empties the configured store first (with KG_STORE=neo4j: the whole Neo4j database). The
    demo's 49 papers are kept in the workspace like any corpus: use another KG_WORKSPACE for
    a real study.
    """
    from kg.demo import corpus_path

    settings = load_settings()
    total = sum(1 for line in corpus_path().open() if line.strip())
    workspace = Workspace(settings.kg_workspace)
    try:
        with open_graph(settings, fresh=True, reads=False) as store, progress(total) as step:
            options = ExtractOptions(concurrency=concurrency, step=step)
            chosen = EXTRACTORS[extractor](settings, workspace, options)
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
    out.print(
        f"  Most common pattern:   [bold]{escape(h.top_pattern)}[/] "
        f"({h.top_pattern_share:.0%} {h.pattern_basis()})"
    )
    out.print(
        f"  Most impacted stage:   [bold]{escape(h.top_stage)}[/] "
        f"({h.top_stage_share:.0%} {h.stage_basis()})"
    )
    built = result.built
    out.print(f"\n{built.papers} papers, {built.reuses} reuses → {counts_line(built.counts)}")
    print_failures(result.failures)
    out.print(f"The graph lives in {escape(name)}.")
    out.print("Ask it more: `kg queries` lists the questions, `kg query top_ptms` asks one.")
    if settings.kg_store == "neo4j":
        out.print("Explore it in Neo4j Browser: http://localhost:7474")


def _parse_params(raw: list[str]) -> dict[str, str]:
    parsed = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputRejected(f"--param {item!r}: write it as name=value, e.g. --param limit=20")
        parsed[key.strip()] = value.strip()
    return parsed


@app.command()
@friendly
def query(
    name: Annotated[str, typer.Argument(help="A query module; `kg queries` lists them.")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value, repeatable.")
    ] = None,
    format: FormatOption = "table",
) -> None:
    """Run one query module and print its answer (a table, or CSV / JSON for machines)."""
    module = queries.get(name)
    values = _parse_params(param or [])
    queries.parameters_for(module, values)  # reject bad parameters before starting a store
    with open_graph(load_settings()) as store:
        rows = queries.run(store, name, values)
    emit(rows, format, module.question, module.columns)


@app.command("queries")
@friendly
def list_queries(format: FormatOption = "table") -> None:
    """List the query modules with their questions and parameters."""
    listing = [
        {
            "name": m.name,
            "question": m.question,
            "parameters": ", ".join(
                f"{p.name}={json.dumps(p.default)}" for p in m.parameters.values()
            ),
        }
        for m in queries.modules().values()
    ]
    emit(listing, format, "Query modules (kg query NAME --param name=value)")


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
    tables = {
        f"Graph: {name}": [found],
        "Papers by extraction status, extractor and text source (only 'extracted' papers "
        "count in shares)": statuses,
        "Workspace: where each kept work's text comes from": coverage,
        "Papers per field (primary topic)": by_field,
        "Papers per year": by_year,
        "Reuses whose pattern and stage the papers evidence, and the share left undetermined "
        "(left out of every share)": evidenced,
    }
    if format == "json":
        sys.stdout.write(json.dumps(tables, indent=2, ensure_ascii=False) + "\n")
        return
    for title, rows in tables.items():
        if rows:
            out.print(render.table(rows, title=title))


@app.command()
@friendly
def report(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for report.html, PNGs and CSVs.")
    ] = None,
) -> None:
    """Write one self-contained HTML report (answers, tables, figures) with PNGs and CSVs.

    Open report.html in any browser; no server is needed.
    """
    from kg.report import write_report  # matplotlib loads only when a report is asked for

    settings = load_settings()
    target = out_dir or settings.kg_workspace / "report"
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputRejected(f"--out {target}: cannot make that folder ({error})") from error
    with open_graph(settings) as store:
        written = write_report(store, target, store.name, _build_line(settings, store.name))
    h = written.headlines
    out.print(
        f"Leading field: {h.leading_field}; pattern: {h.top_pattern} ({h.pattern_basis()}); "
        f"stage: {h.top_stage} ({h.stage_basis()})",
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
    format: FormatOption = "table",
) -> None:
    """PTM flows between fields: bridging PTMs, the diffusion timeline, and GraphML for Gephi.

    Builds the model-field graph (edge weight: papers) from the flow query, ranks models by
    the field pairs they alone connect and by betweenness, and writes flows.graphml.
    """
    from kg import flows as flow_graph

    if by not in {"model", "family"}:
        raise InputRejected("--by takes model or family")
    if format == "csv":
        raise InputRejected("kg flows prints two tables: use --format json (or the GraphML)")
    settings = load_settings()
    with open_graph(settings) as store:
        rows = queries.run(store, "ptm_field_flows" if by == "model" else "family_field_flows")
    graph = flow_graph.bipartite(rows, by=by)
    ranked = [vars(b) for b in flow_graph.bridges(graph)[:top]]
    adoptions = [vars(a) for a in flow_graph.timeline(graph)][-top:]
    path = flow_graph.write_graphml(graph, (out_dir or settings.kg_workspace) / "flows.graphml")
    if format == "json":
        sys.stdout.write(json.dumps({"bridges": ranked, "latest_adoptions": adoptions,
                                     "graphml": str(path)}, indent=2) + "\n")  # fmt: skip
        return
    out.print(render.table(ranked, title=f"PTMs bridging fields (by {by})"))
    out.print(render.table(adoptions, title="Latest first adoptions (model reaches field)"))
    out.print(
        f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges → {path} "
        "(Gephi opens it)"
    )


@app.command()
@friendly
def browser(
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where to write the kit.")] = None,
) -> None:
    """How to explore the graph in Neo4j Browser, with the queries and a style to load."""
    from kg.browser import BROWSER_URL, export_kit

    settings = load_settings()
    favourites, style = export_kit(out_dir or settings.kg_workspace / "browser")
    warn_if_incomplete(settings, None)
    guide = f"""Neo4j Browser: {BROWSER_URL}  (after `docker compose up -d`; user neo4j,
password NEO4J_PASSWORD from .env). Load the graph with `KG_STORE=neo4j kg demo` or `kg load`.

  Style:    drag {style} onto the Browser window (Paper, Model, Field, Pattern and Stage
            get their own colours and captions).
  Queries:  Favorites (star icon) > Import, and pick {favourites}; each file is one
            question, with its parameters in its header.
  Params:   set them before running a query, e.g.  :param max_rank => 0
  Behind a number: papers_behind lists the papers a table counted, e.g.
            :param model => 'ESM-2'  (and field, pattern, stage, max_rank, limit)
  Start:    MATCH (m:Model {{name: 'ESM-2'}})<-[r:REUSES]-(p:Paper)-[:IN_FIELD]->(f:Field)
            RETURN m, r, p, f LIMIT 50"""
    out.print(guide, markup=False, highlight=False)


@app.command()
@friendly
def models(
    unknown: Annotated[
        bool, typer.Option("--unknown", help="List reused names outside every table instead.")
    ] = False,
    min_papers: Annotated[
        int, typer.Option(min=1, help="With --unknown: names seen in at least this many papers.")
    ] = 2,
    format: FormatOption = "table",
) -> None:
    """The model catalogue by modality and source, or (--unknown) the reused names that no
    table knows, seen in several papers: candidates to curate in extract/aliases.py."""
    if unknown:
        with open_graph(load_settings()) as store:
            rows = queries.run(store, "unknown_models", {"min_papers": str(min_papers)})
        module = queries.get("unknown_models")
        emit(rows, format, module.question, module.columns)
        return
    from extract.aliases import MODELS
    from extract.catalogue import catalogue_rows

    counts: dict[tuple[str, str], int] = {}
    for info in MODELS:
        counts[(info.modality, "curated")] = counts.get((info.modality, "curated"), 0) + 1
    for _, _, modality, source, _ in catalogue_rows():
        counts[(modality, source)] = counts.get((modality, source), 0) + 1
    rows = [{"modality": m, "source": s, "models": n} for (m, s), n in sorted(counts.items())]
    emit(rows, format, f"Model catalogue: {sum(counts.values())} names")
