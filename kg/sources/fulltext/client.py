"""The HTTP client of the open-access full-text services: one aiohttp session, polite and
bounded.

Politeness: at most `concurrency` requests in flight and `rate` requests a second per host,
except on `bulk_hosts` (the PMC Cloud bucket: S3 serves many parallel GETs, and the bucket
is there to be read in bulk), which get their own `bulk_concurrency` requests in flight and
no rate limit;
connect and read timeouts on every request, retries with backoff on 429, 5xx, timeouts and
broken downloads (honouring Retry-After), and a User-Agent naming ptm-kg and the user's
OPENALEX_EMAIL.

Bounds (see kg/sources/bounded.py): a body over `max_bytes` is refused from its Content-Length
or while streaming; a request that has not ended within `deadline` seconds is abandoned;
redirects are followed by hand, at most five, and only to http(s) on the host asked (or a
host the caller allows). What is refused is not retried: the same request would fail the
same way.
"""

import asyncio
import random
import time
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import aiohttp

from kg.settings import Settings
from kg.sources.bounded import CHUNK, Limits, Refused, host_of, redirect_target

_RETRY = {429, 500, 502, 503, 504}
_REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
MAX_WAIT = 60.0  # seconds: the most a Retry-After is obeyed


_DEFAULT = {name: field.default for name, field in Settings.model_fields.items()}


@dataclass(frozen=True)
class Politeness:
    """How the client treats a service. Its defaults are the settings' (kg/settings.py);
    `kg.settings.politeness` makes one from the settings in use."""

    concurrency: int = 8  # requests in flight, in all
    rate: float = _DEFAULT["kg_fulltext_rate"]  # requests a second to one host
    timeout: float = _DEFAULT["kg_fulltext_timeout"]  # seconds to connect, between bytes read
    retries: int = 3
    email: str | None = None
    max_bytes: int = int(_DEFAULT["kg_fulltext_max_mb"] * 1_000_000)  # largest body accepted
    deadline: float = _DEFAULT["kg_fulltext_deadline"]  # seconds for one request, in all
    bulk_hosts: frozenset[str] = frozenset()  # hosts read in bulk: no rate, own concurrency
    bulk_concurrency: int = _DEFAULT["kg_pmc_concurrency"]

    @property
    def connections(self) -> int:
        """Requests in flight at most, on every host together."""
        return self.concurrency + (self.bulk_concurrency if self.bulk_hosts else 0)

    @property
    def user_agent(self) -> str:
        contact = f" (mailto:{self.email})" if self.email else ""
        try:
            release = version("ptm-kg")
        except PackageNotFoundError:
            release = "dev"
        return f"ptm-kg/{release}{contact}"

    @property
    def limits(self) -> Limits:
        return Limits(self.max_bytes, self.deadline)


class Failed(Exception):
    """A request that failed for good: refused, or still failing after its retries."""


@dataclass
class Reply:
    status: int
    body: bytes
    url: str


async def _read(response: aiohttp.ClientResponse, limits: Limits, url: str) -> bytes:
    limits.check_length(response.headers.get("Content-Length"), url)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK):  # decoded bytes: bombs count
        size += len(chunk)
        if size > limits.max_bytes:
            raise limits.too_large(url)
        chunks.append(chunk)
    return b"".join(chunks)


class Client:
    """An aiohttp session with per-host rate limits, timeouts, retries and bounds."""

    def __init__(self, session: aiohttp.ClientSession, politeness: Politeness) -> None:
        self._session = session
        self._politeness = politeness
        self._in_flight = asyncio.Semaphore(politeness.concurrency)
        self._bulk_in_flight = asyncio.Semaphore(politeness.bulk_concurrency)
        self._next_slot: dict[str, float] = {}
        self.requests = 0

    async def _wait_turn(self, host: str) -> None:
        if host in self._politeness.bulk_hosts:
            return
        now = time.monotonic()
        slot = max(now, self._next_slot.get(host, now))
        self._next_slot[host] = slot + 1.0 / self._politeness.rate
        if slot > now:
            await asyncio.sleep(slot - now)

    async def _once(self, url: str, allowed: frozenset[str]) -> tuple[Reply, str]:
        """One request and its redirects within the deadline: the reply and Retry-After."""
        limits = self._politeness.limits
        timer = asyncio.timeout(limits.deadline)
        try:
            async with timer:
                return await self._follow(url, allowed, limits)
        except TimeoutError:
            if timer.expired():  # the deadline, not a read timeout: not worth a retry
                raise limits.too_slow(url) from None
            raise

    async def _follow(self, url: str, allowed: frozenset[str], limits: Limits) -> tuple[Reply, str]:
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            async with self._session.get(current, allow_redirects=False) as response:
                if response.status in _REDIRECTS:
                    location = response.headers.get("Location", "")
                    current = redirect_target(current, location, allowed)
                    continue
                body = await _read(response, limits, current)
                return Reply(response.status, body, current), response.headers.get(
                    "Retry-After", ""
                )
        raise Refused(f"{url}: more than {MAX_REDIRECTS} redirects")

    async def get(self, url: str, allowed: frozenset[str] | None = None) -> Reply:
        """GET `url`; redirects only to `allowed` hosts (default: the host asked)."""
        hosts = allowed or frozenset({host_of(url)})
        last = "no attempt"
        for attempt in range(self._politeness.retries + 1):
            wait = min(30.0, 0.5 * 2**attempt) * (0.5 + random.random())
            host = host_of(url)
            await self._wait_turn(host)
            bulk = host in self._politeness.bulk_hosts
            async with self._bulk_in_flight if bulk else self._in_flight:
                self.requests += 1
                try:
                    reply, after = await self._once(url, hosts)
                except Refused as error:
                    raise Failed(str(error)) from None
                except (aiohttp.ClientError, TimeoutError) as error:
                    last = f"{type(error).__name__}: {error}".rstrip(": ")
                    if attempt < self._politeness.retries:
                        await asyncio.sleep(wait)
                    continue
            if reply.status not in _RETRY:
                return reply
            last = f"HTTP {reply.status}"
            if attempt < self._politeness.retries:
                await asyncio.sleep(min(float(after), MAX_WAIT) if after.isdigit() else wait)
        raise Failed(f"{url}: {last} after {self._politeness.retries + 1} attempts")
