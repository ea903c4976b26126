// What does each paper say when it reuses a model: the quote behind every reuse?
//
// Parameters:
//   $model = null   only this model or family, by any of its names in any case (e.g. "ESM-2",
//                   "esm2", "AlphaFold": every m.aliases holds); null for all
//   $kind = null    only models of this kind, e.g. "protein language model" (`kg models` lists the kinds)
//   $paper = null   only this paper (id or DOI, e.g. "W2741809807"); null for all
//   $limit = 100    how many edges to list
// Columns: paper, year, model, pattern, stage, mention, evidence
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
WHERE ($model IS NULL OR toLower($model) IN m.aliases)
  AND ($kind IS NULL OR m.kind = $kind)
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
