"""`kg extract`: answer the study's questions for each paper, and store the answers.

Also what `kg load` and `kg eval` share with it: reading a corpus file into the workspace
and running a registered extractor with a progress bar."""

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from itertools import batched
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from extract.errors import InputRejected
from extract.records import Paper
from kg.cli.app import (
    ExtractorOption,
    app,
    friendly,
    out,
    print_failures,
    progress,
)
from kg.pipeline.extract import ExtractOptions, ExtractSummary, extract_run
from kg.pipeline.extractors import registered
from kg.settings import Settings, load_settings, max_bytes
from kg.sources.corpus import Failure, iter_corpus
from kg.workspace import Workspace
from kg.workspace import papers as stored_papers
from kg.workspace.lock import held

CorpusArgument = Annotated[
    Path | None,
    typer.Argument(
        help="Your papers: a .jsonl file (README: Your own papers), a .txt or .md paper, or "
        "a folder of JATS / TEI files with a metadata.csv. Default: the works `kg fetch` "
        "stored and kept."
    ),
]


def import_corpus(
    workspace: Workspace, corpus: Path, size_limit: int
) -> tuple[list[str], list[Failure]]:
    """Read and check a corpus file line by line, keeping its works and texts in the
    workspace (a transaction per 100 papers), so that the graph can always be rebuilt from
    the workspace alone. Returns the ids kept and the failures; nothing of the corpus stays
    in memory but its ids."""
    ids: list[str] = []
    failures: list[Failure] = []
    origin = f"file:{corpus.resolve()}"
    for chunk in batched(iter_corpus(corpus, size_limit), 100):
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
        if stats.timed_out or stats.failed_before:
            out.print(
                f"{stats.timed_out} call(s) timed out (not sent again); {stats.failed_before} "
                "failed or timed out in an earlier run: `kg extract --retry-failed` asks again",
                style="yellow",
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


def run_extractor(
    name: str,
    workspace: Workspace,
    settings: Settings,
    papers: Iterable[Paper],
    total: int,
    options: ExtractOptions,
) -> ExtractSummary:
    """Run `name` over `papers`. An extractor that pays for its calls (not `offline`) holds
    the workspace's extract.lock for the whole run, so two runs never pay twice for one
    paper and the ledger counts every call made."""
    with one_paying_run(name, settings), progress(total) as step:
        extractor = registered(name).make(settings, workspace, replace(options, step=step))
        return extract_run(workspace, extractor, papers, step)


def one_paying_run(name: str, settings: Settings) -> AbstractContextManager[None]:
    """The workspace's extract.lock for an extractor that pays for its calls (not
    `offline`), held while it runs; nothing for one that does not."""
    if registered(name).offline:
        return nullcontext()
    return held(settings.kg_workspace / "extract.lock", f"extracting with {name}")


def _batch_collected(
    workspace: Workspace,
    settings: Settings,
    ids: list[str] | None,
    options: ExtractOptions,
    wait_s: float,
) -> bool:
    """Send (or resume) the batch and keep its results in the ledger; False while it runs."""
    from kg.pipeline.llm_batch import extract_batch
    from kg.pipeline.llm_setup import llm_setup

    with one_paying_run("llm", settings):
        setup = llm_setup(settings, options.budget, options.concurrency, options.retry_failed,
                          options.reuse_from)  # fmt: skip
        found = extract_batch(setup, workspace, lambda: stored_papers(workspace, ids),
                              poll_s=min(30.0, max(wait_s / 20, 0.05)), wait_s=wait_s)  # fmt: skip
    if found.batch_id is None:
        out.print("Batch: nothing to ask (every paper is answered or decided without a call).")
        return True
    again = " (resumed)" if found.resumed else ""
    out.print(escape(f"Batch {found.batch_id}{again}: {found.sent} request(s), {found.status}; "
                     f"{found.answered} answered, {found.failed} failed."))  # fmt: skip
    if found.status not in ("completed", "failed", "expired", "cancelled"):
        out.print("The batch is still running: run the same `kg extract --batch` later to "
                  "collect it (nothing is sent twice).")  # fmt: skip
        return False
    return True


@app.command()
@friendly
def extract(
    corpus: CorpusArgument = None,
    extractor: ExtractorOption = "llm",
    concurrency: Annotated[
        int | None,
        typer.Option(
            min=1, help="LLM requests in flight at once (default: the server's slots, else 8)."
        ),
    ] = None,
    budget: Annotated[
        int | None, typer.Option(min=200, help="Tokens of paper text per LLM call (default 3000).")
    ] = None,
    retry_failed: Annotated[
        bool, typer.Option(help="Ask again for papers whose LLM call failed or timed out before.")
    ] = False,
    reuse_from: Annotated[
        str | None,
        typer.Option(
            help="Reuse the stored answers of another endpoint (its identity, as "
            "`kg llm check` prints it)."
        ),
    ] = None,
    batch: Annotated[
        bool,
        typer.Option(
            help="Send the LLM requests as one provider batch (OpenAI Batch API: half the "
            "price, answers within 24 h); a rerun collects a batch still running."
        ),
    ] = False,
    batch_wait: Annotated[
        float, typer.Option(min=0, help="Seconds to wait for a batch before leaving it running.")
    ] = 600,
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
    registered(extractor)  # an unknown name is refused before anything is read
    workspace = Workspace(settings.kg_workspace)
    try:
        ids: list[str] | None = None
        failures: list[Failure] = []
        if corpus is not None:
            ids, failures = import_corpus(workspace, corpus, max_bytes(settings))
        total = len(ids) if ids is not None else workspace.count_kept()
        if not total:
            raise InputRejected("the workspace holds no kept works: run `kg fetch` first")
        papers = stored_papers(workspace, ids)
        options = ExtractOptions(concurrency=concurrency, budget=budget,
                                 retry_failed=retry_failed, reuse_from=reuse_from)  # fmt: skip
        if batch and not _batch_collected(workspace, settings, ids, options, batch_wait):
            return
        summary = run_extractor(extractor, workspace, settings, papers, total, options)
    finally:
        workspace.close()
    _print_extract(summary, extractor)
    print_failures(failures + summary.failures)
    if failures or summary.failures:
        raise typer.Exit(1)
