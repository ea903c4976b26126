"""Context selection: the paragraphs of a paper that can hold evidence of PTM reuse, within
a token budget, so the LLM reads a few thousand tokens instead of the whole paper.

A paragraph scores for names from the alias table, for reuse cues (pre-trained, fine-tuning,
weights, transfer learning, checkpoints...), for model-like names (ResNet-50, YOLOv8,
scGPT) and for standing in a methods section. The title and abstract always come first;
then the best paragraphs in document order. Part of the budget (`STAGE_RESERVE`) is kept for
what decides the stage (extract.stage_evidence): the paper's aims, and the results or
discussion sentences that name each model the context holds; what it leaves unspent goes
back to the cue paragraphs. Every sentence is numbered ([S1], [S2], ...) so the answer can
cite evidence by id. A paper with no cue at all is not sent: the prefilter decides it.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.open_world import about_the_brain, is_trap, may_speak_of_dl, named_models
from extract.passages import Passage, passages, sentences
from extract.records import PaperText
from extract.stage_evidence import STAGE_RESERVE, Excerpt, stage_excerpts
from extract.use_evidence import by_the_authors

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
    r"(?P<nn>neural net)|convolutional (?:neural )?(?:network|layer|filter|encoder|architecture|"
    r"model)s?|\bCNNs?\b|transformer[- ](?:based|model|architecture|encoder|decoder|layer)|"
    r"autoencoder|pre-?trained (?:model|network|weights|language|transformer|encoder|backbone|"
    r"embedding)|foundation model|hugging ?face|\bLSTMs?\b|graph neural|\bGNNs?\b|model zoo",
    re.IGNORECASE,
)
# Words other sciences use too (a gene network "fine-tunes" expression, learners transfer
# learning, LoRa radios, GaN crystals, a diffusion model of transport, recurrent circuits of
# cortex): a cue only beside a word of training in the same sentence.
_SHARED = re.compile(
    r"(?i:fine-?tun\w*|transfer[- ]learn\w*|language models?\b|diffusion models?|"
    r"recurrent (?:neural )?networks?|pytorch|tensorflow|keras)|\bLoRA\b|\bGANs?\b"
)
_TRAINING = re.compile(
    r"\b(?:train\w*|pre-?train\w*|weights|layers?|epochs?|learning rate|checkpoints?|GPUs?|"
    r"deep|neural|backpropagation|loss function)\b",
    re.IGNORECASE,
)


# In a paper about brain models, a bare "neural network" is the brain unless its own
# sentence speaks of machine learning.
_LEARNING = re.compile(
    r"\btrain\w*|\blearn\w*|\blayers?\b|hidden|decod\w*|classif\w*|weights|epochs?|"
    r"backprop\w*|architecture",
    re.IGNORECASE,
)


# A model named only by a short acronym (CLIP, SAM, BART) is a cue only where the sentence
# speaks of models: the letters abbreviate assays and institutions too.
_BARE_ACRONYM = re.compile(r"[A-Z]{2,5}")
_MODEL_WORDS = re.compile(
    r"\b(?:models?|networks?|embeddings?|encoders?|pre-?trained|zero-shot|prompts?|weights)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)  # the prefilter and the rules' uses_dl read the same sentences
def strong_cue(sentence: str, brain_paper: bool = False) -> bool:
    """Would this sentence alone send a paper to the LLM? A trap word (spiking, animals
    pre-trained on a task, an analogy) silences only the sentence it sits in."""
    if is_trap(sentence):
        return False
    named = [m for m in named_models(sentence) if m.found_by != "shape"]  # a shape is no cue
    if any(not _BARE_ACRONYM.fullmatch(m.text) for m in named):
        return True
    if named and _MODEL_WORDS.search(sentence):
        return True
    if not may_speak_of_dl(sentence):
        return False
    bare_nn_is_brain = brain_paper and not _LEARNING.search(sentence)
    if any(not (bare_nn_is_brain and m.group("nn")) for m in _STRONG.finditer(sentence)):
        return True
    return bool(_SHARED.search(sentence)) and bool(_TRAINING.search(sentence))


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
    text: str  # what the LLM reads, every sentence numbered [S1], [S2], ...
    tokens: int
    paragraphs: int  # body paragraphs chosen
    has_cue: bool  # False: the prefilter decides the paper without a call
    sentences: tuple[str, ...] = ()  # sentences[i - 1] is [Si], verbatim from the paper
    stage_tokens: int = 0  # tokens of the stage evidence (aims, results, discussion)

    def sentence(self, number: int) -> str | None:
        return self.sentences[number - 1] if 0 < number <= len(self.sentences) else None


def sends(head: list[Passage], body: list[Passage]) -> bool:
    """The prefilter: does any sentence of the title, abstract or a section that can hold a
    reuse carry a strong cue?"""
    brain_paper = about_the_brain(" ".join(p.text for p in (*head, *body)))
    return any(
        strong_cue(sentence, brain_paper) for p in (*head, *body) for sentence in sentences(p.text)
    )


def _split(paper: PaperText) -> tuple[list[Passage], list[Passage], list[Passage]]:
    """Title and abstract; the body passages that can hold a reuse; every body passage."""
    everything = [p for p in passages(paper) if p.heading not in {"Title", "Abstract"}]
    head = [Passage("Title", paper.title)]
    if paper.abstract:
        head.append(Passage("Abstract", paper.abstract))
    return head, [p for p in everything if p.can_hold_reuse], everything


def speaks_of_deep_learning(paper: PaperText) -> bool:
    """The prefilter's decision: False sends the paper to no LLM."""
    head, body, _ = _split(paper)
    return sends(head, body)


