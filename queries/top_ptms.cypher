// Which pre-trained models are reused most, and in how many fields?
//
// Parameters:
//   $limit = 10     how many models to list
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
//   $kind = null    only models of this kind, e.g. "image backbone"
// Columns: model, family, modality, papers, fields, adaptation, deployment, conceptual, undetermined (reuses whose pattern no evidence decided)
MATCH (p:Paper)-[:HAS_REUSE]->(u:Reuse)-[:REUSES]->(m:Model)
WHERE $kind IS NULL OR m.kind = $kind
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
WITH m,
     count(DISTINCT p) AS papers,
     count(CASE WHEN pat.name = 'adaptation' THEN u END) AS adaptation,
     count(CASE WHEN pat.name = 'deployment' THEN u END) AS deployment,
     count(CASE WHEN pat.name = 'conceptual' THEN u END) AS conceptual,
     count(CASE WHEN pat IS NULL THEN u END) AS undetermined
OPTIONAL MATCH (m)<-[:REUSES]-(:Reuse)<-[:HAS_REUSE]-(:Paper)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH m, papers, adaptation, deployment, conceptual, undetermined, count(DISTINCT f) AS fields
RETURN m.name AS model,
       m.family AS family,
       m.modality AS modality,
       papers,
       fields,
       adaptation,
       deployment,
       conceptual,
       undetermined
ORDER BY papers DESC, fields DESC, model
LIMIT $limit
