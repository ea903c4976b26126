"""bioRxiv and medRxiv through the bioRxiv API, base `BIORXIV_URL`.

`GET {base}/details/{biorxiv|medrxiv}/{doi}/na/json` answers `{"messages": [{"status":
"ok"}], "collection": [{"doi", "version", "jatsxml", ...}, ...]}`, one entry per version; the
latest version's `jatsxml` is the URL of its JATS (on www.biorxiv.org or www.medrxiv.org, or
on the API's own host). Both servers' DOI prefixes are asked of bioRxiv, then medRxiv:
`10.1101/` (postings up to November 2025, Cold Spring Harbor) and `10.64898/` (postings
since December 2025, openRxiv). A `jatsxml` link comes from remote data: it is followed like
a redirect, only to those hosts, or not at all.
"""

import json

from kg.sources.bounded import host_of, quote_part, redirect_target, url_under
from kg.sources.fulltext.client import Failed
from kg.sources.fulltext.service import Found, Lookup

BIORXIV_PREFIXES = ("10.1101/", "10.64898/")  # Cold Spring Harbor, then openRxiv (Dec 2025)
CONTENT_HOSTS = ("www.biorxiv.org", "www.medrxiv.org")  # where `jatsxml` links point


async def find(lookup: Lookup, base: str) -> Found | None:
    doi = lookup.work.doi or ""
    if not doi.startswith(BIORXIV_PREFIXES):
        return None
    hosts = frozenset({host_of(base), *CONTENT_HOSTS})
    for server in ("biorxiv", "medrxiv"):
        url = url_under(base, f"details/{server}/{quote_part(doi)}/na/json")
        reply = await lookup.client.get(url)
        if reply.status == 404:
            continue
        if reply.status != 200:
            raise Failed(f"{url}: HTTP {reply.status}")
        try:
            versions = json.loads(reply.body).get("collection") or []
            latest = max(versions, key=lambda v: int(v.get("version") or 0))
            jats = latest.get("jatsxml") or latest.get("jats_xml_path")
        except (ValueError, AttributeError, TypeError):
            continue  # no collection: this server does not have the DOI
        if jats:
            link = redirect_target(url, str(jats), hosts)
            found = await lookup.fetch_xml(server, link, hosts)
            if found is not None:
                return found
    return None
