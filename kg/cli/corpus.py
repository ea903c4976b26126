"""Commands that build the corpus and the graph: fetch, extract, load, cost, eval."""

import json
from collections.abc import Iterable
from dataclasses import replace
from itertools import batched
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from extract import fetch as fetching
from extract.archive import Archive, store_texts
from extract.corpus import Failure, iter_corpus
from extract.errors import InputRejected
from extract.oa_fulltext import Found, FulltextReport, Politeness, Services, fetch_fulltexts
from extract.openalex import StudyFilter
from extract.records import Extraction, Outcome, Paper, Work
from extract.taxonomy import NATURAL_SCIENCE_FIELDS
from extract.workspace import Run, Workspace
from extract.workspace import papers as stored_papers
from kg import render
from kg.build import (
    EXTRACTORS,
    OFFLINE,
    BuildSummary,
    ExtractOptions,
    ExtractSummary,
    build_graph,
    extract_run,
)
from kg.cli import openalex
from kg.cli.app import (
    ConcurrencyOption,
    ExtractorName,
    ExtractorOption,
    FormatOption,
    app,
    counts_line,
    emit,
    friendly,
    open_graph,
    out,
    plural,
    print_failures,
    progress,
    regular_file,
)
from kg.graph.loader import work_row
from kg.mixing import refuse_mixing
from kg.settings import Settings, load_settings


@app.command()
@friendly
def fetch(
    search: Annotated[
        list[str] | None,
        typer.Option(
            "--search", "-s", help="A search phrase, repeatable. Default: the study's six."
        ),
    ] = None,
    dois: Annotated[
        Path | None,
        typer.Option(help="A file of DOIs, one per line: 50 per filter call, or free singletons."),
    ] = None,
    from_year: Annotated[int, typer.Option(help="First publication year.")] = 2000,
    to_year: Annotated[int, typer.Option(help="Last publication year.")] = 2025,
    source: Annotated[
        str | None, typer.Option(help="Only this OpenAlex source (journal), e.g. S202381698.")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after this many works.")] = None,
    field: Annotated[
        list[int] | None,
        typer.Option(
            help="Keep works with a top-3 topic in this field id, repeatable. "
            "Default: the eight natural-science fields."
        ),
    ] = None,
    all_fields: Annotated[
        bool, typer.Option("--all-fields", help="Keep works of every field.")
    ] = False,
    min_citations: Annotated[int, typer.Option(help="Keep works cited at least this often.")] = 1,
    fulltext: Annotated[
        Path | None,
        typer.Option(help="A directory or zip of JATS / TEI XML files, matched by DOI."),
    ] = None,
    no_fulltext: Annotated[
        bool, typer.Option("--no-fulltext", help="Skip Europe PMC, PLOS and bioRxiv.")
    ] = False,
    fulltext_concurrency: Annotated[
        int, typer.Option(min=1, max=64, help="Full-text requests in flight at once.")
    ] = 8,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Ask OpenAlex again for what is stored, and the full-text services "
            "again for works known to have no open full text.",
        ),
    ] = False,
    max_cost: Annotated[
        float | None,
        typer.Option(
            min=0,
            help="Refuse an OpenAlex run estimated to cost more dollars than this. "
            "Default: OPENALEX_MAX_COST (0.50; a free key gives $1 a day).",
        ),
    ] = None,
) -> None:
    """Find papers in OpenAlex and store them, with their full text where it is open.

    By default searches the study's six phrases in open-access articles of 2000-2025 and keeps
    works with a top-3 topic in a natural-science field and at least one citation. For each
    kept work the full text comes from --fulltext (a local archive), else Europe PMC, PLOS
    or bioRxiv/medRxiv (EUROPEPMC_URL, PLOS_URL, BIORXIV_URL), else the abstract. Everything
    goes to the workspace's corpus.sqlite; a rerun sends no request for what is stored or
    known missing, and an interrupted fetch resumes. Then run `kg load`.

    OpenAlex prices each call (set OPENALEX_API_KEY: a free key gives $1 a day). Before a run
    the estimate is printed; --max-cost refuses a dearer run; when the day's budget is spent
    the fetch stops, keeps what it stored, and a rerun resumes.
    """
    settings = load_settings()
    openalex.configure(settings)
    study = StudyFilter(
        fields=frozenset() if all_fields else frozenset(field or NATURAL_SCIENCE_FIELDS),
        min_citations=min_citations,
    )
    max_bytes = int(settings.kg_fulltext_max_mb * 1_000_000)
    archive = Archive(fulltext, max_bytes) if fulltext else None  # checked before any request
    wanted = _read_dois(dois) if dois is not None else None
    workspace = Workspace(settings.kg_workspace)
    try:
        report = openalex.fetch_openalex(
            workspace, settings, wanted, search, (from_year, to_year), source, limit, refresh,
            settings.openalex_max_cost if max_cost is None else max_cost,
        )  # fmt: skip
        kept = fetching.apply_filter(workspace, [w for w, _ in workspace.works()], study)
        texts = store_texts(workspace, workspace.works(kept_only=True), archive)
        web = None if no_fulltext else _fetch_fulltext(workspace, settings, fulltext_concurrency,
                                                       refresh)  # fmt: skip
        failures = workspace.failures()
        coverage = workspace.coverage()
    finally:
        workspace.close()
    out.print(
        f"OpenAlex: {report.requests} request(s), {report.fetched} works received, "
        f"{report.stored} stored for this query"
        + (f" of {report.total} matching" if report.total is not None else "")
    )
    openalex.say_budget()
    if report.missing:
        out.print(f"{len(report.missing)} DOI(s) not found in OpenAlex, e.g. {report.missing[0]}",
                  markup=False)  # fmt: skip
    out.print(render.table([kept], title="Study filters over every work in the workspace"))
    if web is not None:
        found = ", ".join(f"{n} from {s}" for s, n in sorted(web.by_source.items())) or "none"
        out.print(f"Full text from the web: {web.requests} request(s) for {web.asked} work(s); "
                  f"found {found}")  # fmt: skip
    abstract = sum(n for k, n in coverage.items() if k.startswith("abstract"))
    nothing = sum(n for k, n in coverage.items() if k.startswith("nothing"))
    full = sum(coverage.values()) - abstract - nothing
    out.print(f"Texts: {full} full text, {abstract} abstract only, {nothing} with neither")
    rows = [{"text read from": k, "kept works": v} for k, v in coverage.items()]
    out.print(render.table(rows, title="Where each kept work's text comes from"))
    bad = [Failure(w, r) for w, r in failures] + [Failure(w, r) for w, r in texts.failures]
    bad += [Failure(w, r) for w, r in (web.failures if web else [])]
    print_failures(bad, settings.kg_workspace / "fetch_failures.tsv" if bad else None)
    out.print(f"Stored in {settings.kg_workspace / 'corpus.sqlite'}. Next: `kg load`.",
              markup=False)  # fmt: skip


