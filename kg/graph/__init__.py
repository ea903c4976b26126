"""Records -> graph: the schema declared once (schema.py), the MERGE loader (loader.py), and
the stores that hold the graph and serialise it (stores/)."""
