"""Hostile input, round two (issue 28): keys too long for a store, money caps a server tries
to get past, two writers on one workspace or store, paths that point outside, large LLM
bodies, files in other encodings. Each test injects the fault for real."""

import contextlib
import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from kg.graph.stores.base import GraphStore
from kg.graph.stores.falkor import FalkorStore
from kg.graph.stores.neo4j_server import Neo4jServer
from tests.fixtures import KG, a_paper, env_for, kg_env, write_corpus
from tests.llm_server import LLMServer
from tests.openalex_server import OpenAlexServer

LONG_NAME = "Deep" + "Net" * 1666 + "X"  # 5,003 characters, one word


# --- 1. long keys -----------------------------------------------------------------------------


@pytest.mark.slow
def test_keys_too_long_for_a_store_fail_their_record_and_the_rest_loads(tmp_path: Path) -> None:
    papers = [a_paper(n) for n in range(1, 5)]
    long_id = "W" + "7" * 5000
    papers[1]["work"]["id"] = papers[1]["text"]["work_id"] = long_id  # type: ignore[index]
    papers[2]["work"]["doi"] = "10.1234/" + "x" * 5000  # type: ignore[index]
    corpus = write_corpus(tmp_path / "c.jsonl", papers)
    for _ in ("fresh (bulk)", "incremental (MERGE)"):
        done = kg_env(tmp_path, "load", str(corpus))
        assert done.returncode == 1 and "2 failures" in done.stderr, done.stderr
        assert "c.jsonl:2" in done.stderr and "c.jsonl:3" in done.stderr, done.stderr
        assert "Loaded 2 papers" in done.stdout, done.stdout
    with FalkorStore(tmp_path / "ws") as store:
        assert store.run("MATCH (p:Paper) RETURN count(p) AS n") == [{"n": 2}]

    # an LLM answer naming a 5,003-character model that the paper does name
    sentence = f"We fine-tuned the released {LONG_NAME} checkpoint on our images."
    named = write_corpus(tmp_path / "n.jsonl", [a_paper(9, methods=sentence)])
    with LLMServer() as server:
        server.default = lambda _: json.dumps({"uses_dl": True, "uses_ptms": True, "reuses": [
            {"evidence": [], "quote": sentence, "model": LONG_NAME, "role": "used",
             "pattern": "adaptation", "stage": "Test", "form": "fine-tuned"}]})  # fmt: skip
        llm = {"KG_LLM_BASE_URL": server.base_url, "KG_LLM_MODEL": "m",
               "OPENAI_API_KEY": "sk-test", "KG_WORKSPACE": str(tmp_path / "llm")}  # fmt: skip
        extracted = kg_env(tmp_path, "extract", str(named), "--concurrency", "1", **llm)
    assert extracted.returncode == 0, extracted.stderr
    assert "1 reuse(s) dropped" in extracted.stdout, extracted.stdout
    loaded = kg_env(tmp_path, "load", str(named), "--extractor", "llm",
                    KG_WORKSPACE=str(tmp_path / "llm"))  # fmt: skip
    assert loaded.returncode == 0 and "Loaded 1 paper" in loaded.stdout, loaded.stderr
    with FalkorStore(tmp_path / "llm") as store:
        assert store.run("MATCH (m:Model) RETURN count(m) AS n") == [{"n": 0}]


# --- 2. money caps; 14. budget headers ---------------------------------------------------------


@pytest.mark.parametrize("count", [400, 1, -1, None, 1e18, True])
def test_max_cost_holds_call_by_call_whatever_the_count_says(tmp_path: Path, count: object) -> None:
    with OpenAlexServer(tmp_path, works=2000) as server:  # ten pages of 200
        server.mangle = lambda page: {**page, "meta": {**page["meta"], "count": count}}
        done = kg_env(tmp_path, "fetch", "--no-fulltext", "--max-cost", "0.005",
                      OPENALEX_URL=server.url, REQUESTS_CA_BUNDLE=str(server.ca_path),
                      OPENALEX_API_KEY="test-key")  # fmt: skip
    assert len(server.log) == 5, server.log  # $0.001 a search page: a sixth passes the cap
    assert done.returncode == 2 and "stopped before OpenAlex call 6" in done.stderr, done.stderr
    assert "--max-cost $0.005" in done.stderr and "rerun resumes" in done.stderr
    if count not in (400, 1):
        assert "no usable result count" in done.stderr, done.stderr


