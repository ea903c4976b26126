// kg export: one row per model in the graph, with the papers reusing it.
MATCH (m:Model)
OPTIONAL MATCH (p:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m)
RETURN m.name AS model, m.family AS family, m.modality AS modality,
       count(DISTINCT p) AS papers
ORDER BY model
