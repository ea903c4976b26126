"""`kg neo4j-import` for real: the CSV files go through the real `neo4j-admin database import
full` (5.26, org.neo4j.cli.AdminTool) into a database that a real server then opens, and the
graph there answers every query module as the graph `kg load` builds does."""

import shlex
from pathlib import Path

import pytest

from extract.records import Work
from kg.graph.loader import counts, work_row
from kg.graph.stores.falkor import FalkorStore
from kg.graph.stores.neo4j import Neo4jStore
from kg.graph.stores.neo4j_import import write_import
from kg.pipeline.build import build_graph, paper_rows
from kg.questions import queries
from tests.conftest import neo4j_server
from tests.corpora import synthetic_workspace
from tests.fixtures import typed

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def test_imported_csvs_give_the_graph_kg_load_builds(tmp_path: Path) -> None:
    workspace, run = synthetic_workspace(tmp_path / "ws")
    # issue 28, row 13: empty strings stay empty strings, and a folder may hold a space
    workspace.import_works([Work(id="W99999", doi="", title="", journal="")], "test")
    empty = "MATCH (p:Paper {id: 'W99999'}) RETURN p.title AS t, p.doi AS d, p.journal AS j"
    try:
        with FalkorStore(tmp_path / "falkor") as loaded:
            build_graph(loaded, workspace, run, "test", reset=True)
            expected_counts = counts(loaded)
            expected = {name: queries.run(loaded, name) for name in queries.modules()}
            expected_empty = loaded.run(empty)
        command = write_import(
            lambda: ((work_row(w), row) for w, row in paper_rows(workspace, run, None, None)),
            tmp_path / "csv files",
        )
    finally:
        workspace.close()
    assert "--multiline-fields=true" in command  # titles hold line breaks
    program, *arguments = shlex.split(command)
    assert program == "neo4j-admin"
    with neo4j_server() as server:
        server.stop()  # the import tool needs the database offline
        report = server.admin(*arguments)
        assert "IMPORT DONE" in report
        server.start()
        with Neo4jStore(server.uri, "neo4j", server.password) as imported:
            imported.setup_schema()  # what any `kg` command does on connecting
            assert counts(imported) == expected_counts
            titles = imported.run("MATCH (p:Paper {id: 'W0'}) RETURN p.title AS t")
            assert "\na line break" in titles[0]["t"] and '"quoted"' in titles[0]["t"]
            assert imported.run(empty) == expected_empty == [{"t": "", "d": "", "j": ""}]
            for name, rows in expected.items():
                assert typed(queries.run(imported, name)) == typed(rows), name
