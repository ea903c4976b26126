// Which papers are behind a number: the papers reusing PTMs for a field, model, pattern or stage?
//
// Counts nothing: lists the papers (with status 'extracted') that a headline table counted,
// so a reader can open them. Leave a filter null to not filter on it.
//
// Parameters:
//   $field = null     a field id or name, e.g. 28 or "Neuroscience" (through topics of rank <= max_rank)
//   $model = null     a model or family by any of its names, any case, e.g. "ESM-2", "esm2" or "AlphaFold"
//   $kind = null      only models of this kind, e.g. "protein language model"
//   $pattern = null   conceptual, adaptation, deployment (or undetermined)
//   $stage = null     Observation, Background, Hypothesis, Test, Analysis, Conclusion (or undetermined)
//   $max_rank = 0     a paper is in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
//   $limit = 50       how many papers to list
// Columns: paper, title, doi, year, fields, models, patterns, stages
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
WHERE p.status = 'extracted'
  AND ($model IS NULL OR toLower($model) IN m.aliases)
  AND ($kind IS NULL OR m.kind = $kind)
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
OPTIONAL MATCH (u)-[:AT_STAGE]->(s:Stage)
WITH p, m, coalesce(pat.name, 'undetermined') AS pattern, coalesce(s.name, 'undetermined') AS stage
WHERE ($pattern IS NULL OR pattern = $pattern)
  AND ($stage IS NULL OR stage = $stage)
MATCH (p)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH p, f, m, pattern, stage
ORDER BY m.name, f.name
WITH p, collect(DISTINCT f.name) AS fields, collect(DISTINCT f.id) AS field_ids,
     collect(DISTINCT m.name) AS models,
     collect(DISTINCT pattern) AS patterns, collect(DISTINCT stage) AS stages
WHERE $field IS NULL OR $field IN fields OR $field IN field_ids
RETURN p.id AS paper,
       p.title AS title,
       p.doi AS doi,
       p.year AS year,
       fields,
       models,
       patterns,
       stages
ORDER BY year DESC, paper
LIMIT $limit
