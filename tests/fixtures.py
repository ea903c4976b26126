"""Helpers the test modules share: the kg command as a user runs it, papers and corpora,
kills on progress, and a small tmpfs. No test module imports another."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from extract.records import Paper, PaperText, Section, Work
from tests.fulltext_server import FulltextServer
from tests.openalex_server import OpenAlexServer

KG = str(Path(sys.executable).parent / "kg")


def kg(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "NEO4J_"))}
    env |= {"KG_WORKSPACE": str(tmp_path / "ws"), "COLUMNS": "200"}
    return subprocess.run(
        [KG, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KG_", "NEO4J_", "OPENA"))}
    return env | {"KG_WORKSPACE": str(tmp_path / "ws"), "COLUMNS": "200"} | extra


def run_until(
    tmp_path: Path, args: list[str], env: dict[str, str], ready: Callable[[], bool]
) -> None:
    """Start `kg args`, wait until `ready()`, then kill -9 it."""
    process = subprocess.Popen([KG, *args], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while not ready():
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, "the run never reached the point to interrupt"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()


METHODS = (
    "We fine-tuned the released ESM-2 650M checkpoint on 18,000 melting temperatures. "
    "Structures were predicted with ColabFold using default settings."
)


def paper(n: int, methods: str = METHODS) -> Paper:
    text = PaperText(
        work_id=f"W{n}",
        title=f"Paper {n} on enzyme stability",
        abstract="We study enzymes.",
        sections=(Section(heading="Methods", paragraphs=(methods,)),),
    )
    return Paper(work=Work(id=f"W{n}", title=text.title, year=2023), text=text)


def answer(*reuses: tuple[str, str, str, list[int], str | None]) -> str:
    """Sentences of `paper`'s excerpts: [S1] title, [S2] abstract, [S3] ESM-2, [S4] ColabFold."""
    return json.dumps({
        "uses_dl": True,
        "uses_ptms": bool(reuses),
        "reuses": [{"evidence": ids, "quote": q, "model": m, "role": "used", "pattern": p,
                    "stage": s, "form": "fine-tuned"} for m, p, s, ids, q in reuses],
    })  # fmt: skip


GOOD = answer(("esm2", "adaptation", "Test", [3], None))


def kg_env(
    tmp_path: Path, *args: str, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """`kg args` with `env` added; a run that outlives `timeout` seconds fails the test."""
    return subprocess.run([KG, *args], cwd=tmp_path, env=env_for(tmp_path, **env),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The run failed with exactly one error line and no traceback; returns that line."""
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def write_corpus(path: Path, papers: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in papers))
    return path


def a_paper(
    n: int, title: str = "", methods: str = "We fine-tuned ResNet-50 on our images."
) -> dict[str, object]:
    title = title or f"Paper {n}"
    field = {"id": 13, "name": "Biochemistry, Genetics and Molecular Biology",
             "domain": "Life Sciences", "rank": 0}  # fmt: skip
    return {"work": {"id": f"W{n}", "title": title, "year": 2020 + n % 5, "fields": [field]},
            "text": {"work_id": f"W{n}", "title": title,
                     "sections": [{"heading": "Methods", "paragraphs": [methods]}]}}  # fmt: skip


@contextmanager
def tmpfs(where: Path, size: str, *options: str) -> Iterator[Path]:
    """A small tmpfs (a full disk, or a read-only one) at `where`; skipped where refused."""
    where.mkdir(parents=True, exist_ok=True)
    mount = ["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}", *options)), "tmpfs",
             str(where)]  # fmt: skip
    done = subprocess.run(mount, capture_output=True, text=True)
    if done.returncode != 0:
        reason = "the disk faults need a tmpfs mount, which needs root; mount refused it: "
        pytest.skip(f"{reason}{done.stderr.strip() or f'exit code {done.returncode}'}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


BIOCHEM = {"id": "https://openalex.org/fields/13",
           "display_name": "Biochemistry, Genetics and Molecular Biology"}  # fmt: skip


def openalex_work(n: int, doi: str, pmcid: str | None = None) -> dict[str, Any]:
    """A kept work whose abstract names no model: only its full text can."""
    ids = {"openalex": f"https://openalex.org/W9{n}", "doi": f"https://doi.org/{doi}"}
    if pmcid:
        ids["pmcid"] = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}"
    return {
        "id": f"https://openalex.org/W9{n}", "doi": f"https://doi.org/{doi}", "ids": ids,
        "title": f"Real paper {n}", "publication_year": 2023, "cited_by_count": 3,
        "open_access": {"is_oa": True},
        "topics": [{"score": 0.9, "field": BIOCHEM,
                    "domain": {"display_name": "Life Sciences"}}],
        "abstract_inverted_index": {"We": [0], "studied": [1], "proteins.": [2]},
    }  # fmt: skip


def run_kg(tmp_path: Path, openalex: OpenAlexServer, web: FulltextServer, *args: str) -> Any:
    import subprocess

    env = env_for(tmp_path, OPENALEX_URL=openalex.url, REQUESTS_CA_BUNDLE=str(openalex.ca_path),
                  **web.env())  # fmt: skip
    return subprocess.run([KG, *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip


def papers_in_store(workspace: Path, graph: str = "ptmkg") -> int:
    """Paper nodes in the embedded store that a running `kg` holds open on `workspace`
    (0 while none runs or it has none yet): how a kill test waits for a load's progress.
    The lock file names the kg process; its redis-server child names its socket."""
    import redis

    try:
        holder = (workspace / "falkordb.lock").read_text().strip()
    except OSError:
        return 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = stat.read_text().rsplit(")", 1)[1].split()[1]
            title = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, IndexError):
            continue
        if parent != holder or "unixsocket:" not in title:
            continue
        socket = title.split("unixsocket:", 1)[1].split()[0].strip("\0 ")
        client = redis.Redis(unix_socket_path=socket, socket_timeout=1)
        try:
            reply = client.execute_command(
                "GRAPH.RO_QUERY", graph, "MATCH (p:Paper) RETURN count(p)"
            )
            return int(reply[1][0][0])
        except (redis.RedisError, OSError, IndexError, ValueError):
            return 0
        finally:
            client.close()
    return 0


def typed(value: Any) -> Any:
    """A value with its type spelt out, so 1 == 1.0 and True == 1 do not pass."""
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    return (type(value).__name__, value)
