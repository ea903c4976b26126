"""`kg load` (the graph from the workspace) and `kg neo4j-import` (the same graph as CSV
files for Neo4j's import tool)."""

from pathlib import Path
from typing import Annotated

import typer

from extract.errors import InputRejected
from kg.cli.app import (
    ExtractorName,
    app,
    counts_line,
    friendly,
    open_graph,
    out,
    plural,
    print_failures,
    progress,
)
from kg.cli.extract import CorpusArgument, import_corpus, run_extractor
from kg.graph.loader import work_row
from kg.pipeline.build import BuildSummary, build_graph, paper_rows
from kg.pipeline.extract import ExtractOptions
from kg.pipeline.extractors import registered
from kg.pipeline.mixing import refuse_mixing
from kg.settings import Settings, load_settings, max_bytes
from kg.sources.corpus import Failure, require_corpus
from kg.workspace import Run, Workspace
from kg.workspace import papers as stored_papers


@app.command()
@friendly
def load(
    corpus: CorpusArgument = None,
    extractor: Annotated[
        ExtractorName | None,
        typer.Option(
            help="Whose stored answers to load: rules (default; papers not yet extracted are "
            "extracted on the spot) or llm (the latest `kg extract` run; never calls the LLM). "
            "With --rebuild: the last build's."
        ),
    ] = None,
    reset: Annotated[
        bool,
        typer.Option("--reset", help="Empty the graph first (after the input has been checked)."),
    ] = False,
    rebuild: Annotated[
        bool,
        typer.Option(
            "--rebuild",
            help="Empty the graph and build it again from the workspace alone: how to finish "
            "an interrupted build or replace a damaged graph file.",
        ),
    ] = False,
    drop_demo: Annotated[
        bool,
        typer.Option(
            "--drop-demo",
            help="Remove the demo's papers from the workspace and the graph first, so that "
            "your own papers do not mix with them.",
        ),
    ] = False,
) -> None:
    """Build the graph from the workspace: kept works and their stored extractions.

    A corpus file is checked first, then its works and texts are kept in the workspace, so
    `kg load --rebuild` can always rebuild the graph from the workspace alone. Each build is
    recorded; a build that did not complete is reported by every command that reads the
    graph. Loading is idempotent. A paper whose extraction failed is loaded as failed and
    left out of every share. Exit code 1 when any paper failed.
    """
    settings = load_settings()
    if extractor is not None:
        registered(extractor)  # an unknown name is refused before anything is read
    if rebuild and corpus is not None:
        raise InputRejected("--rebuild uses the workspace alone: give no corpus file")
    if corpus is not None:
        require_corpus(corpus)  # a missing file is said first, before the workspace speaks
    workspace = Workspace(settings.kg_workspace)
    try:
        refuse_mixing(workspace, adding_own=corpus is not None, drop_demo=drop_demo)
        failures: list[Failure] = []
        ids: list[str] | None = None
        if corpus is not None:
            ids, failures = import_corpus(workspace, corpus, max_bytes(settings))
        elif not workspace.count_kept():
            raise InputRejected(
                "the workspace holds no kept works: run `kg fetch` first, or give a corpus file"
            )
        name = extractor or (_last_extractor(workspace) if rebuild else "rules")
        run = _run_to_load(name, workspace, settings, corpus, ids, failures)
        total = len(ids) if ids is not None else workspace.count_kept()
        fresh = reset or rebuild or drop_demo
        with open_graph(settings, fresh=fresh, reads=False) as store, progress(total) as step:
            mode = "rebuild" if rebuild else "load"
            built = build_graph(store, workspace, run, mode, ids, fresh, step)
    finally:
        workspace.close()
    _print_build(built, name)
    failures += [Failure(r.id, f"the store refused it: {r.reason}") for r in built.refused]
    print_failures(failures)
    if failures or built.failed:
        raise typer.Exit(1)


def _last_extractor(workspace: Workspace) -> ExtractorName:
    """The extractor of the last build (rules when nothing was built yet); one that is no
    longer registered is an error, never read as another extractor."""
    build = workspace.last_build()
    if build is None or build.extractor is None:
        return "rules"
    registered(build.extractor, f" (the last build's, in {workspace.path})")
    return build.extractor


def _run_to_load(
    name: ExtractorName,
    workspace: Workspace,
    settings: Settings,
    corpus: Path | None,
    ids: list[str] | None,
    failures: list[Failure],
) -> Run:
    """The run whose stored outcomes the build reads. Offline extractors first extract what
    has no stored outcome; the LLM is never called here."""
    if registered(name).offline:
        papers = stored_papers(workspace, ids)
        total = len(ids) if ids is not None else workspace.count_kept()
        summary = run_extractor(name, workspace, settings, papers, total, ExtractOptions())
        failures += summary.failures
        return summary.run
    run = workspace.latest_run(name)
    if run is None:
        raise InputRejected(
            f"no stored {name} extractions in {settings.kg_workspace}: run "
            f"`kg extract{' ' + str(corpus) if corpus else ''} --extractor {name}` first"
        )
    return run


def _print_build(built: BuildSummary, name: str) -> None:
    left_out = built.failed + built.pending
    out.print(
        f"Loaded {plural(built.papers, 'paper')} ({plural(built.reuses, 'reuse')}) from the "
        f"{name} extractions: {counts_line(built.counts)}"
    )
    if left_out:
        out.print(
            f"[yellow]{left_out} paper(s) are in the graph but left out of every share:[/] "
            f"{built.failed} whose extraction failed, {built.pending} not yet extracted"
            + (f" (run `kg extract --extractor {name}`)" if built.pending else "")
        )


@app.command("neo4j-import")
@friendly
def neo4j_import(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the CSV files.")],
    extractor: Annotated[
        ExtractorName | None,
        typer.Option(help="Whose stored extractions: default, the last build's (else rules)."),
    ] = None,
) -> None:
    """Write the workspace's graph as CSV files for `neo4j-admin database import full`, the
    fastest way to build a large graph in Neo4j, and print the command to run.

    Neo4j's import tool needs the database offline and replaces it whole; afterwards start
    Neo4j and any `KG_STORE=neo4j kg` command adds the constraints and indexes.
    """
    from kg.graph.stores.neo4j_import import write_import

    settings = load_settings()
    if extractor is not None:
        registered(extractor)
    workspace = Workspace(settings.kg_workspace)
    try:
        name = extractor or _last_extractor(workspace)
        run = workspace.latest_run(name)
        if run is None:
            raise InputRejected(f"no stored {name} extractions: run `kg extract` or `kg load`")
        command = write_import(
            lambda: ((work_row(w), row) for w, row in paper_rows(workspace, run, None, None)),
            out_dir,
        )
    finally:
        workspace.close()
    out.print(f"Wrote the graph's CSV files to {out_dir}. With Neo4j stopped "
              "(`docker compose stop neo4j`), run:", markup=False)  # fmt: skip
    out.print(command, markup=False, highlight=False, soft_wrap=True)
    out.print("(in Docker, mount the folder and give the paths as the container sees them), "
              "then start Neo4j and run `KG_STORE=neo4j kg stats`.", markup=False)  # fmt: skip
