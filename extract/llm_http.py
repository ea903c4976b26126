"""The LLM client's HTTP, bounded: an answer larger than KG_LLM_MAX_RESPONSE_MB is refused.

An answer to our schema is a few kilobytes (extract.llm_schema.max_output_tokens bounds what
we ask for), but an endpoint may send anything: 40 MB once cost two re-asks, 426 MB of
memory and 40 MB in the ledger for one paper. The transport below (of httpx2, the openai
client's HTTP library) reads a body no further than the limit (it asks for no compression,
so the bytes counted are the bytes parsed).
Over it, the answer is replaced, unread, by a 413 whose message says so: a status the
openai client does not retry and instructor does not re-ask, so the paper is one recorded
failure with that reason, and nothing large reaches memory or the ledger.
"""

import json

import httpx2 as httpx

from extract import llm_defaults

REFUSED_STATUS = 413


def too_large(max_bytes: int) -> str:
    return (f"the LLM endpoint's answer is over KG_LLM_MAX_RESPONSE_MB "
            f"({max_bytes / 1e6:g} MB): refused unread")  # fmt: skip


class CappedTransport(httpx.AsyncBaseTransport):
    """An httpx transport whose responses are at most `max_bytes` long."""

    def __init__(self, max_bytes: int, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.max_bytes = max_bytes
        self.inner = inner or httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        request.headers["Accept-Encoding"] = "identity"
        response = await self.inner.handle_async_request(request)
        declared = response.headers.get("Content-Length", "")
        body = bytearray()
        over = declared.isdigit() and int(declared) > self.max_bytes
        try:
            if not over:
                assert isinstance(response.stream, httpx.AsyncByteStream)
                async for chunk in response.stream:
                    body += chunk
                    if len(body) > self.max_bytes:
                        over = True
                        break
        finally:
            await response.aclose()
        if over:
            message = json.dumps({"error": {"message": too_large(self.max_bytes),
                                            "type": "response_too_large"}})  # fmt: skip
            return httpx.Response(REFUSED_STATUS, content=message.encode(), request=request,
                                  headers={"Content-Type": "application/json"})  # fmt: skip
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-length", "transfer-encoding")]  # fmt: skip
        return httpx.Response(response.status_code, headers=headers, content=bytes(body),
                              request=request, extensions=response.extensions)  # fmt: skip

    async def aclose(self) -> None:
        await self.inner.aclose()


def capped_client(max_bytes: int = llm_defaults.MAX_RESPONSE_BYTES) -> httpx.AsyncClient:
    """A client for openai.AsyncOpenAI(http_client=...) with bounded answers (httpx2: the
    openai client's HTTP library; it sets its own timeouts on each request)."""
    return httpx.AsyncClient(transport=CappedTransport(max_bytes), follow_redirects=True)