def test_budget_headers_that_are_not_numbers_are_ignored(tmp_path: Path) -> None:
    with OpenAlexServer(tmp_path, works=10) as server:
        server.mangle = lambda page: {**page, "meta": {**page["meta"], "count": -1}}
        headers = {"X-RateLimit-Limit-USD": "NaN", "X-RateLimit-Remaining-USD": "nan",
                   "X-RateLimit-Cost-USD": "-inf"}  # fmt: skip
        server.rate_headers = lambda cost: headers  # type: ignore[method-assign]
        done = kg_env(tmp_path, "fetch", "--no-fulltext", "--limit", "5",
                      OPENALEX_URL=server.url, REQUESTS_CA_BUNDLE=str(server.ca_path),
                      OPENALEX_API_KEY="test-key")  # fmt: skip
    assert done.returncode == 0, done.stderr
    output = (done.stdout + done.stderr).lower()
    assert "nan" not in output and "inf" not in output and "-1 works" not in output, output


# --- 3. one LLM extraction per workspace --------------------------------------------------------


def test_two_llm_extractions_on_one_workspace_never_pay_twice(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 9)])
    with LLMServer(delay=0.3) as server:
        llm = {"KG_LLM_BASE_URL": server.base_url, "KG_LLM_MODEL": "m",
               "OPENAI_API_KEY": "sk-test"}  # fmt: skip
        args = [KG, "extract", str(corpus), "--concurrency", "1"]
        first = subprocess.Popen(args, cwd=tmp_path, env=env_for(tmp_path, **llm), text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        deadline = time.monotonic() + 60
        while not server.requests:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        second = kg_env(tmp_path, *args[1:], **llm)
        stdout, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr
    assert second.returncode == 2, second.stdout
    assert f"pid {first.pid}" in second.stderr and "extracting with llm" in second.stderr
    assert len(server.requests) == 8 and "LLM: 8 call(s)" in stdout, stdout
    cost = kg_env(tmp_path, "cost")
    assert cost.returncode == 0 and re.search(r"│ m +│ +8 │", cost.stdout), cost.stdout


# --- 6. paths that stay inside; 12. encodings ------------------------------------------------

DATA = Path(__file__).parent / "data"
JATS_HEAD = b"<article><front><article-meta><title-group><article-title>Big</article-title>"
JATS_HEAD += b"</title-group></article-meta></front><body><sec><title>Methods</title>"


def peak_run(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, float]:
    """`kg args` as kg_env runs it: its exit code, its output and errors, and its peak
    memory in MB, as /usr/bin/time reports it (a process forked from this one would report
    this one's peak: Linux keeps the high-water mark across exec)."""
    log = tmp_path / "peak.txt"
    if not Path("/usr/bin/time").exists():
        pytest.skip("measuring peak memory needs /usr/bin/time (Debian: apt-get install time)")
    timed = ["/usr/bin/time", "-o", str(log), "-f", "%M", KG, *args]
    done = subprocess.run(timed, cwd=tmp_path, env=env_for(tmp_path, **env), text=True,
                          capture_output=True, timeout=300)  # fmt: skip
    return done.returncode, done.stdout + done.stderr, int(log.read_text().split()[-1]) / 1024


def test_files_a_metadata_sheet_names_must_be_regular_files_inside_it(tmp_path: Path) -> None:
    import os

    folder, elsewhere = tmp_path / "papers", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    good = (DATA / "biorxiv_like.xml").read_bytes()
    (folder / "good.xml").write_bytes(good)
    (elsewhere / "private.xml").write_bytes(good.replace(b"<body>", b"<body><p>PRIVATE</p>"))
    (folder / "link.xml").symlink_to(elsewhere / "private.xml")
    os.mkfifo(folder / "pipe.xml")
    with (folder / "big.xml").open("wb") as big:  # 60 MB of one JATS paper
        big.write(JATS_HEAD)
        for _ in range(620):
            big.write(b"<p>" + b"We fine-tuned ResNet-50 on our images. " * 2500 + b"</p>")
        big.write(b"</sec></body></article>")
    names = ["good.xml", "../elsewhere/private.xml", str(elsewhere / "private.xml"),
             "link.xml", "/dev/zero", "pipe.xml", "big.xml"]  # fmt: skip
    rows = "".join(f"{name},10.5/{n},Paper {n},2023,,13\n" for n, name in enumerate(names))
    (folder / "metadata.csv").write_text("file,doi,title,year,journal,fields\n" + rows)

    code, output, peak = peak_run(tmp_path, "load", str(folder))
    assert code == 1 and "6 failures" in output, output
    assert "Loaded 1 paper" in output, output
    assert output.count("is outside the folder") == 4, output  # ../, absolute, link, /dev/zero
    assert "metadata.csv:7" in output and "pipe.xml is not a regular file" in output, output
    assert "metadata.csv:8" in output and "over KG_FULLTEXT_MAX_MB (50 MB)" in output, output
    assert peak < 200, f"{peak:.0f} MB"
    print(f"peak memory of the hostile folder's load: {peak:.0f} MB")
    with FalkorStore(tmp_path / "ws") as store:
        assert store.run("MATCH (p:Paper) RETURN count(p) AS n") == [{"n": 1}]

    for corpus in ("/dev/zero", str(folder / "pipe.xml")):  # as the corpus itself
        code, output, peak = peak_run(tmp_path, "load", corpus)
        assert code == 2 and "is not a regular file" in output and peak < 200, output
        print(f"peak memory of kg load {corpus}: {peak:.0f} MB")


def test_spreadsheet_csvs_and_utf16_papers_are_read_and_other_encodings_named(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "good.xml").write_bytes((DATA / "biorxiv_like.xml").read_bytes())
    sheet = "file,doi,title,year,journal,fields\ngood.xml,10.5/1,Caf\u00e9 paper,2023,,13\n"
    (folder / "metadata.csv").write_bytes(sheet.encode("utf-8-sig"))  # Excel's "CSV UTF-8"
    done = kg_env(tmp_path, "load", str(folder))
    assert done.returncode == 0 and "Loaded 1 paper" in done.stdout, done.stdout + done.stderr

    (folder / "metadata.csv").write_bytes(sheet.encode("cp1252"))
    refused = kg_env(tmp_path, "load", str(folder))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr, refused.stderr
    assert "metadata.csv is not UTF-8" in refused.stderr and "cp1252" in refused.stderr

    paper = tmp_path / "paper.txt"
    paper.write_text("Seeing whales with YOLOv8\nDOI: 10.5/whales\n\nWe fine-tuned YOLOv8.\n",
                     encoding="utf-16")  # fmt: skip
    done = kg_env(tmp_path, "load", str(paper), KG_WORKSPACE=str(tmp_path / "ws16"))
    assert done.returncode == 0, done.stdout + done.stderr
    with FalkorStore(tmp_path / "ws16") as store:
        rows = store.run("MATCH (p:Paper) RETURN p.title AS title, p.doi AS doi")
    assert rows == [{"title": "Seeing whales with YOLOv8", "doi": "10.5/whales"}]


# --- 7. outputs written whole, never through a symlink, never over a user's file --------------


def test_export_and_neo4j_import_never_write_through_a_symlink_or_over_a_users_readme(
    tmp_path: Path,
) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 4)])
    assert kg_env(tmp_path, "load", str(corpus)).returncode == 0
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("precious")
    tables, csvs = tmp_path / "tables", tmp_path / "csv"
    tables.mkdir()
    csvs.mkdir()
    (tables / "README.md").write_text("# My notes\n")
    (tables / "papers.csv").symlink_to(elsewhere)
    (csvs / "Paper.csv").symlink_to(elsewhere)

    refused = kg_env(tmp_path, "export", str(tables))
    assert refused.returncode == 2 and "not written by kg export" in refused.stderr
    assert (tables / "README.md").read_text() == "# My notes\n"
    (tables / "README.md").unlink()
    (tables / "README.md").symlink_to(elsewhere)
    assert kg_env(tmp_path, "export", str(tables)).returncode == 2  # a symlink is not ours
    (tables / "README.md").unlink()
    exported = kg_env(tmp_path, "export", str(tables))
    assert exported.returncode == 0, exported.stderr
    assert kg_env(tmp_path, "export", str(tables)).returncode == 0  # its own README: replaced
    imported = kg_env(tmp_path, "neo4j-import", str(csvs))
    assert imported.returncode == 0, imported.stderr

    assert elsewhere.read_text() == "precious"
    for written in (tables / "papers.csv", csvs / "Paper.csv"):
        assert not written.is_symlink() and "W1" in written.read_text()
    hidden = [p.name for p in [*tables.iterdir(), *csvs.iterdir()] if p.name.startswith(".")]
    assert hidden == []  # no partial file left behind


