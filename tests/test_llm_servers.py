"""The LLM path against stand-ins with the manners of real servers (tests/llm_servers.py):
each gets the mode that works there without any setting, the schema lets a grammar finish,
a slow generation is waited for once, and the ledger knows which endpoint answered; and a
provider batch (tests/llm_batches.py) round-trips into the ledger."""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from extract.llm import LLMConfig, extract_papers
from extract.llm_answer import answer_schema
from extract.llm_request import cost_usd, decoding
from extract.llm_schema import max_output_tokens
from kg.pipeline.llm_setup import LLMSetup, dry_run, llm_setup
from kg.settings import Settings
from kg.workspace import Workspace
from tests.fixtures import GOOD, a_paper, answer, kg_env, paper, write_corpus
from tests.llm_batches import BatchServer
from tests.llm_server import HANG, LLMServer
from tests.llm_servers import SERVERS, LlamaServer, Ollama, enforce


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Workspace]:
    opened = Workspace(tmp_path)
    yield opened
    opened.close()


def setup_for(server: LLMServer, **env: object) -> LLMSetup:
    given = {"kg_llm_model": "gemma", "kg_llm_base_url": server.base_url} | env
    settings = Settings(_env_file=None, **given)  # type: ignore[call-arg, arg-type]
    return llm_setup(settings)


CHOSEN = {"llama-server": "json_schema", "llama-cpp-python": "tools", "vllm": "json_schema",
          "ollama": "json_schema", "openai-compatible": "tools"}  # fmt: skip


@pytest.mark.parametrize("kind", list(SERVERS))
def test_each_server_gets_its_working_mode_without_settings(kind: str, ledger: Workspace) -> None:
    with SERVERS[kind]() as server:
        server.default = lambda _: GOOD
        setup = setup_for(server)
        (extraction,), failures, stats = extract_papers([paper(1)], setup.config, ledger)
    assert setup.config.mode == CHOSEN[kind]
    assert failures == [] and [r.model for r in extraction.reuses] == ["ESM-2"]
    assert stats.requests == 1


# server x mode -> what happens now (a paper answered, or failed with the reason's words)
MATRIX = [
    ("llama-server", "json_schema", "ok"),
    ("llama-server", "tools", "max_tokens"),  # tool_choice object ignored: prose, cut
    ("llama-server", "json", "no valid answer"),  # no schema sent: `{}`
    ("llama-cpp-python", "json_schema", "Error code: 500"),
    ("llama-cpp-python", "tools", "ok"),
    ("vllm", "json_schema", "ok"),
    ("ollama", "json_schema", "ok"),
]


@pytest.mark.parametrize(("kind", "mode", "outcome"), MATRIX)
def test_the_mode_matrix(kind: str, mode: str, outcome: str, ledger: Workspace) -> None:
    with SERVERS[kind]() as server:
        server.default = lambda _: GOOD
        config = setup_for(server, kg_llm_mode=mode, kg_llm_retries=0).config
        done, failures, _ = extract_papers([paper(1)], config, ledger)
    assert config.mode == mode  # KG_LLM_MODE stands over the probe
    if outcome == "ok":
        assert len(done) == 1
    else:
        assert outcome in failures[0].reason


def test_an_old_ollama_gets_the_schema_in_the_prompt(ledger: Workspace) -> None:
    with Ollama() as server:
        server.version = "0.4.7"
        server.default = lambda _: GOOD
        setup = setup_for(server)
        done, _, _ = extract_papers([paper(1)], setup.config, ledger)
    assert setup.config.mode == "json" and len(done) == 1


def test_concurrency_defaults_to_the_server_s_slots(ledger: Workspace) -> None:
    with LlamaServer(delay=0.1) as server:
        server.default = lambda _: GOOD
        setup = setup_for(server)
        extract_papers([paper(n) for n in range(10)], setup.config, ledger, setup.concurrency)
    assert setup.concurrency == 4 and server.max_in_flight <= 4
    assert setup.config.context_window == 8192  # the slot's context, as /props says


