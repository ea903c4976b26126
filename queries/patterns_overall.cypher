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
MATCH (q:Paper)-[every:REUSES]->(:Model)
WITH count(CASE WHEN every.pattern <> 'undetermined' THEN every END) AS total,
     count(DISTINCT CASE WHEN every.pattern <> 'undetermined' THEN q END) AS ptm_papers,
     count(CASE WHEN every.pattern = 'undetermined' THEN every END) AS undetermined
OPTIONAL MATCH (p:Paper)-[r:REUSES]->(:Model)
WHERE r.pattern <> 'undetermined'
WITH r.pattern AS pattern, count(r) AS reuses, count(DISTINCT p) AS papers, total, ptm_papers,
     undetermined
WHERE pattern IS NOT NULL OR undetermined > 0
RETURN pattern,
       reuses,
       papers,
       CASE WHEN total = 0 THEN null ELSE round(1000.0 * reuses / total) / 1000.0 END AS reuse_share,
       CASE WHEN ptm_papers = 0 THEN null ELSE round(1000.0 * papers / ptm_papers) / 1000.0 END AS paper_share,
       undetermined
ORDER BY reuses DESC, pattern
