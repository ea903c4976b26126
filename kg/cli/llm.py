"""`kg llm check`: what the LLM endpoint is, the mode chosen for it, and one paper sent."""

from typing import Annotated

import typer
from rich.markup import escape

from extract.context import select
from extract.errors import InputRejected
from extract.records import Extraction, Paper
from kg.cli.app import app, friendly, out
from kg.demo import corpus_path
from kg.settings import load_settings
from kg.sources.corpus import read_corpus

llm = typer.Typer(help="The LLM endpoint: what it is and how it is asked.", no_args_is_help=True)
app.add_typer(llm, name="llm")


def _sample() -> Paper:
    """The demo's first paper with a deep-learning cue (one that needs a call)."""
    for paper in read_corpus(corpus_path()).papers:
        if select(paper.text).has_cue:
            return paper
    raise InputRejected("the demo corpus holds no paper with a deep-learning cue")


@llm.command()
@friendly
def check(
    send: Annotated[
        bool, typer.Option("--dry-run/--no-dry-run", help="Send one demo paper (kept nowhere).")
    ] = True,
) -> None:
    """Ask the endpoint (KG_LLM_BASE_URL, KG_LLM_MODEL) what it is, say the mode and the
    concurrency `kg extract` will use there, and send it one demo paper."""
    from kg.pipeline.llm_setup import dry_run, llm_setup  # the openai client: only when asked

    setup = llm_setup(load_settings())
    found = setup.endpoint
    lines = {
        "server": found.kind + (f" {found.version}" if found.version else ""),
        "models": ", ".join(found.model_ids) or "(not listed)",
        "weights": found.model_file or "(not reported)",
        "slots": found.slots or "(not reported)",
        "window": found.window or "(not reported)",
        "identity": found.identity,
        "mode": f"{setup.choice.mode} ({setup.choice.why})",
        "concurrency": setup.concurrency,
    }
    for name, value in lines.items():
        out.print(escape(f"{name:>12}: {value}"), highlight=False)
    if not send:
        return
    result = dry_run(setup, _sample())
    if isinstance(result.outcome, Extraction):
        models = ", ".join(r.model for r in result.outcome.reuses) or "none"
        said = f"answered: uses_dl={result.outcome.uses_dl}, models: {models}"
    else:
        said = f"FAILED: {result.outcome.reason}"
    out.print(escape(f"{'dry run':>12}: {result.work_id} {said}; {result.requests} request(s), "
                     f"{result.input_tokens} input and {result.output_tokens} output tokens, "
                     f"{result.seconds:.1f} s"), highlight=False)  # fmt: skip
    if not isinstance(result.outcome, Extraction):
        raise typer.Exit(1)
