"""`kg eval`: score an extractor against labelled papers."""

import json
from pathlib import Path
from typing import Annotated

import typer

from extract.errors import InputRejected
from extract.records import Extraction, Outcome, Paper, Work
from kg.cli.app import (
    ConcurrencyOption,
    ExtractorOption,
    app,
    friendly,
    out,
    print_failures,
    progress,
    regular_file,
)
from kg.pipeline.extract import ExtractOptions
from kg.pipeline.extractors import registered
from kg.questions import render
from kg.settings import load_settings
from kg.sources.corpus import Failure
from kg.workspace import Workspace


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
    from extract.parse_fulltext import parse_xml

    settings = load_settings()
    registered(extractor)  # an unknown name is refused before anything is read
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
            chosen = registered(extractor).make(settings, workspace, options)
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
