"""LLM input tokens per paper: our pipeline vs the study's.

    .venv/bin/python bench/tokens.py kg/demo/papers.jsonl
    .venv/bin/python bench/tokens.py ../shared/eval/papers

Ours: one call per paper over the selected context (extract.context, budget 3,000 tokens, of
which up to 1,000 are stage evidence, every sentence numbered) plus the system prompt and the
answer schema; papers with no cue are decided by the prefilter and cost nothing. Also printed:
tokens per sent paper, the figure to compare across prompt versions. The study's: five
calls per paper, each sending the whole text, counted with the same system prompt and no
schema (which favours the study). Both sides use the same estimate, four characters a
token, so the ratio does not depend on a tokenizer.
"""

import json
import sys
from pathlib import Path

from extract.context import approx_tokens, select
from extract.evidence import full_text
from extract.llm_schema import SYSTEM_PROMPT, PaperAnswer
from extract.parse_fulltext import parse_xml
from extract.records import PaperText
from kg.sources.corpus import read_corpus

STUDY_CALLS = 5


def texts(source: Path) -> list[PaperText]:
    if source.is_dir():
        files = sorted(p for p in source.iterdir() if p.suffix in {".xml", ".nxml"})
        return [parse_xml(p.read_bytes(), p.stem).text for p in files]
    return [paper.text for paper in read_corpus(source).papers]


def main(source: Path) -> None:
    papers = texts(source)
    overhead = approx_tokens(SYSTEM_PROMPT)
    schema = approx_tokens(json.dumps(PaperAnswer.model_json_schema()))
    ours = study = sent = 0
    for text in papers:
        context = select(text)
        if context.has_cue:
            sent += 1
            ours += overhead + schema + context.tokens
        study += STUDY_CALLS * (overhead + approx_tokens(full_text(text)))
    n = len(papers)
    print(f"corpus: {source} ({n} papers)")
    print(f"sent to the LLM: {sent} of {n} (the prefilter decided {n - sent})")
    print(f"ours:  {ours:>9,} input tokens, {ours / n:>8,.0f} per paper, "
          f"{ours / max(sent, 1):,.0f} per sent paper")  # fmt: skip
    print(f"study: {study:>9,} input tokens, {study / n:>8,.0f} per paper")
    print(f"ratio: the study's pipeline sends {study / max(ours, 1):.1f}x the tokens of ours")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "kg/demo/papers.jsonl"))
