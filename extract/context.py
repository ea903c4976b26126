"""Context selection: the paragraphs of a paper that can hold evidence of PTM reuse, within
a token budget, so the LLM reads a few thousand tokens instead of the whole paper.

A paragraph scores for names from the alias table, for reuse cues (pre-trained, fine-tuning,
weights, transfer learning, checkpoints...), for model-like names (ResNet-50, YOLOv8,
scGPT) and for standing in a methods section. The title and abstract always come first;
then the best paragraphs in document order until the budget is spent. A paper with no cue
at all is not sent: the prefilter decides it.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.open_world import BRAIN_MODEL, is_trap, may_speak_of_dl, named_models
from extract.passages import Passage, passages, sentences
from extract.records import PaperText

DEFAULT_BUDGET = 3000  # tokens

# Matched against the lower-cased text (faster than IGNORECASE in Python's engine).
_CUES = re.compile(
    r"pre-?train\w*|fine-?tun\w*|\bweights\b|transfer[- ]learn\w*|checkpoint\w*|"
    r"deep[- ]learning|deep neural|neural networks?|convolutional|transformer|hugging ?face|"
    r"\blora\b|foundation model|language model|embedding\w*|distill\w*|\bcnns?\b|\blstms?\b|"
    r"re-?implement\w*|off[- ]the[- ]shelf|model zoo|torch|tensorflow|keras"
)
_MODEL_LIKE = re.compile(r"\b(?:[A-Z][A-Za-z]*-?v?\d+[A-Za-z]*|[a-z]+[A-Z][A-Za-z]*[A-Z]\w*)\b")


_STRONG = re.compile(
    r"deep[- ]learning|\bdeep (?:neural|autoencoder|network|model|generative)|"
    r"(?P<nn>neural net)|convolutional|\bCNNs?\b|transformer[- ](?:based|model|architecture|"
    r"encoder|decoder|layer)|autoencoder|pre-?trained (?:model|network|weights|language|"
    r"transformer|encoder|backbone|embedding)|fine-?tun\w*|transfer[- ]learn\w*|"
    r"language models?\b|foundation model|hugging ?face|\bLoRA\b|\bLSTMs?\b|"
    r"recurrent (?:neural )?network|graph neural|\bGNNs?\b|\bGANs?\b|diffusion model|"
    r"model zoo|pytorch|tensorflow|keras",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # the prefilter and the rules' uses_dl read the same sentences
def strong_cue(sentence: str, brain_paper: bool = False) -> bool:
    """Would this sentence alone send a paper to the LLM?"""
    strong = bool(named_models(sentence)) or (may_speak_of_dl(sentence) and any(
        not (brain_paper and m.group("nn")) for m in _STRONG.finditer(sentence)
    ))  # fmt: skip
    return strong and not is_trap(sentence)


def approx_tokens(text: str) -> int:
    """A tokenizer-free estimate (four characters a token), the same for every pipeline."""
    return (len(text) + 3) // 4


def score(passage: Passage) -> int:
    text = passage.text
    named = sum(len(named_models(sentence)) for sentence in sentences(text))  # cached
    points = 5 * min(named, 3)
    points += 3 * min(len(_CUES.findall(text.lower())), 4)
    if points:
        points += min(len(_MODEL_LIKE.findall(text)), 3)
        points += 2 * passage.is_methods
    return points


@dataclass(frozen=True)
class Context:
    text: str  # what the LLM reads
    tokens: int
    paragraphs: int  # body paragraphs chosen
    has_cue: bool  # False: the prefilter decides the paper without a call


def sends(head: list[Passage], body: list[Passage]) -> bool:
    """The prefilter: does any sentence that can hold a reuse carry a strong cue?"""
    brain_paper = BRAIN_MODEL.search(" ".join(p.text for p in (*head, *body))) is not None
    where = body or head
    return any(strong_cue(sentence, brain_paper) for p in where for sentence in sentences(p.text))


def _split(paper: PaperText) -> tuple[list[Passage], list[Passage]]:
    """Title and abstract; the body passages that can hold a reuse."""
    everything = list(passages(paper))
    head = [p for p in everything if p.heading in {"Title", "Abstract"}]
    body = [p for p in everything
            if p.heading not in {"Title", "Abstract"} and p.can_hold_reuse]  # fmt: skip
    return head, body


def speaks_of_deep_learning(paper: PaperText) -> bool:
    """The prefilter's decision: False sends the paper to no LLM (and the rules extractor
    says uses_dl = False unless it found a reuse)."""
    return sends(*_split(paper))


def select(paper: PaperText, budget: int = DEFAULT_BUDGET) -> Context:
    head, body = _split(paper)
    has_cue = sends(head, body)
    body_scores = [score(p) for p in body]
    spent = sum(approx_tokens(p.text) for p in head)
    ranked = sorted((i for i, s in enumerate(body_scores) if s > 0), key=lambda i: -body_scores[i])
    chosen: set[int] = set()
    for i in ranked:
        cost = approx_tokens(body[i].text) + approx_tokens(body[i].heading) + 2
        if spent + cost > budget:
            continue
        chosen.add(i)
        spent += cost
    lines = [f"Title: {paper.title}"]
    if paper.abstract:
        lines.append(f"Abstract: {paper.abstract}")
    heading = None
    for i in sorted(chosen):
        if body[i].heading != heading:
            heading = body[i].heading
            lines.append(f"\n## {heading}")
        lines.append(body[i].text)
    text = "\n".join(lines)
    return Context(text=text, tokens=approx_tokens(text), paragraphs=len(chosen), has_cue=has_cue)
