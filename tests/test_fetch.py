"""kg's OpenAlex path through pyalex against the local HTTPS OpenAlex of openalex_server.py."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from extract.errors import SourceUnavailable
from extract.parse_openalex import StudyFilter
from kg.pipeline.fetch import apply_filter
from kg.sources import openalex as fetch
from kg.workspace import Workspace
from tests.openalex_server import OpenAlexServer


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAlexServer]:
    with OpenAlexServer(tmp_path) as running:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(running.ca_path))
        fetch.configure("tests@example.org", None, running.url, max_retries=3, backoff=0.01)
        yield running


def query() -> fetch.Works:
    return fetch.search_query(["deep learning", "pre-trained model"], 2000, 2025)


def test_a_multi_page_fetch_collects_every_work(server: OpenAlexServer, workspace: Workspace):
    report = fetch.fetch_search(workspace, query())
    assert (report.requests, report.fetched, report.total) == (3, 450, 450)
    assert len(list(workspace.works())) == 450
    assert [p.split("cursor=")[1] for p in server.log] == ["%2A", "c200", "c400"]
    first = server.log[0]
    assert "search=%22deep+learning%22+OR+%22pre-trained+model%22" in first
    assert "publication_year:2000-2025" in first and "is_oa:true" in first


def test_a_rerun_makes_zero_requests(server: OpenAlexServer, workspace: Workspace) -> None:
    same = query()
    fetch.fetch_search(workspace, same)
    requests_before = len(server.log)
    report = fetch.fetch_search(workspace, same)  # the same query object, now with paging
    assert fetch.fetch_search(workspace, query()).requests == 0  # and a new one
    assert len(server.log) == requests_before and report.requests == 0
    assert report.stored == 450


def test_a_limit_stops_early_and_a_larger_one_resumes(server: OpenAlexServer, workspace: Workspace):
    assert fetch.fetch_search(workspace, query(), limit=250).stored == 250
    assert len(server.log) == 2 and "per-page=50" in server.log[1]
    report = fetch.fetch_search(workspace, query(), limit=1000)
    assert (report.requests, report.stored) == (1, 450)
    assert "cursor=c250" in server.log[2]


def test_a_429_for_speed_is_retried(server: OpenAlexServer, workspace: Workspace) -> None:
    server.faults = [429]
    report = fetch.fetch_search(workspace, query())
    assert report.fetched == 450
    assert len(server.log) == 4  # the 429 and its retry, then two more pages


def test_persistent_500_fails_clearly_and_the_rerun_resumes(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    fetch.fetch_search(workspace, query(), limit=200)
    server.faults = [500] * 10
    with pytest.raises(SourceUnavailable, match="OpenAlex kept failing"):
        fetch.fetch_search(workspace, query())
    assert len(list(workspace.works())) == 200  # nothing stored is lost
    server.faults = []
    server.log.clear()
    report = fetch.fetch_search(workspace, query())
    assert report.stored == 450 and server.log[0].endswith("cursor=c200")


def test_an_unreachable_openalex_names_the_setting(workspace: Workspace) -> None:
    fetch.configure(None, None, "https://127.0.0.1:9", max_retries=0)
    with pytest.raises(SourceUnavailable, match="OPENALEX_URL"):
        fetch.fetch_search(workspace, query())


def test_a_thousand_dois_take_twenty_requests(server: OpenAlexServer, workspace: Workspace):
    dois = [f"10.9999/TEST.{i}" for i in range(440)]
    dois += [f" https://doi.org/10.9999/test.{i} " for i in range(440, 450)]
    dois += [f"doi:10.9999/nowhere.{i}" for i in range(550)]
    report = fetch.fetch_dois(workspace, dois)
    assert len(set(dois)) == 1000
    assert report.requests == 20 and len(server.log) == 20
    assert (report.fetched, len(report.missing)) == (450, 550)
    assert report.stored == 450
    rerun = fetch.fetch_dois(workspace, dois)
    assert rerun.requests == 0 and len(server.log) == 20


def test_the_study_filter_keeps_natural_science_works_cited_once(
    server: OpenAlexServer, workspace: Workspace
) -> None:
    fetch.fetch_search(workspace, query(), limit=20)
    works = [w for w, _ in workspace.works()]
    summary = apply_filter(workspace, works, StudyFilter())
    # fields cycle 13, 17, 31, 33: ten of twenty are natural science; i % 5 == 0 is uncited
    assert summary == {
        "kept": 8,
        "no top-3 topic in the chosen fields": 10,
        "cited fewer than 1 times": 2,
    }
    assert len(list(workspace.works(kept_only=True))) == 8