# --- 10. large LLM bodies -------------------------------------------------------------------


def test_a_40_mb_llm_answer_is_refused_unread_and_never_reaches_the_ledger(
    tmp_path: Path,
) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 3)])
    huge = json.dumps({"uses_dl": True, "uses_ptms": False, "reuses": [],
                       "note": "x" * 40_000_000})  # fmt: skip
    with LLMServer() as server:
        server.script = [huge]  # the first paper's answer; the second gets a normal one
        llm = {"KG_LLM_BASE_URL": server.base_url, "KG_LLM_MODEL": "m",
               "OPENAI_API_KEY": "sk-test"}  # fmt: skip
        code, output, peak = peak_run(tmp_path, "extract", str(corpus), "--concurrency", "1",
                                      **llm)  # fmt: skip
    assert code == 1 and "1 failure" in output, output
    assert "over KG_LLM_MAX_RESPONSE_MB (2 MB)" in output, output
    assert len(server.requests) == 2, len(server.requests)  # no retry, no re-ask
    assert (tmp_path / "ws" / "corpus.sqlite").stat().st_size < 2_000_000
    assert peak < 250, f"{peak:.0f} MB"
    print(f"peak memory of kg extract against a 40 MB answer: {peak:.0f} MB")


# --- 8, 9. the make neo4j launcher ------------------------------------------------------------

