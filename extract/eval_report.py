"""Everything `kg eval` prints and writes, as plain rows: the scores (extract.evaluate), the
per-value scores, confusion, shares and coverage (extract.value_scores), and the same
headline scores per corpus and per field. Pure: labelled pairs in, rows out."""

from collections.abc import Callable
from typing import Any

from extract.evaluate import Binary, Label, Scores, score
from extract.records import Extraction
from extract.taxonomy import FIELDS
from extract.value_scores import ValueScores, value_scores

type Pairs = list[tuple[Label, Extraction | None]]
type Row = dict[str, Any]


def _binary_rows(scores: Scores) -> list[Row]:
    measures: tuple[tuple[str, Binary], ...] = (
        ("uses_dl", scores.uses_dl), ("uses_ptms", scores.uses_ptms),
        ("reused models", scores.models),
    )  # fmt: skip
    return [
        {"measure": name, "precision": round(b.precision, 3), "recall": round(b.recall, 3),
         "f1": round(b.f1, 3), "tp": b.tp, "fp": b.fp, "fn": b.fn}
        for name, b in measures
    ]  # fmt: skip


def _coverage(values: ValueScores) -> str:
    decided, total = values.coverage
    return f"{decided}/{total}"


def summary(scores: Scores, values: dict[str, ValueScores]) -> Row:
    """The headline numbers: agreement, accuracies, coverage and the largest leans."""
    row: Row = {
        "kappa_uses_ptms": round(scores.uses_ptms.kappa, 3),
        "matched_reuses": scores.matched,
        "roles_labelled": scores.role_labelled,
        "role_accuracy": round(scores.role_accuracy, 3),
    }
    for kind in ("pattern", "stage"):
        gap_value, gap = values[kind].largest_gap()
        row |= {
            f"{kind}_accuracy": round(getattr(scores, f"{kind}_accuracy"), 3),
            f"{kind}_coverage": _coverage(values[kind]),
            f"{kind}_largest_gap": f"{gap_value} {gap:+.1f}",
        }
    return row


def _f1(binary: Binary) -> float | None:
    """F1, or None where there is nothing to score (no labelled and no said positive)."""
    return round(binary.f1, 2) if binary.tp + binary.fp + binary.fn else None


def _group_row(name: str, pairs: Pairs) -> Row:
    scores = score(pairs)
    values = value_scores(pairs, scores.pairs)
    evidenced = scores.matched > 0
    return {
        "group": name, "papers": len(pairs),
        "models P": round(scores.models.precision, 2), "models R": round(scores.models.recall, 2),
        "models F1": _f1(scores.models), "uses_ptms F1": _f1(scores.uses_ptms),
        "pattern acc": round(scores.pattern_accuracy, 2) if evidenced else None,
        "stage acc": round(scores.stage_accuracy, 2) if evidenced else None,
        "role acc": round(scores.role_accuracy, 2) if scores.role_labelled else None,
        "pattern gap": values["pattern"].largest_gap()[1],
        "stage gap": values["stage"].largest_gap()[1],
    }  # fmt: skip


def _by(pairs: Pairs, group: Callable[[Label], str]) -> list[Row]:
    groups: dict[str, Pairs] = {}
    for pair in pairs:
        groups.setdefault(group(pair[0]), []).append(pair)
    return [_group_row(name, members) for name, members in sorted(groups.items())]


def _field_name(label: Label) -> str:
    if label.field is None:
        return "field not labelled"
    name = FIELDS.get(label.field, (f"field {label.field}", 0))[0]
    return f"{label.field} {name}"


def report(pairs: Pairs) -> dict[str, Any]:
    """All of `kg eval`'s figures for labelled papers and their extractions (None: failed)."""
    scores = score(pairs)
    values = value_scores(pairs, scores.pairs)
    mistakes = [
        {"paper": p.file, "misses": "; ".join(p.misses), "false alarms": "; ".join(p.false_alarms),
         "created (not scored)": "; ".join(p.created)}
        for p in scores.papers
    ]  # fmt: skip
    return {
        "papers": len(pairs),
        "scores": _binary_rows(scores),
        "summary": summary(scores, values),
        "per_value": [row for kind in values.values() for row in kind.per_value()],
        "confusion": {kind: v.confusion_rows() for kind, v in values.items()},
        "shares": [row for kind in values.values() for row in kind.shares()],
        "by_corpus": _by(pairs, lambda label: label.corpus or "labels"),
        "by_field": _by(pairs, _field_name),
        "mistakes": mistakes,
    }
