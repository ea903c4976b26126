// Which steps of the scientific process do pre-trained models serve in each field?
//
// Parameters:
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: field_id, field, stage, stage_order, reuses, papers
MATCH (p:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
MATCH (p)-[i:IMPACTS]->(s:Stage)
RETURN f.id AS field_id,
       f.name AS field,
       s.name AS stage,
       s.order AS stage_order,
       count(i) AS reuses,
       count(DISTINCT p) AS papers
ORDER BY field, reuses DESC, stage_order
