// Which pre-trained models are reused most, and in how many fields?
//
// Parameters:
//   $limit = 10     how many models to list
//   $max_rank = 0   a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: model, family, modality, papers, fields, adaptation, deployment, conceptual, undetermined (reuses whose pattern no evidence decided)
MATCH (p:Paper)-[r:REUSES]->(m:Model)
WITH m,
     count(DISTINCT p) AS papers,
     count(CASE WHEN r.pattern = 'adaptation' THEN r END) AS adaptation,
     count(CASE WHEN r.pattern = 'deployment' THEN r END) AS deployment,
     count(CASE WHEN r.pattern = 'conceptual' THEN r END) AS conceptual,
     count(CASE WHEN r.pattern = 'undetermined' THEN r END) AS undetermined
OPTIONAL MATCH (m)<-[:REUSES]-(:Paper)-[f_rel:IN_FIELD]->(f:Field)
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
