// Which reused models are in no table (curated or catalogue), and how often are they seen?
//
// For curation: names found by an introducing sentence or given by the LLM that no table
// knows, with the ways papers wrote them.
//
// Parameters:
//   $min_papers = 2   leave out names seen in fewer papers
// Columns: model, family, papers, written_as, found_by
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
WHERE m.modality = 'unknown'
WITH m, p, u
ORDER BY u.mention, u.found_by
WITH m, count(DISTINCT p) AS papers, collect(DISTINCT u.mention) AS written_as,
     collect(DISTINCT u.found_by) AS found_by
WHERE papers >= $min_papers
RETURN m.name AS model,
       m.family AS family,
       papers,
       written_as,
       found_by
ORDER BY papers DESC, model
