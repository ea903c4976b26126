"""Acronyms a paper defines as something other than a model.

A model's name that is also an acronym (CLIP, BART, SAM, ALIGN) collides with other things
the same letters abbreviate: an assay, a transit system, a river, a cultivar, an institute.
Papers define their acronyms, so the paper itself decides: where it writes "cross-linking
and immunoprecipitation (CLIP)" or "CLIP (cross-linking and immunoprecipitation)", the
letters mean what the definition says, and when the definition does not speak of learning,
networks or models, the acronym is not a model anywhere in that paper.

A definition is found as Schwartz and Hearst (2003) find one: the acronym's letters, in
order, begin words (or fall inside them) of the few words before the parenthesis, the first
letter beginning the first word; or the words inside the parenthesis after the acronym.
"""

import re
from collections.abc import Iterable

_IN_PARENS = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9})\)")
_ACRONYM_FIRST = re.compile(r"\b([A-Z][A-Z0-9-]{1,9})\s+\(([^()]{4,120})\)")
_WORD = re.compile(r"[A-Za-z0-9][\w'-]*")
# What a model's definition speaks of.
_LEARNING = re.compile(
    r"learn|network|model|transformer|encoder|decoder|pre-?train|contrastive|language|neural|"
    r"deep|representation|vision|segment|attention|generative|diffusion|embedding|detector|"
    r"classifier|predictor|inference|machine|artificial|intelligence|net\b",
    re.IGNORECASE,
)


def _expansion(acronym: str, before: str) -> str | None:
    """The words before an "(ACRONYM)" that it abbreviates, or None."""
    letters = [c.lower() for c in acronym if c.isalnum()]
    words = _WORD.findall(before)[-(len(letters) + 5) :]
    text = " ".join(words).lower()
    # Walk the acronym right to left through the text; the first letter must begin a word.
    at = len(text)
    for i in range(len(letters) - 1, -1, -1):
        at = text.rfind(letters[i], 0, at)
        while i == 0 and at > 0 and text[at - 1] != " ":
            at = text.rfind(letters[i], 0, at)
        if at < 0:
            return None
    return text[at:]


def _defines(acronym: str, words: str) -> bool:
    """Do the words, read as an expansion, abbreviate the acronym (letters as word starts)?"""
    initials = "".join(w[0] for w in _WORD.findall(words)).lower()
    letters = "".join(c.lower() for c in acronym if c.isalpha())
    it = iter(initials)
    return len(letters) >= 2 and all(c in it for c in letters)


def defined_otherwise(sentences: Iterable[str]) -> frozenset[str]:
    """Acronyms the sentences define, whose definition speaks of no learning or model."""
    other: set[str] = set()
    model: set[str] = set()
    for sentence in sentences:
        if "(" not in sentence:
            continue
        for match in _IN_PARENS.finditer(sentence):
            acronym = match.group(1)
            expansion = _expansion(acronym, sentence[: match.start()])
            if expansion is not None:
                (model if _LEARNING.search(expansion) else other).add(acronym)
        for match in _ACRONYM_FIRST.finditer(sentence):
            acronym, words = match.group(1), match.group(2)
            if _defines(acronym, words):
                (model if _LEARNING.search(words) else other).add(acronym)
    return frozenset(other - model)
