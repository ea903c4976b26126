"""Fetch N works (default 1,000) from the local HTTPS OpenAlex of the tests, then again.

    .venv/bin/python bench/fetch_local.py 1000

Prints requests and seconds for the first fetch and for the rerun (which must make none).
The server is local, so the time is pyalex + parsing + SQLite, not the network.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from kg.sources import openalex as fetch
from kg.workspace import Workspace
from tests.openalex_server import OpenAlexServer


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, OpenAlexServer(Path(tmp), works=n) as server:
        os.environ["REQUESTS_CA_BUNDLE"] = str(server.ca_path)
        fetch.configure(None, None, server.url)
        workspace = Workspace(Path(tmp) / "ws")
        query = fetch.search_query(["deep learning"], 2000, 2025)
        for run in ("first", "rerun"):
            before, started = len(server.log), time.perf_counter()
            report = fetch.fetch_search(workspace, query)
            seconds = time.perf_counter() - started
            print(
                f"{run:5}: {len(server.log) - before} requests, {report.stored} works stored, "
                f"{seconds:.2f} s"
            )
        workspace.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
