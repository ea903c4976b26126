"""The local checks of one LLM answer: enum values coerced before validation, and each
reuse's evidence resolved to sentences of the paper.

Coercion forgives what does not change the meaning (case, spaces, hyphens, a "_reuse" or
" stage" suffix, an inflected or synonymous word: "Testing" -> Test, "fine-tuning" ->
adaptation, "unknown" -> undetermined). A value it cannot place is left as it is, so
validation refuses that one reuse with the allowed values in the reason.

Evidence: the cited sentence numbers are looked up in the excerpts the model read; numbers
that name no sentence are ignored. A cited sentence counts only where it, or the sentence
beside it, names the model (its name, an alias, or a model found there that resolves to
it). With no such sentence, a quote found in the paper's text (extract.evidence, tolerant of
what copying does to text) stands instead. Otherwise the reuse is refused with the reason.

Use: the evidence of a used model must show the use (extract.use_evidence), as the rules'
does; a model whose sentences only name it, negate it, or address the reader is a mention.

Type: a kind of network (CNN, BiLSTM), software, a data set or a statistical method is not a
trained network (extract.kinds); such an entry is refused, whatever role it was given. The
rules' test of how a name looks (a capital inside, a digit) is not applied: the LLM reads
the paper, and real models have plain names (Borzoi, Evo) no table knows yet.
"""

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ValidationError

from extract.aliases import key
from extract.catalogue import resolve
from extract.evidence import PaperIndex
from extract.kinds import is_generic_architecture, is_known_non_model
from extract.open_world import named_models
from extract.passages import sentences
from extract.records import bounded_key
from extract.taxonomy import Pattern, Role, Stage
from extract.use_evidence import not_a_use

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


def _place(kind: type[StrEnum], squashed: str) -> StrEnum | None:
    for member in kind:
        if squashed == re.sub(r"[^a-z]", "", member.value.lower()):
            return member
    if squashed in _SYNONYMS[kind]:
        return kind(_SYNONYMS[kind][squashed])
    if squashed in _UNDETERMINED and "undetermined" in kind.__members__:
        return kind("undetermined")
    return None


def _coerce(kind: type[StrEnum], value: Any) -> Any:
    """The value as written first ("reuse" is a synonym of used), then without a suffix
    ("adaptation_reuse"); a value that is only a suffix word ("pattern", "stage") is left
    for validation to refuse, never read as undetermined."""
    if not isinstance(value, str):
        return value
    folded = value.strip().lower()
    placed = _place(kind, re.sub(r"[^a-z]", "", folded))
    if placed is not None:
        return placed
    stripped = _SUFFIXES.sub("", folded)
    if stripped == folded or not re.sub(r"[^a-z]", "", stripped):
        return value
    placed = _place(kind, re.sub(r"[^a-z]", "", stripped))
    return value if placed is None else placed


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


def not_a_model(name: str) -> str | None:
    """Why the name is not a trained network, or None when it may be one."""
    try:
        bounded_key(name)
    except ValueError as error:
        return f"the name is {error}"
    if is_generic_architecture(name):
        return f"{name!r} is a kind of network, not a model"
    if is_known_non_model(name):
        return f"{name!r} is software, a data set or a statistical method, not a model"
    return None  # a plain word the tables do not know (Borzoi, Evo) may be a model: kept


def names_model(sentence: str, model: str) -> bool:
    """Does the sentence name the model: its written name, an alias, or a mention of it?"""
    info = resolve(model)
    wanted = {key(model), key(info.name), *(key(alias) for alias in info.aliases)} - {""}
    bare = key(sentence)
    if any(name in bare for name in wanted):
        return True
    return any(m.model.name == info.name for m in named_models(sentence))


def shows_use(evidence: str) -> bool:
    """Does one of the evidence's sentences show the model in use (extract.use_evidence)? A
    sentence that only names it counts beside one that says what was done."""
    return any(not_a_use(sentence) is None for sentence in sentences(evidence) or [evidence])


def evidence_for(
    numbers: list[int], quote: str | None, context: dict[str, Any], model: str = ""
) -> str:
    """The evidence a reuse stands on: its cited sentences where they (or a neighbour) name
    the model, or its quote when found in the paper."""
    excerpts = context.get("context")
    paper: PaperIndex | None = context.get("paper")
    if excerpts is None:  # read back from the ledger: the stored quote is the evidence
        if not quote:
            raise ValueError("no evidence: cite the numbers of the sentences that show the use")
        return quote
    cited = [(n, s) for n in dict.fromkeys(numbers) if (s := excerpts.sentence(n))]
    naming = [
        s for n, s in cited
        if not model or any(names_model(t, model) for t in (excerpts.sentence(n - 1) or "", s,
                                                            excerpts.sentence(n + 1) or ""))
    ]  # fmt: skip
    if naming:
        return " ".join(naming[:2])  # the evidence an edge carries stays readable
    if quote and paper is not None and paper.why_not_found(quote) is None:
        return quote
    shown = ", ".join(map(str, numbers[:5])) or "none"
    where = f"cites no sentence naming {model}" if cited else "cites no sentence of the excerpts"
    raise ValueError(
        f"the evidence {where} (numbers: {shown}; the excerpts have "
        f"{len(excerpts.sentences)}) and its quote is not in the paper"
    )
