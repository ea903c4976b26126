"""Hostile servers on loopback (issue 23, findings 2, 3, 4, 11, 13, 16a, 16c): endless and
dripping bodies, bombs, lying lengths, redirects away, identifiers that climb out of their
base path, another paper's file. Each is one work's failure with its reason; the fetch goes
on. Limits are small so each case takes seconds."""

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extract.errors import SourceUnavailable
from extract.records import Work
from kg.sources import openalex as fetch
from kg.sources.fulltext import Found, Politeness, fetch_fulltexts
from kg.sources.fulltext.europepmc import lucene_phrase
from kg.workspace import Workspace
from tests import hostile
from tests.fulltext_server import Answer, FulltextServer, real_papers
from tests.openalex_server import OpenAlexServer

PLOS = "10.1371/journal.pone.0050698"
BIORXIV = "10.1101/2023.07.26.550718"


# --- OpenAlex -------------------------------------------------------------------------


@pytest.fixture
def openalex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAlexServer]:
    with OpenAlexServer(tmp_path, works=300) as running:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(running.ca_path))
        fetch.configure(None, "k", running.url, max_retries=3, backoff=0.01, timeout=5,
                        deadline=2, max_bytes=1_000_000)  # fmt: skip
        yield running


def search() -> fetch.Works:
    return fetch.search_query(["deep learning"], 2000, 2025)


def test_an_endless_openalex_page_stops_at_the_size_limit(
    openalex: OpenAlexServer, workspace: Workspace
) -> None:
    openalex.hostile["cursor="] = hostile.endless(b'{"results": [', b" " * 65536)
    with pytest.raises(SourceUnavailable, match="limit of 1,000,000 bytes"):
        fetch.fetch_search(workspace, search())
    assert len(openalex.log) == 1  # refused, not retried


@pytest.mark.parametrize("answer", [hostile.drip(every=0.5), hostile.drip_headers(every=0.5)],
                         ids=["body", "headers"])  # fmt: skip
def test_a_dripping_openalex_meets_the_deadline(
    openalex: OpenAlexServer, workspace: Workspace, answer: hostile.Hostile
) -> None:
    openalex.hostile["cursor="] = answer
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="deadline of 2 s"):
        fetch.fetch_search(workspace, search())
    assert time.monotonic() - started < 6  # the deadline, plus at most one read
    assert len(openalex.log) == 1


def test_limit_holds_when_openalex_sends_more_than_asked(
    openalex: OpenAlexServer, workspace: Workspace
) -> None:
    openalex.mangle = lambda page: page | {"results": openalex.works}  # every work, always
    report = fetch.fetch_search(workspace, search(), limit=5)
    assert (report.fetched, report.stored) == (5, 5)
    assert len(list(workspace.works())) == 5


def test_a_file_redirect_from_openalex_is_refused_at_once(
    openalex: OpenAlexServer, workspace: Workspace
) -> None:
    openalex.hostile["cursor="] = hostile.redirect("file:///etc/passwd")
    with pytest.raises(SourceUnavailable, match="file: URL, which is never followed"):
        fetch.fetch_search(workspace, search())
    assert len(openalex.log) == 1


# --- the full-text services -----------------------------------------------------------


@pytest.fixture
def web(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FulltextServer]:
    with FulltextServer(tmp_path) as running:
        monkeypatch.setenv("SSL_CERT_FILE", str(running.ca_path))
        papers = real_papers()
        running.plos_xml[PLOS] = papers[PLOS]
        running.biorxiv_xml[BIORXIV] = papers[BIORXIV]
        yield running


def look_up(web: FulltextServer, *dois: str, **bounds: Any) -> dict[str, Found]:
    """Each DOI's outcome, by DOI, with small bounds and retries allowed."""
    services = web.services()
    politeness = Politeness(rate=1000, retries=2, timeout=5,
                            **({"max_bytes": 1_000_000, "deadline": 2} | bounds))  # fmt: skip
    works = [(Work(id=f"W{i}", doi=d, title=f"T{i}"), {}) for i, d in enumerate(dois)]
    found: list[Found] = []
    fetch_fulltexts(works, services, politeness, found.append)
    return {dois[int(f.work_id[1:])]: f for f in found}


def plos_path(doi: str) -> str:
    return f"file?id={doi}&"


def asked(web: FulltextServer, doi: str) -> int:
    return sum(plos_path(doi) in path for path in web.log)


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (hostile.endless(), "passed the limit of 1,000,000 bytes"),
        (hostile.declared(10**10), "10,000,000,000 bytes, over the limit"),
        (hostile.gzip_bomb(5_000_000), "passed the limit of 1,000,000 bytes"),
        (hostile.drip(every=0.5), "deadline of 2 s"),
        (hostile.drip_headers(every=0.5), "deadline of 2 s"),
        (hostile.redirect("file:///etc/passwd"), "file: URL, which is never followed"),
        (hostile.redirect("https://127.0.0.1:1/elsewhere"), "another host"),
    ],
    ids=[
        "endless",
        "content-length",
        "gzip-bomb",
        "drip",
        "drip-headers",
        "file-redirect",
        "other-host",
    ],
)
def test_a_hostile_answer_is_one_failure_refused_at_once(
    web: FulltextServer, answer: hostile.Hostile, reason: str
) -> None:
    bad = "10.1371/journal.pone.0000001"
    web.hostile[plos_path(bad)] = answer
    started = time.monotonic()
    found = look_up(web, bad, PLOS)
    assert found[bad].status == "failed" and reason in (found[bad].reason or "")
    assert asked(web, bad) == 1  # never retried
    assert time.monotonic() - started < 8
    assert found[PLOS].status == "fulltext"  # and the fetch went on


