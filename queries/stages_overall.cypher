// Which step of the scientific process do pre-trained models serve?
//
// Parameters: none
// Columns: stage, stage_order, reuses, papers, reuse_share
MATCH (:Paper)-[every:REUSES]->(:Model)
WITH count(every) AS total
MATCH (s:Stage)
OPTIONAL MATCH (p:Paper)-[i:IMPACTS]->(s)
WITH s, count(i) AS reuses, count(DISTINCT p) AS papers, total
RETURN s.name AS stage,
       s.order AS stage_order,
       reuses,
       papers,
       CASE WHEN total = 0 THEN 0.0 ELSE round(1000.0 * reuses / total) / 1000.0 END AS reuse_share
ORDER BY reuses DESC, stage_order
