"""Scoring extractions against labelled papers (format: ../shared/eval/README.md).

Pure functions: labels and extractions in, scores out. uses_dl and uses_ptms are scored over
papers whose label is not null; a predicted reuse matches a gold one when its canonical name
or its mention equals the gold model or one of its aliases (case and punctuation ignored),
and a second prediction naming the same gold model by another alias is neither a match nor
a false alarm (the labels say the names are one model);
pattern and stage are scored over matched pairs whose value was evidenced, correct when in
the accepted list; matched pairs left `undetermined` are counted apart (and, in the `_all`
accuracies, as wrong).

Only predictions with role `used` are reuses. A gold entry may carry a `role` (used, created,
mentioned; none means used): entries of role created or mentioned are not reuses to find,
and every entry with a role scores the predicted role of the model of that name (a model
labelled mentioned and not named at all agrees). Models the extractor says a paper created
are listed apart, never as false alarms.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from extract.aliases import key
from extract.errors import InputRejected
from extract.records import Extraction, Reuse
from extract.taxonomy import Pattern, Role, Stage


class GoldReuse(BaseModel):
    model: str
    aliases: list[str] = []
    pattern: list[str] = []
    stage: list[str] = []
    role: Role | None = None  # None: a reuse (used), role not labelled
    evidence: list[str] = []  # the decisive sentences, as the labeller read them

    def keys(self) -> set[str]:
        return {key(name) for name in [self.model, *self.aliases]}


class Label(BaseModel):
    file: str
    doi: str | None = None
    uses_dl: bool | None = None
    uses_ptms: bool | None = None
    reuses: list[GoldReuse] = []
    natural_science: bool | None = None
    notes: str = ""
    year: int | None = None
    field: int | None = None  # OpenAlex field id of the paper's main field
    corpus: str | None = None  # the set the paper came from (scores are also given per set)
    kind: str | None = None  # positive, hard_negative or negative

    @property
    def gold_reuses(self) -> list[GoldReuse]:
        """The entries that are reuses to find: role used, or no role (created and
        mentioned entries are named by the paper, not reused)."""
        return [gold for gold in self.reuses if gold.role in (None, Role.used)]


def read_labels(path: Path) -> list[Label]:
    if not path.is_file():  # a FIFO would hang the read
        kind = "is not a regular file" if path.exists() else "does not exist"
        raise InputRejected(f"the labels file {path} {kind}")
    labels = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                labels.append(Label.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as error:
                raise InputRejected(f"{path.name}:{number}: not a label: {error}") from error
    return labels


@dataclass
class Binary:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, gold: bool, predicted: bool) -> None:
        if gold and predicted:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif gold:
            self.fn += 1
        else:
            self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def kappa(self) -> float:
        """Cohen's kappa between the labels and the predictions."""
        n = self.tp + self.fp + self.fn + self.tn
        if n == 0:
            return 0.0
        observed = (self.tp + self.tn) / n
        yes = ((self.tp + self.fn) / n) * ((self.tp + self.fp) / n)
        no = ((self.tn + self.fp) / n) * ((self.tn + self.fn) / n)
        expected = yes + no
        return (observed - expected) / (1 - expected) if expected < 1 else 1.0


@dataclass
class PaperResult:
    file: str
    misses: list[str] = field(default_factory=list)  # gold reuses not found, and why
    false_alarms: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # models the extractor says it created