LAUNCHER = """
import sys
from pathlib import Path
from kg.graph.stores.neo4j_server import main
raise SystemExit(main([], Path(sys.argv[1])))
"""


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def command_lines() -> list[bytes]:
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            lines.append(cmdline.read_bytes())
    return lines


@pytest.mark.neo4j
@pytest.mark.slow
def test_the_launcher_cannot_be_confused(tmp_path: Path) -> None:
    import os
    import signal
    import sys

    from kg.graph.stores.neo4j_server import stop_background, tools_missing

    if reason := tools_missing():
        pytest.skip(f"no Neo4j on this machine: {reason}")
    state = tmp_path / ".neo4j"
    state.mkdir()
    for bad in ("abc", ""):  # a bad pid file: one line, and it blocks nothing
        (state / "pid").write_text(bad)
        assert "not a process id" in stop_background(state)
        assert not (state / "pid").exists()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                              "org.neo4j.server.CommunityEntryPoint",
                              "--home-dir=/another/checkout/.neo4j/home"])  # fmt: skip
    try:
        (state / "pid").write_text(str(other.pid))
        assert "not this checkout's Neo4j" in stop_background(state)
        time.sleep(0.2)
        assert other.poll() is None  # another checkout's server is left alone
    finally:
        other.kill()
        other.wait()

    launch = [sys.executable, "-c", LAUNCHER, str(state)]
    first = subprocess.Popen(launch, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen: list[bytes] = []
    deadline = time.monotonic() + 120
    while not (state / "pid").exists():  # written before the wait for Bolt
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        seen += [line for line in command_lines() if b"AdminTool" in line]
        time.sleep(0.02)
    jvm = int((state / "pid").read_text())
    second = subprocess.run(launch, capture_output=True, text=True, timeout=60)
    assert second.returncode == 1 and "Traceback" not in second.stderr, second.stderr
    assert f"pid {first.pid}, starting Neo4j" in second.stderr, second.stderr
    first.send_signal(signal.SIGKILL)  # the launcher dies while it waits for Bolt
    first.wait()
    assert alive(jvm)
    try:
        auth = state / "home" / "data" / "dbms" / "auth.ini"
        assert auth.stat().st_mode & 0o077 == 0, oct(auth.stat().st_mode)
        assert seen and not [line for line in seen if b"set-initial-password\0kg" in line]
        assert stop_background(state) == "Neo4j stopped."  # the orphan is found and stopped
        assert not alive(jvm)
    finally:
        if alive(jvm):
            os.kill(jvm, signal.SIGKILL)


# --- 11. parameter values that fit both stores ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "params", "why"),
    [
        ("top_ptms", {"limit": "4294967296"}, "must be at most 2147483647"),
        ("top_ptms", {"limit": "4294967297"}, "must be at most 2147483647"),
        ("ptm_reuse_by_field", {"max_rank": "2147483648"}, "must be at most 2147483647"),
        ("ptm_reuse_by_field", {"science_fields": '"abc"', "max_rank": "2"}, "a JSON list"),
        ("ptm_reuse_by_field", {"science_fields": '["13", 28]'}, "a list of whole numbers"),
        ("ptm_reuse_by_field", {"science_fields": "[true]"}, "a list of whole numbers"),
        ("ptm_reuse_by_field", {"science_fields": "[" * 5000}, "expected a JSON list"),
    ],
)
def test_parameters_that_a_store_would_read_otherwise_are_refused(
    store: GraphStore, name: str, params: dict[str, str], why: str
) -> None:
    from extract.errors import InputRejected
    from kg.questions import queries

    with pytest.raises(InputRejected, match=why):
        queries.run(store, name, params)
    assert queries.run(store, name, {"limit": "2147483647"} if "limit" in params else {
        "science_fields": "[13, 28]", "max_rank": "2"}) == []  # fmt: skip


