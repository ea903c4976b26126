// How has the mix of reuse patterns changed over the years?
//
// Reuses whose pattern no evidence decided ('undetermined') are left out of every count and
// share and counted in undetermined. A year whose reuses all have an undetermined pattern gets
// one row with no pattern that carries that count.
//
// Parameters:
//   $from_year = 2000   first publication year
//   $to_year = 2025     last publication year
// Columns: year, pattern, reuses, papers, reuse_share (of the year's reuses with an evidenced pattern), undetermined (the year's reuses of undetermined pattern)
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)
WHERE p.year >= $from_year AND p.year <= $to_year
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
WITH p.year AS year, coalesce(pat.name, 'undetermined') AS pattern, count(u) AS reuses, count(DISTINCT p) AS papers
WITH year,
     collect(CASE WHEN pattern <> 'undetermined'
                  THEN {pattern: pattern, reuses: reuses, papers: papers} END) AS rows,
     toInteger(sum(CASE WHEN pattern <> 'undetermined' THEN reuses ELSE 0 END)) AS total,
     toInteger(sum(CASE WHEN pattern = 'undetermined' THEN reuses ELSE 0 END)) AS undetermined
WHERE total > 0 OR undetermined > 0
UNWIND CASE WHEN size(rows) = 0 THEN [null] ELSE rows END AS row
RETURN year,
       row.pattern AS pattern,
       coalesce(row.reuses, 0) AS reuses,
       coalesce(row.papers, 0) AS papers,
       CASE WHEN total = 0 THEN null ELSE round(1000.0 * row.reuses / total) / 1000.0 END AS reuse_share,
       undetermined
ORDER BY year, reuses DESC, pattern
