"""Ask an LLM endpoint what it is, before the first paper: a few small GETs (and Ollama's
one POST), each allowed a few seconds; an error status is an answer of None, and a server
that does not answer at all is asked nothing more (an endpoint of unknown kind).

The server's root is the base URL without its `/v1`: llama-server's `/props`, vLLM's
`/version` and Ollama's `/api/version` and `/api/show` live there (extract.llm_endpoint
says which fields of each answer are read). The key, when there is one, goes only to
`/v1/models`, as the OpenAI API wants it; the other paths are asked without it.
"""

from typing import Any

import requests

from extract.llm_endpoint import ProbeAnswers

TIMEOUT_S = 3.0
MAX_BYTES = 1_000_000  # a props answer carries the chat template: tens of kB


def _json(response: requests.Response) -> dict[str, Any] | None:
    if response.status_code != 200 or len(response.content) > MAX_BYTES:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


class _Silent(Exception):
    """The server did not answer at all: asking it more would only wait longer."""


def _get(url: str, headers: dict[str, str] | None = None) -> dict[str, Any] | None:
    try:
        return _json(requests.get(url, headers=headers or {}, timeout=TIMEOUT_S))
    except requests.RequestException as error:
        raise _Silent(url) from error


def _post(url: str, body: dict[str, Any]) -> dict[str, Any] | None:
    try:
        return _json(requests.post(url, json=body, timeout=TIMEOUT_S))
    except requests.RequestException:
        return None


def root_of(base_url: str) -> str:
    base = base_url.rstrip("/")
    return base.removesuffix("/v1")


def probe(base_url: str | None, model: str, api_key: str | None = None) -> ProbeAnswers:
    """What the endpoint at `base_url` (None: OpenAI's) answers about itself."""
    if not base_url:
        return ProbeAnswers(None)
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    root = root_of(base_url)
    try:
        models = _get(f"{base_url.rstrip('/')}/models", headers)
        props = _get(f"{root}/props")
        version = None if props else _get(f"{root}/version")
        ollama_version = None if props or version else _get(f"{root}/api/version")
    except _Silent:  # no server, or one that never answers: the run says so on its own
        return ProbeAnswers(base_url)
    ollama_show = _post(f"{root}/api/show", {"model": model}) if ollama_version else None
    return ProbeAnswers(base_url, models, props, version, ollama_version, ollama_show)
