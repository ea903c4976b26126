"""Full text at bulk speed: the PMC Cloud bucket (DOIs mapped to PMCIDs, latest version,
licence and retraction from the metadata JSON) and local bulk packages (Europe PMC dumps,
oa_bulk tar.gz, allofplos zips, MECA), against local stand-ins."""

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from extract.records import Work
from kg.graph.stores.falkor import FalkorStore
from kg.sources.bulk.packages import members, split_articles
from kg.sources.bulk.read import article_ids, read_packages
from kg.sources.fulltext.pmc import latest_version
from kg.sources.fulltext.pmc_inventory import data_files
from kg.sources.fulltext.pmcids import parse_idconv, read_mapping_file
from kg.workspace import Workspace
from tests.bulk_files import (
    jats,
    snapshot_work,
    write_dump,
    write_meca,
    write_snapshot,
    write_tar,
    write_zip,
)
from tests.fixtures import KG, env_for, openalex_work, run_kg, run_until
from tests.fulltext_server import FulltextServer, real_papers
from tests.openalex_server import OpenAlexServer

RETRACTED = "10.7554/elife.86628"  # PMCID in OpenAlex; marked retracted in the bucket
MAPPED = "10.1101/2023.07.26.550718"  # no PMCID in OpenAlex; the ID Converter maps it
NOT_IN_PMC = "10.9999/nowhere.2"


def test_a_doi_list_is_mapped_read_from_the_bucket_marked_and_loaded(tmp_path: Path) -> None:
    papers = real_papers()
    works = [openalex_work(0, RETRACTED, "PMC20000001"), openalex_work(1, MAPPED),
             openalex_work(2, NOT_IN_PMC)]  # fmt: skip
    dois = tmp_path / "dois.txt"
    dois.write_text(f"{RETRACTED}\n{MAPPED}\n{NOT_IN_PMC}\n")
    with (
        OpenAlexServer(tmp_path, works=0, extra=works) as openalex,
        FulltextServer(tmp_path) as web,
    ):
        web.add_pmc("PMC20000001", papers[RETRACTED], RETRACTED, retracted=True)
        web.add_pmc("PMC20000002", papers[MAPPED], MAPPED, versions=3, license_code="CC0")
        web.idconv[MAPPED] = "PMC20000002"
        first = run_kg(tmp_path, openalex, web, "fetch", "--dois", str(dois))
        assert first.returncode == 0, first.stderr
        asked = len(web.log)
        again = run_kg(tmp_path, openalex, web, "fetch", "--dois", str(dois))
        assert again.returncode == 0, again.stderr
        assert len(web.log) == asked  # mapped, fetched and known missing: nothing asked again
        loaded = run_kg(tmp_path, openalex, web, "load")
        assert loaded.returncode == 0, loaded.stderr
    assert "2 from pmc" in first.stdout
    assert "1 of 2 DOI(s) mapped by the ID Converter" in first.stdout
    assert "1 full text(s) of retracted papers" in first.stdout
    assert sum("/idconv" in path for path in web.log) == 1  # one batch of up to 200
    assert any("PMC20000002.3/PMC20000002.3.xml" in path for path in web.log)  # the latest
    assert not any("PMC20000002.1/" in path for path in web.log)
    with sqlite3.connect(tmp_path / "ws" / "corpus.sqlite") as db:
        rows = db.execute(
            "SELECT w.doi, f.service, f.license, f.retracted FROM works w"
            " JOIN fulltext f ON f.work_id = w.id ORDER BY w.doi"
        ).fetchall()
    assert rows == [(MAPPED, "pmc", "CC0", 0), (RETRACTED, "pmc", "CC BY", 1),
                    (NOT_IN_PMC, None, None, 0)]  # fmt: skip
    with FalkorStore(tmp_path / "ws") as store:
        models = {r["m"] for r in store.run("MATCH (:Reuse)-[:REUSES]->(m:Model) "
                                            "RETURN DISTINCT m.name AS m")}  # fmt: skip
        sources = {r["s"]: r["n"] for r in store.run(
            "MATCH (p:Paper) RETURN p.text_source AS s, count(p) AS n")}  # fmt: skip
    assert "ESM-2" in models  # named only in the full text the bucket gave
    assert sources == {"pmc": 2, "abstract": 1}


