"""A local HTTPS stand-in for Europe PMC, PLOS and the bioRxiv API, serving real JATS.

The shapes are the documented ones (see kg/sources/fulltext/): Europe PMC's search JSON
and `/{PMCID}/fullTextXML`, PLOS's `/{journal}/article/file?id=DOI&type=manuscript`, and the
bioRxiv API's `/details/{server}/{doi}/na/json` with a `jatsxml` link per version, the PMC
Cloud bucket's layout (a ListObjectsV2 listing of a PMCID's version prefixes,
`PMCx.v/PMCx.v.xml`, `metadata/PMCx.v.json`) and the ID Converter's JSON. Each service lives
under its own path prefix of one server (`/epmc`, `/plos`, `/biorxiv`, `/pmc`, `/idconv`),
so the tests point EUROPEPMC_URL, PLOS_URL, BIORXIV_URL, PMC_URL and IDCONV_URL at it.
`faults` scripts bad answers by path substring; `delay` adds latency to every request; `log`
records every path.

The JATS files in tests/data/oa are real open-access papers (CC BY 4.0; see their README).
"""

import gzip
import json
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import trustme

DATA = Path(__file__).parent / "data" / "oa"


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/xml"
    headers: dict[str, str] = field(default_factory=dict)
    truncate: bool = False  # promise more bytes than are sent, then close


