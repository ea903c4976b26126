// Which reuse pattern (conceptual, adaptation, deployment) dominates?
//
// Units: reuse_share counts reuses (one per paper and model); paper_share counts papers
// reusing PTMs (a paper applying two patterns counts in both).
//
// Reuses whose pattern no evidence decided ('undetermined') are left out of every count and
// share and counted in undetermined. When no reuse has an evidenced pattern, one row with
// no pattern carries that count.
//
// Parameters: none
// Columns: pattern, reuses, papers, reuse_share (of reuses with an evidenced pattern), paper_share (of papers with one), undetermined
MATCH (q:Paper)-[:HAS_REUSE]->(every:Reuse)
OPTIONAL MATCH (every)-[:WITH_PATTERN]->(known:Pattern)
WITH count(known) AS total,
     count(DISTINCT CASE WHEN known IS NOT NULL THEN q END) AS ptm_papers,
     count(CASE WHEN known IS NULL THEN every END) AS undetermined
OPTIONAL MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:WITH_PATTERN]->(pat:Pattern)
WITH pat.name AS pattern, count(u) AS reuses, count(DISTINCT p) AS papers, total, ptm_papers,
     undetermined
WHERE pattern IS NOT NULL OR undetermined > 0
RETURN pattern,
       reuses,
       papers,
       CASE WHEN total = 0 THEN null ELSE round(1000.0 * reuses / total) / 1000.0 END AS reuse_share,
       CASE WHEN ptm_papers = 0 THEN null ELSE round(1000.0 * papers / ptm_papers) / 1000.0 END AS paper_share,
       undetermined
ORDER BY reuses DESC, pattern
