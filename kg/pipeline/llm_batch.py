"""`kg extract --batch`: the papers' requests sent as one provider batch (half the price,
answers within the provider's window), its results checked and kept in the ledger as if
answered online; then the ordinary extract run reads them from the ledger, with no request.

Through the openai client's files and batches API: `files.create(purpose="batch")`,
`batches.create(input_file_id, endpoint, completion_window="24h")`, `batches.retrieve`
(`status`, `output_file_id`, `error_file_id`) and `files.content`. The batch is recorded in
the workspace as soon as it is created, so a run interrupted between upload and download
polls the same batch on the next `kg extract --batch` instead of paying twice.
"""

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import openai

from extract.context import select
from extract.ledger import BatchRecord, Call
from extract.llm import STICKY
from extract.llm_batch import BatchResult, batch_line, parse_result, result_call
from extract.llm_request import call_key
from extract.records import Paper
from kg.pipeline.llm_setup import LLMSetup
from kg.workspace import Workspace

FINISHED = frozenset({"completed", "failed", "expired", "cancelled"})
Sleep = Callable[[float], None]


@dataclass
class BatchSummary:
    batch_id: str | None = None  # None: nothing needed asking
    status: str = "none"
    sent: int = 0  # requests in the batch
    answered: int = 0
    failed: int = 0
    resumed: bool = False  # an earlier run's batch, polled again


def _client(setup: LLMSetup) -> openai.OpenAI:
    config = setup.config
    return openai.OpenAI(base_url=config.base_url, max_retries=config.http_retries,
                         api_key=config.api_key or "not-needed-by-local-servers")  # fmt: skip


def _lines(
    setup: LLMSetup, workspace: Workspace, papers: Iterable[Paper]
) -> dict[str, tuple[str, str]]:
    """key -> (work id, batch line) for the papers the ledger has no answer for (nor a
    failure, unless retry_failed)."""
    config = setup.config
    todo: dict[str, tuple[str, str]] = {}
    for paper in papers:
        context = select(paper.text, config.budget)
        if not context.has_cue:
            continue  # the prefilter decides it, online, without a call
        key = call_key(config, context)
        stored = workspace.recorded(key)
        sticky = stored is not None and stored.status in STICKY and not config.retry_failed
        if sticky or (stored is not None and stored.status == "ok"):
            continue
        todo[key] = (paper.work.id, batch_line(key, config, context))
    return todo


def _send(client: openai.OpenAI, setup: LLMSetup, todo: dict[str, tuple[str, str]]) -> BatchRecord:
    data = "\n".join(line for _, line in todo.values()).encode() + b"\n"
    upload = client.files.create(file=("ptm-kg-batch.jsonl", data), purpose="batch")
    batch = client.batches.create(input_file_id=upload.id, endpoint="/v1/chat/completions",
                                  completion_window="24h")  # fmt: skip
    return BatchRecord(batch.id, upload.id, setup.config.endpoint_id, setup.config.model,
                       batch.status, {key: work for key, (work, _) in todo.items()})  # fmt: skip


def extract_batch(
    setup: LLMSetup,
    workspace: Workspace,
    papers: Callable[[], Iterable[Paper]],
    poll_s: float = 30.0,
    wait_s: float = 24 * 3600,
    sleep: Sleep = time.sleep,
) -> BatchSummary:
    """Send (or resume) this endpoint's batch, wait for it up to `wait_s`, and keep its
    results in the ledger. `papers` is called again to read the answered papers' texts."""
    client = _client(setup)
    summary = BatchSummary()
    record = workspace.open_batch(setup.config.endpoint_id, setup.config.model)
    if record is None:
        todo = _lines(setup, workspace, papers())
        if not todo:
            return summary
        record = _send(client, setup, todo)
        workspace.record_batch(record)
    else:
        summary.resumed = True
    summary.batch_id, summary.sent = record.id, len(record.requests)
    deadline = time.monotonic() + wait_s
    batch = client.batches.retrieve(record.id)
    while batch.status not in FINISHED and time.monotonic() < deadline:
        sleep(poll_s)
        batch = client.batches.retrieve(record.id)
    summary.status = batch.status
    if batch.status not in FINISHED:
        return summary  # still running: the next `kg extract --batch` polls it again
    results: list[BatchResult] = []
    for file_id in (batch.output_file_id, batch.error_file_id):
        if file_id:
            text = client.files.content(file_id).text
            results += [parse_result(line) for line in text.splitlines() if line.strip()]
    calls = _calls(setup, record, results, papers())
    workspace.batch_done(record.id, batch.status, calls)
    summary.answered = sum(c.status == "ok" for c in calls)
    summary.failed = len(calls) - summary.answered
    return summary


def _calls(
    setup: LLMSetup, record: BatchRecord, results: list[BatchResult], papers: Iterable[Paper]
) -> list[Call]:
    """Each result checked against its paper's excerpts, as an online answer is."""
    by_key = {r.key: r for r in results if r.key in record.requests}
    wanted = {record.requests[key]: key for key in by_key}
    calls = []
    for paper in papers:
        key = wanted.get(paper.work.id)
        if key is None:
            continue
        context = select(paper.text, setup.config.budget)
        calls.append(result_call(by_key[key], paper.work.id, context, paper.text,
                                 setup.config, record.id))  # fmt: skip
    return calls
