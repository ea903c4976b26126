"""The LLM extractor: one call per paper through instructor + openai, checked evidence,
and never the same call twice.

For each paper: select the paragraphs that can hold evidence (extract.context); if there is
no cue at all, the prefilter decides "no deep learning" without a call. Otherwise look the
call up in the ledger by its key (which holds the endpoint's identity, extract.llm_endpoint:
another server or quantisation under the same model name makes new requests; `reuse_from`
names an endpoint whose answers may stand in); only on a miss ask the endpoint
(extract.llm_request says what a request carries). The openai client retries 429, 5xx and
dropped connections, never a timed-out generation: the wait is ours, sized by
extract.llm_pace, and such a paper is recorded as `timeout`. Each reuse of the answer is
checked on its own (extract.llm_schema): one whose evidence is not found is dropped and
recorded, no re-ask. Only an answer that cannot be read at all is asked again, with just the
answer and the reason. A paper whose call still fails is recorded as failed; the run goes
on, unless several calls in a row could not reach the endpoint (or never answered): then it
stops with one message. A call that failed or timed out is not asked again on a rerun (at
temperature 0 and a fixed seed it would fail the same way) unless `retry_failed` says so.

Papers stream through: at most `concurrency` requests are in flight and a few more papers
are read ahead, and each outcome is handed to the caller (who stores it) as it completes, so
memory stays flat and a kill loses only the calls in flight.
"""

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from extract.context import Context, select
from extract.errors import SourceUnavailable
from extract.evidence import index_for
from extract.extractor import Done
from extract.in_flight import as_finished
from extract.ledger import Call, Ledger
from extract.llm_answer import to_extraction
from extract.llm_http import capped_client
from extract.llm_pace import Pace
from extract.llm_request import (
    MODES,
    LLMConfig,
    api_error,
    call_key,
    cost_usd,
    decoding,
    describe,
    ending,
    failure_reason,
    gone,
    messages,
    output_limit,
    raw_answer,
    refusal,
    repair_messages,
    request_tokens,
    usage_of,
    window_warning,
)
from extract.llm_schema import ANSWER_CHECKS, PROMPT_VERSION, PaperAnswer
from extract.records import Extraction, ExtractionFailure, Outcome, Paper

Progress = Callable[[str, int], None]  # ("call" | "hit" | "prefilter" | "failed", tokens)

__all__ = ["LLMConfig", "LLMExtractor", "RunStats", "call_key", "extract_papers", "to_extraction"]
STICKY = frozenset({"failed", "timeout"})  # a rerun does not ask again (retry_failed does)


def _status(end: str) -> str:
    """The ledger's status of a call the endpoint gave no answer to."""
    return "timeout" if end == "timeout" else "error"


@dataclass
class RunStats:
    papers: int = 0
    prefiltered: int = 0
    cache_hits: int = 0
    calls: int = 0
    requests: int = 0  # HTTP answers asked for, re-asks included
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0
    dropped: list[tuple[str, str, str]] = field(default_factory=list)  # work, model, reason
    failed: int = 0
    timed_out: int = 0  # of the failed: no answer in time
    failed_before: int = 0  # failed or timed out in an earlier run, not asked again
    warnings: list[str] = field(default_factory=list)  # each said once per run
    over_window: int = 0  # requests that may not fit the endpoint's window


