"""One workspace, several processes, and the schema across versions (issue 23): a killed
migration leaves the old version whole, a newer workspace is refused, a fetch beside a load
does not kill the load, a full disk is called a full disk. Real processes, real SQLite."""

import sqlite3
import subprocess
from pathlib import Path

import pytest

from extract.migrations import SCHEMA_VERSION, V1
from extract.records import Extraction
from tests.test_reliability import env_for, run_until
from tests.test_trust import a_paper, kg_env, one_line_error, write_corpus

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
    rows = 100_000
    db = old_workspace(tmp_path / "ws", rows)
    wal = db.with_name("corpus.sqlite-wal")

    def migrating() -> bool:  # the upgrade has written 4 MB of its transaction
        return wal.exists() and wal.stat().st_size > 4 << 20

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
    for command in (["load", str(corpus)], ["stats"], ["cost"]):
        line = one_line_error(kg_env(tmp_path, *command))
        assert "made by a newer ptm-kg (schema 7); upgrade" in line, command
    assert db.read_bytes() == before
