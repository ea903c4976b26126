import gzip
import json
from pathlib import Path

import pytest

from extract.errors import InputRejected
from extract.parse_openalex import StudyFilter, parse_work, rebuild_abstract
from tests.openalex_server import synthetic_work

SHARED = Path(__file__).parents[2] / "shared" / "fixtures" / "openalex"


def test_a_work_keeps_ids_fields_ranks_and_journal() -> None:
    work = parse_work(synthetic_work(0))
    assert (work.id, work.doi, work.year, work.journal) == (
        "W100000", "10.9999/test.0", 2015, "Journal of Tests"
    )  # fmt: skip
    assert [(f.id, f.rank) for f in work.fields] == [(13, 0)]


def test_abstracts_are_rebuilt_from_the_inverted_index_even_with_gaps() -> None:
    assert rebuild_abstract({"deep": [0, 3], "learning": [1], "is": [2]}) == "deep learning is deep"
    assert rebuild_abstract({"a": [0], "c": [5], "bad": [-1]}) == "a c"
    assert rebuild_abstract(None) is None and rebuild_abstract({}) is None


def test_missing_fields_stay_empty_and_a_missing_id_is_rejected() -> None:
    work = parse_work({"id": "https://openalex.org/W1", "title": None, "topics": None})
    assert (work.title, work.fields, work.doi, work.cited_by_count) == ("", (), None, 0)
    with pytest.raises(InputRejected):
        parse_work({"title": "no id"})


def test_the_study_filter_reasons() -> None:
    study = StudyFilter()
    assert (
        study.reason_to_drop(parse_work(synthetic_work(1))) == "no top-3 topic in the chosen fields"
    )
    assert study.reason_to_drop(parse_work(synthetic_work(2))) is None
    assert study.reason_to_drop(parse_work(synthetic_work(10))) == "cited fewer than 1 times"
    assert StudyFilter(fields=frozenset()).reason_to_drop(parse_work(synthetic_work(1))) is None


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/fixtures/openalex is not present")
def test_recorded_openalex_responses_parse() -> None:
    page_file = SHARED / "openalexPro__works_page_json_chunk_1_results_page_1.json"
    page = json.loads(page_file.read_text())
    works = [parse_work(raw) for raw in page["results"]]
    assert len(works) == 50 and all(w.fields for w in works)
    snapshot = SHARED / "go-openalex__snapshot_works_updated_date=2023-05-16_part_000.gz"
    with gzip.open(snapshot, "rt") as lines:
        old_schema = [parse_work(json.loads(line)) for line in lines]
    assert len(old_schema) == 27
