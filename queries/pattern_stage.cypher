// Which stages does each reuse pattern serve (pattern x stage)?
//
// Counts reuses whose pattern and stage were both evidenced; undetermined counts the reuses
// where either was left undetermined. When no reuse has both, one row with no pattern and no
// stage carries that count.
//
// Parameters: none
// Columns: pattern, stage, stage_order, reuses, undetermined
MATCH (:Paper)-[:HAS_REUSE]->(every:Reuse)
OPTIONAL MATCH (every)-[:WITH_PATTERN]->(known:Pattern)
OPTIONAL MATCH (every)-[:AT_STAGE]->(at:Stage)
WITH count(CASE WHEN known IS NULL OR at IS NULL THEN every END) AS undetermined
OPTIONAL MATCH (pat:Pattern)<-[:WITH_PATTERN]-(u:Reuse)-[:AT_STAGE]->(s:Stage)
WITH pat.name AS pattern, s, count(u) AS reuses, undetermined
WHERE pattern IS NOT NULL OR undetermined > 0
RETURN pattern,
       s.name AS stage,
       s.order AS stage_order,
       reuses,
       undetermined
ORDER BY pattern, stage_order
