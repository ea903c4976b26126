"""Outside material (OpenAlex works, paper texts, extractions) turned into validated records.

Nothing in this package knows the graph.
"""
