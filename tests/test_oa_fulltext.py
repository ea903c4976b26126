"""Full text from the open-access web: `kg fetch --dois` against local stand-ins for
OpenAlex, Europe PMC, PLOS and bioRxiv serving real papers, then `kg load`."""

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extract.records import Work
from kg.graph.stores.falkor import FalkorStore
from kg.sources.fulltext import Politeness, fetch_fulltexts
from kg.sources.fulltext.europepmc import pmcid_of
from kg.sources.fulltext.plos import plos_journal
from tests.fixtures import openalex_work, run_kg
from tests.fulltext_server import Answer, FulltextServer, real_papers
from tests.openalex_server import OpenAlexServer

pytestmark = pytest.mark.slow


DOIS = {
    "pmcid_in_openalex": "10.7554/elife.86628",
    "pmcid_by_search": "10.1371/journal.pone.0000217",
    "plos_only": "10.1371/journal.pone.0050698",
    "biorxiv_only": "10.1101/2023.07.26.550718",
    "not_oa": "10.9999/closed.1",
    "nowhere": "10.9999/nowhere.2",
}


@pytest.fixture
def services(tmp_path: Path) -> Iterator[tuple[OpenAlexServer, FulltextServer]]:
    papers = real_papers()
    works = [openalex_work(i, doi, "PMC10000001" if key == "pmcid_in_openalex" else None)
             for i, (key, doi) in enumerate(DOIS.items())]  # fmt: skip
    with (
        OpenAlexServer(tmp_path, works=0, extra=works) as openalex,
        FulltextServer(tmp_path) as web,
    ):
        web.epmc_xml["PMC10000001"] = papers[DOIS["pmcid_in_openalex"]]
        web.epmc_search[DOIS["pmcid_by_search"]] = ("PMC1790863", "Y")
        web.epmc_xml["PMC1790863"] = papers[DOIS["pmcid_by_search"]]
        web.epmc_search[DOIS["not_oa"]] = ("PMC999", "N")
        web.plos_xml[DOIS["plos_only"]] = papers[DOIS["plos_only"]]
        web.biorxiv_xml[DOIS["biorxiv_only"]] = papers[DOIS["biorxiv_only"]]
        yield openalex, web


def fetch_dois(tmp_path: Path, services: tuple[OpenAlexServer, FulltextServer], *extra: str) -> Any:
    """`kg fetch --dois` over every DOI of DOIS."""
    dois = tmp_path / "dois.txt"
    dois.write_text("\n".join(DOIS.values()) + "\n")
    return run_kg(tmp_path, *services, "fetch", "--dois", str(dois), *extra)


def test_fetch_reads_full_text_from_each_service_and_load_finds_its_models(
    tmp_path: Path, services: tuple[OpenAlexServer, FulltextServer]
) -> None:
    openalex, web = services
    first = fetch_dois(tmp_path, services)
    assert first.returncode == 0, first.stderr
    with sqlite3.connect(tmp_path / "ws" / "corpus.sqlite") as db:
        status = dict(db.execute("SELECT w.doi, coalesce(f.status, t.text_source) || '/' ||"
                                 " coalesce(f.service, t.text_source) FROM works w"
                                 " LEFT JOIN fulltext f ON f.work_id = w.id"
                                 " LEFT JOIN texts t ON t.work_id = w.id"))  # fmt: skip
        stored_xml = db.execute("SELECT count(*) FROM fulltext WHERE xml IS NOT NULL").fetchone()
    assert status[DOIS["pmcid_in_openalex"]] == "fulltext/europepmc"
    assert status[DOIS["pmcid_by_search"]] == "fulltext/europepmc"
    assert status[DOIS["plos_only"]] == "fulltext/plos"
    assert status[DOIS["biorxiv_only"]] == "fulltext/biorxiv"
    assert status[DOIS["not_oa"]].startswith("not_oa")
    assert status[DOIS["nowhere"]].startswith("not_found")
    assert stored_xml == (4,)
    assert "europepmc" in first.stdout and "abstract (full text not oa)" in first.stdout

    asked_openalex, asked_web = len(openalex.log), len(web.log)
    again = fetch_dois(tmp_path, services)
    assert again.returncode == 0, again.stderr
    assert (len(openalex.log), len(web.log)) == (asked_openalex, asked_web)  # nothing asked

    loaded = run_kg(tmp_path, openalex, web, "load")
    assert loaded.returncode == 0, loaded.stderr
    with FalkorStore(tmp_path / "ws") as store:
        models = {r["m"] for r in store.run("MATCH (:Reuse)-[:REUSES]->(m:Model) "
                                            "RETURN DISTINCT m.name AS m")}  # fmt: skip
        sources = {r["s"]: r["n"] for r in store.run(
            "MATCH (p:Paper) RETURN p.text_source AS s, count(p) AS n")}  # fmt: skip
    assert {"AlphaFold2", "ESM-2"} <= models  # named only in the full texts
    assert sources == {"europepmc": 2, "plos": 1, "biorxiv": 1, "abstract": 2}


