"""kg load into an empty Neo4j against neo4j-admin import of the same graph, in one run.

    .venv/bin/python bench/neo4j_load.py 100000

N synthetic papers (bench/synth.py) are stored in a fresh workspace with their extractions.
Then, on one real Neo4j 5.26 server (kg/stores/neo4j_server.py, 1 GB heap, 512 MB page
cache):
1. `kg load`'s build (kg.pipeline.build.build_graph, reset: the empty-graph CREATE path) is timed;
2. the same graph is written as CSV files (`kg neo4j-import`; timed apart), the server is
   stopped, `neo4j-admin database import full` (the command kg prints) is timed, and the
   server is started on the imported database.
It prints both times, both graphs' counts (which must be equal) and `ratio X.Xx`: the load's
time over the import tool's (CSV writing not counted on the import's side).
"""

import shlex
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.synth import corpus
from kg.graph.loader import counts, work_row
from kg.graph.stores.neo4j import Neo4jStore
from kg.graph.stores.neo4j_import import write_import
from kg.graph.stores.neo4j_server import Neo4jServer
from kg.pipeline.build import build_graph, paper_rows
from kg.workspace import Workspace


def main(size: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kg-neo4j-bench-") as tmp:
        folder = Path(tmp)
        workspace = Workspace(folder / "ws")
        run = workspace.run_for("synthetic", "1", {})
        for works, extractions in corpus(size):
            workspace.import_works(works, "synthetic")
            workspace.store_outcomes(run, [(e, None) for e in extractions])
        server = Neo4jServer(folder / "neo4j", heap="1g", pagecache="512m")
        server.create()
        try:
            server.start()
            print(f"Neo4j started in {server.started_in:.1f} s; {size:,} papers stored")
            with Neo4jStore(server.uri, "neo4j", server.password) as store:
                store.setup_schema()
                began = time.perf_counter()
                build_graph(store, workspace, run, "bench", reset=True)
                load_s = time.perf_counter() - began
                loaded = counts(store)
            began = time.perf_counter()
            command = write_import(
                lambda: ((work_row(w), row) for w, row in paper_rows(workspace, run, None, None)),
                folder / "csv",
            )
            csv_s = time.perf_counter() - began
            server.stop()
            began = time.perf_counter()
            server.admin(*shlex.split(command)[1:], heap="1g")
            import_s = time.perf_counter() - began
            server.start()
            with Neo4jStore(server.uri, "neo4j", server.password) as store:
                store.setup_schema()
                imported = counts(store)
        finally:
            server.stop()
            workspace.close()
    print(f"kg load into empty Neo4j: {load_s:.1f} s  {loaded}")
    print(f"neo4j-admin import:       {import_s:.1f} s  {imported}  (CSV files: {csv_s:.1f} s)")
    print("counts equal" if loaded == imported else "COUNTS DIFFER")
    print(f"ratio {load_s / import_s:.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
