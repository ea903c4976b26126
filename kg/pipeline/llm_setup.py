"""Before the first paper: ask the endpoint what it is (kg.sources.llm_probe), choose the
mode that works there (extract.llm_endpoint; KG_LLM_MODE still decides when set), take its
window and its slots, and build the extractor's config with the endpoint's identity, which
keys the ledger. A dry run sends one paper and keeps its call nowhere (`kg llm check`)."""

import time
from dataclasses import dataclass

from extract.ledger import Call
from extract.llm_endpoint import Choice, Endpoint, choose, identify
from extract.llm_request import LLMConfig
from extract.records import Outcome, Paper
from kg.settings import Settings, llm_config
from kg.sources.llm_probe import probe

DEFAULT_CONCURRENCY = 8  # where the server does not say how many slots it has


@dataclass(frozen=True)
class LLMSetup:
    config: LLMConfig
    endpoint: Endpoint
    choice: Choice
    concurrency: int


def llm_setup(
    settings: Settings,
    budget: int | None = None,
    concurrency: int | None = None,
    retry_failed: bool = False,
    reuse_from: str | None = None,
) -> LLMSetup:
    """The endpoint as found, the mode chosen, and the config for a run. A concurrency
    given stands; else the server's slots; else DEFAULT_CONCURRENCY."""
    draft = llm_config(settings, budget)  # says what to set when nothing is
    endpoint = identify(probe(draft.base_url, draft.model, draft.api_key))
    choice = choose(endpoint, settings.kg_llm_mode)
    decided: dict[str, object] = {
        "mode": choice.mode,
        "endpoint": endpoint.identity,
        "retry_failed": retry_failed,
        "reuse_from": reuse_from,
    }
    if endpoint.window and not settings.kg_llm_context_window:
        decided["context_window"] = endpoint.window
    config = llm_config(settings, budget, **decided)
    lanes = concurrency or choice.concurrency or DEFAULT_CONCURRENCY
    return LLMSetup(config, endpoint, choice, lanes)


@dataclass(frozen=True)
class DryRun:
    work_id: str
    outcome: Outcome
    requests: int
    input_tokens: int
    output_tokens: int
    seconds: float


class _Scratch:
    """A ledger that keeps nothing: a dry run neither reads nor fills the workspace's."""

    def recorded(self, key: str) -> Call | None:
        return None

    def record_call(self, call: Call) -> None:
        pass


def dry_run(setup: LLMSetup, paper: Paper) -> DryRun:
    """One paper through the extractor as set up, its call kept nowhere."""
    from extract.llm import extract_papers

    started = time.perf_counter()
    done, failed, stats = extract_papers([paper], setup.config, _Scratch(), concurrency=1)
    outcome: Outcome = done[0] if done else failed[0]
    return DryRun(paper.work.id, outcome, stats.requests, stats.input_tokens,
                  stats.output_tokens, time.perf_counter() - started)  # fmt: skip
