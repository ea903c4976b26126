"""Hostile input (issue 23): parameters that try to be Cypher, values that do not fit the
stores, names that try to be markup or mathtext, formulas in CSV cells. Each test injects
the attack for real and checks that the graph, the files and the output are what they
should be."""

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from extract.errors import InputRejected, QueryFailed
from extract.taxonomy import Pattern, Stage
from kg.graph.loader import load_extractions, load_works
from kg.graph.stores.base import GraphStore
from kg.graph.stores.falkor import FalkorStore
from kg.questions import queries
from tests.fixtures import KG, a_paper, env_for, kg_env, one_line_error, write_corpus
from tests.graphs import EXTRACTIONS, WORKS

A = Pattern.adaptation
# The one of issue 23: a map key that closes its backticks and appends a DETACH DELETE.
DELETE_ALL = (
    'field={"a`:1} `model`=null `pattern`=null `stage`=null `max_rank`=0 `limit`=50 '
    'MATCH (n:Paper) DETACH DELETE n WITH count(*) AS c //":1}'
)
HOSTILE = [
    DELETE_ALL.removeprefix("field="),
    '{"a":1}',
    '[1, {"a": 1}]',
    "[[1]]",
    '"}) MATCH (n) DETACH DELETE n //',
    "' OR 1=1 MATCH (n) DETACH DELETE n //",
    '" MATCH (n) DETACH DELETE n //',
    "\\",
    '\\"',
    '\\\\"',
    "`",
    "`x` = 1 MATCH (n) DETACH DELETE n //",
    "x\nMATCH (n) DETACH DELETE n",
    "x\r\nMATCH (n) DETACH DELETE n //",
    "*/ MATCH (n) DETACH DELETE n /*",
    "$limit",
    "CYPHER limit=1",
    ")",
    "]",
    "}",
    "",
    "null",
    "true",
    "[]",
    '["ESM-2", "x`y", "\\"", null]',
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775807",
    "-1",
    "0",
    "1.5",
    "ESM-2",
    "漢字 é 🙂 \u2028 \u202e",
    "x" * 100_000,
    "[" * 5000 + "]" * 5000,
]


def snapshot(store: GraphStore) -> list[Any]:
    """Every node and relationship with its labels or type and properties."""
    nodes = store.run("MATCH (n) RETURN labels(n) AS labels, properties(n) AS props")
    rels = store.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, properties(r) AS props, "
                     "properties(a) AS a, properties(b) AS b")  # fmt: skip
    return sorted(json.dumps(row, sort_keys=True) for row in nodes + rels)


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    load_works(store, WORKS)
    load_extractions(store, EXTRACTIONS)
    return store


# --- parameters are data, never Cypher ---------------------------------------------------------


def test_hostile_values_at_every_parameter_of_every_query_leave_the_graph_unchanged(
    graph: GraphStore,
) -> None:
    before = snapshot(graph)
    asked = refused = 0
    for module in queries.modules().values():
        for name in module.parameters:
            for raw in HOSTILE:
                try:
                    queries.run(graph, module.name, {name: raw})
                    asked += 1
                except (InputRejected, QueryFailed):
                    refused += 1
                parsed = _parsed(raw)  # straight to the store, unchecked: as written and read
                for value in (raw, parsed) if parsed != raw else (raw,):
                    try:
                        graph.run(module.cypher, module.defaults() | {name: value})
                        asked += 1
                    except QueryFailed:
                        refused += 1
    assert snapshot(graph) == before
    assert asked > 1000 and refused > 1000  # both kinds were exercised


def _parsed(raw: str) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return raw


def test_a_hostile_string_comes_back_from_the_store_as_it_went_in(store: GraphStore) -> None:
    for value in [*HOSTILE, "a\\", '"', "\t"]:
        back = store.run("RETURN $v AS v, $l AS l", {"v": value, "l": [value, value]})
        assert back == [{"v": value, "l": [value, value]}], value[:80]


def test_values_that_cannot_be_literals_are_refused_not_spliced(falkor: GraphStore) -> None:
    from kg.graph.stores.falkor import literal

    for bad in (
        {"a`:1} MATCH (n) DETACH DELETE n //": 1},
        {"": 1},
        {1: 2},
        float("nan"),
        float("inf"),
        2**63,
        -(2**63) - 1,
        "nul\x00",
        b"bytes",
        object(),
        {"a": {"b`": 1}},
    ):
        with pytest.raises(ValueError):
            literal(bad)
        with pytest.raises(QueryFailed):
            falkor.run("RETURN $v AS v", {"v": bad})
    with pytest.raises(QueryFailed):
        falkor.run("RETURN 1 AS one", {"a` = 1 MATCH (n) DETACH DELETE n //": 1})
    assert literal({"order": 1, "name": 'a"b'}) == '{`order`:1,`name`:"a\\"b"}'


