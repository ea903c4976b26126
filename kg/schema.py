"""The graph schema of DESIGN.md: labels, keys, relationship types, and the fixed hub nodes."""

from extract.taxonomy import PATTERNS, STAGE_ORDER

LABELS = ("Paper", "Model", "Field", "Pattern", "Stage")
RELATIONSHIP_TYPES = ("IN_FIELD", "REUSES", "APPLIES", "IMPACTS", "INTRODUCES")

# label -> key property (a uniqueness constraint in each store)
KEYS: dict[str, str] = {
    "Paper": "id",
    "Model": "name",
    "Field": "id",
    "Pattern": "name",
    "Stage": "name",
}
# further indexed properties, for the filters the query modules use
INDEXES: dict[str, tuple[str, ...]] = {"Paper": ("year",), "Model": ("family",)}

PROPERTY_KEYS = (
    "id",
    "doi",
    "title",
    "year",
    "journal",
    "cited_by_count",
    "is_oa",
    "uses_dl",
    "uses_ptms",
    "extractor",
    "prompt_version",
    "status",
    "text_source",
    "name",
    "family",
    "modality",
    "domain",
    "order",
    "rank",
    "score",
    "mention",
    "pattern",
    "stage",
    "form",
    "evidence",
    "found_by",
    "model",
    "role",
)

# Pattern and Stage are small fixed hubs; they exist even before any reuse is loaded. There is
# no hub for `undetermined`: it is a count beside the findings, not one of them.
SEED_HUBS = """
UNWIND $patterns AS pattern_name
MERGE (:Pattern {name: pattern_name})
WITH count(*) AS patterns
UNWIND $stages AS stage
MERGE (s:Stage {name: stage.name})
SET s.order = stage.order
"""


def seed_parameters() -> dict[str, object]:
    return {
        "patterns": [p.value for p in PATTERNS],
        "stages": [{"name": s.value, "order": order} for s, order in STAGE_ORDER.items()],
    }
