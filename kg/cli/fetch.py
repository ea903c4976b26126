"""`kg fetch`: papers from OpenAlex, with their full text where it is open."""

from pathlib import Path
from typing import Annotated

import typer

from extract.errors import InputRejected
from extract.parse_openalex import StudyFilter
from extract.taxonomy import NATURAL_SCIENCE_FIELDS
from kg.cli import openalex
from kg.cli.app import (
    app,
    friendly,
    out,
    print_failures,
    progress,
    regular_file,
)
from kg.pipeline.fetch import apply_filter
from kg.questions import render
from kg.settings import Settings, fulltext_services, load_settings, max_bytes, politeness
from kg.sources.archive import Archive, store_texts
from kg.sources.corpus import Failure
from kg.sources.fulltext import Found, FulltextReport, fetch_fulltexts
from kg.workspace import Workspace


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
    journal: Annotated[
        str | None,
        typer.Option(
            "--journal",
            "--source",
            help="Only this journal (an OpenAlex source id), e.g. S202381698.",
        ),
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
    bulk: Annotated[
        list[Path] | None,
        typer.Option(
            help="Local bulk packages, repeatable: a folder or file of Europe PMC xml.gz dumps, "
            "PMC oa_bulk tar.gz, allofplos zips or MECA .meca files (or a .txt listing them)."
        ),
    ] = None,
    bulk_workers: Annotated[
        int | None, typer.Option(min=1, help="Processes parsing --bulk articles. Default: cores.")
    ] = None,
    snapshot: Annotated[
        Path | None,
        typer.Option(
            help="A local OpenAlex snapshot (its root, or its data/jsonl/works folder): works are "
            "selected from it, with no API call."
        ),
    ] = None,
    pmcid_map: Annotated[
        Path | None,
        typer.Option(
            help="Europe PMC's PMID_PMCID_DOI.csv.gz: PMCIDs for DOIs OpenAlex gave none "
            "(default: NCBI's ID Converter, 200 DOIs a request)."
        ),
    ] = None,
    pmc_inventory: Annotated[
        bool,
        typer.Option(
            "--pmc-inventory",
            help="Read the PMC bucket's daily inventory first: each paper then costs two "
            "requests, not three (worth it for thousands of papers).",
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
    kept work the full text comes from --fulltext (a local archive), else --bulk packages,
    else the PMC Cloud bucket, Europe PMC, PLOS or bioRxiv/medRxiv (PMC_URL, EUROPEPMC_URL,
    PLOS_URL, BIORXIV_URL), else the abstract. --snapshot selects the works from a local
    OpenAlex snapshot instead of the API. Everything
    goes to the workspace's corpus.sqlite; a rerun sends no request for what is stored or
    known missing, and an interrupted fetch resumes. Then run `kg load`.

    OpenAlex prices each call (set OPENALEX_API_KEY: a free key gives $1 a day). Before a run
    the estimate is printed; --max-cost refuses a dearer run; when the day's budget is spent
    the fetch stops, keeps what it stored, and a rerun resumes.
    """
    settings = load_settings()
    if snapshot is None:
        openalex.configure(settings)
    study = StudyFilter(
        fields=frozenset() if all_fields else frozenset(field or NATURAL_SCIENCE_FIELDS),
        min_citations=min_citations,
    )
    if snapshot is not None and dois is not None:
        raise InputRejected("--snapshot selects works by the search phrases; give --dois "
                            "without --snapshot (the DOIs are looked up in OpenAlex)")  # fmt: skip
    from kg.cli import bulk as bulk_cli  # DuckDB and the process pool: only for a fetch

    bulk_cli.check_inputs(bulk, snapshot, pmcid_map)  # before any request
    # the archive is checked before any request, and closed whatever happens
    archive = Archive(fulltext, max_bytes(settings)) if fulltext else None
    try:
        wanted = _read_dois(dois) if dois is not None else None
        workspace = Workspace(settings.kg_workspace)
    except BaseException:
        if archive is not None:
            archive.close()
        raise
    try:
        if snapshot is not None:
            report = None
            bulk_cli.from_snapshot(workspace, snapshot, search, (from_year, to_year), study)
        else:
            report = openalex.fetch_openalex(
                workspace, settings, wanted, search, (from_year, to_year), journal, limit,
                refresh, settings.openalex_max_cost if max_cost is None else max_cost,
            )  # fmt: skip
        kept = apply_filter(workspace, [w for w, _ in workspace.works()], study)
        texts = store_texts(workspace, workspace.works(kept_only=True), archive)
        bulk_cli.map_pmcids(workspace, settings, pmcid_map, ask=False)  # the file, if given
        packages = bulk_cli.read_bulk(workspace, settings, bulk, bulk_workers) if bulk else None
        bulk_cli.map_pmcids(workspace, settings, None, ask=not no_fulltext)  # the rest
        if pmc_inventory and not no_fulltext:
            bulk_cli.pmc_versions(workspace, settings)
        web = None if no_fulltext else _fetch_fulltext(workspace, settings, fulltext_concurrency,
                                                       refresh)  # fmt: skip
        failures = workspace.failures()
        retracted = workspace.retracted()
        coverage = workspace.coverage()
    finally:
        workspace.close()
        if archive is not None:
            archive.close()
    if report is not None:
        out.print(
            f"OpenAlex: {report.requests} request(s), {report.fetched} works received, "
            f"{report.stored} stored for this query"
            + (f" of {report.total} matching" if report.total is not None else "")
        )
        openalex.say_budget()
    if report is not None and report.missing:
        out.print(f"{len(report.missing)} DOI(s) not found in OpenAlex, e.g. {report.missing[0]}",
                  markup=False)  # fmt: skip
    out.print(render.table([kept], title="Study filters over every work in the workspace"))
    if web is not None:
        found = ", ".join(f"{n} from {s}" for s, n in sorted(web.by_service.items())) or "none"
        out.print(f"Full text from the web: {web.requests} request(s) for {web.asked} work(s); "
                  f"found {found}")  # fmt: skip
    if retracted:
        out.print(f"{retracted} full text(s) of retracted papers: kept, marked retracted in "
                  "the workspace (table fulltext)")  # fmt: skip
    abstract = sum(n for k, n in coverage.items() if k.startswith("abstract"))
    nothing = sum(n for k, n in coverage.items() if k.startswith("nothing"))
    full = sum(coverage.values()) - abstract - nothing
    out.print(f"Texts: {full} full text, {abstract} abstract only, {nothing} with neither")
    rows = [{"text read from": k, "kept works": v} for k, v in coverage.items()]
    out.print(render.table(rows, title="Where each kept work's text comes from"))
    bad = [Failure(w, r) for w, r in failures] + [Failure(w, r) for w, r in texts]
    bad += [Failure(w, r) for w, r in (web.failures if web else [])]
    bad += [Failure(w, r) for w, r in (packages.failures if packages else [])]
    print_failures(bad, settings.kg_workspace / "fetch_failures.tsv" if bad else None)
    out.print(f"Stored in {settings.kg_workspace / 'corpus.sqlite'}. Next: `kg load`.",
              markup=False)  # fmt: skip


def _fetch_fulltext(
    workspace: Workspace, settings: Settings, concurrency: int, refresh: bool
) -> FulltextReport:
    todo = list(workspace.fulltext_todo(refresh))
    if not todo:
        return FulltextReport()
    with progress(len(todo)) as step:

        def store(found: Found) -> None:
            workspace.store_found(found)
            step("full text", 1)

        return fetch_fulltexts(todo, fulltext_services(settings), politeness(settings, concurrency),
                               store)  # fmt: skip


def _read_dois(path: Path) -> list[str]:
    try:
        text = regular_file(path, "the DOI file").read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise InputRejected(f"cannot read the DOI file {path}: {error}") from error
    lines = text.splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]
