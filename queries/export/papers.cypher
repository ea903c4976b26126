// kg export: one row per paper in the graph (kg/export.py declares the columns).
MATCH (p:Paper)
OPTIONAL MATCH (p)-[r:IN_FIELD]->(f:Field)
WITH p, r, f ORDER BY r.rank
WITH p, collect(f.name) AS fields, collect(f.id) AS field_ids
RETURN p.id AS paper_id, p.doi AS doi, p.title AS title, p.year AS year,
       p.journal AS journal, field_ids[0] AS primary_field_id, fields[0] AS primary_field,
       fields, p.status AS status, p.extractor AS extractor,
       p.extractor_version AS extractor_version, p.uses_dl AS uses_dl,
       p.uses_ptms AS uses_ptms, p.text_source AS text_source,
       p.cited_by_count AS cited_by_count
ORDER BY paper_id