def test_a_lone_surrogate_is_one_work_failure_not_a_crash(web: FulltextServer) -> None:
    bad = "10.1371/journal.pone.0000002"
    jats = real_papers()[PLOS].replace(PLOS.encode(), bad.encode())
    web.plos_xml[bad] = jats.replace(b"</p>", b" ESM-2 &#xD800;</p>", 1)
    found = look_up(web, bad, PLOS)
    assert found[bad].status == "failed"
    assert "invalid xmlChar value 55296" in (found[bad].reason or "")
    assert found[PLOS].status == "fulltext"


def test_identifiers_from_remote_data_stay_under_their_base_path(web: FulltextServer) -> None:
    climbing = "10.1101/../../../../admin/delete?all=1#"
    pmcid_doi = "10.9999/pmcid.1"
    web.epmc_search[pmcid_doi] = ("../../internal/admin?drop=1#", "Y")
    found = look_up(web, climbing, pmcid_doi)
    assert all(path.startswith(("/epmc/", "/plos/", "/biorxiv/")) for path in web.log)
    assert not any("admin" in path and "%" not in path for path in web.log)
    assert found[climbing].status == "failed" and "dot segment" in (found[climbing].reason or "")
    assert "is not a PMCID" in (found[pmcid_doi].reason or "")


def test_a_jatsxml_link_to_another_port_is_not_followed(web: FulltextServer) -> None:
    details = {"messages": [{"status": "ok"}], "collection": [
        {"doi": BIORXIV, "version": "1", "jatsxml": "https://127.0.0.1:1/stolen.xml"}]}  # fmt: skip
    web.faults[f"details/biorxiv/{BIORXIV}"] = [Answer(body=json.dumps(details).encode())]
    found = look_up(web, BIORXIV)
    assert found[BIORXIV].status == "failed"
    assert "another host (127.0.0.1:1)" in (found[BIORXIV].reason or "")


def test_a_quote_in_a_doi_stays_inside_europe_pmcs_phrase(web: FulltextServer) -> None:
    odd = '10.1234/a"b OR x'
    look_up(web, odd)
    searched = [path for path in web.log if path.startswith("/epmc/search")]
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(searched[0]).query)["query"] == ['DOI:"10.1234/a\\"b OR x"']
    assert lucene_phrase('a\\"') == '"a\\\\\\""'


def test_another_papers_file_is_rejected_and_the_abstract_kept(web: FulltextServer) -> None:
    mine = "10.9999/mine.1"
    web.epmc_search[mine] = ("PMC42", "Y")
    other = real_papers()[PLOS]  # another paper's DOI, with its body
    bodiless = other.split(b"<body>")[0] + b"</article>"
    web.epmc_xml["PMC42"] = other
    found = look_up(web, mine)
    assert found[mine].status == "failed" and f"the paper {PLOS}, not" in (found[mine].reason or "")
    assert found[mine].text is None
    web.epmc_xml["PMC42"] = bodiless.replace(PLOS.encode(), mine.encode())
    found = look_up(web, mine)
    assert "no body (abstract only)" in (found[mine].reason or "")


def test_a_10_64898_biorxiv_doi_gets_its_full_text(web: FulltextServer) -> None:
    new = "10.64898/2025.12.03.000042"
    web.biorxiv_xml[new] = real_papers()[BIORXIV].replace(BIORXIV.encode(), new.encode())
    found = look_up(web, new)
    assert (found[new].status, found[new].service) == ("fulltext", "biorxiv")
    assert any(f"/biorxiv/details/biorxiv/{new}/na/json" in path for path in web.log)


# --- kg fetch as a user runs it ---------------------------------------------------------


def test_kg_fetch_records_each_hostile_answer_and_keeps_every_abstract(tmp_path: Path) -> None:
    from tests.fixtures import openalex_work, run_kg

    bad = {"10.1371/journal.pone.0000001": hostile.endless(),
           "10.1371/journal.pone.0000003": hostile.drip(every=0.5),
           "10.1371/journal.pone.0000004": hostile.redirect("file:///etc/passwd")}  # fmt: skip
    surrogate = "10.1371/journal.pone.0000002"
    dois = [*bad, surrogate, PLOS]
    works = [openalex_work(i, doi) for i, doi in enumerate(dois)]
    with (
        OpenAlexServer(tmp_path, works=0, extra=works) as openalex,
        FulltextServer(tmp_path) as web,
    ):
        web.plos_xml[PLOS] = real_papers()[PLOS]
        web.plos_xml[surrogate] = web.plos_xml[PLOS].replace(b"</p>", b"&#xD800;</p>", 1)
        for doi, answer in bad.items():
            web.hostile[plos_path(doi)] = answer
        (tmp_path / "dois.txt").write_text("\n".join(dois))
        (tmp_path / ".env").write_text("KG_FULLTEXT_MAX_MB=1\nKG_FULLTEXT_DEADLINE=2\n"
                                       "KG_FULLTEXT_TIMEOUT=5\n")  # fmt: skip
        done = run_kg(tmp_path, openalex, web, "fetch", "--dois", "dois.txt")
    assert done.returncode == 0, done.stderr
    assert "Texts: 1 full text, 4 abstract only, 0 with neither" in done.stdout
    failures = (tmp_path / "ws" / "fetch_failures.tsv").read_text()
    for reason in ("limit of 1,000,000 bytes", "deadline of 2 s", "never followed", "55296"):
        assert reason in failures