class LLMExtractor:
    """The `llm` extractor: one endpoint, every call recorded in the workspace's ledger."""

    name = "llm"
    version = PROMPT_VERSION
    batch = 1  # store each outcome as it arrives: a kill loses only the calls in flight

    def __init__(
        self,
        config: LLMConfig,
        workspace: Ledger,
        concurrency: int = 8,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.workspace = workspace
        self.concurrency = max(1, concurrency)
        self.progress = progress
        self.stats = RunStats()
        self._pace = Pace(config.timeout_s)
        self._refused: SourceUnavailable | None = None  # set by a 401/403: the run stops
        self._in_a_row = {"unreachable": 0, "timeout": 0}  # calls in a row that ended so
        self._http = openai.AsyncOpenAI(
            base_url=config.base_url,
            api_key=config.api_key or "not-needed-by-local-servers",
            timeout=None,  # ours (asyncio.wait_for): a timed-out generation is not re-sent
            max_retries=config.http_retries,
            http_client=capped_client(config.max_response_bytes),
        )
        self._client = instructor.from_openai(self._http, mode=MODES[config.mode])
        self._decoding = decoding(config)

    def settings(self) -> dict[str, Any]:
        """What makes two LLM runs different: never the key or the endpoint's address, but a
        fingerprint of what answers (another server is another run, asked afresh)."""
        answers = hashlib.sha256(self.config.endpoint_id.encode()).hexdigest()[:12]
        return {"model": self.config.model, "mode": self.config.mode, "budget": self.config.budget,
                "temperature": self.config.temperature, "seed": self.config.seed,
                "strict": self.config.is_strict, "max_reuses": self.config.max_reuses,
                "endpoint": answers}  # fmt: skip

    def extract_all(self, papers: Iterable[Paper], done: Done) -> None:
        asyncio.run(self._stream(papers, done))

    async def _stream(self, papers: Iterable[Paper], done: Done) -> None:
        """Papers read two per slot ahead; `done` raises SourceUnavailable when the endpoint
        is gone, which cancels the rest."""
        slots = asyncio.Semaphore(self.concurrency)
        try:
            await as_finished(papers, lambda paper: self._extract(paper, slots),
                              2 * self.concurrency, done)  # fmt: skip
        finally:
            await self._http.close()

    async def _extract(self, paper: Paper, slots: asyncio.Semaphore) -> Outcome:
        self.stats.papers += 1
        context = select(paper.text, self.config.budget)
        if not context.has_cue:
            self.stats.prefiltered += 1
            self._tick("prefilter", 0)
            return to_extraction(paper.work.id, PaperAnswer(uses_dl=False, uses_ptms=False,
                                 reuses=[]), extractor="prefilter")  # fmt: skip
        key = call_key(self.config, context)
        stored = self._stored(key, context)
        if stored is not None and stored.status == "ok" and stored.answer is not None:
            self.stats.cache_hits += 1
            self._tick("hit", 0)
            cap = {"max_reuses": self.config.max_reuses}  # the ledger's answer, this run's cap
            return to_extraction(
                paper.work.id, PaperAnswer.model_validate_json(stored.answer, context=cap)
            )
        if stored is not None and stored.status in STICKY and not self.config.retry_failed:
            self.stats.failed_before += 1
            self.stats.failed += 1
            self._tick("failed", 0)
            return ExtractionFailure(work_id=paper.work.id, extractor=self.name,
                                     extractor_version=self.version,
                                     reason=f"LLM call {stored.status} before ({stored.error}); "
                                     "`kg extract --retry-failed` asks again")  # fmt: skip
        warning = window_warning(self.config, context)
        if warning:
            self.stats.over_window += 1
            if not self.stats.warnings:  # said once; the count says how often
                self.stats.warnings.append(warning)
        async with slots:
            if self._refused is not None:  # a 401/403 came back meanwhile: ask no more
                raise self._refused
            call, answer, ending = await self._ask(paper, context, key)
            if ending == "refused":
                self._refused = refusal(self.config)
                raise self._refused
        self.workspace.record_call(call)
        self._count(call)
        self._tick("call" if call.status == "ok" else "failed", call.input_tokens)
        for kind in self._in_a_row:
            self._in_a_row[kind] = self._in_a_row[kind] + 1 if ending == kind else 0
        stop = gone(self.config, self._in_a_row, call.error)
        if stop is not None:
            raise stop
        if call.status != "ok" or answer is None:
            self.stats.failed += 1
            self.stats.timed_out += call.status == "timeout"
            return ExtractionFailure(work_id=paper.work.id, extractor=self.name,
                                     extractor_version=self.version,
                                     reason=f"LLM call failed: {call.error}")  # fmt: skip
        return to_extraction(paper.work.id, answer)  # as validated against the excerpts

    def _stored(self, key: str, context: Context) -> Call | None:
        """The ledger's call for `key`; else, with `reuse_from`, the other endpoint's answer."""
        stored = self.workspace.recorded(key)
        if (stored is None or stored.status != "ok") and self.config.reuse_from:
            other = replace(self.config, endpoint=self.config.reuse_from)
            borrowed = self.workspace.recorded(call_key(other, context))
            if borrowed is not None and borrowed.status == "ok":
                return borrowed
        return stored

    def _tick(self, kind: str, tokens: int) -> None:
        if self.progress:
            self.progress(kind, tokens)

    async def _create(
        self, sent: list[ChatCompletionMessageParam], checks: dict[str, Any], wait: float
    ) -> tuple[PaperAnswer, Any]:
        """One request, validated; instructor does not re-ask (we do, with less). Raises
        TimeoutError when the answer takes longer than the request's wait."""
        self.stats.requests += 1
        token = ANSWER_CHECKS.set(checks)  # this task's own: concurrent papers never mix
        try:
            answer, completion = await asyncio.wait_for(
                self._client.chat.completions.create_with_completion(
                    model=self.config.model,
                    messages=sent,
                    response_model=PaperAnswer,
                    max_retries=0,
                    **self._decoding,
                ),
                wait,
            )
        finally:
            ANSWER_CHECKS.reset(token)
        return answer, completion

    async def _ask(
        self, paper: Paper, context: Context, key: str
    ) -> tuple[Call, PaperAnswer | None, str]:
        """The call's record, the answer as validated against the excerpts (None when the
        call failed), and how it ended: answered, failed, unreachable or timeout."""
        sent = messages(context)
        base = {"key": key, "work_id": paper.work.id, "model": self.config.model,
                "extractor_version": PROMPT_VERSION, "mode": self.config.mode,
                "request": json.dumps(sent, ensure_ascii=False),
                "endpoint": self.config.endpoint_id}  # fmt: skip
        checks = {"context": context, "paper": index_for(paper.text),
                  "max_reuses": self.config.max_reuses}  # fmt: skip
        tokens = request_tokens(self.config, context)
        started = time.perf_counter()
        tokens_in = tokens_out = 0
        attempts = 0
        request = sent
        while True:
            attempts += 1
            try:
                wait = self._pace.timeout_for(tokens)
                asked = time.perf_counter()
                answer, completion = await self._create(request, checks, wait)
                self._pace.record(sum(usage_of(completion)), time.perf_counter() - asked)
                break
            except InstructorRetryException as error:
                spent = usage_of(error.total_usage, error.last_completion)
                tokens_in, tokens_out = tokens_in + spent[0], tokens_out + spent[1]
                raw = raw_answer(error.last_completion)
                endpoint_error = api_error(error)
                if endpoint_error is not None and raw is None:  # no answer: nothing to re-ask
                    why = describe(endpoint_error, self.config.timeout_s, self.config.base_url)
                    end = ending(endpoint_error)
                    failed = self._failed(base, started, why, None, attempts, tokens_in,
                                          tokens_out, status=_status(end))  # fmt: skip
                    return failed, None, end
                if attempts > self.config.reasks:
                    why = f"no valid answer: {error}"
                    failed = self._failed(base, started, why, error.last_completion,
                                          attempts, tokens_in, tokens_out)  # fmt: skip
                    return failed, None, "failed"
                # resend only what failed: the answer and why (or, with none, the question)
                request = sent if raw is None else repair_messages(raw, failure_reason(error))
            except IncompleteOutputException as error:
                why = (f"the answer stopped at {output_limit(self._decoding)} "
                       "(set from KG_LLM_MAX_REUSES); the model may be looping")  # fmt: skip
                spent = usage_of(error.last_completion)
                failed = self._failed(base, started, why, error.last_completion, attempts,
                                      tokens_in + spent[0], tokens_out + spent[1])  # fmt: skip
                return failed, None, "failed"
            except TimeoutError:
                why = (f"no answer within {wait:g} s; not sent again (the server may still "
                       "be computing it): a slow model needs a larger KG_LLM_TIMEOUT, "
                       "`kg extract --retry-failed` asks again")  # fmt: skip
                failed = self._failed(base, started, why, None, attempts, tokens_in, tokens_out,
                                      status="timeout")  # fmt: skip
                return failed, None, "timeout"
            except (openai.OpenAIError, ValidationError) as error:
                why = describe(error, self.config.timeout_s, self.config.base_url)
                end = ending(error)
                status = "failed" if isinstance(error, ValidationError) else _status(end)
                failed = self._failed(base, started, why, None, attempts, tokens_in, tokens_out,
                                      status=status)  # fmt: skip
                return failed, None, end
        spent = usage_of(completion)
        tokens_in, tokens_out = tokens_in + spent[0], tokens_out + spent[1]
        dropped = [r.model_dump() for r in answer.rejected]
        call = Call(**base, status="ok",
                    response=completion.model_dump_json() if completion is not None else None,
                    answer=answer.model_dump_json(), dropped=json.dumps(dropped),
                    attempts=attempts, input_tokens=tokens_in, output_tokens=tokens_out,
                    latency_s=time.perf_counter() - started,
                    cost_usd=cost_usd(self.config.model, tokens_in, tokens_out))  # fmt: skip
        return call, answer, "answered"

    def _failed(
        self,
        base: dict[str, Any],
        started: float,
        error: str,
        completion: Any,
        attempts: int,
        tokens_in: int,
        tokens_out: int,
        status: str = "failed",
    ) -> Call:
        """A failed call: `failed` (an answer that cannot be used), `timeout`, or `error`
        (the endpoint refused or could not be reached: asked again on a rerun)."""
        return Call(
            **base,
            status=status,
            response=completion.model_dump_json() if completion is not None else None,
            error=error[:2000],
            attempts=attempts,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            latency_s=time.perf_counter() - started,
        )

    def _count(self, call: Call) -> None:
        self.stats.calls += 1
        self.stats.input_tokens += call.input_tokens
        self.stats.output_tokens += call.output_tokens
        if call.cost_usd is None or self.stats.cost_usd is None:
            self.stats.cost_usd = None
        else:
            self.stats.cost_usd += call.cost_usd
        for drop in json.loads(call.dropped or "[]"):
            self.stats.dropped.append((call.work_id, drop["model"], drop["reason"]))


def extract_papers(
    papers: Sequence[Paper],
    config: LLMConfig,
    workspace: Ledger,
    concurrency: int = 8,
    progress: Progress | None = None,
) -> tuple[list[Extraction], list[ExtractionFailure], RunStats]:
    """Every paper's outcome, collected (for `kg eval`, tests and benches; `kg extract`
    streams them into the workspace instead)."""
    extractor = LLMExtractor(config, workspace, concurrency, progress)
    extractions: list[Extraction] = []
    failures: list[ExtractionFailure] = []

    def collect(outcome: Outcome) -> None:
        if isinstance(outcome, Extraction):
            extractions.append(outcome)
        else:
            failures.append(outcome)

    extractor.extract_all(papers, collect)
    order = {p.work.id: i for i, p in enumerate(papers)}
    extractions.sort(key=lambda e: order[e.work_id])
    return extractions, failures, extractor.stats
