// Which stages does each reuse pattern serve (pattern x stage)?
//
// Counts reuses whose pattern and stage were both evidenced; undetermined counts the reuses
// where either was left undetermined. When no reuse has both, one row with no pattern and no
// stage carries that count.
//
// Parameters: none
// Columns: pattern, stage, stage_order, reuses, undetermined
MATCH (:Paper)-[every:REUSES]->(:Model)
WITH count(CASE WHEN every.pattern = 'undetermined' OR every.stage = 'undetermined'
                THEN every END) AS undetermined
OPTIONAL MATCH (:Paper)-[r:REUSES]->(:Model)
WHERE r.pattern <> 'undetermined' AND r.stage <> 'undetermined'
WITH r.pattern AS pattern, r.stage AS stage_name, count(r) AS reuses, undetermined
WHERE pattern IS NOT NULL OR undetermined > 0
OPTIONAL MATCH (s:Stage)
WHERE s.name = stage_name
RETURN pattern,
       s.name AS stage,
       s.order AS stage_order,
       reuses,
       undetermined
ORDER BY pattern, stage_order
