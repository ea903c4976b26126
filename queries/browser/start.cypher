// The Browser's first query (kg browser): ESM-2's reuses, with their papers, patterns and stages.
MATCH reuse = (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model {name: 'ESM-2'}) OPTIONAL MATCH parts = (u)-[:WITH_PATTERN|AT_STAGE]->() RETURN reuse, parts LIMIT 50
