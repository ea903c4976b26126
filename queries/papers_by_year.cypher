// How many papers per year use deep learning, and how many reuse pre-trained models?
//
// Counts papers whose extraction is stored (status 'extracted'); papers whose extraction
// failed or is pending are left out of every count and share and counted in left_out.
//
// Parameters:
//   $from_year = 2000   first publication year to count
//   $to_year = 2025     last publication year to count
// Columns: year, papers, dl_papers, ptm_papers, ptm_share, left_out
MATCH (p:Paper)
WHERE p.year >= $from_year AND p.year <= $to_year
WITH p.year AS year,
     count(CASE WHEN p.status = 'extracted' THEN p END) AS papers,
     count(CASE WHEN p.uses_dl THEN p END) AS dl_papers,
     count(CASE WHEN p.uses_ptms THEN p END) AS ptm_papers,
     count(CASE WHEN p.status IS NULL OR p.status <> 'extracted' THEN p END) AS left_out
RETURN year,
       papers,
       dl_papers,
       ptm_papers,
       CASE WHEN papers = 0 THEN 0.0 ELSE round(1000.0 * ptm_papers / papers) / 1000.0 END AS ptm_share,
       left_out
ORDER BY year