def _fetch_fulltext(
    workspace: Workspace, settings: Settings, concurrency: int, refresh: bool
) -> FulltextReport:
    services = Services(settings.europepmc_url, settings.plos_url, settings.biorxiv_url)
    politeness = Politeness(concurrency=concurrency, rate=settings.kg_fulltext_rate,
                            timeout=settings.kg_fulltext_timeout,
                            email=settings.openalex_email,
                            max_bytes=int(settings.kg_fulltext_max_mb * 1_000_000),
                            deadline=settings.kg_fulltext_deadline)  # fmt: skip
    todo = list(workspace.fulltext_todo(refresh))
    if not todo:
        return FulltextReport()
    with progress(len(todo)) as step:

        def store(found: Found) -> None:
            workspace.store_found(found)
            step("full text", 1)

        return fetch_fulltexts(todo, services, politeness, store)


def _read_dois(path: Path) -> list[str]:
    try:
        text = regular_file(path, "the DOI file").read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise InputRejected(f"cannot read the DOI file {path}: {error}") from error
    lines = text.splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


CorpusArgument = Annotated[
    Path | None,
    typer.Argument(
        help="Your papers: a .jsonl file (README: Your own papers), a .txt or .md paper, or "
        "a folder of JATS / TEI files with a metadata.csv. Default: the works `kg fetch` "
        "stored and kept."
    ),
]


def _import_corpus(workspace: Workspace, corpus: Path) -> tuple[list[str], list[Failure]]:
    """Read and check a corpus file line by line, keeping its works and texts in the
    workspace (a transaction per 100 papers), so that the graph can always be rebuilt from
    the workspace alone. Returns the ids kept and the failures; nothing of the corpus stays
    in memory but its ids."""
    ids: list[str] = []
    failures: list[Failure] = []
    origin = f"file:{corpus.resolve()}"
    for chunk in batched(iter_corpus(corpus), 100):
        papers = [item for item in chunk if isinstance(item, Paper)]
        failures += [item for item in chunk if isinstance(item, Failure)]
        workspace.import_works([p.work for p in papers], origin)
        workspace.import_texts([p.text for p in papers], origin)
        ids += [p.work.id for p in papers]
    if not ids:
        print_failures(failures)
        raise InputRejected(f"no valid paper in {corpus}: nothing was stored or loaded")
    return ids, failures


