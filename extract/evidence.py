"""Is a quote found in a paper's text? Tolerant of what copying text does to it.

Both sides are normalised (Unicode NFKC, so ligatures become letters; dashes and quotes
unified; soft hyphens dropped; words hyphenated across a line break joined; case and
whitespace folded). A quote is found when its normalised form is a substring of the text's,
or, for quotes of six words or more, when four in five of its word trigrams occur in the text
(a changed word or a dropped reference number does not sink a real quote).
"""

import re
import unicodedata
from functools import lru_cache

from extract.passages import passages
from extract.records import PaperText

_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−"), "-")
_QUOTES = dict.fromkeys(map(ord, "‘’‚‛′"), "'") | dict.fromkeys(map(ord, "“”„‟″"), '"')
_WORD = re.compile(r"\w+")
MIN_FUZZY_WORDS = 6
FUZZY_SHARE = 0.8


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_QUOTES)
    text = text.replace("\u00ad", "")
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)  # hyphenation at a line break
    return " ".join(text.casefold().split())


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


class PaperIndex:
    """A paper's text, prepared once for many quote checks."""

    def __init__(self, text: str) -> None:
        self.text = normalise(text)
        self._trigrams = _trigrams(_WORD.findall(self.text))

    def why_not_found(self, quote: str) -> str | None:
        """None when the quote is in the paper, else the reason, phrased for a re-ask."""
        wanted = normalise(quote)
        if not wanted:
            return "the evidence is empty; quote the sentence that shows the reuse"
        if wanted in self.text:
            return None
        words = _WORD.findall(wanted)
        if len(words) >= MIN_FUZZY_WORDS:
            grams = _trigrams(words)
            if len(grams & self._trigrams) >= FUZZY_SHARE * len(grams):
                return None
        return (
            f"the evidence {quote[:120]!r} is not in the paper; copy one sentence from the "
            "paper's text word for word"
        )


def full_text(text: PaperText) -> str:
    return "\n".join(p.text for p in passages(text))


@lru_cache(maxsize=64)
def index_for(text: PaperText) -> PaperIndex:
    return PaperIndex(full_text(text))
