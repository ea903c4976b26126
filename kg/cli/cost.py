"""`kg cost`: what the calls recorded in the workspace cost."""

from kg.cli import openalex
from kg.cli.app import (
    FormatOption,
    app,
    emit,
    friendly,
)
from kg.settings import load_settings
from kg.workspace import Workspace


@app.command()
@friendly
def cost(format: FormatOption = "table") -> None:
    """What the calls recorded in the workspace cost: the LLM's (calls, tokens, dollars by
    model; "model (batch)" for answers from a provider batch, at its half price) and
    OpenAlex's (calls by kind, at the documented prices per call)."""
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
