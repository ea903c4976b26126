"""Requests and tokens per sent paper against the scripted server, when the model answers with
paraphrased quotes and mis-cased enum values.

    .venv/bin/python bench/llm_requests.py ../shared/eval/labels.jsonl tests/data/labels.jsonl

The local test server (tests/llm_server.py) plays a model that finds every gold reuse the
excerpts name and answers for it with the pattern capitalised ("Adaptation"), the stage as a
near-miss ("Testing", "analysis"), and a quote that says the same thing in other words. With
numbered sentences it also cites the first sentence that names the model, as the prompt asks.
Prints the requests per sent paper (re-asks included), the input tokens per sent paper as
sent on the wire (messages and schema, four characters a token), and the gold reuses kept.
"""

import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.aliases import key
from extract.evaluate import read_labels
from extract.llm import LLMConfig, extract_papers
from extract.parse_fulltext import parse_xml
from extract.records import Paper, Work
from kg.workspace import Workspace
from tests.llm_server import LLMServer

_NUMBERED = re.compile(r"\[S(\d+)\] (.*?)(?= \[S\d+\]|\n|$| …)")
_NEAR_MISS = {"Test": "Testing", "Analysis": "analysis", "Observation": "observations"}


def model_answer(gold: dict[str, list[tuple[str, list[str], str, str]]]) -> Any:
    def answer(request: dict[str, Any]) -> str:
        contents = [str(m.get("content")) for m in request["messages"]]
        excerpt = next((c for c in contents if "Title: " in c), "Title: ?")  # re-asks too
        title = excerpt.split("Title: ", 1)[1].split("\n", 1)[0]
        title = re.sub(r"^\[S\d+\] ", "", title)
        numbered = [(int(n), s) for n, s in _NUMBERED.findall(excerpt)]
        reuses = []
        for model, names, pattern, stage in gold.get(title, []):
            citing = [n for n, s in numbered if any(name in key(s) for name in names)]
            if not any(name in key(excerpt) for name in names):
                continue
            paraphrase = f"The authors relied on {model} in their own work, as their methods say."
            reuse = {"model": model, "pattern": pattern.capitalize(),
                     "stage": _NEAR_MISS.get(stage, stage.upper()), "form": "used"}  # fmt: skip
            if numbered:
                reuse |= {"evidence": citing[:1], "quote": paraphrase, "role": "used"}
            else:
                reuse |= {"evidence": paraphrase}
            reuses.append(reuse)
        return json.dumps({"uses_dl": True, "uses_ptms": bool(reuses), "reuses": reuses})

    return answer


def main(paths: list[str]) -> None:
    papers: list[Paper] = []
    gold: dict[str, list[tuple[str, list[str], str, str]]] = {}
    for path in map(Path, paths):
        for label in read_labels(path):
            text = parse_xml((path.parent / label.file).read_bytes(), f"W{len(papers) + 1}").text
            papers.append(Paper(work=Work(id=text.work_id, title=text.title), text=text))
            gold[text.title] = [
                (r.model, [key(x) for x in [r.model, *r.aliases] if len(key(x)) >= 3],
                 (r.pattern or ["undetermined"])[0], (r.stage or ["undetermined"])[0])
                for r in label.gold_reuses
            ]  # fmt: skip
    with LLMServer() as server, tempfile.TemporaryDirectory() as where:
        server.default = model_answer(gold)
        workspace = Workspace(Path(where))
        config = LLMConfig(model="bench", base_url=server.base_url)
        extractions, _, stats = extract_papers(papers, config, workspace, concurrency=2)
        workspace.close()
    sent = stats.calls
    wire = sum(len(json.dumps({k: v for k, v in r.items() if k != "max_tokens"}))
               for r in server.requests) // 4  # fmt: skip
    kept = sum(len(e.reuses) for e in extractions if e.extractor == "llm")
    wanted = sum(len(v) for v in gold.values())
    print(f"sent papers: {sent}; requests: {len(server.requests)} = "
          f"{len(server.requests) / max(sent, 1):.2f} per sent paper")  # fmt: skip
    print(f"input tokens on the wire: {wire:,} = {wire / max(sent, 1):,.0f} per sent paper")
    print(f"gold reuses kept: {kept}/{wanted}; dropped: {len(stats.dropped)}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/data/labels.jsonl"])
