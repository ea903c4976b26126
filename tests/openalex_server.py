"""A local OpenAlex over HTTPS for the tests: synthetic works, cursor paging, the doi filter,
singletons by DOI, scripted faults, and a log of every request it saw.

It charges per call as OpenAlex documents (singleton free, list/filter $0.0001, search
$0.001; tests/data/recorded/openalex.json holds a recorded exchange) and sends the
X-RateLimit-*-USD headers on every answer. With `budget` set, the day's budget runs out:
past it every call is a 429 with nothing remaining, until `budget` is raised again.
`hostile` replaces the whole answer to paths containing a marker (endless bodies, drips,
redirects).

It speaks HTTPS because pyalex mounts its retry adapter for https:// only; a certificate from
a throwaway CA (trustme) is trusted through REQUESTS_CA_BUNDLE, so pyalex's own retries run.
"""

import json
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import trustme

FIELDS = [(13, "Biochemistry, Genetics and Molecular Biology", "Life Sciences"),
          (17, "Computer Science", "Physical Sciences"),
          (31, "Physics and Astronomy", "Physical Sciences"),
          (33, "Social Sciences", "Social Sciences")]  # fmt: skip


def synthetic_work(i: int) -> dict[str, Any]:
    """Work i: field cycles through FIELDS, every fifth is uncited."""
    field_id, name, domain = FIELDS[i % len(FIELDS)]
    topic = {
        "id": f"https://openalex.org/T{i}",
        "score": 0.99,
        "field": {"id": f"https://openalex.org/fields/{field_id}", "display_name": name},
        "domain": {"id": "https://openalex.org/domains/1", "display_name": domain},
    }
    return {
        "id": f"https://openalex.org/W{100000 + i}",
        "doi": f"https://doi.org/10.9999/test.{i}",
        "title": f"Synthetic work {i} on deep learning",
        "publication_year": 2015 + i % 10,
        "cited_by_count": i % 5,
        "open_access": {"is_oa": True},
        "primary_location": {"source": {"display_name": "Journal of Tests"}},
        "topics": [topic],
        "abstract_inverted_index": {"We": [0], "fine-tuned": [1], "ESM-2": [2], "here.": [3]},
    }


class OpenAlexServer:
    def __init__(
        self,
        tmp: Path,
        works: int = 450,
        delay: float = 0.0,
        extra: list[dict[str, Any]] | None = None,
    ) -> None:
        self.delay = delay
        self.works = [synthetic_work(i) for i in range(works)] + list(extra or [])
        self.by_doi = {w["doi"].removeprefix("https://doi.org/"): w for w in self.works}
        self.log: list[str] = []
        self.faults: list[int] = []  # statuses to answer, in order, before serving again
        self.mangle: Callable[[dict[str, Any]], dict[str, Any]] = lambda page: page
        self.budget: float | None = None  # USD a day; None: unlimited, nothing charged
        self.spent = 0.0
        self.charged: list[tuple[str, float]] = []  # (path, cost) of every call served
        self.keys: list[str | None] = []  # the Authorization header of every request
        self.hostile: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}  # marker: answer
        ca = trustme.CA()
        self.ca_path = tmp / "test-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "OpenAlexServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def price(self, path: str) -> float:
        """What OpenAlex charges for this call, from its documented prices."""
        parts = urlsplit(path)
        if "search=" in parts.query:
            return 1.0 / 1000
        return 0.0 if parts.path.startswith("/works/") else 0.10 / 1000

    def rate_headers(self, cost: float) -> dict[str, str]:
        limit = self.budget if self.budget is not None else 1.0
        left = max(0.0, limit - self.spent)
        return {"X-RateLimit-Limit-USD": f"{limit:.4f}", "X-RateLimit-Remaining-USD": f"{left:.4f}",
                "X-RateLimit-Cost-USD": f"{cost:.4f}", "X-RateLimit-Prepaid-Remaining-USD": "0",
                "X-RateLimit-Reset": "3600"}  # fmt: skip

    def charge(self, path: str) -> tuple[int, dict[str, str]] | None:
        """Charge the call; a 429 with its headers when the budget cannot pay for it."""
        cost = self.price(path)
        if self.budget is not None and self.spent + cost > self.budget + 1e-12:
            self.spent = self.budget
            return 429, self.rate_headers(0.0)
        self.spent += cost
        self.charged.append((path, cost))
        return None

    def answer(self, path: str) -> tuple[int, dict[str, Any]]:
        time.sleep(self.delay)
        self.log.append(path)
        if self.faults:
            return self.faults.pop(0), {"error": "scripted fault"}
        parts = urlsplit(path)
        if parts.path.startswith("/works/"):  # a singleton: /works/doi:10.1234/foo, quoted
            key = unquote(parts.path.removeprefix("/works/")).removeprefix("doi:")
            work = self.by_doi.get(key.removeprefix("https://doi.org/").lower())
            return (200, work) if work else (404, {"error": "Not found", "message": key})
        query = parse_qs(parts.query)
        per_page = int(query.get("per-page", ["25"])[0])
        filters = unquote(query.get("filter", [""])[0])
        if filters.startswith("doi:"):
            dois = filters.removeprefix("doi:").split("|")
            found = [self.by_doi[d] for d in dois if d in self.by_doi]
            return 200, {"meta": {"count": len(found), "per_page": per_page}, "results": found}
        cursor = query.get("cursor", ["*"])[0]
        start = 0 if cursor == "*" else int(cursor.removeprefix("c"))
        page = self.works[start : start + per_page]
        end = start + len(page)
        next_cursor = f"c{end}" if end < len(self.works) else None
        meta = {"count": len(self.works), "per_page": per_page, "next_cursor": next_cursor}
        return 200, self.mangle({"meta": meta, "results": page})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.keys.append(self.headers.get("Authorization"))
                for marker, hostile in server.hostile.items():
                    if marker in self.path:
                        server.log.append(self.path)
                        hostile(self)
                        return
                refused = server.charge(self.path)
                if refused is not None:
                    server.log.append(self.path)
                    status, headers = refused
                    body: dict[str, Any] = {"error": "Rate limit exceeded",
                                            "message": "Daily budget exhausted"}  # fmt: skip
                else:
                    status, body = server.answer(self.path)
                    headers = server.rate_headers(server.charged[-1][1])
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                if status == 429 and refused is None:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
