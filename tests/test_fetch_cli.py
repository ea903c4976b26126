"""`kg fetch` then `kg load` as a user runs them, against the local HTTPS OpenAlex."""

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures import kg
from tests.openalex_server import OpenAlexServer

DATA = Path(__file__).parent / "data"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[OpenAlexServer]:
    with OpenAlexServer(tmp_path) as running:
        (tmp_path / ".env").write_text(
            f"OPENALEX_URL={running.url}\nOPENALEX_EMAIL=tests@example.org\n"
        )
        yield running


def test_fetch_stores_filters_reads_full_text_and_loads(
    server: OpenAlexServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(server.ca_path))
    jats = (
        (DATA / "biorxiv_like.xml")
        .read_bytes()
        .replace(b"10.1101/2099.01.01.000001", b"10.9999/TEST.2")
    )
    archive = tmp_path / "fulltext.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("papers/some-name.xml", jats)

    done = kg(tmp_path, "fetch", "--limit", "40", "--fulltext", str(archive), "--no-fulltext")
    assert done.returncode == 0, done.stderr
    assert "OpenAlex: 1 request(s), 40 works received" in done.stdout
    assert "Texts: 1 full text, 15 abstract only" in done.stdout
    assert len(server.log) == 1

    again = kg(tmp_path, "fetch", "--limit", "40", "--fulltext", str(archive), "--no-fulltext")
    assert "OpenAlex: 0 request(s)" in again.stdout and len(server.log) == 1
    assert "Texts: 1 full text, 15 abstract only" in again.stdout  # kept, not re-read

    loaded = kg(tmp_path, "load")
    assert loaded.returncode == 0, loaded.stderr
    assert "Loaded 16 papers" in loaded.stdout
    top = kg(tmp_path, "query", "top_ptms", "--format", "csv")
    assert top.stdout.splitlines()[1].startswith("ESM-2,ESM,protein,16,")


def test_load_without_a_fetch_says_what_to_do(tmp_path: Path) -> None:
    done = kg(tmp_path, "load")
    assert done.returncode == 2 and "run `kg fetch` first" in done.stderr
