"""A local OpenAI-compatible chat-completions server for the tests.

It answers from a script: each request takes the next step (a status code to fail with, or
the JSON the model "says"), or, when the script is empty, asks `default(request)`. It
returns the answer as a tool call when the request offered tools, as message content
otherwise, with usage figures. tests/llm_servers.py gives it the manners of real servers
(what they answer about themselves, what they refuse, what their decoders let out). It
logs every request and the most requests it had in flight.
"""

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Step = int | str  # an HTTP status to fail with, or the text of the model's answer
DROP = "<drop the connection>"  # a step: close the socket without answering
HANG = "<hang>"  # a step: answer only after `hang_s` seconds (longer than a client timeout)
CUT = "<cut>"  # a step's prefix: the answer after it, stopped short at max_tokens


class LLMServer:
    def __init__(self, delay: float = 0.0) -> None:
        self.script: list[Step] = []
        self.default: Callable[[dict[str, Any]], str] = lambda _: json.dumps(
            {"uses_dl": False, "uses_ptms": False, "reuses": []}
        )
        self.delay = delay
        self.hang_s = 5.0
        self.error_message = "scripted"  # the text of a scripted status's error body
        self.requests: list[dict[str, Any]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "LLMServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _next(self, request: dict[str, Any]) -> Step:
        with self._lock:
            self.requests.append(request)
            if self.script:
                return self.script.pop(0)
        return self.default(request)

    def refuse(self, request: dict[str, Any]) -> tuple[int, str] | None:
        """A server's refusal of a request it cannot serve (tests/llm_servers.py)."""
        return None

    def shape(self, request: dict[str, Any], answer: str) -> tuple[str, bool]:
        """The answer as this server's decoder lets it out, and whether a tool call is
        forced (tests/llm_servers.py: grammars, ignored tool_choice)."""
        return answer, bool(request.get("tools"))

    def about(self, path: str, body: dict[str, Any] | None) -> Any:
        """What this server answers on `path` besides chat completions (None: 404)."""
        return None

    def about_post(self, path: str, raw: bytes, content_type: str) -> Any:
        """A POST to another path than chat completions (a JSON body, unless overridden)."""
        return self.about(path, json.loads(raw or b"{}"))

    def _reply(self, request: dict[str, Any], answer: str) -> dict[str, Any]:
        cut = answer.startswith(CUT)
        answer, forced = self.shape(request, answer.removeprefix(CUT))
        cut = cut or answer.startswith(CUT)
        answer = answer.removeprefix(CUT)
        message: dict[str, Any] = {"role": "assistant", "content": answer}
        finish = "stop"
        if forced:
            name = request["tools"][0]["function"]["name"]
            call = {"id": "call_1", "type": "function",
                    "function": {"name": name, "arguments": answer}}  # fmt: skip
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            finish = "tool_calls"
        if cut:
            finish = "length"
        prompt = sum(len(str(m.get("content", ""))) for m in request["messages"]) // 4
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", "test"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": len(answer) // 4,
                      "total_tokens": prompt + len(answer) // 4},
        }  # fmt: skip

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                found = server.about(self.path, None)
                if isinstance(found, bytes | str):  # a file's content
                    data = found.encode() if isinstance(found, str) else found
                    self._send(200, data, {})
                elif found is None:
                    self._send(404, b'{"error": "not found"}', {})
                else:
                    self._send(200, json.dumps(found).encode(), {})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                if not self.path.endswith("/chat/completions"):
                    found = server.about_post(self.path, raw, self.headers.get("Content-Type", ""))
                    if found is None:
                        self._send(404, b'{"error": "not found"}', {})
                    else:
                        self._send(200, json.dumps(found).encode(), {})
                    return
                request = json.loads(raw)
                refused = server.refuse(request)
                if refused is not None:
                    with server._lock:
                        server.requests.append(request)
                    body = json.dumps({"error": {"message": refused[1], "type": "test"}})
                    self._send(refused[0], body.encode(), {})
                    return
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    time.sleep(server.delay)
                    step = server._next(request)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                if step == DROP:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if step == HANG:
                    time.sleep(server.hang_s)
                    step = server.default(request)
                if isinstance(step, int):
                    body = json.dumps({"error": {"message": server.error_message, "type": "test"}})
                    self._send(step, body.encode(), {"Retry-After": "0"} if step == 429 else {})
                else:
                    self._send(200, json.dumps(server._reply(request, step)).encode(), {})

            def _send(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
