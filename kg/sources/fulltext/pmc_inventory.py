"""The PMC Cloud bucket's daily inventory: each PMCID's latest version without a listing
request per paper (so a paper costs two GETs, not three).

The layout the bucket's README documents: S3 Inventory reports under
`inventory-reports/pmc-oa-opendata/metadata/<YYYY-MM-DDTHH-MMZ>/manifest.json`, kept 30 days;
the manifest (S3's inventory manifest JSON) names its `fileSchema` ("Bucket, Key, ...") and
its `files` (`[{"key": ".../data/<uuid>.csv.gz", ...}]`), gzipped CSV without a header whose
Key column is a metadata object, `metadata/PMC13901.1.json`. The newest report is found by
listing the dated prefixes (ListObjectsV2 with a delimiter).
"""

import asyncio
import csv
import gzip
import io
import json
import re
import ssl
from dataclasses import dataclass, replace

import aiohttp
from lxml import etree

from kg.sources.bounded import url_under
from kg.sources.fulltext.client import Client, Failed, Politeness

PREFIX = "inventory-reports/pmc-oa-opendata/metadata/"
_REPORT = re.compile(re.escape(PREFIX) + r"\d{4}-\d{2}-\d{2}T\d{2}-\d{2}Z/")
_KEY = re.compile(r"metadata/(PMC\d{1,12})\.(\d{1,4})\.json")
MAX_FILE = 2_000_000_000  # an inventory file, compressed: far above one paper's limit


@dataclass
class Inventory:
    report: str | None = None  # the dated prefix read
    versions: dict[str, int] | None = None
    requests: int = 0


def newest_report(listing: bytes) -> str | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(listing, parser)
    except etree.XMLSyntaxError:
        raise Failed("the inventory listing is not an S3 listing") from None
    reports = [p.text for p in root.iterfind("{*}CommonPrefixes/{*}Prefix")
               if p.text and _REPORT.fullmatch(p.text)]  # fmt: skip
    return max(reports) if reports else None


def data_files(manifest: bytes) -> tuple[list[str], int]:
    """The manifest's CSV files (only keys under the inventory's own data/ folder) and the
    Key column's place."""
    try:
        meta = json.loads(manifest)
        columns = [c.strip() for c in str(meta["fileSchema"]).split(",")]
        keys = [str(f["key"]) for f in meta["files"]]
    except (ValueError, KeyError, TypeError):
        raise Failed("not an S3 inventory manifest") from None
    if "Key" not in columns:
        raise Failed("the inventory has no Key column")
    safe = [k for k in keys if k.startswith(PREFIX + "data/") and k.endswith(".csv.gz")
            and ".." not in k]  # fmt: skip
    return safe, columns.index("Key")


def versions_in(data: bytes, key_at: int, wanted: set[str]) -> dict[str, int]:
    """The highest version of each wanted PMCID in one inventory CSV file."""
    found: dict[str, int] = {}
    try:
        text = io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(data)), encoding="utf-8",
                                errors="replace", newline="")  # fmt: skip
        for row in csv.reader(text):
            match = _KEY.fullmatch(row[key_at]) if len(row) > key_at else None
            if match and match.group(1) in wanted:
                version = int(match.group(2))
                found[match.group(1)] = max(version, found.get(match.group(1), 0))
    except (OSError, EOFError, csv.Error) as error:
        raise Failed(f"an inventory file cannot be read: {error}") from None
    return found


async def _read(base: str, politeness: Politeness, wanted: set[str]) -> Inventory:
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=politeness.timeout,
                                    sock_read=politeness.timeout)  # fmt: skip
    connector = aiohttp.TCPConnector(limit=4, ssl=ssl.create_default_context())
    headers = {"User-Agent": politeness.user_agent}
    inventory = Inventory(versions={})
    async with aiohttp.ClientSession(timeout=timeout, headers=headers,
                                     connector=connector) as session:  # fmt: skip
        client = Client(session, replace(politeness, max_bytes=MAX_FILE))
        try:
            listed = await client.get(url_under(base, "", f"list-type=2&prefix={PREFIX}"
                                                          "&delimiter=/"))  # fmt: skip
            if listed.status != 200:
                raise Failed(f"the inventory listing: HTTP {listed.status}")
            inventory.report = newest_report(listed.body)
            if inventory.report is None:
                return inventory
            manifest = await client.get(url_under(base, inventory.report + "manifest.json"))
            if manifest.status != 200:
                raise Failed(f"{inventory.report}manifest.json: HTTP {manifest.status}")
            files, key_at = data_files(manifest.body)
            for key in files:
                reply = await client.get(url_under(base, key))
                if reply.status != 200:
                    raise Failed(f"{key}: HTTP {reply.status}")
                versions = await asyncio.to_thread(versions_in, reply.body, key_at, wanted)
                for pmcid, version in versions.items():
                    if version > inventory.versions.get(pmcid, 0):  # type: ignore[union-attr]
                        inventory.versions[pmcid] = version  # type: ignore[index]
        finally:
            inventory.requests = client.requests
    return inventory


def read_inventory(base: str, politeness: Politeness, wanted: set[str]) -> Inventory:
    """The latest version of each PMCID of `wanted` that the newest inventory lists."""
    return asyncio.run(_read(base, politeness, wanted))
