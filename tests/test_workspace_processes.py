"""One workspace, several processes, and the schema across versions (issue 23): a killed
migration leaves the old version whole, a newer workspace is refused, a fetch beside a load
does not kill the load, a full disk is called a full disk. Real processes, real SQLite."""

import sqlite3
import subprocess
from pathlib import Path

import pytest

from extract.records import Extraction
from kg.workspace.migrations import SCHEMA_VERSION, V1
from tests.fixtures import (
    KG,
    a_paper,
    env_for,
    kg_env,
    one_line_error,
    run_until,
    tmpfs,
    write_corpus,
)

pytestmark = pytest.mark.slow


def old_workspace(directory: Path, extractions: int) -> Path:
    """What ptm-kg 0.1 left on disk: its tables, user_version 0, `extractions` rows."""
    directory.mkdir(parents=True)
    record = Extraction(work_id="W1", uses_dl=True, uses_ptms=False, extractor="llm",
                        extractor_version="llm-1").model_dump_json()  # fmt: skip
    with sqlite3.connect(directory / "corpus.sqlite") as db:
        db.executescript(V1)
        db.executemany("INSERT INTO extractions VALUES (?, 'llm', 'llm-1', ?, 'then')",
                       ((f"W{i}", record) for i in range(extractions)))  # fmt: skip
    return directory / "corpus.sqlite"


def test_a_migration_killed_half_way_leaves_the_old_version_whole(tmp_path: Path) -> None:
    rows = 60_000
    db = old_workspace(tmp_path / "ws", rows)
    wal = db.with_name("corpus.sqlite-wal")

    def migrating() -> bool:  # the upgrade has written 2 MB of its transaction
        return wal.exists() and wal.stat().st_size > 2 << 20

    run_until(tmp_path, ["cost"], env_for(tmp_path), migrating)
    with sqlite3.connect(db) as conn:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        (kept,) = conn.execute("SELECT count(*) FROM extractions").fetchone()
    assert version < 2 and "runs" not in tables and kept == rows  # 0.1's schema, whole
    done = kg_env(tmp_path, "cost")
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT count(*) FROM extractions").fetchone() == (rows,)


def test_a_workspace_of_a_newer_ptm_kg_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    db = tmp_path / "ws" / "corpus.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute("PRAGMA user_version = 7")
    before = db.read_bytes()
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(1)])
    for command in (["load", str(corpus)], ["stats"]):
        line = one_line_error(kg_env(tmp_path, *command))
        assert "made by a newer ptm-kg (schema 7); upgrade" in line, command
    assert db.read_bytes() == before


def test_a_load_beside_a_fetch_on_one_workspace_both_finish(tmp_path: Path) -> None:
    from extract.records import PaperText, Work
    from kg.workspace import Workspace
    from tests.openalex_server import OpenAlexServer

    papers = [a_paper(n) for n in range(1, 2001)]
    workspace = Workspace(tmp_path / "ws")
    workspace.import_works([Work.model_validate(p["work"]) for p in papers], "file:c.jsonl")
    workspace.import_texts([PaperText.model_validate(p["text"]) for p in papers], "file:c.jsonl")
    workspace.close()
    with OpenAlexServer(tmp_path, works=3000, delay=0.02) as server:
        fetch = subprocess.Popen(
            [KG, "fetch", "--no-fulltext", "--all-fields", "--min-citations", "0"],
            env=env_for(tmp_path, OPENALEX_URL=server.url, REQUESTS_CA_BUNDLE=str(server.ca_path)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        load = kg_env(tmp_path, "load")
        fetched = fetch.communicate(timeout=300)
    assert load.returncode == 0 and "Loaded" in load.stdout, load.stderr
    assert fetch.returncode == 0, fetched[1]
    assert len(server.log) == 15  # every page of the fetch was asked for and stored


def test_a_workspace_kept_busy_too_long_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extract.errors import WorkspaceUnusable
    from kg.workspace import Workspace
    from kg.workspace import database as module

    monkeypatch.setattr(module, "_BUSY_S", 0.2)
    workspace = Workspace(tmp_path)
    other = sqlite3.connect(tmp_path / "corpus.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a write
    try:
        with pytest.raises(WorkspaceUnusable) as refused:
            workspace.mark_missing(["10.1/x"])
    finally:
        other.execute("ROLLBACK")
        other.close()
        workspace.close()
    assert "another kg command" in str(refused.value)
    assert "KG_WORKSPACE" not in str(refused.value)


# --- a full disk ------------------------------------------------------------------------------


def fill(disk: Path) -> None:
    try:
        with (disk / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 65536)
    except OSError:
        pass  # the disk is full to the last block


def test_a_full_disk_is_called_full_and_leaves_no_empty_files(tmp_path: Path) -> None:
    from kg.graph.loader import load_extractions, load_works
    from kg.graph.stores.falkor import FalkorStore
    from kg.workspace import Workspace
    from tests.graphs import EXTRACTIONS, WORKS

    with FalkorStore(tmp_path / "ws") as store:  # a graph for report and flows to draw
        load_works(store, WORKS)
        load_extractions(store, EXTRACTIONS)
    Workspace(tmp_path / "ws").close()
    with tmpfs(tmp_path / "small", "4m") as disk:
        workspace = str(disk / "ws")
        Workspace(disk / "ws").close()  # a workspace made before the disk filled up
        (disk / "out").mkdir()
        fill(disk)
        for command in (["stats"], ["flows"]):
            line = one_line_error(kg_env(tmp_path, *command, KG_WORKSPACE=workspace))
            assert "disk full" in line and "free some disk space" in line, command
        for command in (["report", "--out"], ["flows", "--out"]):  # the graph is elsewhere
            line = one_line_error(kg_env(tmp_path, *command, str(disk / "out")))
            assert "No space left" in line and "free some disk space" in line, command
        assert list((disk / "out").iterdir()) == []  # no 0-byte PNG or GraphML, no partials
