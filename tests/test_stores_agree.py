"""Both stores, the same answers: every query module on FalkorDB and on Neo4j, row by row.

The same corpus is built in each store by its own fresh path (FalkorDB's GRAPH.BULK, Neo4j's
CREATE batches), then every module runs with its defaults and with parameters that cut
through ties (small limits), filter, and widen (max_rank = 2). Rows must be equal with
their types (an integer is not a float, 1.0 is not 1), in the same order: every module
orders its rows, so a difference in order is a tie the query leaves to the engine.
"""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extract.errors import InputRejected
from kg.graph.loader import counts
from kg.graph.stores.base import GraphStore
from kg.graph.stores.falkor import FalkorStore
from kg.graph.stores.neo4j import Neo4jStore
from kg.graph.stores.neo4j_server import Neo4jServer
from kg.pipeline.build import build_graph
from kg.questions import queries
from tests.corpora import load_demo, synthetic_workspace
from tests.fixtures import typed

pytestmark = pytest.mark.neo4j

# Values each parameter also takes, beside its default: ties at the cut, filters that hit.
VARIANTS: dict[str, list[Any]] = {
    "max_rank": [2],
    "limit": [1, 3, 7],
    "min_papers": [1, 2, 5],
    "from_year": [2012],
    "to_year": [2019],
    "field_id": [13, 24],
    "field": ["Neuroscience", "Immunology and Microbiology"],
    "model": ["Net-2", "ESM-2", "AlphaFold", "esm2"],
    "family": ["AlphaFold", "ResNet"],
    "from_domain": ["Life Sciences"],
    "pattern": ["adaptation"],
    "stage": ["Test"],
    "paper": ["W101", "W3"],
    "natural_fields": [[13, 24]],
    "science_fields": ["null", [13, 24]],
}


def parameter_sets(module: queries.QueryModule) -> Iterator[dict[str, str]]:
    yield {}
    for name in module.parameters:
        for value in VARIANTS.get(name, []):
            yield {name: str(value)}


def answer(store: GraphStore, name: str, params: dict[str, str]) -> Any:
    """The module's rows, or the refusal of a value the graph does not hold (e.g. a model
    of the other corpus): both stores must refuse alike."""
    try:
        return queries.run(store, name, params)
    except InputRejected as error:
        return f"refused: {error}"


_LOADED: dict[str, str] = {}  # which corpus the session's Neo4j holds now


@pytest.fixture(scope="module")
def stores(
    neo4j: Neo4jServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, tuple[GraphStore, GraphStore]]]:
    """Per corpus, the FalkorDB store holding it; Neo4j is loaded on demand (one database)."""
    opened: dict[str, tuple[GraphStore, GraphStore]] = {}
    neo = Neo4jStore(neo4j.uri, "neo4j", neo4j.password)
    try:
        for corpus in ("demo", "synthetic"):
            falkor = FalkorStore(tmp_path_factory.mktemp(f"falkor-{corpus}"))
            falkor.setup_schema()
            _load(corpus, falkor, tmp_path_factory)
            opened[corpus] = (falkor, neo)
        yield opened
    finally:
        for falkor, _ in opened.values():
            falkor.close()
        neo.close()
        _LOADED.clear()


