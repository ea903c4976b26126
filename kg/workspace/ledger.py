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