def test_a_looping_list_stops_at_max_items(ledger: Workspace) -> None:
    looping = answer(("esm2", "adaptation", "Test", [3] * 60, None))
    schema = {"type": "object", "properties": {"e": {"type": "array", "items": {}}}}
    assert enforce({"e": [3] * 60}, schema, schema)[1]  # without maxItems: cut at max_tokens
    with LlamaServer() as server:
        server.default = lambda _: looping
        (extraction,), _, stats = extract_papers([paper(1)], setup_for(server).config, ledger)
        sent = server.requests[0]["response_format"]["json_schema"]["schema"]
    assert sent["$defs"]["ReuseAnswer"]["properties"]["evidence"]["maxItems"] == 5
    assert sent["properties"]["reuses"]["maxItems"] == 12
    assert [r.model for r in extraction.reuses] == ["ESM-2"] and stats.requests == 1


def test_a_timed_out_generation_is_not_sent_again_nor_on_a_rerun(ledger: Workspace) -> None:
    with LLMServer() as slow:
        slow.hang_s = 1.0
        slow.script = [HANG]
        slow.default = lambda _: GOOD
        config = LLMConfig(model="m", base_url=slow.base_url, timeout_s=0.3, http_retries=2)
        _, (failure,), stats = extract_papers([paper(1)], config, ledger)
        assert len(slow.requests) == 1 and stats.timed_out == 1
        assert "not sent again" in failure.reason
        _, (again,), _ = extract_papers([paper(1)], config, ledger)  # a rerun: not asked
        assert len(slow.requests) == 1 and "--retry-failed" in again.reason
        retry = LLMConfig(model="m", base_url=slow.base_url, timeout_s=5, retry_failed=True)
        (done,), _, _ = extract_papers([paper(1)], retry, ledger)  # on purpose
        assert len(slow.requests) == 2 and done.uses_ptms
    with closing(sqlite3.connect(ledger.path)) as db:
        assert db.execute("SELECT status FROM llm_calls").fetchall() == [("ok",)]


def test_another_endpoint_under_the_same_model_name_makes_new_requests(
    ledger: Workspace,
) -> None:
    with LlamaServer() as first, LlamaServer() as second:
        first.default = second.default = lambda _: GOOD
        one, two = setup_for(first).config, setup_for(second).config
        extract_papers([paper(1)], one, ledger)
        extract_papers([paper(1)], two, ledger)
        assert (len(first.requests), len(second.requests)) == (1, 1)
        reused = LLMConfig(**{**two.__dict__, "reuse_from": one.endpoint_id})
        extract_papers([paper(2)], one, ledger)
        (done,), _, stats = extract_papers([paper(2)], reused, ledger)
        assert len(second.requests) == 1 and stats.cache_hits == 1 and done.uses_ptms
    with closing(sqlite3.connect(ledger.path)) as db:
        endpoints = {e for (e,) in db.execute("SELECT endpoint FROM llm_calls")}
    assert endpoints == {one.endpoint_id, two.endpoint_id}


def test_a_dry_run_sends_one_paper_and_keeps_nothing(tmp_path: Path) -> None:
    with LlamaServer() as server:
        server.default = lambda _: GOOD
        result = dry_run(setup_for(server), paper(1))
    assert result.requests == 1 and result.outcome.work_id == "W1"
    assert json.loads(GOOD)["reuses"] and not (tmp_path / "corpus.sqlite").exists()


