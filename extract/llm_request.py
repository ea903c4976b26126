"""What one LLM request carries, decided on purpose (the messages, decoding settings, the
strict schema where the endpoint enforces one, the estimate checked against its window), and
how a request that failed ended.

Decoding: temperature 0 and a fixed seed by default, so a rerun (or another machine) gets
the same answer where the endpoint honours them; `max_tokens` is bounded by the schema's
size (extract.llm_schema.max_output_tokens), so a local server cannot run away; OpenAI's
reasoning models get `max_completion_tokens` (the bound plus room for their hidden
reasoning) and their default temperature, the only one they take. Strict: in
the `tools` and `json_schema` modes the schema goes out marked strict (the openai helpers
build the tool or response format from the same pydantic model instructor validates with);
the `json` and `md_json` modes put the schema in the prompt, which no decoder enforces.

A re-ask after an answer that cannot be read resends only what failed: the answer and the
reason, not the excerpts (the cited sentence numbers still refer to them).
"""

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from openai.types.chat import ChatCompletionMessageParam

from extract import llm_defaults
from extract.context import DEFAULT_BUDGET, Context, approx_tokens
from extract.errors import ConfigError, SourceUnavailable
from extract.llm_answer import answer_schema, answer_tool, grammar_output_tokens, is_grammar
from extract.llm_schema import PROMPT_VERSION, SYSTEM_PROMPT, PaperAnswer, max_output_tokens

MODES = {
    "tools": instructor.Mode.TOOLS,
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "json": instructor.Mode.JSON,
    "md_json": instructor.Mode.MD_JSON,
}
STRICT_MODES = frozenset({"tools", "json_schema"})
OLLAMA_PORT = ":11434"
OLLAMA_DEFAULT_WINDOW = 4096  # Ollama's num_ctx unless the model or the server sets more

# USD per million input / output tokens, for the cost estimate; unknown models cost None.
PRICES = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


def cost_usd(model: str, input_tokens: int, output_tokens: int) -> float | None:
    for prefix, (per_in, per_out) in sorted(PRICES.items(), key=lambda p: -len(p[0])):
        if model.startswith(prefix):
            return (input_tokens * per_in + output_tokens * per_out) / 1e6
    return None


REPAIR_PROMPT = """\
Your previous answer about a paper's use of pre-trained models could not be read. Give the
same answer again, corrected so that it fits the schema; keep the sentence numbers you cited.
"""


@dataclass(frozen=True)
class LLMConfig:
    model: str
    base_url: str | None = None
    api_key: str | None = None
    mode: str = llm_defaults.MODE
    budget: int = DEFAULT_BUDGET  # tokens of paper text per call
    reasks: int = 2  # re-asks after an answer that cannot be read at all
    http_retries: int = llm_defaults.HTTP_RETRIES  # openai client retries on 429, 5xx, timeouts
    timeout_s: float = llm_defaults.TIMEOUT_S
    max_unreachable: int = 5  # calls in a row that cannot reach the endpoint stop the run
    max_timeouts: int = 10  # calls in a row with no answer in time stop the run
    temperature: float = llm_defaults.TEMPERATURE
    seed: int | None = llm_defaults.SEED
    max_reuses: int = llm_defaults.MAX_REUSES
    strict: bool | None = None  # None: on in the modes that send a schema to the decoder
    context_window: int | None = None  # the endpoint's window in tokens, when known
    max_response_bytes: int = llm_defaults.MAX_RESPONSE_BYTES  # a larger answer is refused
    endpoint: str | None = None  # what answers (extract.llm_endpoint identity); keys the ledger
    reuse_from: str | None = None  # another endpoint whose stored answers may be reused
    retry_failed: bool = False  # ask again for calls that failed or timed out before

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"KG_LLM_MODE={self.mode!r}: use one of {', '.join(MODES)}")
        if not self.base_url and not self.api_key:
            raise ConfigError("the LLM needs OPENAI_API_KEY, or KG_LLM_BASE_URL for a local server")
        if self.strict and self.mode not in STRICT_MODES:
            raise ConfigError(
                f"KG_LLM_STRICT needs KG_LLM_MODE tools or json_schema (not {self.mode}); "
                "unset KG_LLM_STRICT or change the mode"
            )

    @property
    def is_strict(self) -> bool:
        return self.mode in STRICT_MODES if self.strict is None else self.strict

    @property
    def endpoint_id(self) -> str:
        """The endpoint's identity as the ledger keys it: the probe's, else the address."""
        return self.endpoint or f"{self.base_url or 'https://api.openai.com/v1'}|-"

    @property
    def window(self) -> int | None:
        """The endpoint's context window: as set, else Ollama's default for an Ollama URL."""
        if self.context_window:
            return self.context_window
        if self.base_url and OLLAMA_PORT in self.base_url:
            return OLLAMA_DEFAULT_WINDOW
        return None


