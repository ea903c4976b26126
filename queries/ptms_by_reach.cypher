// Which pre-trained models reach the most fields?
//
// Parameters:
//   $limit = 10     how many models to list
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: model, family, fields, papers, first_year, field_names
MATCH (p:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model)
MATCH (p)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH m, p, f
ORDER BY f.name
WITH m, count(DISTINCT f) AS fields, count(DISTINCT p) AS papers, min(p.year) AS first_year, collect(DISTINCT f.name) AS field_names
RETURN m.name AS model,
       m.family AS family,
       fields,
       papers,
       first_year,
       field_names
ORDER BY fields DESC, papers DESC, model
LIMIT $limit
