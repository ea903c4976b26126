// How has PTM reuse grown, year by year, in each field?
//
// Parameters:
//   $max_rank = 0       a paper counts in a field through topics of rank <= max_rank
//   $field_id = null    only this field (e.g. 13); null for every field
//   $from_year = 2000   first publication year
//   $to_year = 2025     last publication year
// Columns: field_id, field, year, papers, dl_papers, ptm_papers, ptm_share
MATCH (p:Paper)-[r:IN_FIELD]->(f:Field)
WHERE r.rank <= $max_rank
  AND ($field_id IS NULL OR f.id = $field_id)
  AND p.year >= $from_year AND p.year <= $to_year
WITH f,
     p.year AS year,
     count(DISTINCT p) AS papers,
     count(DISTINCT CASE WHEN p.uses_dl THEN p END) AS dl_papers,
     count(DISTINCT CASE WHEN p.uses_ptms THEN p END) AS ptm_papers
RETURN f.id AS field_id,
       f.name AS field,
       year,
       papers,
       dl_papers,
       ptm_papers,
       round(1000.0 * ptm_papers / papers) / 1000.0 AS ptm_share
ORDER BY field, year
