"""The LLM extractor: one call per paper through instructor + openai, checked evidence,
and never the same call twice.

For each paper: select the paragraphs that can hold evidence (extract.context); if there is
no cue at all, the prefilter decides "no deep learning" without a call. Otherwise look the
call up in the ledger by its key; only on a miss ask the endpoint. The openai client retries
429, 5xx, timeouts and dropped connections with backoff (honouring Retry-After); instructor
re-asks when the answer is not valid JSON, breaks the schema, or quotes evidence the paper
does not contain. Past that budget, the reuses with good quotes are kept and the others
dropped and recorded. A paper whose call still fails is recorded as failed; the run goes on,
unless several calls in a row could not reach the endpoint at all: then the run stops with
one message instead of failing paper after paper.

Papers stream through: at most `concurrency` requests are in flight and a few more papers
are read ahead, and each outcome is handed to the caller (who stores it) as it completes, so
memory stays flat and a kill loses only the calls in flight.
"""

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from openai.types.chat import ChatCompletionMessageParam
from pydantic import ValidationError

from extract.catalogue import resolve
from extract.context import DEFAULT_BUDGET, Context, select
from extract.errors import ConfigError, SourceUnavailable
from extract.evidence import index_for
from extract.extractor import Done
from extract.llm_schema import PROMPT_VERSION, SYSTEM_PROMPT, PaperAnswer
from extract.records import Extraction, ExtractionFailure, Outcome, Paper, Reuse
from extract.workspace import Call, Workspace

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
# USD per million input / output tokens, for the cost estimate; unknown models cost None.
PRICES = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}
Progress = Callable[[str, int], None]  # ("call" | "hit" | "prefilter" | "failed", tokens)
_UNREACHABLE = (openai.APIConnectionError,)  # includes APITimeoutError
_REFUSED = (openai.AuthenticationError, openai.PermissionDeniedError)  # 401, 403: stop the run


@dataclass(frozen=True)
class LLMConfig:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    mode: str = "tools"
    budget: int = DEFAULT_BUDGET  # tokens of paper text per call
    reasks: int = 2  # instructor re-asks after an invalid answer
    http_retries: int = 2  # openai client retries on 429, 5xx, timeouts
    timeout_s: float = 60.0
    max_unreachable: int = 5  # calls in a row that cannot reach the endpoint stop the run

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"KG_LLM_MODE={self.mode!r}: use one of {', '.join(MODES)}")
        if not self.base_url and not self.api_key:
            raise ConfigError("the LLM needs OPENAI_API_KEY, or KG_LLM_BASE_URL for a local server")


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float | None:
    for prefix, (per_in, per_out) in sorted(PRICES.items(), key=lambda p: -len(p[0])):
        if model.startswith(prefix):
            return (input_tokens * per_in + output_tokens * per_out) / 1e6
    return None


def messages(context: Context) -> list[ChatCompletionMessageParam]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Excerpts of the paper:\n\n{context.text}"},
    ]


def call_key(config: LLMConfig, context: Context) -> str:
    schema = json.dumps(PaperAnswer.model_json_schema(), sort_keys=True)
    material = json.dumps([config.model, PROMPT_VERSION, config.mode, schema, context.text])
    return hashlib.sha256(material.encode()).hexdigest()


def to_extraction(work_id: str, answer: PaperAnswer, extractor: str = "llm") -> Extraction:
    reuses = []
    for given in answer.reuses:
        info = resolve(given.model)
        reuses.append(
            Reuse(
                mention=given.model,
                model=info.name,
                family=info.family,
                modality=info.modality,
                pattern=given.pattern,
                stage=given.stage,
                form=given.form,
                evidence=given.evidence,
                found_by="llm",
            )
        )
    return Extraction(
        work_id=work_id,
        uses_dl=answer.uses_dl or bool(reuses),
        uses_ptms=bool(reuses),  # a PTM claim counts only with a checked quote
        reuses=tuple(reuses),
        extractor=extractor,
        extractor_version=PROMPT_VERSION,
    )


def _raw_answer(completion: Any) -> str | None:
    """The JSON the model gave, whether as a tool call or as message content."""
    try:
        message = completion.choices[0].message
    except (AttributeError, IndexError):
        return None
    if getattr(message, "tool_calls", None):
        return str(message.tool_calls[0].function.arguments)
    content = (message.content or "").strip()
    if content.startswith("```"):
        content = content.strip("`").removeprefix("json").strip()
    return content or None


