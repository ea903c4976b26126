"""Streaming LLM extraction: peak memory of `extract_run` at two corpus sizes.

    .venv/bin/python bench/llm_stream.py 10000 100000

Each size runs in its own process: N small papers are generated lazily, extracted by the LLM
extractor against the local OpenAI-compatible test server (no delay, concurrency 8), and each
outcome is stored in a fresh workspace as it completes. Prints calls, seconds and the
process's peak RSS per size; flat memory means nothing grows with the corpus (target: the
larger run within 10% of the smaller). The test server keeps only its last requests, so its
own log does not count.
"""

import collections
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

ANSWER = json.dumps({"uses_dl": True, "uses_ptms": False, "reuses": []})


def child(n: int) -> None:
    from extract.llm import LLMConfig, LLMExtractor
    from extract.records import Paper, PaperText, Section, Work
    from kg.pipeline.extract import extract_run
    from kg.workspace import Workspace
    from tests.llm_server import LLMServer

    def papers() -> Iterator[Paper]:
        for i in range(n):
            methods = f"Paper {i}: we fine-tuned a pre-trained network on dataset {i}."
            section = Section(heading="Methods", paragraphs=(methods,))
            text = PaperText(work_id=f"W{i}", title=f"Paper {i}", sections=(section,))
            yield Paper(work=Work(id=f"W{i}", title=text.title), text=text)

    with tempfile.TemporaryDirectory() as tmp, LLMServer() as server:
        server.requests = collections.deque(maxlen=100)  # type: ignore[assignment]
        server.default = lambda _: ANSWER
        config = LLMConfig(model="bench", base_url=server.base_url, mode="json")
        workspace = Workspace(Path(tmp))
        started = time.perf_counter()
        summary = extract_run(workspace, LLMExtractor(config, workspace, 8), papers())
        seconds = time.perf_counter() - started
        workspace.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    calls = summary.llm.calls if summary.llm else 0
    print(json.dumps({"n": n, "calls": calls, "seconds": seconds, "peak_mb": peak}))


def main(sizes: list[int]) -> None:
    results = []
    for n in sizes:
        done = subprocess.run([sys.executable, __file__, "--child", str(n)],
                              capture_output=True, text=True, check=True)  # fmt: skip
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        print(f"{n:>8,} papers: {result['calls']:,} calls in {result['seconds']:.1f} s, "
              f"peak RSS {result['peak_mb']:.0f} MB")  # fmt: skip
    growth = results[-1]["peak_mb"] / results[0]["peak_mb"]
    print(f"peak memory at {sizes[-1]:,} / at {sizes[0]:,}: {growth:.2f}x (target <= 1.10)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(int(sys.argv[2]))
    else:
        main([int(n) for n in sys.argv[1:]] or [10_000, 100_000])