def works_with_deep_learning(paper: PaperText) -> bool:
    """The rules extractor's uses_dl, stricter than the prefilter: a strong cue, in a
    sentence that shows the authors doing something (extract.use_evidence.by_the_authors:
    "we", "our", or a use in the passive; not negated, hypothetical, about the field, an
    analogy or an instruction), in the body sections that
    can hold a reuse (methods, results...); the title and abstract count only for a paper
    with no body. An abstract that speaks of the field ("CNNs are increasingly proposed for
    ...") is a reason to send a paper to an LLM, not evidence of use."""
    head, body, _ = _split(paper)
    chosen = body or head
    brain_paper = about_the_brain(" ".join(p.text for p in chosen))
    return any(
        strong_cue(sentence, brain_paper) and by_the_authors(sentence)
        for p in chosen
        if may_speak_of_dl(p.text)  # most paragraphs: one test, no sentence split
        for sentence in sentences(p.text)
    )


def _cost(passage: Passage) -> int:
    return approx_tokens(passage.text) + approx_tokens(passage.heading) + 2


def _fill(body: list[Passage], ranked: list[int], chosen: set[int], spent: int,
          budget: int) -> int:  # fmt: skip
    for i in ranked:
        if i not in chosen and spent + _cost(body[i]) <= budget:
            chosen.add(i)
            spent += _cost(body[i])
    return spent


def select(paper: PaperText, budget: int = DEFAULT_BUDGET) -> Context:
    head, body, everything = _split(paper)
    has_cue = sends(head, body)
    body_scores = [score(p) for p in body]
    ranked = sorted((i for i, s in enumerate(body_scores) if s > 0), key=lambda i: -body_scores[i])
    reserve = min(STAGE_RESERVE, budget // 3)
    chosen: set[int] = set()
    spent = _fill(body, ranked, chosen, sum(approx_tokens(p.text) for p in head), budget - reserve)
    excerpts = stage_excerpts(everything, [body[i] for i in chosen], reserve)
    stage_tokens = sum(e.tokens for e in excerpts)
    excerpted = {id(e.passage) for e in excerpts}  # never read twice, under two numberings
    rest = [i for i in ranked if id(body[i]) not in excerpted]
    _fill(body, rest, chosen, spent + stage_tokens, budget)
    picked = [body[i] for i in sorted(chosen)]
    return _render(head, picked, excerpts, everything, has_cue, stage_tokens)


def _render(
    head: list[Passage],
    picked: list[Passage],
    excerpts: list[Excerpt],
    everything: list[Passage],
    has_cue: bool,
    stage_tokens: int,
) -> Context:
    """The context's text in document order, each sentence numbered."""
    numbered: list[str] = []

    def number(text: str) -> str:
        out = []
        for sentence in sentences(text):
            numbered.append(sentence)
            out.append(f"[S{len(numbered)}] {sentence}")
        return " ".join(out)

    lines = [f"Title: {number(head[0].text)}"]
    if len(head) > 1:
        lines.append(f"Abstract: {number(head[1].text)}")
    position = {id(p): i for i, p in enumerate(everything)}
    items: list[tuple[int, Passage, tuple[tuple[str, ...], ...] | None]] = [
        (position[id(p)], p, None) for p in picked
    ]
    items += [(position[id(e.passage)], e.passage, e.runs) for e in excerpts]
    heading = None
    for _, passage, only in sorted(items, key=lambda item: item[0]):
        if passage.heading != heading:
            heading = passage.heading
            lines.append(f"\n## {heading}")
        if only is None:
            lines.append(number(passage.text))
        else:
            lines.append("… " + " … ".join(number(" ".join(run)) for run in only) + " …")
    text = "\n".join(lines)
    return Context(text=text, tokens=approx_tokens(text), paragraphs=len(picked),
                   has_cue=has_cue, sentences=tuple(numbered),
                   stage_tokens=stage_tokens)  # fmt: skip
