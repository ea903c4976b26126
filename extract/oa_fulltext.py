"""Open-access full text from the web: Europe PMC, PLOS, and bioRxiv / medRxiv, in that order.

For each work the study filters kept and no archive covered, the sources are tried in turn;
the first that returns JATS with a body or an abstract wins, and the work's outcome is one of
full text (with its source), not open access, not found, or failed (with the reason). Each
outcome and the raw XML (zlib-compressed) are stored as they arrive, so a rerun asks nothing
for what is stored or known missing, and an interrupted fetch resumes.

The documented shapes this relies on (read from each service's documentation and public
clients, e.g. the europepmc R client's `epmc_ftxt` and bioRxiv API clients):

- Europe PMC RESTful API, base `EUROPEPMC_URL` (default
  https://www.ebi.ac.uk/europepmc/webservices/rest):
  `GET {base}/search?query=DOI:"<doi>"&format=json&resultType=lite&pageSize=1` answers
  `{"hitCount": n, "resultList": {"result": [{"pmcid": "PMC…", "isOpenAccess": "Y"|"N",
  ...}]}}`; `GET {base}/{PMCID}/fullTextXML` answers the JATS `<article>` of a paper in the
  open-access subset, and 404 for the rest. The PMCID comes first from the OpenAlex work's
  `ids.pmcid` (a URL ending in the PMCID or its number), else from that search.
- PLOS, base `PLOS_URL` (default https://journals.plos.org): `GET
  {base}/{journal}/article/file?id={doi}&type=manuscript` answers the article's JATS for a
  10.1371 DOI; the journal comes from the DOI (pone → plosone, pbio → plosbiology, ...).
- bioRxiv API, base `BIORXIV_URL` (default https://api.biorxiv.org): `GET
  {base}/details/{biorxiv|medrxiv}/{doi}/na/json` answers `{"messages": [{"status": "ok"}],
  "collection": [{"doi", "version", "jatsxml", ...}, ...]}`, one entry per version; the
  latest version's `jatsxml` is the URL of its JATS. A 10.1101 DOI is asked of bioRxiv,
  then medRxiv.

Politeness: one aiohttp session, at most `concurrency` requests in flight and `rate`
requests a second per host, connect and read timeouts on every request, retries with
backoff on 429, 5xx, timeouts and broken downloads (honouring Retry-After), and a
User-Agent naming ptm-kg and the user's OPENALEX_EMAIL.
"""

import asyncio
import json
import random
import re
import ssl
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal
from urllib.parse import quote, urlsplit

import aiohttp

from extract.errors import InputRejected
from extract.fulltext import parse_xml
from extract.records import PaperText, Work

Status = Literal["fulltext", "not_oa", "not_found", "failed"]
PLOS_JOURNALS = {
    "pone": "plosone", "pbio": "plosbiology", "pcbi": "ploscompbiol", "pgen": "plosgenetics",
    "ppat": "plospathogens", "pntd": "plosntds", "pmed": "plosmedicine",
}  # fmt: skip
_RETRY = {429, 500, 502, 503, 504}
_PMCID = re.compile(r"(?:PMC)?(\d+)/?$", re.IGNORECASE)


@dataclass(frozen=True)
class Services:
    europepmc: str = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    plos: str = "https://journals.plos.org"
    biorxiv: str = "https://api.biorxiv.org"


@dataclass(frozen=True)
class Politeness:
    concurrency: int = 8  # requests in flight, in all
    rate: float = 10.0  # requests a second to one host
    timeout: float = 30.0  # seconds to connect, and between bytes read
    retries: int = 3
    email: str | None = None

    @property
    def user_agent(self) -> str:
        contact = f" (mailto:{self.email})" if self.email else ""
        try:
            release = version("ptm-kg")
        except PackageNotFoundError:
            release = "dev"
        return f"ptm-kg/{release}{contact}"


@dataclass(frozen=True)
class Found:
    """What the web had for one work."""

    work_id: str
    status: Status
    source: str | None = None
    url: str | None = None
    http_status: int | None = None
    reason: str | None = None
    xml: bytes | None = None
    text: PaperText | None = None

    def compressed(self) -> bytes | None:
        return zlib.compress(self.xml) if self.xml is not None else None


class _Failed(Exception):
    """A request that failed for good, after its retries."""


