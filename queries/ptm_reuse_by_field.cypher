// Which natural-science fields reuse pre-trained models the most?
//
// Parameters:
//   $max_rank = 0     a paper counts in a field through topics of rank <= max_rank (0 = primary topic only, 2 = any of the top three)
//   $min_papers = 1   leave out fields with fewer papers
// Columns: field_id, field, papers, dl_papers, ptm_papers, ptm_share
MATCH (p:Paper)-[r:IN_FIELD]->(f:Field)
WHERE r.rank <= $max_rank
WITH f,
     count(DISTINCT p) AS papers,
     count(DISTINCT CASE WHEN p.uses_dl THEN p END) AS dl_papers,
     count(DISTINCT CASE WHEN p.uses_ptms THEN p END) AS ptm_papers
WHERE papers >= $min_papers
RETURN f.id AS field_id,
       f.name AS field,
       papers,
       dl_papers,
       ptm_papers,
       round(1000.0 * ptm_papers / papers) / 1000.0 AS ptm_share
ORDER BY ptm_papers DESC, ptm_share DESC, field
