"""A real Neo4j 5.26 community server, resolved by Maven and started on loopback.

For `make neo4j`, the tests and the benches; `kg` itself only ever connects to a Neo4j
(`KG_STORE=neo4j`). `neo4j-maven/pom.xml` pins the artifacts; Maven resolves them from Maven
Central into ~/.m2 and writes their classpath once (`neo4j-maven/target/classpath.txt`).

What we relied on, read in neo4j/neo4j's sources (5.26):
- `org.neo4j.server.CommunityEntryPoint` (module community/neo4j) starts the server; its
  `CommandLineArgs` take `--home-dir=` and `--config-dir=` (which holds `neo4j.conf`). We run
  it with `java` directly, not through the `neo4j` bootloader script, so the JVM is our child
  and the kernel can end it when we die (PR_SET_PDEATHSIG, as kg/graph/stores/falkor.py does for
  redis-server).
- `org.neo4j.cli.AdminTool` (neo4j-admin, from neo4j-command-line) reads `NEO4J_HOME` and
  `NEO4J_CONF` from the environment; `dbms set-initial-password` writes data/dbms/auth.ini
  before the first start, and `database import full` builds a database offline. Its
  command line is picocli's, which reads an argument `@FILE` from FILE: the password goes
  that way (a 0600 file, removed at once), never on a command line `ps` shows.
- Setting names, checked against the jars' `GraphDatabaseSettings` and `ServerSettings`
  (strict validation refuses unknown ones): `server.bolt.listen_address`,
  `server.http.listen_address`, `server.https.enabled`, `dbms.security.auth_enabled`,
  `dbms.usage_report.enabled` (usage reporting), `client.allow_telemetry` (Browser's),
  `server.memory.pagecache.size`, `browser.remote_content_hostname_whitelist` (the hosts
  Browser fetches a `:guide` from, handed to it by `dbms.clientConfig`). The heap is the
  JVM's `-Xmx`: the server.memory.heap.* settings are read by the bootloader script, which
  we do not use.
- Neo4j Browser (org.neo4j.client:neo4j-browser) is served at /browser/ when its jar is on
  the classpath.
"""

import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import neo4j
from neo4j.exceptions import AuthError, ServiceUnavailable

from extract.errors import ConfigError, KgError, StoreUnavailable
from kg.workspace.lock import held

REPO = Path(__file__).resolve().parents[3]
POM = REPO / "neo4j-maven" / "pom.xml"
NEO4J_VERSION = "5.26.30"  # as pinned in neo4j-maven/pom.xml
USER = "neo4j"
_PR_SET_PDEATHSIG = 1
_START_TIMEOUT_S = 180.0


class ToolMissing(ConfigError):
    """java or mvn is not installed: Neo4j cannot be started here."""


class _ExitedAtStart(StoreUnavailable):
    """The server ended before Bolt answered (a port taken meanwhile, a bad setting)."""


def _die_with_parent() -> None:  # runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def tools_missing() -> str | None:
    """Why Neo4j cannot be started on this machine, or None when it can."""
    absent = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if absent:
        return f"starting Neo4j needs Java 17 and Maven: {' and '.join(absent)} not found"
    return None


