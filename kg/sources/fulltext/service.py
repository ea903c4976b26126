"""What every full-text service module provides, and what it is handed for one work.

A service is one async function, `find(lookup, base)`: given one work (`lookup.work`, its
raw OpenAlex record `lookup.raw`) and the service's base URL, it returns the work's full
text as a `Found`, or None when this service does not have it. It fetches through
`lookup.client` (polite, bounded) and `lookup.fetch_xml`, which turns a JATS reply into the
work's text or a `Failed` saying why it is not. A service that learns the work is not open
access sets `lookup.not_oa`. Register it in kg/sources/fulltext/registry.py.
"""

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from extract.errors import InputRejected
from extract.parse_fulltext import full_text_of, parse_xml
from extract.records import PaperText, Work
from kg.sources.fulltext.client import Client, Failed, Reply

Status = Literal["fulltext", "not_oa", "not_found", "failed"]


@dataclass(frozen=True)
class Found:
    """What the web had for one work; `service` names the service that found its text."""

    work_id: str
    status: Status
    service: str | None = None
    url: str | None = None
    http_status: int | None = None
    reason: str | None = None
    xml: bytes | None = None
    text: PaperText | None = None
    license: str | None = None  # as the service states it (PMC: license_code)
    retracted: bool = False  # the service marks the paper retracted; it is kept, marked
    packed: bytes | None = None  # the XML already zlib-compressed (by a bulk reader's worker)

    def compressed(self) -> bytes | None:
        if self.packed is not None:
            return self.packed
        return zlib.compress(self.xml) if self.xml is not None else None


def _as_text(reply: Reply, work: Work) -> PaperText:
    """The reply's JATS as this work's full text, or InputRejected saying why it is not."""
    if not reply.body.strip():
        raise InputRejected("empty body")
    return full_text_of(parse_xml(reply.body, work.id), work.doi)


class Lookup:
    """One work's lookup, handed to each service in turn."""

    def __init__(self, client: Client, work: Work, raw: dict[str, Any]) -> None:
        self.client, self.work, self.raw = client, work, raw
        self.not_oa = False

    async def fetch_xml(
        self, service: str, url: str, allowed: frozenset[str] | None = None
    ) -> Found | None:
        """The JATS at `url` as this work's full text found by `service`; None on 404/410."""
        reply = await self.client.get(url, allowed)
        if reply.status in (404, 410):
            return None
        if reply.status != 200:
            raise Failed(f"{url}: HTTP {reply.status}")
        try:  # parsed off the event loop: lxml releases the GIL, requests keep flowing
            text = await asyncio.to_thread(_as_text, reply, self.work)
        except InputRejected as error:
            raise Failed(f"{url}: {error}") from None
        return Found(self.work.id, "fulltext", service, reply.url, reply.status, None,
                     reply.body, text)  # fmt: skip


Find = Callable[[Lookup, str], Awaitable[Found | None]]
