"""The LLM extractor against a local OpenAI-compatible server with scripted answers."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.llm import LLMConfig, extract_papers
from extract.records import Paper, PaperText, Section, Work
from extract.taxonomy import Pattern, Stage
from extract.workspace import Workspace
from tests.llm_server import LLMServer

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


def answer(*reuses: tuple[str, str, str, str]) -> str:
    return json.dumps({
        "uses_dl": True,
        "uses_ptms": bool(reuses),
        "reuses": [{"model": m, "pattern": p, "form": "fine-tuned", "stage": s, "evidence": e}
                   for m, p, s, e in reuses],
    })  # fmt: skip


FIRST_SENTENCE = METHODS.split(". ")[0] + "."
GOOD = answer(("esm2", "adaptation", "Test", FIRST_SENTENCE))
BAD_QUOTE = answer(("ESM-2", "adaptation", "Test", "We trained GPT-9 on the moon."))


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


def test_a_quote_not_in_the_paper_is_asked_again_with_the_reason(
    server: LLMServer, ledger: Workspace
) -> None:
    server.script = [BAD_QUOTE, GOOD]
    (extraction,), _, _ = extract_papers([paper(1)], config(server), ledger)
    assert len(extraction.reuses) == 1
    reask = json.dumps(server.requests[1]["messages"])
    assert "is not in the paper" in reask


def test_past_the_budget_a_bad_quote_is_dropped_and_recorded(
    server: LLMServer, ledger: Workspace
) -> None:
    mixed = answer(
        ("ColabFold", "deployment", "Test",
         "Structures were predicted with ColabFold using default settings."),
        ("GPT-9", "adaptation", "Test", "We trained GPT-9 on the moon."),
    )  # fmt: skip
    server.script = [mixed] * 3
    (extraction,), _, stats = extract_papers([paper(1)], config(server, reasks=2), ledger)
    assert len(server.requests) == 3
    assert [r.model for r in extraction.reuses] == ["ColabFold"]
    assert [(w, m) for w, m, _ in stats.dropped] == [("W1", "GPT-9")]
    assert ledger.dropped()[0][0] == "W1"


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
        assert slow.max_in_flight == 3


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
