// kg export: one row per OpenAlex field in the graph, with its papers.
MATCH (f:Field)
OPTIONAL MATCH (p:Paper)-[r:IN_FIELD]->(f)
RETURN f.id AS field_id, f.name AS field, f.domain AS domain,
       count(DISTINCT CASE WHEN r.rank = 0 THEN p END) AS primary_papers,
       count(DISTINCT p) AS papers
ORDER BY field_id
