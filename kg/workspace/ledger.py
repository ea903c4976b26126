"""The LLM ledger: every call with its request, answer, tokens, latency and cost, keyed so
that a rerun makes no request; and the provider batches between upload and download."""

import json
from dataclasses import dataclass, replace

from extract.ledger import BatchRecord, Call
from kg.workspace.database import Database, _masked, _now


@dataclass(frozen=True)
class CostLine:
    model: str
    calls: int
    failed: int
    input_tokens: int
    output_tokens: int
    cost_usd: float | None
    seconds: float


class CallLedger(Database):
    def answered(self, key: str) -> Call | None:
        call = self.recorded(key)
        return call if call is not None and call.status == "ok" else None

    def recorded(self, key: str) -> Call | None:
        rows = self._read(
            f"SELECT {', '.join(Call.__dataclass_fields__)} FROM llm_calls WHERE key = ?",
            (key,),
        )
        return Call(*rows[0]) if rows else None

    def record_call(self, call: Call) -> None:
        """One call in the ledger; a failed call's error text is masked (an endpoint may
        echo the key it was sent)."""
        if call.status != "ok":
            call = replace(call, error=_masked(call.error), response=_masked(call.response))
        columns = list(Call.__dataclass_fields__)
        with self._write() as db:
            db.execute(
                f"INSERT OR REPLACE INTO llm_calls ({', '.join(columns)}, created_at)"
                f" VALUES ({', '.join('?' * len(columns))}, ?)",
                [getattr(call, c) for c in columns] + [_now()],
            )

    def costs(self) -> list[CostLine]:
        rows = self._read(
            "SELECT model || CASE WHEN batch_id IS NULL THEN '' ELSE ' (batch)' END AS name,"
            " count(*), sum(status != 'ok'), sum(input_tokens),"
            " sum(output_tokens), CASE WHEN count(cost_usd) = count(*) THEN sum(cost_usd) END,"
            " sum(latency_s) FROM llm_calls GROUP BY name ORDER BY name"
        )
        return [CostLine(*row) for row in rows]

    def record_batch(self, batch: BatchRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO llm_batches (id, input_file_id, endpoint, model, status,"
                " requests, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (batch.id, batch.input_file_id, batch.endpoint, batch.model, batch.status,
                 json.dumps(batch.requests), _now()),
            )  # fmt: skip

    def open_batch(self, endpoint: str, model: str) -> BatchRecord | None:
        """The batch sent to this endpoint and model whose results are not stored yet."""
        rows = self._read(
            "SELECT id, input_file_id, endpoint, model, status, requests FROM llm_batches"
            " WHERE endpoint = ? AND model = ? AND stored_at IS NULL ORDER BY created_at",
            (endpoint, model),
        )
        if not rows:
            return None
        batch_id, input_file_id, endpoint_id, model_name, status, requests = rows[0]
        return BatchRecord(batch_id, input_file_id, endpoint_id, model_name, status,
                           json.loads(requests))  # fmt: skip

    def batch_done(self, batch_id: str, status: str, calls: list[Call]) -> None:
        """A batch's results in the ledger and the batch closed, in one transaction."""
        columns = list(Call.__dataclass_fields__)
        with self._write() as db:
            for call in calls:
                if call.status != "ok":
                    call = replace(call, error=_masked(call.error))
                db.execute(
                    f"INSERT OR REPLACE INTO llm_calls ({', '.join(columns)}, created_at)"
                    f" VALUES ({', '.join('?' * len(columns))}, ?)",
                    [getattr(call, c) for c in columns] + [_now()],
                )
            db.execute(
                "UPDATE llm_batches SET status = ?, stored_at = ? WHERE id = ?",
                (status, _now(), batch_id),
            )
