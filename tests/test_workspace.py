"""The workspace's migrations: a corpus.sqlite made by ptm-kg 0.1 opens and is brought up to
date, its stored answers and texts kept."""

import sqlite3
from contextlib import closing
from pathlib import Path

from extract.records import Extraction, PaperText
from kg.workspace import Workspace
from kg.workspace.migrations import MIGRATIONS, SCHEMA_VERSION
from kg.workspace.migrations import V1 as _V1


def test_a_workspace_of_ptm_kg_0_1_is_migrated_with_its_extractions(tmp_path: Path) -> None:
    old = Extraction(work_id="W1", uses_dl=True, uses_ptms=False, extractor="llm",
                     extractor_version="llm-1")  # fmt: skip
    text = PaperText(work_id="W1", title="T", abstract="A", source="abstract")
    with sqlite3.connect(tmp_path / "corpus.sqlite") as db:  # what 0.1 left on disk
        db.executescript(_V1)
        db.execute("INSERT INTO extractions VALUES ('W1', 'llm', 'llm-1', ?, 'then')",
                   (old.model_dump_json(),))  # fmt: skip
        db.execute("INSERT INTO extractions VALUES ('W2', 'prefilter', 'llm-1', ?, 'then')",
                   (old.model_copy(update={"work_id": "W2"}).model_dump_json(),))  # fmt: skip
        db.execute("INSERT INTO texts VALUES ('W1', 'abstract', 'openalex', ?, 'then')",
                   (text.model_dump_json(),))  # fmt: skip
    workspace = Workspace(tmp_path)
    (version,) = workspace._db.execute("PRAGMA user_version").fetchone()
    run = workspace.latest_run("llm")
    assert version == SCHEMA_VERSION and run is not None
    stored = workspace.outcomes(run, ["W1", "W2"])
    assert stored["W1"][0] == old and set(stored) == {"W1", "W2"}
    assert workspace.text_sources(["W1"]) == {"W1": "abstract"}
    workspace.close()
    assert Workspace(tmp_path).latest_run("llm") == run  # a second open migrates nothing


def test_a_schema_3_workspace_keeps_its_ledger_and_lookups_under_the_new_names(
    tmp_path: Path,
) -> None:
    with closing(sqlite3.connect(tmp_path / "corpus.sqlite")) as db:  # what schema 3 left
        for migration in MIGRATIONS[:3]:
            with db:
                migration(db)
        db.execute("PRAGMA user_version = 3")
        with db:
            db.execute("INSERT INTO llm_calls (key, work_id, model, prompt_version, mode, status,"
                       " request, created_at) VALUES ('k1', 'W1', 'm', 'llm-7', 'tools', 'ok',"
                       " '[]', 'then')")  # fmt: skip
            db.execute("INSERT INTO fulltext (work_id, status, source, fetched_at)"
                       " VALUES ('W1', 'fulltext', 'plos', 'then')")  # fmt: skip
    workspace = Workspace(tmp_path)
    try:
        call = workspace.answered("k1")
        assert call is not None and call.extractor_version == "llm-7"
        (service,) = workspace._db.execute("SELECT service FROM fulltext").fetchone()
        assert service == "plos"
        (version,) = workspace._db.execute("PRAGMA user_version").fetchone()
        assert version == SCHEMA_VERSION  # no number: migrations land from several branches
    finally:
        workspace.close()