def messages(context: Context) -> list[ChatCompletionMessageParam]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": f"Excerpts of the paper:\n\n{context.text}"},
    ]


def repair_messages(raw: str, reason: str) -> list[ChatCompletionMessageParam]:
    return [
        {"role": "system", "content": REPAIR_PROMPT},
        {"role": "user", "content": f"Your answer:\n{raw[:12000]}\n\nWhy it failed: {reason}"},
    ]


# OpenAI's reasoning models (o1, o3, o4-mini, gpt-5...) take `max_completion_tokens`, which
# also counts their hidden reasoning, and only their default temperature.
_REASONING = re.compile(r"^(?:[\w.-]+/)?(?:o\d|gpt-5)(?:$|[-.])", re.IGNORECASE)
REASONING_ALLOWANCE = 16_000  # tokens of hidden reasoning allowed before the answer


def is_reasoning_model(model: str) -> bool:
    return _REASONING.match(model) is not None


def output_limit(options: dict[str, Any]) -> str:
    """The limit a request's decoding options set on the answer, as "name=value"."""
    name = "max_completion_tokens" if "max_completion_tokens" in options else "max_tokens"
    return f"{name}={options[name]}"


def output_bound(config: LLMConfig) -> int:
    """max_tokens: under a grammar (a strict schema to a local server) the longest answer
    it allows, else an estimate from the schema's size (extract.llm_schema)."""
    if is_grammar(config.base_url) and config.is_strict:
        return grammar_output_tokens(config.max_reuses)
    return max_output_tokens(config.max_reuses)


def decoding(config: LLMConfig) -> dict[str, Any]:
    """The request's decoding settings and, when strict, the schema marked strict (sent in
    `extra_body`, which openai merges over the tool or format instructor builds)."""
    grammar = is_grammar(config.base_url)
    options: dict[str, Any] = {
        "temperature": config.temperature,
        "max_tokens": output_bound(config),
    }
    if is_reasoning_model(config.model):  # they refuse max_tokens and a temperature
        options = {"max_completion_tokens": options["max_tokens"] + REASONING_ALLOWANCE}
    if config.seed is not None:
        options["seed"] = config.seed
    if config.is_strict and config.mode == "tools":
        tool = answer_tool(config.max_reuses, grammar)
        # strict tool schemas hold for one call at a time
        options["extra_body"] = {"tools": [tool], "parallel_tool_calls": False}
    elif config.is_strict:
        schema = answer_schema(config.max_reuses, grammar)
        format_ = {"name": "PaperAnswer", "schema": schema, "strict": True}
        options["extra_body"] = {"response_format": {"type": "json_schema", "json_schema": format_}}
    return options


def call_key(config: LLMConfig, context: Context) -> str:
    """The ledger's key of a request: what answers it (the endpoint's identity, the model's
    name), the prompt, the mode and decoding, the schema as sent, and the excerpts."""
    schema = json.dumps(answer_schema(config.max_reuses, is_grammar(config.base_url)),
                        sort_keys=True)  # fmt: skip
    options = {k: v for k, v in decoding(config).items() if k != "extra_body"}
    material = json.dumps([config.endpoint_id, config.model, PROMPT_VERSION, config.mode,
                           config.is_strict, options, schema, context.text])  # fmt: skip
    return hashlib.sha256(material.encode()).hexdigest()


def request_tokens(config: LLMConfig, context: Context) -> int:
    """The request's size in tokens (four characters a token), answer included."""
    schema = approx_tokens(json.dumps(PaperAnswer.model_json_schema()))
    return approx_tokens(SYSTEM_PROMPT) + schema + context.tokens + output_bound(config)


