"""The kg command end to end, as a user runs it: subprocesses on a temporary workspace."""

import json
from pathlib import Path

import pytest

from tests.fixtures import kg

COUNT_LINE = "51 papers"


@pytest.mark.slow
def test_demo_prints_the_three_answers_and_is_repeatable(tmp_path: Path) -> None:
    first = kg(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "Leading field:         Biochemistry, Genetics and Molecular Biology" in first.stdout
    assert "Most common pattern:   adaptation" in first.stdout
    assert "Most impacted stage:   Test" in first.stdout
    # each share says on how many evidenced values it stands, and how many were undetermined
    assert "of the 42 reuses whose pattern the papers evidence; 0 undetermined" in first.stdout
    assert "of the 34 reuses whose stage the papers evidence; 8 undetermined" in first.stdout
    assert "Which natural-science fields reuse pre-trained models the most?" in first.stdout
    assert str(tmp_path / "ws" / "graph.rdb") in first.stdout
    second = kg(tmp_path, "demo")
    counts = [line for line in first.stdout.splitlines() if "→" in line]
    assert counts and counts == [line for line in second.stdout.splitlines() if "→" in line]

    # the graph persists in the workspace for later commands
    top = kg(tmp_path, "query", "top_ptms", "--param", "limit=3", "--format", "json")
    assert top.returncode == 0, top.stderr
    rows = json.loads(top.stdout)
    assert len(rows) == 3 and rows[0]["papers"] >= rows[-1]["papers"]
    csv = kg(tmp_path, "query", "patterns_overall", "--format", "csv")
    assert (
        csv.stdout.splitlines()[0] == "pattern,reuses,papers,reuse_share,paper_share,undetermined"
    )
    assert csv.stdout.splitlines()[1].startswith("adaptation,")
    stats = kg(tmp_path, "stats")
    assert stats.returncode == 0 and "Papers per year" in stats.stdout
    assert "share left undetermined" in stats.stdout


def test_queries_lists_every_module_with_its_question(tmp_path: Path) -> None:
    listing = kg(tmp_path, "queries")
    assert listing.returncode == 0
    assert "ptm_field_flows" in listing.stdout and "first arrive" in listing.stdout
    every = json.loads(kg(tmp_path, "queries", "-f", "json").stdout)
    flows = next(m for m in every if m["name"] == "model_migration")
    assert flows["columns"].startswith("model, family, first_field")


def test_bad_parameters_give_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    done = kg(tmp_path, "query", "top_ptms", "--param", "limit=ten")
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --param limit=ten: expected a whole number"
    assert "Traceback" not in done.stderr
    done = kg(tmp_path, "query", "nope")
    assert done.returncode == 2 and "known queries:" in done.stderr


def test_neo4j_without_a_uri_names_the_setting_to_fix(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("KG_STORE=neo4j\n")
    done = kg(tmp_path, "stats")
    assert done.returncode == 2
    assert "NEO4J_URI" in done.stderr


def test_load_skips_malformed_papers_and_says_how_many_failed(tmp_path: Path) -> None:
    good = {
        "work": {"id": "W1", "title": "Fine-tuning ESM-2", "year": 2024},
        "text": {"work_id": "W1", "title": "Fine-tuning ESM-2",
                 "abstract": "We fine-tuned ESM-2 on enzymes."},
    }  # fmt: skip
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({"work": {"id": "X"}}) + "\n")
    done = kg(tmp_path, "load", str(corpus))
    assert done.returncode == 1
    assert "Loaded 1 paper (1 reuse)" in done.stdout
    assert "2 failures" in done.stderr
    assert "corpus.jsonl:2" in done.stderr and "corpus.jsonl:3" in done.stderr
    again = kg(tmp_path, "load", str(corpus))
    assert again.stdout == done.stdout  # idempotent: same counts


def test_help_teaches_the_commands(tmp_path: Path) -> None:
    done = kg(tmp_path, "--help")
    for command in ("demo", "load", "query", "queries", "stats"):
        assert command in done.stdout


def test_version_and_numeric_options_are_checked(tmp_path: Path) -> None:
    version = kg(tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.startswith("ptm-kg ")
    negative = kg(tmp_path, "query", "top_ptms", "--param", "limit=-3")
    assert negative.returncode == 2 and "must be 1 or more" in negative.stderr
    assert kg(tmp_path, "flows", "--top", "-3").returncode == 2
