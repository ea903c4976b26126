import os
from pathlib import Path

import pytest

from extract.errors import InputRejected
from extract.parse_fulltext import normalise_doi, parse_jats, parse_tei, parse_xml

DATA = Path(__file__).parent / "data"
SHARED_PAPERS = Path(__file__).parents[2] / "shared" / "eval" / "papers"


def test_jats_gives_title_abstract_sections_and_captions() -> None:
    parsed = parse_jats((DATA / "biorxiv_like.xml").read_bytes(), "W1")
    text = parsed.text
    assert parsed.doi == "10.1101/2099.01.01.000001" and parsed.article_type == "article"
    assert text.title == "Fine-tuning ESM-2 for enzyme stability"
    assert text.abstract == "We fine-tuned ESM-2 on melting temperatures."
    assert [s.heading for s in text.sections] == [
        "Body",
        "Introduction",
        "Methods / Model training",
        "Results",
        "EXPERIMENTAL METHODS / Behaviour",
    ]
    methods = text.sections[2].paragraphs
    assert methods[0].endswith("for 20 epochs (Fig. 1).")
    assert "Training curves. Loss of the fine-tuned model." in methods
    assert "Hyper-parameters of fine-tuning." in methods
    assert text.sections[1].paragraphs == ("AlphaFold2 changed structural biology [1].",)


def test_jats_drops_references_and_back_matter() -> None:
    text = parse_jats((DATA / "biorxiv_like.xml").read_bytes()).text
    everything = " ".join(p for s in text.sections for p in s.paragraphs)
    assert "Jumper" not in everything and "reviewers" not in everything


def test_tei_gives_the_same_record() -> None:
    parsed = parse_tei((DATA / "grobid.tei.xml").read_bytes(), "W2")
    assert parsed.doi == "10.5555/tei.1"
    assert parsed.text.source == "tei" and parsed.text.title == "Detecting litter with YOLOv8"
    assert parsed.text.abstract == "We fine-tuned YOLOv8 on drone images."
    assert [s.heading for s in parsed.text.sections] == ["Methods", "Results"]
    assert parsed.text.sections[0].paragraphs[-1] == "Detections on a river."


def test_parse_xml_tells_jats_from_tei() -> None:
    assert parse_xml((DATA / "grobid.tei.xml").read_bytes()).text.source == "tei"
    assert parse_xml((DATA / "biorxiv_like.xml").read_bytes()).text.source == "jats"


def test_truncated_or_foreign_xml_is_rejected_with_a_reason() -> None:
    with pytest.raises(InputRejected, match="not XML"):
        parse_jats(b"")
    with pytest.raises(InputRejected, match="root element is <html>"):
        parse_jats(b"<html><body/></html>")
    truncated = (DATA / "biorxiv_like.xml").read_bytes()[:1500]
    parsed = parse_jats(truncated)  # recovered as far as it goes, and marked as cut short
    assert parsed.text.title.startswith("Fine-tuning") and parsed.lost


@pytest.mark.parametrize(
    "written",
    ["10.1371/Journal.PONE.0050698", "https://doi.org/10.1371/journal.pone.0050698",
     "http://dx.doi.org/10.1371/journal.pone.0050698", "doi:10.1371/journal.pone.0050698",
     " 10.1371/journal.pone.0050698\n"],
)  # fmt: skip
def test_dois_in_odd_forms_normalise_to_one(written: str) -> None:
    assert normalise_doi(written) == "10.1371/journal.pone.0050698"


@pytest.mark.skipif(not SHARED_PAPERS.is_dir(), reason="../shared/eval/papers is not present")
def test_every_shared_research_article_has_title_abstract_and_body() -> None:
    for path in sorted(SHARED_PAPERS.iterdir()):
        parsed = parse_xml(path.read_bytes())
        if parsed.article_type in {"correction", "retraction"}:
            continue
        assert parsed.text.title and parsed.text.abstract and parsed.text.sections, path.name
        assert parsed.doi, os.fspath(path)
