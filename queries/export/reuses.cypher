// kg export: one row per paper and model it reuses (a Reuse node).
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
OPTIONAL MATCH (u)-[:AT_STAGE]->(s:Stage)
OPTIONAL MATCH (p)-[fr:IN_FIELD]->(f:Field)
WHERE fr.rank = 0
RETURN p.id AS paper_id, p.doi AS doi, p.year AS year, f.id AS primary_field_id,
       f.name AS primary_field, m.name AS model, m.family AS family,
       u.mention AS mention, coalesce(pat.name, 'undetermined') AS pattern,
       coalesce(s.name, 'undetermined') AS stage, u.role AS role,
       u.form AS form, u.evidence AS evidence, u.found_by AS found_by
ORDER BY paper_id, model
