"""Small hand-built records whose query answers are worked out by hand in the tests."""

from extract.records import Extraction, FieldRef, Reuse, Work
from extract.taxonomy import DOMAINS, FIELDS, Pattern, Role, Stage

A, D, C = Pattern.adaptation, Pattern.deployment, Pattern.conceptual


def field(field_id: int, rank: int) -> FieldRef:
    name, domain = FIELDS[field_id]
    return FieldRef(id=field_id, name=name, domain=DOMAINS[domain], rank=rank, score=0.9)


def work(n: int, year: int, *field_ids: int, title: str = "") -> Work:
    return Work(
        id=f"W{n}",
        title=title or f"Paper {n}",
        year=year,
        fields=tuple(field(f, rank) for rank, f in enumerate(field_ids)),
    )


def reuse(
    model: str,
    pattern: Pattern,
    stage: Stage,
    family: str = "",
    modality: str = "test",
    role: Role = Role.used,
) -> Reuse:
    return Reuse(
        mention=model,
        model=model,
        family=family or model,
        modality=modality,
        pattern=pattern,
        stage=stage,
        form="test",
        evidence=f"We used {model}.",
        role=role,
    )


def extraction(n: int, uses_dl: bool, *reuses: Reuse) -> Extraction:
    return Extraction(
        work_id=f"W{n}",
        uses_dl=uses_dl,
        uses_ptms=any(r.role is Role.used for r in reuses),
        reuses=reuses,
        extractor="hand",
        extractor_version="1",
    )


WORKS = [
    work(1, 2020, 13, 17),
    work(2, 2021, 13),
    work(3, 2022, 11, 13),
    work(4, 2019, 11),
    work(5, 2018, 16),
    work(6, 2023, 16),
]
EXTRACTIONS = [
    extraction(
        1, True, reuse("ESM-2", A, Stage.Test, "ESM"), reuse("AlphaFold2", D, Stage.Analysis)
    ),
    extraction(2, True, reuse("ESM-2", A, Stage.Test, "ESM")),
    extraction(
        3, True, reuse("ResNet-50", A, Stage.Observation), reuse("ESM-2", D, Stage.Test, "ESM")
    ),
    extraction(4, True),
    extraction(5, False),
    extraction(6, True, reuse("SchNet", C, Stage.Test, modality="unknown")),
]

# Roles and undetermined values, beside the graph above: W7 (Biochemistry) introduces
# PlanktoNet, names AlexNet only as background, and reuses ESM-2 saying nothing of how; W8
# (Agricultural) and W9 (Computer Science) reuse PlanktoNet.
U = Pattern.undetermined
ROLE_WORKS = [work(7, 2021, 13), work(8, 2023, 11), work(9, 2024, 17)]
ROLE_EXTRACTIONS = [
    extraction(
        7,
        True,
        reuse("PlanktoNet", U, Stage.undetermined, modality="unknown", role=Role.created),
        reuse("AlexNet", U, Stage.undetermined, role=Role.mentioned),
        reuse("ESM-2", U, Stage.undetermined, "ESM"),
    ),
    extraction(8, True, reuse("PlanktoNet", D, Stage.Observation, modality="unknown")),
    extraction(9, True, reuse("PlanktoNet", A, Stage.undetermined, modality="unknown")),
]
