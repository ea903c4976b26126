"""Pattern and stage distributions of an extractor's reuses beside the labels', so a run
shows where its definitions drift from the labellers' (e.g. Test as a catch-all).

The unit is the paper–model edge (one per model a paper uses), as the graph counts; a gold
reuse that accepts several values counts a share of one to each. Undetermined values are
counted apart, so the shares of decided values compare like with like.
"""

from collections import defaultdict

from extract.evaluate import Label
from extract.records import Extraction
from extract.taxonomy import Pattern, Role, Stage


def _shares(counts: dict[str, float], total: float) -> dict[str, float]:
    return {value: round(n / total, 3) if total else 0.0 for value, n in counts.items()}


def distributions(pairs: list[tuple[Label, Extraction | None]]) -> list[dict[str, object]]:
    """One row per pattern and stage value: labelled and extracted counts and shares."""
    gold: dict[str, dict[str, float]] = {k: defaultdict(float) for k in ("pattern", "stage")}
    found: dict[str, dict[str, float]] = {k: defaultdict(float) for k in ("pattern", "stage")}
    for label, extraction in pairs:
        for reuse in label.reuses:
            for kind, values in (("pattern", reuse.pattern), ("stage", reuse.stage)):
                for value in values:
                    gold[kind][value] += 1 / len(values)
        for edge in extraction.reuses if extraction else ():
            if edge.role == Role.used:
                found["pattern"][edge.pattern.value] += 1
                found["stage"][edge.stage.value] += 1
    rows: list[dict[str, object]] = []
    for kind, members in (("pattern", list(Pattern)), ("stage", list(Stage))):
        decided_gold = sum(n for v, n in gold[kind].items() if v != "undetermined")
        decided_found = sum(n for v, n in found[kind].items() if v != "undetermined")
        gold_share = _shares(gold[kind], decided_gold)
        found_share = _shares(found[kind], decided_found)
        for member in members:
            value = member.value
            rows.append({
                "kind": kind, "value": value,
                "labelled": round(gold[kind][value], 2),
                "labelled_share": gold_share.get(value, 0.0),
                "extracted": int(found[kind][value]),
                "extracted_share": found_share.get(value, 0.0),
            })  # fmt: skip
    return rows
