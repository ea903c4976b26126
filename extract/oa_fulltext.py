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
  latest version's `jatsxml` is the URL of its JATS (on www.biorxiv.org or
  www.medrxiv.org, or on the API's own host). Both of the servers' DOI prefixes are asked
  of bioRxiv, then medRxiv, through this one API: `10.1101/` (postings up to November 2025,
  Cold Spring Harbor) and `10.64898/` (postings since December 2025, openRxiv).

Trust nothing that comes back (see extract/bounded.py and extract/oa_client.py): every
body is bounded in size and time; identifiers from remote data (DOIs, PMCIDs) are
percent-encoded into paths that must stay under the service's base URL, and a PMCID must
look like one; a `jatsxml` link or a redirect is followed only to http(s) on the service's
own hosts; a `"` in a DOI is escaped in Europe PMC's `DOI:"…"` query. A file is full text
only when it parses without losing content (see `full_text_of`), has a body, and carries
no other work's DOI. Whatever fails is the work's failure with its reason; the work keeps
its abstract, and the fetch goes on.
"""

import asyncio
import json
import re
import ssl
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote

import aiohttp

from extract.bounded import Refused, host_of, quote_part, redirect_target, url_under
from extract.errors import InputRejected
from extract.fulltext import full_text_of, normalise_doi, parse_xml
from extract.oa_client import Client, Failed, Politeness, Reply
from extract.records import PaperText, Work

__all__ = ["Found", "FulltextReport", "Politeness", "Services", "fetch_fulltexts"]

Status = Literal["fulltext", "not_oa", "not_found", "failed"]
PLOS_JOURNALS = {
    "pone": "plosone", "pbio": "plosbiology", "pcbi": "ploscompbiol", "pgen": "plosgenetics",
    "ppat": "plospathogens", "pntd": "plosntds", "pmed": "plosmedicine",
}  # fmt: skip
_PMCID = re.compile(r"(?:PMC)?(\d+)/?$", re.IGNORECASE)
_PMCID_EXACT = re.compile(r"PMC\d{1,12}")
BIORXIV_PREFIXES = ("10.1101/", "10.64898/")  # Cold Spring Harbor, then openRxiv (Dec 2025)


@dataclass(frozen=True)
class Services:
    europepmc: str = "https://www.ebi.ac.uk/europepmc/webservices/rest"
    plos: str = "https://journals.plos.org"
    biorxiv: str = "https://api.biorxiv.org"
    biorxiv_content: tuple[str, ...] = ("www.biorxiv.org", "www.medrxiv.org")  # jatsxml hosts


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


def pmcid_of(raw: dict[str, Any]) -> str | None:
    """PMC1234567 from an OpenAlex work's ids.pmcid (a URL or a bare id), if any."""
    value = (raw.get("ids") or {}).get("pmcid") if isinstance(raw, dict) else None
    match = _PMCID.search(str(value)) if value else None
    return f"PMC{match.group(1)}" if match else None


def plos_journal(doi: str) -> str | None:
    match = re.match(r"10\.1371/journal\.([a-z]+)\.", doi)
    return PLOS_JOURNALS.get(match.group(1)) if match else None


def _as_text(reply: Reply, work: Work) -> PaperText:
    """The reply's JATS as this work's full text, or InputRejected saying why it is not."""
    if not reply.body.strip():
        raise InputRejected("empty body")
    return full_text_of(parse_xml(reply.body, work.id), work.doi)


