"""The LLM extractor against a local OpenAI-compatible server with scripted answers."""

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from extract.errors import SourceUnavailable
from extract.llm import LLMConfig, extract_papers
from extract.llm_answer import answer_schema
from extract.llm_request import output_bound
from extract.taxonomy import Pattern, Stage
from kg.workspace import Workspace
from tests.fixtures import GOOD, METHODS, answer, paper
from tests.llm_server import CUT, HANG, LLMServer

FIRST_SENTENCE = METHODS.split(". ")[0] + "."


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer() as running:
        yield running


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[Workspace]:
    opened = Workspace(tmp_path)
    yield opened
    opened.close()


def config(server: LLMServer, **overrides: object) -> LLMConfig:
    settings: dict[str, object] = {"model": "test-model", "base_url": server.base_url,
                                   "http_retries": 2}  # fmt: skip
    return LLMConfig(**(settings | overrides))  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["tools", "json", "json_schema"])
def test_a_valid_answer_becomes_a_normalised_extraction(
    server: LLMServer, ledger: Workspace, mode: str
) -> None:
    server.script = [GOOD]
    (extraction,), _, stats = extract_papers([paper(1)], config(server, mode=mode), ledger)
    (reuse,) = extraction.reuses
    assert (reuse.mention, reuse.model, reuse.family) == ("esm2", "ESM-2", "ESM")
    assert (reuse.pattern, reuse.stage) == (Pattern.adaptation, Stage.Test)
    assert extraction.extractor == "llm" and extraction.uses_ptms
    assert stats.calls == 1 and len(server.requests) == 1
    assert stats.input_tokens > 0


def test_invalid_json_is_asked_again(server: LLMServer, ledger: Workspace) -> None:
    server.script = ["{this is not json", GOOD]
    (extraction,), _, _ = extract_papers([paper(1)], config(server), ledger)
    assert len(server.requests) == 2 and extraction.reuses[0].model == "ESM-2"


def test_an_answer_that_cannot_be_read_is_repaired_without_resending_the_excerpts(
    server: LLMServer, ledger: Workspace
) -> None:
    server.script = ['{"uses_dl": true, "uses_ptms": true, "reuses": [{"evidence": [3]', GOOD]
    (extraction,), _, stats = extract_papers([paper(1)], config(server), ledger)
    assert len(server.requests) == 2 and stats.requests == 2
    repair = json.dumps(server.requests[1]["messages"])
    assert "Excerpts of the paper" not in repair and '\\"evidence\\": [3]' in repair
    assert extraction.reuses[0].evidence == FIRST_SENTENCE


def test_one_bad_citation_drops_that_reuse_alone_without_a_reask(
    server: LLMServer, ledger: Workspace
) -> None:
    server.script = [answer(
        ("ESM-2", "adaptation", "Test", [3], None),
        ("GPT-9", "adaptation", "Test", [99], "We trained GPT-9 on the moon."),
        ("ColabFold", "deployment", "Test", [4], None),
    )]  # fmt: skip
    (extraction,), _, stats = extract_papers([paper(1)], config(server), ledger)
    assert len(server.requests) == 1
    assert [r.model for r in extraction.reuses] == ["ESM-2", "ColabFold"]
    assert [(w, m) for w, m, _ in stats.dropped] == [("W1", "GPT-9")]
    assert "cites no sentence" in stats.dropped[0][2]
    with closing(sqlite3.connect(ledger.path)) as db:  # the ledger keeps what was dropped
        kept = db.execute("SELECT work_id FROM llm_calls WHERE dropped != '[]'").fetchall()
    assert kept == [("W1",)]


def test_near_miss_enums_and_paraphrased_quotes_cost_no_reask(
    server: LLMServer, ledger: Workspace
) -> None:
    paraphrase = "The authors fine-tuned ESM-2 on melting temperatures."
    server.script = [answer(
        ("ESM-2", "Adaptation", "Testing", [3], paraphrase),
        ("ColabFold", "deployment_reuse", "data analysis", [4], None),
    )]  # fmt: skip
    (extraction,), _, stats = extract_papers([paper(1)], config(server), ledger)
    assert len(server.requests) == 1 and stats.dropped == []
    first, second = extraction.reuses
    assert (first.pattern, first.stage, first.evidence) == (
        Pattern.adaptation, Stage.Test, FIRST_SENTENCE
    )  # fmt: skip
    assert (second.pattern, second.stage) == (Pattern.deployment, Stage.Analysis)


