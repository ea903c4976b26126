"""The study's taxonomies: natural-science fields, reuse patterns, scientific-process stages,
and the role a paper gives each model it names."""

from enum import StrEnum


class Pattern(StrEnum):
    """How a paper reuses a pre-trained model."""

    conceptual = "conceptual"  # re-implements a published architecture or idea; no weights reused
    adaptation = (
        "adaptation"  # starts from released weights and changes them (fine-tuning, LoRA...)
    )
    deployment = "deployment"  # runs a released model as it is (possibly converted or served)
    undetermined = "undetermined"  # no evidence in the paper decides it; never a finding


class Stage(StrEnum):
    """The step of the scientific process a model serves, in the study's order."""

    Observation = "Observation"
    Background = "Background"
    Hypothesis = "Hypothesis"
    Test = "Test"
    Analysis = "Analysis"
    Conclusion = "Conclusion"
    undetermined = "undetermined"  # no evidence in the paper decides it; never a finding


class Role(StrEnum):
    """What a paper does with a model it names."""

    used = "used"  # the authors run, tune or build on someone else's model: a reuse
    created = "created"  # the authors introduce, name or train their own model
    mentioned = "mentioned"  # named only as background, prior work, a family or an outlook


# Which role a model gets when a paper names it more than once (both extractors): the paper's
# own model stays its own, a use outranks a mention.
ROLE_PRECEDENCE: tuple[Role, ...] = (Role.created, Role.used, Role.mentioned)


def stronger_role(first: Role, second: Role) -> Role:
    """The role that wins between two mentions of one model (ROLE_PRECEDENCE)."""
    return min(first, second, key=ROLE_PRECEDENCE.index)


# The values a finding can take: undetermined is a count beside them, never a share or a hub.
PATTERNS: tuple[Pattern, ...] = tuple(p for p in Pattern if p is not Pattern.undetermined)
STAGES: tuple[Stage, ...] = tuple(s for s in Stage if s is not Stage.undetermined)
STAGE_ORDER: dict[Stage, int] = {stage: i for i, stage in enumerate(STAGES, start=1)}

# OpenAlex domains (id -> name).
DOMAINS: dict[int, str] = {
    1: "Life Sciences",
    2: "Social Sciences",
    3: "Physical Sciences",
    4: "Health Sciences",
}

# OpenAlex fields (id -> (name, domain id)). The eight natural-science fields of the study come
# first; the rest appear as secondary topics of natural-science papers.
FIELDS: dict[int, tuple[str, int]] = {
    11: ("Agricultural and Biological Sciences", 1),
    13: ("Biochemistry, Genetics and Molecular Biology", 1),
    16: ("Chemistry", 3),
    19: ("Earth and Planetary Sciences", 3),
    23: ("Environmental Science", 3),
    24: ("Immunology and Microbiology", 1),
    28: ("Neuroscience", 1),
    31: ("Physics and Astronomy", 3),
    12: ("Arts and Humanities", 2),
    14: ("Business, Management and Accounting", 2),
    15: ("Chemical Engineering", 3),
    17: ("Computer Science", 3),
    18: ("Decision Sciences", 2),
    20: ("Economics, Econometrics and Finance", 2),
    21: ("Energy", 3),
    22: ("Engineering", 3),
    25: ("Materials Science", 3),
    26: ("Mathematics", 3),
    27: ("Medicine", 4),
    29: ("Nursing", 4),
    30: ("Pharmacology, Toxicology and Pharmaceutics", 1),
    32: ("Psychology", 2),
    33: ("Social Sciences", 2),
    34: ("Veterinary", 4),
    35: ("Dentistry", 4),
    36: ("Health Professions", 4),
}

NATURAL_SCIENCE_FIELDS: frozenset[int] = frozenset({11, 13, 16, 19, 23, 24, 28, 31})
