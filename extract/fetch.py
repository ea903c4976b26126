"""OpenAlex through pyalex, into the workspace. The only module here that makes requests.

pyalex does the HTTP: its query builder, cursor paging, auth headers (polite-pool email, API
key) and its retry adapter (429 with Retry-After, 5xx, with backoff). Two things we add:

- `Works.url` honours `pyalex.config.openalex_url`: pyalex 0.18–0.21 build every list URL on
  https://api.openalex.org whatever the config says, so mirrors and test servers need this.
- a connect and read timeout on every request: pyalex's session sets none, so a server that
  accepts and never answers would hang a fetch. We hand `_get_from_url` a session with
  pyalex's own retry settings and a timeout (read timeouts are retried once, not five times).
- a result that is not a JSON object is kept for `parse_work` to reject with its reason,
  instead of failing the whole page inside pyalex.
- the workspace: each page is stored with its request URL before the next is asked for, so
  a rerun repeats no request and an interrupted fetch resumes from its last cursor.
"""

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pyalex
import requests
from urllib3.util.retry import Retry

from extract.errors import InputRejected, SourceUnavailable
from extract.fulltext import normalise_doi
from extract.openalex import StudyFilter, parse_work
from extract.records import Work
from extract.workspace import Search, Workspace

DOI_BATCH = 50  # OpenAlex takes up to 50 values in one OR filter
PAGE_SIZE = 200
RETRY_CODES = [429, 500, 502, 503, 504]

Progress = Callable[[int], None]


class _TimedSession(requests.Session):
    """A requests session whose every request has a (connect, read) timeout."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = (min(timeout, 10.0), timeout)
        retries = Retry(
            total=pyalex.config.max_retries,
            read=1,
            backoff_factor=pyalex.config.retry_backoff_factor,
            status_forcelist=pyalex.config.retry_http_codes,
            allowed_methods={"GET"},
        )
        self.mount("https://", requests.adapters.HTTPAdapter(max_retries=retries))

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


_session: _TimedSession | None = None


def configure(
    email: str | None,
    api_key: str | None,
    base_url: str | None,
    max_retries: int = 5,
    backoff: float = 0.5,
    timeout: float = 30.0,
) -> None:
    """pyalex's one config object, set once at the CLI edge, and the session with timeouts."""
    global _session
    pyalex.config.email = email
    pyalex.config.api_key = api_key
    pyalex.config.openalex_url = (base_url or "https://api.openalex.org").rstrip("/")
    pyalex.config.max_retries = max_retries
    pyalex.config.retry_backoff_factor = backoff
    pyalex.config.retry_http_codes = RETRY_CODES
    _session = _TimedSession(timeout)


class _AnyWork(pyalex.Work):  # type: ignore[misc]
    """pyalex's Work; a result that is not an object is wrapped for parse_work to reject."""

    def __init__(self, value: Any = None) -> None:
        kept = value if isinstance(value, dict) else {"not_an_object": repr(value)[:200]}
        super().__init__(kept)


class Works(pyalex.Works):  # type: ignore[misc]
    resource_class = _AnyWork

    @property
    def url(self) -> str:
        built = urlsplit(super().url)
        base = urlsplit(pyalex.config.openalex_url)
        return str(urlunsplit((base.scheme, base.netloc, base.path + built.path, built.query, "")))