def _load(corpus: str, store: GraphStore, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp(f"ws-{corpus}")
    if corpus == "demo":
        load_demo(store, folder)
        return
    workspace, run = synthetic_workspace(folder)
    try:
        build_graph(store, workspace, run, "test", reset=True)
    finally:
        workspace.close()


def pair(
    stores: dict[str, tuple[GraphStore, GraphStore]],
    corpus: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[GraphStore, GraphStore]:
    falkor, neo = stores[corpus]
    if _LOADED.get("neo4j") != corpus:
        _load(corpus, neo, tmp_path_factory)
        _LOADED["neo4j"] = corpus
    return falkor, neo


@pytest.mark.parametrize("corpus", ["demo", "synthetic"])
def test_both_stores_hold_the_same_graph(
    stores: dict[str, tuple[GraphStore, GraphStore]],
    corpus: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    falkor, neo = pair(stores, corpus, tmp_path_factory)
    assert counts(neo) == counts(falkor)
    if corpus == "synthetic":
        found = counts(neo)
        assert found["Paper"] == 2400 and found["REUSES"] > 1000
        statuses = neo.run("MATCH (p:Paper) RETURN p.status AS s, count(*) AS n ORDER BY s")
        assert [row["s"] for row in statuses] == ["extracted", "failed", "pending"]


@pytest.mark.parametrize("corpus", ["demo", "synthetic"])
@pytest.mark.parametrize("name", sorted(queries.modules()))
def test_every_module_answers_the_same_on_both_stores(
    stores: dict[str, tuple[GraphStore, GraphStore]],
    corpus: str,
    name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    falkor, neo = pair(stores, corpus, tmp_path_factory)
    module = queries.get(name)
    answered = 0
    for params in parameter_sets(module):
        expected, found = answer(falkor, name, params), answer(neo, name, params)
        assert typed(found) == typed(expected), f"{name} {params}"
        answered += isinstance(expected, list) and bool(expected)
    if corpus == "synthetic":  # the demo has no unknown model; the synthetic corpus has all
        assert answered, f"{name} answered nothing: compare on real rows"


def test_the_synthetic_corpus_is_as_hard_as_it_says(tmp_path: Path) -> None:
    """Ties, nulls and repeats are there: a corpus that lost them would test nothing."""
    workspace, run = synthetic_workspace(tmp_path / "ws")
    try:
        works = list(workspace.kept_works())
        outcomes = workspace.outcomes(run, [w.id for w in works])
    finally:
        workspace.close()
    assert len(works) >= 2000
    assert any(w.year is None for w in works) and any(w.doi is None for w in works)
    assert len({w.year for w in works if w.year}) == 20
    assert any(len(w.fields) == 3 for w in works)
    assert len(works) - len(outcomes) > 50  # pending
    repeated = [o for o, _ in outcomes.values() if getattr(o, "reuses", None)
                and len({r.model for r in o.reuses}) < len(o.reuses)]  # fmt: skip
    assert len(repeated) > 20
    named = [r for o, _ in outcomes.values() for r in getattr(o, "reuses", ())]
    assert {r.role.value for r in named} == {"used", "created", "mentioned"}
    assert any(r.pattern.value == "undetermined" for r in named)
    assert any(r.stage.value == "undetermined" for r in named)


# Names as a Browser user types them with `:param`: canonical, aliases in any case, families,
# a model's name where a family is asked for, fields by id and by name.
NAMES = {
    "model": ["ESM-2", "esm2", "Esm-2", "AlphaFold", "alphafold", "AF2", "AlphaFold2"],
    "family": ["AlphaFold", "alphafold2", "ESM", "esm2"],
    "field": ["28", "13", "Neuroscience"],
}


@pytest.mark.parametrize(
    "name", [m for m in sorted(queries.modules()) if NAMES.keys() & queries.get(m).parameters]
)
def test_a_name_means_the_same_in_browser_as_in_the_cli(
    stores: dict[str, tuple[GraphStore, GraphStore]],
    name: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """The raw module with the name as written (what Browser runs) answers the rows the CLI
    gives for it, on both stores: the names are matched in the Cypher, not before it."""
    module = queries.get(name)
    answered = 0
    for store in pair(stores, "demo", tmp_path_factory):
        for param in sorted(NAMES.keys() & module.parameters):
            for written in NAMES[param]:
                browser = store.run(module.cypher, queries.parameters_for(module, {param: written}))
                cli = queries.run(store, name, {param: written})
                assert typed(cli) == typed(browser), f"{name} {param}={written}"
                answered += bool(browser)
    assert answered, f"{name} answered nothing for any name"
