// Papers whose id is not in $ids: does the graph hold papers beyond the demo's?
MATCH (p:Paper) WHERE NOT p.id IN $ids RETURN count(p) AS papers
