// Which reuse pattern dominates in each field?
//
// Parameters:
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
// Columns: field_id, field, pattern, reuses, papers, reuse_share (of the field's reuses)
MATCH (p:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
MATCH (p)-[r:REUSES]->(:Model)
WITH f, r.pattern AS pattern, count(r) AS reuses, count(DISTINCT p) AS papers
WITH f, collect({pattern: pattern, reuses: reuses, papers: papers}) AS rows, sum(reuses) AS total
UNWIND rows AS row
RETURN f.id AS field_id,
       f.name AS field,
       row.pattern AS pattern,
       row.reuses AS reuses,
       row.papers AS papers,
       round(1000.0 * row.reuses / total) / 1000.0 AS reuse_share
ORDER BY total DESC, field, reuses DESC, pattern