def test_the_mapping_file_and_the_id_converter_are_read_as_documented(tmp_path: Path) -> None:
    mapping = tmp_path / "PMID_PMCID_DOI.csv.gz"
    with gzip.open(mapping, "wt") as out:
        out.write('PMID,PMCID,DOI\n1,PMC11,https://doi.org/10.1/A\n2,,10.1/b\n3,PMC33,10.1/c\n'
                  '4,"PMC44","10.1/d"\n')  # fmt: skip
    assert dict(read_mapping_file(mapping, {"10.1/a", "10.1/b", "10.1/d"})) == {
        "10.1/a": "PMC11", "10.1/d": "PMC44"}  # fmt: skip
    body = (b'{"status":"ok","records":[{"requested-id":"10.1/A","doi":"10.1/a","pmcid":"PMC5"},'
            b'{"requested-id":"10.1/b","status":"error","errmsg":"invalid article id"},'
            b'{"doi":"10.1/c","pmcid":"PMC7; DROP"}]}')  # fmt: skip
    assert parse_idconv(body, ["10.1/a", "10.1/b", "10.1/c"]) == {
        "10.1/a": "PMC5", "10.1/b": None, "10.1/c": None}  # fmt: skip
    listing = (b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CommonPrefixes>'
               b"<Prefix>PMC7.2/</Prefix></CommonPrefixes><CommonPrefixes><Prefix>PMC7.10/</Prefix>"
               b"</CommonPrefixes><CommonPrefixes><Prefix>PMC77.3/</Prefix></CommonPrefixes>"
               b"</ListBucketResult>")  # fmt: skip
    assert latest_version(listing, "PMC7") == 10
    prefix = "inventory-reports/pmc-oa-opendata/metadata/"
    manifest = json.dumps({"fileSchema": "Bucket, Key, Size", "files": [
        {"key": f"{prefix}data/a.csv.gz"}, {"key": "private/secrets.csv.gz"},
        {"key": f"{prefix}data/../../x.csv.gz"}]}).encode()  # fmt: skip
    assert data_files(manifest) == ([f"{prefix}data/a.csv.gz"], 1)


def test_an_archive_member_over_the_limit_fails_alone(tmp_path: Path) -> None:
    small, large = jats("10.1/small"), jats("10.1/large", pad=20_000)
    limit = 10_000
    dump = write_dump(tmp_path / "PMC1_PMC9.xml.gz", [small, large, jats("10.1/after")])
    tar = write_tar(tmp_path / "oa_comm_xml.PMC000xxxxxx.baseline.2025-06-26.tar.gz",
                    {"PMC000xxxxxx/PMC1.xml": small, "PMC000xxxxxx/PMC2.xml": large,
                     "PMC000xxxxxx/PMC3.xml": small})  # fmt: skip
    plos = write_zip(tmp_path / "allofplos.zip", {"journal.pone.1.xml": large,
                                                  "journal.pone.2.xml": small})  # fmt: skip
    meca = write_meca(tmp_path / "0a1b.meca", small)
    read = {p.name: [(m.name, m.xml is not None) for m in members(p, limit)]
            for p in (dump, tar, plos, meca)}  # fmt: skip
    assert read[dump.name] == [("article 1", True), ("article 2", False), ("article 3", True)]
    assert read[tar.name] == [("PMC000xxxxxx/PMC1.xml", True), ("PMC000xxxxxx/PMC2.xml", False),
                              ("PMC000xxxxxx/PMC3.xml", True)]  # fmt: skip
    assert read[plos.name] == [("journal.pone.1.xml", False), ("journal.pone.2.xml", True)]
    assert read[meca.name] == [("content/123.xml", True)]  # the manifest's, not manifest.xml
    errors = [m.error for m in members(dump, limit) if m.error]
    assert errors and "over the limit" in (errors[0] or "")
    # an article cut across chunk boundaries is found whole
    chunks = [small[i : i + 7] for i in range(0, len(small), 7)]
    assert [m.xml for m in split_articles(chunks, limit)] == [small]
    assert article_ids(jats("10.1/X", "PMC42")) == ("10.1/x", "PMC42")


