"""Hostile answers for the local stand-ins: each takes the request handler and answers the
request itself. Endless bodies, drips, bombs and redirects, with sizes kept small so each
test takes seconds."""

import contextlib
import gzip
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

Hostile = Callable[[BaseHTTPRequestHandler], None]


def _start(handler: BaseHTTPRequestHandler, status: int = 200, **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()


def endless(
    head: bytes = b"<article><body>", chunk: bytes = b"<p>" + b"x" * 65536 + b"</p>"
) -> Hostile:
    """A chunked body that never ends (until the client hangs up)."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        handler.protocol_version = "HTTP/1.1"
        _start(handler, Content_Type="application/xml", Transfer_Encoding="chunked")
        try:
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
            while True:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            handler.close_connection = True

    return answer


def drip(every: float = 1.0, length: int = 10_000) -> Hostile:
    """A body promised whole, sent one byte every `every` seconds."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        _start(handler, Content_Type="application/json", Content_Length=str(length))
        try:
            for _ in range(length):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            handler.close_connection = True

    return answer


def drip_headers(every: float = 0.5, count: int = 1000) -> Hostile:
    """A status line, then headers one byte every `every` seconds: never a body."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for n in range(count):
                handler.wfile.write(b"X-Slow-%d: 1\r\n" % n)
                handler.wfile.flush()
                time.sleep(every)
        except OSError:
            handler.close_connection = True

    return answer


def declared(length: int) -> Hostile:
    """A Content-Length far over any limit, and a few bytes."""

    def answer(handler: BaseHTTPRequestHandler) -> None:
        _start(handler, Content_Type="application/xml", Content_Length=str(length))
        with contextlib.suppress(OSError):
            handler.wfile.write(b"<article>")
        handler.close_connection = True

    return answer


def gzip_bomb(expanded: int) -> Hostile:
    """A small gzip Content-Encoding body that expands to `expanded` bytes."""
    body = gzip.compress(b"<article><body><p>" + b"0" * expanded, compresslevel=9)

    def answer(handler: BaseHTTPRequestHandler) -> None:
        _start(handler, Content_Type="application/xml", Content_Encoding="gzip",
               Content_Length=str(len(body)))  # fmt: skip
        handler.wfile.write(body)

    return answer


def redirect(location: str) -> Hostile:
    def answer(handler: BaseHTTPRequestHandler) -> None:
        _start(handler, 302, Location=location, Content_Length="0")

    return answer
