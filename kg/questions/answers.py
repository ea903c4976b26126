"""The study's three headline answers, read off the query modules' ordered tables.

The basis of each share (reuses whose pattern or stage the papers evidence, and those left
undetermined) comes from the evidenced_values module, which answers even when no reuse has
an evidenced value; then the answer says so instead of naming a stage with no reuse.
"""

from dataclasses import dataclass

from extract.errors import InputRejected
from kg.graph.stores.base import GraphStore, Row
from kg.questions import queries

HEADLINE_TABLES = ("ptm_reuse_by_field", "patterns_overall", "stages_overall")


@dataclass(frozen=True)
class Headlines:
    leading_field: str
    leading_field_ptm_papers: int
    top_pattern: str | None  # None: no reuse has an evidenced pattern
    top_pattern_share: float
    top_stage: str | None  # None: no reuse has an evidenced stage
    top_stage_share: float
    # Reuses whose pattern (stage) the papers evidence, and those left undetermined: the
    # shares above are of the evidenced ones.
    pattern_evidenced: int = 0
    pattern_undetermined: int = 0
    stage_evidenced: int = 0
    stage_undetermined: int = 0

    @property
    def pattern_name(self) -> str:
        return self.top_pattern or "no evidenced pattern"

    @property
    def stage_name(self) -> str:
        return self.top_stage or "no evidenced stage"

    def pattern_detail(self) -> str:
        """ "(62% of the 40 reuses whose pattern the papers evidence; 9 undetermined)"."""
        return _detail(self.top_pattern_share, self.pattern_evidenced,
                       self.pattern_undetermined, "pattern")  # fmt: skip

    def stage_detail(self) -> str:
        return _detail(self.top_stage_share, self.stage_evidenced, self.stage_undetermined,
                       "stage")  # fmt: skip


def _detail(share: float, evidenced: int, undetermined: int, what: str) -> str:
    if not evidenced:
        return f"(all {undetermined} reuses have an undetermined {what})"
    return (f"({share:.0%} of the {evidenced} reuses whose {what} the papers evidence; "
            f"{undetermined} undetermined)")  # fmt: skip


def _top(rows: list[Row], column: str) -> tuple[str | None, float]:
    """The first row's value and share, when it counts any reuse."""
    if rows and rows[0]["reuses"] > 0:
        return rows[0][column], rows[0]["reuse_share"]
    return None, 0.0


def headlines(tables: dict[str, list[Row]], evidenced: Row) -> Headlines:
    """The study's three answers, read off the first row of each ordered table; `evidenced`
    is the evidenced_values module's row."""
    if not evidenced["reuses"] or not tables["ptm_reuse_by_field"]:
        raise InputRejected("the graph holds no PTM reuse yet: run `kg demo` or `kg load` first")
    field = tables["ptm_reuse_by_field"][0]
    pattern, pattern_share = _top(tables["patterns_overall"], "pattern")
    stage, stage_share = _top(tables["stages_overall"], "stage")
    return Headlines(
        leading_field=field["field"],
        leading_field_ptm_papers=field["ptm_papers"],
        top_pattern=pattern,
        top_pattern_share=pattern_share,
        top_stage=stage,
        top_stage_share=stage_share,
        pattern_evidenced=evidenced["pattern_evidenced"],
        pattern_undetermined=evidenced["pattern_undetermined"],
        stage_evidenced=evidenced["stage_evidenced"],
        stage_undetermined=evidenced["stage_undetermined"],
    )


def evidenced_row(store: GraphStore) -> Row:
    (row,) = queries.run(store, "evidenced_values")
    return row
