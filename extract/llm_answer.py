"""The answer's schema as sent to a decoder, and an answer read from raw JSON.

A schema a grammar can finish: under an enforced grammar (llama-server, vLLM, Ollama) a
list without `maxItems` let a small model loop `"evidence": [1, 2, 3, ...` until
max_tokens. So every list has `maxItems` (evidence: EVIDENCE_ITEMS sentence numbers;
reuses: KG_LLM_MAX_REUSES), and for grammar servers every free string a `maxLength`.
OpenAI's strict mode takes `maxItems` but not `maxLength` (its documented subset of JSON
Schema), so the lengths go only to grammars. The rest is openai's strict conversion of
extract.llm_schema.PaperAnswer, unchanged.

`to_extraction` turns an answer into the paper's Extraction. `read_answer` validates raw
JSON as an online answer is validated (the excerpts and the paper's index in
ANSWER_CHECKS), for answers that came back another way (a batch).
"""

import copy
import json
from typing import Any

import openai
from openai.lib._pydantic import to_strict_json_schema

from extract.catalogue import resolve
from extract.context import Context
from extract.evidence import index_for
from extract.llm_defaults import MAX_REUSES
from extract.llm_schema import (
    ANSWER_CHECKS,
    EVIDENCE_ITEMS,
    PROMPT_VERSION,
    STRING_LIMITS,
    PaperAnswer,
)
from extract.records import Extraction, PaperText, Reuse
from extract.taxonomy import Role, stronger_role


def _strings_bounded(field: dict[str, Any], limit: int) -> None:
    for branch in field.get("anyOf", [field]):
        if branch.get("type") == "string":
            branch["maxLength"] = limit


def answer_schema(max_reuses: int = MAX_REUSES, grammar: bool = True) -> dict[str, Any]:
    """PaperAnswer's strict schema with bounded lists (and, for a grammar, strings)."""
    schema = copy.deepcopy(to_strict_json_schema(PaperAnswer))
    reuse = schema["$defs"]["ReuseAnswer"]["properties"]
    reuse["evidence"]["maxItems"] = EVIDENCE_ITEMS
    schema["properties"]["reuses"]["maxItems"] = max_reuses
    if grammar:
        for name, limit in STRING_LIMITS.items():
            _strings_bounded(reuse[name], limit)
    return schema


def grammar_output_tokens(max_reuses: int = MAX_REUSES) -> int:
    """max_tokens under a grammar: the longest answer the schema allows, pretty-printed as
    small models print it, at one token a character (a model that loops fills a string
    with digits, one token each: a real llama-server run cut such an answer at the usual
    four-characters-a-token bound). So a grammar always closes the answer first."""
    reuse = {"evidence": [9999] * EVIDENCE_ITEMS, "role": "mentioned", "pattern": "undetermined",
             "stage": "undetermined"} | {k: "x" * n for k, n in STRING_LIMITS.items()}  # fmt: skip
    longest = {"uses_dl": False, "uses_ptms": False, "reuses": [reuse] * max_reuses}
    return len(json.dumps(longest, indent=4))


def answer_tool(max_reuses: int = MAX_REUSES, grammar: bool = True) -> dict[str, Any]:
    """The strict tool instructor's `tools` mode forces, with the bounded schema."""
    tool: dict[str, Any] = dict(openai.pydantic_function_tool(PaperAnswer))
    function = dict(tool["function"])
    function["parameters"] = answer_schema(max_reuses, grammar)
    return {**tool, "function": function}


def is_grammar(base_url: str | None) -> bool:
    """Is the endpoint a local server whose decoder runs the schema as a grammar (every
    server but OpenAI's own, which takes a stricter subset)?"""
    return bool(base_url) and "api.openai.com" not in (base_url or "")


def read_answer(raw: str, context: Context, text: PaperText, max_reuses: int) -> PaperAnswer:
    """`raw` validated against the excerpts and the paper, as instructor validates an
    online answer (raises pydantic's ValidationError when it cannot be read)."""
    checks = {"context": context, "paper": index_for(text), "max_reuses": max_reuses}
    token = ANSWER_CHECKS.set(checks)
    try:
        return PaperAnswer.model_validate_json(raw)
    finally:
        ANSWER_CHECKS.reset(token)


def to_extraction(work_id: str, answer: PaperAnswer, extractor: str = "llm") -> Extraction:
    """One reuse per model (the counting unit is the paper-model edge): a model the answer
    lists twice keeps the entry with the stronger role (extract.taxonomy ROLE_PRECEDENCE, as
    the rules extractor does), the first one among equals. A model only mentioned is no
    evidence that the authors use deep learning."""
    by_model: dict[str, Reuse] = {}
    for given in answer.reuses:
        info = resolve(given.model)
        seen = by_model.get(info.name)
        if seen is not None and stronger_role(seen.role, given.role) is seen.role:
            continue
        by_model[info.name] = Reuse(
            mention=given.model,
            model=info.name,
            family=info.family,
            modality=info.modality,
            role=given.role,
            pattern=given.pattern,
            stage=given.stage,
            form=given.form,
            evidence=given.quote or "",
            found_by="llm",
        )
    reuses = list(by_model.values())
    return Extraction(
        work_id=work_id,
        uses_dl=answer.uses_dl or any(r.role is not Role.mentioned for r in reuses),
        uses_ptms=any(r.role == Role.used for r in reuses),  # only with checked evidence
        reuses=tuple(reuses),
        extractor=extractor,
        extractor_version=PROMPT_VERSION,
    )
