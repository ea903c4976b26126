"""Full text at bulk speed, against local stand-ins, in one run:

    .venv/bin/python bench/bulk.py [WORKS] [LATENCY] [ARTICLES] [SNAPSHOT_WORKS]
    (defaults: 600 works, 0.05 s a request, 10,000 articles, 1,000,000 works)

1. `bucket ratio`: papers a second from the PMC Cloud bucket stand-in (ListObjectsV2 listing,
   metadata JSON, JATS: three GETs a paper) at the default KG_PMC_CONCURRENCY, against the
   polite per-article API path (Europe PMC's fullTextXML for a known PMCID: one GET a paper
   at KG_FULLTEXT_RATE a second), both served with LATENCY seconds added to every request.
   The API path is timed on a fifth of the works (it is slow by design).
2. `dumps`: papers a second reading ARTICLES real JATS articles (a 75 KB PLOS paper with its
   DOI changed) from Europe PMC-style xml.gz dumps of 1,000 articles, parsed by a process
   pool of one worker per core, stored in the workspace.
3. `snapshot`: seconds to select works from a synthetic OpenAlex snapshot of SNAPSHOT_WORKS
   works (gzip JSON Lines, 8 parts; one in 20 has "deep learning" in its title), with the
   peak memory of the selecting process.
"""

import gzip
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.parse_openalex import STUDY_TERMS, StudyFilter
from extract.records import Work
from kg.sources.bounded import host_of
from kg.sources.bulk.read import read_packages
from kg.sources.fulltext import Politeness, fetch_fulltexts
from kg.sources.snapshot import Selection, select_works
from kg.workspace import Workspace
from tests.bulk_files import snapshot_work
from tests.fulltext_server import FulltextServer, real_papers

PAPER_DOI = "10.1371/journal.pone.0000217"


def _papers_per_second(web: FulltextServer, services: dict[str, str], politeness: Politeness,
                       works: list[tuple[Work, dict[str, Any]]]) -> tuple[float, int]:  # fmt: skip
    found: list[Any] = []
    started = time.perf_counter()
    fetch_fulltexts(works, services, politeness, found.append)
    seconds = time.perf_counter() - started
    full = sum(f.status == "fulltext" for f in found)
    assert full == len(works), [f.reason for f in found if f.status != "fulltext"][:3]
    return full / seconds, full