# --- 4. one load per Neo4j graph --------------------------------------------------------------


def held_by_another(lock: Path) -> bool:
    """Is the lock file at `lock` held (by another process)?"""
    import fcntl
    import os

    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.mark.neo4j
@pytest.mark.slow
def test_two_neo4j_rebuilds_on_one_workspace_cannot_interleave(
    tmp_path: Path, neo4j: Neo4jServer
) -> None:
    from kg.graph.loader import counts
    from kg.graph.stores.neo4j import Neo4jStore

    env = {"KG_STORE": "neo4j", "NEO4J_URI": neo4j.uri, "NEO4J_PASSWORD": neo4j.password}
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 1501)])
    first_load = kg_env(tmp_path, "load", "--reset", str(corpus), **env)
    assert first_load.returncode == 0, first_load.stderr
    with Neo4jStore(neo4j.uri, "neo4j", neo4j.password) as store:
        expected = counts(store)
    rebuild = [KG, "load", "--rebuild"]
    first = subprocess.Popen(rebuild, cwd=tmp_path, env=env_for(tmp_path, **env), text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while not held_by_another(tmp_path / "ws" / "neo4j.lock"):
        assert first.poll() is None and time.monotonic() < deadline, first.stderr
        time.sleep(0.02)
    second = kg_env(tmp_path, *rebuild[1:], **env)
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0 and "Loaded 1500 papers" in stdout, stderr
    assert second.returncode == 2 and "Loaded" not in second.stdout, second.stdout
    assert f"pid {first.pid}" in second.stderr and "Neo4j" in second.stderr, second.stderr
    with Neo4jStore(neo4j.uri, "neo4j", neo4j.password) as store:
        assert counts(store) == expected


# --- the test suite's own watch -------------------------------------------------------------

INNER_TEST = """
import os, subprocess
from pathlib import Path

def test_a_server_starts_during_the_run(tmp_path):
    where = "/" if os.environ["SERVER_IS_FOREIGN"] == "1" else str(tmp_path)
    title = "redis-server unixsocket:/tmp/kg-falkor-user/falkordb.sock"
    server = subprocess.Popen(["bash", "-c", f'exec -a "{title}" sleep 60'], cwd=where,
                              start_new_session=True)
    Path(os.environ["SERVER_PID_FILE"]).write_text(str(server.pid))
"""


@pytest.mark.parametrize("foreign", [True, False], ids=["a-users-server", "the-tests-own"])
def test_the_suite_fails_only_for_servers_it_started(tmp_path: Path, foreign: bool) -> None:
    import os
    import signal
    import sys

    inner = tmp_path / "inner" / "test_inner.py"
    inner.parent.mkdir()
    inner.write_text(INNER_TEST)
    pid_file = tmp_path / "server.pid"
    env = {**os.environ, "SERVER_IS_FOREIGN": "1" if foreign else "0",
           "SERVER_PID_FILE": str(pid_file)}  # fmt: skip
    command = [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p",
               "no:cacheprovider", "--basetemp", str(tmp_path / "base"), str(inner)]  # fmt: skip
    repo = Path(__file__).resolve().parent.parent
    try:
        done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True,
                              timeout=120)  # fmt: skip
    finally:
        if pid_file.exists():
            os.kill(int(pid_file.read_text()), signal.SIGKILL)
    assert "1 passed" in done.stdout, done.stdout + done.stderr
    if foreign:  # a user's own server beside the run is none of its business
        assert done.returncode == 0 and "left behind" not in done.stdout, done.stdout
    else:  # a server the run started and left running still fails it
        assert done.returncode == 1 and "left behind" in done.stdout, done.stdout
