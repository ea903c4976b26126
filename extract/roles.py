"""Who made a model, and was it used: the role a paper gives each model it names.

- **created**: the paper introduces its own model. Read from how papers name what they made:
  "we present / propose / introduce / develop X", "a network we call X", "our model X",
  "X, which we developed", a title that opens with "X: a ... network / tool / model"; and
  any variant of such a
  name ("X-Lite", "X2", "X-small"). A name any model table knows is never created here: a
  paper that names its fine-tuned ESM-2 has adapted ESM-2.
- **mentioned**: named, but not by what the authors did: in the introduction, background,
  related work, discussion or outlook; or, anywhere, in a sentence that shows no use of it
  (extract.use_evidence: negated, hypothetical, about the field or others' work, an
  analogy, an instruction, or a bare name).
- **used**: everything else the rules extractor finds: a reuse.
"""

import re
from collections.abc import Iterable

from extract.aliases import key
from extract.catalogue import resolve
from extract.open_world import NAME, looks_like_a_model
from extract.passages import Passage, sentences

_MAKE = r"(?:present|propose|introduce|develop|developed|design|designed|describe|release|"
_MAKE += r"released|create|created|build|built|establish|devise|devised)"
_AFTER_NAME = r"(?=\s*(?:[,:;(]|\.(?:\s|$)|$| (?:a|an|which|that|to|for|as|with)\b))"
_KIND = (
    r"(?:model|network|net|classifier|detector|predictor|architecture|method|tool|framework|"
    r"pipeline|approach|algorithm|system|software|encoder|segmenter|package|library|toolbox|"
    r"toolkit|platform|suite|interface|autoencoder|transformer)s?"
)
_CREATIONS = tuple(
    re.compile(rx, re.IGNORECASE)  # the name's own case is judged by looks_like_a_model
    for rx in (  # in the order of _NEEDS below
        rf"\b(?:we|here we|this (?:study|paper|work)|this article) (?:\w+ )?{_MAKE}s? "
        rf"(?:here )?{NAME}{_AFTER_NAME}",
        rf"\b(?:we|here we) (?:\w+ )?{_MAKE}s? (?:a|an|the|our) (?:[\w-]+ ){{0,5}}?{_KIND},? "
        rf"(?:called |named |termed |dubbed |hereafter )?{NAME}{_AFTER_NAME}",
        rf"\bwe (?:call|name|term|dub)(?:ed)? (?:it |(?:this|the|our) (?:[\w-]+ ){{1,3}}?)?"
        rf"[\"“']?{NAME}",
        rf"\b{_KIND},? (?:(?:which |that )?we (?:call|named|termed|dubbed)|hereafter(?: called| "
        rf"referred to as)?),? [\"“']?{NAME}",
        rf"\bour (?:own |new |novel |proposed |present )?(?:{_KIND},? \(?)?{NAME}\)?{_AFTER_NAME}",
        rf"\bour (?:own |new |novel |proposed )?{NAME} {_KIND}\b",
        rf"\b{NAME},? (?:which|that) we (?:have )?(?:{_MAKE}|trained|call|named)\b",
        rf"\b{NAME},? (?:\(|, )?our (?:own |new |novel |proposed )?(?:[\w-]+ ){{0,3}}?{_KIND}\b",
    )
)
# "X: a deep learning tool for ...": the title names the paper's own model.
_TITLE = re.compile(rf"^\s*{NAME}\s*[:–—]\s*(?:an? |the )?(?:[\w-]+ ){{0,4}}?{_KIND}\b", re.I)

# Cheap tests first: a creating sentence speaks of "we" or "our" or naming, and holds a word
# that looks like a model's name (a capital or digit after its first letter).
_MAY_CREATE = re.compile(r"\b(?:[Ww]e|[Oo]ur|call\w*|named|termed|dubbed|hereafter)\b")
_MODEL_LIKE = re.compile(r"\b[A-Za-z][a-z]*[A-Z0-9]")

# The authors' earlier model, or someone's cited one: reused, even when "we" made it. Tied to
# the name ("we previously developed X", "our earlier model X", "X, which we developed
# before"), not to a "before" anywhere in the sentence ("... denoises images before
# classification").
_EARLIER_BEFORE = re.compile(
    r"\b(?:previously|earlier|formerly|our (?:previous|earlier|recent|prior|former))\b"
    r"(?:[^,;.]{0,50})$",
    re.IGNORECASE,
)
_EARLIER_AFTER = re.compile(
    r"^,?\s*(?:which |that )?(?:we |was |were )?(?:had |have |has )?(?:been )?"
    r"(?:previously|earlier|formerly|already)\b|^,?\s*(?:which |that )?we (?:\w+ )?"
    r"(?:developed|published|described|introduced|presented|proposed) (?:before|earlier|"
    r"previously|in (?:our|a) (?:previous|earlier|prior) (?:work|study|paper))",
    re.IGNORECASE,
)
_CITED = re.compile(r"^\s*(?:\[\d|\([^()]*\d{4}[a-z]?\))")


def _earlier(sentence: str, start: int, end: int) -> bool:
    """Does the sentence say, of the name at [start, end), that it was made before?"""
    before = sentence[max(0, start - 80) : start]
    return bool(_EARLIER_BEFORE.search(before) or _EARLIER_AFTER.match(sentence[end:]))


# What each creating construction cannot do without (lower-case words): a sentence that lacks
# them is not matched against it.
_NEEDS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(rx)
    for rx in (
        rf"\b{_MAKE}", rf"\b{_MAKE}", r"\bwe (?:call|name|term|dub)",
        r"\bwe (?:call|named|termed|dubbed)|hereafter", r"\bour\b", r"\bour\b",
        r"\b(?:which|that) we\b", r"\bour\b",
    )
)  # fmt: skip


def _candidates(sentence: str) -> Iterable[str]:
    low = sentence.lower()
    for needs, rx in zip(_NEEDS, _CREATIONS, strict=True):
        if not needs.search(low):
            continue
        for match in rx.finditer(sentence):
            start, end = match.span("name")
            if not _CITED.match(sentence[end:]) and not _earlier(sentence, start, end):
                yield match.group("name").rstrip(".-")


def created_names(title: str, passages: Iterable[Passage]) -> dict[str, str]:
    """Names this paper gives its own models (see the module docstring), as written, each
    with the sentence that creates it."""
    found: dict[str, str] = {}
    title_match = _TITLE.match(title)
    if title_match:
        found[title_match.group("name")] = title
    for passage in passages:
        if not _MAY_CREATE.search(passage.text):
            continue  # one test decides most paragraphs
        for sentence in sentences(passage.text):
            if _MAY_CREATE.search(sentence) and _MODEL_LIKE.search(sentence):
                for name in _candidates(sentence):
                    found.setdefault(name, sentence)
    return {n: s for n, s in found.items() if looks_like_a_model(n) and _unknown(n)}


def _unknown(name: str) -> bool:
    return resolve(name).modality == "unknown"


def is_created(written: str, created: Iterable[str]) -> bool:
    """The written name is one the paper created, or a variant of one ("X-Lite", "X2")."""
    wanted = key(written)
    for name in created:
        own = key(name)
        if wanted == own or (wanted.startswith(own) and written.casefold().startswith(
                name.casefold())):  # fmt: skip
            return True
    return False
