// How has the mix of reuse patterns changed over the years?
//
// Parameters:
//   $from_year = 2000   first publication year
//   $to_year = 2025     last publication year
// Columns: year, pattern, reuses, papers, reuse_share (of the year's reuses)
MATCH (p:Paper)-[r:REUSES]->(:Model)
WHERE p.year >= $from_year AND p.year <= $to_year
WITH p.year AS year, r.pattern AS pattern, count(r) AS reuses, count(DISTINCT p) AS papers
WITH year, collect({pattern: pattern, reuses: reuses, papers: papers}) AS rows, sum(reuses) AS total
UNWIND rows AS row
RETURN year,
       row.pattern AS pattern,
       row.reuses AS reuses,
       row.papers AS papers,
       round(1000.0 * row.reuses / total) / 1000.0 AS reuse_share
ORDER BY year, reuses DESC, pattern
