"""Issue 19, a researcher's first day: each friction replayed through the `kg` command."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures import KG, kg

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
    assert "holds the demo's 51 papers" in mixed.stderr and "--drop-demo" in mixed.stderr
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
    assert "showing 3 of 42 rows; `-p limit=42` shows them all" in done.stderr
    family = kg(tmp_path, "query", "papers_behind", "-p", "model=alphafold", "-f", "json")
    assert family.returncode == 0 and json.loads(family.stdout), family.stderr
    by_id = kg(tmp_path, "query", "papers_behind", "-p", "field=28", "-f", "json")
    assert json.loads(by_id.stdout) and all(
        "Neuroscience" in row["fields"] for row in json.loads(by_id.stdout)
    )
    by_doi = kg(tmp_path, "query", "evidence", "-p", "paper=https://doi.org/10.5555/PTMKG.demo.001",
                "-f", "json")  # fmt: skip
    assert {r["paper"] for r in json.loads(by_doi.stdout)} == {"W9000000001"}, by_doi.stderr
    typo = kg(tmp_path, "query", "papers_behind", "-p", "model=resnet5")
    assert typo.returncode == 2 and "did you mean" in typo.stderr


def kg_env(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "NEO4J_"))}
    clean |= {"KG_WORKSPACE": str(tmp_path / "ws"), "COLUMNS": "200"} | env
    return subprocess.run([KG, *args], cwd=tmp_path, env=clean, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


def run_at(tmp_path: Path, columns: int, *args: str) -> str:
    done = kg_env(tmp_path, *args, COLUMNS=str(columns))
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_help_reflows_at_80_columns_and_cuts_no_option(tmp_path: Path) -> None:
    commands = ["", "fetch", "load", "query", "report", "export", "demo", "models", "flows"]
    for command in commands:
        text = run_at(tmp_path, 80, *([command] if command else []), "--help")
        assert max(map(len, text.splitlines())) <= 80, command
        assert "<bool>" not in text and "…" not in text, command
    fetch = run_at(tmp_path, 80, "fetch", "--help")
    assert "--fulltext-concurrency" in fetch
    assert "For each kept work the full text" in fetch  # no hard break inside a paragraph


def test_tables_at_80_and_120_columns(tmp_path: Path) -> None:
    assert kg(tmp_path, "demo").returncode == 0
    top = run_at(tmp_path, 80, "query", "top_ptms")
    assert "┃ model" in top and len(top.splitlines()) < 20  # a table, not ten cards
    assert "not shown at this width: adaptation, deployment, conceptual" in top  # numbers
    behind = run_at(tmp_path, 120, "query", "papers_behind", "-p", "limit=5")
    assert max(map(len, behind.splitlines())) <= 120
    dois = [r["doi"] for r in json.loads(run_at(tmp_path, 120, "query", "papers_behind",
                                                "-p", "limit=5", "-f", "json"))]  # fmt: skip
    assert all(doi in behind for doi in dois)  # never broken inside
    browser = run_at(tmp_path, 80, "browser")
    assert ("MATCH reuse = (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model {name: 'ESM-2'}) "
            "OPTIONAL MATCH parts = (u)-[:WITH_PATTERN|AT_STAGE]->() RETURN reuse, parts LIMIT 50"
            ) in browser.splitlines()[-1]  # fmt: skip


REPO = Path(__file__).parent.parent


def tour() -> list[list[str]]:
    """The README tour's commands, as argument lists (a leading VAR=value is kept)."""
    readme = (REPO / "README.md").read_text()
    block = readme.split("## A short tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].split() for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_every_tour_command_runs_from_the_repository_alone(tmp_path: Path) -> None:
    for folder in ("docs", "eval", "tests"):  # the repository's files, as a clone has them
        (tmp_path / folder).symlink_to(REPO / folder)
    assert kg(tmp_path, "demo").returncode == 0
    for words in tour():
        env = dict(w.split("=", 1) for w in words if "=" in w and not w.startswith("-")
                   and w.split("=", 1)[0].isupper())  # fmt: skip
        args = [w for w in words if w.split("=", 1)[0] not in env][1:]  # after `kg`
        assert not any(a.startswith("../") for a in args), words
        if "KG_WORKSPACE" in env:
            env["KG_WORKSPACE"] = str(tmp_path / env["KG_WORKSPACE"])
        done = kg_env(tmp_path, *args, **env)
        assert done.returncode == 0, (words, done.stderr)
        assert "no rows" not in done.stderr, (words, done.stderr)  # every example answers


def test_the_readme_says_what_the_study_found_and_defines_its_words() -> None:
    from kg.questions.glossary import COLUMNS, WORDS

    readme = (REPO / "README.md").read_text()
    assert "arXiv:2603.13584" in readme
    for word in [*WORDS, *COLUMNS]:
        assert f"| {word} |" in readme or f"| `{word}` |" in readme, word
    assert "../shared" not in readme
    assert ".kg/browser/ptm-kg.grass" in readme and "kg/questions/browser/style.grass" not in readme


def test_the_small_things(tmp_path: Path) -> None:
    assert kg(tmp_path, "demo").returncode == 0
    flows = json.loads(run_at(tmp_path, 200, "flows", "--by", "family", "-f", "json"))
    years = [a["first_year"] for a in flows["latest_adoptions"]]
    assert years == sorted(years, reverse=True) and "family" in flows["latest_adoptions"][0]
    assert "family" in flows["bridges"][0] and "model" not in flows["bridges"][0]
    looked_up = run_at(tmp_path, 200, "models", "esm2")
    assert "'esm2' is read as ESM-2" in looked_up and "protein" in looked_up
    empty = kg(tmp_path, "models", "--unknown", "--min-papers", "5")
    assert "No reused name outside every table is seen in 5 or more papers" in empty.stderr
    scores = kg(tmp_path, "eval", str(REPO / "tests" / "data" / "labels.jsonl"))
    assert scores.returncode == 0 and "llm" not in scores.stdout.lower()
    for done in (scores, kg(tmp_path, "load")):
        assert done.stdout.splitlines()[0].strip() and not done.stderr.startswith("\n")


def test_make_test_without_root_names_what_to_install(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"  # a PATH with no chromium, where `id -u` is not root
    bin_dir.mkdir()
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    make = [shutil.which("make") or "make", "-s", "-C", str(REPO), "chromium"]
    done = subprocess.run(make, capture_output=True, text=True, env={"PATH": str(bin_dir)},
                          timeout=60)  # fmt: skip
    assert done.returncode != 0
    assert "needs Chromium" in done.stderr and "sudo apt-get install chromium" in done.stderr


def test_a_markdown_paper_loads_through_the_command(tmp_path: Path) -> None:
    done = kg(tmp_path, "load", str(REPO / "docs" / "examples" / "my_paper.md"))
    assert done.returncode == 0, done.stderr
    assert "Loaded 1 paper" in done.stdout and "1 Field" in done.stdout
    rows = json.loads(kg(tmp_path, "query", "evidence", "-f", "json").stdout)
    assert ("DeepLabCut", "adaptation") in [(r["model"], r["pattern"]) for r in rows]
