"""Works from a local OpenAlex snapshot: the API path's filters, applied by DuckDB over the
snapshot's gzip JSON Lines (or parquet), and the same stored records and ids."""

import json
from pathlib import Path

import duckdb
import pytest

from extract.errors import InputRejected
from extract.parse_openalex import STUDY_TERMS, StudyFilter, parse_work
from kg.sources.snapshot import Selection, select_works
from kg.workspace import Workspace
from tests.bulk_files import snapshot_work, write_snapshot

SOCIAL = {"id": "https://openalex.org/fields/33", "display_name": "Social Sciences"}
OTHER_FIELD = {"score": 0.9, "field": SOCIAL, "domain": {"display_name": "Social"}}


def works() -> dict[str, dict[str, object]]:
    """Each work by what the filters should do with it."""
    abstract = {"We": [0], "trained": [1], "a": [2], "Deep": [3], "Learning": [4], "model.": [5]}
    scattered = {"Learning": [0], "is": [1], "deep": [2]}
    return {
        "title": snapshot_work(1, "10.1/title"),
        "abstract": snapshot_work(
            2, "10.1/abstract", title="Proteins", abstract_inverted_index=abstract
        ),
        "scattered": snapshot_work(
            3, "10.1/scattered", title="Proteins", abstract_inverted_index=scattered
        ),
        "old": snapshot_work(4, "10.1/old", publication_year=1999),
        "review": snapshot_work(5, "10.1/review", type="review"),
        "closed": snapshot_work(6, "10.1/closed", open_access={"is_oa": False}),
        "social": snapshot_work(7, "10.1/social", topics=[OTHER_FIELD]),
        "uncited": snapshot_work(8, "10.1/uncited", cited_by_count=0),
        "pmcid": snapshot_work(9, "10.1/pmcid", "PMC9"),
    }


def test_the_snapshot_gives_the_api_paths_works_and_records(tmp_path: Path) -> None:
    given = works()
    root = write_snapshot(tmp_path / "openalex", given.values(), parts=2)
    workspace = Workspace(tmp_path / "ws")
    try:
        report = select_works(workspace, root, Selection(STUDY_TERMS, (2000, 2025), StudyFilter()))
        stored = {w.doi: (w, raw) for w, raw in workspace.works()}
    finally:
        workspace.close()
    kept = {"title", "abstract", "pmcid"}
    assert set(stored) == {f"10.1/{k}" for k in kept}
    assert report.files == 2 and report.stored == 3 and report.candidates == 4  # + scattered
    for key in kept:
        work, raw = stored[f"10.1/{key}"]
        assert raw == json.loads(json.dumps(given[key]))  # the raw record, as the API's
        assert work == parse_work(given[key])  # the same Work and id as the API path


def test_a_parquet_snapshot_selects_the_same_works(tmp_path: Path) -> None:
    root = write_snapshot(tmp_path / "jsonl", works().values())
    parquet = tmp_path / "pq" / "data" / "parquet" / "works"
    parquet.mkdir(parents=True)
    source = str(next(root.rglob("*.gz")))
    duckdb.sql(f"COPY (SELECT * FROM read_json('{source}', map_inference_threshold=1))"
               f" TO '{parquet / 'part_0000.parquet'}' (FORMAT parquet)")  # fmt: skip
    workspace = Workspace(tmp_path / "ws")
    try:
        study = Selection(STUDY_TERMS, (2000, 2025), StudyFilter())
        select_works(workspace, tmp_path / "pq", study)
        dois = {w.doi for w, _ in workspace.works()}
    finally:
        workspace.close()
    assert dois == {"10.1/title", "10.1/abstract", "10.1/pmcid"}


def test_a_folder_without_works_files_says_what_it_expects(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws")
    try:
        with pytest.raises(InputRejected, match="data/jsonl/works"):
            select_works(workspace, tmp_path, Selection(STUDY_TERMS, (2000, 2025), StudyFilter()))
    finally:
        workspace.close()