def _salvage(completion: Any, paper: Paper) -> tuple[PaperAnswer, list[dict[str, str]]] | None:
    """After the retry budget: keep the reuses whose quotes are found, drop the rest."""
    raw = _raw_answer(completion)
    if raw is None:
        return None
    try:
        answer = PaperAnswer.model_validate_json(raw, context={"lenient": True})
    except ValidationError:
        return None
    index = index_for(paper.text)
    kept, dropped = [], []
    for reuse in answer.reuses:
        reason = index.why_not_found(reuse.evidence)
        if reason is None:
            kept.append(reuse)
        else:
            dropped.append({"model": reuse.model, "reason": reason})
    return answer.model_copy(update={"reuses": kept}), dropped


@dataclass
class RunStats:
    papers: int = 0
    prefiltered: int = 0
    cache_hits: int = 0
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0
    dropped: list[tuple[str, str, str]] = field(default_factory=list)  # work, model, reason
    failed: int = 0


class LLMExtractor:
    """The `llm` extractor: one endpoint, every call recorded in the workspace's ledger."""

    name = "llm"
    version = PROMPT_VERSION
    batch = 1  # store each outcome as it arrives: a kill loses only the calls in flight

    def __init__(
        self,
        config: LLMConfig,
        workspace: Workspace,
        concurrency: int = 8,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.workspace = workspace
        self.concurrency = max(1, concurrency)
        self.progress = progress
        self.stats = RunStats()
        self._unreachable_in_a_row = 0
        self._refused: SourceUnavailable | None = None
        self._http = openai.AsyncOpenAI(
            base_url=config.base_url,
            api_key=config.api_key or "not-needed-by-local-servers",
            timeout=config.timeout_s,
            max_retries=config.http_retries,
        )
        self._client = instructor.from_openai(self._http, mode=MODES[config.mode])

    def settings(self) -> dict[str, Any]:
        """What makes two LLM runs different (never the key or the endpoint's address)."""
        return {"model": self.config.model, "mode": self.config.mode, "budget": self.config.budget}

    def extract_all(self, papers: Iterable[Paper], done: Done) -> None:
        asyncio.run(self._stream(papers, done))

    async def _stream(self, papers: Iterable[Paper], done: Done) -> None:
        pending: set[asyncio.Task[Outcome]] = set()
        read_ahead = 2 * self.concurrency
        slots = asyncio.Semaphore(self.concurrency)
        try:
            for paper in papers:
                pending.add(asyncio.create_task(self._extract(paper, slots)))
                if len(pending) >= read_ahead:
                    pending = await self._hand_over(pending, done)
            while pending:
                pending = await self._hand_over(pending, done)
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            await self._http.close()

    async def _hand_over(
        self, pending: set[asyncio.Task[Outcome]], done: Done
    ) -> set[asyncio.Task[Outcome]]:
        """Wait for the first of `pending` to finish; hand every finished outcome over."""
        finished, still = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in finished:
            done(task.result())  # raises SourceUnavailable when the endpoint is gone
        return still

    async def _extract(self, paper: Paper, slots: asyncio.Semaphore) -> Outcome:
        self.stats.papers += 1
        context = select(paper.text, self.config.budget)
        if not context.has_cue:
            self.stats.prefiltered += 1
            self._tick("prefilter", 0)
            return to_extraction(paper.work.id, PaperAnswer(uses_dl=False, uses_ptms=False),
                                 extractor="prefilter")  # fmt: skip
        key = call_key(self.config, context)
        cached = self.workspace.answered(key)
        if cached is not None and cached.answer is not None:
            self.stats.cache_hits += 1
            self._tick("hit", 0)
            return to_extraction(paper.work.id, PaperAnswer.model_validate_json(cached.answer))
        async with slots:
            if self._refused is not None:  # a 401/403 came back meanwhile: ask no more
                raise self._refused
            call, unreachable = await self._ask(paper, context, key)
        self.workspace.record_call(call)
        self._count(call)
        self._tick("call" if call.status == "ok" else "failed", call.input_tokens)
        self._unreachable_in_a_row = self._unreachable_in_a_row + 1 if unreachable else 0
        if self._unreachable_in_a_row >= self.config.max_unreachable:
            where = self.config.base_url or "the OpenAI API"
            raise SourceUnavailable(
                f"{self._unreachable_in_a_row} LLM calls in a row could not reach {where} "
                f"({call.error}); check KG_LLM_BASE_URL and the server, then rerun "
                "(answered papers are kept)"
            )
        if call.status != "ok" or call.answer is None:
            self.stats.failed += 1
            return ExtractionFailure(work_id=paper.work.id, extractor=self.name,
                                     extractor_version=self.version,
                                     reason=f"LLM call failed: {call.error}")  # fmt: skip
        return to_extraction(paper.work.id, PaperAnswer.model_validate_json(call.answer))

    def _tick(self, kind: str, tokens: int) -> None:
        if self.progress:
            self.progress(kind, tokens)

    async def _ask(self, paper: Paper, context: Context, key: str) -> tuple[Call, bool]:
        """The call's record, and whether the endpoint could not be reached at all."""
        sent = messages(context)
        base = {"key": key, "work_id": paper.work.id, "model": self.config.model,
                "prompt_version": PROMPT_VERSION, "mode": self.config.mode,
                "request": json.dumps(sent, ensure_ascii=False)}  # fmt: skip
        started = time.perf_counter()
        try:
            answer, completion = await self._client.chat.completions.create_with_completion(
                model=self.config.model,
                messages=sent,
                response_model=PaperAnswer,
                max_retries=self.config.reasks,  # re-asks: reasks + 1 attempts in all
                context={"paper": index_for(paper.text)},
            )
            dropped: list[dict[str, str]] = []
            attempts = 1
        except InstructorRetryException as error:
            self._stop_if_refused(error)
            completion = error.last_completion
            salvaged = _salvage(completion, paper)
            if salvaged is None:
                failed = self._failed(base, started, f"no valid answer: {error}", completion, error)
                return failed, completion is None and _unreachable(error)
            answer, dropped = salvaged
            attempts = error.n_attempts
        except (openai.OpenAIError, ValidationError) as error:
            self._stop_if_refused(error)
            failed = self._failed(base, started, f"{type(error).__name__}: {error}", None, None)
            return failed, isinstance(error, _UNREACHABLE)
        usage = getattr(completion, "usage", None)
        tokens_in = getattr(usage, "prompt_tokens", 0) or 0
        tokens_out = getattr(usage, "completion_tokens", 0) or 0
        return Call(
            **base,
            status="ok",
            response=completion.model_dump_json() if completion is not None else None,
            answer=answer.model_dump_json(),
            dropped=json.dumps(dropped),
            attempts=attempts,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            latency_s=time.perf_counter() - started,
            cost_usd=cost_usd(self.config.model, tokens_in, tokens_out),
        ), False

    def _stop_if_refused(self, error: BaseException) -> None:
        """A 401 or 403 will not change from one paper to the next: stop the run with one
        line (never the endpoint's text, which may echo the key)."""
        refused = _in_chain(error, _REFUSED)
        if isinstance(refused, openai.APIStatusError):
            where = self.config.base_url or "the OpenAI API"
            self._refused = SourceUnavailable(
                f"the LLM endpoint {where} refused the request with HTTP {refused.status_code} "
                "(key or permission): check OPENAI_API_KEY, KG_LLM_BASE_URL and KG_LLM_MODEL, "
                "then rerun (answered papers are kept)"
            )
            raise self._refused from None

    def _failed(
        self, base: dict[str, Any], started: float, error: str, completion: Any, retry: Any
    ) -> Call:
        usage = getattr(retry, "total_usage", None) or getattr(completion, "usage", None)
        return Call(
            **base,
            status="failed",
            response=completion.model_dump_json() if completion is not None else None,
            error=error[:2000],
            attempts=getattr(retry, "n_attempts", 1) or 1,
            input_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            output_tokens=getattr(usage, "completion_tokens", 0) or 0,
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


def _in_chain(error: BaseException, kinds: tuple[type[BaseException], ...]) -> BaseException | None:
    """The first exception of `kinds` in `error`'s chain of causes (instructor wraps)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, kinds):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _unreachable(error: BaseException) -> bool:
    """Did an instructor retry end on a connection error (no answer ever came)?"""
    return _in_chain(error, _UNREACHABLE) is not None


def extract_papers(
    papers: Sequence[Paper],
    config: LLMConfig,
    workspace: Workspace,
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
