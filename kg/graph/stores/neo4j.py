"""Neo4j 5 through the official driver (`KG_STORE=neo4j`). Each `run` is one transaction."""

from collections.abc import Callable, Iterator
from typing import Any

import neo4j
from neo4j.exceptions import AuthError, ConfigurationError, Neo4jError, ServiceUnavailable

from extract.errors import QueryFailed, StoreUnavailable
from kg.graph.schema import SCHEMA
from kg.graph.stores import neo4j_name
from kg.graph.stores.base import ClosesOnExit, Refused, Row, seed_hubs
from kg.graph.stores.neo4j_fresh import fresh_load
from kg.graph.stores.neo4j_server import background_server
from kg.settings import mask_url

_DELETE_BATCH = "MATCH (n) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS deleted"


def _how_to_reach(uri: str) -> str:
    """What to do when `uri` does not answer: use the server `make neo4j` runs, or start one."""
    running = background_server()
    if running and running["uri"] != uri:
        return (f"`make neo4j` runs one at {running['uri']}: `source {running['env']}` sets "
                "NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD for it")  # fmt: skip
    return (
        'Start one with `eval "$(make -s neo4j)"` (Java 17, Maven) or `docker compose up '
        "-d`, or fix NEO4J_URI"
    )


class Neo4jStore(ClosesOnExit):
    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.name = neo4j_name(uri, database)
        self._database = database
        try:
            # notifications off: the server's hints (e.g. "relationship type INTRODUCES does
            # not exist" on a graph without one) are not the user's business
            self._driver = neo4j.GraphDatabase.driver(
                uri, auth=(user, password), notifications_min_severity="OFF"
            )
            self._driver.verify_connectivity()
        except AuthError as error:
            raise StoreUnavailable(
                f"{self.name} refused the credentials; check NEO4J_USER and NEO4J_PASSWORD"
            ) from error
        except (ServiceUnavailable, ConfigurationError, ValueError, OSError) as error:
            raise StoreUnavailable(
                f"cannot reach {self.name}: {mask_url(str(error))}. {_how_to_reach(uri)}"
            ) from error

    def run(
        self, cypher: str, parameters: dict[str, Any] | None = None, read_only: bool = False
    ) -> list[Row]:
        # a read transaction: the server refuses a write in it
        access = neo4j.RoutingControl.READ if read_only else neo4j.RoutingControl.WRITE
        try:
            records, _, _ = self._driver.execute_query(
                cypher, parameters or {}, database_=self._database, routing_=access
            )
        except ServiceUnavailable as error:
            raise StoreUnavailable(f"lost the connection to {self.name}: {error}") from error
        except Neo4jError as error:
            raise QueryFailed(f"{self.name} refused the query: {error.message}") from error
        except (OverflowError, TypeError, ValueError) as error:  # the driver cannot send it
            raise QueryFailed(f"{self.name} refused a parameter: {error}") from error
        return [record.data() for record in records]

    def setup_schema(self) -> None:
        for label, key in ((n.label, n.key) for n in SCHEMA.nodes):
            self.run(
                f"CREATE CONSTRAINT {label.lower()}_{key} IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
            )
        for label, properties in ((n.label, n.indexes) for n in SCHEMA.nodes):
            for prop in properties:
                name = f"{label.lower()}_{prop}"
                self.run(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
        seed_hubs(self, SCHEMA)

    def load_fresh(self, rows: Callable[[], Iterator[tuple[Row, Row]]]) -> list[Refused]:
        """Empty the database and fill it with CREATE batches (kg/graph/stores/neo4j_fresh.py);
        `neo4j-admin database import` is faster still but needs the server stopped."""
        self.reset()
        refused = fresh_load(self, rows)
        return [Refused(paper, reason) for paper, reason in refused.items()]

    def save(self) -> None:
        """Nothing to do: each `run` is a transaction, durable once it returns."""

    def reset(self) -> None:
        while self.run(_DELETE_BATCH)[0]["deleted"]:
            pass
        self.setup_schema()

    def close(self) -> None:
        self._driver.close()
