// Which models were introduced in natural-science papers, and which fields reuse them?
//
// A paper introduces a model it creates itself (INTRODUCES); the model's reusers are the
// papers with a Reuse of it. A paper is a natural-science one when a field of its
// topics of rank <= max_rank is among science_fields; reusers count in each field of their
// topics of rank <= max_rank (beyond the primary topic, only within science_fields). A model nobody reuses yet has one row, with no field.
//
// Parameters:
//   $max_rank = 0                                a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the study's natural-science fields; null for every field
// Columns: model, family, introduced_by, introduced_in, home_field, field, reusing_papers, first_reuse
MATCH (origin:Paper)-[:INTRODUCES]->(m:Model)
MATCH (origin)-[o_rel:IN_FIELD]->(home:Field)
WHERE o_rel.rank <= $max_rank
  AND ($science_fields IS NULL OR home.id IN $science_fields)
WITH origin, m, min(home.name) AS home_field
OPTIONAL MATCH (user:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m)
OPTIONAL MATCH (user)-[u_rel:IN_FIELD]->(f:Field)
WHERE u_rel.rank <= $max_rank
  AND (u_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH origin, m, home_field, f, count(DISTINCT user) AS reusing_papers, min(user.year) AS first_reuse
RETURN m.name AS model,
       m.family AS family,
       origin.id AS introduced_by,
       origin.year AS introduced_in,
       home_field,
       f.name AS field,
       reusing_papers,
       first_reuse
ORDER BY model, introduced_by, reusing_papers DESC, field
