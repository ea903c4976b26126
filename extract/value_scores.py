"""Pattern and stage scored per value, so a lean cannot hide behind an accuracy.

An accuracy that counts a prediction right when it is any of a reuse's accepted values says
1.0 while an extractor calls nine reuses in ten Test. Here each value is scored on its own:

- **per value** (over matched reuses): precision and recall of the value against the label's
  first, best value (a label lists its best value first, then others a careful reader could
  pick); a prediction of another accepted value counts against both, as the confusion
  matrix shows;
- **confusion**: labelled best value (rows) against extracted value (columns, undetermined
  included), over matched reuses;
- **shares** (over every paper-model edge, matched or not, as the graph counts them): the
  labelled best values' shares beside the extracted decided values' shares, with their
  difference in points; the largest difference is the lean a reader of the graph would see;
- **coverage**: how many extracted reuses got a decided value (undetermined is never a
  share, and never hidden).
"""

from collections import Counter
from dataclasses import dataclass, field

from extract.evaluate import Label
from extract.records import Extraction, Reuse
from extract.taxonomy import PATTERNS, STAGES, Role

UNDETERMINED = "undetermined"
VALUES: dict[str, tuple[str, ...]] = {
    "pattern": tuple(p.value for p in PATTERNS),
    "stage": tuple(s.value for s in STAGES),
}


def _said(reuse: Reuse, kind: str) -> str:
    return str(getattr(reuse, kind).value)


@dataclass
class ValueScores:
    """One kind's (pattern or stage) per-value scores, shares and coverage."""

    kind: str
    confusion: dict[str, Counter[str]] = field(default_factory=dict)  # best value -> said
    labelled: Counter[str] = field(default_factory=Counter)  # best values of gold reuses
    extracted: Counter[str] = field(default_factory=Counter)  # values of extracted reuses

    def add_pair(self, best: str | None, said: str) -> None:
        if best:
            self.confusion.setdefault(best, Counter())[said] += 1

    def per_value(self) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = []
        for value in VALUES[self.kind]:
            right = self.confusion.get(value, Counter())[value]
            said = sum(c[value] for c in self.confusion.values())
            gold = sum(self.confusion.get(value, Counter()).values())
            rows.append({"value": value,
                         "precision": round(right / said, 3) if said else None,
                         "recall": round(right / gold, 3) if gold else None,
                         "right": right, "said": said, "labelled": gold})  # fmt: skip
        return rows

    def confusion_rows(self) -> list[dict[str, object]]:
        columns = (*VALUES[self.kind], UNDETERMINED)
        return [
            {"labelled": value, **{c: self.confusion.get(value, Counter())[c] for c in columns}}
            for value in VALUES[self.kind]
        ]

    def shares(self) -> list[dict[str, object]]:
        gold_total = sum(self.labelled[v] for v in VALUES[self.kind])
        said_total = sum(self.extracted[v] for v in VALUES[self.kind])
        rows: list[dict[str, object]] = []
        for value in VALUES[self.kind]:
            gold = self.labelled[value] / gold_total if gold_total else 0.0
            said = self.extracted[value] / said_total if said_total else 0.0
            rows.append({"value": value,
                         "labelled": self.labelled[value], "labelled %": round(100 * gold, 1),
                         "extracted": self.extracted[value], "extracted %": round(100 * said, 1),
                         "gap (points)": round(100 * (said - gold), 1)})  # fmt: skip
        return rows

    def largest_gap(self) -> tuple[str, float]:
        """The value whose extracted share is farthest from its labelled share, and by how
        many points (signed: positive means extracted over labelled)."""
        rows = self.shares()
        worst = max(rows, key=lambda r: abs(float(r["gap (points)"])))  # type: ignore[arg-type]
        return str(worst["value"]), float(worst["gap (points)"])  # type: ignore[arg-type]

    @property
    def coverage(self) -> tuple[int, int]:
        """(extracted reuses with a decided value, extracted reuses)."""
        total = sum(self.extracted.values())
        return total - self.extracted[UNDETERMINED], total


def value_scores(
    pairs: list[tuple[Label, Extraction | None]], matched: list[tuple[list[str], list[str], Reuse]]
) -> dict[str, ValueScores]:
    """Per-value scores of both kinds. `matched` holds, for every matched reuse, the label's
    patterns, the label's stages (best first) and the extracted reuse."""
    scores = {kind: ValueScores(kind) for kind in VALUES}
    for patterns, stages, reuse in matched:
        for kind, accepted in (("pattern", patterns), ("stage", stages)):
            scores[kind].add_pair(accepted[0] if accepted else None, _said(reuse, kind))
    for label, extraction in pairs:
        if label.uses_ptms is None:
            continue  # a borderline paper is not scored, in shares either
        for gold in label.gold_reuses:
            for kind, accepted in (("pattern", gold.pattern), ("stage", gold.stage)):
                if accepted:
                    scores[kind].labelled[accepted[0]] += 1
        for reuse in extraction.with_role(Role.used) if extraction else ():
            for kind in VALUES:
                scores[kind].extracted[_said(reuse, kind)] += 1
    return scores
