"""The embedded store's server: persisted, never left running, one command per workspace."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extract.errors import StoreUnavailable
from kg.graph.stores.falkor import FalkorStore


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] != "Z"


def test_the_graph_persists_across_restarts(tmp_path: Path) -> None:
    with FalkorStore(tmp_path) as store:
        store.run("CREATE (:Paper {id: 'W1'})")
    with FalkorStore(tmp_path) as store:
        assert store.run("MATCH (p:Paper) RETURN p.id AS id") == [{"id": "W1"}]


def test_close_stops_the_server(tmp_path: Path) -> None:
    store = FalkorStore(tmp_path)
    pid = store._server._proc.pid  # type: ignore[union-attr]
    store.close()
    assert not alive(pid)


def test_a_second_command_on_the_same_workspace_is_refused(tmp_path: Path) -> None:
    holder = f"in use by another kg command \\(pid {os.getpid()}\\)"
    with FalkorStore(tmp_path), pytest.raises(StoreUnavailable, match=holder):
        FalkorStore(tmp_path)


def test_the_server_dies_with_a_killed_parent(tmp_path: Path) -> None:
    script = (
        "import sys, time; from pathlib import Path;"
        "from kg.graph.stores.falkor import FalkorStore;"
        "s = FalkorStore(Path(sys.argv[1])); print(s._server._proc.pid, flush=True); time.sleep(60)"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    server_pid = int(parent.stdout.readline())
    assert alive(server_pid)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(server_pid)
    with FalkorStore(tmp_path) as store:  # and the workspace is usable again
        assert store.run("RETURN 1 AS one") == [{"one": 1}]


def test_the_server_exits_on_sigterm_even_when_its_last_save_fails(tmp_path: Path) -> None:
    """The parent-death SIGTERM saves first; with the workspace gone the save fails, and the
    server must exit anyway rather than linger as an orphan."""
    import shutil

    from kg.graph.stores.falkor import FalkorServer

    server = FalkorServer(tmp_path / "ws")
    server.start()
    assert server._proc is not None
    shutil.rmtree(tmp_path / "ws")
    server._proc.send_signal(signal.SIGTERM)
    try:
        server._proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server._proc.kill()
        raise AssertionError("redis-server lingered after SIGTERM, its workspace deleted") from None
