"""What decides a reuse's stage, kept for the LLM's context within a reserve of tokens.

The paragraphs that show a model being used (methods, cue paragraphs) rarely say what the
use was for. The stage is stated elsewhere: in the paper's aims (the "Here we ..." sentences
of the introduction), and in results or discussion sentences that name the model (what its
predictions were used for, how they were checked). Within `STAGE_RESERVE` tokens this module
picks, in order: the aims, then for each model the context already names, its first naming
sentence in the results and in the discussion (with the sentence after it, where the
consequence is usually stated), then further naming sentences, model by model, until the
reserve is spent. Sentences, not whole paragraphs, so the reserve covers many models.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from extract.aliases import key
from extract.open_world import named_models
from extract.passages import Passage, sentences

STAGE_RESERVE = 1000  # tokens of the context budget kept for stage evidence

_AIMS = re.compile(
    r"\bhere,? we\b|\bin (?:this|the present) (?:study|work|paper|article|report)\b|"
    r"\bwe (?:aim|aimed|sought|set out|asked|ask|propose|present|hypothesi[sz]e)|"
    r"\bour (?:aim|goal|objective|hypothesis)|\bthe (?:aim|goal|objective|purpose) of this\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Excerpt:
    passage: Passage
    runs: tuple[tuple[str, ...], ...]  # runs of consecutive sentences, in the paragraph's order
    tokens: int


def _tokens(text: str) -> int:
    return (len(text) + 3) // 4 + 2  # the sentence and its [Sn] marker


def _aims(everything: list[Passage]) -> Iterator[tuple[Passage, list[int]]]:
    """The introduction's last paragraph that states the aims: from its first aim sentence,
    at most three sentences."""
    for passage in reversed([p for p in everything if p.is_introduction and not p.is_methods]):
        said = sentences(passage.text)
        hits = [i for i, sentence in enumerate(said) if _AIMS.search(sentence)]
        if hits:
            yield passage, list(range(hits[0], min(hits[0] + 3, len(said))))
            return


def _models(chosen: Iterable[Passage]) -> list[tuple[str, set[str]]]:
    """The models the chosen paragraphs name: (canonical name, folded names it is written as),
    in order of first appearance."""
    found: dict[str, set[str]] = {}
    for passage in chosen:
        for sentence in sentences(passage.text):
            for mention in named_models(sentence):
                names = found.setdefault(mention.model.name, {key(mention.model.name)})
                names.add(key(mention.text))
    return [(name, {n for n in names if len(n) >= 3}) for name, names in found.items()]


def _names(sentence: str, model: str, written: set[str]) -> bool:
    if any(m.model.name == model for m in named_models(sentence)):
        return True
    folded = key(sentence)
    return any(name in folded for name in written)


def aims_sentences(everything: list[Passage]) -> list[str]:
    """The sentences that state the paper's aims (empty when the introduction states none)."""
    return [sentences(p.text)[i] for p, indices in _aims(everything) for i in indices]


def stage_excerpts(everything: list[Passage], chosen: list[Passage], reserve: int) -> list[Excerpt]:
    """The stage evidence for a context whose cue paragraphs are `chosen`, within `reserve`."""
    taken = {id(p) for p in chosen}
    where = [
        p
        for p in everything
        if id(p) not in taken
        and not p.is_methods
        and (p.is_results or p.is_discussion)
        and not p.is_back_matter
    ]
    picks: dict[int, set[int]] = {}
    passage_of: dict[int, Passage] = {}
    spent = 0

    def take(passage: Passage, indices: list[int]) -> bool:
        nonlocal spent
        said = sentences(passage.text)
        new = [i for i in indices if i not in picks.get(id(passage), set())]
        cost = sum(_tokens(said[i]) for i in new)
        if id(passage) not in picks:
            cost += (len(passage.heading) + 3) // 4 + 4
        if not new or spent + cost > reserve:
            return False
        picks.setdefault(id(passage), set()).update(new)
        passage_of[id(passage)] = passage
        spent += cost
        return True

    for passage, indices in _aims(everything):
        take(passage, indices)
    # every naming sentence, model by model; results before discussion
    queues = []
    for model, written in _models(chosen):
        queue = []
        for results_first in (True, False):
            for passage in where:
                if passage.is_results != results_first:
                    continue
                said = sentences(passage.text)
                for i, sentence in enumerate(said):
                    if _names(sentence, model, written):
                        queue.append((passage, [i, i + 1] if i + 1 < len(said) else [i]))
        queues.append(queue)
    while any(queues):
        for queue in queues:
            if queue:
                passage, indices = queue.pop(0)
                take(passage, indices)
        queues = [q for q in queues if q]
    excerpts = []
    for ident, picked in picks.items():
        passage = passage_of[ident]
        said = sentences(passage.text)
        runs: list[list[str]] = []
        previous = -2
        for i in sorted(picked):
            if i != previous + 1:
                runs.append([])
            runs[-1].append(said[i])
            previous = i
        tokens = sum(_tokens(said[i]) for i in picked) + (len(passage.heading) + 3) // 4 + 4
        excerpts.append(Excerpt(passage, tuple(map(tuple, runs)), tokens))
    return excerpts
