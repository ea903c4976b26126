"""At 80 columns every module's table keeps its key columns (what a row is about), fits the
width without cutting a header, and says which columns it left out."""

import pytest
from rich.console import Console

from kg.graph.stores.falkor import FalkorStore
from kg.questions import queries, render
from tests.corpora import load_demo


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, object]]]:
    with FalkorStore(tmp_path_factory.mktemp("ws")) as store:
        store.setup_schema()
        load_demo(store, tmp_path_factory.mktemp("demo"))
        return {name: queries.run(store, name) for name in queries.modules()}


def shown_at(rows: list[dict[str, object]], width: int) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(render.table(rows, title="t"))
    return console.export_text()


@pytest.mark.parametrize("width", [80, 100])
def test_no_table_loses_its_key_columns_or_cuts_a_header(
    answers: dict[str, list[dict[str, object]]], width: int
) -> None:
    for name, rows in answers.items():
        if not rows:
            continue
        text = shown_at(rows, width)
        assert max(map(len, text.splitlines())) <= width, name
        keys = render.key_columns(rows, list(rows[0]))
        caption = text.rsplit("┘", 1)[-1] if "┘" in text else ""  # under the table
        assert not [k for k in keys if k in caption.replace(",", " ").split()], (name, caption)
        if "┃" in text:  # a table, not cards: every header word whole
            header = " ".join(line for line in text.splitlines() if "┃" in line)
            for column in rows[0]:
                if column not in caption:
                    for word in column.split("_"):
                        assert word in header, (name, column, word)


def test_patterns_by_field_keeps_the_pattern_at_80_columns(
    answers: dict[str, list[dict[str, object]]],
) -> None:
    text = shown_at(answers["patterns_by_field"], 80)
    assert "adaptation" in text and "pattern" in text.split("┡")[0]
    assert "undetermined" in text.rsplit("┘", 1)[-1]  # left out, or said once, under it


def test_key_columns_run_to_the_first_number_after_text() -> None:
    row = {"field_id": 1, "field": "x", "pattern": "y", "reuses": 2, "share": 0.5}
    assert render.key_columns([row], list(row)) == ["field_id", "field", "pattern"]
    assert render.key_columns([{"stage": "Test", "n": 1}], ["stage", "n"]) == ["stage"]


def test_a_whole_table_count_is_said_once(answers: dict[str, list[dict[str, object]]]) -> None:
    """stages_overall repeats its undetermined count on every row: the table says it once."""
    rows = answers["stages_overall"]
    text = shown_at(rows, 80)
    assert text.count("undetermined") == 1
    assert f"undetermined: {rows[0]['undetermined']} on every row" in text
