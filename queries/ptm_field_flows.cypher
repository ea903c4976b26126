// Which pre-trained models flow into which fields, and when did each first arrive there?
//
// Parameters:
//   $max_rank = 0     a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
//   $kind = null      only models of this kind, e.g. "protein language model"
//   $min_papers = 1   leave out model-field pairs with fewer papers
// Columns: model, family, field_id, field, first_year, last_year, papers
MATCH (p:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model)
WHERE $kind IS NULL OR m.kind = $kind
MATCH (p)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH m, f, min(p.year) AS first_year, max(p.year) AS last_year, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN m.name AS model,
       m.family AS family,
       f.id AS field_id,
       f.name AS field,
       first_year,
       last_year,
       papers
ORDER BY model, first_year, field
