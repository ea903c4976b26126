"""One writer at a time: an exclusive lock file in the workspace, naming its holder's pid.

The kernel drops a `flock` when its holder exits, however it exits (SIGKILL included), so a
lock is never stale. The embedded store holds `falkordb.lock` while its server runs; an LLM
extraction holds `extract.lock` before it pays for a call; a load into Neo4j holds
`neo4j.lock` while it writes the graph; `make neo4j` holds `.neo4j/lock` while it starts a
server.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.errors import KgError


class Busy(KgError):
    """Another kg command holds the lock: wait for it, or use another workspace."""


def take(path: Path, doing: str, hint: str = "") -> int:
    """The open, locked file at `path` (close it to release); Busy, naming the holder's pid
    and `doing` (what the holder is doing, e.g. "extracting with llm") and what to do
    (`hint`; by default: wait, or use another workspace), when another process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        hint = hint or "wait for it to finish or set KG_WORKSPACE to another directory"
        raise Busy(f"{path.parent} is in use by another kg command (pid {holder}, {doing}); "
                   f"{hint}") from None  # fmt: skip
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


@contextmanager
def held(path: Path, doing: str, hint: str = "") -> Iterator[None]:
    """The lock at `path` for the length of the block."""
    fd = take(path, doing, hint)
    try:
        yield
    finally:
        os.close(fd)
