"""Full text for N works from the local stand-in services, adding LATENCY seconds a request,
at concurrency 1 and 8; then the rerun's request count.

    .venv/bin/python bench/fulltext_local.py 200 0.1

Each work is a PLOS DOI whose JATS the stand-in serves (Europe PMC is asked first and knows
none of them), so every work costs two requests. Prints requests, works with full text and
seconds per level, the speed-up of 8 over 1 (target >= 0.8 x 8), and the rerun's requests.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.records import Work
from kg.sources.fulltext import Politeness, fetch_fulltexts
from kg.workspace import Workspace
from tests.fulltext_server import FulltextServer, real_papers


def main(n: int, latency: float) -> None:
    xml = real_papers()["10.1371/journal.pone.0050698"]
    dois = [f"10.1371/journal.pone.{i:07d}" for i in range(n)]
    seconds: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp, FulltextServer(Path(tmp), latency) as web:
        os.environ["SSL_CERT_FILE"] = str(web.ca_path)
        for doi in dois:
            web.plos_xml[doi] = xml
        services = web.services()
        for level in (1, 8):
            workspace = Workspace(Path(tmp) / f"ws{level}")
            for i, doi in enumerate(dois):
                work = Work(id=f"W{i}", doi=doi, title=f"T{i}")
                workspace.import_works([work], "bench")
            before, started = len(web.log), time.perf_counter()
            politeness = Politeness(concurrency=level, rate=10_000)
            report = fetch_fulltexts(workspace.fulltext_todo(), services, politeness,
                                     workspace.store_found)  # fmt: skip
            seconds[level] = time.perf_counter() - started
            print(f"concurrency {level}: {len(web.log) - before} requests, "
                  f"{report.by_status.get('fulltext', 0)} of {n} works with full text, "
                  f"{seconds[level]:.2f} s")  # fmt: skip
            if level == 8:
                before = len(web.log)
                todo = list(workspace.fulltext_todo())
                fetch_fulltexts(todo, services, politeness, workspace.store_found)
                print(f"rerun: {len(web.log) - before} requests ({len(todo)} works to ask)")
            workspace.close()
    speedup = seconds[1] / seconds[8]
    print(f"speed-up 8 vs 1: {speedup:.2f}x = {speedup / 8:.2f} of ideal (target >= 0.80)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200,
         float(sys.argv[2]) if len(sys.argv) > 2 else 0.1)  # fmt: skip
