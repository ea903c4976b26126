"""A check against drift, one per service: what our clients send to the local stand-ins,
and what the stand-ins answer, must have the shape of a recorded real exchange
(tests/data/recorded, written from each service's documentation). A stand-in that invents a
field, loses one our code reads, or a client that sends another request, fails here."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
import requests

from extract.records import Work
from kg.sources import openalex as fetch
from kg.sources.fulltext import Found, Politeness, fetch_fulltexts
from kg.workspace import Workspace
from tests.fulltext_server import FulltextServer, real_papers
from tests.openalex_server import OpenAlexServer

RECORDED = Path(__file__).parent / "data" / "recorded"


def recorded(service: str, exchange: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RECORDED / f"{service}.json").read_text())
    return data["exchanges"][exchange]  # type: ignore[no-any-return]


MAPS = ("abstract_inverted_index",)  # objects whose keys are data (words), not fields


def shape(value: Any, at: str = "") -> set[str]:
    """Every key path with its JSON type: {"meta.count:int", "results[].id:str", ...}."""
    if isinstance(value, dict):
        found = {f"{at}:object"} if at else set()
        for key, item in value.items():
            key = "*" if at.endswith(MAPS) else key
            found |= shape(item, f"{at}.{key}" if at else key)
        return found
    if isinstance(value, list):
        found = {f"{at}:array"}
        for item in value:
            found |= shape(item, f"{at}[]")
        return found
    kind = {bool: "bool", int: "number", float: "number", str: "str"}.get(type(value), "null")
    return {f"{at}:{kind}"}


def assert_same_shape(stand_in: Any, real: Any, read: set[str]) -> None:
    """The stand-in invents nothing the real answer lacks (a real null may hold any type),
    and both hold every field our code reads."""
    real_shape = shape(real)
    nullable = {entry.rsplit(":", 1)[0] for entry in real_shape if entry.endswith(":null")}
    invented = {e for e in shape(stand_in) - real_shape if e.rsplit(":", 1)[0] not in nullable}
    assert not invented, f"the stand-in answers fields the service does not: {sorted(invented)}"
    paths = {entry.rsplit(":", 1)[0] for entry in shape(stand_in) & real_shape}
    assert read <= paths, f"fields our code reads are missing: {sorted(read - paths)}"


def assert_same_request(sent: str, real: dict[str, Any], base_path: str = "") -> None:
    parts = urlsplit(sent)
    assert unquote(parts.path).removeprefix(base_path) == real["path"].removeprefix(
        "/europepmc/webservices/rest"
    )
    assert dict(parse_qsl(parts.query)) == real["query"]


# --- OpenAlex ---------------------------------------------------------------------------


@pytest.fixture
def openalex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAlexServer]:
    with OpenAlexServer(tmp_path, works=300, extra=[_elife()]) as running:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(running.ca_path))
        fetch.configure("you@example.org", "k", running.url, max_retries=1, backoff=0.01)
        yield running


def _elife() -> dict[str, Any]:
    work = dict(recorded("openalex", "search_page")["response"]["body"]["results"][0])
    return work | {"doi": "https://doi.org/10.7554/elife.86628"}


def _get(server: OpenAlexServer, path: str) -> requests.Response:
    return requests.get(server.url + path, verify=str(server.ca_path), timeout=10)


def test_openalex_requests_and_answers_have_the_recorded_shape(
    openalex: OpenAlexServer, tmp_path: Path
) -> None:
    workspace = Workspace(tmp_path / "ws")
    try:
        fetch.fetch_search(workspace, fetch.search_query(["deep learning"], 2000, 2025), limit=200)
        fetch.fetch_dois(workspace, ["10.7554/elife.86628", "10.1371/journal.pone.0050698"])
        fetch.fetch_dois(workspace, ["10.9999/test.250"], max_cost=0.0)  # a singleton
    finally:
        workspace.close()
    page, dois, single = (
        recorded("openalex", name) for name in ("search_page", "doi_filter", "singleton")
    )
    assert_same_request(openalex.log[0], page["request"])
    assert_same_request(openalex.log[1], dois["request"])
    assert unquote(openalex.log[2]).startswith("/works/doi:10.9999/test.250")
    assert set(openalex.keys) == {"Bearer k"}

    reads = {"meta", "meta.count", "meta.next_cursor", "results", "results[].id",
             "results[].doi", "results[].title", "results[].publication_year",
             "results[].cited_by_count", "results[].open_access.is_oa",
             "results[].topics[].field.id", "results[].topics[].field.display_name",
             "results[].abstract_inverted_index"}  # fmt: skip
    answered = _get(openalex, openalex.log[0])
    assert_same_shape(answered.json(), page["response"]["body"], reads)
    rate = {h for h in page["response"]["headers"] if h.startswith("X-RateLimit")}
    assert rate <= set(answered.headers)
    assert_same_shape(_get(openalex, "/works/doi:10.7554/elife.86628").json(),
                      single["response"]["body"], {"id", "doi"})  # fmt: skip

    openalex.budget = openalex.spent  # nothing left
    spent = _get(openalex, openalex.log[0])
    real = recorded("openalex", "budget_spent")["response"]
    assert spent.status_code == real["status"] == 429
    assert float(spent.headers["X-RateLimit-Remaining-USD"]) == 0.0
    assert_same_shape(spent.json(), real["body"], {"error"})


# --- Europe PMC, PLOS, bioRxiv -------------------------------------------------------------


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FulltextServer]:
    with FulltextServer(tmp_path) as running:
        monkeypatch.setenv("SSL_CERT_FILE", str(running.ca_path))
        papers = real_papers()
        running.epmc_search["10.1371/journal.pone.0000217"] = ("PMC1790863", "Y")
        running.epmc_xml["PMC1790863"] = papers["10.1371/journal.pone.0000217"]
        running.plos_xml["10.1371/journal.pone.0050698"] = papers["10.1371/journal.pone.0050698"]
        running.biorxiv_xml["10.1101/2023.07.26.550718"] = papers["10.1101/2023.07.26.550718"]
        yield running


def look_up(web: FulltextServer, doi: str) -> Found:
    services = web.services()
    found: list[Found] = []
    fetch_fulltexts([(Work(id="W1", doi=doi, title="T"), {})], services,
                    Politeness(rate=1000, retries=0), found.append)  # fmt: skip
    return found[0]


def sent(web: FulltextServer, start: str) -> list[str]:
    return [path for path in web.log if path.startswith(start)]


def test_europe_pmc_exchanges_have_the_recorded_shape(web: FulltextServer) -> None:
    assert look_up(web, "10.1371/journal.pone.0000217").service == "europepmc"
    search, full = recorded("europepmc", "search"), recorded("europepmc", "full_text")
    assert_same_request(sent(web, "/epmc/search")[0], search["request"], "/epmc")
    assert_same_request(sent(web, "/epmc/PMC")[0], full["request"], "/epmc")
    answer = requests.get(
        web.url + sent(web, "/epmc/search")[0], verify=str(web.ca_path), timeout=10
    )
    reads = {"resultList", "resultList.result", "resultList.result[].pmcid",
             "resultList.result[].doi", "resultList.result[].isOpenAccess"}  # fmt: skip
    assert_same_shape(answer.json(), search["response"]["body"], reads)


def test_biorxiv_exchanges_have_the_recorded_shape(web: FulltextServer) -> None:
    assert look_up(web, "10.1101/2023.07.26.550718").service == "biorxiv"
    details = recorded("biorxiv", "details")
    path = sent(web, "/biorxiv/details/")[0]
    assert path.removeprefix("/biorxiv") == details["request"]["path"]
    answer = requests.get(web.url + path, verify=str(web.ca_path), timeout=10).json()
    reads = {"collection", "collection[].version", "collection[].jatsxml"}
    assert_same_shape(answer, details["response"]["body"], reads)
    missing = recorded("biorxiv", "details_missing")
    none = requests.get(web.url + "/biorxiv" + missing["request"]["path"], verify=str(web.ca_path),
                        timeout=10)  # fmt: skip
    assert none.status_code == missing["response"]["status"]
    assert_same_shape(none.json(), missing["response"]["body"], {"collection"})


def test_plos_exchanges_have_the_recorded_shape(web: FulltextServer) -> None:
    assert look_up(web, "10.1371/journal.pone.0050698").service == "plos"
    manuscript = recorded("plos", "manuscript")
    assert_same_request(sent(web, "/plos/")[0], manuscript["request"], "/plos")
    answer = requests.get(web.url + sent(web, "/plos/")[0], verify=str(web.ca_path), timeout=10)
    assert answer.headers["Content-Type"] == manuscript["response"]["headers"]["Content-Type"]
    assert answer.content.lstrip().startswith((b"<?xml", b"<!DOCTYPE", b"<article"))
