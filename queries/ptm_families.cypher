// Which model families (ResNet, BERT, AlphaFold, ...) are reused, and how widely?
//
// Parameters:
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: family, models, papers, fields, first_year
MATCH (p:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model)
WITH m.family AS family, count(DISTINCT m) AS models, count(DISTINCT p) AS papers, min(p.year) AS first_year
OPTIONAL MATCH (q:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(n:Model {family: family})
OPTIONAL MATCH (q)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH family, models, papers, first_year, count(DISTINCT f) AS fields
RETURN family,
       models,
       papers,
       fields,
       first_year
ORDER BY papers DESC, fields DESC, family
