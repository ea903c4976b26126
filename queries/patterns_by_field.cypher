// Which reuse pattern dominates in each field?
//
// Reuses whose pattern no evidence decided ('undetermined') are left out of every count and
// share and counted in undetermined. A field whose reuses all have an undetermined pattern gets
// one row with no pattern that carries that count.
//
// Parameters:
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: field_id, field, pattern, reuses, papers, reuse_share (of the field's reuses with an evidenced pattern), paper_share (of the field's papers reusing PTMs), undetermined (the field's reuses of undetermined pattern)
MATCH (p:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
MATCH (p)-[:HAS_REUSE]->(u:Reuse)
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
WITH f, coalesce(pat.name, 'undetermined') AS pattern, count(u) AS reuses, collect(DISTINCT p) AS pattern_papers
WITH f,
     collect(CASE WHEN pattern <> 'undetermined'
                  THEN {pattern: pattern, reuses: reuses, papers: size(pattern_papers)} END) AS rows,
     toInteger(sum(CASE WHEN pattern <> 'undetermined' THEN reuses ELSE 0 END)) AS total,
     toInteger(sum(CASE WHEN pattern = 'undetermined' THEN reuses ELSE 0 END)) AS undetermined
WHERE total > 0 OR undetermined > 0
MATCH (q:Paper)-[q_rel:IN_FIELD]->(f)
WHERE q_rel.rank <= $max_rank AND q.uses_ptms
  AND (q_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH f, rows, total, undetermined, count(DISTINCT q) AS ptm_papers
UNWIND CASE WHEN size(rows) = 0 THEN [null] ELSE rows END AS row
RETURN f.id AS field_id,
       f.name AS field,
       row.pattern AS pattern,
       coalesce(row.reuses, 0) AS reuses,
       coalesce(row.papers, 0) AS papers,
       CASE WHEN total = 0 THEN null ELSE round(1000.0 * row.reuses / total) / 1000.0 END AS reuse_share,
       CASE WHEN total = 0 THEN null ELSE round(1000.0 * row.papers / ptm_papers) / 1000.0 END AS paper_share,
       undetermined
ORDER BY total DESC, field, reuses DESC, pattern
