"""The question side: the query runner over queries/*.cypher (queries.py, with names resolved
against the graph in resolve.py), the study's headline answers (answers.py), the report and
its figures (report.py, figures.py), PTM flows as networkx graphs (flows.py), tidy exports
(export.py), the Neo4j Browser kit (browser/), the words the columns use (glossary.py), and
how rows and files reach the reader (render.py, output.py)."""
