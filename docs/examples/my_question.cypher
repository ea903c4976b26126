// Which papers reuse a model of a family, and under which pattern? (an example of your own)
//
// Parameters:
//   $model = "AlphaFold"   a model or a family
// Columns: paper, year, model, pattern
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
WHERE m.name = $model OR m.family = $model
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
RETURN p.id AS paper,
       p.year AS year,
       m.name AS model,
       coalesce(pat.name, 'undetermined') AS pattern
ORDER BY year, paper, model
