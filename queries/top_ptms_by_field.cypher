// Which pre-trained models does each field reuse most?
//
// Parameters:
//   $per_field = 5   models listed per field
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: field_id, field, model, family, papers
MATCH (p:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
MATCH (p)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model)
WITH f, m, count(DISTINCT p) AS papers
ORDER BY papers DESC, m.name
WITH f, collect({model: m.name, family: m.family, papers: papers})[0..$per_field] AS top
UNWIND top AS row
RETURN f.id AS field_id,
       f.name AS field,
       row.model AS model,
       row.family AS family,
       row.papers AS papers
ORDER BY field, papers DESC, model
