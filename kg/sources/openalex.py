"""OpenAlex into the workspace: pyalex builds the queries, we make the calls.

pyalex gives the query builder (`Works().search(...).filter(...)`, `filter_or`, singletons
by `Works("doi:...")`, whose `url` property gives the request) and its one config object
(email, API key, user agent: sent as a Bearer header, From and User-Agent). Only pyalex's
public API is used (pinned to the releases tested, see pyproject.toml). The calls
themselves are ours, because each must be bounded and its budget read:

- `Works.url` honours `pyalex.config.openalex_url`: pyalex 0.18–0.21 build every URL on
  https://api.openalex.org whatever the config says, so mirrors and test servers need this.
- every call has a connect and read timeout, a deadline for the whole call
  (OPENALEX_DEADLINE) and a size limit on its body (OPENALEX_MAX_MB), checked from
  Content-Length and while streaming (kg/sources/bounded.py). A redirect is followed only on
  OpenAlex's own host.
- retries with backoff on 5xx, timeouts, and a 429 or 403 for speed (honouring
  Retry-After; OpenAlex's errors page gives 403 as "rate limit exceeded, slow down"); a
  429 for a spent daily budget is never retried: the fetch stops with one line
  (BudgetSpent). A 401 names OPENALEX_API_KEY.
- every response's X-RateLimit-*-USD headers are read into `BUDGET`; what a run will cost is
  estimated from the result count and the documented prices before it goes on
  (kg/sources/openalex_budget.py), and `--max-cost` refuses what costs more.
- the workspace: each page is stored with its request URL before the next is asked for, so
  a rerun repeats no request and an interrupted fetch resumes from its last cursor. A page
  longer than asked (or than --limit) is cut to what was asked.
"""

import json
import queue
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlsplit, urlunsplit

import pyalex
import requests

from extract.errors import InputRejected, SourceUnavailable
from extract.parse_fulltext import normalise_doi
from extract.parse_openalex import parse_work
from extract.records import Work
from kg.sources.bounded import Limits, Refused, host_of, read_capped, redirect_target
from kg.sources.openalex_budget import (
    DOI_BATCH,
    FREE_KEY_BUDGET,
    NO_KEY_BUDGET,
    PAGE_SIZE,
    Budget,
    BudgetSpent,
    Estimate,
    call_kind,
    doi_estimate,
    search_estimate,
    usable_count,
    within_cap,
)
from kg.workspace import Search, Workspace

