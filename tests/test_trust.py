"""Builds you can trust: each fault of RELIABILITY.md's "trust" rows, injected for real.

Every test runs the `kg` command (or the library edge it names) the way a user would, and
checks what the user would see: one line and a non-zero exit instead of a traceback, no count
the store did not keep, no paper read as "no reuse" because its extraction failed.
"""

import json
import socket
import sqlite3
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from extract.errors import StoreUnavailable
from kg.graph.loader import counts, extraction_row, load_outcomes, load_works
from kg.graph.stores.falkor import FalkorStore
from tests.fixtures import (
    GOOD,
    KG,
    a_paper,
    env_for,
    kg_env,
    one_line_error,
    paper,
    papers_in_store,
    run_until,
    tmpfs,
    write_corpus,
)
from tests.graphs import EXTRACTIONS, WORKS
from tests.llm_server import LLMServer

pytestmark = pytest.mark.slow


def graph_counts(workspace: Path) -> dict[str, int]:
    with FalkorStore(workspace) as store:
        return counts(store)


# --- bad characters and refused batches -------------------------------------------------------


def test_a_nul_character_is_cleaned_and_every_paper_loads(tmp_path: Path) -> None:
    papers = [a_paper(n) for n in range(1, 49)]
    papers.append(a_paper(49, title="Bad\u0000 title", methods="We fine-tuned BERT.\u0000 Done."))
    done = kg_env(tmp_path, "load", str(write_corpus(tmp_path / "c.jsonl", papers)))
    assert done.returncode == 0, done.stderr
    assert "Loaded 49 papers" in done.stdout
    with FalkorStore(tmp_path / "ws") as store:
        (row,) = store.run("MATCH (p:Paper {id: 'W49'}) RETURN p.title AS title")
    assert row["title"] == "Bad title"


def test_an_llm_answer_with_a_nul_is_cleaned_before_the_ledger(tmp_path: Path) -> None:
    from extract.llm import LLMConfig, extract_papers
    from kg.workspace import Workspace

    workspace = Workspace(tmp_path)
    with LLMServer() as server:
        server.script = [GOOD.replace("esm2", "esm\\u00002")]
        config = LLMConfig(model="m", base_url=server.base_url)
        (extraction,), _, _ = extract_papers([paper(1)], config, workspace)
    answer = workspace._db.execute("SELECT answer FROM llm_calls").fetchone()[0]
    workspace.close()
    assert "\\u0000" not in answer and "\x00" not in answer
    assert extraction.reuses[0].model == "ESM-2"


def test_a_refused_record_is_found_and_the_rest_of_its_batch_loads(falkor: FalkorStore) -> None:
    load_works(falkor, WORKS)
    rows = [extraction_row(e) for e in EXTRACTIONS]
    (first, *rest) = rows[2]["edges"]["HAS_REUSE"]
    bad = dict(first, end=dict(first["end"], evidence="bad \x00 quote"))
    poisoned = dict(rows[2], edges=dict(rows[2]["edges"], HAS_REUSE=[bad, *rest]))
    refused = load_outcomes(falkor, [*rows[:2], poisoned, *rows[3:]])
    assert [r.id for r in refused] == ["W3"]
    assert "refused" in refused[0].reason
    found = falkor.run("MATCH (p:Paper) WHERE p.status = 'extracted' RETURN count(p) AS n")
    assert found[0]["n"] == len(WORKS) - 1


# --- builds as units ---------------------------------------------------------------------------


def test_reset_happens_only_after_the_input_is_read(tmp_path: Path) -> None:
    good = write_corpus(tmp_path / "good.jsonl", [a_paper(n) for n in range(1, 6)])
    assert kg_env(tmp_path, "load", str(good)).returncode == 0
    before = graph_counts(tmp_path / "ws")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"work": {}}\nnot json\n{"text": 1}\n')
    line = one_line_error(kg_env(tmp_path, "load", "--reset", str(bad)))
    assert "no valid paper" in line
    assert graph_counts(tmp_path / "ws") == before


