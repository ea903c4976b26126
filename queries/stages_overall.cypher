// Which step of the scientific process do pre-trained models serve?
//
// Units: reuse_share counts reuses (one per paper and model); paper_share counts papers
// reusing PTMs (a paper whose models serve two stages counts in both).
//
// Parameters: none
// Columns: stage, stage_order, reuses, papers, reuse_share, paper_share
MATCH (:Paper)-[every:REUSES]->(:Model)
WITH count(every) AS total, count(DISTINCT startNode(every)) AS ptm_papers
MATCH (s:Stage)
OPTIONAL MATCH (p:Paper)-[i:IMPACTS]->(s)
WITH s, count(i) AS reuses, count(DISTINCT p) AS papers, total, ptm_papers
RETURN s.name AS stage,
       s.order AS stage_order,
       reuses,
       papers,
       CASE WHEN total = 0 THEN 0.0 ELSE round(1000.0 * reuses / total) / 1000.0 END AS reuse_share,
       CASE WHEN ptm_papers = 0 THEN 0.0 ELSE round(1000.0 * papers / ptm_papers) / 1000.0 END AS paper_share
ORDER BY reuses DESC, stage_order
