"""The few words the CLI and the query modules use, defined once: `kg queries` prints the
columns' meanings, and the README's glossary is checked against them by the tests."""

COLUMNS: dict[str, str] = {
    "ptm_share": "papers reusing PTMs / papers counted (extracted), in that row's field or year",
    "reuse_share": "of all reuses in the group (one reuse = one paper x one model); sums to 1",
    "paper_share": "of the group's papers reusing PTMs; a paper with two patterns (or stages) "
    "counts in both, so the column can sum above 1",
    "left_out": "papers in the graph not counted: extraction failed or still pending",
    "max_rank": "a paper counts in a field through topics of rank <= max_rank (0 = primary "
    "topic; ranks 1-2 add only natural-science fields unless --all-fields)",
}

WORDS: dict[str, str] = {
    "workspace": "the folder (KG_WORKSPACE, default ./.kg) that holds corpus.sqlite and the "
    "embedded graph; `kg where` names it",
    "kept works": "works the study's filters kept (fields, citations) or that a corpus file gave",
    "run": "one extractor with its settings; its outcomes are stored per paper",
    "outcome": "an extractor's stored answer for one paper in one run, or why it failed",
    "ledger": "every LLM call with prompt version, model, tokens, cost and response, in "
    "corpus.sqlite; a rerun with nothing changed reads it instead of calling",
    "build": "one load of the graph from the workspace, recorded as started and completed",
}
