// How has PTM reuse grown, year by year, in each field?
//
// Counts papers whose extraction is stored (status 'extracted'); papers whose extraction
// failed or is pending are left out of every count and share and counted in left_out.
//
// Parameters:
//   $max_rank = 0       a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
//   $field = null       only this field, by id or name (e.g. 13); null for every field
//   $from_year = 2000   first publication year
//   $to_year = 2025     last publication year
// Columns: field_id, field, year, papers, dl_papers, ptm_papers, ptm_share, left_out
MATCH (p:Paper)-[r:IN_FIELD]->(f:Field)
WHERE r.rank <= $max_rank
  AND (r.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
  AND ($field IS NULL OR f.id = $field OR f.name = $field)
  AND p.year >= $from_year AND p.year <= $to_year
WITH f,
     p.year AS year,
     count(DISTINCT CASE WHEN p.status = 'extracted' THEN p END) AS papers,
     count(DISTINCT CASE WHEN p.uses_dl THEN p END) AS dl_papers,
     count(DISTINCT CASE WHEN p.uses_ptms THEN p END) AS ptm_papers,
     count(DISTINCT CASE WHEN p.status IS NULL OR p.status <> 'extracted' THEN p END) AS left_out
RETURN f.id AS field_id,
       f.name AS field,
       year,
       papers,
       dl_papers,
       ptm_papers,
       CASE WHEN papers = 0 THEN 0.0 ELSE round(1000.0 * ptm_papers / papers) / 1000.0 END AS ptm_share,
       left_out
ORDER BY field, year
