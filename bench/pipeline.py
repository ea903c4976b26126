"""End to end: N synthetic papers of realistic length, from a JSONL file to the graph.

    .venv/bin/python bench/pipeline.py 10000

Each paper is ~30,000 characters: 40 paragraphs drawn at random from the real open-access
papers of tests/data/oa (so sentences, lengths and vocabulary are real), sectioned like a
paper, with one in three naming a model in its methods ("We fine-tuned ResNet-50 ...").
Then the stages a user runs, each a `kg` command in its own process on a fresh workspace:
`kg extract FILE --extractor rules` (check, keep in the workspace, extract over all cores),
`kg load FILE` (a fresh graph: GRAPH.BULK), `kg stats`. Prints each stage's wall time and
peak memory (its own process; the extraction workers are reported apart).
"""

import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.parse_fulltext import parse_xml

DATA = Path(__file__).parents[1] / "tests" / "data" / "oa"
KG = str(Path(sys.executable).parent / "kg")
MODELS = ["ResNet-50", "U-Net", "ESM-2", "YOLOv8", "BERT", "AlphaFold2", "Cellpose", "ViT"]
HEADINGS = ["Introduction", "Methods", "Results", "Discussion"]


def paragraphs() -> list[str]:
    found = []
    for path in sorted(DATA.glob("*.*xml")):
        text = parse_xml(path.read_bytes()).text
        found += [p for s in text.sections for p in s.paragraphs if len(p) > 200]
    return found


def write_corpus(path: Path, n: int) -> None:
    pool, rng = paragraphs(), random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            drawn = rng.sample(pool, 40)
            sections = [{"heading": h, "paragraphs": drawn[k * 10 : (k + 1) * 10]}
                        for k, h in enumerate(HEADINGS)]  # fmt: skip
            if i % 3 == 0:
                model = rng.choice(MODELS)
                sections[1]["paragraphs"].append(f"We fine-tuned {model} on our images.")
            field = {"id": 13, "name": "Biochemistry, Genetics and Molecular Biology",
                     "domain": "Life Sciences", "rank": 0}  # fmt: skip
            work = {"id": f"W{i + 1}", "title": f"Paper {i + 1}", "year": 2015 + i % 11,
                    "fields": [field]}  # fmt: skip
            text = {"work_id": f"W{i + 1}", "title": f"Paper {i + 1}", "sections": sections}
            out.write(json.dumps({"work": work, "text": text}) + "\n")


def run(args: list[str], cwd: Path) -> tuple[float, float, float]:
    """Wall seconds, peak MB of the command's own process, and of its children."""
    started = time.perf_counter()
    process = subprocess.Popen([KG, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                               env=os.environ | {"KG_WORKSPACE": str(cwd / "ws")})  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    assert os.waitstatus_to_exitcode(status) == 0, f"kg {' '.join(args)} failed"
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, usage.ru_maxrss / 1024, children


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus = folder / "corpus.jsonl"
        started = time.perf_counter()
        write_corpus(corpus, n)
        size = corpus.stat().st_size / n
        print(f"{n:,} papers, {size:,.0f} bytes each: corpus written in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        total = 0.0
        for label, args in (("extract (rules)", ["extract", str(corpus), "--extractor",
                                                  "rules"]),
                            ("load (fresh graph)", ["load", str(corpus)]),
                            ("stats", ["stats"])):  # fmt: skip
            seconds, peak, _ = run(args, folder)
            total += seconds
            print(f"{label:20} {seconds:8.1f} s  {n / seconds:8.1f} papers/s  "
                  f"peak {peak:6.0f} MB")  # fmt: skip
        print(f"{'JSONL to graph':20} {total:8.1f} s  {n / total:8.1f} papers/s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
