"""A provider's batch API, the pure half: the requests as batch JSONL lines, and a result
line read back into the ledger's Call, through the same checks as an online answer.

The documented shapes relied on (OpenAI Batch API): an input line is `{"custom_id",
"method": "POST", "url": "/v1/chat/completions", "body": <the chat request>}`; an output
line is `{"custom_id", "response": {"status_code", "body": <the chat completion>}, "error"}`,
and a line of the error file has `response` null or a status other than 200 and
`error: {"code", "message"}`. The custom_id is the ledger key, so every result finds its
paper and its place in the ledger. Prices are half the online ones (BATCH_DISCOUNT).

One request per paper, as online; but there is no re-ask (a batch has one round): an
answer that cannot be read is a failed call, recorded, and asked again only on purpose.
"""

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from extract.context import Context
from extract.errors import ConfigError
from extract.ledger import BatchRecord, Call
from extract.llm_answer import read_answer
from extract.llm_request import LLMConfig, cost_usd, decoding, messages
from extract.llm_schema import PROMPT_VERSION
from extract.records import PaperText

__all__ = ["BatchRecord", "batch_line", "parse_result", "result_call"]
URL = "/v1/chat/completions"
BATCH_DISCOUNT = 0.5  # of the online price
BATCH_MODES = frozenset({"tools", "json_schema"})


def request_body(config: LLMConfig, context: Context) -> dict[str, Any]:
    """The chat request instructor would send online, written out: the messages, the
    decoding settings and the strict tool (forced) or response format."""
    if config.mode not in BATCH_MODES:
        raise ConfigError(f"--batch needs KG_LLM_MODE tools or json_schema (not {config.mode})")
    options = decoding(config)
    extra = options.pop("extra_body", {})
    body: dict[str, Any] = {"model": config.model, "messages": messages(context), **options}
    if config.mode == "tools":
        tools = extra.get("tools")
        if not tools:
            raise ConfigError("--batch in tools mode needs the strict schema (KG_LLM_STRICT)")
        name = tools[0]["function"]["name"]
        body |= extra | {"tool_choice": {"type": "function", "function": {"name": name}}}
    else:
        body |= extra
    return body


def batch_line(key: str, config: LLMConfig, context: Context) -> str:
    return json.dumps({"custom_id": key, "method": "POST", "url": URL,
                       "body": request_body(config, context)}, ensure_ascii=False)  # fmt: skip


@dataclass(frozen=True)
class BatchResult:
    key: str
    completion: dict[str, Any] | None  # the chat completion, when the request was answered
    error: str | None


def parse_result(line: str) -> BatchResult:
    """One line of the output or the error file."""
    record = json.loads(line)
    response = record.get("response") or {}
    if response.get("status_code") == 200 and isinstance(response.get("body"), dict):
        return BatchResult(record["custom_id"], response["body"], None)
    error = record.get("error") or (response.get("body") or {}).get("error") or {}
    why = f"{error.get('code', 'error')}: {error.get('message', 'no answer in the batch')}"
    return BatchResult(record["custom_id"], None, why)


def raw_of(body: dict[str, Any]) -> str | None:
    """The JSON the model gave in a chat completion's body: tool call or content."""
    message = ((body.get("choices") or [{}])[0] or {}).get("message") or {}
    calls = message.get("tool_calls") or []
    if calls:
        return str((calls[0].get("function") or {}).get("arguments", "")) or None
    content = (message.get("content") or "").strip()
    if content.startswith("```"):
        content = content.strip("`").removeprefix("json").strip()
    return content or None


def result_call(
    result: BatchResult,
    work_id: str,
    context: Context,
    text: PaperText,
    config: LLMConfig,
    batch_id: str,
) -> Call:
    """The ledger's record of one batch result, its answer checked as online."""
    body = result.completion or {}
    usage = body.get("usage") or {}
    tokens_in, tokens_out = usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0)
    price = cost_usd(config.model, tokens_in, tokens_out)
    base: dict[str, Any] = {
        "key": result.key, "work_id": work_id, "model": config.model,
        "extractor_version": PROMPT_VERSION, "mode": config.mode,
        "request": json.dumps(messages(context), ensure_ascii=False),
        "response": json.dumps(body) if body else None,
        "input_tokens": tokens_in, "output_tokens": tokens_out,
        "cost_usd": None if price is None else price * BATCH_DISCOUNT,
        "endpoint": config.endpoint_id, "batch_id": batch_id,
    }  # fmt: skip
    if result.completion is None:
        return Call(**base, status="error", error=result.error)
    raw = raw_of(result.completion)
    if raw is None:
        return Call(**base, status="failed", error="no answer in the batch result")
    try:
        answer = read_answer(raw, context, text, config.max_reuses)
    except ValidationError as error:
        return Call(**base, status="failed", error=f"no valid answer: {error}"[:2000])
    dropped = json.dumps([r.model_dump() for r in answer.rejected])
    return Call(**base, status="ok", answer=answer.model_dump_json(), dropped=dropped)