class FulltextServer:
    def __init__(self, tmp: Path, delay: float = 0.0, keep_alive: bool = False) -> None:
        self.delay = delay
        self.keep_alive = keep_alive  # HTTP/1.1 connections kept open, as S3's are
        self.log: list[str] = []
        self.epmc_search: dict[str, tuple[str, str]] = {}  # doi -> (pmcid, isOpenAccess)
        self.epmc_xml: dict[str, bytes] = {}  # pmcid -> JATS
        self.plos_xml: dict[str, bytes] = {}  # doi -> JATS
        self.biorxiv_xml: dict[str, bytes] = {}  # doi -> JATS of its latest version
        self.pmc: dict[str, dict[int, tuple[bytes, dict[str, object]]]] = {}  # pmcid -> versions
        self.idconv: dict[str, str] = {}  # doi -> pmcid
        self.faults: dict[str, list[Answer]] = {}  # path substring -> answers, in order
        self.hostile: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {}  # see hostile.py
        ca = trustme.CA()
        self.ca_path = tmp / "fulltext-ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_path))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._lock = threading.Lock()

    def env(self) -> dict[str, str]:
        """Settings that point ptm-kg at this server and trust its certificate."""
        return {"EUROPEPMC_URL": f"{self.url}/epmc", "PLOS_URL": f"{self.url}/plos",
                "BIORXIV_URL": f"{self.url}/biorxiv", "SSL_CERT_FILE": str(self.ca_path),
                "PMC_URL": f"{self.url}/pmc", "IDCONV_URL": f"{self.url}/idconv",
                "KG_FULLTEXT_RATE": "1000"}  # fmt: skip

    def services(self) -> dict[str, str]:
        """The base URL of each registered full-text service on this server."""
        return {"pmc": f"{self.url}/pmc", "europepmc": f"{self.url}/epmc",
                "plos": f"{self.url}/plos", "biorxiv": f"{self.url}/biorxiv"}  # fmt: skip

    def add_pmc(
        self,
        pmcid: str,
        xml: bytes,
        doi: str,
        versions: int = 2,
        license_code: str = "CC BY",
        retracted: bool = False,
    ) -> None:
        """A paper in the bucket: `versions` versions, the latest holding `xml`."""
        meta = {"pmcid": pmcid, "doi": doi, "is_pmc_openaccess": True,
                "is_retracted": retracted, "license_code": license_code}  # fmt: skip
        self.pmc[pmcid] = {v: (xml if v == versions else b"<old/>", {**meta, "version": v})
                           for v in range(1, versions + 1)}  # fmt: skip

    INVENTORY = "inventory-reports/pmc-oa-opendata/metadata/"

    def _inventory(self, key: str, query: dict[str, list[str]]) -> Answer | None:
        """The bucket's daily inventory: two dated reports, the newer listing every version
        (split over two gzipped CSV files), the older one nothing."""
        reports = [f"{self.INVENTORY}2026-11-30T01-00Z/", f"{self.INVENTORY}2026-12-01T01-00Z/"]
        if key == "" and query.get("prefix") == [self.INVENTORY]:
            listed = "".join(f"<CommonPrefixes><Prefix>{p}</Prefix></CommonPrefixes>"
                             for p in [*reports, self.INVENTORY + "data/"])  # fmt: skip
            return Answer(body=f"<ListBucketResult>{listed}</ListBucketResult>".encode())
        files = [f"{self.INVENTORY}data/{n}.csv.gz" for n in ("a1", "b2")]
        if key == reports[1] + "manifest.json":
            listed = [{"key": f, "size": 1, "MD5checksum": "x"} for f in files]
            schema = "Bucket, Key, LastModifiedDate, ETag"
            manifest = {"sourceBucket": "pmc-oa-opendata", "fileFormat": "CSV",
                        "fileSchema": schema, "files": listed}  # fmt: skip
            return Answer(body=json.dumps(manifest).encode(), content_type="application/json")
        if key in files:
            keys = [f"metadata/{pmcid}.{v}.json" for pmcid, vs in sorted(self.pmc.items())
                    for v in vs]  # fmt: skip
            rows = [f'"pmc-oa-opendata","{k}","2026-12-01T00:00:00.000Z","e"\n' for k in keys]
            half = rows[::2] if key == files[0] else rows[1::2]
            return Answer(body=gzip.compress("".join(half).encode()), content_type="text/csv")
        return None

    def _bucket(self, route: str, query: dict[str, list[str]]) -> Answer:
        key = route.removeprefix("/pmc/")
        inventory = self._inventory(key, query)
        if inventory is not None:
            return inventory
        if key == "" and query.get("list-type") == ["2"]:
            prefix = query.get("prefix", [""])[0]
            pmcid = prefix.rstrip(".")
            listed = "".join(f"<CommonPrefixes><Prefix>{pmcid}.{v}/</Prefix></CommonPrefixes>"
                             for v in self.pmc.get(pmcid, {}))  # fmt: skip
            body = ('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.'
                    f'amazonaws.com/doc/2006-03-01/"><Name>pmc-oa-opendata</Name><Prefix>{prefix}'
                    f"</Prefix><Delimiter>/</Delimiter><IsTruncated>false</IsTruncated>{listed}"
                    "</ListBucketResult>")  # fmt: skip
            return Answer(body=body.encode())
        name = key.rsplit("/", 1)[-1]
        pmcid, _, rest = name.partition(".")
        version = int(rest.split(".")[0]) if rest.split(".")[0].isdigit() else 0
        xml, meta = self.pmc.get(pmcid, {}).get(version, (b"", {}))
        if key.startswith("metadata/") and meta:
            return Answer(body=json.dumps(meta).encode(), content_type="application/json")
        if key == f"{pmcid}.{version}/{pmcid}.{version}.xml" and xml:
            return Answer(body=xml)
        return Answer(403, b"<Error><Code>AccessDenied</Code></Error>")  # what S3 says

    def _idconv(self, query: dict[str, list[str]]) -> Answer:
        asked = query.get("ids", [""])[0].split(",")
        records = [{"requested-id": d, "doi": d, "pmcid": self.idconv[d.lower()]}
                   if d.lower() in self.idconv else
                   {"requested-id": d, "status": "error", "errmsg": "invalid article id"}
                   for d in asked]  # fmt: skip
        body = {"status": "ok", "records": records}
        return Answer(body=json.dumps(body).encode(), content_type="application/json")

    def __enter__(self) -> "FulltextServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str) -> Answer:
        time.sleep(self.delay)
        with self._lock:
            self.log.append(path)
            for marker, scripted in self.faults.items():
                if marker in path and scripted:
                    return scripted.pop(0)
        parts = urlsplit(path)
        query = parse_qs(parts.query)
        route = parts.path
        if route.startswith("/pmc/"):
            return self._bucket(route, query)
        if route.rstrip("/") == "/idconv":
            return self._idconv(query)
        if route == "/epmc/search":
            doi = unquote(query["query"][0]).removeprefix('DOI:"').removesuffix('"').lower()
            hit = self.epmc_search.get(doi)
            results = [{"doi": doi, "pmcid": hit[0], "isOpenAccess": hit[1]}] if hit else []
            body = {"hitCount": len(results), "resultList": {"result": results}}
            return Answer(body=json.dumps(body).encode(), content_type="application/json")
        if route.startswith("/epmc/") and route.endswith("/fullTextXML"):
            xml = self.epmc_xml.get(route.split("/")[2])
            return Answer(body=xml) if xml else Answer(404, b"<error>not found</error>")
        if route.startswith("/plos/") and route.endswith("/article/file"):
            xml = self.plos_xml.get(query["id"][0].lower())
            return Answer(body=xml) if xml else Answer(404, b"<html>404</html>", "text/html")
        if route.startswith("/biorxiv/details/"):
            _, _, _, server, rest = route.split("/", 4)
            doi = rest.removesuffix("/na/json")
            doi = unquote(doi)
            if server == "biorxiv" and doi in self.biorxiv_xml:
                versions = [{"doi": doi, "version": str(v), "server": server,
                             "jatsxml": f"{self.url}/biorxiv/content/{doi}v{v}.source.xml"}
                            for v in (1, 2)]  # fmt: skip
                body = {"messages": [{"status": "ok"}], "collection": versions}
            else:
                body = {"messages": [{"status": "no posts found"}], "collection": []}
            return Answer(body=json.dumps(body).encode(), content_type="application/json")
        if route.startswith("/biorxiv/content/"):
            doi, _, version = route.removeprefix("/biorxiv/content/").rpartition("v")
            xml = self.biorxiv_xml.get(doi)
            if xml and version == "2.source.xml":
                return Answer(body=xml)
            return Answer(404, b"")
        return Answer(404, b"")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if server.keep_alive else "HTTP/1.0"

            def do_GET(self) -> None:
                for marker, hostile in server.hostile.items():
                    if marker in self.path:
                        with server._lock:
                            server.log.append(self.path)
                        hostile(self)
                        return
                answer = server.answer(self.path)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                size = len(answer.body) * 2 if answer.truncate else len(answer.body)
                self.send_header("Content-Length", str(size))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)
                if answer.truncate:
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def real_papers() -> dict[str, bytes]:
    """The four real JATS files of tests/data/oa by DOI."""
    return {
        "10.7554/elife.86628": (DATA / "elife-86628-v1.xml").read_bytes(),
        "10.1371/journal.pone.0000217": (DATA / "pone.0000217.nxml").read_bytes(),
        "10.1371/journal.pone.0050698": (DATA / "journal.pone.0050698.xml").read_bytes(),
        "10.1101/2023.07.26.550718": (DATA / "biorxiv_2023.07.26.550718.xml").read_bytes(),
    }