def _print_extract(summary: ExtractSummary, name: str) -> None:
    if summary.llm is not None:
        stats = summary.llm
        cost = "unknown price" if stats.cost_usd is None else f"${stats.cost_usd:.4f}"
        out.print(
            f"LLM: {stats.calls} call(s), {stats.cache_hits} from the ledger, "
            f"{stats.prefiltered} decided by the prefilter; {stats.input_tokens} input and "
            f"{stats.output_tokens} output tokens ({cost}); "
            f"{len(stats.dropped)} reuse(s) dropped (evidence not found, or over the cap); "
            f"{stats.requests} request(s) in all"
        )
        for warning in stats.warnings:
            many = f" ({stats.over_window} request(s) in this run)" if stats.over_window else ""
            out.print(escape(f"Warning: {warning}{many}"), style="yellow")
    settings = ", ".join(f"{k} {v}" for k, v in summary.run.settings.items())
    out.print(
        escape(
            f"Extracted {summary.papers - len(summary.failures)} of {summary.papers} papers "
            f"with {name} (run {summary.run.id}{': ' + settings if settings else ''}; "
            f"{summary.stored_before} were already stored): {summary.with_ptms} reuse PTMs "
            f"({summary.reuses} reuses, each with its quote); {len(summary.failures)} failed."
        )
    )


def _run_extractor(
    name: str,
    workspace: Workspace,
    settings: Settings,
    papers: Iterable[Paper],
    total: int,
    options: ExtractOptions,
) -> ExtractSummary:
    with progress(total) as step:
        extractor = EXTRACTORS[name](settings, workspace, replace(options, step=step))
        return extract_run(workspace, extractor, papers, step)


@app.command()
@friendly
def extract(
    corpus: CorpusArgument = None,
    extractor: ExtractorOption = "llm",
    concurrency: ConcurrencyOption = 8,
    budget: Annotated[
        int | None, typer.Option(min=200, help="Tokens of paper text per LLM call (default 3000).")
    ] = None,
) -> None:
    """Answer the study's questions for each paper and store the answers in the workspace.

    Each paper's outcome (its answer, or why it failed) is stored as it completes, under a
    run named by the extractor and its settings. With the LLM: one call per paper over the
    paragraphs that can hold evidence, every quote checked against the paper, every call in
    the ledger; a rerun makes no request for what was answered. Then `kg load --extractor
    llm` builds the graph from the stored answers (no LLM settings needed), `kg cost` shows
    the bill.
    """
    settings = load_settings()
    workspace = Workspace(settings.kg_workspace)
    try:
        ids: list[str] | None = None
        failures: list[Failure] = []
        if corpus is not None:
            ids, failures = _import_corpus(workspace, corpus)
        total = len(ids) if ids is not None else workspace.count_kept()
        if not total:
            raise InputRejected("the workspace holds no kept works: run `kg fetch` first")
        papers = stored_papers(workspace, ids)
        options = ExtractOptions(concurrency=concurrency, budget=budget)
        summary = _run_extractor(extractor, workspace, settings, papers, total, options)
    finally:
        workspace.close()
    _print_extract(summary, extractor)
    print_failures(failures + summary.failures)
    if failures or summary.failures:
        raise typer.Exit(1)


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
    if rebuild and corpus is not None:
        raise InputRejected("--rebuild uses the workspace alone: give no corpus file")
    workspace = Workspace(settings.kg_workspace)
    try:
        refuse_mixing(workspace, adding_own=corpus is not None, drop_demo=drop_demo)
        failures: list[Failure] = []
        ids: list[str] | None = None
        if corpus is not None:
            ids, failures = _import_corpus(workspace, corpus)
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
    build = workspace.last_build()
    return "llm" if build is not None and build.extractor == "llm" else "rules"


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
    if name in OFFLINE:
        papers = stored_papers(workspace, ids)
        total = len(ids) if ids is not None else workspace.count_kept()
        summary = _run_extractor(name, workspace, settings, papers, total, ExtractOptions())
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


@app.command()
@friendly
def cost(format: FormatOption = "table") -> None:
    """What the calls recorded in the workspace cost: the LLM's (calls, tokens, dollars by
    model) and OpenAlex's (calls by kind, at the documented prices per call)."""
    settings = load_settings()
    workspace = Workspace(settings.kg_workspace)
    try:
        lines = workspace.costs()
    finally:
        workspace.close()
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
    emit(
        rows,
        format,
        "LLM calls in the ledger (cost is an estimate)",
        ("model", "calls", "failed", "input_tokens", "output_tokens", "cost_usd", "seconds"),
    )
    if format == "table":  # machine formats keep one table per command
        emit(
            openalex.cost_rows(settings.kg_workspace),
            format,
            "OpenAlex calls in the request log (at the documented prices)",
            ("kind", "calls", "usd_per_call", "cost_usd"),
        )