def test_refresh_asks_again_for_the_missing_only(
    tmp_path: Path, services: tuple[OpenAlexServer, FulltextServer]
) -> None:
    web = services[1]
    assert fetch_dois(tmp_path, services).returncode == 0
    before = len(web.log)
    again = fetch_dois(tmp_path, services, "--refresh")
    assert again.returncode == 0, again.stderr
    asked = web.log[before:]
    assert asked and not any("PMC10000001" in path or "0050698" in path for path in asked)


def works_for(dois: list[str]) -> list[tuple[Work, dict[str, Any]]]:
    return [(Work(id=f"W{i}", doi=d, title=f"T{i}"), {}) for i, d in enumerate(dois)]


def test_bad_answers_keep_the_abstract_and_say_why(tmp_path: Path) -> None:
    papers = real_papers()
    faults = {
        "pone.0000001": Answer(200, b"<html><body>Service down</body></html>", "text/html"),
        "pone.0000002": Answer(200, b""),
        "pone.0000003": Answer(200, b"<?xml version='1.0'?><rss><channel/></rss>"),
        "pone.0000004": Answer(302, b"", headers={"Location": "/nowhere-404"}),
        "pone.0000005": Answer(200, papers["10.1371/journal.pone.0050698"][:5000], truncate=True),
    }
    found: list[Any] = []
    with FulltextServer(tmp_path) as web:
        for marker, answer in faults.items():
            # PLOS answers badly (Europe PMC, asked first, knows none of these DOIs)
            web.faults[f"file?id=10.1371/journal.{marker}"] = [answer] * 4
        services = web.services()
        politeness = Politeness(rate=1000, retries=1, timeout=5)
        dois = [f"10.1371/journal.{m}" for m in faults] + ["10.1371/journal.pone.0050698"]
        web.plos_xml["10.1371/journal.pone.0050698"] = papers["10.1371/journal.pone.0050698"]
        import os

        os.environ["SSL_CERT_FILE"] = str(web.ca_path)
        try:
            report = fetch_fulltexts(works_for(dois), services, politeness, found.append)
        finally:
            del os.environ["SSL_CERT_FILE"]
    by_doi = {f.work_id: f for f in found}
    assert [by_doi[f"W{i}"].status for i in range(5)] == ["failed", "failed", "failed",
                                                         "not_found", "failed"]  # fmt: skip
    assert "html" in (by_doi["W0"].reason or "")
    assert "empty body" in (by_doi["W1"].reason or "")
    assert "rss" in (by_doi["W2"].reason or "")
    assert "Payload" in (by_doi["W4"].reason or "") or "payload" in (by_doi["W4"].reason or "")
    assert by_doi["W5"].status == "fulltext" and by_doi["W5"].service == "plos"
    assert report.by_status == {"failed": 4, "not_found": 1, "fulltext": 1}


def test_429_with_retry_after_is_waited_for(tmp_path: Path) -> None:
    import os

    papers = real_papers()
    with FulltextServer(tmp_path) as web:
        web.plos_xml["10.1371/journal.pone.0050698"] = papers["10.1371/journal.pone.0050698"]
        web.faults["file?id=10.1371/journal.pone.0050698"] = [
            Answer(429, b"", headers={"Retry-After": "1"})
        ]
        services = web.services()
        os.environ["SSL_CERT_FILE"] = str(web.ca_path)
        try:
            found: list[Any] = []
            fetch_fulltexts(works_for(["10.1371/journal.pone.0050698"]), services,
                            Politeness(rate=1000), found.append)  # fmt: skip
        finally:
            del os.environ["SSL_CERT_FILE"]
    assert found[0].status == "fulltext"
    assert sum("file?id=10.1371/journal.pone.0050698" in path for path in web.log) == 2


def test_identifiers_are_read_from_their_documented_forms() -> None:
    assert pmcid_of({"ids": {"pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123"}}) == (
        "PMC123"
    )
    assert pmcid_of({"ids": {"pmcid": "456"}}) == "PMC456"
    assert pmcid_of({"ids": {}}) is None
    assert plos_journal("10.1371/journal.pcbi.1004082") == "ploscompbiol"
    assert plos_journal("10.1371/annotation/abc") is None
    assert json.dumps(Politeness(email="a@b.org").user_agent).count("mailto:a@b.org") == 1
