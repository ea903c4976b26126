"""PLOS, base `PLOS_URL`: `GET {base}/{journal}/article/file?id={doi}&type=manuscript`
answers the article's JATS for a 10.1371 DOI; the journal comes from the DOI (pone →
plosone, pbio → plosbiology, ...)."""

import re
from urllib.parse import quote

from kg.sources.bounded import url_under
from kg.sources.fulltext.service import Found, Lookup

PLOS_JOURNALS = {
    "pone": "plosone", "pbio": "plosbiology", "pcbi": "ploscompbiol", "pgen": "plosgenetics",
    "ppat": "plospathogens", "pntd": "plosntds", "pmed": "plosmedicine",
}  # fmt: skip


def plos_journal(doi: str) -> str | None:
    match = re.match(r"10\.1371/journal\.([a-z]+)\.", doi)
    return PLOS_JOURNALS.get(match.group(1)) if match else None


async def find(lookup: Lookup, base: str) -> Found | None:
    journal = plos_journal(lookup.work.doi or "")
    if journal is None:
        return None
    doi = quote(lookup.work.doi or "", safe="/")
    url = url_under(base, f"{journal}/article/file", f"id={doi}&type=manuscript")
    return await lookup.fetch_xml("plos", url)
