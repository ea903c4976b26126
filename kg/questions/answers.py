"""The study's three headline answers, read off the query modules' ordered tables."""

from dataclasses import dataclass

from extract.errors import InputRejected
from kg.stores.base import Row

HEADLINE_TABLES = ("ptm_reuse_by_field", "patterns_overall", "stages_overall")


@dataclass(frozen=True)
class Headlines:
    leading_field: str
    leading_field_ptm_papers: int
    top_pattern: str
    top_pattern_share: float
    top_stage: str
    top_stage_share: float
    # Reuses whose pattern (stage) the papers evidence, and those left undetermined: the
    # shares above are of the evidenced ones.
    pattern_evidenced: int = 0
    pattern_undetermined: int = 0
    stage_evidenced: int = 0
    stage_undetermined: int = 0

    def pattern_basis(self) -> str:
        return _basis(self.pattern_evidenced, self.pattern_undetermined, "pattern")

    def stage_basis(self) -> str:
        return _basis(self.stage_evidenced, self.stage_undetermined, "stage")


def _basis(evidenced: int, undetermined: int, what: str) -> str:
    """ "of the 40 reuses whose pattern the papers evidence; 9 undetermined"."""
    return (f"of the {evidenced} reuses whose {what} the papers evidence; "
            f"{undetermined} undetermined")  # fmt: skip


def headlines(tables: dict[str, list[Row]]) -> Headlines:
    """The study's three answers, read off the first row of each ordered table."""
    if not all(tables[name] for name in HEADLINE_TABLES):
        raise InputRejected("the graph holds no PTM reuse yet: run `kg demo` or `kg load` first")
    field, pattern, stage = (
        tables["ptm_reuse_by_field"][0],
        tables["patterns_overall"][0],
        tables["stages_overall"][0],
    )
    return Headlines(
        leading_field=field["field"],
        leading_field_ptm_papers=field["ptm_papers"],
        top_pattern=pattern["pattern"],
        top_pattern_share=pattern["reuse_share"],
        top_stage=stage["stage"],
        top_stage_share=stage["reuse_share"],
        pattern_evidenced=sum(row["reuses"] for row in tables["patterns_overall"]),
        pattern_undetermined=pattern.get("undetermined", 0),
        stage_evidenced=sum(row["reuses"] for row in tables["stages_overall"]),
        stage_undetermined=stage.get("undetermined", 0),
    )
