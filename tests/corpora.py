"""Corpora the two stores are compared on: the demo, and a synthetic one built to be hard.

The synthetic corpus (2,400 papers, fixed seed) holds what makes engines disagree: failed and
pending papers, null years and DOIs, papers in up to three fields, a model named several
times by one paper, models used, created and only mentioned, undetermined patterns and
stages, twenty years (2006-2025), long tails of models, families and unknown
models, and ties in every ranking (pairs of fields, models, families and years given exactly
the same papers, so only the tie-breaking keys of ORDER BY can order them).
"""

import random
from pathlib import Path

from extract.records import Extraction, ExtractionFailure, FieldRef, Outcome, Reuse, Work
from extract.taxonomy import DOMAINS, FIELDS, Pattern, Role, Stage
from kg.demo import run_demo
from kg.graph.stores.base import GraphStore
from kg.workspace import Run, Workspace

SIZE = 2400
YEARS = list(range(2006, 2026))
NATURAL = [11, 13, 16, 19, 23, 24, 28, 31]
OTHER = [17, 22, 25, 27]
MODELS = [(f"Net-{i}", f"Family-{i % 9}", "unknown" if i % 4 == 0 else "vision")
          for i in range(40)]  # fmt: skip


def _field(field_id: int, rank: int, rng: random.Random) -> FieldRef:
    name, domain = FIELDS[field_id]
    return FieldRef(id=field_id, name=name, domain=DOMAINS[domain], rank=rank,
                    score=round(rng.random(), 3))  # fmt: skip


def _reuse(model: int, n: int, rng: random.Random, mention: str | None = None) -> Reuse:
    name, family, modality = MODELS[model]
    role = rng.choices([Role.used, Role.created, Role.mentioned], [8, 1, 1])[0]
    return Reuse(mention=mention or name, model=name, family=family, modality=modality,
                 pattern=rng.choice(list(Pattern)), stage=rng.choice(list(Stage)),
                 form="synthetic", evidence=f"We used {name} in paper {n}.",
                 found_by=rng.choice(["table", "pattern", "llm"]), role=role)  # fmt: skip


def _title(n: int) -> str:
    if n % 11 == 0:  # CSV's hard cases: quotes, commas, a line break, a backslash
        return f'Hard paper {n}: "quoted", with a comma,\na line break and a \\ backslash'
    return f"Hard paper {n}"


def _paper(n: int, rng: random.Random) -> tuple[Work, Outcome | None]:
    twin = n % 2  # papers come in twins: n and n+1 differ only in their fields and model
    base = n - twin
    brng = random.Random(base)  # what twins share
    year = None if base % 50 == 0 else YEARS[(base // 2 * 7) % len(YEARS)]
    first = NATURAL[(base // 2) % len(NATURAL)]
    # the twin of a paper in field F sits in F's partner, so partner fields tie everywhere
    primary = first if not twin else NATURAL[NATURAL.index(first) ^ 1]
    fields = [_field(primary, 0, brng)]
    for rank in range(1, brng.choice([1, 1, 2, 3])):
        fields.append(_field((NATURAL + OTHER)[(base + 3 * rank) % 12], rank, brng))
    work = Work(id=f"W{n}", doi=None if base % 7 == 0 else f"10.5555/hard.{n}",
                title=_title(n), year=year, journal="Synthetic Journal",
                cited_by_count=base % 13, is_oa=base % 3 != 0, fields=tuple(fields))  # fmt: skip
    if base % 23 == 0:
        return work, None  # pending: no stored extraction
    if base % 19 == 0:
        return work, ExtractionFailure(work_id=work.id, extractor="synthetic",
                                       extractor_version="1", reason="test failure")  # fmt: skip
    uses_dl = brng.random() < 0.7
    reuses: list[Reuse] = []
    if uses_dl and brng.random() < 0.7:
        for k in range(brng.choice([1, 1, 2, 3])):
            model = (int(brng.paretovariate(1.2)) * 2 + 2 * k) % len(MODELS)
            model ^= twin  # the twin reuses the partner model: partner models tie too
            reuses.append(_reuse(model, base, brng))
            if brng.random() < 0.2:  # the same model named again in the same paper
                reuses.append(_reuse(model, base, brng, mention=f"{MODELS[model][0]} (v2)"))
    used = any(reuse.role is Role.used for reuse in reuses)
    extraction = Extraction(work_id=work.id, uses_dl=uses_dl, uses_ptms=used,
                            reuses=tuple(reuses), extractor="synthetic",
                            extractor_version="1")  # fmt: skip
    return work, extraction


def synthetic_workspace(directory: Path, size: int = SIZE) -> tuple[Workspace, Run]:
    """A workspace holding `size` hard papers with their stored outcomes."""
    rng = random.Random(17)
    papers = [_paper(n, rng) for n in range(size)]
    workspace = Workspace(directory)
    workspace.import_works([w for w, _ in papers], "synthetic")
    run = workspace.run_for("synthetic", "1", {})
    workspace.store_outcomes(run, [(o, None) for _, o in papers if o is not None])
    return workspace, run


def load_demo(store: GraphStore, directory: Path) -> None:
    from extract.rules import RulesExtractor

    workspace = Workspace(directory)
    try:
        run_demo(store, workspace, RulesExtractor(workers=1))
    finally:
        workspace.close()
