// Which stages does each reuse pattern serve (pattern x stage)?
//
// Counts reuses whose pattern and stage were both evidenced; undetermined counts the reuses
// where either was left undetermined.
//
// Parameters: none
// Columns: pattern, stage, stage_order, reuses, undetermined
MATCH (:Paper)-[every:REUSES]->(:Model)
WITH count(CASE WHEN every.pattern = 'undetermined' OR every.stage = 'undetermined'
                THEN every END) AS undetermined
MATCH (:Paper)-[r:REUSES]->(:Model)
WHERE r.pattern <> 'undetermined'
MATCH (s:Stage {name: r.stage})
RETURN r.pattern AS pattern,
       s.name AS stage,
       s.order AS stage_order,
       count(r) AS reuses,
       undetermined
ORDER BY pattern, stage_order
