import json
from pathlib import Path

import pytest

from extract.errors import InputRejected
from kg.demo import corpus_path
from kg.sources.corpus import read_corpus


def line(work_id: str, text_id: str | None = None) -> str:
    return json.dumps({
        "work": {"id": work_id, "title": "T"},
        "text": {"work_id": text_id or work_id, "title": "T"},
    })  # fmt: skip


def test_malformed_lines_are_failures_and_the_rest_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = [line("W1"), "{broken", line("W2", "W3"), line("W1"), line("nope"), "", line("W4")]
    path.write_text("\n".join(lines) + "\n")
    read = read_corpus(path)
    assert [p.work.id for p in read.papers] == ["W1", "W4"]
    assert [f.where for f in read.failures] == ["c.jsonl:2", "c.jsonl:3", "c.jsonl:4", "c.jsonl:5"]
    assert "differs" in read.failures[1].reason and "twice" in read.failures[2].reason
    assert read.failures[3].reason.startswith("work.id:")


def test_a_missing_file_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(InputRejected, match="no corpus file"):
        read_corpus(tmp_path / "missing.jsonl")


def test_the_demo_corpus_is_complete_and_spread_over_the_natural_sciences() -> None:
    read = read_corpus(corpus_path())
    assert read.failures == [] and len(read.papers) >= 40
    primary = {p.work.fields[0].id for p in read.papers}
    assert primary == {11, 13, 16, 19, 23, 24, 28, 31}
    years = {p.work.year for p in read.papers if p.work.year}
    assert min(years) <= 2012 and max(years) >= 2025
