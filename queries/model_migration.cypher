// Which fields did each pre-trained model move into after the field where it was first reused, and when?
//
// A model's first field is the field of its earliest reusing paper (the first by name when
// several fields share that year); each row is a field it reached later, with the years
// between. Filter by the first field's domain (e.g. "Life Sciences") and by the later field
// to ask, e.g., which PTMs moved from the life sciences into Earth and Planetary Sciences.
//
// Parameters:
//   $model = null         only this model or family by any of its names, any case (e.g. "AlphaFold"); null for all
//   $kind = null          only models of this kind, e.g. "structure predictor"
//   $from_domain = null   only models first reused in this domain (Life Sciences, Physical Sciences, Health Sciences, Social Sciences)
//   $field = null         only moves into this field, by id or name; null for every field
//   $max_rank = 0         a paper counts in a field through topics of rank <= max_rank
//   $science_fields = [11,13,16,19,23,24,28,31]   the fields a topic of rank >= 1 may add; null for every field
// Columns: model, family, first_field, first_domain, first_year, field, domain, arrived, years_later, papers
MATCH (p:Paper)-[:HAS_REUSE]->(:Reuse)-[:REUSES]->(m:Model)
WHERE ($model IS NULL OR toLower($model) IN m.aliases)
  AND ($kind IS NULL OR m.kind = $kind)
MATCH (p)-[f_rel:IN_FIELD]->(f:Field)
WHERE f_rel.rank <= $max_rank
  AND (f_rel.rank = 0 OR $science_fields IS NULL OR f.id IN $science_fields)
WITH m, f, min(p.year) AS arrived, count(DISTINCT p) AS papers
ORDER BY arrived, f.name
WITH m, collect({id: f.id, field: f.name, domain: f.domain, arrived: arrived, papers: papers}) AS reached
WHERE size(reached) > 1
  AND ($from_domain IS NULL OR reached[0].domain = $from_domain)
UNWIND reached[1..] AS later
WITH m, reached[0] AS first, later
WHERE $field IS NULL OR later.id = $field OR later.field = $field
RETURN m.name AS model,
       m.family AS family,
       first.field AS first_field,
       first.domain AS first_domain,
       first.arrived AS first_year,
       later.field AS field,
       later.domain AS domain,
       later.arrived AS arrived,
       later.arrived - first.arrived AS years_later,
       later.papers AS papers
ORDER BY model, arrived, field
