"""Where papers come from: OpenAlex (openalex.py, its prices in openalex_budget.py), the
user's corpus files (corpus.py, own_papers.py), a local archive of XML (archive.py), and the
open-access full-text services (fulltext/). Every body read from the network is bounded
(bounded.py). Parsing what arrives is extract/'s job (parse_openalex, parse_fulltext)."""
