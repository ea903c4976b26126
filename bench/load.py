"""Loader and query benchmarks on the embedded store, with synthetic corpora.

    .venv/bin/python bench/load.py compare 2000           # batched vs row-by-row MERGE
    .venv/bin/python bench/load.py scale 100000 1000000   # load + every query module

`compare` loads the same papers into the same (emptied) store twice: once in UNWIND batches
of 1,000, once one MERGE statement per record (the loader with batch size 1), and prints the
speed-up. `scale` loads each size into an emptied store, then runs every query module with
its defaults, and prints times, relationships loaded per second, the growth ratios, and
peak memory (this process, and the redis-server holding the graph).
"""

import resource
import sys
import tempfile
import time
from itertools import batched
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.synth import corpus
from kg import queries
from kg.loader import counts, extraction_row, load_extractions, load_works, work_row
from kg.stores.falkor import FalkorStore, _header

RELATIONSHIPS = ("IN_FIELD", "REUSES", "APPLIES", "IMPACTS")


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


if __name__ == "__main__":
    command, *numbers = sys.argv[1:] or ["compare", "2000"]
    if command == "compare":
        compare(int(numbers[0]) if numbers else 2000)
    else:
        scale([int(n) for n in numbers] or [100_000, 1_000_000])
