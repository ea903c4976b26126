"""The LLM ledger: every call with its request, answer, tokens, latency and cost, keyed so
that a rerun makes no request."""

from dataclasses import dataclass, replace

from extract.ledger import Call
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
        rows = self._read(
            f"SELECT {', '.join(Call.__dataclass_fields__)} FROM llm_calls"
            " WHERE key = ? AND status = 'ok'",
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
            "SELECT model, count(*), sum(status = 'failed'), sum(input_tokens),"
            " sum(output_tokens), CASE WHEN count(cost_usd) = count(*) THEN sum(cost_usd) END,"
            " sum(latency_s) FROM llm_calls GROUP BY model ORDER BY model"
        )
        return [CostLine(*row) for row in rows]
