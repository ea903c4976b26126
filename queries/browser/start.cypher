// The Browser's first query (kg browser): ESM-2, its reusing papers and their fields.
MATCH (m:Model {name: 'ESM-2'})<-[r:REUSES]-(p:Paper)-[:IN_FIELD]->(f:Field) RETURN m, r, p, f LIMIT 50
