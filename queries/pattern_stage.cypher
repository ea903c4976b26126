// Which stages does each reuse pattern serve (pattern x stage)?
//
// Parameters: none
// Columns: pattern, stage, stage_order, reuses
MATCH (:Paper)-[r:REUSES]->(:Model)
MATCH (s:Stage {name: r.stage})
RETURN r.pattern AS pattern,
       s.name AS stage,
       s.order AS stage_order,
       count(r) AS reuses
ORDER BY pattern, stage_order
