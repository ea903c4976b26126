// Which natural-science fields reuse pre-trained models the most?
//
// Unit: papers. With max_rank = 0 (default) each paper counts once, in the field of its
// primary topic; with max_rank = 2 it counts in every field among its top three topics.
// Counts papers whose extraction is stored (status 'extracted'); papers whose extraction
// failed or is pending are left out of every count and share and counted in left_out.
//
// Parameters:
//   $max_rank = 0     a paper counts in a field through topics of rank <= max_rank (0 = primary topic only, 2 = any of the top three)
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
//   $min_papers = 1   leave out fields with fewer papers
// Columns: field_id, field, papers, dl_papers, ptm_papers, ptm_share, left_out
MATCH (p:Paper)-[r:IN_FIELD]->(f:Field)
WHERE r.rank <= $max_rank
  AND (r.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH f,
     count(DISTINCT CASE WHEN p.status = 'extracted' THEN p END) AS papers,
     count(DISTINCT CASE WHEN p.uses_dl THEN p END) AS dl_papers,
     count(DISTINCT CASE WHEN p.uses_ptms THEN p END) AS ptm_papers,
     count(DISTINCT CASE WHEN p.status IS NULL OR p.status <> 'extracted' THEN p END) AS left_out
WHERE papers >= $min_papers
RETURN f.id AS field_id,
       f.name AS field,
       papers,
       dl_papers,
       ptm_papers,
       CASE WHEN papers = 0 THEN 0.0 ELSE round(1000.0 * ptm_papers / papers) / 1000.0 END AS ptm_share,
       left_out
ORDER BY ptm_papers DESC, ptm_share DESC, field
