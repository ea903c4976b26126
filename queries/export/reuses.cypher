// kg export: one row per paper and model it reuses (a REUSES edge).
MATCH (p:Paper)-[r:REUSES]->(m:Model)
OPTIONAL MATCH (p)-[fr:IN_FIELD]->(f:Field)
WHERE fr.rank = 0
RETURN p.id AS paper_id, p.doi AS doi, p.year AS year, f.id AS primary_field_id,
       f.name AS primary_field, m.name AS model, m.family AS family,
       r.mention AS mention, r.pattern AS pattern, r.stage AS stage, r.role AS role,
       r.form AS form, r.evidence AS evidence, r.found_by AS found_by
ORDER BY paper_id, model
