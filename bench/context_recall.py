"""What the LLM path would read, measured without an LLM, over labelled papers.

    .venv/bin/python bench/context_recall.py ../shared/eval/labels.jsonl tests/data/labels.jsonl

For every labelled paper: is each gold reused model inside the context that would be sent
(any of its names, case and punctuation ignored), and would the paper be sent at all (the
prefilter decides the rest without a call)? Prints the share of gold models inside the
context, the calls a run would make, and how many of them go to papers labelled without deep
learning (target: at most a quarter of the calls, with every deep-learning paper sent).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.aliases import key
from extract.context import DEFAULT_BUDGET, select
from extract.evaluate import read_labels
from extract.fulltext import parse_xml


def main(paths: list[str]) -> None:
    gold = inside = calls = calls_no_dl = dl_papers = dl_sent = 0
    missed: list[str] = []
    for path in map(Path, paths):
        for label in read_labels(path):
            text = parse_xml((path.parent / label.file).read_bytes(), "W1").text
            context = select(text, DEFAULT_BUDGET)
            sent = context.has_cue
            calls += sent
            calls_no_dl += sent and label.uses_dl is False
            dl_papers += label.uses_dl is True
            dl_sent += sent and label.uses_dl is True
            folded = key(context.text)
            for reuse in label.reuses:
                gold += 1
                if sent and any(key(name) in folded for name in [reuse.model, *reuse.aliases]):
                    inside += 1
                else:
                    missed.append(f"{label.file}: {reuse.model}")
    print(f"gold reused models inside the selected context: {inside}/{gold} "
          f"= {inside / max(gold, 1):.3f}")  # fmt: skip
    print(f"deep-learning papers sent: {dl_sent}/{dl_papers}")
    print(f"LLM calls: {calls}; to papers labelled without deep learning: {calls_no_dl} "
          f"= {calls_no_dl / max(calls, 1):.2f} of the calls (target <= 0.25)")  # fmt: skip
    for line in missed:
        print(f"  not in context: {line}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/data/labels.jsonl"])
