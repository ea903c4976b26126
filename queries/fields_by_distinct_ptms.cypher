// Which fields draw on the widest range of pre-trained models?
//
// Parameters:
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: field_id, field, models, families, ptm_papers
MATCH (p:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
MATCH (p)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model)
RETURN f.id AS field_id,
       f.name AS field,
       count(DISTINCT m) AS models,
       count(DISTINCT m.family) AS families,
       count(DISTINCT p) AS ptm_papers
ORDER BY models DESC, ptm_papers DESC, field
