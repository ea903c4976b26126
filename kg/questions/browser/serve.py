"""Serve the ptm-kg guide (kg/questions/browser/guide.py) on loopback for Neo4j Browser's
`:guide URL`: a folder holding the page, served with `Access-Control-Allow-Origin: *`
(Browser fetches a guide cross-origin, with no-cache request headers, so a preflight OPTIONS
comes first) and no caching (the page is written when its server starts).

`make neo4j` starts one in the background beside its Neo4j (`python -m
kg.questions.browser.serve FOLDER PORT`); `kg browser --serve` runs one in the foreground
for a Neo4j that runs elsewhere (docker compose).
"""

import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from kg.questions.browser.guide import GUIDE_FILE, guide_html

HOST = "127.0.0.1"


class _Handler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_OPTIONS(self) -> None:  # the preflight of Browser's no-cache headers
        self.send_response(204)
        self.send_header("Access-Control-Allow-Methods", "GET")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: Browser polls nothing
        pass


def write_guide(folder: Path) -> Path:
    """The guide page in `folder`, from the modules as they are now."""
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / GUIDE_FILE
    page.write_text(guide_html(), encoding="utf-8")
    return page


def guide_server(folder: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server of `folder` on loopback (port 0: a free one); call serve_forever()."""
    return ThreadingHTTPServer((HOST, port), partial(_Handler, directory=str(folder)))


def guide_url(server: ThreadingHTTPServer) -> str:
    return f"http://{HOST}:{server.server_address[1]}/{GUIDE_FILE}"


if __name__ == "__main__":
    where, port = Path(sys.argv[1]), int(sys.argv[2])
    write_guide(where)
    guide_server(where, port).serve_forever()
