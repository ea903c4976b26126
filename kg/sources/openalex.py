"""OpenAlex into the workspace: pyalex builds the queries, we make the calls.

pyalex gives the query builder (`Works().search(...).filter(...)`, `filter_or`, singletons
by `Works("doi:...")`, whose `url` property gives the request) and its one config object
(email, API key, user agent: sent as a Bearer header, From and User-Agent). Only pyalex's
public API is used (pinned to the releases tested, see pyproject.toml). The calls
themselves are ours, because each must be bounded and its budget read
(kg/sources/openalex_http.py: timeouts, a deadline, a size limit, retries, the budget
headers read into `BUDGET`; `configure` sets pyalex's config once at the CLI edge):

- `Works.url` honours `pyalex.config.openalex_url`: pyalex 0.18–0.21 build every URL on
  https://api.openalex.org whatever the config says, so mirrors and test servers need this.
- what a run will cost is
  estimated from the result count and the documented prices before it goes on
  (kg/sources/openalex_budget.py), and `--max-cost` refuses what costs more.
- the workspace: each page is stored with its request URL before the next is asked for, so
  a rerun repeats no request and an interrupted fetch resumes from its last cursor. A page
  longer than asked (or than --limit) is cut to what was asked.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlsplit, urlunsplit

import pyalex

from extract.errors import InputRejected, SourceUnavailable
from extract.parse_fulltext import normalise_doi
from extract.parse_openalex import parse_work
from extract.records import Work
from kg.sources.openalex_budget import (
    DOI_BATCH,
    PAGE_SIZE,
    Estimate,
    call_kind,
    doi_estimate,
    search_estimate,
    usable_count,
    within_cap,
)
from kg.sources.openalex_http import BUDGET, configure, get
from kg.workspace import Search, Workspace

__all__ = ["BUDGET", "FetchReport", "Works", "configure", "fetch_dois", "fetch_search",
           "search_query"]  # fmt: skip

Progress = Callable[[int], None]
OnEstimate = Callable[[Estimate], None]


class Works(pyalex.Works):  # type: ignore[misc]
    @property
    def url(self) -> str:
        built = urlsplit(super().url)
        base = urlsplit(pyalex.config.openalex_url)
        if built.netloc == base.netloc:  # a pyalex that honours openalex_url itself
            return str(super().url)
        return str(urlunsplit((base.scheme, base.netloc, base.path + built.path, built.query, "")))


def search_query(
    terms: Iterable[str],
    from_year: int,
    to_year: int,
    journal: str | None = None,
    open_access_only: bool = True,
) -> Works:
    """Works matching any of the phrases, as the study searched: articles, in a year range."""
    phrases = [t.strip() for t in terms if t.strip()]
    if not phrases:
        raise InputRejected("give at least one search term")
    if from_year > to_year:
        raise InputRejected(f"--from-year {from_year} is after --to-year {to_year}")
    query: Works = Works().search(" OR ".join(f'"{p}"' for p in phrases))
    query = query.filter(publication_year=f"{from_year}-{to_year}", type="article")
    if open_access_only:
        query = query.filter(is_oa=True)
    if journal:  # OpenAlex calls a journal a source
        query = query.filter(primary_location={"source": {"id": journal}})
    return query


def _parse_all(raw_works: list[dict[str, Any]]) -> list[Work | str]:
    parsed: list[Work | str] = []
    for raw in raw_works:
        try:
            parsed.append(parse_work(raw))
        except Exception as error:  # a bad record is stored with its reason, never fatal
            parsed.append(f"{type(error).__name__}: {error}")
    return parsed


def _results(answer: dict[str, Any], what: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A list page's results (each kept as it came, for parse_work to judge) and meta."""
    results, meta = answer.get("results"), answer.get("meta")
    if not isinstance(results, list) or not isinstance(meta, dict):
        raise SourceUnavailable(
            f"OpenAlex at {pyalex.config.openalex_url} answered {what} with something that is "
            "not a page of works (no results list and meta); check OPENALEX_URL"
        )
    kept = [r if isinstance(r, dict) else {"not_an_object": repr(r)[:200]} for r in results]
    return kept, meta


def _with_paging(url: str, per_page: int, cursor: str | None) -> str:
    paging = f"per-page={per_page}" + (f"&cursor={quote_plus(cursor)}" if cursor else "")
    return f"{url}{'&' if '?' in url else '?'}{paging}"


def _search_key(query: Works) -> str:
    """The query's URL without paging parameters: what identifies a search."""
    parts = urlsplit(query.url)
    kept = [p for p in parts.query.split("&") if not p.startswith(("per-page=", "cursor="))]
    return urlunsplit(parts._replace(query="&".join(kept)))


