// Which steps of the scientific process do pre-trained models serve in each field?
//
// Reuses whose stage no evidence decided ('undetermined') are left out of every count and
// share and counted in undetermined. A field whose reuses all have an undetermined stage gets
// one row with no stage that carries that count.
//
// Parameters:
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: field_id, field, stage, stage_order, reuses, papers, undetermined (the field's reuses of undetermined stage)
MATCH (s:Stage)
WITH collect({name: s.name, order: s.order}) AS stages
MATCH (p:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
OPTIONAL MATCH (p)-[:HAS_REUSE]->(u:Reuse)
OPTIONAL MATCH (u)-[:AT_STAGE]->(known:Stage)
WITH stages, f, count(CASE WHEN u IS NOT NULL AND known IS NULL THEN u END) AS undetermined
MATCH (q:Paper)-[q_rel:IN_FIELD]->(f)
WHERE q_rel.rank <= $max_rank
  AND (q_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
OPTIONAL MATCH (q)-[:HAS_REUSE]->(i:Reuse)-[:AT_STAGE]->(s:Stage)
WITH stages, f, undetermined, s.name AS stage, count(i) AS reuses,
     count(DISTINCT CASE WHEN i IS NOT NULL THEN q END) AS papers
WITH f, undetermined,
     collect(CASE WHEN stage IS NOT NULL
                  THEN {stage: stage, stage_order: [x IN stages WHERE x.name = stage][0].order,
                        reuses: reuses, papers: papers} END) AS rows
WHERE size(rows) > 0 OR undetermined > 0
UNWIND CASE WHEN size(rows) = 0 THEN [null] ELSE rows END AS row
RETURN f.id AS field_id,
       f.name AS field,
       row.stage AS stage,
       row.stage_order AS stage_order,
       coalesce(row.reuses, 0) AS reuses,
       coalesce(row.papers, 0) AS papers,
       undetermined
ORDER BY field, reuses DESC, stage_order
