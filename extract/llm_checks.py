"""The local checks of one LLM answer: enum values coerced before validation, and each
reuse's evidence resolved to sentences of the paper.

Coercion forgives what does not change the meaning (case, spaces, hyphens, a "_reuse" or
" stage" suffix, an inflected or synonymous word: "Testing" -> Test, "fine-tuning" ->
adaptation, "unknown" -> undetermined). A value it cannot place is left as it is, so
validation refuses that one reuse with the allowed values in the reason.

Evidence: the cited sentence numbers are looked up in the excerpts the model read; numbers
that name no sentence are ignored. With no valid number, a quote found in the paper's text
(extract.evidence, tolerant of what copying does to text) stands instead. Otherwise the reuse
is refused with the reason.
"""

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from extract.evidence import PaperIndex
from extract.taxonomy import Pattern, Role, Stage

_SUFFIXES = re.compile(r"[ _-]*(?:reuse|pattern|stage|role|phase|step)$")
_SYNONYMS: dict[type[StrEnum], dict[str, str]] = {
    Pattern: {
        "adapt": "adaptation", "adapted": "adaptation", "adaptive": "adaptation",
        "finetuning": "adaptation", "finetuned": "adaptation", "finetune": "adaptation",
        "transferlearning": "adaptation", "retrained": "adaptation", "retraining": "adaptation",
        "deploy": "deployment", "deployed": "deployment", "inference": "deployment",
        "asis": "deployment", "offtheshelf": "deployment", "direct": "deployment",
        "directuse": "deployment",
        "concept": "conceptual", "reimplementation": "conceptual",
        "reimplemented": "conceptual", "architecture": "conceptual",
    },
    Stage: {
        "observe": "Observation", "observations": "Observation",
        "datacollection": "Observation", "detection": "Observation",
        "hypotheses": "Hypothesis", "hypothesize": "Hypothesis", "hypothesise": "Hypothesis",
        "hypothesisgeneration": "Hypothesis", "prioritisation": "Hypothesis",
        "prioritization": "Hypothesis",
        "testing": "Test", "tests": "Test", "tested": "Test", "experiment": "Test",
        "experimentation": "Test", "prediction": "Test",
        "analyses": "Analysis", "analyse": "Analysis", "analyze": "Analysis",
        "analysing": "Analysis", "analyzing": "Analysis", "dataanalysis": "Analysis",
        "conclusions": "Conclusion", "conclude": "Conclusion", "reporting": "Conclusion",
        "literature": "Background", "literaturereview": "Background",
    },
    Role: {
        "use": "used", "uses": "used", "reused": "used", "reuse": "used",
        "create": "created", "introduced": "created", "new": "created",
        "mention": "mentioned", "cited": "mentioned", "background": "mentioned",
    },
}  # fmt: skip
_UNDETERMINED = {"undetermined", "unknown", "unclear", "none", "na", "null", "notstated", ""}


def _coerce(kind: type[StrEnum], value: Any) -> Any:
    if not isinstance(value, str):
        return value
    folded = _SUFFIXES.sub("", value.strip().lower())
    squashed = re.sub(r"[^a-z]", "", folded)
    for member in kind:
        if squashed == re.sub(r"[^a-z]", "", member.value.lower()):
            return member
    if squashed in _SYNONYMS[kind]:
        return kind(_SYNONYMS[kind][squashed])
    if squashed in _UNDETERMINED and "undetermined" in kind.__members__:
        return kind("undetermined")
    return value


def coerce_pattern(value: Any) -> Any:
    return _coerce(Pattern, value)


def coerce_stage(value: Any) -> Any:
    return _coerce(Stage, value)


def coerce_role(value: Any) -> Any:
    return _coerce(Role, value)


_NUMBER = re.compile(r"^\s*\[?\s*S?\s*(\d+)\s*\]?\s*$", re.IGNORECASE)


def coerce_numbers(value: Any) -> Any:
    """Sentence numbers as the model may write them: 12, "12", "S12", "[S12]", or one alone."""
    items = value if isinstance(value, list) else [value]
    out: list[Any] = []
    for item in items:
        match = _NUMBER.match(item) if isinstance(item, str) else None
        out.append(int(match.group(1)) if match else item)
    return out


class Rejected(BaseModel):
    """A reuse dropped while reading an answer, and why."""

    model: str
    reason: str

    @classmethod
    def of(cls, model: str, error: ValueError) -> "Rejected":
        if isinstance(error, ValidationError):
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            reason = str(first["msg"]).removeprefix("Value error, ")
            return cls(model=model, reason=f"{where}: {reason}" if where else reason)
        return cls(model=model, reason=str(error))


def evidence_for(numbers: list[int], quote: str | None, context: dict[str, Any]) -> str:
    """The evidence a reuse stands on: its cited sentences, or its quote when found."""
    excerpts = context.get("context")
    paper: PaperIndex | None = context.get("paper")
    if excerpts is None:  # read back from the ledger: the stored quote is the evidence
        if not quote:
            raise ValueError("no evidence: cite the numbers of the sentences that show the use")
        return quote
    cited = [s for s in (excerpts.sentence(n) for n in dict.fromkeys(numbers)) if s]
    if cited:
        return " ".join(cited[:2])  # the evidence an edge carries stays readable
    if quote and paper is not None and paper.why_not_found(quote) is None:
        return quote
    shown = ", ".join(map(str, numbers[:5])) or "none"
    raise ValueError(
        f"the evidence cites no sentence of the excerpts (numbers: {shown}; the excerpts have "
        f"{len(excerpts.sentences)}) and its quote is not in the paper"
    )