def window_warning(config: LLMConfig, context: Context) -> str | None:
    """A warning when the request may not fit the endpoint's window (which Ollama would
    truncate without a word)."""
    window = config.window
    needed = request_tokens(config, context)
    if window is None or needed <= window:
        return None
    return (
        f"a request needs about {needed} tokens but the endpoint's window is {window}: set a "
        "larger num_ctx on the server (README, LLM extraction) and KG_LLM_CONTEXT_WINDOW, or "
        "lower --budget"
    )


def raw_answer(completion: Any) -> str | None:
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


def usage_of(*sources: Any) -> tuple[int, int]:
    usage = next((u for u in (getattr(s, "usage", s) for s in sources if s) if u), None)
    return (getattr(usage, "prompt_tokens", 0) or 0, getattr(usage, "completion_tokens", 0) or 0)


def failure_reason(error: InstructorRetryException) -> str:
    attempts = getattr(error, "failed_attempts", None) or []
    cause = attempts[-1].exception if attempts else error.__cause__ or error
    return str(cause)[:1500]


def api_error(error: BaseException) -> openai.OpenAIError | None:
    """The endpoint's error behind an instructor failure, if that is what ended it."""
    attempts = getattr(error, "failed_attempts", None) or []
    seen: BaseException | None = attempts[-1].exception if attempts else error.__cause__
    while seen is not None:
        if isinstance(seen, openai.OpenAIError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def describe(error: BaseException, timeout_s: float, base_url: str | None = None) -> str:
    if isinstance(error, openai.APITimeoutError):
        return (f"no answer within {timeout_s:g} s (after the HTTP retries); a slow model "
                "needs a larger KG_LLM_TIMEOUT")  # fmt: skip
    if isinstance(error, openai.APIConnectionError):
        return (
            f"cannot reach the LLM endpoint {endpoint(base_url)} ({error}); check KG_LLM_BASE_URL"
        )
    return f"{type(error).__name__}: {error}"


def endpoint(base_url: str | None) -> str:
    """The endpoint for messages: scheme, host, port and path, never credentials."""
    if not base_url:
        return "of OpenAI"
    parts = urlsplit(base_url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


def ending(error: BaseException) -> str:
    """How a request that got no answer ended: timeout (a slow answer, not a dead endpoint),
    unreachable (no connection at all), refused (401 or 403: the key, which will not change
    from one paper to the next) or failed (the endpoint refused this request)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, openai.AuthenticationError | openai.PermissionDeniedError):
            return "refused"
        if isinstance(seen, openai.APITimeoutError):
            return "timeout"
        if isinstance(seen, openai.APIConnectionError):
            return "unreachable"
        seen = seen.__cause__ or seen.__context__
    return "failed"


def refusal(config: LLMConfig) -> SourceUnavailable:
    """One line for a 401 or 403, never with the endpoint's text (it may echo the key)."""
    where = config.base_url or "the OpenAI API"
    return SourceUnavailable(
        f"the LLM endpoint {where} refused the request (HTTP 401 or 403: the key or its "
        "permissions); check OPENAI_API_KEY, KG_LLM_BASE_URL and KG_LLM_MODEL, then rerun "
        "(answered papers are kept)"
    )


def gone(
    config: LLMConfig, in_a_row: dict[str, int], error: str | None
) -> SourceUnavailable | None:
    """Why the run stops, when calls in a row found no endpoint, or one that never answers
    (a few timeouts are a slow model; many in a row, a stuck server)."""
    where = config.base_url or "the OpenAI API"
    if in_a_row["unreachable"] >= config.max_unreachable:
        return SourceUnavailable(
            f"{in_a_row['unreachable']} LLM calls in a row could not reach {where} "
            f"({error}); check KG_LLM_BASE_URL and the server, then rerun "
            "(answered papers are kept)"
        )
    if in_a_row["timeout"] >= config.max_timeouts:
        return SourceUnavailable(
            f"{in_a_row['timeout']} LLM calls in a row got no answer within "
            f"{config.timeout_s:g} s from {where}; check KG_LLM_BASE_URL and the "
            "server, or raise KG_LLM_TIMEOUT for a slow model, then rerun (answered "
            "papers are kept)"
        )
    return None