def test_a_found_quote_stands_when_the_numbers_do_not(server: LLMServer, ledger: Workspace) -> None:
    quote = "Structures were predicted with ColabFold using default settings."
    server.script = [answer(("ColabFold", "deployment", "Test", [], quote))]
    (extraction,), _, _ = extract_papers([paper(1)], config(server), ledger)
    assert extraction.reuses[0].evidence == quote


def test_models_past_the_cap_are_dropped_and_recorded(server: LLMServer, ledger: Workspace) -> None:
    server.script = [answer(("ESM-2", "adaptation", "Test", [3], None),
                            ("ColabFold", "deployment", "Test", [4], None))]  # fmt: skip
    (extraction,), _, stats = extract_papers([paper(1)], config(server, max_reuses=1), ledger)
    assert len(extraction.reuses) == 1 and "over the cap" in stats.dropped[0][2]


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_a_request_carries_the_strict_schema_and_decoding_settings(
    server: LLMServer, ledger: Workspace, mode: str
) -> None:
    server.script = [GOOD]
    extract_papers([paper(1)], config(server, mode=mode), ledger)
    (request,) = server.requests
    assert request["temperature"] == 0 and request["seed"] == 42
    assert request["max_tokens"] == output_bound(config(server, mode=mode))
    if mode == "tools":
        (tool,) = request["tools"]
        assert tool["function"]["strict"] is True and request["parallel_tool_calls"] is False
        sent = tool["function"]["parameters"]
    else:
        assert request["response_format"]["json_schema"]["strict"] is True
        sent = request["response_format"]["json_schema"]["schema"]
    assert sent == answer_schema(12, grammar=True)  # a local server: lists and strings bounded


def test_json_mode_sends_no_strict_flag(server: LLMServer, ledger: Workspace) -> None:
    server.script = [GOOD]
    extract_papers([paper(1)], config(server, mode="json"), ledger)
    assert "tools" not in server.requests[0]
    assert server.requests[0]["response_format"] == {"type": "json_object"}


def test_a_context_larger_than_the_window_is_warned_of(
    server: LLMServer, ledger: Workspace
) -> None:
    server.default = lambda _: GOOD
    _, _, stats = extract_papers([paper(1), paper(2)], config(server, context_window=1000), ledger)
    (warning,) = stats.warnings
    assert "window is 1000" in warning and "num_ctx" in warning and stats.over_window == 2


def test_timeouts_fail_papers_but_do_not_stop_the_run(ledger: Workspace) -> None:
    with LLMServer() as slow:
        slow.hang_s = 1.0
        slow.script = [HANG] * 3
        slow.default = lambda _: GOOD
        settings = config(slow, timeout_s=0.3, http_retries=0, max_unreachable=2, max_timeouts=4)
        papers = [paper(1), paper(2), paper(3), paper(4)]
        extractions, failures, _ = extract_papers(papers, settings, ledger, concurrency=1)
    assert len(failures) == 3 and "KG_LLM_TIMEOUT" in failures[0].reason
    assert [e.work_id for e in extractions] == ["W4"]


def test_429_then_success(server: LLMServer, ledger: Workspace) -> None:
    server.script = [429, GOOD]
    (extraction,), failures, _ = extract_papers([paper(1)], config(server), ledger)
    assert len(server.requests) == 2 and extraction.uses_ptms  # the openai client retried
    assert failures == []


def test_a_failing_endpoint_records_the_paper_as_failed_and_goes_on(
    server: LLMServer, ledger: Workspace
) -> None:
    server.script = [500, 500, 500]  # one paper exhausts its HTTP retries
    server.default = lambda _: GOOD
    extractions, failures, _ = extract_papers(
        [paper(1), paper(2)], config(server, http_retries=2), ledger, concurrency=1
    )
    assert [e.work_id for e in extractions] == ["W2"]
    assert [f.work_id for f in failures] == ["W1"]
    assert "Error code: 500" in failures[0].reason
    assert [line.failed for line in ledger.costs()] == [1]