# OpenAlex's errors page names 403 "rate limit exceeded; slow down": retried like a 429
RETRY_CODES = frozenset({403, 429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_WAIT = 60.0  # seconds: the most a Retry-After is obeyed

Progress = Callable[[int], None]
OnEstimate = Callable[[Estimate], None]


@dataclass
class _Connection:
    session: requests.Session
    timeout: tuple[float, float]
    limits: Limits
    retries: int
    backoff: float


_connection: _Connection | None = None
BUDGET = Budget()  # the day's budget as OpenAlex last reported it


def configure(
    email: str | None,
    api_key: str | None,
    base_url: str | None,
    max_retries: int = 5,
    backoff: float = 0.5,
    timeout: float = 30.0,
    deadline: float = 120.0,
    max_bytes: int = 100_000_000,
) -> None:
    """pyalex's one config object, set once at the CLI edge, and the bounds of every call."""
    global _connection
    pyalex.config.email = email
    pyalex.config.api_key = api_key
    pyalex.config.openalex_url = (base_url or "https://api.openalex.org").rstrip("/")
    _connection = _Connection(
        requests.Session(), (min(timeout, 10.0), timeout), Limits(max_bytes, deadline),
        max_retries, backoff,
    )  # fmt: skip
    BUDGET.limit = FREE_KEY_BUDGET if api_key else NO_KEY_BUDGET
    BUDGET.remaining = None
    BUDGET.spent = 0.0


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


def _unreachable(error: requests.exceptions.RequestException) -> SourceUnavailable:
    return SourceUnavailable(
        f"cannot reach OpenAlex at {pyalex.config.openalex_url} ({type(error).__name__}: "
        "no answer in time); check the network or OPENALEX_URL (OPENALEX_TIMEOUT sets "
        "the wait). Stored pages are kept; a rerun resumes"
    )


def _identity() -> dict[str, str]:
    """Who asks, from pyalex's public config: the key as a Bearer token, the email as From."""
    config = pyalex.config
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    headers |= {"From": config.email} if config.email else {}
    return headers | ({"User-Agent": config.user_agent} if config.user_agent else {})


def _call(url: str, connection: _Connection) -> tuple[int, bytes, float | None]:
    """One GET and its redirects (on OpenAlex's host only): status, body, Retry-After."""
    started = time.monotonic()
    allowed = frozenset({host_of(pyalex.config.openalex_url)})
    for _ in range(6):
        response = connection.session.get(
            url, headers=_identity(), timeout=connection.timeout, stream=True,
            allow_redirects=False,
        )  # fmt: skip
        with response:
            if response.status_code in REDIRECTS:
                url = redirect_target(url, response.headers.get("Location", ""), allowed)
                continue
            BUDGET.update(response.headers)
            if response.status_code == 429 and BUDGET.exhausted_by(response.headers):
                raise BudgetSpent()
            after = response.headers.get("Retry-After", "")
            connection.limits.check_length(response.headers.get("Content-Length"), url)
            body = read_capped(response.raw, connection.limits, url, started)
            wait = min(float(after), MAX_WAIT) if after.isdigit() else None
            return response.status_code, body, wait
    raise Refused(f"{url}: more than five redirects")


def _call_by_deadline(url: str, connection: _Connection) -> tuple[int, bytes, float | None]:
    """`_call` in a worker thread, given up at the deadline even while the server drips its
    headers (which requests reads line by line, each within the read timeout). A call given
    up ends the fetch (Refused is never retried), so the worker cannot pile up."""
    answers: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=1)

    def work() -> None:
        try:
            answers.put((True, _call(url, connection)))
        except BaseException as error:  # handed to the caller's thread as it is
            answers.put((False, error))

    threading.Thread(target=work, name="openalex-call", daemon=True).start()
    try:
        done, value = answers.get(timeout=connection.limits.deadline + 1.0)
    except queue.Empty:
        raise connection.limits.too_slow(url) from None
    if done:
        return value  # type: ignore[no-any-return]
    raise value


def _get(url: str, what: str, missing_ok: bool = False) -> dict[str, Any] | None:
    """The JSON object OpenAlex answers for `url`, after retries; None for a 404 when
    `missing_ok`. Each failure is one SourceUnavailable line saying what to do."""
    connection = _connection
    if connection is None:
        raise SourceUnavailable("OpenAlex is not configured (fetch.configure)")
    last = "no answer"
    for attempt in range(connection.retries + 1):
        wait = connection.backoff * 2**attempt
        try:
            status, body, after = _call_by_deadline(url, connection)
        except Refused as error:
            raise SourceUnavailable(f"OpenAlex's answer for {what} was refused: {error}") from None
        except requests.exceptions.ReadTimeout as error:
            if attempt >= 1:
                raise _unreachable(error) from error
            last = "read timeout"
            continue
        except requests.exceptions.RequestException as error:
            if attempt >= connection.retries:
                raise _unreachable(error) from error
            last = type(error).__name__
            time.sleep(wait)
            continue
        if status in RETRY_CODES:
            last = f"HTTP {status}"
            if attempt < connection.retries:
                time.sleep(after if after is not None else wait)
            continue
        if status == 404 and missing_ok:
            return None
        return _json_object(status, body, what)
    raise SourceUnavailable(f"OpenAlex kept failing for {what}: {last} after "
                            f"{connection.retries + 1} attempts")  # fmt: skip


def _json_object(status: int, body: bytes, what: str) -> dict[str, Any]:
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if status == 400:
        message = answer.get("message") or answer.get("error") if isinstance(answer, dict) else ""
        raise InputRejected(f"OpenAlex rejected the query: {str(message)[:300]}")
    if status == 401:
        raise SourceUnavailable("OpenAlex refused the request (401); check OPENALEX_API_KEY")
    if status != 200:
        raise SourceUnavailable(f"OpenAlex answered {status} for {what}")
    if not isinstance(answer, dict):
        raise SourceUnavailable(
            f"OpenAlex at {pyalex.config.openalex_url} answered {what} with something that is "
            "not a JSON object; check OPENALEX_URL"
        )
    return answer


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
        raw, meta = _results(_get(url, f"the page at cursor {cursor}") or {}, f"cursor {cursor}")
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
            answer = _get(url, f"the DOI {batch[0]}", missing_ok=True)
            raw = [answer] if answer is not None else []
        else:
            url = _with_paging(Works().filter_or(doi=batch).url, DOI_BATCH, None)
            raw, _ = _results(_get(url, f"{len(batch)} DOIs") or {}, f"{len(batch)} DOIs")
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
