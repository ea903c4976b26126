// kg export: one row per model a paper introduces (an INTRODUCES edge), with its reusers.
MATCH (p:Paper)-[i:INTRODUCES]->(m:Model)
OPTIONAL MATCH (user:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m)
RETURN p.id AS paper_id, p.doi AS doi, p.year AS year, m.name AS model, m.family AS family,
       i.mention AS mention, i.evidence AS evidence, i.found_by AS found_by,
       count(DISTINCT user) AS reusing_papers, min(user.year) AS first_reuse
ORDER BY paper_id, model