def test_requests_in_flight_never_exceed_the_bound(ledger: Workspace) -> None:
    with LLMServer(delay=0.2) as slow:
        slow.default = lambda _: GOOD
        papers = [paper(n) for n in range(12)]
        extract_papers(papers, config(slow), ledger, concurrency=3)
        assert slow.max_in_flight <= 3  # the bound; how close it gets depends on timing


def test_a_rerun_makes_zero_requests(server: LLMServer, ledger: Workspace) -> None:
    server.default = lambda _: GOOD
    papers = [paper(n) for n in range(5)]
    first, _, _ = extract_papers(papers, config(server), ledger)
    sent = len(server.requests)
    again, _, stats = extract_papers(papers, config(server), ledger)
    assert len(server.requests) == sent == 5
    assert (stats.calls, stats.cache_hits) == (0, 5)
    assert again == first


def test_a_paper_without_any_cue_is_decided_without_a_call(
    server: LLMServer, ledger: Workspace
) -> None:
    quiet = paper(1, methods="Roots were scanned and measured with a ruler.")
    (extraction,), _, stats = extract_papers([quiet], config(server), ledger)
    assert server.requests == [] and stats.prefiltered == 1
    assert (extraction.extractor, extraction.uses_dl, extraction.uses_ptms) == (
        "prefilter", False, False
    )  # fmt: skip


@pytest.mark.parametrize("mode", ["tools", "json"])
def test_an_answer_cut_at_max_tokens_fails_its_paper_not_the_run(
    server: LLMServer, ledger: Workspace, mode: str
) -> None:
    server.script = [CUT + GOOD[:40]]
    server.default = lambda _: GOOD
    extractions, failures, _ = extract_papers(
        [paper(1), paper(2)], config(server, mode=mode), ledger, concurrency=1
    )
    assert [f.work_id for f in failures] == ["W1"] and "max_tokens" in failures[0].reason
    assert [e.work_id for e in extractions] == ["W2"]


def test_an_endpoint_nobody_listens_on_stops_the_run(ledger: Workspace) -> None:
    with LLMServer() as gone:
        address = gone.base_url  # the port is free again once the server is gone
    settings = LLMConfig(model="m", base_url=address, http_retries=0, max_unreachable=2)
    with pytest.raises(SourceUnavailable, match="could not reach"):
        extract_papers([paper(n) for n in range(6)], settings, ledger, concurrency=1)


def test_a_cap_above_twelve_keeps_every_reuse_fresh_and_from_the_ledger(
    server: LLMServer, ledger: Workspace
) -> None:
    names = [f"SeaNet{n}" for n in range(1, 15)]
    methods = " ".join(f"We ran the pre-trained {name} network on images." for name in names)
    server.script = [answer(*((name, "deployment", "Observation", [i], None)
                              for i, name in enumerate(names, start=3)))]  # fmt: skip
    settings = config(server, max_reuses=14)
    (fresh,), _, stats = extract_papers([paper(1, methods)], settings, ledger)
    (cached,), _, _ = extract_papers([paper(1, methods)], settings, ledger)
    assert [r.model for r in fresh.reuses] == names == [r.model for r in cached.reuses]
    assert stats.dropped == [] and len(server.requests) == 1


def test_a_paper_s_text_is_sent_as_written_never_rendered_as_a_template(
    server: LLMServer, ledger: Workspace
) -> None:
    methods = ("We fine-tuned the released ESM-2 650M checkpoint on {{ paper.text }} and "
               "{# unclosed melting temperatures. Structures were predicted with "
               "ColabFold.")  # fmt: skip
    server.script = [GOOD]
    (extraction,), _, _ = extract_papers([paper(1, methods)], config(server), ledger)
    sent = json.dumps(server.requests[0]["messages"])
    assert "{{ paper.text }}" in sent and "{# unclosed" in sent
    assert [r.model for r in extraction.reuses] == ["ESM-2"]
