"""Loader and query benchmarks on the embedded store, with synthetic corpora.

    .venv/bin/python bench/load.py compare 2000           # batched vs row-by-row MERGE
    .venv/bin/python bench/load.py scale 100000 1000000   # load + every query module
    .venv/bin/python bench/load.py bulk 100000            # our GRAPH.BULK vs falkordb-bulk-insert

`compare` loads the same papers into the same (emptied) store twice: once in UNWIND batches
of 1,000, once one MERGE statement per record (the loader with batch size 1), and prints the
speed-up. `scale` loads each size into an emptied store, then runs every query module with
its defaults, and prints times, relationships loaded per second, the growth ratios, and
peak memory (this process, and the redis-server holding the graph). `bulk` builds the same
graph three ways on one server: our fresh build from records (kg.graph.stores.falkor_bulk),
FalkorDB's own `falkordb-bulk-insert` from CSV files of the same nodes and relationships
(written from the schema beforehand, not timed; needs `pip install falkordb-bulk-loader`), and
the MERGE loader; it checks the three give the same counts and prints `ratio X.Xx` (ours /
theirs).
"""

import csv
import resource
import sys
import tempfile
import time
from itertools import batched
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.synth import corpus
from kg.graph.loader import (
    EXTRACTIONS_CYPHER,
    WORKS_CYPHER,
    counts,
    extraction_row,
    load_extractions,
    load_works,
    work_row,
)
from kg.graph.schema import SCHEMA, PaperRows, edges_of, end_nodes, paper_node
from kg.graph.stores.falkor import FalkorStore, _header
from kg.questions import queries

RELATIONSHIPS = SCHEMA.relationship_types


def load(store: FalkorStore, size: int, batch_size: int) -> float:
    started = time.perf_counter()
    for works, extractions in corpus(size):
        load_works(store, works, batch_size=batch_size)
        load_extractions(store, extractions, batch_size=batch_size)
    return time.perf_counter() - started


def generation_time(size: int) -> float:
    started = time.perf_counter()
    for _ in corpus(size):
        pass
    return time.perf_counter() - started


def parameter_time(size: int) -> float:
    """Seconds the batched load spends building its parameters (rows, then the CYPHER header
    the embedded store sends), generation included; the caller subtracts generation."""
    started = time.perf_counter()
    for works, extractions in corpus(size):
        for rows in (map(work_row, works), map(extraction_row, extractions)):
            for batch in batched(rows, 1000):
                _header({"rows": list(batch)})
    return time.perf_counter() - started


def compare(size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, FalkorStore(Path(tmp)) as store:
        records = generation_time(size)  # subtracted: we time the store, not the generator
        store.reset()
        batched = load(store, size, batch_size=1000) - records
        first = counts(store)
        store.reset()
        row_by_row = load(store, size, batch_size=1) - records
        assert counts(store) == first, "both loads must build the same graph"
        parameters = parameter_time(size) - records
    print(f"{size:,} papers, {sum(first[r] for r in RELATIONSHIPS):,} relationships")
    print(f"batched (UNWIND 1,000): {batched:8.2f} s")
    print(f"row by row (MERGE 1):   {row_by_row:8.2f} s")
    print(f"speed-up: {row_by_row / batched:.1f}x (target >= 30x)")
    per_statement = 1000 * row_by_row / (2 * size)
    share = parameters / batched
    print(f"row by row: {per_statement:.2f} ms per statement; batched: {share:.0%} of its "
          "time builds parameters, the rest is the store")  # fmt: skip


def scale(sizes: list[int]) -> None:
    results = []
    with tempfile.TemporaryDirectory() as tmp, FalkorStore(Path(tmp)) as store:
        for size in sizes:
            store.reset()
            records = generation_time(size)
            seconds = load(store, size, batch_size=1000) - records
            found = counts(store)
            rels = sum(found[r] for r in RELATIONSHIPS)
            started = time.perf_counter()
            for name in queries.modules():
                queries.run(store, name)
            query_seconds = time.perf_counter() - started
            memory = store._db.connection.info("memory")  # the redis-server's own figures
            results.append((size, seconds, query_seconds, rels))
            peak = memory["used_memory_peak_human"]
            print(f"{size:>9,} papers: load {seconds:8.1f} s ({rels / seconds:,.0f} rels/s, "
                  f"{rels:,} rels, {found['Paper']:,} papers), all {len(queries.modules())} "
                  f"queries {query_seconds:6.2f} s, redis peak {peak}")  # fmt: skip
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak_mb:,.0f} MB")
    (small, load_s, query_s, _), (large, load_l, query_l, _) = results[0], results[-1]
    factor = large / small
    print(f"{factor:.0f}x the papers: load took {load_l / load_s:.1f}x, queries "
          f"{query_l / query_s:.1f}x, together {(load_l + query_l) / (load_s + query_s):.1f}x "
          f"(target <= 11x)")  # fmt: skip


