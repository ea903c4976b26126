"""The open SQLite file under every table group: the connection, one transaction per
write, reads, and the one mapping from SQLite and file-system errors to a
`WorkspaceUnusable` line that says what to do."""

import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extract.errors import WorkspaceUnusable
from extract.records import ExtractionFailure, Outcome
from extract.secrets import mask
from kg.os_errors import os_error_hint
from kg.workspace.migrations import migrate, refuse_newer


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_BUSY_S = 60  # how long a write waits for another process's write to finish


def _no_space(path: Path) -> bool:
    """Is the disk holding `path` (a file or directory) full, or nearly (under 1 MiB)?"""
    try:
        disk = os.statvfs(path if path.is_dir() else path.parent)
    except OSError:
        return False
    return disk.f_bavail * disk.f_frsize < 1 << 20


def _unusable(path: Path, error: BaseException) -> WorkspaceUnusable:
    text = str(error)
    if "disk I/O error" in text and _no_space(path):  # SQLite's word for a failed shm/wal
        text = f"disk full ({text})"
        error = OSError(28, text)
    known = os_error_hint(error, "the workspace", "set KG_WORKSPACE elsewhere")
    if known is not None:
        hint = known
    elif "locked" in text or "busy" in text:
        hint = (f"another kg command kept it busy for over {_BUSY_S} s: let it finish (or "
                "stop it) and run this one again")  # fmt: skip
    elif "not a database" in text or "malformed" in text:
        hint = "the file is damaged: move it aside and run `kg fetch` / `kg load` again"
    else:
        hint = "check KG_WORKSPACE"
    return WorkspaceUnusable(f"workspace {path}: {text}; {hint}")


def _masked(text: str | None) -> str | None:
    return None if text is None else mask(text)


def _masked_reason(outcome: Outcome) -> Outcome:
    """A failure's reason may quote an endpoint's error text: masked before it is stored."""
    if isinstance(outcome, ExtractionFailure):
        return outcome.model_copy(update={"reason": mask(outcome.reason)})
    return outcome


class Database:
    """The open file: one connection, its transactions and its reads."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "corpus.sqlite"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            if not directory.is_dir():
                raise NotADirectoryError(f"{directory} is a file, not a directory")
            self._db = sqlite3.connect(self.path, timeout=_BUSY_S)  # `with self._db:` = one tx
            refuse_newer(self._db, self.path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            migrate(self._db, self.path)
        except (OSError, sqlite3.Error) as error:
            where = self.path if directory.is_dir() else directory
            raise _unusable(where, error) from error

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction; a full disk or a read-only file is one clear error. It takes the
        write lock first (IMMEDIATE), so while another process writes it waits (up to the
        busy timeout) instead of failing half-way."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            with self._db:
                yield self._db
        except sqlite3.Error as error:
            raise _unusable(self.path, error) from error

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._db.execute(sql, args).fetchall()
        except sqlite3.Error as error:
            raise _unusable(self.path, error) from error
