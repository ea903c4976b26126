"""DOIs mapped to PMCIDs, for works whose OpenAlex record has no `ids.pmcid`: from Europe
PMC's mapping file, or from NCBI's ID Converter API.

- The mapping file, `PMID_PMCID_DOI.csv.gz` (europepmc.org/pub/databases/pmc/DOI/, monthly):
  a gzipped CSV with a header row naming the columns PMID, PMCID and DOI. It is streamed, and
  only the rows of the DOIs asked for are kept, so its ~40M rows never sit in memory.
- The ID Converter, base `IDCONV_URL`: `GET {base}/?ids=<doi>,<doi>...&idtype=doi&format=json
  &versions=no&tool=ptm-kg&email=...`, at most 200 ids a request, answers `{"records":
  [{"requested-id": ..., "doi": ..., "pmcid": "PMC…"}]}`; a DOI it does not know comes back
  without a pmcid (with `"status": "error"`). It knows only articles in PMC.

Either way the answer for every DOI asked is stored (table pmcids; a NULL pmcid is a DOI
known to have none), so a rerun asks nothing again.
"""

import asyncio
import csv
import gzip
import io
import json
import re
import ssl
from collections.abc import Callable, Iterable, Iterator
from itertools import batched
from pathlib import Path
from urllib.parse import quote

import aiohttp

from extract.errors import InputRejected
from extract.parse_fulltext import normalise_doi
from kg.sources.bounded import url_under
from kg.sources.fulltext.client import Client, Failed, Politeness

Mapped = dict[str, str | None]  # doi -> its PMCID, None when it has none
BATCH = 200  # ids per ID Converter request, the documented maximum
_PMCID = re.compile(r"PMC\d{1,12}")


def read_mapping_file(path: Path, wanted: set[str]) -> Iterator[tuple[str, str]]:
    """(doi, pmcid) for each DOI of `wanted` (normalised) that the mapping file maps."""
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as raw:
            lines = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
            rows = csv.reader(lines)
            header = [h.strip().upper() for h in next(rows, [])]
            if "DOI" not in header or "PMCID" not in header:
                raise InputRejected(
                    f"{path}: not a PMID_PMCID_DOI mapping file (its header is {header[:5]}; "
                    "PMCID and DOI columns are needed)"
                )
            doi_at, pmcid_at = header.index("DOI"), header.index("PMCID")
            for row in rows:
                if len(row) <= max(doi_at, pmcid_at) or not row[doi_at]:
                    continue
                doi = normalise_doi(row[doi_at])
                if doi in wanted and _PMCID.fullmatch(row[pmcid_at].strip()):
                    yield doi, row[pmcid_at].strip()
    except (OSError, EOFError, csv.Error, UnicodeError) as error:
        raise InputRejected(f"cannot read the mapping file {path}: {error}") from error


def parse_idconv(body: bytes, asked: Iterable[str]) -> dict[str, str | None]:
    """Each DOI asked, with the PMCID the ID Converter gave it (None: none)."""
    try:
        records = json.loads(body)["records"]
    except (ValueError, KeyError, TypeError):
        raise Failed("not an ID Converter answer") from None
    found: dict[str, str | None] = dict.fromkeys(asked)
    for record in records if isinstance(records, list) else []:
        if not isinstance(record, dict):
            continue
        doi = record.get("doi") or record.get("requested-id")
        pmcid = str(record.get("pmcid") or "")
        if doi and normalise_doi(str(doi)) in found and _PMCID.fullmatch(pmcid):
            found[normalise_doi(str(doi))] = pmcid
    return found


async def _convert(
    dois: list[str], base: str, politeness: Politeness, store: Callable[[Mapped], None]
) -> int:
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=politeness.timeout,
                                    sock_read=politeness.timeout)  # fmt: skip
    connector = aiohttp.TCPConnector(limit=2, ssl=ssl.create_default_context())
    headers = {"User-Agent": politeness.user_agent}
    contact = f"&email={quote(politeness.email, safe='@')}" if politeness.email else ""
    async with aiohttp.ClientSession(timeout=timeout, headers=headers,
                                     connector=connector) as session:  # fmt: skip
        client = Client(session, politeness)
        for batch in batched(dois, BATCH):
            ids = quote(",".join(batch), safe=",/")
            query = f"ids={ids}&idtype=doi&format=json&versions=no&tool=ptm-kg{contact}"
            url = url_under(base, "", query)
            reply = await client.get(url)
            if reply.status != 200:
                raise Failed(f"{url}: HTTP {reply.status}")
            store(parse_idconv(reply.body, batch))
        return client.requests


def convert_dois(
    dois: list[str], base: str, politeness: Politeness, store: Callable[[Mapped], None]
) -> int:
    """Ask the ID Converter for `dois`, 200 a request; `store` gets each batch's answers as
    it arrives. Returns the requests sent."""
    return asyncio.run(_convert(dois, base, politeness, store)) if dois else 0
