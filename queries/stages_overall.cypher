// Which step of the scientific process do pre-trained models serve?
//
// Units: reuse_share counts reuses (one per paper and model); paper_share counts papers
// reusing PTMs (a paper whose models serve two stages counts in both).
//
// Reuses whose stage no evidence decided ('undetermined') are left out of every count and
// share and counted in undetermined.
//
// Parameters: none
// Columns: stage, stage_order, reuses, papers, reuse_share, paper_share, undetermined
MATCH (q:Paper)-[:HAS_REUSE]->(every:Reuse)
OPTIONAL MATCH (every)-[:AT_STAGE]->(known:Stage)
WITH count(known) AS total,
     count(DISTINCT CASE WHEN known IS NOT NULL THEN q END) AS ptm_papers,
     count(CASE WHEN known IS NULL THEN every END) AS undetermined
MATCH (s:Stage)
OPTIONAL MATCH (p:Paper)-[:HAS_REUSE]->(i:Reuse)-[:AT_STAGE]->(s)
WITH s, count(i) AS reuses, count(DISTINCT p) AS papers, total, ptm_papers, undetermined
RETURN s.name AS stage,
       s.order AS stage_order,
       reuses,
       papers,
       CASE WHEN total = 0 THEN 0.0 ELSE round(1000.0 * reuses / total) / 1000.0 END AS reuse_share,
       CASE WHEN ptm_papers = 0 THEN 0.0 ELSE round(1000.0 * papers / ptm_papers) / 1000.0 END AS paper_share,
       undetermined
ORDER BY reuses DESC, stage_order
