"""Extractors and full-text services are registered in one place each: a test-only one is
added through the registry alone, and a name the registry does not know is one error line,
never read as another extractor."""

import json
import os
import threading
from collections.abc import Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extract.extractor import Done
from extract.records import Extraction, Paper, Work
from kg.cli import app
from kg.pipeline.extractors import EXTRACTORS, Registered
from kg.sources.fulltext import Found, Politeness, fetch_fulltexts
from kg.sources.fulltext.registry import SERVICES
from kg.sources.fulltext.service import Lookup
from kg.workspace import Workspace
from tests.fulltext_server import real_papers

PAPER = {
    "work": {"id": "W1", "title": "Fine-tuning ESM-2", "year": 2024},
    "text": {"work_id": "W1", "title": "Fine-tuning ESM-2",
             "abstract": "We fine-tuned ESM-2 on enzymes."},
}  # fmt: skip


class Abstains:
    """A test-only extractor: every paper uses no deep learning."""

    name = "abstains"
    version = "1"
    batch = 1

    def settings(self) -> dict[str, Any]:
        return {}

    def extract_all(self, papers: Iterable[Paper], done: Done) -> None:
        for paper in papers:
            done(Extraction(work_id=paper.work.id, uses_dl=False, uses_ptms=False,
                            extractor=self.name, extractor_version=self.version))  # fmt: skip


@pytest.fixture
def kg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The kg app in this process, on a temporary workspace and the embedded store."""
    for name in [n for n in os.environ if n.startswith(("KG_", "NEO4J_"))]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "corpus.jsonl").write_text(json.dumps(PAPER) + "\n")
    yield CliRunner()


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_an_unknown_extractor_is_one_error_line(kg: CliRunner) -> None:
    for command in (["load"], ["extract", "corpus.jsonl"], ["eval", "labels.jsonl"]):
        done = kg.invoke(app, [*command, "--extractor", "nosuch"])
        assert done.exit_code == 2, done.output
        assert error_lines(done.output) == [
            "error: no extractor called 'nosuch': use one of rules, llm"
        ]


def test_a_test_only_extractor_is_one_registry_line_and_is_never_replaced(
    kg: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(EXTRACTORS, "abstains", Registered(lambda s, w, o: Abstains(), True))
    done = kg.invoke(app, ["load", "corpus.jsonl", "--extractor", "abstains"])
    assert done.exit_code == 0, done.output
    assert "from the abstains extractions" in done.output
    workspace = Workspace(tmp_path / "ws")
    try:
        build = workspace.last_build()
        assert build is not None and build.extractor == "abstains"
    finally:
        workspace.close()

    monkeypatch.delitem(EXTRACTORS, "abstains")  # a later ptm-kg no longer knows it
    for command in (["load", "--rebuild"], ["neo4j-import", str(tmp_path / "csv")]):
        again = kg.invoke(app, command)
        assert again.exit_code == 2, again.output
        (line,) = error_lines(again.output)
        assert "no extractor called 'abstains' (the last build's" in line
    assert not (tmp_path / "csv").exists()


@pytest.fixture
def one_paper_site() -> Iterator[str]:
    """A plain local web site serving one real JATS paper at /paper.xml."""
    xml = real_papers()["10.1371/journal.pone.0050698"]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/paper.xml"
            self.send_response(200 if found else 404)
            self.send_header("Content-Length", str(len(xml) if found else 0))
            self.end_headers()
            if found:
                self.wfile.write(xml)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def _from_one_site(lookup: Lookup, base: str) -> Found | None:
    """A test-only full-text service: every work's JATS is at {base}/paper.xml."""
    return await lookup.fetch_xml("one-site", f"{base}/paper.xml")


def test_a_test_only_fulltext_service_is_one_registry_line(
    one_paper_site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(SERVICES, "one-site", _from_one_site)
    work = Work(id="W1", doi="10.1371/journal.pone.0050698", title="Real paper")
    found: list[Found] = []
    # only the services given a base URL are asked: here the test-only one alone
    report = fetch_fulltexts([(work, {})], {"one-site": one_paper_site},
                             Politeness(rate=1000, retries=0), found.append)  # fmt: skip
    (result,) = found
    assert (result.status, result.service) == ("fulltext", "one-site")
    assert result.text is not None and result.text.sections
    assert report.by_service == {"one-site": 1} and report.requests == 1