def test_a_batch_round_trips_and_a_rerun_makes_no_request(ledger: Workspace) -> None:
    from kg.pipeline.llm_batch import extract_batch

    papers = [paper(n) for n in range(1, 4)]
    with BatchServer() as provider:
        provider.default = lambda _: GOOD
        setup = setup_for(provider, kg_llm_model="gpt-4o-mini")
        sent = extract_batch(setup, ledger, lambda: papers, poll_s=0, sleep=lambda _: None)
        assert (sent.sent, sent.answered, sent.status) == (3, 3, "completed")
        assert provider.uploads == 1 and len(provider.batch_lines) == 3
        (line,) = {json.dumps(x["body"]["tool_choice"]) for x in provider.batch_lines}
        assert "PaperAnswer" in line  # the forced strict tool, as online
        again = extract_batch(setup, ledger, lambda: papers, poll_s=0, sleep=lambda _: None)
        done, failures, stats = extract_papers(papers, setup.config, ledger)
        assert again.batch_id is None and provider.uploads == 1  # nothing sent twice
        assert len(provider.requests) == 3 and stats.cache_hits == 3  # online: the ledger
    assert failures == [] and all(d.uses_ptms for d in done)
    (cost,) = ledger.costs()
    assert cost.model == "gpt-4o-mini (batch)" and cost.calls == 3
    online = 3 * cost_usd("gpt-4o-mini", cost.input_tokens // 3, cost.output_tokens // 3)
    assert cost.cost_usd == pytest.approx(online / 2, rel=0.05)


def test_a_batch_interrupted_before_download_is_resumed_not_sent_again(
    ledger: Workspace,
) -> None:
    from kg.pipeline.llm_batch import extract_batch

    papers = [paper(1), paper(2)]
    with BatchServer() as provider:
        provider.default = lambda _: GOOD
        setup = setup_for(provider, kg_llm_model="gpt-4o-mini")
        left = extract_batch(setup, ledger, lambda: papers, wait_s=0, sleep=lambda _: None)
        assert left.status == "in_progress" and left.answered == 0
        resumed = extract_batch(setup, ledger, lambda: papers, poll_s=0, sleep=lambda _: None)
        assert resumed.resumed and resumed.answered == 2 and provider.uploads == 1


def test_kg_llm_check_and_kg_extract_batch_as_a_user_runs_them(tmp_path: Path) -> None:
    corpus = str(write_corpus(tmp_path / "c.jsonl", [a_paper(1), a_paper(2)]))
    with LlamaServer() as local:
        local.default = lambda _: answer(("ResNet-50", "adaptation", "Test", [2], None))
        checked = kg_env(tmp_path, "llm", "check", KG_LLM_BASE_URL=local.base_url,
                         KG_LLM_MODEL="gemma")  # fmt: skip
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "llama-server b6500-test" in checked.stdout and "json_schema (" in checked.stdout
    assert "concurrency: 4" in checked.stdout and "1 request(s)" in checked.stdout
    with BatchServer() as provider:
        provider.default = lambda _: answer(("ResNet-50", "adaptation", "Test", [2], None))
        env = {"KG_LLM_BASE_URL": provider.base_url, "KG_LLM_MODEL": "gpt-4o-mini"}
        left = kg_env(tmp_path, "extract", corpus, "--batch", "--batch-wait", "0", **env)
        assert left.returncode == 0 and "still running" in left.stdout, left.stdout
        done = kg_env(tmp_path, "extract", corpus, "--batch", "--batch-wait", "2", **env)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "(resumed): 2 request(s), completed; 2 answered" in done.stdout
        assert "LLM: 0 call(s), 2 from the ledger" in done.stdout
        assert provider.uploads == 1 and provider.requests and len(provider.requests) == 2
    workspace = Workspace(tmp_path / "ws")
    try:
        assert [(c.model, c.calls) for c in workspace.costs()] == [("gpt-4o-mini (batch)", 2)]
    finally:
        workspace.close()


def test_the_longest_answer_a_grammar_allows_ends_before_max_tokens() -> None:
    schema = answer_schema(12, grammar=True)
    reuse = schema["$defs"]["ReuseAnswer"]["properties"]
    longest = {name: max(field["enum"], key=len) if "enum" in field
               else "x" * field.get("anyOf", [field])[0].get("maxLength", 0)
               for name, field in reuse.items()}  # fmt: skip
    longest["evidence"] = [9999] * reuse["evidence"]["maxItems"]
    printed = json.dumps({"uses_dl": True, "uses_ptms": True, "reuses": [longest] * 12}, indent=4)
    local = LLMConfig(model="m", base_url="http://127.0.0.1:8080/v1", mode="json_schema")
    assert len(printed) <= decoding(local)["max_tokens"]  # even at one token a character
    hosted = LLMConfig(model="m", api_key="sk-x", mode="json_schema")
    assert decoding(hosted)["max_tokens"] == max_output_tokens(12)  # no grammar: an estimate


def test_kg_extract_runs_against_another_endpoint_ask_it_afresh(ledger: Workspace) -> None:
    from extract.llm import LLMExtractor
    from kg.pipeline.extract import extract_run

    with LlamaServer() as first, LlamaServer() as second:
        first.default = second.default = lambda _: GOOD
        for server in (first, second, first):
            extractor = LLMExtractor(setup_for(server).config, ledger)
            summary = extract_run(ledger, extractor, [paper(1), paper(2)])
            assert summary.extracted + summary.stored_before == 2
        assert (len(first.requests), len(second.requests)) == (2, 2)  # the rerun: stored
