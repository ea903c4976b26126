"""What OpenAlex calls cost, what a fetch will cost, and what budget is left.

From OpenAlex's documentation ("Authentication & Pricing" and "Rate limits" in the API
reference, developers.openalex.org, read November 2026), the shapes relied on:

- Since 13 February 2026 the API wants a key (`api_key`; pyalex sends it as a Bearer
  header). Without one a client gets a test budget of $0.01 a day (one page of the docs says
  $0.10; we quote the lower); a free key gives $1 a day. All users: at most 100 requests/s.
- Prices per call: a singleton (one entity by id or DOI, `/works/W123`,
  `/works/doi:10.1234/foo`) is free; a list or filter call (`/works?filter=…`) costs $0.10
  per 1,000; a search (`/works?search=…`) $1 per 1,000. A page holds at most 200 results
  (`per-page`, 1–200), and cursor paging (`cursor=*`, then `meta.next_cursor`) walks any
  number of them.
- Every response carries `X-RateLimit-Limit-USD` (the day's budget),
  `X-RateLimit-Remaining-USD`, `X-RateLimit-Cost-USD` (this call) and
  `X-RateLimit-Prepaid-Remaining-USD`. Past the budget the API answers 429. The docs name
  429 for both a spent budget and more than 100 requests/s; we tell them apart by the
  headers: a 429 with nothing remaining is the budget (not retried), any other 429 is
  transient (retried after Retry-After).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from extract.errors import InputRejected, SourceUnavailable

PRICES = {"singleton": 0.0, "list": 0.10 / 1000, "search": 1.0 / 1000}  # USD per call
PAGE_SIZE = 200  # the most results one page holds
DOI_BATCH = 50  # DOIs OR-ed in one doi: filter (the documented safe number)
NO_KEY_BUDGET = 0.01  # USD a day without a key
FREE_KEY_BUDGET = 1.0  # USD a day with a free key
KEY_HINT = (
    "OpenAlex allows only a test budget ($0.01 a day) without an API key; get a free key "
    "($1 a day) at https://openalex.org/settings/api and set OPENALEX_API_KEY"
)
SPENT = "OpenAlex budget spent for today; rerun tomorrow or with a key, and the fetch resumes"


class BudgetSpent(SourceUnavailable):
    """OpenAlex's 429 for a spent daily budget: waiting seconds will not help."""

    def __init__(self) -> None:
        super().__init__(SPENT)


def call_kind(url: str) -> str:
    """singleton, list or search: what OpenAlex charges this URL as. (Workspace.openalex_calls
    classifies its request log the same way.)"""
    parts = urlsplit(url)
    if "search=" in parts.query:
        return "search"
    if "/works/" in parts.path:
        return "singleton"
    return "list"


def _number(headers: Mapping[str, str], name: str) -> float | None:
    """A header's dollars; None when absent, not a number or not finite (a NaN or -inf from
    a server is ignored, never printed or added up)."""
    try:
        value = float(headers[name])
    except (KeyError, ValueError, TypeError):
        return None
    return value if math.isfinite(value) else None


@dataclass
class Budget:
    """The day's budget as OpenAlex's latest answer gave it, and what this run spent."""

    limit: float | None = None
    remaining: float | None = None
    spent: float = 0.0

    def update(self, headers: Mapping[str, str]) -> None:
        self.limit = _number(headers, "X-RateLimit-Limit-USD") or self.limit
        remaining = _number(headers, "X-RateLimit-Remaining-USD")
        self.remaining = remaining if remaining is not None else self.remaining
        self.spent += max(0.0, _number(headers, "X-RateLimit-Cost-USD") or 0.0)

    def exhausted_by(self, headers: Mapping[str, str]) -> bool:
        remaining = _number(headers, "X-RateLimit-Remaining-USD")
        return remaining is not None and remaining <= 0

    def line(self) -> str | None:
        if self.remaining is None:
            return None
        of = f" of ${self.limit:.2f}" if self.limit is not None else ""
        spent = f"this run spent ${self.spent:.4f}"
        return f"OpenAlex budget left today: ${self.remaining:.4f}{of} ({spent})"


@dataclass(frozen=True)
class Estimate:
    """The calls a fetch will make, and their price."""

    kind: str  # search | list | singleton
    calls: int
    works: int  # works (or DOIs) the calls are for

    @property
    def cost(self) -> float:
        return self.calls * PRICES[self.kind]

    def line(self, budget: Budget) -> str:
        share = ""
        if budget.limit:
            share = f", {self.cost / budget.limit:.1%} of the day's ${budget.limit:.2f} budget"
        over = ""
        if budget.remaining is not None and self.cost > budget.remaining:
            over = (f" (more than the ${budget.remaining:.4f} left today: the fetch stops when "
                    "it is spent, and a rerun resumes)")  # fmt: skip
        return (
            f"OpenAlex estimate: {self.calls} {self.kind} call(s) for {self.works} works, "
            f"${self.cost:.4f}{share}{over}"
        )

    def check(self, max_cost: float | None, resumes: bool) -> None:
        if max_cost is None or self.cost <= max_cost:
            return
        stored = " What was fetched so far is stored, and a rerun resumes." if resumes else ""
        raise InputRejected(
            f"this fetch would cost about ${self.cost:.4f} ({self.calls} {self.kind} calls), "
            f"over --max-cost ${max_cost:g}: split it (--from-year/--to-year, --limit) or "
            f"raise --max-cost.{stored}"
        )


def usable_count(count: object) -> int | None:
    """OpenAlex's `meta.count` when it can be an estimate's base: a whole number, not negative
    (JSON's true is no count, nor is 1e18 sent as a float)."""
    if isinstance(count, int) and not isinstance(count, bool) and count >= 0:
        return count
    return None


def within_cap(kind: str, made: int, max_cost: float | None, note: str = "") -> None:
    """Refuse the call after `made` when it would take this run's spend past --max-cost,
    whatever the server's count promised: the cap holds call by call."""
    price = PRICES[kind]
    if max_cost is None or (made + 1) * price <= max_cost + 1e-12:
        return
    raise InputRejected(
        f"stopped before OpenAlex call {made + 1}: this run spent ${made * price:.4f} "
        f"({made} {kind} calls) and the next would pass --max-cost ${max_cost:g}.{note} What "
        "was fetched so far is stored, and a rerun resumes; raise --max-cost to go on."
    )


def search_estimate(kind: str, total: int, stored: int, limit: int | None, made: int) -> Estimate:
    """Calls for a search run: `made` already, plus a page per PAGE_SIZE works still due."""
    wanted = total if limit is None else min(total, limit)
    return Estimate(kind, made + math.ceil(max(0, wanted - stored) / PAGE_SIZE), wanted)


def doi_estimate(dois: int, max_cost: float | None, budget: Budget, alone: int = 0) -> Estimate:
    """The cheapest way to look up `dois` DOIs: batched doi: filters (one list call per
    DOI_BATCH) when their price fits --max-cost and the budget left, else free singletons
    (one call each, no dollars, bounded only by the 100 requests/s). `alone` DOIs always take
    a singleton each (counted as calls; priced as the batches are, a slight overestimate)."""
    batched = Estimate("list", math.ceil(dois / DOI_BATCH) + alone, dois + alone)
    left = budget.remaining if budget.remaining is not None else budget.limit
    fits = max_cost is None or batched.cost <= max_cost
    if dois and fits and (left is None or batched.cost <= left):
        return batched
    return Estimate("singleton", dois + alone, dois + alone)
