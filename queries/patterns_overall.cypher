// Which reuse pattern (conceptual, adaptation, deployment) dominates?
//
// Units: reuse_share counts reuses (one per paper and model); paper_share counts papers
// reusing PTMs (a paper applying two patterns counts in both).
//
// Parameters: none
// Columns: pattern, reuses, papers, reuse_share (of all reuses), paper_share (of papers reusing PTMs)
MATCH (:Paper)-[every:REUSES]->(:Model)
WITH count(every) AS total, count(DISTINCT startNode(every)) AS ptm_papers
MATCH (p:Paper)-[r:REUSES]->(:Model)
WITH r.pattern AS pattern, count(r) AS reuses, count(DISTINCT p) AS papers, total, ptm_papers
RETURN pattern,
       reuses,
       papers,
       round(1000.0 * reuses / total) / 1000.0 AS reuse_share,
       round(1000.0 * papers / ptm_papers) / 1000.0 AS paper_share
ORDER BY reuses DESC, pattern
