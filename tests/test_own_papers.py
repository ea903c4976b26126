"""Issue 19, friction 3: one's own papers load as the README says, without copying a demo line."""

import json
import re
import shutil
from pathlib import Path

from kg.sources.corpus import read_corpus
from kg.sources.own_papers import stable_id

README = Path(__file__).parent.parent / "README.md"
DATA = Path(__file__).parent / "data"


def readme_line() -> str:
    section = README.read_text().split("### Your own papers", 1)[1]
    found = re.search(r"```jsonl\n(.+?)\n```", section, re.DOTALL)
    assert found, "the README's 'Your own papers' shows a JSONL line"
    return found.group(1)


def test_the_readme_line_loads_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(readme_line() + "\n")
    read = read_corpus(path)
    assert read.failures == []
    (paper,) = read.papers
    assert paper.work.id == stable_id("10.1234/enzymes.2024", None)
    assert paper.text.work_id == paper.work.id and paper.text.title == paper.work.title
    field = paper.work.fields[0]
    assert (field.id, field.domain, field.rank) == (13, "Life Sciences", 0)
    assert "fine-tuned the pre-trained ESM-2" in paper.text.sections[0].paragraphs[0]


def test_ids_are_stable_from_the_doi_or_the_title() -> None:
    assert stable_id("https://doi.org/10.1/ABC", None) == stable_id("10.1/abc", "other")
    assert stable_id(None, "A  Title") == stable_id(None, "a title")
    assert stable_id(None, "A title") != stable_id(None, "Another title")
    assert re.fullmatch(r"W\d+", stable_id(None, "x"))


def test_every_problem_of_a_line_is_shown_at_once_with_its_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    bad = {"work": {"id": "paper-1", "year": "soon", "colour": "red"}, "text": {"title": 3}}
    path.write_text(readme_line() + "\n" + json.dumps(bad) + "\n")
    read = read_corpus(path)
    assert len(read.papers) == 1
    (failure,) = read.failures
    assert failure.where == "bad.jsonl:2"
    for problem in ("work.id", "work.title", "work.year", "work.colour", "text.title"):
        assert problem in failure.reason, problem
    unknown = tmp_path / "field.jsonl"
    unknown.write_text(json.dumps({"title": "T", "fields": ["Neurosciense"]}) + "\n")
    assert "did you mean Neuroscience" in read_corpus(unknown).failures[0].reason


def test_a_markdown_paper_loads_without_json(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text(
        "# Seeing whales with YOLOv8\n\nDOI: 10.5/whales\nYear: 2024\n"
        "Fields: 11; Environmental Science\n\n## Methods\n\nWe fine-tuned a pre-trained YOLOv8 "
        "detector on drone images.\n\nMore text.\n\n## Results\n\nIt found whales.\n"
    )
    (paper,) = read_corpus(path).papers
    assert paper.work.title == "Seeing whales with YOLOv8" and paper.work.year == 2024
    assert [f.id for f in paper.work.fields] == [11, 23]
    assert [s.heading for s in paper.text.sections] == ["Methods", "Results"]
    assert paper.work.id == stable_id("10.5/whales", None)


def test_a_folder_of_jats_and_tei_with_a_metadata_sheet_loads(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(DATA / "biorxiv_like.xml", folder)
    shutil.copy(DATA / "grobid.tei.xml", folder)
    (folder / "metadata.csv").write_text(
        "file,doi,title,year,journal,fields\n"
        "biorxiv_like.xml,10.1101/2099.01.01.000001,,2023,bioRxiv,Neuroscience;13\n"
        "grobid.tei.xml,10.5555/tei.1,A TEI paper,2022,,Earth and Planetary Sciences\n"
        "missing.xml,,Lost,2020,,\n"
    )
    read = read_corpus(folder)
    assert [p.work.year for p in read.papers] == [2023, 2022]
    assert [f.id for f in read.papers[0].work.fields] == [28, 13]
    assert read.papers[0].text.sections and read.papers[1].work.title == "A TEI paper"
    assert [f.where for f in read.failures] == ["metadata.csv:4"]
    assert "missing.xml" in read.failures[0].reason


def test_a_folder_of_markdown_and_text_papers_loads_without_a_metadata_sheet(
    tmp_path: Path,
) -> None:
    shutil.copy(README.parent / "docs" / "examples" / "my_paper.md", tmp_path / "one.md")
    (tmp_path / "two.txt").write_text(
        "A second paper\n\nyear: 2021\nfields: Neuroscience\n\n"
        "## Methods\n\nWe fine-tuned the pre-trained ResNet-50.\n"
    )
    read = read_corpus(tmp_path)
    assert read.failures == []
    assert sorted(p.work.title for p in read.papers) == [
        "A second paper", "Tracking mice with a pre-trained pose estimator"]  # fmt: skip
    assert [p.work.cited_by_count for p in read.papers] == [None, None]  # unknown, not 0


def test_a_missing_corpus_is_said_first_even_beside_the_demo(tmp_path: Path) -> None:
    from tests.fixtures import kg

    assert kg(tmp_path, "demo").returncode == 0
    done = kg(tmp_path, "load", str(tmp_path / "missing.jsonl"))
    assert done.returncode == 2 and "no corpus file at" in done.stderr
    assert "demo" not in done.stderr  # not the mixing refusal first
