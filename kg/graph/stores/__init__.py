"""The graph stores: embedded FalkorDB (default) and Neo4j 5, behind one interface."""

from extract.errors import ConfigError
from kg.graph.stores.base import GraphStore, Row
from kg.settings import Settings

__all__ = ["GraphStore", "Row", "open_store", "store_name"]


def neo4j_name(uri: str, database: str) -> str:
    from kg.settings import mask_url

    return f"Neo4j at {mask_url(uri)} (database {database!r})"


def falkor_name(rdb: object, graph: str) -> str:
    return f"embedded FalkorDB at {rdb} (graph {graph!r})"


def store_name(settings: Settings) -> str:
    """The name the store the settings point at goes by (and its builds are recorded under),
    without opening it."""
    if settings.kg_store == "neo4j":
        return neo4j_name(settings.neo4j_uri or "", settings.neo4j_database)
    return falkor_name(settings.kg_workspace.resolve() / "graph.rdb", settings.kg_graph)


def open_store(settings: Settings, fresh: bool = False) -> GraphStore:
    """The store the settings name, started or connected, with its schema set up. `fresh`
    says the caller will empty it: an unreadable embedded graph file is then set aside."""
    store: GraphStore
    if settings.kg_store == "neo4j":
        from kg.graph.stores.neo4j import Neo4jStore

        if not settings.neo4j_uri:
            raise ConfigError("KG_STORE=neo4j needs NEO4J_URI, e.g. bolt://localhost:7687")
        password = settings.neo4j_password.get_secret_value() if settings.neo4j_password else ""
        store = Neo4jStore(
            settings.neo4j_uri, settings.neo4j_user, password, settings.neo4j_database
        )
    else:
        from kg.graph.stores.falkor import FalkorStore

        store = FalkorStore(settings.kg_workspace, settings.kg_graph, fresh)
    try:
        store.setup_schema()
    except BaseException:
        store.close()
        raise
    return store
