"""The LLM ledger as the extractor sees it: one record per call, and the two things the
extractor asks of wherever the ledger is kept (the workspace, in kg/workspace/ledger.py).

Keeping only the interface here keeps extract/ free of SQLite: the LLM extractor is handed
any object with `recorded` and `record_call`.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Call:
    key: str
    work_id: str
    model: str
    extractor_version: str  # the prompt version of the LLM extractor that made the call
    mode: str
    status: str  # ok | failed (unusable answer) | timeout | error (no answer)
    request: str
    response: str | None = None
    answer: str | None = None
    dropped: str | None = None
    error: str | None = None
    attempts: int = 1
    input_tokens: int = 0
    output_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float | None = None
    endpoint: str | None = None  # what answered (extract.llm_endpoint identity)
    batch_id: str | None = None  # the provider's batch that answered it, if one did


@dataclass(frozen=True)
class BatchRecord:
    """A batch between upload and download, as the workspace keeps it."""

    id: str
    input_file_id: str
    endpoint: str
    model: str
    status: str
    requests: dict[str, str]  # custom_id (ledger key) -> work id


class Ledger(Protocol):
    def recorded(self, key: str) -> Call | None:
        """The call made for `key` before (answered, failed or timed out), if one was."""
        ...

    def record_call(self, call: Call) -> None:
        """Keep `call` (a failed one too)."""
        ...
