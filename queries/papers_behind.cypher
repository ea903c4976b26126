// Which papers are behind a number: the papers reusing PTMs for a field, model, pattern or stage?
//
// Counts nothing: lists the papers (with status 'extracted') that a headline table counted,
// so a reader can open them. Leave a filter null to not filter on it.
//
// Parameters:
//   $field = null     a field name, e.g. "Neuroscience" (through topics of rank <= max_rank)
//   $model = null     a canonical model name, e.g. "ESM-2"
//   $pattern = null   conceptual, adaptation, deployment (or undetermined)
//   $stage = null     Observation, Background, Hypothesis, Test, Analysis, Conclusion (or undetermined)
//   $max_rank = 0     a paper is in a field through topics of rank <= max_rank
//   $limit = 50       how many papers to list
// Columns: paper, title, doi, year, fields, models, patterns, stages
MATCH (p:Paper)-[r:REUSES]->(m:Model)
WHERE p.status = 'extracted'
  AND ($model IS NULL OR m.name = $model)
  AND ($pattern IS NULL OR r.pattern = $pattern)
  AND ($stage IS NULL OR r.stage = $stage)
MATCH (p)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
WITH p, collect(DISTINCT f.name) AS fields, collect(DISTINCT m.name) AS models,
     collect(DISTINCT r.pattern) AS patterns, collect(DISTINCT r.stage) AS stages
WHERE $field IS NULL OR $field IN fields
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
