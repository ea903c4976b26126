"""Europe PMC's RESTful API, base `EUROPEPMC_URL`.

`GET {base}/search?query=DOI:"<doi>"&format=json&resultType=lite&pageSize=1` answers
`{"hitCount": n, "resultList": {"result": [{"pmcid": "PMC…", "isOpenAccess": "Y"|"N",
...}]}}`; `GET {base}/{PMCID}/fullTextXML` answers the JATS `<article>` of a paper in the
open-access subset, and 404 for the rest (the shapes the europepmc R client's `epmc_ftxt`
relies on too). The PMCID comes first from the OpenAlex work's `ids.pmcid` (a URL ending in
the PMCID or its number), else from that search. A `"` in a DOI is escaped in the
`DOI:"…"` query, and a PMCID from the search must look like one.
"""

import json
import re
from typing import Any
from urllib.parse import quote

from extract.parse_fulltext import normalise_doi
from kg.sources.bounded import url_under
from kg.sources.fulltext.client import Failed
from kg.sources.fulltext.service import Found, Lookup

_PMCID = re.compile(r"(?:PMC)?(\d+)/?$", re.IGNORECASE)
_PMCID_EXACT = re.compile(r"PMC\d{1,12}")


def pmcid_of(raw: dict[str, Any]) -> str | None:
    """PMC1234567 from an OpenAlex work's ids.pmcid (a URL or a bare id), if any."""
    value = (raw.get("ids") or {}).get("pmcid") if isinstance(raw, dict) else None
    match = _PMCID.search(str(value)) if value else None
    return f"PMC{match.group(1)}" if match else None


def lucene_phrase(value: str) -> str:
    """`value` as a quoted phrase of Europe PMC's (Lucene) query syntax: `"` and `\\`
    escaped with a backslash, so a DOI cannot end the phrase and add query terms."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def find(lookup: Lookup, base: str) -> Found | None:
    base = base.rstrip("/")
    work = lookup.work
    pmcid = pmcid_of(lookup.raw)
    if pmcid is None and work.doi:
        query = quote("DOI:" + lucene_phrase(work.doi), safe="")
        url = url_under(base, "search", f"query={query}&format=json&resultType=lite&pageSize=1")
        reply = await lookup.client.get(url)
        if reply.status != 200:
            raise Failed(f"{url}: HTTP {reply.status}")
        try:
            results = json.loads(reply.body)["resultList"]["result"]
        except (ValueError, KeyError, TypeError):
            raise Failed(f"{url}: not a Europe PMC search answer") from None
        hit = results[0] if results and isinstance(results[0], dict) else {}
        if hit.get("doi") and normalise_doi(str(hit["doi"])) != work.doi:
            raise Failed(f"{url}: the hit is the paper {hit['doi']}, not {work.doi}")
        pmcid = hit.get("pmcid")
        if pmcid and not _PMCID_EXACT.fullmatch(str(pmcid)):
            raise Failed(f"{url}: {str(pmcid)[:80]!r} is not a PMCID")
        if pmcid and hit.get("isOpenAccess") == "N":
            lookup.not_oa = True
            return None
    if not pmcid:
        return None
    return await lookup.fetch_xml("europepmc", url_under(base, f"{pmcid}/fullTextXML"))
