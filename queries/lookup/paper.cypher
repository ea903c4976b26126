// The paper with id $id or DOI $doi (lower case): resolving a paper the user wrote.
MATCH (p:Paper) WHERE p.id = $id OR toLower(p.doi) = $doi RETURN p.id AS id
