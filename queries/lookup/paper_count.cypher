// How many papers the graph holds (an empty graph is built by the bulk path).
MATCH (p:Paper) RETURN count(p) AS n