def test_killed_loads_warn_as_incomplete_and_rebuild_gives_the_full_counts(tmp_path: Path) -> None:
    from bench.synth import corpus as synthetic

    works, _ = next(synthetic(15_000, chunk=15_000))
    lines = []
    for w in works:
        abstract = "We fine-tuned ResNet-50 on our images." if int(w.id[1:]) % 2 else None
        text = {"work_id": w.id, "title": w.title, "abstract": abstract}
        lines.append({"work": w.model_dump(), "text": text})
    corpus = write_corpus(tmp_path / "big.jsonl", lines)
    # one paper loaded first: the big loads then go by batches (MERGE), whose progress
    # shows in the store (a fresh graph is filled in one bulk step, visible only at its end)
    seed = write_corpus(tmp_path / "seed.jsonl", [a_paper(999_999_999)])
    clean = tmp_path / "clean"
    clean.mkdir()
    for loaded in (seed, corpus):
        assert kg_env(clean, "load", str(loaded)).returncode == 0
    expected = graph_counts(clean / "ws")
    assert kg_env(tmp_path, "load", str(seed)).returncode == 0

    db = tmp_path / "ws" / "corpus.sqlite"

    def builds() -> int:
        try:
            with sqlite3.connect(db) as conn:
                return int(conn.execute("SELECT count(*) FROM builds").fetchone()[0])
        except sqlite3.Error:
            return 0

    # kill -9 at points of progress, not of the clock: once the build is recorded, then once
    # the store holds some of the corpus's papers beside the seed
    for papers in (0, 2):
        before = builds()

        def reached(papers: int = papers, before: int = before) -> bool:
            started = builds() > before
            return started and (not papers or papers_in_store(tmp_path / "ws") >= papers)

        run_until(tmp_path, ["load", str(corpus)], env_for(tmp_path), reached)
        stats = kg_env(tmp_path, "stats")
        assert "incomplete build" in stats.stderr and "kg load --rebuild" in stats.stderr
    rebuilt = kg_env(tmp_path, "load", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert graph_counts(tmp_path / "ws") == expected
    assert "incomplete build" not in kg_env(tmp_path, "stats").stderr


def test_a_damaged_graph_file_is_one_line_and_rebuild_recovers(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 11)])
    assert kg_env(tmp_path, "load", str(corpus)).returncode == 0
    expected = graph_counts(tmp_path / "ws")
    rdb = tmp_path / "ws" / "graph.rdb"
    rdb.write_bytes(rdb.read_bytes()[: rdb.stat().st_size // 2])
    line = one_line_error(kg_env(tmp_path, "stats"))
    assert "cannot be read" in line and "kg load --rebuild" in line
    rebuilt = kg_env(tmp_path, "load", "--rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert graph_counts(tmp_path / "ws") == expected
    assert list((tmp_path / "ws").glob("graph.rdb.damaged-*"))
    rdb.write_bytes(b"REDIS0011 truncated")
    assert kg_env(tmp_path, "demo", "--force").returncode == 0  # the demo recovers too


# --- failed is not negative --------------------------------------------------------------------


def test_a_failed_llm_paper_is_loaded_as_failed_and_left_out_of_shares(tmp_path: Path) -> None:
    papers = [a_paper(1, methods="We fine-tuned ResNet-50 on our images."),
              a_paper(2, methods="We fine-tuned ResNet-50 on our images.")]  # fmt: skip
    corpus = write_corpus(tmp_path / "c.jsonl", papers)
    fine = json.dumps({"uses_dl": True, "uses_ptms": True, "reuses": [
        {"evidence": [], "quote": "We fine-tuned ResNet-50 on our images.",
         "model": "ResNet-50", "role": "used", "pattern": "adaptation", "stage": "Test",
         "form": "fine-tuned"}]})  # fmt: skip
    with LLMServer() as server:
        server.script = [500, 500, 500]  # the first paper exhausts its retries
        server.default = lambda _: fine
        llm = {"KG_LLM_BASE_URL": server.base_url, "KG_LLM_MODEL": "m"}
        extracted = kg_env(tmp_path, "extract", str(corpus), "--concurrency", "1", **llm)
    assert extracted.returncode == 1 and "1 failure" in extracted.stderr
    loaded = kg_env(tmp_path, "load", str(corpus), "--extractor", "llm")
    assert loaded.returncode == 1
    assert "1 whose extraction failed" in loaded.stdout
    with FalkorStore(tmp_path / "ws") as store:
        rows = store.run("MATCH (p:Paper) RETURN p.id AS id, p.status AS status, "
                         "p.uses_ptms AS uses_ptms ORDER BY id")  # fmt: skip
    assert [(r["status"], r["uses_ptms"]) for r in rows] == [("failed", None), ("extracted", True)]
    by_year = json.loads(kg_env(tmp_path, "query", "papers_by_year", "-f", "json").stdout)
    assert sum(r["papers"] for r in by_year) == 1 and sum(r["left_out"] for r in by_year) == 1
    assert all(r["ptm_share"] == 1.0 for r in by_year if r["papers"])
    assert "failed" in kg_env(tmp_path, "stats").stdout


# --- persistence is checked --------------------------------------------------------------------


def test_a_failed_save_is_an_error_not_a_log_line(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "small", "2m") as disk:
        store = FalkorStore(disk / "ws")
        try:
            load_works(store, WORKS)
            (disk / "filler").write_bytes(b"\0" * (2 * 1024 * 1024))
        except OSError:
            pass  # the filler fills the disk to the last byte
        try:
            with pytest.raises(StoreUnavailable, match="NOT saved"):
                store.save()
        finally:
            (disk / "filler").unlink()
            store.close()


def test_a_load_on_a_full_disk_fails_and_reports_nothing_loaded(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 3001)])
    with tmpfs(tmp_path / "small", "3m") as disk:
        done = subprocess.run([KG, "load", str(corpus)], cwd=tmp_path, capture_output=True,
                              text=True, env=env_for(tmp_path, KG_WORKSPACE=str(disk / "ws")),
                              timeout=300)  # fmt: skip
    line = one_line_error(done)
    assert "Loaded" not in done.stdout
    assert "space" in line or "full" in line


# --- text is shown literally -------------------------------------------------------------------


def test_markup_in_papers_and_names_is_printed_literally(tmp_path: Path) -> None:
    quote = "We fine-tuned ResNet-50 [/] on x[n] with [i]care[/i] and [b]bold[/b]."
    weird = "[/bold]Net-7"
    papers = [a_paper(1, methods=quote), a_paper(2, methods=f"We fine-tuned {weird} on data.")]
    corpus = write_corpus(tmp_path / "c.jsonl", papers)
    assert kg_env(tmp_path, "load", str(corpus)).returncode == 0
    with FalkorStore(tmp_path / "ws") as store:  # a model outside the alias table, by hand
        store.run("MATCH (p:Paper {id: 'W2'}), (a:Pattern {name: 'adaptation'}) "
                  "MERGE (m:Model {name: $name}) SET m.family = $name, m.modality = 'x' "
                  "MERGE (p)-[:HAS_REUSE]->(u:Reuse {id: 'W2/' + $name, evidence: $q}) "
                  "MERGE (u)-[:REUSES]->(m) MERGE (u)-[:WITH_PATTERN]->(a)",
                  {"name": weird, "q": f"We fine-tuned {weird} on data."})  # fmt: skip
    evidence = kg_env(tmp_path, "query", "evidence", COLUMNS="400")
    assert evidence.returncode == 0, evidence.stderr
    assert quote in evidence.stdout
    top = kg_env(tmp_path, "query", "top_ptms", COLUMNS="400")
    assert top.returncode == 0 and weird in top.stdout
    flows = kg_env(tmp_path, "flows", COLUMNS="400")
    assert flows.returncode == 0 and weird in flows.stdout, flows.stderr
    browser = kg_env(tmp_path, "browser")
    assert "(u:Reuse)-[:REUSES]->" in browser.stdout


# --- one line per error ------------------------------------------------------------------------


def test_settings_errors_are_one_line_and_mask_passwords(tmp_path: Path) -> None:
    assert "embedded FalkorDB" in kg_env(tmp_path, "where", KG_STORE="Embedded").stdout
    line = one_line_error(kg_env(tmp_path, "stats", KG_STORE="neo4J", NEO4J_URI="notaurl"))
    assert "NEO4J_URI" in line and "bolt://" in line
    done = kg_env(tmp_path, "stats", KG_STORE="neo4j", NEO4J_URI="bolt://neo4j:PASS-42@host")
    assert "NEO4J_URI" in one_line_error(done)
    assert "PASS-42" not in done.stdout + done.stderr
    assert "KG_STORE" in one_line_error(kg_env(tmp_path, "stats", KG_STORE="oracle"))


def test_workspace_faults_are_one_line(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert "KG_WORKSPACE" in one_line_error(kg_env(tmp_path, "stats", KG_WORKSPACE=str(a_file)))
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "corpus.sqlite").write_bytes(b"this is not a database" * 100)
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(1)])
    for args in (["load", str(corpus)], ["fetch", "--limit", "1"], ["cost"]):
        line = one_line_error(kg_env(tmp_path, *args, OPENALEX_URL="https://127.0.0.1:9"))
        assert "corpus.sqlite" in line and "move it aside" in line
    with tmpfs(tmp_path / "ro", "1m", "ro") as read_only:
        line = one_line_error(kg_env(tmp_path, "stats", KG_WORKSPACE=str(read_only / "ws")))
        assert "KG_WORKSPACE" in line or "writable" in line