@pytest.mark.slow
def test_the_delete_all_parameter_of_issue_23_is_refused_and_the_graph_kept(
    tmp_path: Path,
) -> None:
    loaded = kg_env(
        tmp_path, "load", str(write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 6)]))
    )
    assert loaded.returncode == 0, loaded.stderr
    line = one_line_error(kg_env(tmp_path, "query", "papers_behind", "-p", DELETE_ALL))
    assert "no maps" in line
    stats = json.loads(kg_env(tmp_path, "stats", "-f", "json").stdout)
    assert stats["graph"][0]["Paper"] == 5


# --- names are text: no mathtext, no markup, no formulas ---------------------------------------

MATH = "$\\undefinedmacro$-Net"
SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)">'
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]  # fmt: skip


def hostile_graph(store: GraphStore, math: str = MATH) -> None:
    """Papers titled and models named `math` and FORMULAS, in a field named `math`."""
    from extract.records import FieldRef, Work
    from tests.graphs import extraction, reuse

    weird = FieldRef(id=99, name=math, domain="Physical Sciences", rank=0, score=0.5)
    works = [Work(id=f"W{n}", title=title, year=2020 + n, fields=(weird,))
             for n, title in enumerate([math, SCRIPT, *FORMULAS], start=1)]  # fmt: skip
    load_works(store, works)
    models = [math, SCRIPT, *(f.strip() for f in FORMULAS)]  # FalkorDB 4 crashes on a key with
    # leading or trailing whitespace; resolve() strips every model name
    load_extractions(store, [extraction(n, True, reuse(models[n - 1], A, Stage.Test))
                             for n in range(1, len(works) + 1)])  # fmt: skip


def test_names_with_dollars_are_drawn_as_plain_text(falkor: GraphStore, tmp_path: Path) -> None:
    from kg.questions.figures import FIGURES
    from kg.questions.report import write_report

    hostile_graph(falkor)
    written = write_report(falkor, tmp_path / "report", "hostile")
    pngs = [p for p in written.files if p.suffix == ".png"]
    assert len(pngs) == len(FIGURES) and all(p.stat().st_size > 1000 for p in pngs)
    assert MATH in (tmp_path / "report" / "top_ptms.csv").read_text()
    page = written.html.read_text()  # and what held up still does: markup is escaped
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_formulas_in_every_csv_cell_are_neutralised(falkor: GraphStore, tmp_path: Path) -> None:
    import csv

    from kg.questions import render
    from kg.questions.report import write_report

    hostile_graph(falkor, math="Plain-Net")
    write_report(falkor, tmp_path / "report", "hostile")
    rows = queries.run(falkor, "papers_behind")
    texts = [render.to_csv(rows)] + [p.read_text() for p in (tmp_path / "report").glob("*.csv")]
    cells = [cell for text in texts for row in csv.reader(io.StringIO(text)) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert any(cell.startswith("'+cmd") for cell in cells)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    numbers = render.to_csv([{"delta": -3, "share": -0.5, "name": "-x"}])
    assert numbers.splitlines()[1] == "-3,-0.5,'-x"


@pytest.mark.slow
def test_markup_in_a_workspace_path_and_a_doi_is_printed_literally(tmp_path: Path) -> None:
    from tests.openalex_server import OpenAlexServer

    workspace = str(tmp_path / "study[/]x" / "ws")
    dois = tmp_path / "dois.txt"
    dois.write_text("10.9999/test.1\n10.1234/abc[/]\n")
    with OpenAlexServer(tmp_path) as server:
        fetched = kg_env(tmp_path, "fetch", "--dois", str(dois), "--no-fulltext",
                         KG_WORKSPACE=workspace, OPENALEX_URL=server.url,
                         REQUESTS_CA_BUNDLE=str(server.ca_path))  # fmt: skip
    assert fetched.returncode == 0, fetched.stderr
    assert "10.1234/abc[/]" in fetched.stdout and workspace in fetched.stdout
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 4)])
    assert kg_env(tmp_path, "load", str(corpus), KG_WORKSPACE=workspace).returncode == 0
    for command in (["flows"], ["stats"]):
        done = kg_env(tmp_path, *command, KG_WORKSPACE=workspace, COLUMNS="400")
        assert done.returncode == 0, (command, done.stderr)
        assert "study[/]x" in done.stdout, command