def bucket_ratio(n: int, latency: float, tmp: Path) -> None:
    xml = real_papers()[PAPER_DOI]
    web = FulltextServer(tmp, latency, keep_alive=True)
    os.environ["SSL_CERT_FILE"] = str(web.ca_path)
    works = []
    for i in range(n):
        pmcid = f"PMC{9_000_000 + i}"
        web.add_pmc(pmcid, xml, PAPER_DOI, versions=1)
        web.epmc_xml[pmcid] = xml
        works.append((Work(id=f"W{i}", doi=PAPER_DOI, title=f"T{i}"), {"ids": {"pmcid": pmcid}}))
    # the stand-in serves from its own process, as a remote service would: its TLS and HTTP
    # work does not share this process's GIL with the client being measured
    server = multiprocessing.get_context("fork").Process(target=web._server.serve_forever,
                                                          daemon=True)  # fmt: skip
    server.start()
    try:
        polite = Politeness()  # the settings' defaults: 8 in flight, 5 a second per host
        api_rate, api_n = _papers_per_second(web, {"europepmc": f"{web.url}/epmc"}, polite,
                                             works[: max(1, n // 5)])  # fmt: skip
        bucket = Politeness(bulk_hosts=frozenset({host_of(web.url)}))  # 32 in flight, no rate
        bucket_rate, bucket_n = _papers_per_second(web, {"pmc": f"{web.url}/pmc"}, bucket, works)
    finally:
        server.terminate()
        server.join()
        web._server.server_close()
    print(f"API path: {api_n} papers at {api_rate:.1f} papers/s; bucket: {bucket_n} papers at "
          f"{bucket_rate:.1f} papers/s ({latency * 1000:.0f} ms a request)")  # fmt: skip
    print(f"bucket ratio {bucket_rate / api_rate:.1f}x")


def dumps(articles: int, tmp: Path) -> None:
    xml = real_papers()[PAPER_DOI]
    article = xml[xml.index(b"<article ") :]
    folder = tmp / "dumps"
    folder.mkdir()
    works = []
    per_file = 1000
    for start in range(0, articles, per_file):
        name = f"PMC{start}_PMC{start + per_file - 1}.xml.gz"
        with gzip.open(folder / name, "wb", compresslevel=6) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<article-set>\n')
            for i in range(start, min(articles, start + per_file)):
                doi = f"10.5555/dump.{i}"
                out.write(article.replace(PAPER_DOI.encode(), doi.encode()) + b"\n")
                works.append(Work(id=f"W{i}", doi=doi, title=f"T{i}"))
            out.write(b"</article-set>\n")
    workspace = Workspace(tmp / "ws-dumps")
    workspace.import_works(works, "bench")
    workers = os.cpu_count() or 1
    before = os.times()
    started = time.perf_counter()
    report = read_packages(workspace, [folder], 50_000_000, workers)
    seconds = time.perf_counter() - started
    after = os.times()
    workspace.close()
    assert report.stored == articles, report.failures[:3]
    own = after.user + after.system - before.user - before.system
    children = (after.children_user + after.children_system - before.children_user
                - before.children_system)  # fmt: skip
    print(f"{articles} articles from {report.packages} xml.gz dumps, {workers} workers: "
          f"{seconds:.1f} s, {report.stored} stored; CPU {own:.1f} s storing, {children:.1f} s "
          f"in the workers ({(own + children) / articles * 1000:.1f} ms a paper; the "
          f"machine's other load: {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"dumps {articles / seconds:.0f} papers/s")


def write_snapshot(root: Path, n: int, parts: int = 8) -> None:
    folder = root / "data" / "jsonl" / "works" / "updated_date=2026-06-01"
    folder.mkdir(parents=True)
    template = snapshot_work(0, "10.1/x")
    with ExitStack() as stack:
        outs = [stack.enter_context(gzip.open(folder / f"part_{p:04d}.gz", "wt", compresslevel=1))
                for p in range(parts)]  # fmt: skip
        for i in range(n):
            work = dict(template)
            work["id"] = f"https://openalex.org/W{10_000_000 + i}"
            work["ids"] = {"openalex": work["id"], "doi": f"https://doi.org/10.5555/snap.{i}"}
            work["doi"] = f"https://doi.org/10.5555/snap.{i}"
            work["title"] = (f"Deep learning for proteins {i}" if i % 20 == 0
                             else f"Protein folding kinetics {i}")  # fmt: skip
            work["publication_year"] = 2000 + i % 30
            outs[i % parts].write(json.dumps(work) + "\n")


def select(snapshot: Path, ws: Path) -> None:
    """In a child process: the selection alone, so its peak memory is its own."""
    workspace = Workspace(ws)
    started = time.perf_counter()
    report = select_works(workspace, snapshot, Selection(STUDY_TERMS, (2000, 2025), StudyFilter()))
    seconds = time.perf_counter() - started
    workspace.close()
    print(json.dumps({"seconds": seconds, "stored": report.stored}))


def snapshot(n: int, tmp: Path) -> None:
    root = tmp / "openalex"
    write_snapshot(root, n)
    child = subprocess.run([sys.executable, __file__, "select", str(root), str(tmp / "ws-snap")],
                           capture_output=True, text=True, check=True)  # fmt: skip
    result = json.loads(child.stdout.strip().splitlines()[-1])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB
    print(f"snapshot: {n:,} works, {result['stored']:,} selected")
    label = f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n:,}"
    print(f"snapshot {label} works in {result['seconds']:.0f} s (peak {peak:.0f} MB)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["select"]:
        select(Path(sys.argv[2]), Path(sys.argv[3]))
        sys.exit()
    args = [float(a) for a in sys.argv[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        bucket_ratio(int(args[0]) if args else 600, args[1] if len(args) > 1 else 0.05,
                     Path(tmp))  # fmt: skip
        dumps(int(args[2]) if len(args) > 2 else 10_000, Path(tmp))
        snapshot(int(args[3]) if len(args) > 3 else 1_000_000, Path(tmp))
