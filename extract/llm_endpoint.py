"""What an LLM endpoint is, from what it answered when asked, and the mode that works there.

Pure: kg/sources/llm_probe.py asks, this module reads the answers. The documented fields
relied on (anything else is ignored, anything missing is unknown):

- every OpenAI-compatible server: `GET /v1/models` -> `data[].id`, `data[].owned_by`
  (llama.cpp's llama-server says "llamacpp", llama-cpp-python's server "me", vLLM "vllm",
  Ollama "library"; OpenAI itself "openai", "system" or an organisation);
- llama-server: `GET /props` -> `total_slots`, `model_path`, `build_info`,
  `default_generation_settings.n_ctx` (the context of one slot in recent builds);
- vLLM: `GET /version` -> `version`; `data[].max_model_len` in `/v1/models`;
- Ollama: `GET /api/version` -> `version`; `POST /api/show {"model"}` -> `digest` is not
  there, so the identity is `details.quantization_level`, `details.parameter_size` and
  `model_info["general.architecture"]`, and the window is `<arch>.context_length`.

Modes, as found on real servers (README, LLM extraction): llama-server enforces a
`response_format` json_schema as a grammar but takes `tool_choice` only as a string, so
instructor's forced tool call is ignored there; vLLM and Ollama 0.5+ enforce json_schema
too; llama-cpp-python's server refuses a json_schema format (HTTP 500) but honours a forced
tool; OpenAI honours both, and `tools` is its default here. Where nothing is known the
schema goes in the prompt only for an Ollama older than 0.5 (no structured outputs).
"""

from dataclasses import dataclass
from typing import Any

KINDS = ("llama-server", "llama-cpp-python", "vllm", "ollama", "openai", "unknown")
_OWNERS = {"llamacpp": "llama-server", "me": "llama-cpp-python", "vllm": "vllm",
           "library": "ollama", "ollama": "ollama"}  # fmt: skip


@dataclass(frozen=True)
class ProbeAnswers:
    """The JSON each probe request returned (None: no answer, or not JSON)."""

    base_url: str | None
    models: dict[str, Any] | None = None
    props: dict[str, Any] | None = None  # llama-server
    version: dict[str, Any] | None = None  # vLLM
    ollama_version: dict[str, Any] | None = None
    ollama_show: dict[str, Any] | None = None


@dataclass(frozen=True)
class Endpoint:
    kind: str  # one of KINDS
    base_url: str | None
    model_ids: tuple[str, ...] = ()
    version: str | None = None
    model_file: str | None = None  # the weights it serves: GGUF path, quantisation...
    slots: int | None = None  # requests it decodes at once
    window: int | None = None  # tokens of context per request

    @property
    def identity(self) -> str:
        """What answered: the address and the weights, as the ledger keys them."""
        where = self.base_url or "https://api.openai.com/v1"
        return f"{where}|{self.model_file or '-'}"


def _version_tuple(text: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text or "").lstrip("v").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def _owners(models: dict[str, Any] | None) -> list[str]:
    data = (models or {}).get("data") or []
    return [str(m.get("owned_by", "")) for m in data if isinstance(m, dict)]


def _ids(models: dict[str, Any] | None) -> tuple[str, ...]:
    data = (models or {}).get("data") or []
    return tuple(str(m["id"]) for m in data if isinstance(m, dict) and "id" in m)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


def identify(answers: ProbeAnswers) -> Endpoint:
    """The endpoint the answers describe; `unknown` when they say nothing certain."""
    ids = _ids(answers.models)
    owners = _owners(answers.models)
    base = answers.base_url
    if not base:
        return Endpoint("openai", None, ids)
    if answers.props is not None and "total_slots" in answers.props:
        props = answers.props
        settings = props.get("default_generation_settings") or {}
        return Endpoint("llama-server", base, ids, props.get("build_info"),
                        props.get("model_path"), _int(props.get("total_slots")),
                        _int(settings.get("n_ctx")))  # fmt: skip
    if answers.ollama_version is not None and "version" in answers.ollama_version:
        show = answers.ollama_show or {}
        details = show.get("details") or {}
        info = show.get("model_info") or {}
        arch = info.get("general.architecture")
        weights = "/".join(str(details[k]) for k in ("family", "parameter_size",
                           "quantization_level") if details.get(k))  # fmt: skip
        window = _int(info.get(f"{arch}.context_length"))
        return Endpoint("ollama", base, ids, str(answers.ollama_version["version"]),
                        weights or None, None, window)  # fmt: skip
    if answers.version is not None and "version" in answers.version and "vllm" in owners:
        data = (answers.models or {}).get("data") or [{}]
        first = data[0] if isinstance(data[0], dict) else {}
        return Endpoint("vllm", base, ids, str(answers.version["version"]),
                        first.get("root"), None, _int(first.get("max_model_len")))  # fmt: skip
    kinds = {_OWNERS[o] for o in owners if o in _OWNERS}
    if kinds == {"llama-cpp-python"}:
        return Endpoint("llama-cpp-python", base, ids)
    if "api.openai.com" in base:
        return Endpoint("openai", base, ids)
    return Endpoint("unknown", base, ids)


@dataclass(frozen=True)
class Choice:
    mode: str
    why: str
    concurrency: int | None  # None: the caller's default


def choose(endpoint: Endpoint, mode: str = "auto") -> Choice:
    """The mode that works on `endpoint` (a set mode stands, KG_LLM_MODE), and as many
    requests at once as it has slots."""
    slots = endpoint.slots
    if mode != "auto":
        return Choice(mode, "set by KG_LLM_MODE", slots)
    kind = endpoint.kind
    if kind in ("llama-server", "vllm"):
        return Choice("json_schema", f"{kind} enforces a json_schema response format", slots)
    if kind == "ollama":
        if _version_tuple(endpoint.version) >= (0, 5):
            return Choice("json_schema", "Ollama 0.5+ enforces a json_schema format", slots)
        return Choice("json", "Ollama before 0.5 has no structured outputs: the schema goes "
                      "in the prompt", slots)  # fmt: skip
    if kind == "llama-cpp-python":
        return Choice("tools", "llama-cpp-python refuses json_schema but forces a tool call",
                      slots)  # fmt: skip
    if kind == "openai":
        return Choice("tools", "OpenAI honours a forced strict tool call", slots)
    return Choice("tools", "an unknown server: a forced tool call, the OpenAI default", slots)
