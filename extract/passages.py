"""Walk a paper's text as passages (heading, paragraph) and split paragraphs into sentences."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extract.records import PaperText

# Sections where a model is named but not reused: prior work, thanks, back matter.
_NOT_REUSE = re.compile(
    r"introduction|background|related work|prior work|discussion|future work|outlook|"
    r"perspectives|limitations|acknowledg|references|"
    r"bibliography|funding|author contributions|competing interests|conflicts? of interest",
    re.IGNORECASE,
)
_METHODS = re.compile(r"method|material|procedure|experimental|implementation", re.IGNORECASE)
_RESULTS = re.compile(r"result|analysis|evaluation", re.IGNORECASE)

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
        return bool(_RESULTS.search(self.heading))

    @property
    def can_hold_reuse(self) -> bool:
        return not _NOT_REUSE.search(self.heading)


def passages(text: PaperText) -> Iterator[Passage]:
    """Title, abstract, then every body paragraph under its section heading."""
    yield Passage("Title", text.title)
    if text.abstract:
        yield Passage("Abstract", text.abstract)
    for section in text.sections:
        for paragraph in section.paragraphs:
            yield Passage(section.heading, paragraph)


def sentences(paragraph: str) -> list[str]:
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
    return out
