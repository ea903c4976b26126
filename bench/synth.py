"""Synthetic corpora of any size, written straight as records for the loader (no LLM).

Shapes, chosen to look like the study's data: the eight natural-science fields in unequal
shares (Biochemistry largest), a secondary topic for most papers, papers growing ~25% a year
to 2025, deep learning in a rising share of papers and PTM reuse in about half of those, a
long tail of model popularity (Zipf over the alias table plus invented long-tail models),
adaptation > deployment > conceptual, and Test the most common stage.

    from bench.synth import corpus
    for works, extractions in corpus(100_000, chunk=10_000): ...
"""

import random
from collections.abc import Iterator

from extract.aliases import MODELS
from extract.records import Extraction, FieldRef, Reuse, Work
from extract.taxonomy import DOMAINS, FIELDS, Pattern, Stage

FIELD_WEIGHTS = {13: 30, 11: 16, 28: 14, 16: 11, 31: 10, 23: 8, 19: 6, 24: 5}
SECONDARY = [17, 22, 25, 27, 30, 26, 15]
PATTERN_WEIGHTS = {Pattern.adaptation: 55, Pattern.deployment: 35, Pattern.conceptual: 10}
STAGE_WEIGHTS = {Stage.Test: 45, Stage.Analysis: 20, Stage.Observation: 18, Stage.Hypothesis: 9,
                 Stage.Background: 5, Stage.Conclusion: 3}  # fmt: skip
YEARS = list(range(2000, 2026))
YEAR_WEIGHTS = [1.25 ** (y - 2000) for y in YEARS]
MODEL_POOL = [(m.name, m.family, m.modality) for m in MODELS] + [
    (f"LongTailNet-{i}", f"LongTailNet-{i % 50}", "vision") for i in range(400)
]
MODEL_WEIGHTS = [1 / (rank + 1) for rank in range(len(MODEL_POOL))]  # Zipf


def _field(field_id: int, rank: int) -> FieldRef:
    name, domain = FIELDS[field_id]
    return FieldRef(
        id=field_id, name=name, domain=DOMAINS[domain], rank=rank, score=0.9 - rank / 10
    )


def paper(n: int, rng: random.Random) -> tuple[Work, Extraction]:
    year = rng.choices(YEARS, YEAR_WEIGHTS)[0]
    primary = rng.choices(list(FIELD_WEIGHTS), list(FIELD_WEIGHTS.values()))[0]
    fields = [_field(primary, 0)]
    if rng.random() < 0.7:
        fields.append(_field(rng.choice(SECONDARY), 1))
    work = Work(id=f"W{n}", doi=f"10.5555/synth.{n}", title=f"Synthetic paper {n}", year=year,
                journal="Synthetic Journal", cited_by_count=rng.randint(1, 200), is_oa=True,
                fields=tuple(fields))  # fmt: skip
    uses_dl = rng.random() < 0.2 + 0.6 * (year - 2000) / 25
    reuses: list[Reuse] = []
    if uses_dl and rng.random() < 0.5:
        for name, family, modality in {m: None for m in rng.choices(
                MODEL_POOL, MODEL_WEIGHTS, k=rng.choice([1, 1, 1, 2, 3]))}:  # fmt: skip
            reuses.append(Reuse(
                mention=name, model=name, family=family, modality=modality,
                pattern=rng.choices(list(PATTERN_WEIGHTS), list(PATTERN_WEIGHTS.values()))[0],
                stage=rng.choices(list(STAGE_WEIGHTS), list(STAGE_WEIGHTS.values()))[0],
                form="synthetic", evidence=f"We used {name} in synthetic paper {n}.",
            ))  # fmt: skip
    extraction = Extraction(
        work_id=work.id, uses_dl=uses_dl, uses_ptms=bool(reuses), reuses=tuple(reuses),
        extractor="synthetic", extractor_version="1",
    )  # fmt: skip
    return work, extraction


def corpus(
    size: int, chunk: int = 10_000, seed: int = 7
) -> Iterator[tuple[list[Work], list[Extraction]]]:
    """`size` papers in chunks, so a million never sit in memory at once."""
    rng = random.Random(seed)
    for start in range(0, size, chunk):
        pairs = [paper(n, rng) for n in range(start, min(start + chunk, size))]
        yield [w for w, _ in pairs], [e for _, e in pairs]
