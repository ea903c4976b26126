// What does each paper say when it reuses a model: the quote behind every reuse?
//
// Parameters:
//   $model = null   only this model or family (e.g. "ESM-2", "AlphaFold"); null for all
//   $paper = null   only this paper (id or DOI, e.g. "W2741809807"); null for all
//   $limit = 100    how many edges to list
// Columns: paper, year, model, pattern, stage, mention, evidence
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
WHERE ($model IS NULL OR m.name = $model OR m.family = $model)
  AND ($paper IS NULL OR p.id = $paper)
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
OPTIONAL MATCH (u)-[:AT_STAGE]->(s:Stage)
RETURN p.id AS paper,
       p.year AS year,
       m.name AS model,
       coalesce(pat.name, 'undetermined') AS pattern,
       coalesce(s.name, 'undetermined') AS stage,
       u.mention AS mention,
       u.evidence AS evidence
ORDER BY model, year, paper
LIMIT $limit
