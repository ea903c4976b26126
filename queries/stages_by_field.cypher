// Which steps of the scientific process do pre-trained models serve in each field?
//
// Parameters:
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
// Columns: field_id, field, stage, stage_order, reuses, papers
MATCH (p:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
MATCH (p)-[i:IMPACTS]->(s:Stage)
RETURN f.id AS field_id,
       f.name AS field,
       s.name AS stage,
       s.order AS stage_order,
       count(i) AS reuses,
       count(DISTINCT p) AS papers
ORDER BY field, reuses DESC, stage_order
