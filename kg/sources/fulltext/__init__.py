"""Open-access full text from the web, one module per service behind one registry
(registry.py); lookup.py asks them in turn for each work, client.py is the polite, bounded
HTTP client they share."""

from kg.sources.fulltext.client import Politeness
from kg.sources.fulltext.lookup import FulltextReport, Services, fetch_fulltexts
from kg.sources.fulltext.service import Found

__all__ = ["Found", "FulltextReport", "Politeness", "Services", "fetch_fulltexts"]
