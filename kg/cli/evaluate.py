"""`kg eval`: score an extractor against labelled papers."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from extract.errors import InputRejected
from extract.records import Extraction, Outcome, Paper, PaperText, Work
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
    """Score an extractor against labelled papers: P/R/F1 of the flags and the reused models,
    pattern and stage per value (precision, recall, confusion), labelled against extracted
    shares with the largest lean, coverage of decided values, roles, and all of it per
    corpus and per field."""
    from extract.eval_report import report
    from extract.evaluate import read_labels

    settings = load_settings()
    registered(extractor)  # an unknown name is refused before anything is read
    if json_out is not None and not json_out.parent.is_dir():
        raise InputRejected(f"--json {json_out}: the folder {json_out.parent} does not exist")
    gold = read_labels(labels)
    papers = []
    for number, label in enumerate(gold, start=1):
        path = labels.parent / label.file
        try:
            text = _read_paper(regular_file(path, "the paper"), f"W{number}")
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
    figures = report([(label, by_id.get(f"W{n}")) for n, label in enumerate(gold, start=1)])
    llm = getattr(chosen, "stats", None)
    if llm is not None:  # the rules extractor sends nothing: no LLM figures for it
        figures["summary"] |= {
            "papers_sent_to_llm": llm.calls + llm.cache_hits,
            "input_tokens_per_call": round(llm.input_tokens / max(llm.calls, 1), 1),
        }
    _show(figures, f"{extractor} extractor on {len(gold)} labelled papers")
    if json_out:
        json_out.write_text(json.dumps(figures, indent=2))
    print_failures(failed)


def _read_paper(path: Path, work_id: str) -> PaperText:
    """A labelled paper: JATS or TEI XML, or plain text or markdown (kg.sources.own_papers)."""
    from extract.parse_fulltext import parse_xml
    from kg.sources.own_papers import TEXT_SUFFIXES, from_text

    if path.suffix.lower() in TEXT_SUFFIXES:
        text = PaperText.model_validate(from_text(path)["text"])
        return text.model_copy(update={"work_id": work_id})
    return parse_xml(path.read_bytes(), work_id).text


def _show(figures: dict[str, Any], title: str) -> None:
    """The figures as narrow tables: every column shows at 80 columns."""
    out.print(render.table(figures["scores"], title=title))
    summary = figures["summary"]
    for kind in ("pattern", "stage"):
        wanted = [k for k in summary if k.startswith(kind)]
        out.print(render.table([{k.removeprefix(f"{kind}_"): summary[k] for k in wanted}],
                               title=f"{kind.capitalize()}: accuracy over decided values "
                               "(any accepted value), coverage (decided/extracted), the "
                               "largest share gap in points"))  # fmt: skip
    rest = {k: v for k, v in summary.items() if not k.startswith(("pattern", "stage"))}
    out.print(render.table([rest], title="Agreement on uses_ptms, and roles"))
    out.print(render.table(figures["per_value"], title="Per value, over matched reuses "
                           "(against the label's best value)"))  # fmt: skip
    for kind, rows in figures["confusion"].items():  # stage names cut to fit 80 columns
        short = [{k if k == "labelled" else k[:5]: v for k, v in row.items()} for row in rows]
        out.print(render.table(short, title=f"{kind.capitalize()} confusion: labelled best "
                               "value (rows) by extracted value (columns)"))  # fmt: skip
    out.print(render.table(figures["shares"], title="Shares of decided values per "
                           "paper-model edge, labelled vs extracted"))  # fmt: skip
    shown = {"group": "group", "papers": "papers", "models F1": "models",
             "uses_ptms F1": "uses_ptms", "pattern acc": "pattern", "stage acc": "stage",
             "role acc": "role"}  # fmt: skip
    for key, name in (("by_corpus", "corpus"), ("by_field", "field")):
        if len(figures[key]) > 1:  # --json keeps every column (P, R, the gaps)
            rows = [{short: row[c] for c, short in shown.items()} for row in figures[key]]
            if key == "by_field":  # the field's id: its name is in --json and `kg queries`
                rows = [row | {"group": str(row["group"]).split(" ")[0]} for row in rows]
            out.print(render.table(rows, title=f"Per {name}: F1 of models and uses_ptms, "
                                   "accuracy of pattern, stage and role"))  # fmt: skip
    if figures["mistakes"]:
        out.print(render.table(figures["mistakes"], title="Misses and false alarms"))