def classpath(pom: Path = POM) -> str:
    """The server's, the import tool's and Browser's jars, resolved by Maven once per pom."""
    if reason := tools_missing():
        raise ToolMissing(reason)
    cached = pom.parent / "target" / "classpath.txt"
    if not cached.exists() or cached.stat().st_mtime < pom.stat().st_mtime:
        cached.parent.mkdir(parents=True, exist_ok=True)
        command = ["mvn", "-B", "-q", "-f", str(pom), "dependency:build-classpath",
                   f"-Dmdep.outputFile={cached}"]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            cached.unlink(missing_ok=True)
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-5:])
            raise StoreUnavailable(f"Maven could not resolve Neo4j from {pom}:\n{tail}")
        cached.touch()  # Maven leaves an unchanged file as it was
    return cached.read_text().strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Neo4jServer:
    """One Neo4j community server in `home` (data, logs, conf), on free loopback ports."""

    home: Path
    heap: str = "512m"
    pagecache: str = "64m"
    # letters and digits only: neo4j-admin would read a password that starts with '-' as an option
    password: str = field(default_factory=lambda: "kg" + secrets.token_hex(16))
    bolt_port: int = 0
    http_port: int = 0
    started_in: float = 0.0  # seconds from launch until Bolt answered
    pid_file: Path | None = None  # where the JVM's pid is written as soon as it is launched
    _proc: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def exports(self) -> str:
        return f"export NEO4J_URI={self.uri} NEO4J_USER={USER} NEO4J_PASSWORD={self.password}"

    def create(self) -> None:
        """A fresh home: an emptied directory, our neo4j.conf, the generated password."""
        shutil.rmtree(self.home, ignore_errors=True)
        (self.home / "conf").mkdir(parents=True)
        argument = self.home / "conf" / ".initial-password"
        fd = os.open(argument, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as written:
            written.write(self.password + "\n")
        try:
            self.admin("dbms", "set-initial-password", f"@{argument}")
        finally:
            argument.unlink()
        (self.home / "data" / "dbms" / "auth.ini").chmod(0o600)

    def _write_conf(self) -> None:
        self.bolt_port, self.http_port = free_port(), free_port()
        settings = {
            "server.default_listen_address": "127.0.0.1",
            "server.bolt.listen_address": f"127.0.0.1:{self.bolt_port}",
            "server.bolt.advertised_address": f"127.0.0.1:{self.bolt_port}",
            "server.http.listen_address": f"127.0.0.1:{self.http_port}",
            "server.http.advertised_address": f"127.0.0.1:{self.http_port}",
            "server.https.enabled": "false",
            "dbms.security.auth_enabled": "true",
            "dbms.usage_report.enabled": "false",
            "client.allow_telemetry": "false",
            "server.memory.pagecache.size": self.pagecache,
            "db.tx_log.rotation.retention_policy": "1 files",
            # Browser plays `:guide URL` only from these hosts: ours serves on loopback
            "browser.remote_content_hostname_whitelist": "guides.neo4j.com,localhost,127.0.0.1",
        }
        conf = "".join(f"{key}={value}\n" for key, value in settings.items())
        (self.home / "conf").mkdir(parents=True, exist_ok=True)
        (self.home / "conf" / "neo4j.conf").write_text(conf)

    def _java(self, main: str, *args: str, heap: str | None = None) -> list[str]:
        return ["java", f"-Xmx{heap or self.heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-Dfile.encoding=UTF-8", "-cp", classpath(), main, *args]  # fmt: skip

    def admin(self, *args: str, heap: str = "1g") -> str:
        """Run neo4j-admin (`AdminTool`) on this home; returns its output, raises on failure."""
        if not (self.home / "conf" / "neo4j.conf").exists():
            self._write_conf()
        env = dict(os.environ, NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.home / "conf"))
        command = self._java("org.neo4j.cli.AdminTool", *args, heap=heap)
        done = subprocess.run(command, env=env, cwd=self.home, capture_output=True, text=True,
                              preexec_fn=_die_with_parent)  # fmt: skip
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-8:])
            raise StoreUnavailable(f"neo4j-admin {args[0]} {args[1]} failed:\n{tail}")
        return done.stdout

    def start(self, detached: bool = False) -> None:
        """Start the server and wait until Bolt answers. `detached`: for `make neo4j`, the
        server outlives us (its own session, no parent-death signal). A port found free
        can be taken by another process before Neo4j binds it: then we try new ports."""
        for attempt in range(3):
            try:
                self._start_once(detached)
                return
            except _ExitedAtStart:
                if attempt == 2:
                    raise

    def _start_once(self, detached: bool) -> None:
        self._write_conf()
        log = (self.home / "console.log").open("ab")
        command = self._java("org.neo4j.server.CommunityEntryPoint", f"--home-dir={self.home}",
                             f"--config-dir={self.home / 'conf'}")  # fmt: skip
        began = time.monotonic()
        self._proc = subprocess.Popen(
            command, cwd=self.home, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=detached, preexec_fn=None if detached else _die_with_parent,
        )  # fmt: skip
        log.close()
        if self.pid_file is not None:  # before the wait: a launcher killed meanwhile is found
            self.pid_file.write_text(str(self._proc.pid))
        self._wait_for_bolt(began)

    def _wait_for_bolt(self, began: float) -> None:
        assert self._proc is not None
        with neo4j.GraphDatabase.driver(self.uri, auth=(USER, self.password)) as driver:
            while time.monotonic() - began < _START_TIMEOUT_S:
                if self._proc.poll() is not None:
                    raise _ExitedAtStart(f"Neo4j exited at start:\n{self.log_tail()}")
                try:
                    driver.verify_connectivity()
                    self.started_in = time.monotonic() - began
                    return
                except (ServiceUnavailable, OSError):
                    time.sleep(0.2)
                except AuthError as error:
                    self.stop()
                    raise StoreUnavailable(f"Neo4j refused our password: {error}") from error
        self.stop()
        raise StoreUnavailable(f"Neo4j did not answer on Bolt in {_START_TIMEOUT_S:.0f} s")

    def log_tail(self) -> str:
        text = ""
        for name in ("console.log", "logs/neo4j.log"):
            path = self.home / name
            if path.exists():
                text += "\n".join(path.read_text(errors="replace").splitlines()[-10:]) + "\n"
        return text

    def stop(self) -> None:
        """Stop gracefully (SIGTERM: Neo4j checkpoints and shuts down), killing after 60 s."""
        if self._proc is not None:
            stop_process(self._proc.pid, self._proc)
        self._proc = None