def test_output_paths_and_archives_are_checked_up_front(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x")
    assert "--out" in one_line_error(kg_env(tmp_path, "report", "--out", str(a_file / "r")))
    labels = tmp_path / "labels.jsonl"
    labels.write_text("")
    line = one_line_error(kg_env(tmp_path, "eval", str(labels), "--json", "/nonexistent/x.json"))
    assert "/nonexistent" in line
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    assert "zip" in one_line_error(kg_env(tmp_path, "fetch", "--fulltext", str(corrupt)))


def test_an_archive_file_that_parses_to_nothing_keeps_the_abstract(tmp_path: Path) -> None:
    from extract.records import Work
    from kg.sources.archive import Archive, store_texts
    from kg.workspace import Workspace

    archive = tmp_path / "texts.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("journal.pone.0000001.xml", "<article><front/></article>")
        z.writestr("broken.xml", "\x00\x01 not xml at all")
    workspace = Workspace(tmp_path / "ws")
    work = Work(id="W1", doi="10.1371/journal.pone.0000001", title="T")
    unnamed = Work(id="W2", doi="10.5555/found.by.its.doi.only", title="U")  # read every file
    raw = {"abstract_inverted_index": {"We": [0], "fine-tuned": [1], "BERT": [2]}}
    assert store_texts(workspace, [(work, raw)], None) == []
    failures = store_texts(workspace, [(work, raw), (unnamed, {})], Archive(archive))
    text = workspace.text("W1")
    sources = workspace.text_sources(["W1", "W2"])
    workspace.close()
    assert sources == {"W1": "abstract"} and text is not None
    assert text.abstract == "We fine-tuned BERT"
    failed = dict(failures)
    assert "has no body" in failed["W1"]  # not counted as full text
    assert "broken.xml" in failed


# --- time limits and fail-fast -----------------------------------------------------------------


@contextmanager
def silent_server() -> Iterator[str]:
    """A TCP server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        listener.close()


def test_an_openalex_that_never_answers_ends_the_fetch_in_bounded_time(tmp_path: Path) -> None:
    with silent_server() as address:  # a run still waiting after 60 s fails the test
        done = kg_env(tmp_path, "fetch", "--limit", "5", OPENALEX_URL=f"https://{address}",
                      OPENALEX_TIMEOUT="1", timeout=60)  # fmt: skip
    line = one_line_error(done)
    assert "OPENALEX_URL" in line


def test_openalex_results_that_are_not_objects_are_recorded_not_fatal(tmp_path: Path) -> None:
    from tests.openalex_server import OpenAlexServer

    with OpenAlexServer(tmp_path, works=3) as server:
        server.mangle = lambda page: {**page, "results": [*page["results"], "oops", 42]}
        done = kg_env(tmp_path, "fetch", "--limit", "5", "--no-fulltext", OPENALEX_URL=server.url,
                      REQUESTS_CA_BUNDLE=str(server.ca_path), OPENALEX_TIMEOUT="5")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "not a JSON object" in done.stderr


def test_an_unreachable_llm_stops_the_run_after_a_few_papers(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 31)])
    with silent_server() as address:
        done = kg_env(tmp_path, "extract", str(corpus), "--concurrency", "1",
                      KG_LLM_BASE_URL=f"http://{address}/v1", KG_LLM_MODEL="m",
                      KG_LLM_TIMEOUT="0.5", KG_LLM_RETRIES="0")  # fmt: skip
    line = one_line_error(done)  # a server that never answers: ten timeouts in a row
    assert "no answer within 0.5 s" in line and "KG_LLM_TIMEOUT" in line
    with sqlite3.connect(tmp_path / "ws" / "corpus.sqlite") as db:
        (calls,) = db.execute("SELECT count(*) FROM llm_calls").fetchone()
    assert calls <= 11  # ten in a row, and at most one more already under way


def test_a_500_endpoint_costs_three_requests_a_paper_by_default(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(1)])
    with LLMServer() as server:
        server.script = [500] * 10
        kg_env(tmp_path, "extract", str(corpus), KG_LLM_BASE_URL=server.base_url,
               KG_LLM_MODEL="m")  # fmt: skip
        assert len(server.requests) == 3  # one try and KG_LLM_RETRIES=2 retries
