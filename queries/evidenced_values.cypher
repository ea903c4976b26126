// How many reuses have a pattern and a stage the paper evidences, and how many are undetermined?
//
// A pattern or stage is 'undetermined' when nothing the paper says decides it; every share
// in the other modules leaves those reuses out and counts them. Models the papers introduce
// themselves are counted apart: they are not reuses.
//
// Parameters: none
// Columns: reuses, pattern_evidenced, pattern_undetermined, pattern_undetermined_share, stage_evidenced, stage_undetermined, stage_undetermined_share, introduced_models
OPTIONAL MATCH (:Paper)-[:HAS_REUSE]->(u:Reuse)
OPTIONAL MATCH (u)-[:WITH_PATTERN]->(pat:Pattern)
OPTIONAL MATCH (u)-[:AT_STAGE]->(s:Stage)
WITH count(u) AS reuses,
     count(CASE WHEN pat IS NULL THEN u END) AS pattern_undetermined,
     count(CASE WHEN s IS NULL THEN u END) AS stage_undetermined
OPTIONAL MATCH (:Paper)-[:INTRODUCES]->(made:Model)
WITH reuses, pattern_undetermined, stage_undetermined, count(DISTINCT made) AS introduced_models
RETURN reuses,
       reuses - pattern_undetermined AS pattern_evidenced,
       pattern_undetermined,
       CASE WHEN reuses = 0 THEN 0.0 ELSE round(1000.0 * pattern_undetermined / reuses) / 1000.0 END AS pattern_undetermined_share,
       reuses - stage_undetermined AS stage_evidenced,
       stage_undetermined,
       CASE WHEN reuses = 0 THEN 0.0 ELSE round(1000.0 * stage_undetermined / reuses) / 1000.0 END AS stage_undetermined_share,
       introduced_models
