"""Stand-ins with the manners of the servers people run, as met on real ones (README, LLM
extraction): what each says about itself, what it refuses, what its decoder lets out.

- llama-server (llama.cpp): `/props` with 4 slots, a model path and n_ctx; `/v1/models`
  owned by "llamacpp"; a `response_format` json_schema enforced as a grammar; `tool_choice`
  taken only as a string (an object is ignored: prose, cut at max_tokens); a json_object
  format without a schema answers `{}`.
- llama-cpp-python's server: `/v1/models` owned by "me", nothing else; a json_schema format
  refused with HTTP 500; a forced tool honoured.
- vLLM: `/version`, `/v1/models` owned by "vllm" with max_model_len; json_schema enforced.
- Ollama: `/api/version`, `/api/show`; json_schema enforced from 0.5 on, ignored before.
- openai: the plain stand-in (tests/llm_server.py), nothing but chat completions.

A grammar here does what a real one does to a looping list: it closes the list at
`maxItems`; without `maxItems` the answer runs on to max_tokens and is cut.
"""

import json
from typing import Any

from tests.llm_server import CUT, LLMServer

WEIGHTS = "/models/gemma-3-270m-it-Q4_K_M.gguf"
REFUSED_FORMAT = "response_format.type: Input should be 'text' or 'json_object'"
LOOP = 60  # items a looping list reaches before max_tokens


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return dict(root["$defs"][ref.removeprefix("#/$defs/")])
    return schema


def enforce(value: Any, schema: dict[str, Any], root: dict[str, Any]) -> tuple[Any, bool]:
    """`value` as a grammar for `schema` lets it out, and whether it ran to max_tokens."""
    schema = _resolve(schema, root)
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            kind = _resolve(branch, root).get("type")
            if (kind == "null") == (value is None):
                return enforce(value, branch, root)
        return value, False
    if isinstance(value, list):
        limit = schema.get("maxItems")
        if limit is None and len(value) >= LOOP:
            return value, True
        items = [enforce(v, schema.get("items", {}), root) for v in value[:limit]]
        return [v for v, _ in items], any(cut for _, cut in items)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        pairs = {k: enforce(v, props.get(k, {}), root) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(cut for _, cut in pairs.values())
    if isinstance(value, str) and "maxLength" in schema:
        return value[: schema["maxLength"]], False
    return value, False


def _grammar(request: dict[str, Any], answer: str) -> str:
    fmt = request.get("response_format") or {}
    if fmt.get("type") != "json_schema":
        return answer
    schema = fmt["json_schema"]["schema"]
    shaped, cut = enforce(json.loads(answer), schema, schema)
    return CUT + answer[:4000] if cut else json.dumps(shaped)


class LlamaServer(LLMServer):
    slots = 4

    def about(self, path: str, body: dict[str, Any] | None) -> dict[str, Any] | None:
        if path == "/props":
            return {"total_slots": self.slots, "model_path": WEIGHTS, "build_info": "b6500-test",
                    "default_generation_settings": {"n_ctx": 8192}}  # fmt: skip
        if path == "/v1/models":
            return {"object": "list", "data": [{"id": WEIGHTS, "owned_by": "llamacpp"}]}
        return None

    def shape(self, request: dict[str, Any], answer: str) -> tuple[str, bool]:
        if request.get("tools") and not isinstance(request.get("tool_choice"), str):
            return CUT + "I will now read the excerpts and report each model. " * 40, False
        fmt = (request.get("response_format") or {}).get("type")
        if fmt == "json_object":
            return "{}", False
        return _grammar(request, answer), bool(request.get("tools"))


class LlamaCppPython(LLMServer):
    def about(self, path: str, body: dict[str, Any] | None) -> dict[str, Any] | None:
        if path == "/v1/models":
            return {"object": "list", "data": [{"id": "gemma-3-270m", "owned_by": "me"}]}
        return None

    def refuse(self, request: dict[str, Any]) -> tuple[int, str] | None:
        if (request.get("response_format") or {}).get("type") == "json_schema":
            return 500, REFUSED_FORMAT
        return None


class VLLM(LLMServer):
    def about(self, path: str, body: dict[str, Any] | None) -> dict[str, Any] | None:
        if path == "/version":
            return {"version": "0.11.0"}
        if path == "/v1/models":
            return {"object": "list", "data": [{"id": "google/gemma-3-270m-it",
                    "owned_by": "vllm", "root": "google/gemma-3-270m-it",
                    "max_model_len": 32768}]}  # fmt: skip
        return None

    def shape(self, request: dict[str, Any], answer: str) -> tuple[str, bool]:
        return _grammar(request, answer), bool(request.get("tools"))


class Ollama(LLMServer):
    version = "0.12.6"

    def about(self, path: str, body: dict[str, Any] | None) -> dict[str, Any] | None:
        if path == "/api/version":
            return {"version": self.version}
        if path == "/api/show":
            return {"details": {"family": "gemma3", "parameter_size": "268.10M",
                                "quantization_level": "Q8_0"},
                    "model_info": {"general.architecture": "gemma3",
                                   "gemma3.context_length": 32768}}  # fmt: skip
        if path == "/v1/models":
            return {"object": "list", "data": [{"id": "gemma3:270m", "owned_by": "library"}]}
        return None

    def shape(self, request: dict[str, Any], answer: str) -> tuple[str, bool]:
        if (
            self.version.startswith("0.4")
            and request.get("response_format", {}).get("type") == "json_schema"
        ):
            return "Here is what I found in the paper.", False  # the format is ignored
        return _grammar(request, answer), bool(request.get("tools"))


SERVERS: dict[str, type[LLMServer]] = {
    "llama-server": LlamaServer,
    "llama-cpp-python": LlamaCppPython,
    "vllm": VLLM,
    "ollama": Ollama,
    "openai-compatible": LLMServer,
}
