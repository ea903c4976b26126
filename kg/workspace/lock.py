"""One writer at a time: an exclusive lock file in the workspace, naming its holder's pid.

The kernel drops a `flock` when its holder exits, however it exits (SIGKILL included), so a
lock is never stale. The embedded store holds `falkordb.lock` while its server runs; an LLM
extraction holds `extract.lock` before it pays for a call; a load into Neo4j holds
`neo4j.lock` while it writes the graph.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.errors import KgError


class Busy(KgError):
    """Another kg command holds the lock: wait for it, or use another workspace."""


def take(path: Path, doing: str) -> int:
    """The open, locked file at `path` (close it to release); Busy, naming the holder's pid
    and `doing` (what the holder is doing, e.g. "extracting with the LLM"), when another
    process holds it."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        os.close(fd)
        raise Busy(
            f"the workspace {path.parent} is in use by another kg command (pid {holder}, "
            f"{doing}); wait for it to finish or set KG_WORKSPACE to another directory"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


@contextmanager
def held(path: Path, doing: str) -> Iterator[None]:
    """The lock at `path` for the length of the block."""
    fd = take(path, doing)
    try:
        yield
    finally:
        os.close(fd)
