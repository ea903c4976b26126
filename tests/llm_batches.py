"""A local stand-in of the documented OpenAI files and batches API, on top of the scripted
chat stand-in (each batch line is answered as a chat request would be):

- `POST /v1/files` (multipart: `file`, `purpose`) -> a file object;
- `POST /v1/batches` `{"input_file_id", "endpoint", "completion_window"}` -> a batch,
  `validating`; each `GET /v1/batches/{id}` moves it on (`in_progress`, then `completed`
  with `output_file_id` and `request_counts`);
- `GET /v1/files/{id}/content` -> the output JSONL: `{"id", "custom_id", "response":
  {"status_code", "request_id", "body"}, "error"}` per line.
"""

import json
import time
from email.parser import BytesParser
from email.policy import default
from typing import Any

from tests.llm_server import LLMServer

STEPS = ("validating", "in_progress", "completed")


class BatchServer(LLMServer):
    def __init__(self) -> None:
        super().__init__()
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.uploads = 0
        self.batch_lines: list[dict[str, Any]] = []

    def about_post(self, path: str, raw: bytes, content_type: str) -> Any:
        if path == "/v1/files":
            return self._upload(raw, content_type)
        if path == "/v1/batches":
            return self._create(json.loads(raw))
        return None

    def about(self, path: str, body: dict[str, Any] | None) -> Any:
        if path.startswith("/v1/batches/"):
            batch = self.batches[path.rsplit("/", 1)[1]]
            step = STEPS.index(batch["status"])
            batch["status"] = STEPS[min(step + 1, len(STEPS) - 1)]
            if batch["status"] == "completed":
                batch["output_file_id"] = f"{batch['id']}-out"
            return batch
        if path.startswith("/v1/files/") and path.endswith("/content"):
            return self.files[path.split("/")[3]]
        return None

    def _upload(self, raw: bytes, content_type: str) -> dict[str, Any]:
        message = BytesParser(policy=default).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + raw
        )
        data = b""
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "file":
                data = part.get_payload(decode=True) or b""
        self.uploads += 1
        file_id = f"file-{len(self.files) + 1}"
        self.files[file_id] = data
        return {"id": file_id, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                "filename": "batch.jsonl", "purpose": "batch", "status": "processed"}  # fmt: skip

    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        lines = [json.loads(line) for line in self.files[body["input_file_id"]].splitlines()]
        self.batch_lines += lines
        batch_id = f"batch-{len(self.batches) + 1}"
        out = []
        for n, line in enumerate(lines):
            request = line["body"]
            answer = self._next(request)
            reply = self._reply(request, str(answer))
            out.append(json.dumps({"id": f"req-{n}", "custom_id": line["custom_id"],
                                   "response": {"status_code": 200, "request_id": f"r{n}",
                                                "body": reply}, "error": None}))  # fmt: skip
        self.files[f"{batch_id}-out"] = ("\n".join(out) + "\n").encode()
        counts = {"total": len(lines), "completed": len(lines), "failed": 0}
        batch = {"id": batch_id, "object": "batch", "endpoint": body["endpoint"],
                 "input_file_id": body["input_file_id"], "completion_window": "24h",
                 "status": "validating", "created_at": int(time.time()),
                 "request_counts": counts}  # fmt: skip
        self.batches[batch_id] = batch
        return batch