@dataclass
class FetchReport:
    requests: int = 0
    fetched: int = 0  # works received in this run (and kept: a page is cut to --limit)
    stored: int = 0  # works of this search or DOI list in the workspace after the run
    total: int | None = None  # what OpenAlex says matches
    missing: list[str] = field(default_factory=list)  # DOIs OpenAlex does not know
    estimate: Estimate | None = None  # the calls this run was expected to make
    notes: list[str] = field(default_factory=list)  # said once after the run


def fetch_search(
    workspace: Workspace,
    query: Works,
    limit: int | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
    max_cost: float | None = None,
    on_estimate: OnEstimate | None = None,
) -> FetchReport:
    """Page through a search with cursors, storing each page; resume where a run stopped.

    The first page's `meta.count` is the result count: with it the run's calls and cost are
    estimated (`on_estimate`), and a run over `max_cost` stops there, its first page stored.
    A resumed run estimates from the stored count, before any call. A count that is missing,
    not a whole number or negative is no estimate (said in `notes`); either way no call is
    made that would take the run's spend past `max_cost`."""
    key = _search_key(query)
    kind = call_kind(key)
    state = None if refresh else workspace.search(key)
    fetched_before = state.fetched if state else 0
    cursor: str | None = state.next_cursor if state else "*"
    report = FetchReport(stored=fetched_before, total=state.total if state else None)
    if progress and fetched_before:
        progress(fetched_before)

    def estimate(made: int) -> None:
        if report.estimate is None and report.total is not None:
            report.estimate = search_estimate(kind, report.total, report.stored, limit, made)
            if on_estimate:
                on_estimate(report.estimate)
            report.estimate.check(max_cost, resumes=bool(report.stored))

    if cursor is not None:
        estimate(0)
    while cursor is not None and (limit is None or report.stored < limit):
        within_cap(kind, report.requests, max_cost, " ".join(report.notes[:1]))
        room = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - report.stored)
        url = _with_paging(key, room, cursor)
        raw, meta = _results(get(url, f"the page at cursor {cursor}") or {}, f"cursor {cursor}")
        raw = raw[:room]  # a server sending more than asked never passes --limit
        cursor = meta.get("next_cursor") if raw else None
        cursor = cursor if isinstance(cursor, str) and cursor else None
        count = usable_count(meta.get("count"))
        if count is None and report.estimate is None and not report.notes:
            report.notes.append(
                f" OpenAlex gave no usable result count ({str(meta.get('count'))[:40]}), so no "
                "estimate: the fetch goes page by page within --max-cost."
            )
        report.total = count if count is not None else report.total
        report.requests += 1
        report.fetched += len(raw)
        report.stored += len(raw)
        workspace.store_page(
            url, raw, _parse_all(raw), Search(key, cursor, report.stored, report.total)
        )
        if progress:
            progress(len(raw))
        estimate(1)
    return report


def fetch_dois(
    workspace: Workspace,
    dois: Iterable[str],
    refresh: bool = False,
    progress: Progress | None = None,
    max_cost: float | None = None,
    on_estimate: OnEstimate | None = None,
) -> FetchReport:
    """Look DOIs up the cheapest way (see doi_estimate): batches of DOI_BATCH with the doi
    filter, or free singletons. Stored or known-missing DOIs are not asked for again
    unless refresh."""
    wanted = list(dict.fromkeys(normalise_doi(d) for d in dois if d.strip()))
    todo = wanted if refresh else [d for d in wanted if d not in workspace.known_dois(wanted)]
    report = FetchReport()
    # a DOI holding the filter syntax's , | + would be split by it: it goes alone, for free
    odd = [d for d in todo if any(c in d for c in ",|+")]
    plain = [d for d in todo if d not in set(odd)]
    report.estimate = doi_estimate(len(plain), max_cost, BUDGET, alone=len(odd))
    if todo and on_estimate:
        on_estimate(report.estimate)
    if progress and len(wanted) > len(todo):
        progress(len(wanted) - len(todo))
    size = DOI_BATCH if report.estimate.kind == "list" else 1
    batches = [plain[i : i + size] for i in range(0, len(plain), size)] + [[d] for d in odd]
    for made, batch in enumerate(batches):
        within_cap("singleton" if len(batch) == 1 else "list", made, max_cost)
        if len(batch) == 1:
            url = Works(f"doi:{batch[0]}").url
            answer = get(url, f"the DOI {batch[0]}", missing_ok=True)
            raw = [answer] if answer is not None else []
        else:
            url = _with_paging(Works().filter_or(doi=batch).url, DOI_BATCH, None)
            raw, _ = _results(get(url, f"{len(batch)} DOIs") or {}, f"{len(batch)} DOIs")
            raw = raw[:DOI_BATCH]
        parsed = _parse_all(raw)
        workspace.store_page(url, raw, parsed)
        found = {w.doi for w in parsed if isinstance(w, Work)}
        missing = [d for d in batch if d not in found]
        workspace.mark_missing(missing)
        report.requests += 1
        report.fetched += len(raw)
        report.missing += missing
        if progress:
            progress(len(batch))
    report.stored = len(workspace.works_by_doi(wanted))
    return report