def search_query(
    terms: Iterable[str],
    from_year: int,
    to_year: int,
    source: str | None = None,
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
    if source:
        query = query.filter(primary_location={"source": {"id": source}})
    return query


def _parse_all(raw_works: list[dict[str, Any]]) -> list[Work | str]:
    parsed: list[Work | str] = []
    for raw in raw_works:
        try:
            parsed.append(parse_work(raw))
        except Exception as error:  # a bad record is stored with its reason, never fatal
            parsed.append(f"{type(error).__name__}: {error}")
    return parsed


def _get(call: Callable[[], Any], what: str) -> Any:
    try:
        return call()
    except requests.exceptions.RetryError as error:
        raise SourceUnavailable(f"OpenAlex kept failing for {what}: {error}") from error
    except requests.exceptions.HTTPError as error:
        status = error.response.status_code if error.response is not None else "?"
        raise SourceUnavailable(f"OpenAlex answered {status} for {what}") from error
    except (requests.exceptions.Timeout, requests.exceptions.ConnectionError) as error:
        raise SourceUnavailable(
            f"cannot reach OpenAlex at {pyalex.config.openalex_url} ({type(error).__name__}: "
            "no answer in time); check the network or OPENALEX_URL (OPENALEX_TIMEOUT sets "
            "the wait). Stored pages are kept; a rerun resumes"
        ) from error
    except requests.exceptions.RequestException as error:
        raise SourceUnavailable(
            f"cannot reach OpenAlex at {pyalex.config.openalex_url} ({type(error).__name__}); "
            "check the network or OPENALEX_URL"
        ) from error
    except (ValueError, KeyError, TypeError) as error:  # JSON that is not an OpenAlex page
        raise SourceUnavailable(
            f"OpenAlex at {pyalex.config.openalex_url} answered {what} with something that is "
            f"not a page of works ({type(error).__name__}: {error}); check OPENALEX_URL"
        ) from error
    except pyalex.api.QueryError as error:
        raise InputRejected(f"OpenAlex rejected the query: {error}") from error


def _search_key(query: Works) -> str:
    """The query's URL without its paging parameters: what identifies a search."""
    parts = urlsplit(query.url)
    kept = [p for p in parts.query.split("&") if not p.startswith(("per-page=", "cursor="))]
    return urlunsplit(parts._replace(query="&".join(kept)))


@dataclass
class FetchReport:
    requests: int = 0
    fetched: int = 0  # works received in this run
    stored: int = 0  # works of this search or DOI list in the workspace after the run
    total: int | None = None  # what OpenAlex says matches
    missing: list[str] = field(default_factory=list)  # DOIs OpenAlex does not know


def fetch_search(
    workspace: Workspace,
    query: Works,
    limit: int | None = None,
    refresh: bool = False,
    progress: Progress | None = None,
) -> FetchReport:
    """Page through a search with cursors, storing each page; resume where a run stopped."""
    key = _search_key(query)
    state = None if refresh else workspace.search(key)
    fetched_before = state.fetched if state else 0
    cursor: str | None = state.next_cursor if state else "*"
    report = FetchReport(stored=fetched_before, total=state.total if state else None)
    if progress and fetched_before:
        progress(fetched_before)
    while cursor is not None and (limit is None or report.stored < limit):
        per_page = PAGE_SIZE if limit is None else min(PAGE_SIZE, limit - report.stored)
        query._add_params("per-page", per_page)
        query._add_params("cursor", cursor)
        page = _get(
            functools.partial(query._get_from_url, query.url, _session),
            f"the page at cursor {cursor}",
        )
        raw = [dict(w) for w in page]
        cursor = page.meta.get("next_cursor") if raw else None
        report.requests += 1
        report.fetched += len(raw)
        report.stored += len(raw)
        report.total = page.meta.get("count")
        workspace.store_page(
            query.url, raw, _parse_all(raw), Search(key, cursor, report.stored, report.total)
        )
        if progress:
            progress(len(raw))
    return report


def fetch_dois(
    workspace: Workspace,
    dois: Iterable[str],
    refresh: bool = False,
    progress: Progress | None = None,
) -> FetchReport:
    """Look DOIs up in batches of 50 with the doi filter; stored or known-missing ones are
    not asked for again unless refresh."""
    wanted = list(dict.fromkeys(normalise_doi(d) for d in dois if d.strip()))
    todo = wanted if refresh else [d for d in wanted if d not in workspace.known_dois(wanted)]
    report = FetchReport()
    if progress and len(wanted) > len(todo):
        progress(len(wanted) - len(todo))
    for start in range(0, len(todo), DOI_BATCH):
        batch = todo[start : start + DOI_BATCH]
        query = Works().filter_or(doi=batch)
        query._add_params("per-page", DOI_BATCH)
        page = _get(
            functools.partial(query._get_from_url, query.url, _session), f"{len(batch)} DOIs"
        )
        raw = [dict(w) for w in page]
        parsed = _parse_all(raw)
        workspace.store_page(query.url, raw, parsed)
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


def apply_filter(workspace: Workspace, works: Iterable[Work], study: StudyFilter) -> dict[str, int]:
    """Record the filter's decision for each work; returns kept and per-reason counts."""
    decisions = {w.id: study.reason_to_drop(w) for w in works}
    workspace.set_dropped(decisions)
    summary: dict[str, int] = {"kept": 0}
    for reason in decisions.values():
        key = reason or "kept"
        summary[key] = summary.get(key, 0) + 1
    return summary
