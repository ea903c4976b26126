"""LLM extraction throughput at concurrency 1, 8 and 32 against a local OpenAI-compatible
server that adds a fixed delay to every request, then a warm-cache rerun.

    .venv/bin/python bench/extract_throughput.py 64 0.25

Each paper is a distinct synthetic methods paragraph, so every call is a cache miss on the
first run of each level (each level gets a fresh ledger). Prints papers per second, the
speed-up over concurrency 1 (target: >= 0.8 x N at N = 8), and the requests of the rerun
(target: 0).
"""

import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.llm import LLMConfig, extract_papers
from extract.records import Paper, PaperText, Section, Work
from kg.workspace import Workspace
from tests.llm_server import LLMServer

ANSWER = json.dumps({"uses_dl": True, "uses_ptms": False, "reuses": []})


def papers(n: int) -> list[Paper]:
    out = []
    for i in range(n):
        methods = f"Paper {i}: we fine-tuned a pre-trained network on dataset {i}."
        text = PaperText(work_id=f"W{i}", title=f"Paper {i}",
                         sections=(Section(heading="Methods", paragraphs=(methods,)),))  # fmt: skip
        out.append(Paper(work=Work(id=f"W{i}", title=text.title), text=text))
    return out


def main(n: int, delay: float) -> None:
    corpus = papers(n)
    with LLMServer(delay=delay) as server:
        server.default = lambda _: ANSWER
        config = LLMConfig(model="bench", base_url=server.base_url, mode="json")
        base = None
        for level in (1, 8, 32):
            with tempfile.TemporaryDirectory() as tmp:
                ledger = Workspace(Path(tmp))
                before, started = len(server.requests), time.perf_counter()
                extract_papers(corpus, config, ledger, concurrency=level)
                seconds = time.perf_counter() - started
                sent = len(server.requests) - before
                rate = n / seconds
                base = base or rate
                print(f"concurrency {level:>2}: {sent} requests, {seconds:6.2f} s, "
                      f"{rate:6.1f} papers/s, speed-up {rate / base:5.2f}x "
                      f"({rate / base / level:.2f} of ideal), most in flight "
                      f"{server.max_in_flight}")  # fmt: skip
                server.max_in_flight = 0
                if level == 32:
                    before = len(server.requests)
                    extract_papers(corpus, config, ledger, concurrency=level)
                    print(f"warm rerun: {len(server.requests) - before} requests")
                ledger.close()


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 64,
        float(sys.argv[2]) if len(sys.argv) > 2 else 0.25,
    )
