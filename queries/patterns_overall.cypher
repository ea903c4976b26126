// Which reuse pattern (conceptual, adaptation, deployment) dominates?
//
// Parameters: none
// Columns: pattern, reuses, papers, reuse_share
MATCH (:Paper)-[every:REUSES]->(:Model)
WITH count(every) AS total
MATCH (p:Paper)-[r:REUSES]->(:Model)
WITH r.pattern AS pattern, count(r) AS reuses, count(DISTINCT p) AS papers, total
RETURN pattern,
       reuses,
       papers,
       round(1000.0 * reuses / total) / 1000.0 AS reuse_share
ORDER BY reuses DESC, pattern
