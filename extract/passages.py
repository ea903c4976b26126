"""Walk a paper's text as passages (heading, paragraph) and split paragraphs into sentences."""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from extract.records import PaperText
from extract.sections import RESULTS, Kind, kind, kinds, names_discussion, names_introduction

_METHODS = re.compile(r"method|material|procedure|experimental|implementation", re.IGNORECASE)

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = (
    "e.g.",
    "i.e.",
    "et al.",
    "Fig.",
    "Figs.",
    "Eq.",
    "vs.",
    "cf.",
    "ca.",
    "approx.",
    "no.",
    "Ref.",
    "Refs.",
    "Suppl.",
    "resp.",
    "al.",
)
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'])")


@dataclass(frozen=True)
class Passage:
    heading: str
    text: str

    @property
    def is_methods(self) -> bool:
        return bool(_METHODS.search(self.heading))

    @property
    def is_results(self) -> bool:
        return bool(RESULTS.search(self.heading))

    @property
    def can_hold_reuse(self) -> bool:
        """False under prior work, outlook or back matter at any level of the heading path
        ("Introduction / Deep learning for plankton"), unless a level speaks of results
        ("Results and Discussion / Limitations"); extract.sections judges each level."""
        return not kinds(self.heading)

    @property
    def is_background(self) -> bool:
        """Prior work or outlook: models named here are mentioned, not reused."""
        return Kind.background in kinds(self.heading)

    @property
    def is_back_matter(self) -> bool:
        return Kind.back_matter in kinds(self.heading)

    @property
    def is_introduction(self) -> bool:
        return names_introduction(self.heading.split(" / ", 1)[0])

    @property
    def is_discussion(self) -> bool:
        return any(names_discussion(level) for level in self.heading.split(" / "))


def is_not_reuse_heading(heading: str) -> bool:
    """Is the heading, as a whole, the name of a section where models are not reused?"""
    return kind(heading) is not None


def passages(text: PaperText) -> Iterator[Passage]:
    """Title, abstract, then every body paragraph under its section heading."""
    yield Passage("Title", text.title)
    if text.abstract:
        yield Passage("Abstract", text.abstract)
    for section in text.sections:
        for paragraph in section.paragraphs:
            yield Passage(section.heading, paragraph)


@lru_cache(maxsize=8192)  # every reader of a paper splits the same paragraphs
def sentences(paragraph: str) -> tuple[str, ...]:
    """The paragraph's sentences, each a verbatim slice of it."""
    out: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(paragraph):
        before = paragraph[start : boundary.start()]
        if before.endswith(_ABBREVIATIONS):
            continue
        out.append(before)
        start = boundary.end()
    tail = paragraph[start:].rstrip()
    if tail:
        out.append(tail)
    return tuple(out)
