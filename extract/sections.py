"""What kind of section a heading names: one classifier for every reader of headings (the
passages that can hold a reuse, the roles' background sections, the stage evidence).

A heading is judged as a whole, part by part ("2. Introduction and background" has two
parts), never by a word it merely contains: "Results and Discussion", "Regions of interest"
and "Deep learning for plankton" are none of the kinds below.

- **background**: prior work or outlook: introduction, background, motivation, related work,
  literature review, state of the art, discussion, future work, outlook, perspectives,
  limitations (with conclusions or a summary beside them);
- **back matter**: acknowledgements, references, funding, contributions, competing
  interests, ethics.

A heading with a part that speaks of results is never background or back matter. A heading
path ("Introduction / Deep learning for plankton") takes the kind of any of its levels.
"""

import re
from enum import StrEnum
from functools import lru_cache

_PRIOR = (
    r"(?:general |brief )?(?:introduction|background|motivation|related (?:work|works|literature|"
    r"studies|research)|(?:prior|previous) (?:work|studies)|literature review|state of the art)"
)
_OUTLOOK = (
    r"(?:general |concluding )?(?:discussions?|future (?:work|directions|research|perspectives|"
    r"outlook)|outlook|perspectives?|limitations?(?: of (?:the|this) study)?)"
)
_BACK = (
    r"acknowledge?ments?|references(?: cited)?|bibliography|funding(?: sources| information)?|"
    r"financial (?:support|disclosure)|authors?'? contributions?|contributions|"
    r"competing (?:interests?|financial interests?)|conflicts? of interests?|"
    r"declarations?(?: of (?:competing )?interests?)?|ethics(?: statement)?"
)
_ALSO = r"conclusions?|summary|remarks|concluding remarks"  # never a kind on their own
_PRIOR_RX, _OUTLOOK_RX = re.compile(_PRIOR), re.compile(_OUTLOOK)
_BACK_RX, _ALSO_RX = re.compile(_BACK), re.compile(_ALSO)
_JOIN = re.compile(r"\s*(?:,|&|;|:|\band\b)\s*")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*|[ivxIVX]+|[A-Z])[.)]?\s+")
RESULTS = re.compile(r"result|analysis|evaluation", re.IGNORECASE)


class Kind(StrEnum):
    background = "background"  # prior work, outlook
    back_matter = "back matter"


def _parts(heading: str) -> list[str]:
    folded = _NUMBERING.sub("", " ".join(heading.split())).strip(" .:").lower()
    return [part for part in _JOIN.split(folded) if part]


def kind(heading: str) -> Kind | None:
    """The kind one heading (one level) names as a whole, or None."""
    parts = _parts(heading)
    if not parts or any(RESULTS.search(part) for part in parts):
        return None
    prior = [bool(_PRIOR_RX.fullmatch(p) or _OUTLOOK_RX.fullmatch(p)) for p in parts]
    back = [bool(_BACK_RX.fullmatch(p)) for p in parts]
    also = [bool(_ALSO_RX.fullmatch(p)) for p in parts]
    if not all(a or b or c for a, b, c in zip(prior, back, also, strict=True)):
        return None
    if any(prior):
        return Kind.background
    return Kind.back_matter if any(back) else None


@lru_cache(maxsize=4096)  # a paper's passages share their headings
def kinds(path: str) -> frozenset[Kind]:
    """The kinds of a heading path's levels; none when a level speaks of results."""
    levels = path.split(" / ")
    if any(RESULTS.search(level) for level in levels):
        return frozenset()
    return frozenset(k for level in levels if (k := kind(level)) is not None)


def names_introduction(heading: str) -> bool:
    """Does this heading (one level) name the introduction or background?"""
    return any(_PRIOR_RX.fullmatch(p) for p in _parts(heading))


def names_discussion(heading: str) -> bool:
    """Does this heading (one level) name a discussion or conclusions, alone or beside
    results ("Results and Discussion")?"""
    return any(_OUTLOOK_RX.fullmatch(p) or _ALSO_RX.fullmatch(p) for p in _parts(heading))
