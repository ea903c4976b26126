// Which model families flow into which fields, and when did each first arrive there?
//
// With a family (e.g. "AlphaFold"), its rows in the order the fields adopted it: the first
// adopters first.
//
// Parameters:
//   $family = null    only this family, any case (a model's name or alias gives its family); null for every family
//   $max_rank = 0     a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
//   $min_papers = 1   leave out family-field pairs with fewer papers
// Columns: family, field_id, field, first_year, last_year, papers
OPTIONAL MATCH (named:Model)
WHERE toLower($family) IN named.aliases
WITH collect(DISTINCT named.family) AS answering
// a family's own name means that family alone, else the families of the models it names
WITH [f IN answering WHERE toLower(f) = toLower($family)] AS own, answering
WITH CASE WHEN size(own) > 0 THEN own ELSE answering END AS families
MATCH (p:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model)
WHERE $family IS NULL OR m.family IN families
MATCH (p)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH m.family AS family, f, min(p.year) AS first_year, max(p.year) AS last_year, count(DISTINCT p) AS papers
WHERE papers >= $min_papers
RETURN family,
       f.id AS field_id,
       f.name AS field,
       first_year,
       last_year,
       papers
ORDER BY family, first_year, field
