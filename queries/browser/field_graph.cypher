// One field's reuses (13: Biochemistry, Genetics and Molecular Biology; any id)
MATCH (f:Field {id: 13})<-[:IN_FIELD {rank: 0}]-(p:Paper)
MATCH (p)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
OPTIONAL MATCH (u)-[:WITH_PATTERN|AT_STAGE]->(part)
RETURN f, p, u, m, collect(part) AS parts