def stop_process(pid: int, proc: subprocess.Popen[bytes] | None = None) -> None:
    """End a server by pid: SIGTERM, then SIGKILL if it is still there after 60 s."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc is not None:
            if proc.poll() is not None:
                return
        else:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    if proc is not None:
        proc.wait()


# --- `make neo4j` / `make neo4j-stop`: one server in the background, under .neo4j/ ----------

STATE = REPO / ".neo4j"


def start_background(state: Path = STATE) -> Neo4jServer:
    """Stop the previous background server, then start a fresh one; its pid and exports are
    kept in `state` for `stop_background` and for a second look. One launcher at a time
    holds `state`/lock; the pid is written as soon as the JVM is launched."""
    state.mkdir(parents=True, exist_ok=True)
    with held(state / "lock", "starting Neo4j", "wait for it to finish"):
        stop_background(state)
        (state / "env").unlink(missing_ok=True)
        (state / "server.json").unlink(missing_ok=True)
        server = Neo4jServer(state / "home", pid_file=state / "pid")
        server.create()
        server.start(detached=True)
        record_background(server, state, start_guide(state))
    return server


def start_guide(state: Path) -> str:
    """The ptm-kg guide served beside the server (kg/questions/browser/serve.py), in a
    process of its own that `stop_background` ends; its URL for `:guide`."""
    from kg.questions.browser.guide import GUIDE_FILE
    from kg.questions.browser.serve import HOST

    port = free_port()
    guide = subprocess.Popen(
        [sys.executable, "-m", "kg.questions.browser.serve", str(state / "guide"), str(port)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, cwd=REPO,
    )  # fmt: skip
    (state / "guide.pid").write_text(str(guide.pid))
    return f"http://{HOST}:{port}/{GUIDE_FILE}"


def record_background(server: "Neo4jServer", state: Path, guide_url: str = "") -> None:
    """Keep the server's pid, its exports (0600) and, without the secret, where it is, its
    guide's URL and which home it runs (so a reused pid is never taken for it)."""
    state.mkdir(parents=True, exist_ok=True)
    (state / "pid").write_text(str(server.pid))
    fd = os.open(state / "env", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as env:
        env.write(server.exports() + "\n")
    where = {"uri": server.uri, "user": USER, "browser_url": server.browser_url,
             "guide_url": guide_url, "home": str(server.home)}  # fmt: skip
    (state / "server.json").write_text(json.dumps(where) + "\n")


def background_server(state: Path = STATE) -> dict[str, str] | None:
    """Where the server `make neo4j` started is (Bolt URI, user, Browser URL), while it runs;
    its password is in `state`/env."""
    try:
        pid = int((state / "pid").read_text())
        where = json.loads((state / "server.json").read_text())
    except (OSError, ValueError):
        return None
    home = Path(str(where.pop("home", state / "home")))
    return {**where, "env": str(state / "env")} if runs_home(pid, home) else None


def runs_home(pid: int, home: Path) -> bool:
    """Is `pid` a Neo4j server of `home` (not another checkout's, nor a reused pid)?"""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"org.neo4j.server.CommunityEntryPoint" in args and (
        f"--home-dir={home}".encode() in args
    )


def stop_background(state: Path = STATE) -> str:
    """Stop the server `state`/pid names when it is this checkout's own; what happened, in
    one line."""
    _stop_guide(state)
    pid_file = state / "pid"
    try:
        text = pid_file.read_text().strip()
    except FileNotFoundError:
        return "No Neo4j was running."
    pid_file.unlink()
    (state / "env").unlink(missing_ok=True)  # its exports name a server no longer there
    (state / "server.json").unlink(missing_ok=True)
    if not text.isdigit():
        return f"No Neo4j was stopped: {pid_file} held {text[:20]!r}, not a process id."
    if not runs_home(int(text), state / "home"):
        return f"No Neo4j was running (pid {text} is not this checkout's Neo4j)."
    stop_process(int(text))
    return "Neo4j stopped."


def _stop_guide(state: Path) -> None:
    """End the guide server `start_guide` left, when that pid still runs it."""
    pid_file = state / "guide.pid"
    try:
        pid = int(pid_file.read_text())
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        args, pid = [], 0
    pid_file.unlink(missing_ok=True)
    if b"kg.questions.browser.serve" in args and str(state / "guide").encode() in args:
        stop_process(pid)


def main(argv: list[str], state: Path = STATE) -> int:

    if argv[:1] == ["stop"]:
        print(stop_background(state), file=sys.stderr)
        return 0
    try:
        server = start_background(state)
    except KgError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(
        f"Neo4j {NEO4J_VERSION} started in {server.started_in:.1f} s (pid {server.pid}); "
        f"Browser: {server.browser_url} (its guide: `kg browser`); stop it with "
        "`make neo4j-stop`",
        file=sys.stderr,
    )
    print(server.exports())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
