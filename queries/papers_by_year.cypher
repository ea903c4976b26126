// How many papers per year use deep learning, and how many reuse pre-trained models?
//
// Parameters:
//   $from_year = 2000   first publication year to count
//   $to_year = 2025     last publication year to count
// Columns: year, papers, dl_papers, ptm_papers, ptm_share
MATCH (p:Paper)
WHERE p.year >= $from_year AND p.year <= $to_year
WITH p.year AS year,
     count(p) AS papers,
     count(CASE WHEN p.uses_dl THEN p END) AS dl_papers,
     count(CASE WHEN p.uses_ptms THEN p END) AS ptm_papers
RETURN year,
       papers,
       dl_papers,
       ptm_papers,
       round(1000.0 * ptm_papers / papers) / 1000.0 AS ptm_share
ORDER BY year
