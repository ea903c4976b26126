"""Faults, bad input and interruptions: each paper is processed or recorded as failed, a
killed run resumes without losing or duplicating anything, and no paid call is repeated.
RELIABILITY.md lists these tests against the faults they inject."""

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from extract.llm import LLMConfig, extract_papers
from kg.workspace import Workspace
from tests.fixtures import GOOD, KG, env_for, kg, paper, papers_in_store, run_until
from tests.llm_server import DROP, HANG, LLMServer
from tests.openalex_server import OpenAlexServer

pytestmark = pytest.mark.slow


# --- interruption ---------------------------------------------------------------------------


def test_a_fetch_killed_mid_way_resumes_without_repeating_pages(tmp_path: Path) -> None:
    with OpenAlexServer(tmp_path, works=1000, delay=0.3) as server:
        env = env_for(tmp_path, OPENALEX_URL=server.url, REQUESTS_CA_BUNDLE=str(server.ca_path))
        run_until(tmp_path, ["fetch", "--no-fulltext"], env, lambda: len(server.log) >= 3)
        before = list(server.log)
        done = subprocess.run([KG, "fetch", "--no-fulltext"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        resumed = server.log[len(before) :]
    with sqlite3.connect(tmp_path / "ws" / "corpus.sqlite") as db:
        assert db.execute("SELECT count(*), count(DISTINCT id) FROM works").fetchone() == (
            1000,
            1000,
        )
    # only the page in flight at the kill may be asked again; every stored page is not
    stored_cursors = {p.split("cursor=")[1] for p in before[:-1]}
    assert not stored_cursors & {p.split("cursor=")[1] for p in resumed}
    assert len(before) + len(resumed) <= 5 + 1


def test_an_extraction_killed_mid_way_repeats_no_answered_call(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(
        json.dumps({"work": p.work.model_dump(), "text": p.text.model_dump()}) + "\n"
        for p in (paper(n) for n in range(12))
    ))  # fmt: skip
    with LLMServer(delay=0.2) as server:
        server.default = lambda _: GOOD
        env = env_for(tmp_path, KG_LLM_BASE_URL=server.base_url, KG_LLM_MODEL="m")
        run_until(tmp_path, ["extract", str(corpus), "--concurrency", "1"], env,
                  lambda: len(server.requests) >= 4)  # fmt: skip
        ledger = sqlite3.connect(tmp_path / "ws" / "corpus.sqlite")
        answered = {row[0] for row in ledger.execute("SELECT work_id FROM llm_calls")}
        ledger.close()
        first = len(server.requests)
        done = subprocess.run([KG, "extract", str(corpus)], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        asked_again = [r["messages"][-1]["content"] for r in server.requests[first:]]
    assert answered  # the kill came after some answers were recorded
    for work_id in answered:
        assert not any(f"Paper {work_id[1:]} on" in text for text in asked_again), work_id
    with sqlite3.connect(tmp_path / "ws" / "corpus.sqlite") as db:
        assert db.execute("SELECT count(*), count(DISTINCT work_id) FROM llm_calls "
                          "WHERE status = 'ok'").fetchone() == (12, 12)  # fmt: skip


def test_a_load_killed_mid_way_ends_with_the_same_counts(tmp_path: Path) -> None:
    from bench.synth import corpus as synthetic
    from kg.graph.loader import counts
    from kg.graph.stores.falkor import FalkorStore

    works, _ = next(synthetic(20_000, chunk=20_000))
    corpus = tmp_path / "big.jsonl"
    with corpus.open("w") as out:
        for w in works:
            abstract = "We fine-tuned ResNet-50 on our images." if int(w.id[1:]) % 2 else None
            text = {"work_id": w.id, "title": w.title, "abstract": abstract}
            out.write(json.dumps({"work": w.model_dump(), "text": text}) + "\n")
    # one paper loaded first: the big load then goes by batches (MERGE), whose progress
    # shows in the store (a fresh graph is filled in one bulk step, visible only at its end)
    seed = tmp_path / "seed.jsonl"
    seed.write_text(
        json.dumps(
            {
                "work": {"id": "W999999999", "title": "Seed"},
                "text": {"work_id": "W999999999", "title": "Seed"},
            }
        )
        + "\n"
    )
    clean = tmp_path / "clean"
    clean.mkdir()
    for loaded in (seed, corpus):
        assert kg(clean, "load", str(loaded)).returncode == 0
    with FalkorStore(clean / "ws") as store:
        expected = counts(store)
    assert kg(tmp_path, "load", str(seed)).returncode == 0

    def some_papers_loaded() -> bool:  # progress, not a clock: the store holds some papers
        return papers_in_store(tmp_path / "ws") > 1

    run_until(tmp_path, ["load", str(corpus)], env_for(tmp_path), some_papers_loaded)
    with FalkorStore(tmp_path / "ws") as store:
        partial = counts(store)
    assert partial != expected  # the kill did interrupt the load
    assert kg(tmp_path, "load", str(corpus)).returncode == 0
    with FalkorStore(tmp_path / "ws") as store:
        assert counts(store) == expected


# --- bad input ------------------------------------------------------------------------------


def test_bad_papers_are_recorded_as_failed_and_the_rest_loads(tmp_path: Path) -> None:
    good = {"work": {"id": "W1", "title": "Fine-tuning ESM-2", "year": 2024},
            "text": {"work_id": "W1", "title": "Fine-tuning ESM-2",
                     "abstract": "We fine-tuned ESM-2 on enzymes."}}  # fmt: skip
    empty_body = {"work": {"id": "W2", "title": "Empty"}, "text": {"work_id": "W2", "title": ""}}
    methods = {"heading": "Methods", "paragraphs": ["We fine-tuned BERT. " * 260_000]}
    huge = {"work": {"id": "W3", "title": "Huge"},
            "text": {"work_id": "W3", "title": "Huge", "sections": [methods]}}  # fmt: skip
    corpus = tmp_path / "bad.jsonl"
    with corpus.open("wb") as out:
        for record in (good, empty_body, huge):
            out.write(json.dumps(record).encode() + b"\n")
        out.write(b'{"work": {"id": "W4", "title": "caf\xe9 latin-1"}}\n')  # not UTF-8
        out.write(b"\x00\x01\x02 binary garbage\n")
        out.write(b'{"work": {"id": "W5"}, "text": {"work_id": "W5", "title": "no title"}}\n')
    assert corpus.stat().st_size > 5_000_000
    done = kg(tmp_path, "load", str(corpus))
    assert done.returncode == 1
    assert "Loaded 3 papers" in done.stdout
    assert "3 failures" in done.stderr
    for line in ("bad.jsonl:4", "bad.jsonl:5", "bad.jsonl:6"):
        assert line in done.stderr


# --- LLM faults -----------------------------------------------------------------------------


def test_schema_invalid_answers_and_dropped_connections_are_retried_a_timeout_is_not(
    tmp_path: Path,
) -> None:
    ledger = Workspace(tmp_path)
    wrong = {"uses_dl": "maybe", "reuses": [{"model": "ESM-2", "pattern": "reuse-ish"}]}
    schema_invalid = json.dumps(wrong)
    with LLMServer() as server:
        server.hang_s = 2.0
        server.script = [HANG, schema_invalid, GOOD, DROP, GOOD]
        server.default = lambda _: GOOD
        config = LLMConfig(model="m", base_url=server.base_url, timeout_s=1.0, http_retries=3)
        papers = [paper(1), paper(2), paper(3)]
        extractions, failures, _ = extract_papers(papers, config, ledger, 1)
        sent = len(server.requests)
    ledger.close()
    assert [e.work_id for e in extractions] == ["W2", "W3"] and all(
        e.uses_ptms for e in extractions
    )
    assert [f.work_id for f in failures] == ["W1"] and "not sent again" in failures[0].reason
    assert sent == 5  # W1's generation was asked once: the server may still be computing it


def test_an_endpoint_that_never_answers_is_a_recorded_failure_not_a_crash(tmp_path: Path) -> None:
    ledger = Workspace(tmp_path)
    with LLMServer() as server:
        server.script = [DROP] * 10
        config = LLMConfig(model="m", base_url=server.base_url, http_retries=2)
        extractions, failures, _ = extract_papers([paper(1)], config, ledger)
    ledger.close()
    assert extractions == [] and [f.work_id for f in failures] == ["W1"]
    assert "Connection" in failures[0].reason


# --- store faults ---------------------------------------------------------------------------


def test_an_unreachable_neo4j_names_the_setting_to_fix(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("KG_STORE=neo4j\nNEO4J_URI=bolt://127.0.0.1:1\n"
                                   "NEO4J_PASSWORD=pw-dummy\n")  # fmt: skip
    done = kg(tmp_path, "stats")
    assert done.returncode == 2
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in done.stderr
    assert "NEO4J_URI" in done.stderr and "Traceback" not in done.stderr


# --- secrets --------------------------------------------------------------------------------


def test_secrets_appear_in_no_output_log_ledger_or_report(tmp_path: Path) -> None:
    secrets = {"OPENAI_API_KEY": "sk-dummy-SECRET-1111", "NEO4J_PASSWORD": "pw-SECRET-2222",
               "OPENALEX_API_KEY": "oa-SECRET-3333"}  # fmt: skip
    outputs = []
    with LLMServer() as llm, OpenAlexServer(tmp_path) as openalex:
        llm.default = lambda _: GOOD
        env_file = [f"{k}={v}" for k, v in secrets.items()] + [
            f"KG_LLM_BASE_URL={llm.base_url}", "KG_LLM_MODEL=gpt-4o-mini",
            f"OPENALEX_URL={openalex.url}",
        ]  # fmt: skip
        (tmp_path / ".env").write_text("\n".join(env_file) + "\n")
        os.environ["REQUESTS_CA_BUNDLE"] = str(openalex.ca_path)
        try:
            commands = (
                ["fetch", "--limit", "30", "--no-fulltext"], ["extract"],
                ["load", "--extractor", "llm"], ["cost"], ["report"], ["query", "evidence"],
                ["--debug", "query", "x"],
            )  # fmt: skip
            for args in commands:
                done = kg(tmp_path, *args)
                outputs += [done.stdout, done.stderr]
        finally:
            del os.environ["REQUESTS_CA_BUNDLE"]
        assert openalex.log  # the OpenAlex key was used (as a header), so it was in play
    files = [p for p in (tmp_path / "ws").rglob("*") if p.is_file()]
    assert any(p.name == "corpus.sqlite" for p in files)
    for secret in secrets.values():
        for text in outputs:
            assert secret not in text
        for path in files:
            assert secret.encode() not in path.read_bytes(), path
