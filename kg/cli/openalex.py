"""The OpenAlex half of `kg fetch` and of `kg cost`: the key notice, the estimate before a
run, the budget left after it, and what the logged calls cost."""

from pathlib import Path

from extract.parse_openalex import STUDY_TERMS
from kg.cli.app import err, out, progress
from kg.settings import Settings
from kg.sources import openalex as fetching
from kg.sources.openalex_budget import DOI_BATCH, KEY_HINT, PRICES, Estimate
from kg.workspace import Workspace


def configure(settings: Settings) -> None:
    """pyalex and our calls' bounds from the settings; one line when there is no key."""
    key = settings.openalex_api_key.get_secret_value() if settings.openalex_api_key else None
    fetching.configure(
        settings.openalex_email,
        key,
        settings.openalex_url,
        timeout=settings.openalex_timeout,
        deadline=settings.openalex_deadline,
        max_bytes=int(settings.openalex_max_mb * 1_000_000),
    )
    if not key:
        err.print(f"note: {KEY_HINT}", markup=False, highlight=False, soft_wrap=True)


def _say_estimate(estimate: Estimate) -> None:
    how = {"list": f"batched doi: filters of {DOI_BATCH}",
           "singleton": "free singleton lookups (the batched filters would pass the budget)",
           "search": "search pages of 200"}[estimate.kind]  # fmt: skip
    out.print(f"{estimate.line(fetching.BUDGET)}; by {how}", markup=False, highlight=False)


def fetch_openalex(
    workspace: Workspace,
    settings: Settings,
    dois: list[str] | None,
    search: list[str] | None,
    years: tuple[int, int],
    journal: str | None,
    limit: int | None,
    refresh: bool,
    max_cost: float,
) -> fetching.FetchReport:
    """The DOIs, else the search, into the workspace, within --max-cost."""
    if dois is not None:
        with progress(len(dois)) as step:
            return fetching.fetch_dois(
                workspace, dois, refresh, lambda n: step("DOIs", n), max_cost, _say_estimate
            )
    query = fetching.search_query(search or STUDY_TERMS, years[0], years[1], journal)
    with progress(limit or 0) as step:
        report = fetching.fetch_search(
            workspace, query, limit, refresh, lambda n: step("works", n), max_cost, _say_estimate
        )
    for note in report.notes:
        err.print(f"note:{note}", markup=False, highlight=False, soft_wrap=True)
    return report


def say_budget() -> None:
    line = fetching.BUDGET.line()
    if line:
        out.print(line, markup=False, highlight=False)


def cost_rows(workspace_dir: Path) -> list[dict[str, object]]:
    """The OpenAlex calls logged in the workspace, priced at the documented rates."""
    workspace = Workspace(workspace_dir)
    try:
        calls = workspace.openalex_calls()
    finally:
        workspace.close()
    return [
        {
            "kind": kind,
            "calls": n,
            "usd_per_call": PRICES[kind],
            "cost_usd": round(n * PRICES[kind], 4),
        }
        for kind, n in sorted(calls.items())
    ]
