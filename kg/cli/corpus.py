"""Commands that build the corpus and the graph: fetch, extract, load, cost, eval."""

import json
from pathlib import Path
from typing import Annotated

import typer

from extract import fetch as fetching
from extract.archive import Archive, store_texts
from extract.corpus import Failure, read_corpus
from extract.errors import InputRejected
from extract.ledger import Ledger
from extract.openalex import STUDY_TERMS, StudyFilter
from extract.records import Paper, Work
from extract.taxonomy import NATURAL_SCIENCE_FIELDS
from extract.workspace import Workspace
from extract.workspace import papers as stored_papers
from kg import render
from kg.build import ExtractorName, ExtractRun, extract_with, load_graph
from kg.cli.app import (
    ConcurrencyOption,
    ExtractorOption,
    app,
    counts_line,
    friendly,
    open_graph,
    out,
    print_failures,
    progress,
)
from kg.loader import counts
from kg.settings import Settings


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
            with progress(len(wanted)) as step:
                report = fetching.fetch_dois(workspace, wanted, refresh, lambda n: step("DOIs", n))
        else:
            query = fetching.search_query(search or STUDY_TERMS, from_year, to_year, source)
            with progress(limit or 0) as step:
                report = fetching.fetch_search(
                    workspace, query, limit, refresh, lambda n: step("works", n)
                )
        kept = fetching.apply_filter(workspace, [w for w, _ in workspace.works()], study)
        archive = Archive(fulltext) if fulltext else None
        texts = store_texts(workspace, workspace.works(kept_only=True), archive)
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
    print_failures(bad)
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
    with progress(len(papers)) as step:
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
@friendly
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
    print_failures(failures + run.failures)
    if failures or run.failures:
        raise typer.Exit(1)


@app.command()
@friendly
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
    with open_graph(settings) as store:
        if reset:
            store.reset()
        summary = load_graph(store, papers, run.extractions)
        found = counts(store)
    failures = failures + run.failures
    out.print(f"Loaded {summary.papers} papers ({summary.reuses} reuses): {counts_line(found)}")
    print_failures(failures)
    if failures:
        raise typer.Exit(1)


@app.command()
@friendly
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


@app.command("eval")
@friendly
def evaluate(
    labels: Annotated[Path, typer.Argument(help="A labels .jsonl (format: shared/eval/README).")],
    extractor: ExtractorOption = "rules",
    concurrency: ConcurrencyOption = 8,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write scores here.")] = None,
) -> None:
    """Score an extractor against labelled papers: P/R/F1, kappa, pattern and stage accuracy."""
    from extract.evaluate import read_labels, score
    from extract.fulltext import parse_xml

    settings = Settings()
    gold = read_labels(labels)
    papers = []
    for number, label in enumerate(gold, start=1):
        path = labels.parent / label.file
        try:
            text = parse_xml(path.read_bytes(), f"W{number}").text
        except (OSError, InputRejected) as error:
            raise InputRejected(f"cannot read {path} of the labels: {error}") from error
        papers.append(Paper(work=Work(id=f"W{number}", title=text.title), text=text))
    run = _extract(extractor, papers, settings, concurrency, None)
    by_id = {e.work_id: e for e in run.extractions}
    scores = score([(label, by_id.get(f"W{n}")) for n, label in enumerate(gold, start=1)])
    sent = run.llm.calls + run.llm.cache_hits if run.llm else 0
    tokens = run.llm.input_tokens / max(run.llm.calls, 1) if run.llm else 0.0
    rows = [
        {"measure": name, "precision": b.precision, "recall": b.recall, "f1": b.f1,
         "tp": b.tp, "fp": b.fp, "fn": b.fn}
        for name, b in (("uses_dl", scores.uses_dl), ("uses_ptms", scores.uses_ptms),
                        ("reused models", scores.models))
    ]  # fmt: skip
    out.print(render.table(rows, title=f"{extractor} extractor on {len(gold)} labelled papers"))
    summary = {
        "kappa_uses_ptms": round(scores.uses_ptms.kappa, 3),
        "pattern_accuracy": round(scores.pattern_accuracy, 3),
        "stage_accuracy": round(scores.stage_accuracy, 3),
        "matched_reuses": scores.matched,
        "papers_sent_to_llm": sent,
        "input_tokens_per_call": round(tokens, 1),
    }
    out.print(render.table([summary]))
    mistakes = [
        {"paper": p.file, "misses": "; ".join(p.misses), "false alarms": "; ".join(p.false_alarms)}
        for p in scores.papers
    ]
    if mistakes:
        out.print(render.table(mistakes, title="Misses and false alarms"))
    if json_out:
        json_out.write_text(json.dumps({"scores": rows, **summary, "papers": mistakes}, indent=2))
    print_failures(run.failures)