def test_a_killed_bulk_run_resumes_without_parsing_again_what_it_stored(tmp_path: Path) -> None:
    per_package, packages = 150, 4
    total = per_package * packages
    works = [snapshot_work(i, f"10.5555/bulk.{i}") for i in range(total)]
    snapshot = write_snapshot(tmp_path / "snapshot", works)
    folder = tmp_path / "dumps"
    folder.mkdir()
    for p in range(packages):
        numbers = range(p * per_package, (p + 1) * per_package)
        write_dump(folder / f"PMC{p}_PMC{p + 1}.xml.gz",
                   [jats(f"10.5555/bulk.{i}", pad=2000) for i in numbers])  # fmt: skip
    args = ["fetch", "--snapshot", str(snapshot), "--bulk", str(folder), "--no-fulltext",
            "--bulk-workers", "1"]  # fmt: skip
    env = env_for(tmp_path)
    database = tmp_path / "ws" / "corpus.sqlite"

    def stored() -> int:
        try:
            with sqlite3.connect(database, timeout=1) as db:
                return int(db.execute("SELECT count(*) FROM bulk_packages").fetchone()[0])
        except sqlite3.Error:
            return 0

    run_until(tmp_path, args, env, lambda: stored() >= 1)
    with sqlite3.connect(database) as db:
        (before,) = db.execute("SELECT count(*) FROM fulltext WHERE status = 'fulltext'").fetchone()
    assert per_package <= before < total
    import subprocess

    rerun = subprocess.run([KG, *args], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr
    assert f"{total - before} parsed" in rerun.stdout  # only what was not stored
    assert "read before, skipped" in rerun.stdout and "(0 read before" not in rerun.stdout
    with sqlite3.connect(database) as db:
        (after,) = db.execute("SELECT count(*) FROM fulltext WHERE status = 'fulltext'").fetchone()
        (sources,) = db.execute("SELECT group_concat(DISTINCT text_source) FROM texts").fetchone()
    assert after == total and sources == "europepmc-dump"


# pytest runs threads of its own; `kg` forks its workers before it starts any (BulkRun)
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_an_oa_bulk_file_list_gives_licence_and_retraction(tmp_path: Path) -> None:
    folder = tmp_path / "oa_comm"
    folder.mkdir()
    write_tar(folder / "oa_comm_xml.PMC000xxxxxx.baseline.2025-06-26.tar.gz",
              {"PMC000xxxxxx/PMC1.xml": jats("10.1/one", "PMC1"),
               "PMC000xxxxxx/PMC2.xml": jats("10.1/two", "PMC2")})  # fmt: skip
    (folder / "oa_comm_xml.PMC000xxxxxx.baseline.2025-06-26.filelist.csv").write_text(
        "Article File,Article Citation,AccessionID,LastUpdated (YYYY-MM-DD HH:MM:SS),PMID,"
        "License,Retracted\n"
        'PMC000xxxxxx/PMC1.xml,"J. 2019; 9:1",PMC1,"2024-02-07 23:35:31",1,"CC BY",no\n'
        'PMC000xxxxxx/PMC2.xml,"J. 2019; 9:2",PMC2,"2024-02-07 23:35:31",2,"CC BY-NC",yes\n'
    )
    workspace = Workspace(tmp_path / "ws")
    try:
        workspace.import_works([Work(id="W1", doi="10.1/one", title="One"),
                                Work(id="W2", doi="10.1/two", title="Two")], "test")  # fmt: skip
        report = read_packages(workspace, [folder], 1_000_000, 1)
        rows = workspace._db.execute("SELECT work_id, service, license, retracted FROM fulltext"
                                     " ORDER BY work_id").fetchall()  # fmt: skip
    finally:
        workspace.close()
    assert report.stored == 2 and report.by_service == {"pmc-oa-bulk": 2}
    assert rows == [("W1", "pmc-oa-bulk", "CC BY", 0), ("W2", "pmc-oa-bulk", "CC BY-NC", 1)]


def test_the_inventory_gives_each_latest_version_and_saves_the_listings(tmp_path: Path) -> None:
    papers = real_papers()
    works = [openalex_work(0, RETRACTED, "PMC20000001"), openalex_work(1, MAPPED, "PMC20000002")]
    dois = tmp_path / "dois.txt"
    dois.write_text(f"{RETRACTED}\n{MAPPED}\n")
    with (
        OpenAlexServer(tmp_path, works=0, extra=works) as openalex,
        FulltextServer(tmp_path) as web,
    ):
        web.add_pmc("PMC20000001", papers[RETRACTED], RETRACTED)
        web.add_pmc("PMC20000002", papers[MAPPED], MAPPED, versions=3)
        done = run_kg(tmp_path, openalex, web, "fetch", "--dois", str(dois), "--pmc-inventory")
    assert done.returncode == 0, done.stderr
    said = done.stdout.replace("\n", "")
    assert "metadata/2026-12-01T01-00Z/: 2 of 2 PMCID(s) listed (4 request(s))" in said
    assert "2 from pmc" in done.stdout
    bucket = [path for path in web.log if path.startswith("/pmc/")]
    assert not any("prefix=PMC" in path for path in bucket)  # no listing a paper
    assert any("PMC20000002.3/PMC20000002.3.xml" in path for path in bucket)
    assert sum(path.endswith(".xml") for path in bucket) == 2
