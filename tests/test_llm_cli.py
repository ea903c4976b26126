"""`kg extract`, `kg load --extractor llm`, `kg demo --extractor llm` and `kg cost` as a user
runs them, against a local OpenAI-compatible server whose scripted model answers, for each
paper, what the rules extractor finds in the excerpts it was sent."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extract.evidence import index_for
from extract.rules import extract as rules
from kg.demo import corpus_path
from kg.graph.stores.falkor import FalkorStore
from kg.sources.corpus import read_corpus
from tests.fixtures import kg
from tests.llm_server import LLMServer

PAPERS = {p.text.title: p for p in read_corpus(corpus_path()).papers}


def rules_model(request: dict[str, Any]) -> str:
    excerpt = request["messages"][-1]["content"]
    title = excerpt.split("Title: ", 1)[1].split("\n", 1)[0].removeprefix("[S1] ")
    found = rules(PAPERS[title].text)
    return json.dumps({
        "uses_dl": found.uses_dl,
        "uses_ptms": found.uses_ptms,
        "reuses": [{"evidence": [], "quote": r.evidence, "model": r.mention, "role": "used",
                    "pattern": r.pattern.value, "stage": r.stage.value, "form": r.form}
                   for r in found.reuses],
    })  # fmt: skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LLMServer]:
    with LLMServer() as running:
        running.default = rules_model
        (tmp_path / ".env").write_text(
            f"KG_LLM_BASE_URL={running.base_url}\nKG_LLM_MODEL=gpt-4o-mini\n"
            "OPENAI_API_KEY=sk-test-not-a-real-key\n"
        )
        yield running


@pytest.mark.slow
def test_llm_extraction_end_to_end(server: LLMServer, tmp_path: Path) -> None:
    corpus = str(corpus_path())
    first = kg(tmp_path, "extract", corpus, "--concurrency", "4")
    assert first.returncode == 0, first.stderr
    calls = len(server.requests)
    assert f"LLM: {calls} call(s), 0 from the ledger" in first.stdout
    assert 0 < calls < len(PAPERS)  # the prefilter decided the rest

    again = kg(tmp_path, "extract", corpus)
    assert "LLM: 0 call(s)" in again.stdout and "51 were already stored" in again.stdout
    assert len(server.requests) == calls

    # the stored answers load with no LLM settings at all, and without a request
    (tmp_path / ".env").unlink()
    loaded = kg(tmp_path, "load", corpus, "--extractor", "llm")
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 51 papers" in loaded.stdout
    assert len(server.requests) == calls
    cost = kg(tmp_path, "cost")
    assert "gpt-4o-mini" in cost.stdout and str(calls) in cost.stdout
    assert "sk-test" not in cost.stdout + loaded.stdout + first.stdout

    with FalkorStore(tmp_path / "ws") as store:
        edges = store.run(
            "MATCH (p:Paper)-[:HAS_REUSE]->(r:Reuse) RETURN p.id AS paper, r.evidence AS evidence"
        )
        extractors = store.run("MATCH (p:Paper) RETURN DISTINCT p.extractor AS e ORDER BY e")
    by_id = {p.work.id: p for p in PAPERS.values()}
    assert len(edges) > 30
    for edge in edges:
        assert index_for(by_id[edge["paper"]].text).why_not_found(edge["evidence"]) is None
    assert [row["e"] for row in extractors] == ["llm", "prefilter"]


def test_demo_can_use_the_llm(server: LLMServer, tmp_path: Path) -> None:
    done = kg(tmp_path, "demo", "--extractor", "llm")
    assert done.returncode == 0, done.stderr
    assert "Most impacted stage:   Test" in done.stdout


def test_the_llm_without_a_model_says_what_to_set(tmp_path: Path) -> None:
    done = kg(tmp_path, "extract", str(corpus_path()))
    assert done.returncode == 2 and "KG_LLM_MODEL" in done.stderr


@pytest.mark.slow
def test_load_reads_the_latest_llm_run_and_never_calls(server: LLMServer, tmp_path: Path) -> None:
    corpus = str(corpus_path())
    assert kg(tmp_path, "extract", corpus, "--budget", "5000").returncode == 0
    calls = len(server.requests)
    (tmp_path / ".env").unlink()
    loaded = kg(tmp_path, "load", corpus, "--extractor", "llm")
    assert loaded.returncode == 0, loaded.stderr
    assert len(server.requests) == calls
    with FalkorStore(tmp_path / "ws") as store:
        (row,) = store.run("MATCH (p:Paper) WHERE p.status = 'extracted' RETURN count(p) AS n")
    assert row["n"] == 51


def test_load_with_llm_before_any_extract_says_what_to_run(tmp_path: Path) -> None:
    done = kg(tmp_path, "load", str(corpus_path()), "--extractor", "llm")
    assert done.returncode == 2 and "kg extract" in done.stderr and "Traceback" not in done.stderr