def lucene_phrase(value: str) -> str:
    """`value` as a quoted phrase of Europe PMC's (Lucene) query syntax: `"` and `\\`
    escaped with a backslash, so a DOI cannot end the phrase and add query terms."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Lookup:
    """The sources of one work, tried in order."""

    def __init__(self, client: Client, services: Services, work: Work, raw: dict[str, Any]):
        self.client, self.services, self.work, self.raw = client, services, work, raw
        self.not_oa = False
        self.failures: list[str] = []

    async def run(self) -> Found:
        for source, find in (("europepmc", self._europepmc), ("plos", self._plos),
                             ("biorxiv", self._biorxiv)):  # fmt: skip
            try:
                found = await find()
            except (Failed, Refused) as error:
                self.failures.append(f"{source}: {error}")
                continue
            except Exception as error:  # one work's surprise never ends the fetch
                self.failures.append(f"{source}: {type(error).__name__}: {error}")
                continue
            if found is not None:
                return found
        if self.failures:
            return Found(self.work.id, "failed", reason="; ".join(self.failures)[:1000])
        return Found(self.work.id, "not_oa" if self.not_oa else "not_found")

    async def _fetch_xml(
        self, source: str, url: str, allowed: frozenset[str] | None = None
    ) -> Found | None:
        reply = await self.client.get(url, allowed)
        if reply.status in (404, 410):
            return None
        if reply.status != 200:
            raise Failed(f"{url}: HTTP {reply.status}")
        try:  # parsed off the event loop: lxml releases the GIL, requests keep flowing
            text = await asyncio.to_thread(_as_text, reply, self.work)
        except InputRejected as error:
            raise Failed(f"{url}: {error}") from None
        return Found(self.work.id, "fulltext", source, reply.url, reply.status, None,
                     reply.body, text)  # fmt: skip

    async def _europepmc(self) -> Found | None:
        base = self.services.europepmc.rstrip("/")
        pmcid = pmcid_of(self.raw)
        if pmcid is None and self.work.doi:
            query = quote("DOI:" + lucene_phrase(self.work.doi), safe="")
            url = url_under(base, "search", f"query={query}&format=json&resultType=lite&pageSize=1")
            reply = await self.client.get(url)
            if reply.status != 200:
                raise Failed(f"{url}: HTTP {reply.status}")
            try:
                results = json.loads(reply.body)["resultList"]["result"]
            except (ValueError, KeyError, TypeError):
                raise Failed(f"{url}: not a Europe PMC search answer") from None
            hit = results[0] if results and isinstance(results[0], dict) else {}
            if hit.get("doi") and normalise_doi(str(hit["doi"])) != self.work.doi:
                raise Failed(f"{url}: the hit is the paper {hit['doi']}, not {self.work.doi}")
            pmcid = hit.get("pmcid")
            if pmcid and not _PMCID_EXACT.fullmatch(str(pmcid)):
                raise Failed(f"{url}: {str(pmcid)[:80]!r} is not a PMCID")
            if pmcid and hit.get("isOpenAccess") == "N":
                self.not_oa = True
                return None
        if not pmcid:
            return None
        return await self._fetch_xml("europepmc", url_under(base, f"{pmcid}/fullTextXML"))

    async def _plos(self) -> Found | None:
        journal = plos_journal(self.work.doi or "")
        if journal is None:
            return None
        doi = quote(self.work.doi or "", safe="/")
        url = url_under(self.services.plos, f"{journal}/article/file", f"id={doi}&type=manuscript")
        return await self._fetch_xml("plos", url)

    async def _biorxiv(self) -> Found | None:
        doi = self.work.doi or ""
        if not doi.startswith(BIORXIV_PREFIXES):
            return None
        base = self.services.biorxiv
        hosts = frozenset({host_of(base), *self.services.biorxiv_content})
        for server in ("biorxiv", "medrxiv"):
            url = url_under(base, f"details/{server}/{quote_part(doi)}/na/json")
            reply = await self.client.get(url)
            if reply.status == 404:
                continue
            if reply.status != 200:
                raise Failed(f"{url}: HTTP {reply.status}")
            try:
                versions = json.loads(reply.body).get("collection") or []
                latest = max(versions, key=lambda v: int(v.get("version") or 0))
                jats = latest.get("jatsxml") or latest.get("jats_xml_path")
            except (ValueError, AttributeError, TypeError):
                continue  # no collection: this server does not have the DOI
            if jats:  # a link from remote data: followed like a redirect, or not at all
                link = redirect_target(url, str(jats), hosts)
                found = await self._fetch_xml(server, link, hosts)
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
    timeout = aiohttp.ClientTimeout(  # the deadline per request is the client's
        total=None, sock_connect=politeness.timeout, sock_read=politeness.timeout
    )
    headers = {"User-Agent": politeness.user_agent}
    # a context made now, so the system's trust store (and SSL_CERT_FILE) is read at run time
    connector = aiohttp.TCPConnector(limit=politeness.concurrency, ssl=ssl.create_default_context())
    async with aiohttp.ClientSession(
        timeout=timeout, headers=headers, connector=connector
    ) as session:
        client = Client(session, politeness)
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