@dataclass
class _Reply:
    status: int
    body: bytes
    url: str


def pmcid_of(raw: dict[str, Any]) -> str | None:
    """PMC1234567 from an OpenAlex work's ids.pmcid (a URL or a bare id), if any."""
    value = (raw.get("ids") or {}).get("pmcid") if isinstance(raw, dict) else None
    match = _PMCID.search(str(value)) if value else None
    return f"PMC{match.group(1)}" if match else None


def plos_journal(doi: str) -> str | None:
    match = re.match(r"10\.1371/journal\.([a-z]+)\.", doi)
    return PLOS_JOURNALS.get(match.group(1)) if match else None


class _Client:
    """An aiohttp session with per-host rate limits, timeouts and retries."""

    def __init__(self, session: aiohttp.ClientSession, politeness: Politeness) -> None:
        self._session = session
        self._politeness = politeness
        self._in_flight = asyncio.Semaphore(politeness.concurrency)
        self._next_slot: dict[str, float] = {}
        self.requests = 0

    async def _wait_turn(self, host: str) -> None:
        now = time.monotonic()
        slot = max(now, self._next_slot.get(host, now))
        self._next_slot[host] = slot + 1.0 / self._politeness.rate
        if slot > now:
            await asyncio.sleep(slot - now)

    async def get(self, url: str) -> _Reply:
        last = "no attempt"
        for attempt in range(self._politeness.retries + 1):
            wait = min(30.0, 0.5 * 2**attempt) * (0.5 + random.random())
            await self._wait_turn(urlsplit(url).netloc)
            async with self._in_flight:
                self.requests += 1
                try:
                    async with self._session.get(url, allow_redirects=True) as response:
                        body = await response.read()
                        reply = _Reply(response.status, body, str(response.url))
                        after = response.headers.get("Retry-After", "")
                except (aiohttp.ClientError, TimeoutError) as error:
                    last = f"{type(error).__name__}: {error}".rstrip(": ")
                    if attempt < self._politeness.retries:
                        await asyncio.sleep(wait)
                    continue
            if reply.status not in _RETRY:
                return reply
            last = f"HTTP {reply.status}"
            if attempt < self._politeness.retries:
                await asyncio.sleep(float(after) if after.isdigit() else wait)
        raise _Failed(f"{url}: {last} after {self._politeness.retries + 1} attempts")


def _as_text(reply: _Reply, work: Work) -> PaperText:
    """The reply's JATS as a PaperText, or InputRejected saying why it is not usable."""
    if not reply.body.strip():
        raise InputRejected("empty body")
    text = parse_xml(reply.body, work.id).text
    if not text.sections and not text.abstract:
        raise InputRejected("the XML holds no text (no abstract, no sections)")
    return text


