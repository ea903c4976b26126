"""Documents that report no work of their own: reviews, perspectives, editorials, notices.

A review names many models and uses none; a correction or retraction notice names what the
corrected paper did. No sentence of such a document is evidence of a reuse. The publisher's
own type says so where the text carries one (JATS `article-type`); otherwise the title
("...: a review", "Perspective: ..."), or an abstract that says the document reviews.
"""

import re

from extract.records import PaperText

# JATS article-type values (the tag library's list) of documents without methods.
WITHOUT_METHODS = frozenset(
    [
        "review-article",
        "editorial",
        "correction",
        "retraction",
        "expression-of-concern",
        "addendum",
        "article-commentary",
        "book-review",
        "news",
        "obituary",
        "product-review",
        "reply",
        "discussion",
        "introduction",
        "in-brief",
        "announcement",
        "calendar",
        "meeting-report",
        "oration",
        "partial-retraction",
        "editorial-note",
    ]
)
_TITLE = re.compile(
    r"\b(?:a (?:systematic |critical |narrative |brief |mini-?)?review|review(?:s)? of|"
    r"reviewing|overview|perspectives?|primer|commentary|editorial|erratum|corrigendum|"
    r"correction|retraction|expression of concern|tutorial|quick tips|(?:a|the) roadmap)\b",
    re.IGNORECASE,
)
_ABSTRACT = re.compile(
    r"\b(?:(?:in )?this (?:review|perspective|primer|commentary|tutorial|mini-?review)|"
    r"(?:here,? )?we (?:review|survey|summari[sz]e (?:recent|the (?:state|current))|highlight "
    r"(?:recent|key|some|several) (?:examples|advances|developments|milestones|work))|"
    r"we provide (?:a |an )?(?:comprehensive |brief |short |concise )?(?:overview|review|survey|"
    r"summary|primer|guide|tutorial)|(?:this|the present) (?:article|paper|manuscript) "
    r"(?:reviews|highlights|summari[sz]es|surveys)|serves? as a (?:handbook|guide|primer))\b",
    re.IGNORECASE,
)


def without_methods(text: PaperText) -> bool:
    """Is this a document that reports no work of its own (see the module docstring)?"""
    if text.article_type:
        return text.article_type.strip().lower() in WITHOUT_METHODS
    return bool(_TITLE.search(text.title) or _ABSTRACT.search(text.abstract or ""))
