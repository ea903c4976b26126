"""The one interface both graph stores implement."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Protocol, Self

from kg.graph.schema import Row as Row
from kg.graph.schema import Schema


@dataclass(frozen=True)
class Refused:
    """A record the store would not take, and its reason."""

    id: str
    reason: str


class GraphStore(Protocol):
    """Run Cypher with parameters and get rows back; set up the schema; close."""

    name: str  # for messages: "embedded FalkorDB at .kg/graph.rdb", "Neo4j at bolt://..."

    def run(
        self, cypher: str, parameters: dict[str, Any] | None = None, read_only: bool = False
    ) -> list[Row]:
        """Run one statement atomically and return its rows as dicts keyed by column;
        `read_only`: the store itself refuses a statement that would write (QueryFailed)."""
        ...

    def setup_schema(self) -> None:
        """Create uniqueness constraints, indexes and the fixed Pattern and Stage nodes."""
        ...

    def save(self) -> None:
        """Make what was written durable, or raise StoreUnavailable saying why it is not."""
        ...

    def load_fresh(self, rows: Callable[[], Iterator[tuple[Row, Row]]]) -> list[Refused] | None:
        """Empty the store and load (work row, outcome row) pairs by its bulk path; `rows()`
        gives the same stream each time it is called. Returns the records it refused, or
        None when it has no bulk path (the caller then resets and MERGEs)."""
        ...

    def reset(self) -> None:
        """Delete every node and relationship, then set the schema up again."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class ClosesOnExit(ABC):
    """`with store:` closes the store, whatever happens inside."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def seed_statements(schema: Schema) -> list[tuple[str, dict[str, Any]]]:
    """The statements (and parameters) that MERGE the fixed nodes of each hub label the
    schema seeds (Pattern, Stage)."""
    found = []
    for node in schema.nodes:
        if node.seeds is None:
            continue
        sets = ", ".join(f"n.{p} = row.{p}" for p in node.properties if p != node.key)
        cypher = f"UNWIND $rows AS row MERGE (n:{node.label} {{{node.key}: row.{node.key}}})"
        found.append((cypher + (f" SET {sets}" if sets else ""), {"rows": node.seeds()}))
    return found


def seed_hubs(store: "GraphStore", schema: Schema) -> None:
    for cypher, parameters in seed_statements(schema):
        store.run(cypher, parameters)