def _csvs(folder: Path, pairs: list[PaperRows]) -> list[str]:
    """The graph of `pairs` as the bulk loader's CSV files, from the schema; returns its
    arguments. falkordb-bulk-insert's keys share one space: each is prefixed by its label."""
    nodes = end_nodes(SCHEMA, pairs).by_label
    paper = SCHEMA.node(SCHEMA.paper)
    nodes[paper.label] = {work["id"]: paper_node(SCHEMA, work, outcome) for work, outcome in pairs}
    end_key = {rel.type: SCHEMA.node(rel.end).key for rel in SCHEMA.relationships}
    rels: dict[str, list[tuple[Any, Any, dict[str, Any]]]] = {t: [] for t in RELATIONSHIPS}
    for work, outcome in pairs:
        for rel, start, edge in edges_of(SCHEMA, work, outcome):
            ends = (f"{rel.start}/{start}", f"{rel.end}/{edge['end'][end_key[rel.type]]}")
            rels[rel.type].append((*ends, edge["props"]))
    args: list[str] = []
    cell = lambda v: "" if v is None else str(v).lower() if isinstance(v, bool) else v  # noqa: E731
    for node in SCHEMA.nodes:
        path, names = folder / f"{node.label}.csv", tuple(node.properties)
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["_key", *names])  # "_" first: the key is not a property
            writer.writerows([f"{node.label}/{key}", *(cell(row.get(n)) for n in names)]
                             for key, row in nodes.get(node.label, {}).items())  # fmt: skip
        args += ["-N", node.label, str(path)]
    for rel in SCHEMA.relationships:
        path, names = folder / f"{rel.type}.csv", tuple(rel.properties)
        with path.open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["_src", "_dst", *names])
            writer.writerows([a, b, *(cell(props.get(n)) for n in names)]
                             for a, b, props in rels[rel.type])  # fmt: skip
        args += ["-R", rel.type, str(path)]
    return args


class _Graph:
    """Another graph on the same server, enough of a store for `counts`."""

    def __init__(self, graph: Any) -> None:
        self.graph = graph

    def run(self, cypher: str, parameters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        result = self.graph.query(cypher, parameters)
        columns = [name for _, name in result.header]
        return [dict(zip(columns, row, strict=True)) for row in result.result_set]


def bulk(size: int) -> None:
    from falkordb_bulk_loader.bulk_insert import bulk_insert

    pairs = [(work_row(w), extraction_row(e)) for works, extractions in corpus(size)
             for w, e in zip(works, extractions, strict=True)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, FalkorStore(Path(tmp)) as store:
        server = f"unix://{store._server.socket}"
        args = _csvs(Path(tmp), pairs)
        started = time.perf_counter()
        store.load_fresh(lambda: iter(pairs))
        ours = time.perf_counter() - started
        ours_counts = counts(store)
        started = time.perf_counter()
        bulk_insert.main(["theirs", "--server-url", server, *args], standalone_mode=False)
        theirs = time.perf_counter() - started
        their_counts = counts(_Graph(store._db.select_graph("theirs")))  # type: ignore[arg-type]
        store.reset()
        for chunk in batched(pairs, 1000):
            store.run(WORKS_CYPHER, {"rows": [w for w, _ in chunk]})
            store.run(EXTRACTIONS_CYPHER, {"rows": [o for _, o in chunk]})
        merge_counts = counts(store)
    rels = sum(ours_counts[r] for r in RELATIONSHIPS)
    nodes = sum(n for name, n in ours_counts.items() if name not in RELATIONSHIPS)
    print(f"{size:,} papers, {nodes:,} nodes, {rels:,} relationships")
    print(f"ours (GRAPH.BULK from records): {ours:7.2f} s  {rels / ours:10,.0f} rels/s")
    print(f"falkordb-bulk-insert (CSV):     {theirs:7.2f} s  {rels / theirs:10,.0f} rels/s")
    print(f"same counts: ours = theirs: {ours_counts == their_counts}, "
          f"ours = MERGE: {ours_counts == merge_counts}")  # fmt: skip
    print(f"ratio {ours / theirs:.2f}x (ours / theirs; target <= 1.75)")


if __name__ == "__main__":
    command, *numbers = sys.argv[1:] or ["compare", "2000"]
    if command == "compare":
        compare(int(numbers[0]) if numbers else 2000)
    elif command == "bulk":
        bulk(int(numbers[0]) if numbers else 100_000)
    else:
        scale([int(n) for n in numbers] or [100_000, 1_000_000])
