"""How ptm-kg calls OpenAlex: one bounded, retried call at a time, its budget read.

pyalex's one config object (email, API key, base URL) is set here (`configure`), once at
the CLI edge. Every call has a connect and read timeout, a deadline for the whole call
(OPENALEX_DEADLINE) and a size limit on its body (OPENALEX_MAX_MB), checked from
Content-Length and while streaming (kg/sources/bounded.py); a redirect is followed only on
OpenAlex's own host. 5xx, timeouts and a 429 or 403 for speed are retried with backoff
(honouring Retry-After); a 429 for a spent daily budget is never retried (BudgetSpent); a
401 names OPENALEX_API_KEY. Every response's X-RateLimit-*-USD headers are read into
`BUDGET`. What the calls fetch, and how pages are stored, is kg/sources/openalex.py.
"""

import json
import queue
import threading
import time
from dataclasses import dataclass
from typing import Any

import pyalex
import requests

from extract.errors import InputRejected, SourceUnavailable
from kg.sources.bounded import Limits, Refused, host_of, read_capped, redirect_target
from kg.sources.openalex_budget import FREE_KEY_BUDGET, NO_KEY_BUDGET, Budget, BudgetSpent

# OpenAlex's errors page names 403 "rate limit exceeded; slow down": retried like a 429
RETRY_CODES = frozenset({403, 429, 500, 502, 503, 504})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_WAIT = 60.0  # seconds: the most a Retry-After is obeyed


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


def get(url: str, what: str, missing_ok: bool = False) -> dict[str, Any] | None:
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
