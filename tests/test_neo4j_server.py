"""The launcher: no Neo4j outlives the process that started it, and a machine without java
or mvn is told so (the tests' one reason to skip)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.graph.stores.neo4j_server import tools_missing

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

STARTER = """
import sys, time
from pathlib import Path
from kg.graph.stores.neo4j_server import Neo4jServer
server = Neo4jServer(Path(sys.argv[1]))
server.create()
server.start()
print(server.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_a_killed_parent_leaves_no_neo4j_behind(tmp_path: Path) -> None:
    if reason := tools_missing():
        pytest.skip(f"no Neo4j on this machine: {reason}")
    parent = subprocess.Popen([sys.executable, "-c", STARTER, str(tmp_path / "kg-neo4j-home")],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert parent.stdout is not None
    jvm = int(parent.stdout.readline())
    assert alive(jvm)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 60
    while alive(jvm) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(jvm), f"Neo4j (pid {jvm}) outlived the process that started it"


def test_a_machine_without_java_or_maven_is_told_why(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    reason = tools_missing()
    assert reason is not None and "Java 17 and Maven" in reason and "java and mvn" in reason


def test_the_generated_password_is_never_read_as_an_option(tmp_path: Path) -> None:
    from kg.graph.stores.neo4j_server import Neo4jServer

    passwords = {Neo4jServer(tmp_path / "home").password for _ in range(200)}
    assert len(passwords) == 200 and all(p.isalnum() for p in passwords)
