"""Walk a paper's text as passages (heading, paragraph) and split paragraphs into sentences."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from extract.records import PaperText

# Sections where a model is named but not reused: prior work, thanks, back matter. A heading
# is left out only when it is wholly made of such names ("Discussion", "2. Introduction and
# background", "Conclusions and future work"), judged on the passage's own (last) heading, not
# on the path of headings above it; a heading that speaks of results is never left out
# ("Results and Discussion" and its subsections stay, whatever else they are called).
_NOT_REUSE_NAME = re.compile(
    r"(?:general |concluding |brief )?(?:introduction|background|motivation|"
    r"related (?:work|works|literature|studies|research)|(?:prior|previous) (?:work|studies)|"
    r"literature review|state of the art|discussions?|future (?:work|directions|research|"
    r"perspectives|outlook)|outlook|perspectives?|limitations?(?: of (?:the|this) study)?|"
    r"acknowledge?ments?|references(?: cited)?|bibliography|funding(?: sources| information)?|"
    r"financial (?:support|disclosure)|authors?'? contributions?|contributions|"
    r"competing (?:interests?|financial interests?)|conflicts? of interests?|"
    r"declarations?(?: of (?:competing )?interests?)?|ethics(?: statement)?)"
)
_ALSO_NAME = re.compile(r"conclusions?|summary|remarks|concluding remarks")  # kept alone
_JOIN = re.compile(r"\s*(?:,|&|;|:|\band\b)\s*")
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*|[ivxIVX]+|[A-Z])[.)]?\s+")
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
    def own_heading(self) -> str:
        """The passage's own heading: the last of the nested headings."""
        return self.heading.rsplit(" / ", 1)[-1]

    @property
    def can_hold_reuse(self) -> bool:
        """False under a section of prior work, outlook or back matter at any level of the
        heading path ("Introduction / Deep learning for plankton"), unless a level speaks
        of results ("Results and Discussion / Limitations")."""
        levels = self.heading.split(" / ")
        if any(_RESULTS.search(level) for level in levels):
            return True
        return not any(is_not_reuse_heading(level) for level in levels)

    @property
    def is_introduction(self) -> bool:
        return _names_section(self.heading.split(" / ", 1)[0], "introduction|background")

    @property
    def is_discussion(self) -> bool:
        return any(_names_section(h, "discussion|conclusion") for h in self.heading.split(" / "))


def _names_section(heading: str, words: str) -> bool:
    return re.search(words, heading, re.IGNORECASE) is not None


def is_not_reuse_heading(heading: str) -> bool:
    """Is the heading, as a whole, the name of a section where models are not reused?"""
    folded = _NUMBERING.sub("", " ".join(heading.split())).strip(" .:").lower()
    if not folded or _RESULTS.search(folded):
        return False
    parts = [part for part in _JOIN.split(folded) if part]
    if not all(_NOT_REUSE_NAME.fullmatch(p) or _ALSO_NAME.fullmatch(p) for p in parts):
        return False
    return any(_NOT_REUSE_NAME.fullmatch(p) for p in parts)


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
