"""The PMC Cloud Service: the public `pmc-oa-opendata` S3 bucket over plain HTTPS, base
`PMC_URL` (https://pmc-oa-opendata.s3.amazonaws.com; no account, no signature).

The layout the bucket's README documents (2026): one prefix per article version,
`PMC13901.1/`, holding `PMC13901.1.xml` (JATS), `.txt` and `.json`; the same metadata JSON
under `metadata/PMC13901.1.json`, with `pmcid, version, doi, is_pmc_openaccess,
is_retracted, license_code` among its fields. A PMCID's versions are listed with S3's
ListObjectsV2: `GET {base}/?list-type=2&prefix=PMC13901.&delimiter=/` answers a
`<ListBucketResult>` whose `<CommonPrefixes><Prefix>PMC13901.2/</Prefix>` name them.

So a work with a PMCID (from OpenAlex's `ids.pmcid`, or mapped from its DOI: pmcids.py)
costs three GETs: the listing, the latest version's metadata, its JATS; two when the
bucket's inventory gave the latest version (pmc_inventory.py, `kg fetch --pmc-inventory`).
A retracted paper is stored and marked (`Found.retracted`), never dropped silently; the
licence is kept with the text. The bucket is read with many requests in flight
(KG_PMC_CONCURRENCY) and no rate limit (client.py), with the same retries, size and time
limits as every other service.
"""

import json
import re
from dataclasses import replace

from lxml import etree

from kg.sources.bounded import url_under
from kg.sources.fulltext.client import Failed
from kg.sources.fulltext.europepmc import pmcid_of
from kg.sources.fulltext.service import Found, Lookup

_VERSION = re.compile(r"(PMC\d{1,12})\.(\d{1,4})/")


def latest_version(listing: bytes, pmcid: str) -> int | None:
    """The highest version of `pmcid` in a ListObjectsV2 answer, None when it lists none."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(listing, parser)
    except etree.XMLSyntaxError as error:
        raise Failed(f"not an S3 listing ({error})") from None
    if root is None or etree.QName(root).localname != "ListBucketResult":
        raise Failed("not an S3 listing (no ListBucketResult)")
    versions = []
    for prefix in root.iterfind("{*}CommonPrefixes/{*}Prefix"):
        match = _VERSION.fullmatch(prefix.text or "")
        if match and match.group(1) == pmcid:
            versions.append(int(match.group(2)))
    return max(versions) if versions else None


def metadata_flags(body: bytes) -> tuple[str | None, bool]:
    """The licence code and whether the paper is retracted, from one metadata JSON."""
    try:
        meta = json.loads(body)
    except ValueError:
        raise Failed("the metadata is not JSON") from None
    if not isinstance(meta, dict):
        raise Failed("the metadata is not a JSON object")
    license_code = meta.get("license_code")
    licence = str(license_code)[:40] if license_code else None
    return licence, meta.get("is_retracted") is True


async def _latest(lookup: Lookup, base: str, pmcid: str) -> int | None:
    """The PMCID's latest version, from a listing of its version prefixes."""
    listed = url_under(base, "", f"list-type=2&prefix={pmcid}.&delimiter=/")
    reply = await lookup.client.get(listed)
    if reply.status in (403, 404):  # S3 answers 403 for a key an anonymous reader cannot see
        return None
    if reply.status != 200:
        raise Failed(f"{listed}: HTTP {reply.status}")
    try:
        return latest_version(reply.body, pmcid)
    except Failed as error:
        raise Failed(f"{listed}: {error}") from None


async def find(lookup: Lookup, base: str) -> Found | None:
    pmcid = pmcid_of(lookup.raw)
    if pmcid is None:
        return None
    ids = lookup.raw.get("ids")
    # the latest version the inventory gave, when it was read
    known = ids.get("pmc_version") if isinstance(ids, dict) else None
    if isinstance(known, int) and known > 0:
        version: int | None = known
    else:
        version = await _latest(lookup, base, pmcid)
    if version is None:
        return None
    key = f"{pmcid}.{version}"
    meta_url = url_under(base, f"metadata/{key}.json")
    meta = await lookup.client.get(meta_url)
    licence, retracted = None, False
    if meta.status == 200:
        try:
            licence, retracted = metadata_flags(meta.body)
        except Failed as error:
            raise Failed(f"{meta_url}: {error}") from None
    elif meta.status not in (403, 404):
        raise Failed(f"{meta_url}: HTTP {meta.status}")
    found = await lookup.fetch_xml("pmc", url_under(base, f"{key}/{key}.xml"))
    if found is None:
        return None
    return replace(found, license=licence, retracted=retracted)
