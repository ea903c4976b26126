"""Which workspace and store a command uses, and the demo kept apart from a user's papers.

The demo's papers are kept in the workspace like any corpus, marked by their origin
(`demo:`), so that they never mix silently with papers of one's own: loading one's own
papers next to them is refused with the way out, and `kg demo` refuses to empty a graph that
holds papers of one's own.
"""

from extract.errors import InputRejected
from kg.graph.statements import statement
from kg.graph.stores.base import GraphStore
from kg.settings import Settings, mask_url
from kg.workspace import Workspace

DEMO_ORIGIN = "demo:"


def store_line(settings: Settings) -> str:
    """The store in a few words, without secrets."""
    if settings.kg_store == "neo4j":
        return f"Neo4j at {mask_url(settings.neo4j_uri or '(NEO4J_URI unset)')}"
    return f"embedded FalkorDB, graph file {settings.kg_workspace.resolve() / 'graph.rdb'}"


def where_line(settings: Settings) -> str:
    return f"Workspace {settings.kg_workspace.resolve()}; store: {store_line(settings)}"


def refuse_mixing(workspace: Workspace, adding_own: bool, drop_demo: bool) -> None:
    """Refuse to build a graph that mixes the demo's papers with one's own."""
    demo, own = workspace.kept_by_origin(DEMO_ORIGIN)
    if drop_demo:
        workspace.forget(DEMO_ORIGIN)
        return
    if demo and (adding_own or own):
        raise InputRejected(
            f"this workspace holds the demo's {demo} papers, which would mix with your own: "
            "add --drop-demo to remove them first, or use another workspace "
            "(KG_WORKSPACE=.kg-mine kg load ...)"
        )


def refuse_wiping(store: GraphStore, workspace: Workspace, demo_ids: list[str]) -> None:
    """`kg demo` empties the graph: not when it or the workspace holds papers of one's own."""
    _, own = workspace.kept_by_origin(DEMO_ORIGIN)
    rows = store.run(statement("lookup/papers_outside"), {"ids": demo_ids})
    in_graph = int(rows[0]["papers"]) if rows else 0
    if own or in_graph:
        mine = max(own, in_graph)
        raise InputRejected(
            f"this workspace or its graph holds {mine} paper{'s' if mine != 1 else ''} of your "
            "own, which "
            "the demo would wipe: run it in another workspace (KG_WORKSPACE=.kg-demo kg demo), "
            "or add --force"
        )
