"""Rules extraction and context selection over real full texts: per core, and over all cores.

    .venv/bin/python bench/realcorpus.py ../shared/eval/papers 1100 /tmp/real1100.jsonl
    .venv/bin/python bench/extract_rules.py /tmp/real1100.jsonl

Prints, in one run: the single-pass text pipeline's papers per second on one core (rules
extraction, then the LLM path's context selection, on texts already parsed), and
`extract_run` over the corpus streamed from a fresh workspace with 1 worker and with one
per core, their speed-up (target >= 0.8 x cores), and whether both stored the same outcomes.
"""

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.context import select
from extract.records import Paper
from extract.rules import RulesExtractor, extract
from kg.pipeline.extract import extract_run
from kg.sources.corpus import iter_corpus
from kg.workspace import Workspace
from kg.workspace import papers as stored_papers


def per_core(papers: list[Paper]) -> None:
    for name, work in (("rules extraction", extract), ("context selection", select)):
        started = time.perf_counter()
        for paper in papers:
            work(paper.text)
        rate = len(papers) / (time.perf_counter() - started)
        print(f"{name:18} one core: {rate:7.1f} papers/s (target >= 100)")


def over_workers(corpus: Path, workers: int, folder: Path) -> tuple[float, dict[str, str]]:
    workspace = Workspace(folder)
    papers = [p for p in iter_corpus(corpus) if isinstance(p, Paper)]
    workspace.import_works([p.work for p in papers], "bench")
    workspace.import_texts([p.text for p in papers], "bench")
    ids = [p.work.id for p in papers]
    del papers
    started = time.perf_counter()
    extract_run(workspace, RulesExtractor(workers), stored_papers(workspace, ids))
    seconds = time.perf_counter() - started
    workspace.close()
    with sqlite3.connect(folder / "corpus.sqlite") as db:
        stored = dict(db.execute("SELECT work_id, record FROM extractions"))
    return seconds, stored


def main(corpus: Path) -> None:
    sample = [p for p, _ in zip(iter_corpus(corpus), range(300), strict=False)]
    per_core([p for p in sample if isinstance(p, Paper)])
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        one, first = over_workers(corpus, 1, Path(tmp) / "one")
        many, second = over_workers(corpus, cores, Path(tmp) / "many")
    n = len(first)
    print(f"extract_run, 1 worker:   {one:6.1f} s  {n / one:6.1f} papers/s")
    print(f"extract_run, {cores} workers:  {many:6.1f} s  {n / many:6.1f} papers/s")
    print(f"speed-up {one / many:.2f}x = {one / many / cores:.2f} x cores (target >= 0.8); "
          f"same outcomes: {first == second}")  # fmt: skip


if __name__ == "__main__":
    main(Path(sys.argv[1]))
