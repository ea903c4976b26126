"""ptm-kg's edges with the outside world, and the graph: sources (OpenAlex, corpus files,
full-text services), the workspace (SQLite), the pipeline stages, the graph (schema, loader,
stores), the question side (queries, report, flows, Browser kit), and the CLI."""
