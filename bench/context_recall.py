"""What the LLM path would read, measured without an LLM, over labelled papers.

    .venv/bin/python bench/context_recall.py ../shared/eval/labels.jsonl tests/data/labels.jsonl

For every labelled paper: is each gold reused model inside the context that would be sent
(any of its names, case and punctuation ignored), and would the paper be sent at all (the
prefilter decides the rest without a call)? Prints the share of gold models inside the
context, the calls a run would make, and how many of them go to papers labelled without deep
learning (target: at most a quarter of the calls, with every deep-learning paper sent).

Stage evidence (the labels name the stage, not the sentence that shows it, so the sentences
are found mechanically): a gold reuse's stage sentences are the sentences of its paper's
results or discussion sections (methods excluded) that name the model by any of its names.
Stage-evidence recall is the share of gold reuses that have such sentences with at least one
of them inside the context; the sentence share counts every such sentence. The aims are
inside when the introduction's "Here we ..." sentences are. Last, every paragraph of a
"Results and Discussion" section that names a model must be inside the context, whole or as
the sentences that name it.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from extract.aliases import key
from extract.context import DEFAULT_BUDGET, select
from extract.evaluate import read_labels
from extract.open_world import named_models
from extract.parse_fulltext import parse_xml
from extract.passages import passages, sentences
from extract.stage_evidence import aims_sentences


def main(paths: list[str]) -> None:
    gold = inside = calls = calls_no_dl = dl_papers = dl_sent = 0
    staged = staged_inside = stage_sentences = stage_sentences_inside = 0
    aims = aims_inside = rd_naming = rd_inside = 0
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
            held = set(context.sentences) if sent else set()
            later = [p for p in passages(text) if (p.is_results or p.is_discussion)
                     and not p.is_methods]  # fmt: skip
            for reuse in label.gold_reuses:
                gold += 1
                names = [key(n) for n in [reuse.model, *reuse.aliases] if len(key(n)) >= 3]
                if sent and any(name in folded for name in names):
                    inside += 1
                else:
                    missed.append(f"{label.file}: {reuse.model}")
                naming = [s for p in later for s in sentences(p.text)
                          if any(name in key(s) for name in names)]  # fmt: skip
                if naming:
                    staged += 1
                    staged_inside += any(s in held for s in naming)
                    stage_sentences += len(naming)
                    stage_sentences_inside += sum(s in held for s in naming)
                    if not any(s in held for s in naming):
                        missed.append(f"{label.file}: no stage sentence for {reuse.model}")
            if not sent:
                continue
            wanted = aims_sentences(list(passages(text)))
            if wanted:
                aims += 1
                aims_inside += all(s in held for s in wanted)
            gold_names = [key(n) for r in label.gold_reuses for n in [r.model, *r.aliases]
                          if len(key(n)) >= 3]  # fmt: skip

            for p in passages(text):
                heading = p.heading.lower()
                if "result" in heading and "discussion" in heading:
                    said = sentences(p.text)
                    naming_here = [s for s in said if named_models(s)
                                   or any(n in key(s) for n in gold_names)]  # fmt: skip
                    if naming_here:
                        rd_naming += 1
                        ok = all(s in held for s in naming_here)
                        rd_inside += ok
                        if not ok:
                            missed.append(f"{label.file}: R&D paragraph out: {p.text[:60]}")
    print(f"gold reused models inside the selected context: {inside}/{gold} "
          f"= {inside / max(gold, 1):.3f}")  # fmt: skip
    print(f"deep-learning papers sent: {dl_sent}/{dl_papers}")
    print(f"LLM calls: {calls}; to papers labelled without deep learning: {calls_no_dl} "
          f"= {calls_no_dl / max(calls, 1):.2f} of the calls (target <= 0.25)")  # fmt: skip
    print(f"stage-evidence recall: {staged_inside}/{staged} gold reuses with a results or "
          f"discussion sentence naming the model have one inside the context "
          f"({stage_sentences_inside}/{stage_sentences} such sentences inside)")  # fmt: skip
    print(f"aims inside the context: {aims_inside}/{aims} sent papers that state them")
    print(f"'Results and Discussion' paragraphs naming a model, inside the context: "
          f"{rd_inside}/{rd_naming}")  # fmt: skip
    for line in missed:
        print(f"  {line}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tests/data/labels.jsonl"])