class _Lookup:
    """The sources of one work, tried in order."""

    def __init__(self, client: _Client, services: Services, work: Work, raw: dict[str, Any]):
        self.client, self.services, self.work, self.raw = client, services, work, raw
        self.not_oa = False
        self.failures: list[str] = []

    async def run(self) -> Found:
        for source, find in (("europepmc", self._europepmc), ("plos", self._plos),
                             ("biorxiv", self._biorxiv)):  # fmt: skip
            try:
                found = await find()
            except _Failed as error:
                self.failures.append(f"{source}: {error}")
                continue
            if found is not None:
                return found
        if self.failures:
            return Found(self.work.id, "failed", reason="; ".join(self.failures)[:1000])
        return Found(self.work.id, "not_oa" if self.not_oa else "not_found")

    async def _fetch_xml(self, source: str, url: str) -> Found | None:
        reply = await self.client.get(url)
        if reply.status in (404, 410):
            return None
        if reply.status != 200:
            raise _Failed(f"{url}: HTTP {reply.status}")
        try:  # parsed off the event loop: lxml releases the GIL, requests keep flowing
            text = await asyncio.to_thread(_as_text, reply, self.work)
        except InputRejected as error:
            raise _Failed(f"{url}: {error}") from None
        return Found(self.work.id, "fulltext", source, reply.url, reply.status, None,
                     reply.body, text)  # fmt: skip

    async def _europepmc(self) -> Found | None:
        base = self.services.europepmc.rstrip("/")
        pmcid = pmcid_of(self.raw)
        if pmcid is None and self.work.doi:
            query = quote(f'DOI:"{self.work.doi}"')
            url = f"{base}/search?query={query}&format=json&resultType=lite&pageSize=1"
            reply = await self.client.get(url)
            if reply.status != 200:
                raise _Failed(f"{url}: HTTP {reply.status}")
            try:
                results = json.loads(reply.body)["resultList"]["result"]
            except (ValueError, KeyError, TypeError):
                raise _Failed(f"{url}: not a Europe PMC search answer") from None
            hit = results[0] if results and isinstance(results[0], dict) else {}
            pmcid = hit.get("pmcid")
            if pmcid and hit.get("isOpenAccess") == "N":
                self.not_oa = True
                return None
        if not pmcid:
            return None
        return await self._fetch_xml("europepmc", f"{base}/{pmcid}/fullTextXML")

    async def _plos(self) -> Found | None:
        journal = plos_journal(self.work.doi or "")
        if journal is None:
            return None
        base = self.services.plos.rstrip("/")
        doi = quote(self.work.doi or "", safe="/")
        return await self._fetch_xml(
            "plos", f"{base}/{journal}/article/file?id={doi}&type=manuscript"
        )

    async def _biorxiv(self) -> Found | None:
        doi = self.work.doi or ""
        if not doi.startswith("10.1101/"):
            return None
        base = self.services.biorxiv.rstrip("/")
        for server in ("biorxiv", "medrxiv"):
            url = f"{base}/details/{server}/{doi}/na/json"
            reply = await self.client.get(url)
            if reply.status == 404:
                continue
            if reply.status != 200:
                raise _Failed(f"{url}: HTTP {reply.status}")
            try:
                versions = json.loads(reply.body).get("collection") or []
                latest = max(versions, key=lambda v: int(v.get("version") or 0))
                jats = latest.get("jatsxml") or latest.get("jats_xml_path")
            except (ValueError, AttributeError, TypeError):
                continue  # no collection: this server does not have the DOI
            if jats:
                found = await self._fetch_xml(server, str(jats))
                if found is not None:
                    return found
        return None


@dataclass
class FulltextReport:
    asked: int = 0
    requests: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)


async def _fetch_all(
    todo: Iterable[tuple[Work, dict[str, Any]]],
    services: Services,
    politeness: Politeness,
    store: Callable[[Found], None],
    report: FulltextReport,
) -> None:
    timeout = aiohttp.ClientTimeout(
        total=None, sock_connect=politeness.timeout, sock_read=politeness.timeout
    )
    headers = {"User-Agent": politeness.user_agent}
    # a context made now, so the system's trust store (and SSL_CERT_FILE) is read at run time
    connector = aiohttp.TCPConnector(limit=politeness.concurrency, ssl=ssl.create_default_context())
    async with aiohttp.ClientSession(
        timeout=timeout, headers=headers, connector=connector
    ) as session:
        client = _Client(session, politeness)
        pending: set[asyncio.Task[Found]] = set()

        def hand_over(finished: set[asyncio.Task[Found]]) -> None:
            for task in finished:
                found = task.result()
                store(found)
                report.by_status[found.status] = report.by_status.get(found.status, 0) + 1
                if found.source:
                    report.by_source[found.source] = report.by_source.get(found.source, 0) + 1
                if found.status == "failed":
                    report.failures.append((found.work_id, found.reason or "failed"))

        try:
            for work, raw in todo:
                report.asked += 1
                lookup = _Lookup(client, services, work, raw)
                pending.add(asyncio.create_task(lookup.run()))
                if len(pending) >= 4 * politeness.concurrency:
                    done, pending = await asyncio.wait(pending, return_when="FIRST_COMPLETED")
                    hand_over(done)
            while pending:
                done, pending = await asyncio.wait(pending, return_when="FIRST_COMPLETED")
                hand_over(done)
        finally:
            for task in pending:
                task.cancel()
            report.requests = client.requests


def fetch_fulltexts(
    todo: Iterable[tuple[Work, dict[str, Any]]],
    services: Services,
    politeness: Politeness,
    store: Callable[[Found], None],
) -> FulltextReport:
    """Look up each work's open-access full text; `store` gets each outcome as it arrives."""
    report = FulltextReport()
    asyncio.run(_fetch_all(todo, services, politeness, store, report))
    return report
