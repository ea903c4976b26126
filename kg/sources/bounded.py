"""Bounded reads from the network: a size limit per response, a deadline per request, and
URLs that stay where they were meant to go.

Every body we download comes from a server we do not control. These helpers make sure that
what such a server sends cannot grow a fetch without bound, stall it forever, or steer its
next request somewhere else:

- `Limits.max_bytes`: the largest body we accept. A Content-Length above it is refused
  before a byte is read; the bytes are counted again while streaming (after any
  Content-Encoding is undone, so a compressed bomb is stopped too), and the read stops at
  the limit.
- `Limits.deadline`: seconds for the whole request, beside the connect and read timeouts
  (which only bound the wait for each packet: a server dripping one byte a second never
  trips them).
- `url_under`: a URL built from parts that came from remote data (a DOI, a PMCID) is
  percent-encoded and must stay under the configured base path after dot segments are
  resolved, as the server would resolve them.
- `redirect_target`: a redirect is followed only to http(s) on an allowed host.

Each violation is `Refused`: a request that will fail the same way if sent again, so it is
never retried, and the caller records the work as failed with the reason.
"""

import time
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

CHUNK = 64 * 1024


class Refused(Exception):
    """A response or URL we will not use; sending the request again would not help."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50_000_000  # a paper's JATS is rarely over 5 MB
    deadline: float = 120.0  # seconds for one request, from sending it to its last byte

    def check_length(self, header: str | None, url: str) -> None:
        """Refuse a body the server says is larger than the limit, before reading it."""
        if header and header.strip().isdigit() and int(header) > self.max_bytes:
            raise Refused(f"{url}: the body is {int(header):,} bytes, over the limit of "
                          f"{self.max_bytes:,}")  # fmt: skip

    def too_large(self, url: str) -> Refused:
        return Refused(f"{url}: the body passed the limit of {self.max_bytes:,} bytes; "
                       "the rest was not read")  # fmt: skip

    def too_slow(self, url: str) -> Refused:
        return Refused(f"{url}: no complete answer within the deadline of {self.deadline:g} s")


class _Readable(Protocol):
    def read1(self, amt: int = -1, decode_content: bool | None = None) -> bytes: ...


def read_capped(raw: _Readable, limits: Limits, url: str, started: float) -> bytes:
    """A streamed body (urllib3's raw response), read until its end, the size limit or the
    deadline. Each read waits at most the read timeout, so the deadline holds within one
    read timeout."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() - started > limits.deadline:
            raise limits.too_slow(url)
        chunk = raw.read1(CHUNK, decode_content=True)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise limits.too_large(url)
        chunks.append(chunk)


def quote_part(value: str) -> str:
    """A value from remote data as URL path segments: `/` kept (DOIs hold it), everything
    else that has a meaning in a URL (`?`, `#`, `%`, `"`, spaces) percent-encoded."""
    return quote(value, safe="/")


def url_under(base: str, path: str, query: str = "") -> str:
    """`base` + `/path` (+ `?query`), where path is already percent-encoded. A path with a
    `.` or `..` segment is refused: the server would resolve it, and it could leave the
    base's path."""
    parts = urlsplit(base.rstrip("/"))
    if any(segment in (".", "..") for segment in path.split("/")):
        raise Refused(f"{path!r} would leave {base} (it has a dot segment)")
    joined = f"{parts.path}/{path.lstrip('/')}"
    return urlunsplit((parts.scheme, parts.netloc, joined, query, ""))


def redirect_target(current: str, location: str, allowed_hosts: frozenset[str]) -> str:
    """Where a redirect points, if it is http(s) on an allowed host (host:port as written)."""
    target = urljoin(current, location)
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https"):
        raise Refused(f"{current}: redirected to a {parts.scheme or 'schemeless'}: URL, "
                      "which is never followed")  # fmt: skip
    if parts.netloc.lower() not in allowed_hosts:
        raise Refused(f"{current}: redirected to another host ({parts.netloc}), which is "
                      "never followed")  # fmt: skip
    return target


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()
