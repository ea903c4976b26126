"""OpenAlex as it is since February 2026: keys, per-call prices, a daily budget that runs
out, the estimate before a run. Against the local stand-in, which charges per call."""

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.errors import InputRejected, SourceUnavailable
from kg.sources import openalex as fetch
from kg.sources.openalex_budget import SPENT, BudgetSpent, Estimate, call_kind
from kg.workspace import Workspace
from tests.fixtures import KG, env_for
from tests.openalex_server import OpenAlexServer


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAlexServer]:
    with OpenAlexServer(tmp_path, works=1000) as running:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(running.ca_path))
        fetch.configure("tests@example.org", "test-key", running.url, max_retries=2, backoff=0.01)
        yield running


def query() -> fetch.Works:
    return fetch.search_query(["deep learning"], 2000, 2025)


def run(
    tmp_path: Path, server: OpenAlexServer, *args: str, key: bool = True
) -> "subprocess.CompletedProcess[str]":
    env = env_for(tmp_path, OPENALEX_URL=server.url, REQUESTS_CA_BUNDLE=str(server.ca_path))
    if key:
        env["OPENALEX_API_KEY"] = "test-key-not-secret"
    return subprocess.run([KG, *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)  # fmt: skip


@pytest.mark.parametrize("limit", [None, 250, 1, 999])
def test_the_estimate_equals_the_calls_then_made(
    server: OpenAlexServer, workspace: Workspace, limit: int | None
) -> None:
    seen: list[Estimate] = []
    report = fetch.fetch_search(workspace, query(), limit, on_estimate=seen.append)
    assert len(seen) == 1 and seen[0].kind == "search"
    assert seen[0].calls == report.requests == len(server.log)
    assert seen[0].cost == pytest.approx(sum(cost for _, cost in server.charged))


def test_a_resumed_run_estimates_from_the_stored_count_before_any_call(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    fetch.fetch_search(workspace, query(), limit=300)
    server.log.clear()
    seen: list[Estimate] = []
    report = fetch.fetch_search(workspace, query(), on_estimate=seen.append)
    assert seen[0].calls == report.requests == len(server.log) == 4  # 700 works left
    assert "cursor=c300" in server.log[0]


def test_max_cost_refuses_the_run_and_says_how_to_split_it(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    with pytest.raises(InputRejected, match=r"--from-year/--to-year.*--limit.*raise --max-cost"):
        fetch.fetch_search(workspace, query(), max_cost=0.002)  # 5 search calls: $0.005
    assert len(server.log) == 1 and len(list(workspace.works())) == 200  # the count's page
    with pytest.raises(InputRejected):  # refused again from the stored count, with no call
        fetch.fetch_search(workspace, query(), max_cost=0.002)
    assert len(server.log) == 1
    report = fetch.fetch_search(workspace, query(), max_cost=0.01)
    assert report.stored == 1000 and "cursor=c200" in server.log[1]


def test_a_spent_budget_is_not_retried_and_the_rerun_repeats_no_request(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    server.budget = 0.0025  # two search pages
    with pytest.raises(BudgetSpent, match=SPENT):
        fetch.fetch_search(workspace, query())
    assert len(server.log) == 3  # two pages and one 429, never retried
    assert len(list(workspace.works())) == 400
    server.budget = 1.0  # tomorrow
    assert fetch.fetch_search(workspace, query()).stored == 1000
    served = [path for path, _ in server.charged]
    assert len(served) == len(set(served)) == 5  # no page asked twice


def test_a_429_without_a_spent_budget_is_waited_for(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    server.faults = [429]
    assert fetch.fetch_search(workspace, query(), limit=200).stored == 200
    assert len(server.log) == 2


def test_dois_take_batched_filters_or_free_singletons_past_the_budget(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    dois = [f"10.9999/test.{i}" for i in range(120)] + ["10.9999/nowhere"]
    seen: list[Estimate] = []
    report = fetch.fetch_dois(workspace, dois[:60], on_estimate=seen.append)
    assert (seen[0].kind, seen[0].calls, report.requests) == ("list", 2, 2)
    assert all(call_kind(path) == "list" for path in server.log)
    report = fetch.fetch_dois(workspace, dois, max_cost=0.0, on_estimate=seen.append)
    assert (seen[1].kind, seen[1].calls, report.requests) == ("singleton", 61, 61)
    assert all(call_kind(path) == "singleton" for path in server.log[2:])
    assert report.missing == ["10.9999/nowhere"] and report.stored == 120
    assert sum(cost for _, cost in server.charged) == pytest.approx(0.0002)  # singletons free


def test_the_key_is_sent_and_the_kinds_are_priced_as_documented(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    fetch.fetch_search(workspace, query(), limit=10)
    assert server.keys == ["Bearer test-key"]
    assert call_kind(f"{server.url}/works?search=x&filter=a:b") == "search"
    assert call_kind(f"{server.url}/works?filter=doi:10.1/a|10.1/b") == "list"
    assert call_kind(f"{server.url}/works/doi%3A10.1%2Fa") == "singleton"
    assert workspace.openalex_calls() == {"search": 1}


def test_kg_fetch_without_a_key_says_so_once_and_goes_on(
    tmp_path: Path, server: OpenAlexServer
) -> None:
    done = run(tmp_path, server, "fetch", "--limit", "30", "--no-fulltext", key=False)
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if "API key" in line]
    assert len(notes) == 1 and "https://openalex.org/settings/api" in notes[0]
    assert "test budget" in notes[0] and server.keys == [None]
    assert "OpenAlex estimate: 1 search call(s) for 30 works, $0.0010" in done.stdout
    assert "budget left today: $0.9990 of $1.00" in done.stdout  # the stand-in's headers


def test_kg_fetch_stops_on_a_spent_budget_with_one_line_and_resumes(
    tmp_path: Path, server: OpenAlexServer
) -> None:
    server.budget = 0.0025
    done = run(tmp_path, server, "fetch", "--no-fulltext")
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {SPENT}"
    assert "OpenAlex estimate: 5 search call(s) for 1000 works, $0.0050" in done.stdout
    server.budget = 1.0
    again = run(tmp_path, server, "fetch", "--no-fulltext")
    assert again.returncode == 0, again.stderr
    assert "OpenAlex: 3 request(s), 600 works received, 1000 stored" in again.stdout
    served = [path for path, _ in server.charged]
    assert len(served) == len(set(served)) == 5

    cost = run(tmp_path, server, "cost")
    assert cost.returncode == 0, cost.stderr
    row = next(line for line in cost.stdout.splitlines() if "│ search" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "search",
        "5",
        "0.001",
        "0.005",
    ]


def test_kg_fetch_refuses_a_run_over_max_cost(tmp_path: Path, server: OpenAlexServer) -> None:
    done = run(tmp_path, server, "fetch", "--no-fulltext", "--max-cost", "0.001")
    assert done.returncode == 2
    assert "over --max-cost $0.001" in done.stderr and "--limit" in done.stderr
    assert len(server.log) == 1


def test_a_doi_holding_filter_syntax_is_looked_up_alone(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    seen: list[Estimate] = []
    odd = "10.9999/a,is_oa:false|10.9999/test.1"
    report = fetch.fetch_dois(workspace, ["10.9999/test.2", odd], on_estimate=seen.append)
    assert seen[0].calls == report.requests == len(server.log) == 2
    assert call_kind(server.log[1]) == "singleton" and report.missing == [odd]
    assert len(list(workspace.works())) == 1  # test.1 was not smuggled in by the OR filter


def test_a_403_is_slowed_down_for_and_a_401_names_the_key(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    server.faults = [403]  # OpenAlex's errors page: "rate limit exceeded; slow down"
    assert fetch.fetch_search(workspace, query(), limit=200).stored == 200
    server.faults = [401]
    with pytest.raises(SourceUnavailable, match=r"401.*OPENALEX_API_KEY"):
        fetch.fetch_search(workspace, query(), limit=400)