@app.command("eval")
@friendly
def evaluate(
    labels: Annotated[Path, typer.Argument(help="A labels .jsonl (format: shared/eval/README).")],
    extractor: ExtractorOption = "rules",
    concurrency: ConcurrencyOption = 8,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write scores here.")] = None,
) -> None:
    """Score an extractor against labelled papers: P/R/F1, kappa, pattern and stage accuracy."""
    from extract.distributions import distributions
    from extract.evaluate import read_labels, score
    from extract.fulltext import parse_xml

    settings = load_settings()
    if json_out is not None and not json_out.parent.is_dir():
        raise InputRejected(f"--json {json_out}: the folder {json_out.parent} does not exist")
    gold = read_labels(labels)
    papers = []
    for number, label in enumerate(gold, start=1):
        path = labels.parent / label.file
        try:
            text = parse_xml(regular_file(path, "the paper").read_bytes(), f"W{number}").text
        except (OSError, InputRejected) as error:
            raise InputRejected(f"cannot read {path} of the labels: {error}") from error
        papers.append(Paper(work=Work(id=f"W{number}", title=text.title), text=text))
    outcomes: list[Outcome] = []
    workspace = Workspace(settings.kg_workspace)  # the LLM's ledger; no extraction is stored
    try:
        with progress(len(papers)) as step:
            options = ExtractOptions(concurrency=concurrency, step=step)
            chosen = EXTRACTORS[extractor](settings, workspace, options)
            chosen.extract_all(papers, outcomes.append)
    finally:
        workspace.close()
    by_id = {o.work_id: o for o in outcomes if isinstance(o, Extraction)}
    failed = [Failure(o.work_id, o.reason) for o in outcomes if not isinstance(o, Extraction)]
    scores = score([(label, by_id.get(f"W{n}")) for n, label in enumerate(gold, start=1)])
    llm = getattr(chosen, "stats", None)
    sent = llm.calls + llm.cache_hits if llm else 0
    tokens = llm.input_tokens / max(llm.calls, 1) if llm else 0.0
    rows = [
        {"measure": name, "precision": b.precision, "recall": b.recall, "f1": b.f1,
         "tp": b.tp, "fp": b.fp, "fn": b.fn}
        for name, b in (("uses_dl", scores.uses_dl), ("uses_ptms", scores.uses_ptms),
                        ("reused models", scores.models))
    ]  # fmt: skip
    out.print(render.table(rows, title=f"{extractor} extractor on {len(gold)} labelled papers"))
    summary: dict[str, float | int] = {
        "kappa_uses_ptms": round(scores.uses_ptms.kappa, 3),
        "pattern_accuracy": round(scores.pattern_accuracy, 3),
        "stage_accuracy": round(scores.stage_accuracy, 3),
        "matched_reuses": scores.matched,
        "pattern_undetermined": scores.pattern_undetermined,
        "stage_undetermined": scores.stage_undetermined,
        "pattern_accuracy_all": round(scores.pattern_accuracy_all, 3),
        "stage_accuracy_all": round(scores.stage_accuracy_all, 3),
        "roles_labelled": scores.role_labelled,
        "role_accuracy": round(scores.role_accuracy, 3),
    }
    if llm is not None:  # the rules extractor sends nothing: no LLM columns for it
        summary |= {"papers_sent_to_llm": sent, "input_tokens_per_call": round(tokens, 1)}
    groups: dict[str, tuple[str, ...]] = {
        f"{k.capitalize()} accuracy over evidenced values (_all: undetermined counted as wrong)":
        ("matched_reuses", f"{k}_accuracy", f"{k}_accuracy_all", f"{k}_undetermined")
        for k in ("pattern", "stage")
    }  # fmt: skip
    taken = {column for group in groups.values() for column in group[1:]}
    groups["Agreement on uses_ptms, and roles"] = tuple(set(summary) - taken)
    for title, wanted in groups.items():  # narrow tables: every column shows at 80 columns
        out.print(render.table([{k: v for k, v in summary.items() if k in wanted}], title=title))
    mistakes = [
        {"paper": p.file, "misses": "; ".join(p.misses), "false alarms": "; ".join(p.false_alarms),
         "created (not scored)": "; ".join(p.created)}
        for p in scores.papers
    ]  # fmt: skip
    spread = distributions([(label, by_id.get(f"W{n}")) for n, label in enumerate(gold, start=1)])
    out.print(render.table(spread, title="Patterns and stages, labelled vs extracted "
                           "(shares of decided values, per paper-model edge)"))  # fmt: skip
    if mistakes:
        out.print(render.table(mistakes, title="Misses and false alarms"))
    if json_out:
        json_out.write_text(json.dumps({"scores": rows, **summary, "distributions": spread,
                                        "papers": mistakes}, indent=2))  # fmt: skip
    print_failures(failed)


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
    from kg.build import paper_rows
    from kg.graph.stores.neo4j_import import write_import

    settings = load_settings()
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