# --- files that are not files -----------------------------------------------------------------


@pytest.mark.slow
def test_a_fifo_given_as_an_input_file_is_refused_not_read(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "labels.jsonl")
    os.mkfifo(tmp_path / "paper.xml")
    os.mkfifo(tmp_path / "dois.txt")
    (tmp_path / "named.jsonl").write_text('{"file": "paper.xml"}\n')
    for command in (["eval", "labels.jsonl"], ["eval", "named.jsonl"],
                    ["fetch", "--dois", "dois.txt"]):  # fmt: skip
        done = subprocess.run(
            [KG, *command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env_for(tmp_path, OPENALEX_URL="https://127.0.0.1:9"),
            timeout=60,
        )  # a hang fails the test instead of blocking it
        assert "is not a regular file" in one_line_error(done), command


# --- values fit the stores ---------------------------------------------------------------------


@pytest.mark.slow
def test_integers_beyond_64_bits_fail_their_record_on_fresh_and_incremental_loads(
    tmp_path: Path,
) -> None:
    from tests.openalex_server import OpenAlexServer

    papers = [a_paper(n) for n in range(1, 6)]
    papers[1]["work"]["cited_by_count"] = 1e20  # type: ignore[index]
    papers[2]["work"]["cited_by_count"] = 2**63  # type: ignore[index]
    corpus = write_corpus(tmp_path / "c.jsonl", papers)
    for _ in ("fresh (bulk)", "incremental (MERGE)"):
        done = kg_env(tmp_path, "load", str(corpus))
        assert done.returncode == 1 and "2 failures" in done.stderr, done.stderr
        assert "c.jsonl:2" in done.stderr and "9223372036854775807" in done.stderr
        assert "Loaded 3 papers" in done.stdout, done.stdout
        with FalkorStore(tmp_path / "ws") as store:
            rows = store.run("MATCH (p:Paper) RETURN max(p.cited_by_count) AS most")
        # the kept papers' counts, unknown (own papers): nothing clamped to int64 max
        assert rows == [{"most": None}]
    with OpenAlexServer(tmp_path) as server:
        server.mangle = lambda page: {**page, "results": [
            {**r, "cited_by_count": 1e20} if i == 0 else r
            for i, r in enumerate(page["results"])]}  # fmt: skip
        fetched = kg_env(tmp_path, "fetch", "--limit", "5", "--no-fulltext",
                         OPENALEX_URL=server.url, REQUESTS_CA_BUNDLE=str(server.ca_path),
                         KG_WORKSPACE=str(tmp_path / "fetched"))  # fmt: skip
    assert fetched.returncode == 0, fetched.stderr
    assert "1 failure" in fetched.stderr and "cited_by_count" in fetched.stderr


# --- secrets ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_secret_echoed_by_the_llm_endpoint_is_masked_and_a_401_stops_the_run(
    tmp_path: Path,
) -> None:
    from tests.llm_server import LLMServer

    key, stranger = "sk-dummy-SECRET-4444", "sk-OTHERKEY99999"
    corpus = write_corpus(tmp_path / "c.jsonl", [a_paper(n) for n in range(1, 13)])
    outputs = []
    with LLMServer() as server:
        server.error_message = f"Incorrect API key provided: {key} (also tried {stranger})"
        llm = {"KG_LLM_BASE_URL": server.base_url, "KG_LLM_MODEL": "m", "OPENAI_API_KEY": key,
               "KG_LLM_RETRIES": "0"}  # fmt: skip
        server.script = [500]  # the first paper fails for good, echoing the key
        failed = kg_env(tmp_path, "extract", str(corpus), "--concurrency", "1", **llm)
        assert failed.returncode == 1 and "1 failure" in failed.stderr, failed.stderr
        outputs += [failed.stdout, failed.stderr]
        server.requests.clear()
        server.script = [401] * 40
        refused = kg_env(tmp_path, "extract", str(corpus), "--concurrency", "2",
                         KG_WORKSPACE=str(tmp_path / "ws2"), **llm)  # fmt: skip
        assert "HTTP 401" in one_line_error(refused) and "OPENAI_API_KEY" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
        assert 1 <= len(server.requests) <= 2  # those in flight; no paper asked after
        outputs += [refused.stdout, refused.stderr]
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.suffix != ".jsonl"]
    assert any(p.name == "corpus.sqlite" for p in files)
    for secret in (key, stranger):
        assert not [text for text in outputs if secret in text]
        assert not [p for p in files if secret.encode() in p.read_bytes()]
    assert "sk-***" in failed.stderr  # masked, not dropped: the reason is still readable