@dataclass
class Scores:
    uses_dl: Binary = field(default_factory=Binary)
    uses_ptms: Binary = field(default_factory=Binary)
    models: Binary = field(default_factory=Binary)
    pattern_correct: int = 0
    stage_correct: int = 0
    matched: int = 0
    pattern_undetermined: int = 0  # matched reuses whose pattern no evidence decided
    stage_undetermined: int = 0
    role_labelled: int = 0  # gold entries that carry a role
    role_correct: int = 0
    papers: list[PaperResult] = field(default_factory=list)
    # every matched reuse: the label's patterns and stages (best first), the extracted reuse
    pairs: list[tuple[list[str], list[str], Reuse]] = field(default_factory=list)

    @property
    def pattern_accuracy(self) -> float:
        """Over matched reuses with an evidenced pattern."""
        evidenced = self.matched - self.pattern_undetermined
        return self.pattern_correct / evidenced if evidenced else 0.0

    @property
    def stage_accuracy(self) -> float:
        """Over matched reuses with an evidenced stage."""
        evidenced = self.matched - self.stage_undetermined
        return self.stage_correct / evidenced if evidenced else 0.0

    @property
    def pattern_accuracy_all(self) -> float:
        """Over all matched reuses, undetermined counted as wrong."""
        return self.pattern_correct / self.matched if self.matched else 0.0

    @property
    def stage_accuracy_all(self) -> float:
        return self.stage_correct / self.matched if self.matched else 0.0

    @property
    def role_accuracy(self) -> float:
        return self.role_correct / self.role_labelled if self.role_labelled else 0.0


def _match(gold: GoldReuse, predicted: list[Reuse]) -> Reuse | None:
    keys = gold.keys()
    for reuse in predicted:
        if key(reuse.model) in keys or key(reuse.mention) in keys:
            return reuse
    return None


def score(pairs: list[tuple[Label, Extraction | None]]) -> Scores:
    """Score each labelled paper's extraction (None: the extractor failed on it)."""
    scores = Scores()
    for label, extraction in pairs:
        result = PaperResult(label.file)
        predicted = list(extraction.with_role(Role.used)) if extraction else []
        flags = (("uses_dl", label.uses_dl, scores.uses_dl),
                 ("uses_ptms", label.uses_ptms, scores.uses_ptms))  # fmt: skip
        for name, gold_flag, binary in flags:
            if gold_flag is None:
                continue
            said = bool(extraction and getattr(extraction, name))
            binary.add(gold_flag, said)
            if gold_flag and not said:
                result.misses.append(f"{name} missed")
            elif said and not gold_flag:
                result.false_alarms.append(f"{name} said but not labelled")
        if label.uses_ptms is not None:
            _score_reuses(scores, result, label, predicted)
        if extraction:
            _score_roles(scores, result, label, list(extraction.reuses))
        if result.misses or result.false_alarms or result.created:
            scores.papers.append(result)
    return scores


def _score_reuses(scores: Scores, result: PaperResult, label: Label, used: list[Reuse]) -> None:
    """Models, patterns and stages of one labelled paper's reuses."""
    unmatched = list(used)
    gold_reuses = label.gold_reuses
    for gold in gold_reuses:
        found = _match(gold, unmatched)
        if found is None:
            scores.models.add(True, False)
            result.misses.append(f"{gold.model}: not found")
            continue
        unmatched.remove(found)
        scores.models.add(True, True)
        scores.matched += 1
        scores.pairs.append((gold.pattern, gold.stage, found))
        scores.pattern_undetermined += found.pattern is Pattern.undetermined
        scores.stage_undetermined += found.stage is Stage.undetermined
        scores.pattern_correct += found.pattern.value in gold.pattern
        scores.stage_correct += found.stage.value in gold.stage
        if found.pattern not in (Pattern.undetermined, *gold.pattern):
            result.misses.append(
                f"{gold.model}: pattern {found.pattern.value}, labelled {gold.pattern}"
            )
    for extra in unmatched:
        if any(_match(gold, [extra]) for gold in gold_reuses):
            continue  # another name of a model already matched: the same reuse
        scores.models.add(False, True)
        result.false_alarms.append(f"{extra.model} ({extra.evidence[:100]})")


def _score_roles(scores: Scores, result: PaperResult, label: Label, named: list[Reuse]) -> None:
    """Roles where the labels carry them; created models listed apart. A model labelled
    mentioned that the extractor does not name at all agrees with the label: neither puts it
    in the graph."""
    for gold in label.reuses:
        if gold.role is None:
            continue
        scores.role_labelled += 1
        found = _match(gold, named)
        said = found.role if found else None
        agrees = said is gold.role or (said is None and gold.role is Role.mentioned)
        scores.role_correct += agrees
        if not agrees:
            result.misses.append(f"{gold.model}: role {said or 'not named'}, labelled {gold.role}")
    result.created += [made.model for made in named if made.role is Role.created]
