"""The pure core: paper material (OpenAlex records, JATS / TEI text) turned into validated
records, and the extractors that read them. Parsing (parse_openalex, parse_fulltext), the
model vocabulary (aliases, catalogue, open_world, cues, kinds, roles), reading (passages,
context, evidence, stage_evidence), the extractors (extractor, rules, llm*), and scoring
(evaluate, value_scores).

No I/O here: no HTTP, no SQLite, no graph. What the LLM extractor needs of its ledger is
an interface (ledger.py); the workspace in kg/ provides it.
"""
