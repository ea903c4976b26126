"""ptm-kg: the graph side (schema, stores, loader, queries, CLI)."""
