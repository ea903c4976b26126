"""Open-access full text from the web: each kept work that no archive covered is asked of
the registered services in turn (kg/sources/fulltext/registry.py: Europe PMC, PLOS, then
bioRxiv / medRxiv); the first that returns JATS with a body or an abstract wins. The work's
outcome is one of full text (with the service that found it), not open access, not found, or
failed (with the reason). Each outcome and the raw XML (zlib-compressed) are stored as they
arrive, so a rerun asks nothing for what is stored or known missing, and an interrupted
fetch resumes.

Trust nothing that comes back (see kg/sources/bounded.py and client.py): every body is
bounded in size and time; identifiers from remote data (DOIs, PMCIDs) are percent-encoded
into paths that must stay under the service's base URL; a link or a redirect is followed
only to http(s) on the service's own hosts. A file is full text only when it parses without
losing content (see `full_text_of`), has a body, and carries no other work's DOI. Whatever
fails is the work's failure with its reason; the work keeps its abstract, and the fetch
goes on.
"""

import asyncio
import ssl
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from extract.in_flight import as_finished
from extract.records import Work
from kg.sources.bounded import Refused
from kg.sources.fulltext.client import Client, Failed, Politeness
from kg.sources.fulltext.service import Find, Found, Lookup

Services = Mapping[str, str]  # service name -> its base URL


async def _look_up(lookup: Lookup, services: Services, registered: Mapping[str, Find]) -> Found:
    """The registered services with a base URL in `services`, tried in order."""
    failures: list[str] = []
    for name, find in registered.items():
        base = services.get(name)
        if base is None:
            continue
        try:
            found = await find(lookup, base)
        except (Failed, Refused) as error:
            failures.append(f"{name}: {error}")
            continue
        except Exception as error:  # one work's surprise never ends the fetch
            failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        if found is not None:
            return found
    work_id = lookup.work.id
    if failures:
        return Found(work_id, "failed", reason="; ".join(failures)[:1000])
    return Found(work_id, "not_oa" if lookup.not_oa else "not_found")


@dataclass
class FulltextReport:
    asked: int = 0
    requests: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_service: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)


async def _fetch_all(
    todo: Iterable[tuple[Work, dict[str, Any]]],
    services: Services,
    politeness: Politeness,
    store: Callable[[Found], None],
    report: FulltextReport,
    registered: Mapping[str, Find],
) -> None:
    timeout = aiohttp.ClientTimeout(  # the deadline per request is the client's
        total=None, sock_connect=politeness.timeout, sock_read=politeness.timeout
    )
    headers = {"User-Agent": politeness.user_agent}
    # a context made now, so the system's trust store (and SSL_CERT_FILE) is read at run time
    connector = aiohttp.TCPConnector(limit=politeness.connections,
                                     ssl=ssl.create_default_context())  # fmt: skip
    async with aiohttp.ClientSession(
        timeout=timeout, headers=headers, connector=connector
    ) as session:
        client = Client(session, politeness)

        def look_up(item: tuple[Work, dict[str, Any]]) -> Awaitable[Found]:
            report.asked += 1
            return _look_up(Lookup(client, *item), services, registered)

        def hand_over(found: Found) -> None:
            store(found)
            report.by_status[found.status] = report.by_status.get(found.status, 0) + 1
            if found.service:
                report.by_service[found.service] = report.by_service.get(found.service, 0) + 1
            if found.status == "failed":
                report.failures.append((found.work_id, found.reason or "failed"))

        try:  # works read four per request slot ahead
            await as_finished(todo, look_up, 4 * politeness.connections, hand_over)
        finally:
            report.requests = client.requests


def fetch_fulltexts(
    todo: Iterable[tuple[Work, dict[str, Any]]],
    services: Services,
    politeness: Politeness,
    store: Callable[[Found], None],
    registered: Mapping[str, Find] | None = None,
) -> FulltextReport:
    """Look up each work's open-access full text in the services of `registered` (default:
    the registry) that have a base URL in `services`; `store` gets each outcome as it
    arrives."""
    from kg.sources.fulltext.registry import SERVICES

    report = FulltextReport()
    chosen = SERVICES if registered is None else registered
    asyncio.run(_fetch_all(todo, services, politeness, store, report, chosen))
    return report
