"""PTM flows as a networkx graph: which models reach which fields, when, and which models
bridge fields that would otherwise share nothing. Plain functions over query rows and graphs.

    >>> rows = [{"model": "ESM-2", "field": "Biochemistry", "first_year": 2021, "papers": 3},
    ...         {"model": "ESM-2", "field": "Immunology", "first_year": 2023, "papers": 1}]
    >>> graph = bipartite(rows)
    >>> sorted(graph.nodes)
    ['field:Biochemistry', 'field:Immunology', 'model:ESM-2']
    >>> bridges(graph)[0].model, bridges(graph)[0].field_pairs_only_via
    ('ESM-2', 1)
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx

from kg.questions.output import write_whole


def bipartite(rows: Iterable[Mapping[str, Any]], by: str = "model") -> nx.Graph:
    """Model (or family) nodes on one side, field nodes on the other; an edge per pair with
    the number of papers as weight and the first year the model appears in the field."""
    graph = nx.Graph()
    for row in rows:
        source, field = f"{by}:{row[by]}", f"field:{row['field']}"
        graph.add_node(source, kind=by, label=str(row[by]), bipartite=0)
        graph.add_node(field, kind="field", label=str(row["field"]), bipartite=1)
        graph.add_edge(source, field, weight=int(row["papers"]),
                       first_year=int(row["first_year"] or 0))  # fmt: skip
    return graph


@dataclass(frozen=True)
class Adoption:
    model: str
    field: str
    first_year: int
    papers: int


def timeline(graph: nx.Graph) -> list[Adoption]:
    """Every first adoption of a model by a field, in time order."""
    adoptions = []
    for a, b, data in graph.edges(data=True):
        model, field = (a, b) if graph.nodes[b]["kind"] == "field" else (b, a)
        label = graph.nodes
        adoptions.append(
            Adoption(label[model]["label"], label[field]["label"], data["first_year"],
                     data["weight"])
        )  # fmt: skip
    return sorted(adoptions, key=lambda a: (a.first_year, a.model, a.field))


@dataclass(frozen=True)
class Bridge:
    model: str
    fields: int  # fields the model reaches
    field_pairs_only_via: int  # pairs of its fields that share no other model
    betweenness: float  # in the model-field graph, normalised


def bridges(graph: nx.Graph) -> list[Bridge]:
    """Models ranked by how much they connect fields that would otherwise be apart."""
    centrality = nx.betweenness_centrality(graph, normalized=True)
    found = []
    for node, data in graph.nodes(data=True):
        if data["kind"] == "field":
            continue
        fields = list(graph.neighbors(node))
        alone = sum(
            1
            for a, b in combinations(fields, 2)
            if set(graph.neighbors(a)) & set(graph.neighbors(b)) == {node}
        )
        found.append(Bridge(data["label"], len(fields), alone, round(centrality[node], 4)))
    return sorted(found, key=lambda b: (-b.field_pairs_only_via, -b.betweenness, b.model))


def write_graphml(graph: nx.Graph, path: Path) -> Path:
    """GraphML for Gephi and friends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_whole(path, lambda partial: nx.write_graphml(graph, partial))
