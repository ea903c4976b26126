"""Issue 19, a researcher's first day: each friction replayed through the `kg` command."""

import json
from pathlib import Path

from tests.test_cli import kg

MINE = {
    "work": {"id": "W900", "title": "Fine-tuning ESM-2", "year": 2024},
    "text": {"work_id": "W900", "title": "Fine-tuning ESM-2",
             "abstract": "We fine-tuned ESM-2 on enzymes."},
}  # fmt: skip


def test_own_papers_never_mix_silently_with_the_demo(tmp_path: Path) -> None:
    assert kg(tmp_path, "demo").returncode == 0
    mine = tmp_path / "mine.jsonl"
    mine.write_text(json.dumps(MINE) + "\n")
    mixed = kg(tmp_path, "load", str(mine))
    assert mixed.returncode == 2
    assert "holds the demo's 49 papers" in mixed.stderr and "--drop-demo" in mixed.stderr
    alone = kg(tmp_path, "load", "--drop-demo", str(mine))
    assert alone.returncode == 0, alone.stderr
    assert "Loaded 1 paper" in alone.stdout
    rebuilt = kg(tmp_path, "load", "--rebuild")  # the demo does not come back
    assert "Loaded 1 paper" in rebuilt.stdout, rebuilt.stderr
    where = kg(tmp_path, "where")
    assert str(tmp_path / "ws") in where.stdout and "embedded FalkorDB" in where.stdout
    assert "1 of your own, 0 from the demo" in where.stdout

    wipe = kg(tmp_path, "demo")  # would wipe the user's paper
    assert wipe.returncode == 2 and "--force" in wipe.stderr
    stats = kg(tmp_path, "stats", "-f", "json")
    assert json.loads(stats.stdout)["graph"][0]["Paper"] == 1
    assert kg(tmp_path, "demo", "--force").returncode == 0


def test_a_reading_command_where_there_is_no_workspace_says_so(tmp_path: Path) -> None:
    for command in (["query", "top_ptms"], ["stats"], ["report"]):
        done = kg(tmp_path, *command)
        assert done.returncode == 2, command
        assert "no workspace at" in done.stderr and "kg demo" in done.stderr
    assert not (tmp_path / "ws").exists()  # and made none


def test_a_cut_table_says_how_many_rows_there_are(tmp_path: Path) -> None:
    assert kg(tmp_path, "demo").returncode == 0
    done = kg(tmp_path, "query", "evidence", "-p", "limit=3", "-f", "json")
    assert len(json.loads(done.stdout)) == 3
    assert "showing 3 of 41 rows; `-p limit=41` shows them all" in done.stderr
    family = kg(tmp_path, "query", "papers_behind", "-p", "model=alphafold", "-f", "json")
    assert family.returncode == 0 and json.loads(family.stdout), family.stderr
    by_id = kg(tmp_path, "query", "papers_behind", "-p", "field=28", "-f", "json")
    assert json.loads(by_id.stdout) and all(
        "Neuroscience" in row["fields"] for row in json.loads(by_id.stdout)
    )
    typo = kg(tmp_path, "query", "papers_behind", "-p", "model=resnet5")
    assert typo.returncode == 2 and "did you mean" in typo.stderr
